//! The SQLite commit ceiling: how many one-row insert transactions per second the file
//! takes when opened as the flode store opens it (WAL, `synchronous = NORMAL`, one writer,
//! `BEGIN IMMEDIATE`). This is what `pgbench -N` is for PostgreSQL: the most durable
//! transactions the store could commit, whatever the engine does inside them.

use std::str::FromStr;
use std::time::Instant;

use anyhow::{Context, ensure};
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Row};

use crate::stats::per_second;

/// `sqlite-ceiling` options.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// sqlite://FILE (a scratch file; a table `bench_ceiling` is created in it).
    #[arg(long)]
    database: String,
    /// Transactions.
    #[arg(long, default_value_t = 20_000)]
    transactions: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct Report {
    engine: &'static str,
    bench: &'static str,
    backend: &'static str,
    transactions: usize,
    seconds: f64,
    per_second: f64,
}

pub(crate) async fn run(args: Args) -> anyhow::Result<Report> {
    let options = SqliteConnectOptions::from_str(&args.database)
        .with_context(|| format!("not a SQLite URL: {}", args.database))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(std::time::Duration::from_secs(10))
        .disable_statement_logging();
    let mut conn = options.connect().await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS bench_ceiling (id INTEGER PRIMARY KEY, payload TEXT NOT NULL, at INTEGER NOT NULL)",
    )
    .execute(&mut conn)
    .await?;
    let started = Instant::now();
    for i in 0..args.transactions {
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("INSERT INTO bench_ceiling (payload, at) VALUES ($1, $2)")
            .bind(format!("row {i}"))
            .bind(i64::try_from(i)?)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let rows: i64 = sqlx::query("SELECT COUNT(*) AS n FROM bench_ceiling")
        .fetch_one(&mut conn)
        .await?
        .try_get("n")?;
    ensure!(
        usize::try_from(rows)? >= args.transactions,
        "only {rows} rows committed"
    );
    conn.close().await?;
    Ok(Report {
        engine: "sqlite",
        bench: "commit-ceiling",
        backend: "sqlite",
        transactions: args.transactions,
        seconds: (seconds * 10_000.0).round() / 10_000.0,
        per_second: per_second(args.transactions, seconds),
    })
}
