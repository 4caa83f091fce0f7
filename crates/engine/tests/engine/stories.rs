//! End-to-end engine behaviour through the public `Engine` API.

use flode_engine::Error;
use flode_store::{InstanceState, Page};
use serde_json::json;

use crate::backends::{databases, engine, model, vars};

const PAGE: Page = Page {
    limit: 100,
    offset: 0,
};

const SERVICE_AND_USER: &str = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:serviceTask id="work" name="Do work">
      <bpmn:extensionElements><zeebe:taskDefinition type="test.work" retries="2"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="review"/>
    <bpmn:userTask id="review" name="Review">
      <bpmn:extensionElements><zeebe:assignmentDefinition assignee="=reviewer"/></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#;

#[tokio::test]
async fn straight_through_scripts_and_gateway_complete_in_one_call() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="add"/>
    <bpmn:scriptTask id="add"><bpmn:extensionElements><zeebe:script expression="=x + 1" resultVariable="x"/></bpmn:extensionElements></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="add" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="low"/>
    <bpmn:sequenceFlow id="high" sourceRef="gw" targetRef="big"><bpmn:conditionExpression>=x &gt; 10</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="low" sourceRef="gw" targetRef="small"/>
    <bpmn:endEvent id="big"/>
    <bpmn:endEvent id="small"/>"#;
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine
            .deploy("calc.bpmn", &model("calc", body))
            .await
            .expect("deploy");
        let i = engine
            .start("calc", vars(json!({"x": 10})), None)
            .await
            .expect("start");
        assert_eq!(i.state, InstanceState::Completed, "{}", db.name);
        let history = engine.store().history(&i.id).await.expect("history");
        let nodes: Vec<&str> = history.iter().map(|h| h.node_id.as_str()).collect();
        assert_eq!(nodes, ["start", "add", "gw", "big"], "{}", db.name);
        assert!(
            history
                .iter()
                .all(|h| h.state == "completed" && h.ended_at.is_some())
        );
        let variables = engine.store().variables(&i.id).await.expect("vars");
        assert_eq!(variables[0].value, json!(11), "{}", db.name);
        // Nothing is left behind for a completed instance.
        assert!(
            engine
                .store()
                .tokens(&i.id)
                .await
                .expect("tokens")
                .is_empty()
        );
    }
}

#[tokio::test]
async fn service_job_then_user_task_then_completion() {
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine
            .deploy("p.bpmn", &model("p", SERVICE_AND_USER))
            .await
            .expect("deploy");
        let i = engine
            .start("p", vars(json!({"reviewer": "anna"})), Some("ÄR-1".into()))
            .await
            .expect("start");
        assert_eq!(i.state, InstanceState::Active);
        let jobs = engine
            .activate_jobs("test.work", "w1", 10, 30_000)
            .await
            .expect("activate");
        assert_eq!(jobs.len(), 1, "{}", db.name);
        let job = &jobs[0];
        assert_eq!(job.variables["reviewer"], json!("anna"));
        assert_eq!(
            job.job.idempotency_key,
            format!("{}:{}", i.id, job.job.token.unwrap_or_default())
        );
        // Nobody else gets it while leased.
        assert!(
            engine
                .activate_jobs("test.work", "w2", 10, 30_000)
                .await
                .expect("activate")
                .is_empty()
        );
        // Only the lease holder can complete it.
        let wrong = engine
            .complete_job(&job.job.id, Some("w2"), vars(json!({})))
            .await;
        assert!(
            matches!(wrong, Err(Error::Conflict(_))),
            "{}: {wrong:?}",
            db.name
        );
        engine
            .complete_job(&job.job.id, Some("w1"), vars(json!({"score": 7})))
            .await
            .expect("complete");
        // A second completion is refused: at most once per job (it has left the queue).
        assert!(matches!(
            engine
                .complete_job(&job.job.id, Some("w1"), vars(json!({})))
                .await,
            Err(Error::NotFound { .. })
        ));
        let tasks = engine
            .store()
            .user_tasks("created", PAGE)
            .await
            .expect("tasks");
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].assignee.as_deref(), Some("anna"));
        engine
            .complete_user_task(
                &tasks[0].id,
                vars(json!({"approved": true})),
                Some("anna".into()),
            )
            .await
            .expect("complete task");
        assert!(matches!(
            engine
                .complete_user_task(&tasks[0].id, vars(json!({})), None)
                .await,
            Err(Error::Conflict(_))
        ));
        let done = engine.store().instance(&i.id).await.expect("instance");
        assert_eq!(done.state, InstanceState::Completed, "{}", db.name);
        let variables: Vec<(String, serde_json::Value)> = engine
            .store()
            .variables(&i.id)
            .await
            .expect("v")
            .into_iter()
            .map(|v| (v.name, v.value))
            .collect();
        assert!(variables.contains(&("score".into(), json!(7))));
        assert!(variables.contains(&("approved".into(), json!(true))));
        let task = engine.store().user_tasks_of(&i.id).await.expect("tasks")[0].clone();
        assert_eq!(
            (task.state.as_str(), task.completed_by.as_deref()),
            ("completed", Some("anna"))
        );
    }
}

