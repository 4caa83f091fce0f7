//! More of the engine scope: call activities, DMN business rule tasks, event-based
//! gateways, event sub-processes, message start events, timer cycles.

use flode_store::{Error as StoreError, InstanceFilter, InstanceState, InstanceWrite, Page};
use serde_json::json;

use crate::backends::{databases, engine, model, vars};

const PAGE: Page = Page {
    limit: 100,
    offset: 0,
};

const DMN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="norm" name="Norm" namespace="https://flode.example/dmn">
  <decision id="level" name="level">
    <decisionTable id="t" hitPolicy="FIRST">
      <input id="i1" label="members"><inputExpression id="e1" typeRef="number"><text>members</text></inputExpression></input>
      <output id="o1" name="level" typeRef="string"/>
      <rule id="r1"><inputEntry id="a1"><text>&lt;= 1</text></inputEntry><outputEntry id="b1"><text>"single"</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="a2"><text>&gt; 1</text></inputEntry><outputEntry id="b2"><text>"household"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"#;

#[tokio::test]
async fn business_rule_task_evaluates_the_deployed_decision() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="rule"/>
    <bpmn:businessRuleTask id="rule"><bpmn:extensionElements><zeebe:calledDecision decisionId="level" resultVariable="level"/></bpmn:extensionElements></bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="rule" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#;
    for db in databases() {
        let (engine, _) = engine(&db).await;
        let d = engine.deploy("norm.dmn", DMN).await.expect("dmn");
        assert_eq!(d[0].key, "norm");
        engine
            .deploy("r.bpmn", &model("r", body))
            .await
            .expect("bpmn");
        let i = engine
            .start("r", vars(json!({"members": 3})), None)
            .await
            .expect("start");
        assert_eq!(i.state, InstanceState::Completed, "{}", db.name);
        let v = engine.store().variables(&i.id).await.expect("v");
        assert!(
            v.iter()
                .any(|v| v.name == "level" && v.value == json!("household")),
            "{v:?}"
        );
    }
}

#[tokio::test]
async fn call_activity_runs_the_child_and_continues_with_its_variables() {
    let child = model(
        "child",
        r#"
    <bpmn:startEvent id="cs"/>
    <bpmn:sequenceFlow id="c1" sourceRef="cs" targetRef="ct"/>
    <bpmn:userTask id="ct"/>
    <bpmn:sequenceFlow id="c2" sourceRef="ct" targetRef="ce"/>
    <bpmn:endEvent id="ce"/>"#,
    );
    let parent = model(
        "parent",
        r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="child"/></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#,
    );
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine.deploy("child.bpmn", &child).await.expect("child");
        engine.deploy("parent.bpmn", &parent).await.expect("parent");
        let p = engine
            .start("parent", vars(json!({"caseNo": "A-1"})), None)
            .await
            .expect("start");
        let all = engine
            .store()
            .instances(&InstanceFilter::default(), PAGE)
            .await
            .expect("all");
        let c = all
            .iter()
            .find(|i| i.process_key == "child")
            .expect("child started");
        assert_eq!(
            c.parent_instance_id.as_deref(),
            Some(p.id.as_str()),
            "{}",
            db.name
        );
        let task = engine
            .store()
            .user_tasks_of(&c.id)
            .await
            .expect("t")
            .remove(0);
        engine
            .complete_user_task(&task.id, vars(json!({"decision": "bifall"})), None)
            .await
            .expect("complete");
        assert_eq!(
            engine.store().instance(&c.id).await.expect("c").state,
            InstanceState::Completed
        );
        assert_eq!(
            engine.store().instance(&p.id).await.expect("p").state,
            InstanceState::Completed,
            "{}",
            db.name
        );
        let v = engine.store().variables(&p.id).await.expect("v");
        assert!(
            v.iter()
                .any(|v| v.name == "decision" && v.value == json!("bifall")),
            "child variables come back: {v:?}"
        );
    }
}

