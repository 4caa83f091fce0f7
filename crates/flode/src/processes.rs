//! The processes and decisions flode ships (`flode_casework::MODELS`), deployed on every start:
//! identical XML makes no new version, so a restart changes nothing, and an upgraded flode
//! brings a new version that new cases start on while running cases keep theirs.

use anyhow::Context;
use flode_engine::Engine;

/// Deploys every shipped model.
pub(crate) async fn deploy(engine: &Engine) -> anyhow::Result<()> {
    for (name, xml) in flode_casework::MODELS {
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
