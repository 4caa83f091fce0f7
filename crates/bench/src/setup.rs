//! A migrated store and an engine on the system clock, as a deployment would run them.

use std::sync::Arc;

use anyhow::Context;
use flode_engine::{Engine, EngineOptions, SystemClock};
use flode_store::{Backend, Store, StoreOptions};

/// Connects to `url` with `connections` pooled connections, migrates, builds an engine.
pub(crate) async fn engine(url: &str, connections: u32) -> anyhow::Result<Engine> {
    let mut options = StoreOptions::new(url);
    options.max_connections = connections;
    let store = Store::connect(&options)
        .await
        .with_context(|| format!("connecting to {}", flode_store::redact(url)))?;
    store.migrate().await.context("migrating")?;
    let engine = Engine::new(
        store,
        Arc::new(SystemClock),
        EngineOptions {
            node_name: "flode-bench".into(),
            ..EngineOptions::default()
        },
    )
    .await
    .context("starting the engine")?;
    // As `flode serve` does: on PostgreSQL, deployments are heard instead of polled for.
    // The listener task lives as long as the process.
    let _listener = engine
        .listen_to_other_nodes()
        .await
        .context("listening to other nodes")?;
    Ok(engine)
}

/// `"sqlite"` or `"postgres"`, for the printed result.
pub(crate) fn backend_name(engine: &Engine) -> &'static str {
    match engine.store().backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// A JSON object of variables.
pub(crate) fn vars(
    pairs: &[(&str, serde_json::Value)],
) -> serde_json::Map<String, serde_json::Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}
