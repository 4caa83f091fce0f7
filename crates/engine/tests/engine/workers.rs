//! In-process workers (`flode_engine::worker`): a job is completed with the handler's
//! variables; a transient failure is retried after its backoff; a permanent one raises an
//! incident at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use flode_engine::ActivatedJob;
use flode_engine::worker::{Handler, JobFailure, Workers};
use flode_store::InstanceState;
use serde_json::{Map, Value, json};

use crate::backends::{databases, engine, model, vars};

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
        let mut incident = None;
        for _ in 0..400 {
            clock.advance(500);
            if let Some(i) = store.incidents_of(&bad.id).await.expect("incidents").pop() {
                incident = Some(i);
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let incident = incident.unwrap_or_else(|| panic!("{}: no incident", db.name));
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
