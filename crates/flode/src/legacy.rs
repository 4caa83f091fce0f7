//! This node's software robots (`robots` > 0) and the legacy systems they work in: the
//! targets of the settings, or — in the test environment with none set — SimIFO embedded
//! on a loopback port with the scripts built into the binary and its robot account put in
//! the vault at start, so that a demo shows payments registered by robots.

use std::path::PathBuf;

use anyhow::Context;
use flode_engine::Engine;
use flode_legacy_sim::UiVersion;
use flode_robots::{ChromiumConfig, Robots, RobotsConfig, ScriptSet, Target, Vault, VaultKey};

use crate::settings::{Environment, Settings};

/// The SimIFO script sets, per UI version, as shipped in `robots/simifo/`.
const SIMIFO_V1: &[(&str, &str)] = &[(
    "robots/simifo/v1/register_payment.toml",
    include_str!("../../../robots/simifo/v1/register_payment.toml"),
)];
const SIMIFO_V2: &[(&str, &str)] = &[(
    "robots/simifo/v2/register_payment.toml",
    include_str!("../../../robots/simifo/v2/register_payment.toml"),
)];

/// The embedded SimIFO's licence seats: one, as it has one robot account and ends an
/// account's earlier session at a new sign-in.
const SIMIFO_SEATS: i64 = 1;

/// Starts the node's robots, if it has any.
pub(crate) async fn start(settings: &Settings, engine: &Engine) -> anyhow::Result<Option<Robots>> {
    if settings.robots == 0 {
        return Ok(None);
    }
    let chromium = ChromiumConfig::default();
    for program in [&chromium.chromium, &chromium.chromedriver] {
        if !program.exists() {
            anyhow::bail!(
                "robots = {} needs Chromium and chromedriver, and {} is missing: run scripts/install-browser, or set robots = 0",
                settings.robots,
                program.display()
            );
        }
    }
    let production = settings.environment == Environment::Production;
    let embedded = settings.robot_targets.is_empty();
    let (targets, simifo_password) = if embedded {
        if production {
            anyhow::bail!(
                "robots = {} needs robot_targets in production ([[robot_targets]] in flode.toml: name, url, scripts, seats): SimIFO is a test system",
                settings.robots
            );
        }
        let (target, password) = embedded_simifo(settings).await?;
        (vec![target], Some(password))
    } else {
        let mut targets = Vec::new();
        for t in &settings.robot_targets {
            let scripts = ScriptSet::load(&t.scripts)
                .with_context(|| format!("loading the scripts of robot target {}", t.name))?;
            targets.push(Target {
                name: t.name.clone(),
                url: t.url.trim_end_matches('/').to_owned(),
                seats: t.seats,
                requires: t.requires.clone(),
                scripts,
            });
        }
        (targets, None)
    };
    let key = match VaultKey::from_env() {
        Ok(key) => key,
        // The embedded SimIFO's account is put in the vault at every start: a key that
        // lives as long as the process will do.
        Err(flode_robots::VaultError::NoKey) if embedded => VaultKey::generate()?.0,
        Err(e) => return Err(e).context("the robots' credential vault"),
    };
    let vault = Vault::new(engine.store().clone(), key);
    if let Some(password) = simifo_password {
        vault
            .set(
                "simifo",
                flode_legacy_sim::ROBOT_USER,
                &password,
                engine.now(),
            )
            .await
            .context("putting SimIFO's robot account in the vault")?;
    }
    let mut config = RobotsConfig::new(settings.node_name.clone(), targets);
    config.robots = usize::try_from(settings.robots).unwrap_or(1);
    config.pool = settings.robot_pool.clone();
    config.tags = settings
        .robot_tags
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    config.evidence_keep_ms = i64::from(settings.robot_evidence_days) * 24 * 3_600_000;
    let robots = Robots::start(engine, vault, chromium, config)
        .await
        .context("starting the robots")?;
    tracing::info!(robots = settings.robots, "robots started");
    Ok(Some(robots))
}

/// SimIFO on a loopback port and its scripts; the robot account's password.
async fn embedded_simifo(settings: &Settings) -> anyhow::Result<(Target, String)> {
    let (ui, sources) = match settings.robot_demo_ui.as_str() {
        "v1" => (UiVersion::V1, SIMIFO_V1),
        "v2" => (UiVersion::V2, SIMIFO_V2),
        other => anyhow::bail!("robot_demo_ui must be v1 or v2, not {other:?}"),
    };
    let config = flode_legacy_sim::Config::quiet(ui);
    let password = config.credentials.robot_password.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("starting the embedded SimIFO")?;
    let address = listener.local_addr()?;
    flode_legacy_sim::spawn(listener, config)
        .await
        .context("starting the embedded SimIFO")?;
    let sources: Vec<(PathBuf, String)> = sources
        .iter()
        .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
        .collect();
    let dir = PathBuf::from(format!("robots/simifo/{}", settings.robot_demo_ui));
    let scripts = ScriptSet::from_sources(&dir, &sources).context("the shipped SimIFO scripts")?;
    tracing::warn!(
        %address,
        ui = %settings.robot_demo_ui,
        "the legacy system is simulated: robots register payments in the embedded SimIFO at http://{address}/ (no robot_targets set)"
    );
    Ok((
        Target {
            name: "simifo".into(),
            url: format!("http://{address}"),
            seats: SIMIFO_SEATS,
            requires: Vec::new(),
            scripts,
        },
        password,
    ))
}
