//! Robots end to end: the engine's `legacy.register_payment` jobs, claimed by robot workers
//! that drive real Chromium against SimIFO over a real socket, with its faults (latency,
//! the spinner, the news modal, saves that commit and then drop the connection) and a node
//! killed mid-item (its robots found dead by the other node, their item given back). The same jobs run against v1 (Procapita-like) and v2 (Lifecare-like),
//! which differ only in their script sets. Every item ends done or in the review queue, and
//! SimIFO's own database shows each payment registered exactly once.
//!
//! Runs with `FLODE_A11Y=1` (scripts/test), like the other Chromium tests; without it, it
//! says so loudly and passes; with it and no browser, it fails.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use flode_engine::service::{self, ServiceOptions};
use flode_engine::{Engine, EngineOptions, SystemClock};
use flode_legacy_sim::{Config, CrashMode, Latency, Sim, UiVersion};
use flode_robots::{ChromiumConfig, Robots, RobotsConfig, ScriptSet, Target, Vault, VaultKey};
use flode_store::{InstanceState, Store, StoreOptions};
use serde_json::{Map, Value, json};

/// Seeded people of SimIFO with an open case of ekonomiskt bistånd.
const PEOPLE: [&str; 4] = [
    "198503611017",
    "199906644043",
    "200107755050",
    "198808866068",
];
/// Testa's number with a wrong check digit: no one's.
const NOBODY: &str = "198503611018";

const PROCESS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="https://flode.example/test">
  <bpmn:process id="utbetalning" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="registrera"/>
    <bpmn:serviceTask id="registrera" name="Registrera utbetalningen i verksamhetssystemet">
      <bpmn:extensionElements><zeebe:taskDefinition type="legacy.register_payment" retries="6"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="registrera" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"#;