#[tokio::test]
async fn failing_job_retries_then_incident_then_resolution() {
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine
            .deploy("p.bpmn", &model("p", SERVICE_AND_USER))
            .await
            .expect("deploy");
        let i = engine
            .start("p", vars(json!({"reviewer": "anna"})), None)
            .await
            .expect("start");
        let job = engine
            .activate_jobs("test.work", "w1", 1, 30_000)
            .await
            .expect("a")
            .remove(0);
        let failed = engine
            .fail_job(&job.job.id, Some("w1"), 1, "SSBTEK timeout", Some(0))
            .await
            .expect("fail");
        assert_eq!(failed.state, "ready");
        let again = engine
            .activate_jobs("test.work", "w1", 1, 30_000)
            .await
            .expect("a")
            .remove(0);
        assert_eq!(again.job.id, job.job.id);
        assert_eq!(
            again.job.idempotency_key, job.job.idempotency_key,
            "retries keep the idempotency key"
        );
        let failed = engine
            .fail_job(&again.job.id, Some("w1"), 0, "SSBTEK down", None)
            .await
            .expect("fail");
        assert_eq!(failed.state, "failed");
        let incidents = engine
            .store()
            .incidents("open", PAGE)
            .await
            .expect("incidents");
        assert_eq!(incidents.len(), 1, "{}", db.name);
        assert_eq!(incidents[0].kind, "job_failed");
        assert!(incidents[0].message.contains("SSBTEK down"));
        assert!(
            engine
                .activate_jobs("test.work", "w1", 1, 30_000)
                .await
                .expect("a")
                .is_empty()
        );
        engine
            .resolve_incident(&incidents[0].id, Some(2))
            .await
            .expect("resolve");
        assert!(
            engine
                .store()
                .incidents("open", PAGE)
                .await
                .expect("i")
                .is_empty()
        );
        let third = engine
            .activate_jobs("test.work", "w1", 1, 30_000)
            .await
            .expect("a")
            .remove(0);
        engine
            .complete_job(&third.job.id, Some("w1"), vars(json!({})))
            .await
            .expect("complete");
        assert_eq!(
            engine.store().user_tasks_of(&i.id).await.expect("t").len(),
            1
        );
    }
}

