//! Test databases (`flode-test-db`: a temp SQLite file always; a fresh PostgreSQL database
//! when the server is reachable, required in CI or with FLODE_REQUIRE_PG=1), and helpers.

use std::sync::Arc;

use flode_engine::{Engine, EngineOptions, ManualClock};
use flode_store::{Store, StoreOptions};
pub(crate) use flode_test_db::TestDb;

pub(crate) const EPOCH: i64 = 1_767_225_600_000;

/// SQLite, plus PostgreSQL when available.
pub(crate) fn databases() -> Vec<TestDb> {
    flode_test_db::databases("flode_test")
}

/// A migrated store and an engine with a manual clock.
pub(crate) async fn engine(db: &TestDb) -> (Engine, ManualClock) {
    let store = Store::connect(&StoreOptions::new(&db.url))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    let clock = ManualClock::new(EPOCH);
    let engine = Engine::new(
        store,
        Arc::new(clock.clone()),
        EngineOptions {
            node_name: "test-node".into(),
            ..EngineOptions::default()
        },
    )
    .await
    .expect("engine");
    (engine, clock)
}

/// Wraps process contents in a Camunda-8-style BPMN file.
pub(crate) fn model(id: &str, body: &str) -> String {
    model_with(id, "", body)
}

/// As [`model`], with root elements before the process (`bpmn:error`, `bpmn:message`…).
pub(crate) fn model_with(id: &str, roots: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-{id}" targetNamespace="https://flode.example/test">
  {roots}
  <bpmn:process id="{id}" isExecutable="true">
{body}
  </bpmn:process>
</bpmn:definitions>"#
    )
}

/// `serde_json::json!` object to a Map.
pub(crate) fn vars(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match v {
        serde_json::Value::Object(m) => m,
        _ => panic!("vars must be an object"),
    }
}
