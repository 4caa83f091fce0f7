//! `flode-bench`: measures flode against its targets and prints one JSON object per result.
//!
//! - `straight`: straight-through instances (ten script tasks and an exclusive gateway)
//!   started and completed durably, each in its own `Engine::start` call and transaction.
//! - `jobs`: the job queue end to end on PostgreSQL: instances enqueue `bench.noop` jobs,
//!   ten workers activate and complete them; jobs/s and enqueue→start latency.
//! - `sqlite-ceiling`: the SQLite commit ceiling (one insert per transaction, WAL,
//!   `synchronous = NORMAL`, as the flode store opens it), the peer of `pgbench` for SQLite.
//! - `casework`: ekonomiskt bistånd over HTTP against a `flode serve` it starts: submission
//!   → proposal ready with concurrent citizens, and e-service page latency under 200
//!   connections (`bench/casework.sh`).
//! - `robots`: flode's robots registering payments in a running SimIFO v1 in headless
//!   Chromium, seconds per item and items per minute (`bench/robots.sh`, next to Robot
//!   Framework + SeleniumLibrary).
//! - `replay`: a diagnostic that replays one straight-through transaction's SQL with and
//!   without the statements that change nothing (see `docs/benchmarks.md`).
//!
//! `bench/run.sh` runs all of them next to SpiffWorkflow, graphile-worker and `pgbench`
//! and prints the comparison table; see `docs/benchmarks.md`.

mod casework;
mod ceiling;
mod jobs;
mod replay;
mod robots;
mod setup;
mod stats;
mod straight;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Benchmarks for flode.
#[derive(Debug, Parser)]
#[command(name = "flode-bench", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Straight-through instances per second, durable.
    Straight(straight::Args),
    /// Job queue: jobs per second and enqueue→start latency with concurrent workers.
    Jobs(jobs::Args),
    /// SQLite's commit ceiling: one-row insert transactions per second.
    SqliteCeiling(ceiling::Args),
    /// Casework over HTTP: submission → proposal ready, e-service page latency.
    Casework(casework::Args),
    /// Robots: payments registered in SimIFO v1 by flode's robots, seconds per item and
    /// items per minute.
    Robots(robots::Args),
    /// Diagnostic: replays a straight-through transaction's SQL, as is or without no-ops.
    Replay(replay::Args),
}

/// Where the benchmark models live, relative to the workspace root.
pub(crate) fn default_model_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/models")
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result: anyhow::Result<serde_json::Value> = runtime.block_on(async {
        match cli.command {
            Command::Straight(args) => Ok(serde_json::to_value(straight::run(args).await?)?),
            Command::Jobs(args) => Ok(serde_json::to_value(jobs::run(args).await?)?),
            Command::SqliteCeiling(args) => Ok(serde_json::to_value(ceiling::run(args).await?)?),
            Command::Casework(args) => Ok(serde_json::to_value(casework::run(args).await?)?),
            Command::Robots(args) => Ok(serde_json::to_value(robots::run(args).await?)?),
            Command::Replay(args) => Ok(serde_json::to_value(replay::run(args).await?)?),
        }
    });
    println!("{}", serde_json::to_string(&result?)?);
    Ok(())
}
