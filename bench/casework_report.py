#!/usr/bin/env python3
"""Builds the casework table from the JSON results bench/casework.sh collected.

Reads casework_<backend>.json (one object each, printed by `flode-bench casework`) and
meta.json from RESULTS_DIR; prints Markdown on stdout.

Targets (issue 4): submission → proposal ready p99 ≤ 1 s at 50 concurrent submissions;
e-service page p99 ≤ 20 ms at 200 concurrent requests. Ratios are value / target (≤ 1 passes)
and page / stylesheet (the same server's floor, the peer).

Usage: casework_report.py RESULTS_DIR
"""

import json
import sys
from pathlib import Path

SUBMISSION_TARGET_MS = 1000.0
PAGE_TARGET_MS = 20.0
NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
PAGES = {
    "stylesheet": "peer: static `/static/flode.css`",
    "start": "start page `/e-tjanst`",
    "question": "question page `/mina-sidor/ansokan/{id}/hushall`, signed in",
}


def ms(v):
    if v is None:
        return "n/a"
    if v >= 100:
        return f"{v:,.0f} ms".replace(",", " ")
    return f"{v:.1f} ms" if v >= 10 else f"{v:.2f} ms"


def num(v):
    return f"{v:,.0f}".replace(",", " ")


def ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b else "n/a"


def verdict(v, target):
    return "**pass**" if v is not None and v <= target else "**miss**"


def main():
    d = Path(sys.argv[1])
    meta = json.loads((d / "meta.json").read_text()) if (d / "meta.json").exists() else {}
    results = []
    for backend in ("sqlite", "postgres"):
        p = d / f"casework_{backend}.json"
        if p.exists():
            lines = [l for l in p.read_text().splitlines() if l.strip().startswith("{")]
            if lines:
                results.append(json.loads(lines[-1]))

    out = ["# Casework benchmarks (issue 4)", ""]
    if meta:
        busy = (
            meta.get("rustc_before", 0)
            or meta.get("rustc_after", 0)
            or meta.get("rustc_max_during", 0)
        )
        out += [
            f"Run: {meta.get('date')}, `{meta.get('command')}`; {meta.get('machine')}. "
            f"Load average before {meta.get('load_before')}, after {meta.get('load_after')}; "
            + (
                f"**other compilations were running** (rustc processes: {meta.get('rustc_before')} "
                f"before, up to {meta.get('rustc_max_during', '?')} during, "
                f"{meta.get('rustc_after')} after)."
                if busy
                else "no other compilation ran (rustc sampled every 2 s)."
            ),
            "",
        ]

    out += [
        "| measure | backend | p50 | p99 | target (p99) | p99 / target | |",
        "| --- | --- | ---: | ---: | --- | ---: | --- |",
    ]
    for r in results:
        s = r.get("submissions")
        if not s:
            continue
        lat = s["ready_after_sent"]
        out.append(
            f"| submission → proposal ready, {s['per_round']} concurrent (from submit sent; "
            f"{lat['samples']} submissions) | {NAMES[r['backend']]} | {ms(lat['p50_ms'])} | "
            f"{ms(lat['p99_ms'])} | ≤ 1 000 ms | {ratio(lat['p99_ms'], SUBMISSION_TARGET_MS)} | "
            f"{verdict(lat['p99_ms'], SUBMISSION_TARGET_MS)} |"
        )
    for r in results:
        for p in r.get("pages", []):
            lat = p["latency"]
            peer = p["page"] == "stylesheet"
            out.append(
                f"| {PAGES.get(p['page'], p['path'])}, {p['connections']} connections | "
                f"{NAMES[r['backend']]} | {ms(lat['p50_ms'])} | {ms(lat['p99_ms'])} | "
                + ("(peer) | " if peer else "≤ 20 ms | ")
                + f"{ratio(lat['p99_ms'], PAGE_TARGET_MS)} | "
                + ("" if peer else verdict(lat["p99_ms"], PAGE_TARGET_MS))
                + " |"
            )

    if any(r.get("pages") for r in results):
        out += [
            "",
            "Pages next to the peer (same server, same client, same run):",
            "",
            "| page | backend | requests/s | p50 | p90 | p99 | max | p99 / stylesheet p99 | body |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in results:
            pages = r.get("pages", [])
            css = next((p for p in pages if p["page"] == "stylesheet"), None)
            for p in pages:
                lat = p["latency"]
                out.append(
                    f"| {PAGES.get(p['page'], p['path'])} | {NAMES[r['backend']]} | "
                    f"{num(p['per_second'])} | {ms(lat['p50_ms'])} | {ms(lat['p90_ms'])} | "
                    f"{ms(lat['p99_ms'])} | {ms(lat['max_ms'])} | "
                    f"{ratio(lat['p99_ms'], css['latency']['p99_ms'] if css else None)} | "
                    f"{num(p['bytes'])} B |"
                )

    if any(r.get("submissions") for r in results):
        out += [
            "",
            "Submissions in detail (p50 / p99 / max):",
            "",
            "| backend | ready after submit sent | ready after its 303 | submit POST | engine's timestamp after sent | per round p99 | user task / automated |",
            "| --- | ---: | ---: | ---: | ---: | --- | --- |",
        ]

        def three(lat):
            return f"{ms(lat['p50_ms'])} / {ms(lat['p99_ms'])} / {ms(lat['max_ms'])}"

        for r in results:
            s = r.get("submissions")
            if not s:
                continue
            rounds = ", ".join(ms(x["p99_ms"]) for x in s["round_summaries"])
            out.append(
                f"| {NAMES[r['backend']]} | {three(s['ready_after_sent'])} | "
                f"{three(s['ready_after_answer'])} | {three(s['submit_call'])} | "
                f"{three(s['ready_by_engine_clock'])} | {rounds} | "
                f"{s['to_user_task']} / {s['automated']} |"
            )
        poll = next((r["submissions"]["poll_ms"] for r in results if r.get("submissions")), None)
        latency = next((r.get("ssbtek_latency") for r in results), None) or "none"
        out += [
            "",
            f"SSBTEK simulator latency: {latency}. "
            f"The database was polled every {poll} ms; \"ready\" is the first poll that saw the "
            "user task `utred-och-besluta` (or a completed `automatiskt-bifall`). The engine's "
            "timestamp is that row's own time (ms), before its commit and without the polling delay.",
        ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