#[tokio::test]
async fn event_based_gateway_takes_the_first_event_and_drops_the_other() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
    <bpmn:eventBasedGateway id="gw"/>
    <bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="answer"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="timeout"/>
    <bpmn:intermediateCatchEvent id="answer"><bpmn:signalEventDefinition signalRef="s"/></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="timeout"><bpmn:timerEventDefinition><bpmn:timeDuration>P21D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="answer" targetRef="got"/>
    <bpmn:sequenceFlow id="f5" sourceRef="timeout" targetRef="late"/>
    <bpmn:endEvent id="got"/>
    <bpmn:endEvent id="late"/>"#;
    let xml = model("ebg", body).replace(
        "</bpmn:definitions>",
        r#"<bpmn:signal id="s" name="svar"/></bpmn:definitions>"#,
    );
    for db in databases() {
        let (engine, clock) = engine(&db).await;
        engine.deploy("ebg.bpmn", &xml).await.expect("deploy");
        let i = engine
            .start("ebg", vars(json!({})), None)
            .await
            .expect("start");
        engine.broadcast_signal("svar").await.expect("signal");
        assert_eq!(
            engine.store().instance(&i.id).await.expect("i").state,
            InstanceState::Completed,
            "{}",
            db.name
        );
        clock.advance(22 * 86_400_000);
        assert_eq!(
            engine.fire_due_timers(10).await.expect("fire"),
            0,
            "the timer was cancelled"
        );
        let h = engine.store().history(&i.id).await.expect("h");
        assert!(h.iter().any(|h| h.node_id == "got") && !h.iter().any(|h| h.node_id == "late"));
    }
}

#[tokio::test]
async fn interrupting_message_event_subprocess_replaces_the_main_flow() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:subProcess id="withdrawn" triggeredByEvent="true">
      <bpmn:startEvent id="ws"><bpmn:messageEventDefinition messageRef="m"/></bpmn:startEvent>
      <bpmn:sequenceFlow id="w1" sourceRef="ws" targetRef="we"/>
      <bpmn:endEvent id="we"/>
    </bpmn:subProcess>"#;
    let xml = model("esp", body).replace(
        "</bpmn:definitions>",
        r#"<bpmn:message id="m" name="aterkallad"><bpmn:extensionElements><zeebe:subscription correlationKey="=caseNo"/></bpmn:extensionElements></bpmn:message></bpmn:definitions>"#,
    );
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine.deploy("esp.bpmn", &xml).await.expect("deploy");
        let i = engine
            .start("esp", vars(json!({"caseNo": "K-9"})), None)
            .await
            .expect("start");
        assert_eq!(
            engine
                .correlate_message("aterkallad", Some("K-9"), vars(json!({})))
                .await
                .expect("msg"),
            1
        );
        assert_eq!(
            engine.store().instance(&i.id).await.expect("i").state,
            InstanceState::Completed,
            "{}",
            db.name
        );
        assert_eq!(
            engine.store().user_tasks_of(&i.id).await.expect("t")[0].state,
            "canceled"
        );
    }
}

#[tokio::test]
async fn message_start_event_starts_an_instance() {
    let body = r#"
    <bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="m"/></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review"/>"#;
    let xml = model("ms", body).replace(
        "</bpmn:definitions>",
        r#"<bpmn:message id="m" name="orosanmalan"/></bpmn:definitions>"#,
    );
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine.deploy("ms.bpmn", &xml).await.expect("deploy");
        let n = engine
            .correlate_message("orosanmalan", None, vars(json!({"child": "x"})))
            .await
            .expect("msg");
        assert_eq!(n, 1, "{}", db.name);
        let tasks = engine.store().user_tasks("created", PAGE).await.expect("t");
        assert_eq!(tasks.len(), 1);
    }
}

#[tokio::test]
async fn non_interrupting_timer_cycle_repeats_the_set_number_of_times() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review"/>
    <bpmn:boundaryEvent id="remind" attachedToRef="review" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeCycle>R3/P1D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="remind" targetRef="reminded"/>
    <bpmn:endEvent id="reminded"/>
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#;
    for db in databases() {
        let (engine, clock) = engine(&db).await;
        engine
            .deploy("cy.bpmn", &model("cy", body))
            .await
            .expect("deploy");
        let i = engine
            .start("cy", vars(json!({})), None)
            .await
            .expect("start");
        for _ in 0..5 {
            clock.advance(86_400_000);
            engine.fire_due_timers(10).await.expect("fire");
        }
        let h = engine.store().history(&i.id).await.expect("h");
        assert_eq!(
            h.iter().filter(|h| h.node_id == "reminded").count(),
            3,
            "{}",
            db.name
        );
        assert_eq!(
            engine.store().instance(&i.id).await.expect("i").state,
            InstanceState::Active,
            "the task is still open"
        );
    }
}

