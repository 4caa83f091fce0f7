//! `ssbtek.fetch` jobs through a real engine: SSBTEK down makes the case wait, not fail.

use flode_integrations::worker::{self, JobOutcome, WorkerOptions};
use flode_store::Page;
use serde_json::json;

use crate::helpers::*;

const MODEL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-ssbtek" targetNamespace="https://flode.example/test">
  <bpmn:process id="ssbtek-test" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fetch"/>
    <bpmn:serviceTask id="fetch" name="Hämta uppgifter via SSBTEK">
      <bpmn:extensionElements><zeebe:taskDefinition type="ssbtek.fetch" retries="5"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="fetch" targetRef="review"/>
    <bpmn:userTask id="review" name="Granska"/>
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"#;

fn vars(person: &str) -> serde_json::Map<String, serde_json::Value> {
    match json!({
        "personnummer": person,
        "arendeId": "EB-2026-0099",
        "period": { "from": "2026-01-01", "tom": "2026-03-31" },
    }) {
        serde_json::Value::Object(m) => m,
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn ssbtek_down_makes_the_case_wait_and_resume() {
    let (sim, base) = simulator(None).await;
    for db in databases() {
        let (engine, clock) = engine(&db).await;
        engine.deploy("ssbtek.bpmn", MODEL).await.expect("deploy");
        let c = client(&base, engine.store().clone(), None);
        let options = WorkerOptions::new("test/ssbtek", "Testlagtext (ej verifierad)");
        let instance = engine
            .start("ssbtek-test", vars(AKASSA), None)
            .await
            .expect("start");

        sim.set_scenario(Some("http-503"));
        let done = worker::work_once(&engine, &c, &options)
            .await
            .expect("work");
        assert_eq!(done, [JobOutcome::Retrying], "{}", db.name);
        // Due only after the backoff.
        assert!(
            worker::work_once(&engine, &c, &options)
                .await
                .expect("work")
                .is_empty()
        );

        sim.set_scenario(None);
        clock.advance(options.backoff_ms);
        let done = worker::work_once(&engine, &c, &options)
            .await
            .expect("work");
        assert_eq!(done, [JobOutcome::Completed], "{}", db.name);

        let vars = engine.store().variables(&instance.id).await.expect("vars");
        let ssbtek = &vars
            .iter()
            .find(|v| v.name == "ssbtek")
            .expect("ssbtek")
            .value;
        assert_eq!(ssbtek["inkomster"].as_array().map(Vec::len), Some(3));
        assert_eq!(ssbtek["skyddadIdentitet"], json!(false));
        assert!(ssbtek["so"]["data"]["utbetalningar"].is_array());

        // The job's idempotency key was the korrelationsid, the same on every attempt.
        let log = engine
            .store()
            .ssbtek_requests(Some("EB-2026-0099"), Page::default())
            .await
            .expect("log");
        assert_eq!(log.len(), 2, "{}", db.name);
        assert_eq!(log[0].korrelationsid, log[1].korrelationsid);
        assert_eq!(log[1].outcome, "error");
        assert_eq!(log[0].outcome, "ok");
        assert!(log[0].actor.starts_with("system:"));
        let audit = sim.audit();
        assert_eq!(
            audit.last().and_then(|a| a.korrelationsid.clone()),
            Some(log[0].korrelationsid.clone())
        );
    }
}

#[tokio::test]
async fn a_refused_question_raises_an_incident() {
    let (_sim, base) = simulator(None).await;
    for db in databases() {
        let (engine, _clock) = engine(&db).await;
        engine.deploy("ssbtek.bpmn", MODEL).await.expect("deploy");
        let c = client(&base, engine.store().clone(), None);
        let options = WorkerOptions::new("test/ssbtek", "Testlagtext (ej verifierad)");
        let refused = engine
            .start("ssbtek-test", vars("199001011239"), None)
            .await
            .expect("start");
        let invalid = engine
            .start("ssbtek-test", vars("199001011234"), None)
            .await
            .expect("start");
        let done = worker::work_once(&engine, &c, &options)
            .await
            .expect("work");
        assert_eq!(
            done,
            [JobOutcome::Incident, JobOutcome::Incident],
            "{}",
            db.name
        );
        for id in [&refused.id, &invalid.id] {
            let incidents = engine.store().incidents_of(id).await.expect("incidents");
            assert_eq!(incidents.len(), 1, "{}", db.name);
            assert!(
                !incidents[0].message.contains("19900101"),
                "no personnummer in incidents"
            );
        }
    }
}
