//! The processes and decisions flode ships (crates/flode/processes/), deployed on every start:
//! identical XML makes no new version, so a restart changes nothing, and an upgraded flode
//! brings a new version that new cases start on while running cases keep theirs.

use anyhow::Context;
use flode_engine::Engine;

/// (resource name, XML); decisions first, so the processes that call them deploy.
const SHIPPED: [(&str, &str); 2] = [
    (
        "forsorjningsstod-delegation.dmn",
        include_str!("../processes/forsorjningsstod-delegation.dmn"),
    ),
    (
        "forsorjningsstod.bpmn",
        include_str!("../processes/forsorjningsstod.bpmn"),
    ),
];

/// Deploys every shipped model.
pub(crate) async fn deploy(engine: &Engine) -> anyhow::Result<()> {
    for (name, xml) in SHIPPED {
        let deployed = engine
            .deploy(name, xml)
            .await
            .with_context(|| format!("deploying the shipped model {name}"))?;
        for d in deployed {
            tracing::info!(key = %d.key, version = d.version, "shipped model deployed");
        }
    }
    Ok(())
}
