//! Straight-through: `bench/models/straight-through.bpmn` (start, ten script tasks `x + 1`,
//! an exclusive gateway with a default flow, end), started N times by C concurrent tasks.
//! Every instance completes inside its `Engine::start` call, whose transaction commits
//! before the call returns, so each counted instance is durable.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use flode_engine::Engine;
use flode_store::{InstanceFilter, InstanceState, Page};
use serde::Serialize;
use serde_json::json;

use crate::setup::{backend_name, engine, vars};
use crate::stats::{Latency, per_second, summarise};

/// The process id in both model files.
pub(crate) const PROCESS: &str = "straight-through";

/// `straight` options.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// sqlite://FILE or postgres://USER@HOST/DB (a scratch database: it is migrated and filled).
    #[arg(long)]
    database: String,
    /// Instances to time.
    #[arg(long, default_value_t = 5_000)]
    instances: usize,
    /// Concurrent starters (tokio tasks).
    #[arg(long, default_value_t = 10)]
    concurrency: usize,
    /// Untimed instances first (connections, caches, statement preparation).
    #[arg(long, default_value_t = 200)]
    warmup: usize,
    /// Pooled database connections (PostgreSQL; readers on SQLite).
    #[arg(long)]
    connections: Option<u32>,
    /// The BPMN file (default: bench/models/straight-through.bpmn).
    #[arg(long)]
    model: Option<PathBuf>,
}

/// What `straight` prints.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    engine: &'static str,
    bench: &'static str,
    backend: &'static str,
    instances: usize,
    concurrency: usize,
    seconds: f64,
    per_second: f64,
    /// Latency of one `start` call (run and commit) under this load.
    start_latency: Latency,
}

pub(crate) async fn run(args: Args) -> anyhow::Result<Report> {
    ensure!(args.concurrency > 0, "--concurrency must be at least 1");
    let connections = args
        .connections
        .unwrap_or(u32::try_from(args.concurrency)?.saturating_add(2));
    let engine = engine(&args.database, connections).await?;
    let model = args
        .model
        .unwrap_or_else(|| crate::default_model_dir().join("straight-through.bpmn"));
    let xml =
        std::fs::read_to_string(&model).with_context(|| format!("reading {}", model.display()))?;
    engine.deploy("straight-through.bpmn", &xml).await?;
    let before = completed(&engine).await?;

    // Warm-up, then the timed run.
    drive(&engine, args.warmup, args.concurrency).await?;
    let started = Instant::now();
    let nanos = drive(&engine, args.instances, args.concurrency).await?;
    let seconds = started.elapsed().as_secs_f64();

    // Every instance is completed in the store, with x increased by ten.
    let total = args.warmup + args.instances;
    let after = completed(&engine).await?;
    ensure!(
        after - before == total,
        "expected {total} new completed instances in the store, found {}",
        after - before
    );
    let stats = engine.store().stats().await?;
    ensure!(
        stats.active_instances == 0 && stats.open_incidents == 0,
        "instances left active ({}) or incidents open ({})",
        stats.active_instances,
        stats.open_incidents
    );
    check_result(&engine).await?;
    let backend = backend_name(&engine);
    engine.store().close().await;
    Ok(Report {
        engine: "flode",
        bench: "straight-through",
        backend,
        instances: args.instances,
        concurrency: args.concurrency,
        seconds: (seconds * 10_000.0).round() / 10_000.0,
        per_second: per_second(args.instances, seconds),
        start_latency: summarise(nanos),
    })
}

/// Starts `n` instances with `concurrency` tasks; returns each start's duration in ns.
async fn drive(engine: &Engine, n: usize, concurrency: usize) -> anyhow::Result<Vec<u64>> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency.min(n.max(1)) {
        let engine = engine.clone();
        let next = next.clone();
        tasks.spawn(async move {
            let mut nanos = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return anyhow::Ok(nanos);
                }
                let t = Instant::now();
                let instance = engine
                    .start(PROCESS, vars(&[("x", json!(i % 100))]), None)
                    .await?;
                nanos.push(u64::try_from(t.elapsed().as_nanos())?);
                if instance.state != InstanceState::Completed {
                    bail!(
                        "instance {} ended its start call {:?}, not completed",
                        instance.id,
                        instance.state
                    );
                }
            }
        });
    }
    let mut all = Vec::with_capacity(n);
    while let Some(done) = tasks.join_next().await {
        all.extend(done??);
    }
    Ok(all)
}

/// Completed instances of the benchmark process, counted through the store.
async fn completed(engine: &Engine) -> anyhow::Result<usize> {
    let filter = InstanceFilter {
        process_key: Some(PROCESS.into()),
        state: Some(InstanceState::Completed),
        business_key: None,
    };
    let mut count = 0;
    loop {
        let page = Page {
            limit: 10_000,
            offset: i64::try_from(count)?,
        };
        let got = engine.store().instances(&filter, page).await?.len();
        count += got;
        if got < 10_000 {
            return Ok(count);
        }
    }
}

/// The newest instance ran all ten tasks: x went from its start value up by ten.
async fn check_result(engine: &Engine) -> anyhow::Result<()> {
    let filter = InstanceFilter {
        process_key: Some(PROCESS.into()),
        ..InstanceFilter::default()
    };
    let page = Page {
        limit: 1,
        offset: 0,
    };
    let Some(latest) = engine.store().instances(&filter, page).await?.pop() else {
        bail!("no instance found");
    };
    let history = engine.store().history(&latest.id).await?;
    let scripts = history
        .iter()
        .filter(|h| h.node_type == "scriptTask" && h.state == "completed")
        .count();
    ensure!(
        scripts == 10,
        "instance {} ran {scripts} script tasks, not 10: {:?}",
        latest.id,
        history.iter().map(|h| &h.node_id).collect::<Vec<_>>()
    );
    let x = engine
        .store()
        .variables(&latest.id)
        .await?
        .into_iter()
        .find(|v| v.name == "x")
        .and_then(|v| v.value.as_i64());
    ensure!(
        x.is_some_and(|x| (10..110).contains(&x)),
        "instance {} ended with x = {x:?}, expected start value + 10",
        latest.id
    );
    Ok(())
}