/// A person registered a failed job's work by hand: its incident closes and the instance
/// goes on past the task with the person's variables, all in the caller's transaction; a
/// job that is not failed is refused, and a rollback leaves the failed job as it was.
#[tokio::test]
async fn a_failed_job_done_by_hand_continues_the_instance_or_goes_back_to_the_queue() {
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine
            .deploy("p.bpmn", &model("p", SERVICE_AND_USER))
            .await
            .expect("deploy");
        let fail = |reviewer: &'static str| {
            let engine = engine.clone();
            async move {
                let i = engine
                    .start("p", vars(json!({ "reviewer": reviewer })), None)
                    .await
                    .expect("start");
                let job = engine
                    .activate_jobs("test.work", "robot", 1, 30_000)
                    .await
                    .expect("a")
                    .remove(0);
                let mut tx = engine.transaction().await.expect("tx");
                engine
                    .fail_job_in(
                        &mut tx,
                        &job.job.id,
                        Some("robot"),
                        0,
                        "locked record",
                        None,
                    )
                    .await
                    .expect("fail");
                engine.commit_transaction(tx).await.expect("commit");
                (i, job.job.id)
            }
        };
        let (by_hand, job) = fail("anna").await;

        // Not failed: refused.
        let (_, active_elsewhere) = {
            let i = engine
                .start("p", vars(json!({"reviewer": "bo"})), None)
                .await
                .expect("start");
            let j = engine
                .activate_jobs("test.work", "robot", 1, 30_000)
                .await
                .expect("a")
                .remove(0);
            (i, j.job.id)
        };
        let mut tx = engine.transaction().await.expect("tx");
        assert!(matches!(
            engine
                .complete_failed_job_in(&mut tx, &active_elsewhere, vars(json!({})))
                .await,
            Err(Error::Conflict(_))
        ));
        drop(tx);

        // Rolled back: still failed, incident open.
        let mut tx = engine.transaction().await.expect("tx");
        engine
            .complete_failed_job_in(&mut tx, &job, vars(json!({"registreradManuellt": true})))
            .await
            .expect("by hand");
        drop(tx);
        assert_eq!(engine.store().job(&job).await.expect("job").state, "failed");
        assert_eq!(
            engine
                .store()
                .incidents("open", PAGE)
                .await
                .expect("i")
                .len(),
            1
        );

        let mut tx = engine.transaction().await.expect("tx");
        engine
            .complete_failed_job_in(&mut tx, &job, vars(json!({"registreradManuellt": true})))
            .await
            .expect("by hand");
        engine.commit_transaction(tx).await.expect("commit");
        assert!(
            engine
                .store()
                .incidents("open", PAGE)
                .await
                .expect("i")
                .is_empty(),
            "{}",
            db.name
        );
        let tasks = engine.store().user_tasks_of(&by_hand.id).await.expect("t");
        assert_eq!(
            tasks.len(),
            1,
            "{}: the instance went on to the user task",
            db.name
        );
        let variables = engine.store().variables(&by_hand.id).await.expect("v");
        assert!(
            variables
                .iter()
                .any(|v| v.name == "registreradManuellt" && v.value == json!(true))
        );

        // Retry: back in the queue with one try, incident closed.
        let (_, retried) = fail("cecilia").await;
        let mut tx = engine.transaction().await.expect("tx");
        engine
            .retry_failed_job_in(&mut tx, &retried, 1)
            .await
            .expect("retry");
        engine.commit_transaction(tx).await.expect("commit");
        assert!(
            engine
                .store()
                .incidents("open", PAGE)
                .await
                .expect("i")
                .is_empty()
        );
        let again = engine
            .activate_jobs("test.work", "robot", 5, 30_000)
            .await
            .expect("a");
        assert_eq!(again.len(), 1, "{}", db.name);
        assert_eq!(
            (again[0].job.id.as_str(), again[0].job.retries),
            (retried.as_str(), 1)
        );
    }
}

#[tokio::test]
async fn an_expired_lease_returns_the_job_and_the_old_holder_loses_it() {
    for db in databases() {
        let (engine, clock) = engine(&db).await;
        engine
            .deploy("p.bpmn", &model("p", SERVICE_AND_USER))
            .await
            .expect("deploy");
        engine
            .start("p", vars(json!({"reviewer": "x"})), None)
            .await
            .expect("start");
        let first = engine
            .activate_jobs("test.work", "dies", 1, 5_000)
            .await
            .expect("a")
            .remove(0);
        clock.advance(10_000);
        assert_eq!(
            engine.release_expired_leases().await.expect("sweep"),
            1,
            "{}",
            db.name
        );
        let second = engine
            .activate_jobs("test.work", "lives", 1, 5_000)
            .await
            .expect("a")
            .remove(0);
        assert_eq!(first.job.id, second.job.id);
        assert_eq!(second.job.attempts, 2);
        assert!(matches!(
            engine
                .complete_job(&first.job.id, Some("dies"), vars(json!({})))
                .await,
            Err(Error::Conflict(_))
        ));
        engine
            .complete_job(&second.job.id, Some("lives"), vars(json!({})))
            .await
            .expect("complete");
    }
}

#[tokio::test]
async fn timers_fire_when_due_and_survive_a_restart() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#;
    for db in databases() {
        let (engine, clock) = engine(&db).await;
        engine
            .deploy("t.bpmn", &model("t", body))
            .await
            .expect("deploy");
        let i = engine
            .start("t", vars(json!({})), None)
            .await
            .expect("start");
        assert_eq!(
            engine.fire_due_timers(10).await.expect("fire"),
            0,
            "not due yet"
        );
        drop(engine);
        // A new engine on the same database (a restart) after the due time.
        let (engine, clock2) = crate::backends::engine(&db).await;
        clock2.set(clock.now_ms_value() + 3_600_000);
        assert_eq!(
            engine.fire_due_timers(10).await.expect("fire"),
            1,
            "{}",
            db.name
        );
        assert_eq!(
            engine.store().instance(&i.id).await.expect("i").state,
            InstanceState::Completed
        );
    }
}

