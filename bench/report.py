#!/usr/bin/env python3
"""Builds the comparison table from the JSON results bench/run.sh collected.

Each result file holds one JSON object per line, one per round. The table shows the median
of the rounds, with the lowest and highest value beside it; ratios are of medians.

Usage: report.py RESULTS_DIR  (prints Markdown on stdout)
"""

import json
import statistics
import sys
from pathlib import Path


def rounds(d, name):
    p = d / name
    if not p.exists():
        return []
    return [json.loads(l) for l in p.read_text().splitlines() if l.strip().startswith("{")]


def get(obj, path):
    for key in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


class M:
    """One measure over rounds."""

    def __init__(self, values):
        self.values = [v for v in values if isinstance(v, (int, float))]

    @property
    def median(self):
        return statistics.median(self.values) if self.values else None

    def spread(self):
        if len(self.values) < 2:
            return ""
        return f"{fmt(min(self.values))}–{fmt(max(self.values))}"


def measure(results, path):
    return M([get(r, path) for r in results])


def fmt(v):
    if v is None:
        return "n/a"
    if abs(v) < 100:
        return f"{v:,.2f}"
    return f"{v:,.0f}"


def main():
    d = Path(sys.argv[1])
    meta = (rounds(d, "meta.json") or [{}])[0]
    after = (rounds(d, "load_after.json") or [{}])[0].get("load_after", "n/a")
    spiff = rounds(d, "spiff.json")
    spiff_mem = measure([r for r in spiff if r.get("mode") == "memory"], "per_second")
    spiff_sr = measure([r for r in spiff if r.get("mode") == "save-restore"], "per_second")
    pgbench = rounds(d, "pgbench.json")
    pgb = measure(pgbench, "tps")
    ceiling = measure(rounds(d, "sqlite_ceiling.json"), "per_second")
    s_sqlite = rounds(d, "straight_sqlite.json")
    s_pg = rounds(d, "straight_postgres.json")
    jobs = rounds(d, "jobs_flode.json")
    graphile = rounds(d, "jobs_graphile.json")

    rows = []

    def row(what, flode, peer_name, peer, target=None, lower=False):
        f, p = flode.median, peer.median
        r = f / p if f is not None and p else None
        verdict = ""
        if r is not None and target is not None:
            ok = r <= target if lower else r >= target
            verdict = "**pass**" if ok else "**miss**"
        rows.append(
            (
                what,
                fmt(f),
                flode.spread(),
                peer_name,
                fmt(p),
                peer.spread(),
                "n/a" if r is None else f"{r:.2f}×",
                "" if target is None else (f"≤ {target}×" if lower else f"≥ {target}×"),
                verdict,
            )
        )

    for label, s in (("SQLite", s_sqlite), ("PostgreSQL", s_pg)):
        v = measure(s, "per_second")
        what = f"Straight-through on {label}, durable (instances/s)"
        row(what, v, "SpiffWorkflow, in memory", spiff_mem, 3)
        row(what, v, "SpiffWorkflow, JSON save/restore", spiff_sr)
        if label == "PostgreSQL":
            row(what, v, "pgbench -N write test (tps)", pgb, 0.5)
        else:
            row(what, v, "SQLite commit ceiling, 1-row tx (tx/s)", ceiling)

    def both(path):
        return measure(jobs, path), measure(graphile, path)

    row("Jobs on PostgreSQL, end to end (jobs/s)", both("end_to_end.per_second")[0], "graphile-worker, end to end", both("end_to_end.per_second")[1], 1)
    row("Jobs on PostgreSQL, drain a full queue (jobs/s)", both("drain.per_second")[0], "graphile-worker, drain", both("drain.per_second")[1], 1)
    row("Jobs on PostgreSQL, enqueue (jobs/s)", both("enqueue_per_second")[0], "graphile-worker `addJob`", both("enqueue_per_second")[1])
    row("Enqueue→start latency, idle queue, p50 (ms)", both("idle_latency.p50_ms")[0], "graphile-worker p50", both("idle_latency.p50_ms")[1], 1, lower=True)
    row("Enqueue→start latency, idle queue, p99 (ms)", both("idle_latency.p99_ms")[0], "graphile-worker p99", both("idle_latency.p99_ms")[1], 1, lower=True)
    row("Enqueue→start latency, end-to-end run, p50 (ms)", both("end_to_end.latency.p50_ms")[0], "graphile-worker p50", both("end_to_end.latency.p50_ms")[1], lower=True)
    row("Enqueue→start latency, end-to-end run, p99 (ms)", both("end_to_end.latency.p99_ms")[0], "graphile-worker p99", both("end_to_end.latency.p99_ms")[1], lower=True)

    first = lambda rs, path, default="n/a": next((get(r, path) for r in rs if get(r, path) is not None), default)
    out = [
        "# flode benchmark results",
        "",
        f"- date: {meta.get('date', 'n/a')}",
        f"- machine: {meta.get('machine', 'n/a')}",
        f"- load average (1, 5, 15 min) before the run: {meta.get('load', 'n/a')}; after: {after}",
        f"- command: `{meta.get('command', 'bench/run.sh')}`",
        f"- sizes: {first(s_pg, 'instances')} straight-through instances per backend and round "
        f"(concurrency SQLite {first(s_sqlite, 'concurrency')}, PostgreSQL {first(s_pg, 'concurrency')}), "
        f"SpiffWorkflow {first(spiff, 'instances')} instances per mode and round, "
        f"{first(jobs, 'jobs')} jobs per phase, {first(jobs, 'workers')} workers, "
        f"{first(jobs, 'producers')} producers, {first(jobs, 'idle_latency.samples')} idle-latency samples; "
        f"{len(s_pg)} straight-through rounds, {len(jobs)} job-queue rounds",
        f"- peers: SpiffWorkflow {first(spiff, 'spiffworkflow_version')}, "
        f"graphile-worker {first(graphile, 'version')}, {first(pgbench, 'version', 'pgbench')}",
        "",
        "Medians of the rounds (lowest–highest beside them); ratios are of medians.",
        "",
        "| measure | flode | range | peer | peer value | range | flode / peer | target | |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | --- | --- |",
    ]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    out += [
        "",
        "Latency rows: flode / peer below 1 means flode is faster. Latency of one straight-through "
        f"`start` call (run and commit), p50: SQLite {fmt(measure(s_sqlite, 'start_latency.p50_ms').median)} ms, "
        f"PostgreSQL {fmt(measure(s_pg, 'start_latency.p50_ms').median)} ms.",
    ]
    if jobs and get(jobs[0], "drain.activate_call"):
        out += [
            "",
            "flode job calls while draining, p50 / p99 (ms): "
            f"`activate_jobs` {fmt(measure(jobs, 'drain.activate_call.p50_ms').median)} / "
            f"{fmt(measure(jobs, 'drain.activate_call.p99_ms').median)}, "
            f"`complete_job` {fmt(measure(jobs, 'drain.complete_call.p50_ms').median)} / "
            f"{fmt(measure(jobs, 'drain.complete_call.p99_ms').median)}.",
        ]
    replay = rounds(d, "replay.json")
    if replay:
        out += [
            "",
            "Diagnostic (`flode-bench replay`): the SQL of one straight-through `start` transaction "
            "replayed through sqlx without the engine, as flode sends it and without the twelve "
            "statements that change nothing for a new instance:",
            "",
            "| backend | as is (17 statements) tx/s | trimmed (5 statements) tx/s | trimmed / as is |",
            "| --- | ---: | ---: | ---: |",
        ]
        for backend in ("sqlite", "postgres"):
            a = measure([r for r in replay if r["backend"] == backend and r["variant"] == "as-is"], "per_second").median
            t = measure([r for r in replay if r["backend"] == backend and r["variant"] == "trimmed"], "per_second").median
            r = t / a if a and t else None
            out.append(f"| {backend} | {fmt(a)} | {fmt(t)} | {'n/a' if r is None else f'{r:.2f}×'} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
