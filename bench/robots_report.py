#!/usr/bin/env python3
"""Helpers of bench/robots.sh (flode's robots next to Robot Framework + SeleniumLibrary).

  items OUT_DIR RUN K            the item files of the four phases (fresh references, no
                                 person paid twice for a month: no duplicate warnings)
  rf-summary PHASE_DIR WORKERS   the Robot Framework phase's JSON, from its output.xml files
                                 (run with the venv's python: it reads them with robot.api)
  verify SIMIFO_DB OUT_DIR       every reference registered exactly once in SimIFO, nothing else
  table OUT_DIR                  the markdown report from the phases' JSON and meta.json
"""

import csv
import json
import sys
from pathlib import Path

# SimIFO's seeded persons with one open case of ekonomiskt bistånd on the first page of their
# case list (199204722020, whose open case is on page two, is left out: both peers would
# page, but the items should cost the same).
PEOPLE = [
    "198503611017",
    "197805833030",
    "199906644043",
    "200107755050",
    "198808866068",
    "197010917073",
]
BELOPP = 6100
# (phase, workers, warm-up items per worker, timed items per worker as a multiple of K)
PHASES = [("flode-1", 1), ("rf-1", 1), ("flode-4", 4), ("rf-4", 4)]


def month(n):
    """The n-th month from 2030-01: SimIFO's duplicate check is per person and period."""
    return f"{2030 + n // 12}-{n % 12 + 1:02d}"


