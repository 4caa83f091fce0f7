//! Robots (issue 5): flode's robot workers registering payments in a running SimIFO v1, the
//! way `flode serve` runs them: an engine on an SQLite store, a tiny process whose one
//! service task is `legacy.register_payment`, the robot account's password in the vault, and
//! `flode_robots::Robots` with headless Chromium and the script set `robots/simifo/v1`.
//!
//! The items come from a CSV file (`personnummer,manad,arendeId,belopp`, a header line
//! first) that `bench/robots.sh` also gives the Robot Framework peer. The first `--warmup`
//! rows are worked first and not counted (Chromium's start, the first pages); then every
//! other row becomes an instance at once, and the clock runs from just before the first
//! start until the last instance has completed. Per-item durations are the robots' own run
//! records (`robot_runs`: ended − started, sign-in included).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use flode_engine::Engine;
use flode_engine::service::{self, ServiceOptions};
use flode_robots::{ChromiumConfig, Robots, RobotsConfig, ScriptSet, Target, Vault, VaultKey};
use flode_store::InstanceState;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::setup::engine;
use crate::stats::percentile;

/// `robots` options.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// sqlite://FILE: a scratch database (migrated; the robots' runs are read from it).
    #[arg(long)]
    database: String,
    /// SimIFO v1's base URL, e.g. http://127.0.0.1:8090 (started with --multiple-sessions
    /// when more than one robot shares its robot account).
    #[arg(long)]
    simifo_url: String,
    /// The password of SimIFO's robot account.
    #[arg(long, env = "SIMIFO_ROBOT_PASSWORD", default_value = "robot1-losen")]
    robot_password: String,
    /// CSV of items: `personnummer,manad,arendeId,belopp` with a header line.
    #[arg(long)]
    items: PathBuf,
    /// The first rows of `--items` are worked before the clock starts (default: one per
    /// robot, so that every robot's Chromium is up).
    #[arg(long)]
    warmup: Option<usize>,
    /// Robots (each with its own Chromium) and licence seats.
    #[arg(long, default_value_t = 1)]
    robots: usize,
    /// The script set (default: robots/simifo/v1 of the workspace).
    #[arg(long)]
    scripts: Option<PathBuf>,
    /// How often an idle robot looks for work, as in `flode serve` (500 ms).
    #[arg(long, default_value_t = 500)]
    poll_ms: u64,
    /// Give up when the items are not done after this long.
    #[arg(long, default_value_t = 900)]
    timeout_secs: u64,
}

/// Seconds per item (a robot's run, sign-in to the last step).
#[derive(Debug, Serialize)]
pub(crate) struct PerItem {
    p50: f64,
    p90: f64,
    mean: f64,
    max: f64,
}

/// What `robots` prints.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    engine: &'static str,
    bench: &'static str,
    robots: usize,
    items: usize,
    warmup_items: usize,
    /// From just before the first start to the last completed instance.
    seconds: f64,
    seconds_per_item: PerItem,
    items_per_minute: f64,
    /// Runs in the timed part by outcome (`done`; anything else fails the bench).
    runs: Map<String, Value>,
}

/// The process the bench starts: one service task for the robots.
const PROCESS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="https://flode.example/bench">
  <bpmn:process id="utbetalning" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="registrera"/>
    <bpmn:serviceTask id="registrera" name="Registrera utbetalningen i verksamhetssystemet">
      <bpmn:extensionElements><zeebe:taskDefinition type="legacy.register_payment" retries="3"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="registrera" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"#;

/// One row of the items file.
#[derive(Debug, Clone)]
struct Item {
    personnummer: String,
    manad: String,
    arende_id: String,
    belopp: i64,
}

fn read_items(path: &PathBuf) -> anyhow::Result<Vec<Item>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().context("the items file is empty")?;
    ensure!(
        header.trim() == "personnummer,manad,arendeId,belopp",
        "{}: the header must be personnummer,manad,arendeId,belopp",
        path.display()
    );
    lines
        .enumerate()
        .map(|(n, line)| {
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            let [personnummer, manad, arende_id, belopp] = fields[..] else {
                bail!("{} line {}: four fields expected", path.display(), n + 2);
            };
            Ok(Item {
                personnummer: personnummer.into(),
                manad: manad.into(),
                arende_id: arende_id.into(),
                belopp: belopp
                    .parse()
                    .with_context(|| format!("{} line {}: belopp", path.display(), n + 2))?,
            })
        })
        .collect()
}

fn variables(item: &Item) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("arendeId".into(), json!(item.arende_id));
    m.insert("personnummer".into(), json!(item.personnummer));
    m.insert("manad".into(), json!(item.manad));
    m.insert(
        "beslut".into(),
        json!({"utfall": "bifall", "belopp": item.belopp, "motivering": "Behovet är styrkt."}),
    );
    m
}