#[tokio::test]
async fn cancelling_a_call_activity_cancels_the_called_instance() {
    let child = model(
        "slow",
        r#"
    <bpmn:startEvent id="cs"/>
    <bpmn:sequenceFlow id="c1" sourceRef="cs" targetRef="ct"/>
    <bpmn:userTask id="ct"/>"#,
    );
    let parent = model(
        "caller",
        r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="slow"/></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:boundaryEvent id="deadline" attachedToRef="call"><bpmn:timerEventDefinition><bpmn:timeDuration>P10D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="deadline" targetRef="late"/>
    <bpmn:endEvent id="late"/>"#,
    );
    for db in databases() {
        let (engine, clock) = engine(&db).await;
        engine.deploy("slow.bpmn", &child).await.expect("child");
        engine.deploy("caller.bpmn", &parent).await.expect("parent");
        let p = engine
            .start("caller", vars(json!({})), None)
            .await
            .expect("start");
        clock.advance(10 * 86_400_000);
        assert_eq!(engine.fire_due_timers(10).await.expect("fire"), 1);
        let all = engine
            .store()
            .instances(&InstanceFilter::default(), PAGE)
            .await
            .expect("all");
        let c = all.iter().find(|i| i.process_key == "slow").expect("child");
        assert_eq!(c.state, InstanceState::Canceled, "{}", db.name);
        assert_eq!(
            engine.store().user_tasks_of(&c.id).await.expect("t")[0].state,
            "canceled"
        );
        assert_eq!(
            engine.store().instance(&p.id).await.expect("p").state,
            InstanceState::Completed
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_starts_are_each_written_once_and_durably() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="s"/>
    <bpmn:scriptTask id="s"><bpmn:extensionElements><zeebe:script expression="=n * 2" resultVariable="m"/></bpmn:extensionElements></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="s" targetRef="wait"/>
    <bpmn:userTask id="wait"/>"#;
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine
            .deploy("c.bpmn", &model("c", body))
            .await
            .expect("deploy");
        let mut set = tokio::task::JoinSet::new();
        for n in 0..200 {
            let engine = engine.clone();
            set.spawn(async move {
                engine
                    .start("c", vars(json!({"n": n})), Some(format!("K-{n}")))
                    .await
            });
        }
        let mut ids = std::collections::HashSet::new();
        while let Some(r) = set.join_next().await {
            ids.insert(r.expect("join").expect("start").id);
        }
        assert_eq!(ids.len(), 200);
        let page = Page {
            limit: 1_000,
            offset: 0,
        };
        let stored = engine
            .store()
            .instances(&InstanceFilter::default(), page)
            .await
            .expect("i");
        assert_eq!(stored.len(), 200, "{}", db.name);
        assert_eq!(
            engine
                .store()
                .user_tasks("created", page)
                .await
                .expect("t")
                .len(),
            200
        );
        let one = stored
            .iter()
            .find(|i| i.business_key.as_deref() == Some("K-21"))
            .expect("K-21");
        let v = engine.store().variables(&one.id).await.expect("v");
        assert!(
            v.iter().any(|v| v.name == "m" && v.value == json!(42)),
            "{v:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_activations_and_completions_each_take_effect_once() {
    // Two service tasks in parallel per instance: completions of one instance's jobs may
    // land in one batch. One wrong completion per round must fail alone.
    let body = &fork_join("work", "work");
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine
            .deploy("w.bpmn", &model("w", body))
            .await
            .expect("deploy");
        for n in 0..40 {
            engine
                .start("w", vars(json!({"n": n})), None)
                .await
                .expect("start");
        }
        // 16 workers activate at once; every job is handed to exactly one of them.
        let mut set = tokio::task::JoinSet::new();
        for w in 0..16 {
            let engine = engine.clone();
            set.spawn(async move {
                let worker = format!("w{w}");
                let jobs = engine
                    .activate_jobs("work", &worker, 10, 60_000)
                    .await
                    .expect("activate");
                (worker, jobs)
            });
        }
        let mut leased = Vec::new();
        while let Some(r) = set.join_next().await {
            let (worker, jobs) = r.expect("join");
            for j in jobs {
                assert_eq!(j.job.lease_owner.as_deref(), Some(worker.as_str()));
                assert!(j.variables.contains_key("n"), "{}", db.name);
                leased.push((worker.clone(), j.job.id));
            }
        }
        let mut ids: Vec<&str> = leased.iter().map(|(_, id)| id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 80, "{}: every job leased once", db.name);
        assert_eq!(leased.len(), 80, "{}", db.name);

        // All complete concurrently, plus one impostor completing someone else's job.
        let mut set = tokio::task::JoinSet::new();
        for (k, (worker, id)) in leased.iter().cloned().enumerate() {
            let engine = engine.clone();
            set.spawn(async move {
                engine
                    .complete_job(&id, Some(&worker), vars(json!({ format!("r{k}"): k })))
                    .await
                    .map(|()| "ok")
            });
        }
        let (victim_worker, victim) = leased[0].clone();
        let impostor = engine.clone();
        set.spawn(async move {
            assert_ne!(victim_worker, "impostor");
            impostor
                .complete_job(&victim, Some("impostor"), vars(json!({})))
                .await
                .map(|()| "impostor")
        });
        let (mut ok, mut refused) = (0, 0);
        while let Some(r) = set.join_next().await {
            match r.expect("join") {
                Ok("ok") => ok += 1,
                Ok(other) => panic!("{}: {other} was let through", db.name),
                // Refused while the job is leased to another, or gone once it completed.
                Err(flode_engine::Error::Conflict(_) | flode_engine::Error::NotFound { .. }) => {
                    refused += 1
                }
                Err(e) => panic!("{}: {e}", db.name),
            }
        }
        assert_eq!((ok, refused), (80, 1), "{}", db.name);
        let stored = engine
            .store()
            .instances(&InstanceFilter::default(), PAGE)
            .await
            .expect("instances");
        assert_eq!(stored.len(), 40);
        assert!(
            stored.iter().all(|i| i.state == InstanceState::Completed),
            "{}: {:?}",
            db.name,
            stored.iter().map(|i| i.state).collect::<Vec<_>>()
        );
        // Both branches' variables arrived.
        let v = engine.store().variables(&stored[0].id).await.expect("v");
        assert_eq!(
            v.iter().filter(|v| v.name.starts_with('r')).count(),
            2,
            "{v:?}"
        );
    }
}

#[tokio::test]
async fn a_completion_written_without_a_transaction_fails_whole_when_its_instance_moved_on() {
    // Two jobs of one instance, both read before either is written: the second write was
    // computed from a revision that is gone and must change nothing.
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork"/>
    <bpmn:parallelGateway id="fork"/>
    <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="a"/>
    <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="b"/>
    <bpmn:serviceTask id="a"><bpmn:extensionElements><zeebe:taskDefinition type="work"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:serviceTask id="b"><bpmn:extensionElements><zeebe:taskDefinition type="work"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="end"/>
    <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#;
    for db in databases() {
        let (engine, _) = engine(&db).await;
        let store = engine.store();
        if db.name == "sqlite" {
            let refused = store.read_jobs_loading(&[("any", None)]).await;
            assert!(
                matches!(refused, Err(StoreError::Conflict(_))),
                "{refused:?}"
            );
            continue;
        }
        engine
            .deploy("two.bpmn", &model("two", body))
            .await
            .expect("deploy");
        engine
            .start("two", vars(json!({})), None)
            .await
            .expect("start");
        let jobs = engine
            .activate_jobs("work", "w", 2, 60_000)
            .await
            .expect("activate");
        let [a, b] = [&jobs[0].job.id, &jobs[1].job.id].map(|id| (id.as_str(), Some("w")));
        let (read_a, snapshots_a) = store.read_jobs_loading(&[a]).await.expect("read a");
        let (_, snapshots_b) = store.read_jobs_loading(&[b]).await.expect("read b");
        assert_eq!(read_a.len(), 1);
        let instance = &snapshots_a[0].instance;
        assert_eq!(instance.revision, snapshots_b[0].instance.revision);
        let mut next = instance.clone();
        next.revision += 1;
        let write = InstanceWrite::default();

        // b's write lands; a's, from the same revision, then conflicts as a whole.
        store
            .complete_jobs_applying(&[b], &[(&next, &write)])
            .await
            .expect("b written");
        let late = store.complete_jobs_applying(&[a], &[(&next, &write)]).await;
        assert!(
            matches!(&late, Err(StoreError::Conflict(m)) if m.contains("instance changed")),
            "{late:?}"
        );
        let mut tx = store.begin().await.expect("begin");
        assert_eq!(tx.job(a.0).await.expect("job a").state, "active");
        assert!(matches!(
            tx.job(b.0).await,
            Err(StoreError::NotFound { .. })
        ));
        drop(tx);

        // A job no longer leased to the worker conflicts too, instance write or not.
        let mut newer = next.clone();
        newer.revision += 1;
        let stolen = store
            .complete_jobs_applying(&[(a.0, Some("other"))], &[(&newer, &write)])
            .await;
        assert!(
            matches!(&stolen, Err(StoreError::Conflict(m)) if m.contains("no longer active")),
            "{stolen:?}"
        );
        let current = store.read_jobs_loading(&[a]).await.expect("read a again");
        assert_eq!(
            current.1[0].instance.revision, next.revision,
            "nothing written"
        );
    }
}

#[tokio::test]
async fn a_job_completes_from_its_claim_even_when_its_instance_moved_on_since() {
    // On PostgreSQL a completion starts from the instance as the claim read it. Here the
    // instance changes between claim and completion (the other branch completes, a job is
    // canceled with its instance): the late completion must see the change, not the claim's
    // picture of the instance.
    let body = &fork_join("a", "b");
    for db in databases() {
        let (engine, _) = engine(&db).await;
        engine
            .deploy("join.bpmn", &model("join", body))
            .await
            .expect("deploy");
        let first = engine
            .start("join", vars(json!({})), None)
            .await
            .expect("start");
        let second = engine
            .start("join", vars(json!({})), None)
            .await
            .expect("start");
        let a = engine.activate_jobs("a", "w", 2, 60_000).await.expect("a");
        let b = engine.activate_jobs("b", "w", 2, 60_000).await.expect("b");
        let of = |jobs: &[flode_engine::ActivatedJob], instance: &str| {
            jobs.iter()
                .find(|j| j.job.instance_id.as_deref() == Some(instance))
                .map(|j| j.job.id.clone())
                .expect("job of instance")
        };

        // First instance: b completes after a was claimed, then a, from an older picture.
        engine
            .complete_job(&of(&b, &first.id), Some("w"), vars(json!({"from_b": 1})))
            .await
            .expect("b");
        engine
            .complete_job(&of(&a, &first.id), Some("w"), vars(json!({"from_a": 1})))
            .await
            .expect("a after b");
        let done = engine.store().instance(&first.id).await.expect("first");
        assert_eq!(done.state, InstanceState::Completed, "{}", db.name);
        let v = engine.store().variables(&first.id).await.expect("vars");
        assert!(
            ["from_a", "from_b"]
                .iter()
                .all(|n| v.iter().any(|v| v.name == *n)),
            "{}: {v:?}",
            db.name
        );

        // Second instance: canceled after its jobs were claimed; a completion is refused.
        engine.cancel_instance(&second.id).await.expect("cancel");
        let late = engine
            .complete_job(&of(&a, &second.id), Some("w"), vars(json!({})))
            .await;
        assert!(
            matches!(
                late,
                Err(flode_engine::Error::Conflict(_) | flode_engine::Error::NotFound { .. })
            ),
            "{}: {late:?}",
            db.name
        );
        let canceled = engine.store().instance(&second.id).await.expect("second");
        assert_eq!(canceled.state, InstanceState::Canceled, "{}", db.name);
    }
}

/// Start → parallel fork → service tasks `a` and `b` (of the given job types) → join → end.
fn fork_join(type_a: &str, type_b: &str) -> String {
    format!(
        r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork"/>
    <bpmn:parallelGateway id="fork"/>
    <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="a"/>
    <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="b"/>
    <bpmn:serviceTask id="a"><bpmn:extensionElements><zeebe:taskDefinition type="{type_a}"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:serviceTask id="b"><bpmn:extensionElements><zeebe:taskDefinition type="{type_b}"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="join"/>
    <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="join"/>
    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#
    )
}