#[tokio::test]
async fn interrupting_boundary_timer_cancels_the_user_task() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review"/>
    <bpmn:boundaryEvent id="late" attachedToRef="review"><bpmn:timerEventDefinition><bpmn:timeDuration>P14D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="ok"/>
    <bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="escalated"/>
    <bpmn:endEvent id="ok"/>
    <bpmn:endEvent id="escalated"/>"#;
    for db in databases() {
        let (engine, clock) = engine(&db).await;
        engine
            .deploy("b.bpmn", &model("b", body))
            .await
            .expect("deploy");
        let i = engine
            .start("b", vars(json!({})), None)
            .await
            .expect("start");
        clock.advance(14 * 86_400_000);
        assert_eq!(engine.fire_due_timers(10).await.expect("fire"), 1);
        let tasks = engine.store().user_tasks_of(&i.id).await.expect("tasks");
        assert_eq!(tasks[0].state, "canceled", "{}", db.name);
        let history = engine.store().history(&i.id).await.expect("h");
        assert!(
            history
                .iter()
                .any(|h| h.node_id == "escalated" && h.state == "completed")
        );
        assert!(
            history
                .iter()
                .any(|h| h.node_id == "review" && h.state == "canceled")
        );
        assert_eq!(
            engine.store().instance(&i.id).await.expect("i").state,
            InstanceState::Completed
        );
    }
}

#[tokio::test]
async fn messages_correlate_by_key_only_to_their_instance() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="answer"/>
    <bpmn:intermediateCatchEvent id="answer"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="answer" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#;
    let xml = model("msg", body).replace(
        "</bpmn:definitions>",
        r#"<bpmn:message id="m" name="komplettering"><bpmn:extensionElements><zeebe:subscription correlationKey="=caseNo"/></bpmn:extensionElements></bpmn:message></bpmn:definitions>"#,
    );
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine.deploy("m.bpmn", &xml).await.expect("deploy");
        let a = engine
            .start("msg", vars(json!({"caseNo": "A"})), None)
            .await
            .expect("a");
        let b = engine
            .start("msg", vars(json!({"caseNo": "B"})), None)
            .await
            .expect("b");
        // A message without a key reaches no subscription that has one.
        assert_eq!(
            engine
                .correlate_message("komplettering", None, vars(json!({})))
                .await
                .expect("keyless"),
            0
        );
        let n = engine
            .correlate_message("komplettering", Some("B"), vars(json!({"doc": "lön"})))
            .await
            .expect("correlate");
        assert_eq!(n, 1, "{}", db.name);
        assert_eq!(
            engine.store().instance(&a.id).await.expect("a").state,
            InstanceState::Active
        );
        assert_eq!(
            engine.store().instance(&b.id).await.expect("b").state,
            InstanceState::Completed
        );
        assert_eq!(
            engine
                .correlate_message("komplettering", Some("B"), vars(json!({})))
                .await
                .expect("c"),
            0
        );
    }
}

#[tokio::test]
async fn parallel_split_and_join_wait_for_both_branches() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork"/>
    <bpmn:parallelGateway id="fork"/>
    <bpmn:sequenceFlow id="a" sourceRef="fork" targetRef="ta"/>
    <bpmn:sequenceFlow id="b" sourceRef="fork" targetRef="tb"/>
    <bpmn:userTask id="ta"/>
    <bpmn:serviceTask id="tb"><bpmn:extensionElements><zeebe:taskDefinition type="t.b"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="a2" sourceRef="ta" targetRef="join"/>
    <bpmn:sequenceFlow id="b2" sourceRef="tb" targetRef="join"/>
    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="f2" sourceRef="join" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#;
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine
            .deploy("par.bpmn", &model("par", body))
            .await
            .expect("deploy");
        let i = engine
            .start("par", vars(json!({})), None)
            .await
            .expect("start");
        let task = engine
            .store()
            .user_tasks_of(&i.id)
            .await
            .expect("t")
            .remove(0);
        engine
            .complete_user_task(&task.id, vars(json!({})), None)
            .await
            .expect("task");
        assert_eq!(
            engine.store().instance(&i.id).await.expect("i").state,
            InstanceState::Active,
            "join waits"
        );
        let job = engine
            .activate_jobs("t.b", "w", 1, 10_000)
            .await
            .expect("a")
            .remove(0);
        engine
            .complete_job(&job.job.id, Some("w"), vars(json!({})))
            .await
            .expect("job");
        assert_eq!(
            engine.store().instance(&i.id).await.expect("i").state,
            InstanceState::Completed,
            "{}",
            db.name
        );
        let ends = engine
            .store()
            .history(&i.id)
            .await
            .expect("h")
            .iter()
            .filter(|h| h.node_id == "end")
            .count();
        assert_eq!(ends, 1, "the join fires once");
    }
}