def items(out, run, k):
    out = Path(out)
    k = int(k)
    seq = 0
    refs = []

    def next_item(phase, label):
        nonlocal seq
        pnr = PEOPLE[seq % len(PEOPLE)]
        manad = month(seq // len(PEOPLE))
        ref = f"B{run}-{phase}-{label}"
        seq += 1
        refs.append(ref)
        return (pnr, manad, ref, BELOPP)

    for phase, workers in PHASES:
        d = out / phase
        d.mkdir(parents=True, exist_ok=True)
        if phase.startswith("flode"):
            rows = [next_item(phase, f"w{w}") for w in range(workers)]
            rows += [next_item(phase, f"{i:03d}") for i in range(k * workers)]
            with open(d / "items.csv", "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["personnummer", "manad", "arendeId", "belopp"])
                w.writerows(rows)
        else:
            # One CSV per robot process (DataDriver's Excel-EU dialect: semicolons); the
            # first row of each is its warm-up.
            for p in range(workers):
                rows = [(f"warmup {p}",) + next_item(phase, f"p{p}w")]
                rows += [
                    (f"Registrera {r[2]}",) + r
                    for r in (next_item(phase, f"p{p}-{i:03d}") for i in range(k))
                ]
                with open(d / f"items-{p}.csv", "w", newline="", encoding="utf-8") as f:
                    w = csv.writer(f, delimiter=";")
                    w.writerow(
                        ["*** Test Cases ***", "${personnummer}", "${manad}", "${arendeId}", "${belopp}"]
                    )
                    w.writerows(rows)
    (out / "references.txt").write_text("\n".join(refs) + "\n")


def rf_summary(phase_dir, workers):
    from robot.api import ExecutionResult

    phase_dir = Path(phase_dir)
    timed = []
    warm_ends = []
    failures = []
    for p in range(int(workers)):
        result = ExecutionResult(str(phase_dir / f"output-{p}.xml"))
        for test in result.suite.all_tests:
            if test.status != "PASS" or "redan registrerad" in (test.message or ""):
                failures.append(f"{test.name}: {test.status} {test.message}")
            if test.name.startswith("warmup"):
                warm_ends.append(test.end_time)
            else:
                timed.append(test)
    if failures:
        sys.exit("Robot Framework: items not registered by this run:\n" + "\n".join(failures))
    start = min(t.start_time for t in timed)
    end = max(t.end_time for t in timed)
    seconds = (end - start).total_seconds()
    durations = sorted(t.elapsed_time.total_seconds() for t in timed)

    def pct(p):
        import math

        rank = max(1, math.ceil(p / 100 * len(durations)))
        return durations[rank - 1]

    r = lambda v: round(v, 3)  # noqa: E731
    print(
        json.dumps(
            {
                "engine": "robotframework",
                "bench": "robots",
                "robots": int(workers),
                "items": len(timed),
                "warmup_items": len(warm_ends),
                "seconds": r(seconds),
                "seconds_per_item": {
                    "p50": r(pct(50)),
                    "p90": r(pct(90)),
                    "mean": r(sum(durations) / len(durations)),
                    "max": r(durations[-1]),
                },
                "items_per_minute": round(len(timed) / seconds * 60, 1),
                # The last warm-up ended this long after the first timed item started (the
                # processes are started at once, not synchronised): counted in `seconds`.
                "start_skew_seconds": r(max(0.0, (max(warm_ends) - start).total_seconds())),
            }
        )
    )


def verify(db, out):
    import sqlite3

    refs = Path(out, "references.txt").read_text().split()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    counts = dict(con.execute("SELECT referens, count(*) FROM payments GROUP BY referens"))
    bad = [f"{ref}: registered {counts.get(ref, 0)} times" for ref in refs if counts.get(ref, 0) != 1]
    extra = sorted(set(counts) - set(refs))
    if extra:
        bad.append(f"payments with unknown references: {extra}")
    total = sum(counts.values())
    if total != len(refs):
        bad.append(f"{total} payments in SimIFO for {len(refs)} references")
    if bad:
        sys.exit("VERIFY FAILED, SimIFO's payments:\n  " + "\n  ".join(bad))
    print(f"verified: {len(refs)} references, each registered exactly once in SimIFO")


def table(out):
    out = Path(out)
    res = {p: json.loads((out / p / "result.json").read_text()) for p, _ in PHASES}
    meta = json.loads((out / "meta.json").read_text())
    f1, r1, f4, r4 = (res[p] for p, _ in PHASES)
    per_f, per_r = f1["seconds"] / f1["items"], r1["seconds"] / r1["items"]
    tp_f, tp_r = f4["items_per_minute"], r4["items_per_minute"]
    ratio_per = per_r / per_f
    ratio_tp = tp_f / tp_r
    ok = lambda b: "**pass**" if b else "**miss**"  # noqa: E731
    lines = [
        f"# Robots: registration in SimIFO v1 ({meta['date']})",
        "",
        f"Machine: {meta['machine']}. Load before/after: {meta['load_before']} / {meta['load_after']}.",
        f"Command: `{meta['command']}`. SimIFO: `{meta['simifo']}`.",
        f"Peer: {meta['peer']}. All {meta['references']} references verified registered exactly once.",
        "",
        "| measure | flode | Robot Framework | ratio (flode's advantage) | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| seconds per registration, 1 robot ({f1['items']} items; wall time / items) | {per_f:.2f} | {per_r:.2f} | {ratio_per:.2f}× | ≤ 3 s: {ok(per_f <= 3)}; ≥ 2×: {ok(ratio_per >= 2)} |",
        f"| per item p50 / p90, 1 robot (s) | {f1['seconds_per_item']['p50']:.2f} / {f1['seconds_per_item']['p90']:.2f} | {r1['seconds_per_item']['p50']:.2f} / {r1['seconds_per_item']['p90']:.2f} | | |",
        f"| registrations per minute, 4 robots ({f4['items']} items) | {tp_f:.1f} | {tp_r:.1f} | {ratio_tp:.2f}× | ≥ 2×: {ok(ratio_tp >= 2)} |",
        f"| per item p50 / p90, 4 robots (s) | {f4['seconds_per_item']['p50']:.2f} / {f4['seconds_per_item']['p90']:.2f} | {r4['seconds_per_item']['p50']:.2f} / {r4['seconds_per_item']['p90']:.2f} | | |",
        f"| seconds total, 1 / 4 robots | {f1['seconds']:.1f} / {f4['seconds']:.1f} | {r1['seconds']:.1f} / {r4['seconds']:.1f} | | |",
        "",
        f"Robot Framework's 4 processes started their timed items up to {r4.get('start_skew_seconds', 0):.2f} s apart (counted in its time).",
        "Raw JSON per phase beside this file (`*/result.json`); per item = a robot's run (flode: robot_runs ended − started; RF: the test's elapsed time), sign-in included.",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    {"items": items, "rf-summary": rf_summary, "verify": verify, "table": table}[cmd](*args)
