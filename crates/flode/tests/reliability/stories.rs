//! The reliability stories of the foundation issue.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::server::{Api, Db, Server, job_model, postgres, sqlite};

/// The "external system": applies an effect once per idempotency key and counts attempts.
#[derive(Default)]
struct External {
    applied: HashMap<String, u32>,
    attempts: u32,
}

impl External {
    fn apply(&mut self, key: &str) {
        self.attempts += 1;
        // An idempotent external system: a repeated key is recognised, not applied again.
        self.applied.entry(key.to_owned()).or_insert(0);
        if let Some(n) = self.applied.get_mut(key) {
            *n += 1;
        }
    }
}

/// Works jobs of `job_type` on `base` until `stop`; errors (server down) are retried.
async fn worker(
    api: Api,
    base: String,
    job_type: String,
    name: String,
    external: Arc<Mutex<External>>,
    stop: Arc<Mutex<bool>>,
    completed: Arc<Mutex<Vec<String>>>,
) {
    while !*stop.lock().expect("lock") {
        let body = json!({"type": job_type, "worker": name, "maxJobs": 25, "leaseMs": 3000, "requestTimeoutMs": 200});
        let jobs = match api.post(&base, "/api/jobs/activate", body).await {
            Ok((200, v)) => v["jobs"].as_array().cloned().unwrap_or_default(),
            _ => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        for job in jobs {
            let id = job["id"].as_str().unwrap_or_default().to_owned();
            let key = job["idempotencyKey"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            {
                let mut ext = external.lock().expect("lock");
                // Check first, like a robot checking the legacy system before writing.
                if !ext.applied.contains_key(&key) {
                    ext.apply(&key);
                } else {
                    ext.attempts += 1;
                }
            }
            if let Ok((200 | 204, _)) = api
                .post(
                    &base,
                    &format!("/api/jobs/{id}/complete"),
                    json!({"worker": name, "variables": {}}),
                )
                .await
            {
                completed.lock().expect("lock").push(id);
            }
        }
    }
}

async fn wait_until_done(api: &Api, base: &str, deadline: Duration) {
    let end = Instant::now() + deadline;
    loop {
        if let Ok(0) = api.active(base).await {
            return;
        }
        assert!(
            Instant::now() < end,
            "instances still active after {deadline:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn kill9_story(db: Db) {
    let api = Api::new();
    let mut server = Server::start(&db, "node-a").await;
    api.deploy(&server.base, "rel.bpmn", &job_model("rel", "rel.effect"))
        .await;
    let mut ids = Vec::new();
    for _ in 0..1000 {
        ids.push(api.start(&server.base, "rel").await);
    }
    let external = Arc::new(Mutex::new(External::default()));
    let stop = Arc::new(Mutex::new(false));
    let completed = Arc::new(Mutex::new(Vec::new()));
    let w = tokio::spawn(worker(
        api.clone(),
        server.base.clone(),
        "rel.effect".into(),
        "w1".into(),
        external.clone(),
        stop.clone(),
        completed.clone(),
    ));
    // Kill the server mid-flight, with jobs leased and completions in the air.
    let end = Instant::now() + Duration::from_secs(60);
    while completed.lock().expect("lock").len() < 300 {
        assert!(
            Instant::now() < end,
            "{}: no progress before the kill",
            db.name
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill9();
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.restart().await;
    wait_until_done(&api, &server.base, Duration::from_secs(120)).await;
    *stop.lock().expect("lock") = true;
    w.await.expect("worker");
    let applied = external.lock().expect("lock").applied.clone();
    assert_eq!(
        applied.len(),
        1000,
        "{}: every instance's effect happened",
        db.name
    );
    assert!(
        applied.values().all(|n| *n == 1),
        "{}: no effect applied twice",
        db.name
    );
    for id in ids.iter().take(50) {
        let v = api
            .get(&server.base, &format!("/api/process-instances/{id}"))
            .await
            .expect("get");
        let state = v["instance"]["state"]
            .as_str()
            .or(v["state"].as_str())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(state, "completed", "{}: {v}", db.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_with_1000_instances_loses_nothing_and_repeats_no_effect() {
    kill9_story(sqlite()).await;
    if let Some(pg) = postgres() {
        kill9_story(pg).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_never_hand_out_a_job_twice() {
    let Some(db) = postgres() else { return };
    let api = Api::new();
    let a = Server::start(&db, "node-a").await;
    let b = Server::start(&db, "node-b").await;
    api.deploy(&a.base, "two.bpmn", &job_model("two", "two.effect"))
        .await;
    for i in 0..400 {
        // Instances are started through both nodes.
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        api.start(base, "two").await;
    }
    let external = Arc::new(Mutex::new(External::default()));
    let stop = Arc::new(Mutex::new(false));
    let done_a = Arc::new(Mutex::new(Vec::new()));
    let done_b = Arc::new(Mutex::new(Vec::new()));
    let wa = tokio::spawn(worker(
        api.clone(),
        a.base.clone(),
        "two.effect".into(),
        "wa".into(),
        external.clone(),
        stop.clone(),
        done_a.clone(),
    ));
    let wb = tokio::spawn(worker(
        api.clone(),
        b.base.clone(),
        "two.effect".into(),
        "wb".into(),
        external.clone(),
        stop.clone(),
        done_b.clone(),
    ));
    wait_until_done(&api, &a.base, Duration::from_secs(120)).await;
    *stop.lock().expect("lock") = true;
    wa.await.expect("a");
    wb.await.expect("b");
    let (ca, cb) = (
        done_a.lock().expect("l").clone(),
        done_b.lock().expect("l").clone(),
    );
    let sa: HashSet<&String> = ca.iter().collect();
    let both: Vec<&String> = cb.iter().filter(|id| sa.contains(id)).collect();
    assert!(both.is_empty(), "jobs completed by both nodes: {both:?}");
    assert_eq!(ca.len() + cb.len(), 400, "every job completed exactly once");
    assert!(
        !ca.is_empty() && !cb.is_empty(),
        "both nodes shared the work ({} / {})",
        ca.len(),
        cb.len()
    );
    let ext = external.lock().expect("lock");
    assert_eq!(ext.attempts, 400, "no job was handed to two workers");
}

async fn downtime_story(db: Db) {
    let api = Api::new();
    let mut server = Server::start(&db, "node-t").await;
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d-t" targetNamespace="https://flode.example/rel">
  <bpmn:process id="later" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT2S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"#;
    api.deploy(&server.base, "later.bpmn", xml).await;
    let id = api.start(&server.base, "later").await;
    server.kill9();
    // The timer falls due while no node runs.
    tokio::time::sleep(Duration::from_secs(3)).await;
    server.restart().await;
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        let v: Value = api
            .get(&server.base, &format!("/api/process-instances/{id}"))
            .await
            .expect("get");
        let state = v["instance"]["state"]
            .as_str()
            .or(v["state"].as_str())
            .unwrap_or_default()
            .to_owned();
        if state == "completed" {
            break;
        }
        assert!(
            Instant::now() < end,
            "{}: timer did not fire after restart: {v}",
            db.name
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timers_due_during_downtime_fire_after_restart() {
    downtime_story(sqlite()).await;
    if let Some(pg) = postgres() {
        downtime_story(pg).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_cleanly_and_the_next_start_carries_on() {
    let db = sqlite();
    let api = Api::new();
    let mut server = Server::start(&db, "node-g").await;
    api.deploy(&server.base, "g.bpmn", &job_model("g", "g.effect"))
        .await;
    for _ in 0..20 {
        api.start(&server.base, "g").await;
    }
    let status = server.terminate(Duration::from_secs(15));
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
    server.restart().await;
    let external = Arc::new(Mutex::new(External::default()));
    let stop = Arc::new(Mutex::new(false));
    let done = Arc::new(Mutex::new(Vec::new()));
    let w = tokio::spawn(worker(
        api.clone(),
        server.base.clone(),
        "g.effect".into(),
        "w".into(),
        external.clone(),
        stop.clone(),
        done.clone(),
    ));
    wait_until_done(&api, &server.base, Duration::from_secs(60)).await;
    *stop.lock().expect("lock") = true;
    w.await.expect("worker");
    assert_eq!(done.lock().expect("lock").len(), 20);
}