/// Starts an instance per item and waits until every one has completed.
async fn work(engine: &Engine, items: &[Item], timeout: Duration) -> anyhow::Result<()> {
    let mut pending = Vec::with_capacity(items.len());
    for item in items {
        let instance = engine
            .start("utbetalning", variables(item), Some(item.arende_id.clone()))
            .await
            .with_context(|| format!("starting {}", item.arende_id))?;
        pending.push((instance.id, item.arende_id.clone()));
    }
    let deadline = Instant::now() + timeout;
    while !pending.is_empty() {
        let mut still = Vec::with_capacity(pending.len());
        for (id, arende) in pending {
            let instance = engine.store().instance(&id).await?;
            match instance.state {
                InstanceState::Completed => {}
                InstanceState::Active => {
                    // A business exception (the review queue) or a system exception out
                    // of retries raises an incident.
                    if let Some(incident) = engine.store().incidents_of(&id).await?.first() {
                        bail!("{arende}: an incident was raised: {incident:?}");
                    }
                    still.push((id, arende));
                }
                other => bail!("{arende}: the instance ended {other:?}"),
            }
        }
        pending = still;
        if pending.is_empty() {
            break;
        }
        if Instant::now() >= deadline {
            let runs = engine.store().robot_runs_since(0).await?;
            bail!(
                "{} items not done after {timeout:?} (first: {}); runs so far: {runs:#?}",
                pending.len(),
                pending[0].1
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

pub(crate) async fn run(args: Args) -> anyhow::Result<Report> {
    ensure!(args.robots > 0, "--robots must be at least 1");
    let items = read_items(&args.items)?;
    let warmup = args.warmup.unwrap_or(args.robots);
    ensure!(
        items.len() > warmup,
        "{} holds {} items; {warmup} are warm-up, so nothing is left to time",
        args.items.display(),
        items.len()
    );
    let (warm, timed) = items.split_at(warmup);

    let engine = engine(&args.database, 4).await?;
    engine.deploy("utbetalning.bpmn", PROCESS).await?;
    let background = service::spawn(engine.clone(), ServiceOptions::default());

    let dir = args.scripts.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../robots/simifo/v1")
    });
    let scripts = ScriptSet::load(&dir).with_context(|| format!("loading {}", dir.display()))?;
    let (key, _) = VaultKey::generate()?;
    let vault = Vault::new(engine.store().clone(), key);
    vault
        .set(
            "simifo",
            flode_legacy_sim::ROBOT_USER,
            &args.robot_password,
            engine.now(),
        )
        .await?;
    let robots_i64 = i64::try_from(args.robots)?;
    let mut config = RobotsConfig::new(
        "flode-bench",
        vec![Target {
            name: "simifo".into(),
            url: args.simifo_url.trim_end_matches('/').to_owned(),
            seats: robots_i64,
            requires: Vec::new(),
            scripts,
        }],
    );
    config.robots = args.robots;
    config.poll = Duration::from_millis(args.poll_ms);
    let robots = Robots::start(&engine, vault, ChromiumConfig::default(), config).await?;
    let timeout = Duration::from_secs(args.timeout_secs);

    // Warm-up: every robot's Chromium starts and signs in once.
    work(&engine, warm, timeout)
        .await
        .context("the warm-up items")?;

    let since = engine.now();
    let started = Instant::now();
    work(&engine, timed, timeout).await?;
    let seconds = started.elapsed().as_secs_f64();
    robots.shutdown().await;
    background.shutdown().await;

    let timed_refs: std::collections::HashSet<&str> =
        timed.iter().map(|i| i.arende_id.as_str()).collect();
    let runs = engine.store().robot_runs_since(since).await?;
    let mut outcomes = Map::new();
    let mut durations = Vec::new();
    for r in &runs {
        let n = outcomes
            .get(&r.outcome)
            .and_then(Value::as_u64)
            .unwrap_or(0);
        outcomes.insert(r.outcome.clone(), json!(n + 1));
        if r.outcome == "done" {
            durations.push((r.ended_at - r.started_at) as f64 / 1000.0);
        }
    }
    ensure!(
        durations.len() == timed_refs.len() && outcomes.len() == 1,
        "expected {} runs done and nothing else, got {outcomes:?}: an item was already registered, retried or failed",
        timed_refs.len()
    );
    durations.sort_by(f64::total_cmp);
    let round = |v: f64| (v * 1000.0).round() / 1000.0;
    let mean = durations.iter().sum::<f64>() / durations.len() as f64;
    Ok(Report {
        engine: "flode",
        bench: "robots",
        robots: args.robots,
        items: timed.len(),
        warmup_items: warm.len(),
        seconds: round(seconds),
        seconds_per_item: PerItem {
            p50: round(percentile(&durations, 50.0)),
            p90: round(percentile(&durations, 90.0)),
            mean: round(mean),
            max: round(durations.last().copied().unwrap_or_default()),
        },
        items_per_minute: (timed.len() as f64 / seconds * 60.0 * 10.0).round() / 10.0,
        runs: outcomes,
    })
}
