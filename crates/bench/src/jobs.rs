//! The job queue end to end. A process `start → serviceTask (bench.noop) → end`: starting an
//! instance enqueues its job (in the instance's transaction); workers activate jobs with a
//! lease and complete them, which completes the instance.
//!
//! Three phases, the same as `bench/graphile_bench.mjs` runs for graphile-worker:
//!
//! 1. drain: N jobs enqueued first (untimed for the drain, timed as the enqueue rate), then
//!    the workers start and the time until the last completion commits is measured.
//! 2. end to end: workers idle, then producers enqueue N jobs as fast as they can while the
//!    workers run; from the first enqueue to the last completion. Enqueue→start latency
//!    here includes time queued behind other jobs.
//! 3. idle latency: one job at a time, the next enqueued once the previous has started:
//!    enqueue→start latency of a queue that is keeping up.
//!
//! "Enqueue" is taken just before the `Engine::start` call that creates the job, "start"
//! when `Engine::activate_jobs` has handed the job to a worker; both from one monotonic
//! clock, matched by a `seq` variable of the instance. Workers sleep on
//! `Engine::job_waker` when the queue is empty (with a 50 ms safety poll).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, ensure};
use flode_engine::Engine;
use serde::Serialize;
use serde_json::{Map, json};
use tokio::sync::mpsc;

use crate::setup::{backend_name, engine, vars};
use crate::stats::{Latency, per_second, summarise};

const PROCESS: &str = "bench-noop-job";
const JOB_TYPE: &str = "bench.noop";
const LEASE_MS: i64 = 60_000;
/// A phase that has not finished by then has lost jobs.
const PHASE_LIMIT: Duration = Duration::from_secs(600);

const MODEL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-bench-noop-job" targetNamespace="https://flode.example/bench">
  <bpmn:process id="bench-noop-job" name="Job queue benchmark" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="noop"/>
    <bpmn:serviceTask id="noop" name="No-op">
      <bpmn:extensionElements><zeebe:taskDefinition type="bench.noop" retries="3"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="noop" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"#;

/// `jobs` options.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// postgres://USER@HOST/DB (a scratch database: it is migrated and filled). SQLite works
    /// too, for comparison.
    #[arg(long)]
    database: String,
    /// Jobs in the drain and the end-to-end phases (each).
    #[arg(long, default_value_t = 10_000)]
    jobs: usize,
    /// Concurrent workers.
    #[arg(long, default_value_t = 10)]
    concurrency: usize,
    /// Concurrent producers (instance starters).
    #[arg(long, default_value_t = 10)]
    producers: usize,
    /// Jobs one activation may lease (1 = one job per worker at a time).
    #[arg(long, default_value_t = 1)]
    batch: i64,
    /// Samples in the idle-latency phase.
    #[arg(long, default_value_t = 1_000)]
    latency_samples: usize,
    /// Pooled database connections (default: workers + producers + 2).
    #[arg(long)]
    connections: Option<u32>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Report {
    engine: &'static str,
    bench: &'static str,
    backend: &'static str,
    jobs: usize,
    workers: usize,
    producers: usize,
    batch: i64,
    /// Instances (each enqueuing one job) started per second with no worker running.
    enqueue_per_second: f64,
    drain: Phase,
    end_to_end: Phase,
    idle_latency: Latency,
    /// Duration of the `start` calls in the idle-latency phase (the enqueue's share).
    idle_enqueue_call: Latency,
}

#[derive(Debug, Serialize)]
struct Phase {
    seconds: f64,
    per_second: f64,
    /// Enqueue→start; in the drain phase this is mostly time spent queued.
    latency: Latency,
    /// Duration of the `activate_jobs` calls that returned jobs.
    activate_call: Latency,
    /// Duration of the `complete_job` calls.
    complete_call: Latency,
}

/// What the workers of one phase measured, in ns.
#[derive(Debug, Default)]
struct Timings {
    latency: Vec<u64>,
    activate: Vec<u64>,
    complete: Vec<u64>,
}

impl Timings {
    fn extend(&mut self, other: Timings) {
        self.latency.extend(other.latency);
        self.activate.extend(other.activate);
        self.complete.extend(other.complete);
    }
}

