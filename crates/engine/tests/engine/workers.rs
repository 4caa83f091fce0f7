//! In-process workers (`flode_engine::worker`): a job is completed with the handler's
//! variables; a transient failure is retried after its backoff; a permanent one raises an
//! incident at once; a business error takes the path the model gives it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use flode_engine::ActivatedJob;
use flode_engine::worker::{Handler, JobFailure, Workers};
use flode_store::InstanceState;
use serde_json::{Map, Value, json};

use crate::backends::{databases, engine, model, model_with, vars};

/// Fails its first `transient` attempts, then doubles `n`; fails for good when `n` is negative.
struct Doubler {
    transient: usize,
    attempts: Arc<AtomicUsize>,
}

impl Handler for Doubler {
    fn job_type(&self) -> &str {
        "double"
    }

    async fn handle(&self, job: &ActivatedJob) -> Result<Map<String, Value>, JobFailure> {
        let attempt = self.attempts.fetch_add(1, Ordering::SeqCst);
        let n = job.variables["n"].as_i64().unwrap_or_default();
        if n < 0 {
            return Err(JobFailure::permanent("n är negativt"));
        }
        if attempt < self.transient {
            return Err(JobFailure::transient("tjänsten svarar inte"));
        }
        Ok(vars(json!({"doubled": n * 2})))
    }
}

const BODY: &str = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="double"/>
    <bpmn:serviceTask id="double"><bpmn:extensionElements><zeebe:taskDefinition type="double" retries="3"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="double" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#;

