//! The job types flode does itself, as in-process workers (`flode_engine::worker`) that
//! `flode serve` starts on every node.

use flode_engine::ActivatedJob;
use flode_engine::worker::{Handler, JobFailure};
use flode_forsorjningsstod::{Household, Norms, calculate};
use serde_json::{Map, Value};

/// `forsorjningsstod.calculate`: the month's calculation by riksnorm for the household in the
/// instance's `hushall` variable (the input of docs/forsorjningsstod.md). Completes with
/// `berakning` (the whole calculation, every row with its reason) and `utfall` (`deficit` or
/// `surplus`), which the delegation rules read. Input that cannot be calculated is for a
/// person to correct: the job goes to an incident with the reasons, and is not retried.
pub(crate) struct Calculation {
    norms: Norms,
}

impl Calculation {
    pub(crate) const JOB_TYPE: &str = "forsorjningsstod.calculate";

    pub(crate) fn new(norms: Norms) -> Self {
        Self { norms }
    }

    fn run(&self, variables: &Map<String, Value>) -> Result<Map<String, Value>, JobFailure> {
        let household = variables.get("hushall").ok_or_else(|| {
            JobFailure::permanent(
                "variabeln hushall saknas: beräkningen behöver hushållets uppgifter",
            )
        })?;
        let household = Household::from_json(&household.to_string())
            .map_err(|e| JobFailure::permanent(format!("hushall: {e}")))?;
        let calculation = calculate(&self.norms, &household)
            .map_err(|e| JobFailure::permanent(format!("beräkningen kunde inte göras: {e}")))?;
        let berakning = serde_json::to_value(&calculation)
            .map_err(|e| JobFailure::permanent(format!("beräkningen: {e}")))?;
        let mut out = Map::new();
        out.insert("utfall".into(), berakning["outcome"].clone());
        out.insert("berakning".into(), berakning);
        Ok(out)
    }
}

impl Handler for Calculation {
    fn job_type(&self) -> &str {
        Self::JOB_TYPE
    }

    async fn handle(&self, job: &ActivatedJob) -> Result<Map<String, Value>, JobFailure> {
        self.run(&job.variables)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use flode_engine::worker::Workers;
    use flode_engine::{Engine, EngineOptions, SystemClock};
    use flode_store::{Store, StoreOptions};
    use serde_json::json;

    use super::*;

    const MODEL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="https://flode.example/test">
  <bpmn:process id="calc" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="berakna"/>
    <bpmn:serviceTask id="berakna"><bpmn:extensionElements><zeebe:taskDefinition type="forsorjningsstod.calculate"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="berakna" targetRef="wait"/>
    <bpmn:userTask id="wait"/>
  </bpmn:process>
</bpmn:definitions>"#;

    async fn engine(dir: &tempfile::TempDir) -> Engine {
        let url = format!("sqlite://{}", dir.path().join("flode.db").display());
        let store = Store::connect(&StoreOptions::new(&url))
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        let engine = Engine::new(store, Arc::new(SystemClock), EngineOptions::default())
            .await
            .expect("engine");
        engine.deploy("calc.bpmn", MODEL).await.expect("deploy");
        engine
    }

    /// Waits until the instance has `name`, or an open incident; returns the variable.
    async fn outcome(engine: &Engine, instance: &str) -> Result<Value, String> {
        for _ in 0..200 {
            let vars = engine.store().variables(instance).await.expect("vars");
            if let Some(v) = vars.iter().find(|v| v.name == "berakning") {
                return Ok(v.value.clone());
            }
            let incidents = engine
                .store()
                .incidents_of(instance)
                .await
                .expect("incidents");
            if let Some(i) = incidents.first() {
                return Err(i.message.clone());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the calculation job was not worked");
    }

    #[tokio::test]
    async fn the_worker_calculates_the_household_of_the_instance() {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = engine(&dir).await;
        let mut workers = Workers::default();
        workers.start(&engine, Calculation::new(Norms::shipped().expect("norms")));
        let household: Value = serde_json::from_str(include_str!(
            "../../../docs/examples/forsorjningsstod/ex1-ensamstaende.json"
        ))
        .expect("example");
        let mut vars = Map::new();
        vars.insert("hushall".into(), household);
        let started = engine.start("calc", vars, None).await.expect("start");
        let calculation = outcome(&engine, &started.id).await.expect("calculated");
        assert_eq!(calculation["support"], 4590, "{calculation}");
        let utfall = engine.store().variables(&started.id).await.expect("vars");
        assert!(
            utfall
                .iter()
                .any(|v| v.name == "utfall" && v.value == json!("deficit"))
        );

        // Input it cannot calculate goes to a person, with the reasons, untried again.
        let mut bad = Map::new();
        bad.insert("hushall".into(), json!({"month": "2026-12", "members": []}));
        let started = engine.start("calc", bad, None).await.expect("start");
        let reason = outcome(&engine, &started.id)
            .await
            .expect_err("an incident");
        assert!(reason.contains("sökande"), "{reason}");
        workers.shutdown().await;
    }
}
