//! A diagnostic, not a benchmark of flode: replays the SQL that one straight-through
//! `Engine::start` transaction sends (flode 0.1.0, seen with PostgreSQL's
//! `log_statement = all`) through sqlx's `Any` driver, as the store does, either as it is
//! (`as-is`: 17 statements with BEGIN and COMMIT) or without the twelve that change
//! nothing for a new instance (`trimmed`: 5), to show what those cost on each backend
//! without touching the engine. The engine's own work (running the FEEL scripts, building
//! the write) is left out, so `trimmed` is the store's ceiling for this process.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, ensure};
use flode_store::{Backend, prepare_connection};
use serde::Serialize;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, AssertSqlSafe, ConnectOptions};

use crate::setup::engine;
use crate::stats::per_second;
use crate::straight::PROCESS;

/// `replay` options.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// sqlite://FILE or postgres://USER@HOST/DB (a scratch database).
    #[arg(long)]
    database: String,
    /// Transactions.
    #[arg(long, default_value_t = 5_000)]
    transactions: usize,
    /// Concurrent transactions (SQLite has one writer whatever this is).
    #[arg(long, default_value_t = 10)]
    concurrency: usize,
    /// `as-is` or `trimmed`.
    #[arg(long, default_value = "as-is")]
    variant: Variant,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Variant {
    AsIs,
    Trimmed,
}

#[derive(Debug, Serialize)]
pub(crate) struct Report {
    bench: &'static str,
    backend: &'static str,
    variant: Variant,
    statements_per_transaction: usize,
    transactions: usize,
    seconds: f64,
    per_second: f64,
}

const HISTORY_NODES: [(&str, &str); 13] = [
    ("start", "startEvent"),
    ("s1", "scriptTask"),
    ("s2", "scriptTask"),
    ("s3", "scriptTask"),
    ("s4", "scriptTask"),
    ("s5", "scriptTask"),
    ("check", "exclusiveGateway"),
    ("s6", "scriptTask"),
    ("s7", "scriptTask"),
    ("s8", "scriptTask"),
    ("s9", "scriptTask"),
    ("s10", "scriptTask"),
    ("end", "endEvent"),
];

pub(crate) async fn run(args: Args) -> anyhow::Result<Report> {
    ensure!(args.concurrency > 0, "--concurrency must be at least 1");
    // The flode store migrates the schema and the engine deploys the model, so that the
    // rows replayed here satisfy the same constraints.
    let engine = engine(&args.database, 2).await?;
    let xml = std::fs::read_to_string(crate::default_model_dir().join("straight-through.bpmn"))
        .context("reading the model")?;
    let deployed = engine.deploy("straight-through.bpmn", &xml).await?;
    let definition = deployed.into_iter().next().context("nothing deployed")?.id;
    let store_backend = engine.store().backend();
    let sqlite = store_backend == Backend::Sqlite;
    let backend = if sqlite { "sqlite" } else { "postgres" };
    engine.store().close().await;

    sqlx::any::install_default_drivers();
    let connect = args
        .database
        .parse::<AnyConnectOptions>()?
        .disable_statement_logging();
    let connections = if sqlite {
        1
    } else {
        u32::try_from(args.concurrency)?
    };
    let pool = AnyPoolOptions::new()
        .max_connections(connections)
        // The store's own connection settings (WAL and the rest on SQLite).
        .after_connect(move |conn, _| {
            Box::pin(async move { prepare_connection(conn, store_backend, false).await })
        })
        .connect_with(connect)
        .await?;

    let statements = match args.variant {
        Variant::AsIs => 17,
        Variant::Trimmed => 5,
    };
    let next = Arc::new(AtomicUsize::new(0));
    let definition = Arc::new(definition);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency {
        let (pool, next, definition) = (pool.clone(), next.clone(), definition.clone());
        let (n, variant) = (args.transactions, args.variant);
        tasks.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return anyhow::Ok(());
                }
                one(&pool, sqlite, variant, &definition).await?;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let seconds = started.elapsed().as_secs_f64();
    pool.close().await;
    Ok(Report {
        bench: "replay-straight-through-sql",
        backend,
        variant: args.variant,
        statements_per_transaction: statements,
        transactions: args.transactions,
        seconds: (seconds * 10_000.0).round() / 10_000.0,
        per_second: per_second(args.transactions, seconds),
    })
}

/// One transaction: what `Tx::apply` sends for a new, completed straight-through instance.
async fn one(
    pool: &AnyPool,
    sqlite: bool,
    variant: Variant,
    definition: &str,
) -> anyhow::Result<()> {
    let id = flode_engine::new_id();
    let now = 1_764_000_000_000_i64;
    let mut tx = if sqlite {
        pool.begin_with("BEGIN IMMEDIATE").await?
    } else {
        pool.begin().await?
    };
    sqlx::query(
        "INSERT INTO instances (id, definition_id, process_key, business_key, state, parent_instance_id, parent_token, next_token, revision, started_at, ended_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(definition)
    .bind(PROCESS)
    .bind(None::<String>)
    .bind("completed")
    .bind(None::<String>)
    .bind(None::<i64>)
    .bind(26_i64)
    .bind(1_i64)
    .bind(now)
    .bind(Some(now))
    .execute(&mut *tx)
    .await?;
    if matches!(variant, Variant::AsIs) {
        for scope in 2..12_i64 {
            sqlx::query("DELETE FROM variables WHERE instance_id = $1 AND scope = $2")
                .bind(&id)
                .bind(scope)
                .execute(&mut *tx)
                .await?;
        }
    }
    sqlx::query(
        "INSERT INTO variables (instance_id, scope, name, value) VALUES ($1,$2,$3,$4) \
         ON CONFLICT (instance_id, scope, name) DO UPDATE SET value = excluded.value",
    )
    .bind(&id)
    .bind(0_i64)
    .bind("x")
    .bind("15")
    .execute(&mut *tx)
    .await?;
    let mut sql = String::from(
        "INSERT INTO history (instance_id, token, node_id, node_type, state, started_at, ended_at, end_seq) VALUES ",
    );
    for row in 0..HISTORY_NODES.len() {
        if row > 0 {
            sql.push(',');
        }
        let b = row * 8;
        sql.push_str(&format!(
            "(${},${},${},${},${},${},${},${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6,
            b + 7,
            b + 8
        ));
    }
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for (k, (node, kind)) in (1_i64..).zip(HISTORY_NODES) {
        q = q
            .bind(&id)
            .bind(k)
            .bind(node)
            .bind(kind)
            .bind("completed")
            .bind(now)
            .bind(Some(now))
            .bind(Some(k + 13));
    }
    q.execute(&mut *tx).await?;
    if matches!(variant, Variant::AsIs) {
        sqlx::query(
            "UPDATE jobs SET state = 'canceled', lease_owner = NULL, lease_until = NULL, updated_at = $1 \
             WHERE instance_id = $2 AND token = $3 AND state IN ('ready', 'active', 'failed')",
        )
        .bind(now)
        .bind(&id)
        .bind(0_i64)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM subscriptions WHERE instance_id = $1 AND token = $2")
            .bind(&id)
            .bind(0_i64)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
