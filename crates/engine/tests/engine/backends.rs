//! Test databases: a temp SQLite file always; a fresh PostgreSQL database when the server is
//! reachable. In CI (or with FLODE_REQUIRE_PG=1) an unreachable PostgreSQL fails the test.

use std::sync::Arc;

use flode_engine::{Engine, EngineOptions, ManualClock};
use flode_store::{Store, StoreOptions};

pub(crate) const EPOCH: i64 = 1_767_225_600_000;

/// A database for one test; dropped databases are removed.
pub(crate) struct TestDb {
    pub(crate) name: &'static str,
    pub(crate) url: String,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, db)) = self.pg_drop.take() {
            // Best effort; a leftover test database is harmless and visibly named.
            let _ = std::process::Command::new("psql")
                .args([
                    admin.as_str(),
                    "-qc",
                    &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
                ])
                .output();
        }
    }
}

fn pg_admin_url() -> String {
    std::env::var("FLODE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn pg_required() -> bool {
    std::env::var_os("CI").is_some() || std::env::var_os("FLODE_REQUIRE_PG").is_some()
}

/// SQLite, plus PostgreSQL when available.
pub(crate) async fn databases() -> Vec<TestDb> {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("flode.db").display());
    let mut dbs = vec![TestDb {
        name: "sqlite",
        url,
        _dir: Some(dir),
        pg_drop: None,
    }];
    let admin = pg_admin_url();
    let db = format!("flode_test_{}", uuid::Uuid::new_v4().simple());
    let created = match sqlx_connect_and_create(&admin, &db).await {
        Ok(()) => true,
        Err(e) if pg_required() => {
            panic!("PostgreSQL is required (CI) but not usable at {admin}: {e}")
        }
        Err(e) => {
            eprintln!(
                "WARNING: PostgreSQL not reachable at {admin} ({e}); running this test on SQLite only"
            );
            false
        }
    };
    if created {
        let base = admin
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .unwrap_or(admin.clone());
        dbs.push(TestDb {
            name: "postgres",
            url: format!("{base}/{db}"),
            _dir: None,
            pg_drop: Some((admin, db)),
        });
    }
    dbs
}

async fn sqlx_connect_and_create(admin: &str, db: &str) -> Result<(), String> {
    let out = tokio::process::Command::new("psql")
        .args([admin, "-qc", &format!("CREATE DATABASE {db}")])
        .output()
        .await
        .map_err(|e| format!("psql: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
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
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-{id}" targetNamespace="https://flode.example/test">
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