fn nanos(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// State one phase's producers and workers share.
struct Shared {
    epoch: Instant,
    /// Enqueue time per `seq`, ns since `epoch`.
    enqueued: Vec<AtomicU64>,
    completed: AtomicUsize,
    /// Time of the last completion, ns since `epoch`.
    finished: AtomicU64,
    stop: AtomicBool,
    /// Tells the idle-latency producer that job `seq` started.
    started: Option<mpsc::UnboundedSender<usize>>,
}

impl Shared {
    fn new(n: usize, started: Option<mpsc::UnboundedSender<usize>>) -> Arc<Self> {
        Arc::new(Self {
            epoch: Instant::now(),
            enqueued: (0..n).map(|_| AtomicU64::new(0)).collect(),
            completed: AtomicUsize::new(0),
            finished: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            started,
        })
    }

    fn now_ns(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

pub(crate) async fn run(args: Args) -> anyhow::Result<Report> {
    ensure!(
        args.concurrency > 0 && args.producers > 0 && args.jobs > 0,
        "--jobs, --concurrency and --producers must be at least 1"
    );
    let connections = match args.connections {
        Some(c) => c,
        None => u32::try_from(args.concurrency + args.producers + 2)?,
    };
    let engine = engine(&args.database, connections).await?;
    engine.deploy("bench-noop-job.bpmn", MODEL).await?;

    // Warm-up: a few jobs through the whole path, so that connections are open.
    let warm = Shared::new(args.producers * 4, None);
    let workers = spawn_workers(&engine, &warm, args.concurrency, args.batch);
    produce(&engine, &warm, args.producers).await?;
    finish(&warm, workers).await?;

    // 1. Drain a full queue.
    let drain = Shared::new(args.jobs, None);
    let t = Instant::now();
    produce(&engine, &drain, args.producers).await?;
    let enqueue_seconds = t.elapsed().as_secs_f64();
    let begin = drain.now_ns();
    let workers = spawn_workers(&engine, &drain, args.concurrency, args.batch);
    let timings = finish(&drain, workers).await?;
    let drain_phase = phase(&drain, begin, timings);

    // 2. Enqueue and work at the same time.
    let e2e = Shared::new(args.jobs, None);
    let workers = spawn_workers(&engine, &e2e, args.concurrency, args.batch);
    let begin = e2e.now_ns();
    produce(&engine, &e2e, args.producers).await?;
    let timings = finish(&e2e, workers).await?;
    let e2e_phase = phase(&e2e, begin, timings);

    // 3. One job at a time.
    let (tx, mut rx) = mpsc::unbounded_channel();
    let idle = Shared::new(args.latency_samples, Some(tx));
    let workers = spawn_workers(&engine, &idle, args.concurrency, args.batch);
    let mut idle_enqueue = Vec::with_capacity(args.latency_samples);
    for seq in 0..args.latency_samples {
        idle_enqueue.push(enqueue(&engine, &idle, seq).await?);
        let started = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .context("a job did not start within 30 s")?;
        ensure!(started == Some(seq), "job {seq} started as {started:?}");
    }
    let idle_latency = summarise(finish(&idle, workers).await?.latency);

    let stats = engine.store().stats().await?;
    ensure!(
        stats.active_instances == 0 && stats.pending_jobs == 0 && stats.open_incidents == 0,
        "left behind: {stats:?}"
    );
    let backend = backend_name(&engine);
    engine.store().close().await;
    Ok(Report {
        engine: "flode",
        bench: "jobs",
        backend,
        jobs: args.jobs,
        workers: args.concurrency,
        producers: args.producers,
        batch: args.batch,
        enqueue_per_second: per_second(args.jobs, enqueue_seconds),
        drain: drain_phase,
        end_to_end: e2e_phase,
        idle_latency,
        idle_enqueue_call: summarise(idle_enqueue),
    })
}

fn phase(shared: &Shared, begin_ns: u64, timings: Timings) -> Phase {
    let seconds = shared
        .finished
        .load(Ordering::SeqCst)
        .saturating_sub(begin_ns) as f64
        / 1e9;
    Phase {
        seconds: (seconds * 10_000.0).round() / 10_000.0,
        per_second: per_second(shared.enqueued.len(), seconds),
        latency: summarise(timings.latency),
        activate_call: summarise(timings.activate),
        complete_call: summarise(timings.complete),
    }
}

/// Starts one instance (enqueuing its job), noting the time just before; returns how long
/// the call took, in ns.
async fn enqueue(engine: &Engine, shared: &Shared, seq: usize) -> anyhow::Result<u64> {
    let slot = shared
        .enqueued
        .get(seq)
        .ok_or_else(|| anyhow!("seq {seq} out of range"))?;
    let call = Instant::now();
    slot.store(shared.now_ns().max(1), Ordering::SeqCst);
    engine
        .start(PROCESS, vars(&[("seq", json!(seq))]), None)
        .await?;
    Ok(nanos(call))
}

/// Enqueues every job of `shared` with `producers` concurrent tasks.
async fn produce(engine: &Engine, shared: &Arc<Shared>, producers: usize) -> anyhow::Result<()> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..producers {
        let (engine, shared, next) = (engine.clone(), shared.clone(), next.clone());
        tasks.spawn(async move {
            loop {
                let seq = next.fetch_add(1, Ordering::Relaxed);
                if seq >= shared.enqueued.len() {
                    return anyhow::Ok(());
                }
                enqueue(&engine, &shared, seq).await?;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(())
}

type Workers = tokio::task::JoinSet<anyhow::Result<Timings>>;

fn spawn_workers(engine: &Engine, shared: &Arc<Shared>, n: usize, batch: i64) -> Workers {
    let mut set = tokio::task::JoinSet::new();
    for w in 0..n {
        let (engine, shared) = (engine.clone(), shared.clone());
        set.spawn(async move { worker(engine, shared, format!("bench-worker-{w}"), batch).await });
    }
    set
}

/// Waits until every job of the phase completed, stops the workers, returns their timings.
async fn finish(shared: &Shared, mut workers: Workers) -> anyhow::Result<Timings> {
    let mut all = Timings::default();
    let outcome = tokio::time::timeout(PHASE_LIMIT, async {
        while let Some(done) = workers.join_next().await {
            all.extend(done??);
        }
        anyhow::Ok(())
    })
    .await;
    match outcome {
        Ok(r) => r?,
        Err(_) => {
            shared.stop.store(true, Ordering::SeqCst);
            anyhow::bail!(
                "only {} of {} jobs completed within {PHASE_LIMIT:?}",
                shared.completed.load(Ordering::SeqCst),
                shared.enqueued.len()
            );
        }
    }
    Ok(all)
}

/// Activates and completes jobs until the phase's count is reached; returns the
/// enqueue→start latency of the jobs it started and the durations of its calls.
async fn worker(
    engine: Engine,
    shared: Arc<Shared>,
    name: String,
    batch: i64,
) -> anyhow::Result<Timings> {
    let total = shared.enqueued.len();
    let mut timings = Timings::default();
    let waker = engine.job_waker(JOB_TYPE);
    while !shared.stop.load(Ordering::SeqCst) {
        // Register for the wake-up before looking, so that a commit in between is not missed.
        let wake = waker.notified();
        tokio::pin!(wake);
        let already =
            std::future::poll_fn(|cx| Poll::Ready(wake.as_mut().poll(cx).is_ready())).await;
        let call = Instant::now();
        let jobs = engine
            .activate_jobs(JOB_TYPE, &name, batch, LEASE_MS)
            .await?;
        let now = shared.now_ns();
        if jobs.is_empty() {
            if !already {
                let _ = tokio::time::timeout(Duration::from_millis(50), wake).await;
            }
            continue;
        }
        timings.activate.push(nanos(call));
        for job in jobs {
            let seq = job
                .variables
                .get("seq")
                .and_then(serde_json::Value::as_u64)
                .and_then(|s| usize::try_from(s).ok())
                .ok_or_else(|| anyhow!("job {} has no seq variable", job.job.id))?;
            let enqueued = shared
                .enqueued
                .get(seq)
                .map(|a| a.load(Ordering::SeqCst))
                .ok_or_else(|| anyhow!("job {} of another phase (seq {seq})", job.job.id))?;
            timings.latency.push(now.saturating_sub(enqueued));
            if let Some(started) = &shared.started {
                // The receiver only goes away when the phase failed.
                let _ = started.send(seq);
            }
            let call = Instant::now();
            engine
                .complete_job(&job.job.id, Some(&name), Map::new())
                .await?;
            timings.complete.push(nanos(call));
            if shared.completed.fetch_add(1, Ordering::SeqCst) + 1 == total {
                shared.finished.store(shared.now_ns(), Ordering::SeqCst);
                shared.stop.store(true, Ordering::SeqCst);
                waker.notify_waiters();
            }
        }
    }
    Ok(timings)
}