fn variables(personnummer: &str, arende_id: &str) -> Map<String, Value> {
    let v = json!({
        "arendeId": arende_id,
        "personnummer": personnummer,
        "manad": "2026-12",
        "period": {"from": "2026-11-01", "tom": "2026-12-31"},
        "beslut": {"utfall": "bifall", "belopp": 6100, "motivering": "Behovet är styrkt."},
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!("an object literal"),
    }
}

/// SimIFO with its realistic quirks in tenths of their time, and every third save
/// committing and then dropping the connection.
fn simifo(ui: UiVersion) -> Config {
    let mut config = Config::realistic(ui);
    config.faults.latency = Latency {
        min: Duration::from_millis(20),
        max: Duration::from_millis(200),
        spike_rate: 0.02,
        spike: Duration::from_secs(1),
    };
    config.faults.spinner = Some(Duration::from_millis(200));
    config.faults.error_rate = 0.0;
    config.faults.crash_mid_save = 0.34;
    config.faults.crash_mode = CrashMode::AfterCommit;
    // Two robots share the one robot account here; SimIFO's default, one session per
    // account, would have them sign each other out (in production: an account per seat).
    config.quirks.single_session = false;
    config
}

fn robots_config(node: &str, base: &str, scripts: &ScriptSet) -> RobotsConfig {
    let mut config = RobotsConfig::new(
        node,
        vec![Target {
            name: "simifo".into(),
            url: base.into(),
            seats: 2,
            requires: Vec::new(),
            scripts: scripts.clone(),
        }],
    );
    config.robots = 2;
    config.poll = Duration::from_millis(100);
    config.heartbeat_ms = 1_000;
    config.retry_backoff_ms = 200;
    config
}

async fn scenario(ui: UiVersion, dir: &str) {
    let db = flode_test_db::sqlite();
    let store = Store::connect(&StoreOptions::new(db.url.clone()))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    let engine = Engine::new(
        store.clone(),
        Arc::new(SystemClock),
        EngineOptions {
            node_name: "nod-1".into(),
            ..EngineOptions::default()
        },
    )
    .await
    .expect("engine");
    engine
        .deploy("utbetalning.bpmn", PROCESS)
        .await
        .expect("deploy");
    let background = service::spawn(
        engine.clone(),
        ServiceOptions {
            lease_sweep: Duration::from_millis(500),
            ..ServiceOptions::default()
        },
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let config = simifo(ui);
    let password = config.credentials.robot_password.clone();
    let sim: Sim = flode_legacy_sim::spawn(listener, config)
        .await
        .expect("SimIFO");
    let scripts = ScriptSet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .unwrap_or_else(|e| panic!("{e}"));

    let (key, key_text) = VaultKey::generate().expect("key");
    Vault::new(store.clone(), key)
        .set(
            "simifo",
            flode_legacy_sim::ROBOT_USER,
            &password,
            engine.now(),
        )
        .await
        .expect("credential");
    let vault = || {
        Vault::new(
            store.clone(),
            VaultKey::from_base64(&key_text).expect("key"),
        )
    };

    let mut instances = Vec::new();
    for (n, pnr) in PEOPLE.iter().enumerate() {
        let arende = format!("EB-2026-0009{n:02}");
        let i = engine
            .start("utbetalning", variables(pnr, &arende), None)
            .await
            .expect("start");
        instances.push((i.id, pnr.to_string(), arende));
    }
    let unknown = engine
        .start("utbetalning", variables(NOBODY, "EB-2026-000999"), None)
        .await
        .expect("start")
        .id;

    // The first node dies as soon as one of its robots is working on an item.
    let first = Robots::start(
        &engine,
        vault(),
        ChromiumConfig::default(),
        robots_config("nod-1", &base, &scripts),
    )
    .await
    .expect("robots");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let robots = store.robots().await.expect("robots");
        if robots.iter().any(|r| r.state == "working") {
            break;
        }
        assert!(Instant::now() < deadline, "{dir}: no robot started working");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    first.abort();

    let second = Robots::start(
        &engine,
        vault(),
        ChromiumConfig::default(),
        robots_config("nod-2", &base, &scripts),
    )
    .await
    .expect("robots");
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let mut finished = 0;
        for (id, _, _) in &instances {
            if store.instance(id).await.expect("instance").state == InstanceState::Completed {
                finished += 1;
            }
        }
        let reviewed = store.robot_review_open_for(&unknown).await;
        if finished == instances.len() && reviewed {
            break;
        }
        if Instant::now() >= deadline {
            let mut jobs = Vec::new();
            for (id, _, _) in &instances {
                jobs.extend(store.jobs_of(id).await.expect("jobs"));
            }
            panic!(
                "{dir}: {finished} of {} done, unknown person reviewed: {reviewed}\njobs: {jobs:#?}\nrobots: {:#?}\nruns: {:#?}",
                instances.len(),
                store.robots().await.expect("robots"),
                store.robot_runs_since(0).await.expect("runs")
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    second.shutdown().await;
    background.shutdown().await;

    for (_, pnr, arende) in &instances {
        let payments = sim.payments_for(pnr).await.expect("payments");
        let ours: Vec<_> = payments.iter().filter(|p| p.referens == *arende).collect();
        assert_eq!(
            ours.len(),
            1,
            "{dir}: {arende} registered once: {payments:#?}"
        );
        assert_eq!(ours[0].belopp_ore, 610_000, "{dir}");
    }
    let runs = store.robot_runs_since(0).await.expect("runs");
    eprintln!(
        "{dir}: {} runs: {:?}",
        runs.len(),
        runs.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>()
    );
    assert!(
        runs.iter()
            .all(|r| r.robot.starts_with("nod-2/") || r.robot.starts_with("nod-1/"))
    );
    let robots = store.robots().await.expect("robots");
    assert!(
        robots
            .iter()
            .filter(|r| r.node == "nod-1")
            .all(|r| r.state == "dead"),
        "{dir}: the killed node's robots were found dead: {robots:#?}"
    );
    let reviews = store.open_robot_reviews().await.expect("reviews");
    assert_eq!(
        reviews.len(),
        1,
        "{dir}: only the unknown person waits for a person"
    );
    assert!(
        !reviews[0].message.contains(NOBODY) && !reviews[0].message.contains("850361"),
        "{dir}: no personnummer in the review message"
    );
}

trait ReviewOpen {
    async fn robot_review_open_for(&self, instance: &str) -> bool;
}

impl ReviewOpen for Store {
    async fn robot_review_open_for(&self, instance: &str) -> bool {
        self.open_robot_reviews()
            .await
            .expect("reviews")
            .iter()
            .any(|r| r.instance_id.as_deref() == Some(instance))
    }
}

fn enabled() -> bool {
    if std::env::var("FLODE_A11Y").as_deref() != Ok("1") {
        eprintln!(
            "\n*** SKIPPED: the robots' end-to-end tests run in Chromium with FLODE_A11Y=1 (scripts/test) ***\n"
        );
        return false;
    }
    let chromium = ChromiumConfig::default();
    for path in [&chromium.chromium, &chromium.chromedriver] {
        assert!(
            path.exists(),
            "FLODE_A11Y=1 but {} is missing: run scripts/install-browser",
            path.display()
        );
    }
    true
}

fn run(ui: UiVersion, dir: &str) {
    if !enabled() {
        return;
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(scenario(ui, dir));
}

#[test]
fn v1_every_item_ends_done_or_reviewed_and_nothing_is_paid_twice() {
    run(UiVersion::V1, "../../robots/simifo/v1");
}

#[test]
fn v2_every_item_ends_done_or_reviewed_and_nothing_is_paid_twice() {
    run(UiVersion::V2, "../../robots/simifo/v2");
}