#[tokio::test]
async fn a_worker_error_is_caught_by_an_error_boundary() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fetch"/>
    <bpmn:serviceTask id="fetch"><bpmn:extensionElements><zeebe:taskDefinition type="ssbtek.fetch"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:boundaryEvent id="unknown" attachedToRef="fetch"><bpmn:errorEventDefinition errorRef="e"/></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="fetch" targetRef="ok"/>
    <bpmn:sequenceFlow id="f3" sourceRef="unknown" targetRef="manual"/>
    <bpmn:endEvent id="ok"/>
    <bpmn:endEvent id="manual"/>"#;
    let xml = model("err", body).replace(
        "</bpmn:definitions>",
        r#"<bpmn:error id="e" errorCode="UNKNOWN_PERSON"/></bpmn:definitions>"#,
    );
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine.deploy("e.bpmn", &xml).await.expect("deploy");
        let i = engine
            .start("err", vars(json!({})), None)
            .await
            .expect("start");
        let job = engine
            .activate_jobs("ssbtek.fetch", "w", 1, 10_000)
            .await
            .expect("a")
            .remove(0);
        engine
            .throw_job_error(&job.job.id, Some("w"), "UNKNOWN_PERSON", vars(json!({})))
            .await
            .expect("throw");
        let history = engine.store().history(&i.id).await.expect("h");
        assert!(
            history
                .iter()
                .any(|h| h.node_id == "manual" && h.state == "completed"),
            "{}",
            db.name
        );
        assert_eq!(
            engine.store().instance(&i.id).await.expect("i").state,
            InstanceState::Completed
        );
    }
}

#[tokio::test]
async fn bad_models_are_rejected_with_the_element_named_and_nothing_deployed() {
    let bad_feel = model(
        "bad",
        r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="s"/>
    <bpmn:scriptTask id="s"><bpmn:extensionElements><zeebe:script expression="=1 +* 2" resultVariable="x"/></bpmn:extensionElements></bpmn:scriptTask>"#,
    );
    let unsupported = model(
        "bad2",
        r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="cg"/>
    <bpmn:complexGateway id="cg"/>"#,
    );
    for db in databases() {
        let (engine, _) = engine(&db).await;
        match engine.deploy("bad.bpmn", &bad_feel).await {
            Err(Error::Invalid { problems }) => {
                assert!(problems.iter().any(|p| p.contains("\"s\"")), "{problems:?}")
            }
            other => panic!("{}: expected Invalid, got {other:?}", db.name),
        }
        match engine.deploy("bad2.bpmn", &unsupported).await {
            Err(Error::Invalid { problems }) => assert!(
                problems
                    .iter()
                    .any(|p| p.contains("complexGateway") && p.contains("cg")),
                "{problems:?}"
            ),
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert!(matches!(
            engine.deploy("x.bpmn", "<bpmn:definitions").await,
            Err(Error::Invalid { .. })
        ));
        assert!(
            engine.store().definitions().await.expect("defs").is_empty(),
            "nothing half-deployed"
        );
    }
}

#[tokio::test]
async fn a_loop_without_a_wait_state_becomes_an_incident() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw"/>
    <bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="inc"/>
    <bpmn:scriptTask id="inc"><bpmn:extensionElements><zeebe:script expression="=n + 1" resultVariable="n"/></bpmn:extensionElements></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="inc" targetRef="gw"/>"#;
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine
            .deploy("loop.bpmn", &model("loop", body))
            .await
            .expect("deploy");
        let i = engine
            .start("loop", vars(json!({"n": 0})), None)
            .await
            .expect("start");
        assert_eq!(i.state, InstanceState::Active);
        let incidents = engine.store().incidents_of(&i.id).await.expect("i");
        assert_eq!(incidents.len(), 1, "{}", db.name);
        assert_eq!(incidents[0].kind, "loop_guard");
    }
}