#[tokio::test]
async fn an_in_process_worker_completes_retries_and_gives_up_as_told() {
    for db in databases() {
        let (engine, clock) = engine(&db).await;
        engine
            .deploy("double.bpmn", &model("double", BODY))
            .await
            .expect("deploy");
        let attempts = Arc::new(AtomicUsize::new(0));
        let mut workers = Workers::default();
        workers.start(
            &engine,
            Doubler {
                transient: 1,
                attempts: attempts.clone(),
            },
        );
        let store = engine.store().clone();

        // Fails once (service down), is due again after the backoff, then completes.
        let started = engine
            .start("double", vars(json!({"n": 21})), None)
            .await
            .expect("start");
        let mut done = false;
        for _ in 0..400 {
            clock.advance(500);
            let instance = store.instance(&started.id).await.expect("instance");
            if instance.state == InstanceState::Completed {
                done = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(done, "{}: the job was not retried and completed", db.name);
        assert_eq!(attempts.load(Ordering::SeqCst), 2, "{}", db.name);
        let result = store.variables(&started.id).await.expect("variables");
        assert!(
            result
                .iter()
                .any(|v| v.name == "doubled" && v.value == json!(42)),
            "{}: {result:?}",
            db.name
        );

        // Bad input: an incident at once, with the handler's reason, and no second attempt.
        let before = attempts.load(Ordering::SeqCst);
        let bad = engine
            .start("double", vars(json!({"n": -1})), None)
            .await
            .expect("start");
        let incident = first_incident(&store, &clock, &bad.id)
            .await
            .unwrap_or_else(|| panic!("{}: no incident", db.name));
        assert!(
            incident.message.contains("n är negativt"),
            "{}",
            incident.message
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(attempts.load(Ordering::SeqCst), before + 1, "{}", db.name);
        workers.shutdown().await;
    }
}

/// The first incident of `instance`, waiting up to 400 rounds of 500 ms on the clock.
async fn first_incident(
    store: &flode_store::Store,
    clock: &flode_engine::ManualClock,
    instance: &str,
) -> Option<flode_store::IncidentRecord> {
    for _ in 0..400 {
        clock.advance(500);
        if let Some(i) = store.incidents_of(instance).await.expect("incidents").pop() {
            return Some(i);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

/// Completes only when `together` jobs are in its hands at the same time.
struct Rendezvous {
    barrier: Arc<tokio::sync::Barrier>,
}

impl Handler for Rendezvous {
    fn job_type(&self) -> &str {
        "double"
    }

    async fn handle(&self, _job: &ActivatedJob) -> Result<Map<String, Value>, JobFailure> {
        self.barrier.wait().await;
        Ok(vars(json!({"doubled": 0})))
    }
}

#[tokio::test]
async fn a_worker_runs_jobs_side_by_side_so_one_slow_call_holds_up_no_other() {
    for db in databases() {
        let (engine, _clock) = engine(&db).await;
        engine
            .deploy("double.bpmn", &model("double", BODY))
            .await
            .expect("deploy");
        let together = 5;
        let mut ids = Vec::new();
        for n in 0..together {
            let started = engine
                .start("double", vars(json!({"n": n})), None)
                .await
                .expect("start");
            ids.push(started.id);
        }
        // One job at a time would wait at the barrier for ever.
        let mut workers = Workers::default();
        workers.start(
            &engine,
            Rendezvous {
                barrier: Arc::new(tokio::sync::Barrier::new(together)),
            },
        );
        let store = engine.store().clone();
        let all_done = tokio::time::timeout(Duration::from_secs(60), async {
            loop {
                let mut done = 0;
                for id in &ids {
                    if store.instance(id).await.expect("instance").state == InstanceState::Completed
                    {
                        done += 1;
                    }
                }
                if done == ids.len() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        assert!(
            all_done.is_ok(),
            "{}: the jobs did not run side by side",
            db.name
        );
        workers.shutdown().await;
    }
}

/// Throws `no-data` (with the reason as a variable) when `n` is missing, else completes.
struct Picky;

impl Handler for Picky {
    fn job_type(&self) -> &str {
        "double"
    }

    async fn handle(&self, job: &ActivatedJob) -> Result<Map<String, Value>, JobFailure> {
        match job.variables.get("n") {
            Some(n) => Ok(vars(json!({"doubled": n}))),
            None => Err(JobFailure::bpmn_error(
                "no-data",
                "n saknas",
                vars(json!({"why": "n saknas"})),
            )),
        }
    }
}

#[tokio::test]
async fn a_business_error_from_a_worker_takes_the_modelled_path_or_is_an_incident() {
    // BODY, with an error boundary on its task that leads to a person's task.
    let caught = model_with(
        "picky",
        r#"<bpmn:error id="no-data-error" errorCode="no-data"/>"#,
        &format!(
            r#"{BODY}
    <bpmn:boundaryEvent id="missing" attachedToRef="double"><bpmn:errorEventDefinition errorRef="no-data-error"/></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="missing" targetRef="by-hand"/>
    <bpmn:userTask id="by-hand"/>
    <bpmn:sequenceFlow id="f4" sourceRef="by-hand" targetRef="end"/>"#
        ),
    );
    for db in databases() {
        let (engine, clock) = engine(&db).await;
        engine
            .deploy("double.bpmn", &model("double", BODY))
            .await
            .expect("deploy");
        engine.deploy("picky.bpmn", &caught).await.expect("deploy");
        let mut workers = Workers::default();
        workers.start(&engine, Picky);
        let store = engine.store().clone();

        // Caught: the boundary's path (a person's task) with the handler's variable.
        let picky = engine
            .start("picky", Map::new(), None)
            .await
            .expect("start");
        let mut tasks = Vec::new();
        for _ in 0..400 {
            clock.advance(100);
            tasks = store.user_tasks_of(&picky.id).await.expect("tasks");
            if !tasks.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(tasks.len(), 1, "{}: the error was not caught", db.name);
        assert_eq!(tasks[0].node_id, "by-hand", "{}", db.name);
        let result = store.variables(&picky.id).await.expect("variables");
        assert!(
            result
                .iter()
                .any(|v| v.name == "why" && v.value == json!("n saknas")),
            "{}: {result:?}",
            db.name
        );
        assert!(
            store
                .incidents_of(&picky.id)
                .await
                .expect("incidents")
                .is_empty()
        );

        // Uncaught: an incident naming the code, as for an error end event nothing catches.
        let plain = engine
            .start("double", Map::new(), None)
            .await
            .expect("start");
        let incident = first_incident(&store, &clock, &plain.id)
            .await
            .unwrap_or_else(|| panic!("{}: no incident", db.name));
        assert!(incident.message.contains("no-data"), "{}", incident.message);
        workers.shutdown().await;
    }
}
