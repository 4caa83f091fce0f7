#!/usr/bin/env python3
"""Builds the comparison table from the JSON results bench/run.sh collected.

Usage: report.py RESULTS_DIR  (prints Markdown on stdout)
"""

import json
import sys
from pathlib import Path


def load(d, name):
    p = d / name
    if not p.exists():
        return None
    lines = [l for l in p.read_text().splitlines() if l.strip().startswith("{")]
    return [json.loads(l) for l in lines] if len(lines) > 1 else json.loads(lines[-1])


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, float) and v < 100:
        return f"{v:,.2f}{unit}"
    return f"{v:,.0f}{unit}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def verdict(r, target, lower_is_better=False):
    if r is None or target is None:
        return ""
    ok = r <= target if lower_is_better else r >= target
    return "**pass**" if ok else "**miss**"


def main():
    d = Path(sys.argv[1])
    meta = load(d, "meta.json") or {}
    spiff = {r["mode"]: r for r in (load(d, "spiff.json") or [])}
    pgbench = load(d, "pgbench.json") or {}
    sqlite_ceiling = load(d, "sqlite_ceiling.json") or {}
    s_sqlite = load(d, "straight_sqlite.json") or {}
    s_pg = load(d, "straight_postgres.json") or {}
    jobs = load(d, "jobs_flode.json") or {}
    graphile = load(d, "jobs_graphile.json") or {}

    spiff_mem = spiff.get("memory", {}).get("per_second")
    spiff_sr = spiff.get("save-restore", {}).get("per_second")
    pgb = pgbench.get("tps")
    sq_ceiling = sqlite_ceiling.get("per_second")

    rows = []

    def row(what, flode, peer_name, peer, target=None, lower=False, unit=""):
        r = ratio(flode, peer)
        rows.append(
            (
                what,
                fmt(flode, unit),
                peer_name,
                fmt(peer, unit),
                "n/a" if r is None else f"{r:.2f}×",
                "" if target is None else (f"≤ {target}×" if lower else f"≥ {target}×"),
                verdict(r, target, lower),
            )
        )

    for label, s in (("SQLite", s_sqlite), ("PostgreSQL", s_pg)):
        v = s.get("per_second")
        row(f"Straight-through on {label}, durable (instances/s)", v, "SpiffWorkflow, in memory", spiff_mem, 3)
        row(f"Straight-through on {label}, durable (instances/s)", v, "SpiffWorkflow, JSON save/restore", spiff_sr)
        if label == "PostgreSQL":
            row(f"Straight-through on {label}, durable (instances/s)", v, "pgbench -N write test (tps)", pgb, 0.5)
        else:
            row(f"Straight-through on {label}, durable (instances/s)", v, "SQLite commit ceiling (tx/s)", sq_ceiling)

    fd, gd = jobs.get("drain", {}), graphile.get("drain", {})
    fe, ge = jobs.get("end_to_end", {}), graphile.get("end_to_end", {})
    fi, gi = jobs.get("idle_latency", {}), graphile.get("idle_latency", {})
    row("Jobs on PostgreSQL, end to end (jobs/s)", fe.get("per_second"), "graphile-worker, end to end", ge.get("per_second"), 1)
    row("Jobs on PostgreSQL, drain a full queue (jobs/s)", fd.get("per_second"), "graphile-worker, drain", gd.get("per_second"), 1)
    row("Jobs on PostgreSQL, enqueue (jobs/s)", jobs.get("enqueue_per_second"), "graphile-worker addJob", graphile.get("enqueue_per_second"))
    row("Enqueue→start latency, idle queue, p50 (ms)", fi.get("p50_ms"), "graphile-worker p50", gi.get("p50_ms"), 1, lower=True)
    row("Enqueue→start latency, idle queue, p99 (ms)", fi.get("p99_ms"), "graphile-worker p99", gi.get("p99_ms"), 1, lower=True)
    row("Enqueue→start latency, end-to-end run, p50 (ms)", fe.get("latency", {}).get("p50_ms"), "graphile-worker p50", ge.get("latency", {}).get("p50_ms"), lower=True)
    row("Enqueue→start latency, end-to-end run, p99 (ms)", fe.get("latency", {}).get("p99_ms"), "graphile-worker p99", ge.get("latency", {}).get("p99_ms"), lower=True)

    out = []
    out.append(f"# flode benchmark results\n")
    out.append(f"- date: {meta.get('date', 'n/a')}")
    out.append(f"- machine: {meta.get('machine', 'n/a')}")
    after = (load(d, "load_after.json") or {}).get("load_after", "n/a")
    out.append(f"- load average (1, 5, 15 min) before the run: {meta.get('load', 'n/a')}; after: {after}")
    out.append(f"- command: `{meta.get('command', 'bench/run.sh')}`")
    out.append(
        f"- sizes: {s_pg.get('instances', 'n/a')} straight-through instances per backend "
        f"(concurrency SQLite {s_sqlite.get('concurrency', 'n/a')}, PostgreSQL {s_pg.get('concurrency', 'n/a')}), "
        f"SpiffWorkflow {spiff.get('memory', {}).get('instances', 'n/a')} instances per mode, "
        f"{jobs.get('jobs', 'n/a')} jobs per phase, {jobs.get('workers', 'n/a')} workers, "
        f"{jobs.get('producers', 'n/a')} producers, {fi.get('samples', 'n/a')} idle-latency samples"
    )
    out.append(
        f"- peers: SpiffWorkflow {spiff.get('memory', {}).get('spiffworkflow_version', 'n/a')}, "
        f"graphile-worker {graphile.get('version', 'n/a')}, {pgbench.get('version', 'pgbench')}\n"
    )
    out.append("| measure | flode | peer | peer value | flode / peer | target | |")
    out.append("| --- | ---: | --- | ---: | ---: | --- | --- |")
    for r in rows:
        out.append("| " + " | ".join(r) + " |")
    out.append("")
    out.append(
        "Latency rows: flode / peer below 1 means flode is faster. "
        "Start latency of one straight-through `start` call: "
        f"SQLite p50 {fmt(s_sqlite.get('start_latency', {}).get('p50_ms'))} ms, "
        f"PostgreSQL p50 {fmt(s_pg.get('start_latency', {}).get('p50_ms'))} ms."
    )
    replay = load(d, "replay.json")
    if replay:
        replay = replay if isinstance(replay, list) else [replay]
        out.append("")
        out.append(
            "Diagnostic: the SQL of one straight-through `start` transaction replayed without the "
            "engine (`flode-bench replay`), as flode sends it and without the statements that "
            "change nothing for a new instance:"
        )
        out.append("")
        out.append("| backend | as is (17 statements) tx/s | trimmed (5 statements) tx/s | trimmed / as is |")
        out.append("| --- | ---: | ---: | ---: |")
        for backend in ("sqlite", "postgres"):
            a = next((r["per_second"] for r in replay if r["backend"] == backend and r["variant"] == "as-is"), None)
            t = next((r["per_second"] for r in replay if r["backend"] == backend and r["variant"] == "trimmed"), None)
            r = ratio(t, a)
            out.append(f"| {backend} | {fmt(a)} | {fmt(t)} | {'n/a' if r is None else f'{r:.2f}×'} |")
    fd_calls = jobs.get("drain", {})
    if fd_calls.get("activate_call"):
        out.append("")
        out.append(
            "flode job calls while draining (p50 / p99 ms): "
            f"`activate_jobs` {fmt(fd_calls['activate_call'].get('p50_ms'))} / {fmt(fd_calls['activate_call'].get('p99_ms'))}, "
            f"`complete_job` {fmt(fd_calls['complete_call'].get('p50_ms'))} / {fmt(fd_calls['complete_call'].get('p99_ms'))}."
        )
    print("\n".join(out))


if __name__ == "__main__":
    main()