#[tokio::test]
async fn running_instances_keep_their_version() {
    let v1 = model(
        "v",
        r#"<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f" sourceRef="start" targetRef="t1"/><bpmn:userTask id="t1"/>"#,
    );
    let v2 = model(
        "v",
        r#"<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f" sourceRef="start" targetRef="t2"/><bpmn:userTask id="t2"/>"#,
    );
    for db in databases() {
        let (engine, _) = engine(&db).await;
        let d1 = engine.deploy("v.bpmn", &v1).await.expect("v1").remove(0);
        let again = engine.deploy("v.bpmn", &v1).await.expect("same").remove(0);
        assert!(
            !again.new_version && again.version == 1,
            "identical XML is no new version"
        );
        let old = engine
            .start("v", vars(json!({})), None)
            .await
            .expect("start");
        let d2 = engine.deploy("v.bpmn", &v2).await.expect("v2").remove(0);
        assert_eq!((d1.version, d2.version), (1, 2));
        let new = engine
            .start("v", vars(json!({})), None)
            .await
            .expect("start");
        assert_eq!(
            engine
                .store()
                .instance(&old.id)
                .await
                .expect("i")
                .definition_id,
            d1.id
        );
        assert_eq!(
            engine.store().user_tasks_of(&old.id).await.expect("t")[0].node_id,
            "t1"
        );
        assert_eq!(
            engine.store().user_tasks_of(&new.id).await.expect("t")[0].node_id,
            "t2",
            "{}",
            db.name
        );
        let task = engine
            .store()
            .user_tasks_of(&old.id)
            .await
            .expect("t")
            .remove(0);
        engine
            .complete_user_task(&task.id, vars(json!({})), None)
            .await
            .expect("complete on v1");
        assert_eq!(
            engine.store().instance(&old.id).await.expect("i").state,
            InstanceState::Completed
        );
    }
}

#[tokio::test]
async fn multi_instance_subprocess_collects_outputs() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="each"/>
    <bpmn:subProcess id="each">
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=members" inputElement="member" outputCollection="doubled" outputElement="=member * 2"/></bpmn:extensionElements>
      </bpmn:multiInstanceLoopCharacteristics>
      <bpmn:startEvent id="s2"/>
      <bpmn:sequenceFlow id="g1" sourceRef="s2" targetRef="check"/>
      <bpmn:userTask id="check"/>
      <bpmn:sequenceFlow id="g2" sourceRef="check" targetRef="e2"/>
      <bpmn:endEvent id="e2"/>
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f2" sourceRef="each" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#;
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine
            .deploy("mi.bpmn", &model("mi", body))
            .await
            .expect("deploy");
        let i = engine
            .start("mi", vars(json!({"members": [1, 2, 3]})), None)
            .await
            .expect("start");
        let tasks = engine.store().user_tasks_of(&i.id).await.expect("t");
        assert_eq!(tasks.len(), 3, "{}", db.name);
        for t in tasks {
            engine
                .complete_user_task(&t.id, vars(json!({})), None)
                .await
                .expect("complete");
        }
        assert_eq!(
            engine.store().instance(&i.id).await.expect("i").state,
            InstanceState::Completed,
            "{}",
            db.name
        );
        let v = engine.store().variables(&i.id).await.expect("v");
        let doubled = v
            .iter()
            .find(|v| v.name == "doubled")
            .map(|v| v.value.clone());
        assert_eq!(doubled, Some(json!([2, 4, 6])));
        assert!(
            v.iter().all(|v| v.scope == 0),
            "inner scopes are cleaned up: {v:?}"
        );
    }
}

#[tokio::test]
async fn oversized_variables_are_refused_before_anything_is_written() {
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine
            .deploy("p.bpmn", &model("p", SERVICE_AND_USER))
            .await
            .expect("deploy");
        let big = "x".repeat(2 * 1024 * 1024);
        let r = engine.start("p", vars(json!({"blob": big})), None).await;
        assert!(
            matches!(r, Err(Error::BadRequest(ref m)) if m.contains("blob")),
            "{r:?}"
        );
        assert!(
            engine
                .store()
                .instances(&Default::default(), PAGE)
                .await
                .expect("i")
                .is_empty(),
            "{}",
            db.name
        );
    }
}
