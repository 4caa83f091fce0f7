#!/usr/bin/env node
// graphile-worker peer for flode's job-queue benchmark (`flode-bench jobs`).
//
// The same three phases on a scratch PostgreSQL database, with a no-op task and a worker of
// concurrency 10 (graphile-worker's default settings otherwise; success logging is off, as
// flode logs nothing per job either):
//
//   1. drain: N jobs added first (timed as the enqueue rate), then the worker starts; time
//      until the jobs table is empty again (graphile-worker deletes a job when it commits
//      its completion).
//   2. end to end: the worker idles, then producers add N jobs while it runs; from the
//      first add to the table being empty.
//   3. idle latency: one job at a time, the next added once the previous has started.
//
// "Enqueue" is taken just before `addJob`, "start" when the task function is called, both
// with performance.now() in this process; each job's payload carries its seq (and its
// enqueue time). Prints one JSON object.
//
// Usage: node graphile_bench.mjs --database postgres://... [--jobs N] [--concurrency 10]
//        [--producers 10] [--latency-samples 1000]

import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

import pg from "pg";
import { Logger, makeWorkerUtils, run, runMigrations } from "graphile-worker";

const { values: opts } = parseArgs({
  options: {
    database: { type: "string" },
    jobs: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "10" },
    producers: { type: "string", default: "10" },
    "latency-samples": { type: "string", default: "1000" },
  },
});
if (!opts.database) {
  console.error("--database postgres://... is required");
  process.exit(2);
}
const N = Number(opts.jobs);
const CONCURRENCY = Number(opts.concurrency);
const PRODUCERS = Number(opts.producers);
const SAMPLES = Number(opts["latency-samples"]);
const connectionString = opts.database;

// Warnings and errors only: per-job "Completed task" lines would cost more than the jobs.
const logger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") console.error(`[graphile ${level}] ${message}`);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function summarise(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p) => (s.length ? s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length))) - 1] : 0);
  const r = (v) => Math.round(v * 1000) / 1000;
  return { samples: s.length, p50_ms: r(at(50)), p90_ms: r(at(90)), p99_ms: r(at(99)), max_ms: r(s.at(-1) ?? 0) };
}

const perSecond = (n, seconds) => Math.round((n / seconds) * 10) / 10;

// Current phase: enqueue times by seq, latencies of started jobs, and a hook for phase 3.
let phase = null;
function newPhase(n) {
  phase = { enqueued: new Float64Array(n), latencies: [], started: 0, firstStart: null, onStart: null };
  return phase;
}

const taskList = {
  noop: async (payload) => {
    const now = performance.now();
    const p = phase;
    p.latencies.push(now - p.enqueued[payload.seq]);
    p.started += 1;
    if (p.firstStart === null) p.firstStart = now;
    if (p.onStart) p.onStart(payload.seq);
  },
};

const admin = new pg.Pool({ connectionString, max: 1 });
async function pendingJobs() {
  const { rows } = await admin.query("select count(*)::int as n from graphile_worker._private_jobs");
  return rows[0].n;
}
async function waitEmpty() {
  while ((await pendingJobs()) > 0) await sleep(2);
  return performance.now();
}

async function startWorker() {
  const runner = await run({
    connectionString,
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    taskList,
    logger,
  });
  // Let the pool's LISTEN connection settle before timing anything.
  await sleep(300);
  return runner;
}

async function produce(utils, p, n) {
  let next = 0;
  const producer = async () => {
    for (;;) {
      const seq = next++;
      if (seq >= n) return;
      const t = performance.now();
      p.enqueued[seq] = t;
      await utils.addJob("noop", { seq, enqueued_at: t });
    }
  };
  await Promise.all(Array.from({ length: PRODUCERS }, producer));
}

async function main() {
  await runMigrations({ connectionString, logger });
  const utils = await makeWorkerUtils({ connectionString, logger });
  await admin.query("delete from graphile_worker._private_jobs");

  // Warm-up.
  {
    const p = newPhase(PRODUCERS * 4);
    const runner = await startWorker();
    await produce(utils, p, PRODUCERS * 4);
    await waitEmpty();
    await runner.stop();
  }

  // 1. Drain.
  const drain = newPhase(N);
  let t = performance.now();
  await produce(utils, drain, N);
  const enqueueSeconds = (performance.now() - t) / 1000;
  // Timed from the first job's start, so that the runner's own start-up is not counted.
  const runner1 = await run({ connectionString, concurrency: CONCURRENCY, noHandleSignals: true, taskList, logger });
  while (drain.started < N) await sleep(2);
  const drainSeconds = ((await waitEmpty()) - drain.firstStart) / 1000;
  await runner1.stop();
  if (drain.started !== N) throw new Error(`drain: ${drain.started} of ${N} jobs ran`);

  // 2. End to end.
  const runner2 = await startWorker();
  const e2e = newPhase(N);
  t = performance.now();
  await produce(utils, e2e, N);
  while (e2e.started < N) await sleep(2);
  const e2eSeconds = ((await waitEmpty()) - t) / 1000;

  // 3. Idle latency, one job at a time.
  const idle = newPhase(SAMPLES);
  for (let seq = 0; seq < SAMPLES; seq++) {
    const started = new Promise((resolve) => {
      idle.onStart = (s) => {
        if (s === seq) resolve();
      };
    });
    idle.enqueued[seq] = performance.now();
    await utils.addJob("noop", { seq, enqueued_at: idle.enqueued[seq] });
    await started;
  }
  await waitEmpty();
  await runner2.stop();
  await utils.release();
  await admin.end();

  console.log(
    JSON.stringify({
      engine: "graphile-worker",
      version: createRequire(import.meta.url)("graphile-worker/package.json").version,
      bench: "jobs",
      backend: "postgres",
      jobs: N,
      workers: CONCURRENCY,
      producers: PRODUCERS,
      enqueue_per_second: perSecond(N, enqueueSeconds),
      drain: { seconds: drainSeconds, per_second: perSecond(N, drainSeconds), latency: summarise(drain.latencies) },
      end_to_end: { seconds: e2eSeconds, per_second: perSecond(N, e2eSeconds), latency: summarise(e2e.latencies) },
      idle_latency: summarise(idle.latencies),
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
