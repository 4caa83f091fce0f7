#!/usr/bin/env python3
"""SpiffWorkflow peer for flode's straight-through benchmark.

Runs bench/models/straight-through-spiff.bpmn (the same process as
straight-through.bpmn, with Python instead of FEEL expressions) N times to completion.

Modes:
  memory        create the workflow, run every engine step to completion, in memory.
  save-restore  create the workflow, save it as JSON with SpiffWorkflow's
                BpmnWorkflowSerializer while it waits at its start, restore it from that
                JSON, then run it to completion: one JSON save and one restore per instance,
                as an application that persists a workflow between requests does.

Prints one JSON object per mode on stdout.
"""

import argparse
import json
import sys
import time

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.version import __version__ as spiff_version

PROCESS_ID = "straight-through"


def load_spec(path):
    parser = BpmnParser()
    parser.add_bpmn_file(path)
    return parser.get_spec(PROCESS_ID)


def run_memory(spec, i):
    wf = BpmnWorkflow(spec)
    wf.task_tree.data["x"] = i % 100  # the start event inherits it
    wf.do_engine_steps()
    return wf


def run_save_restore(spec, serializer, i):
    wf = BpmnWorkflow(spec)
    wf.task_tree.data["x"] = i % 100  # the start event inherits it
    saved = serializer.serialize_json(wf)
    wf = serializer.deserialize_json(saved)
    wf.do_engine_steps()
    return wf


def check(wf, i):
    if not wf.is_completed():
        raise SystemExit(f"instance {i} did not complete")
    x = wf.data.get("x")
    if x != i % 100 + 10:
        raise SystemExit(f"instance {i} ended with x={x!r}, expected {i % 100 + 10}")


def bench(mode, spec, instances, warmup):
    serializer = BpmnWorkflowSerializer()
    step = {
        "memory": lambda i: run_memory(spec, i),
        "save-restore": lambda i: run_save_restore(spec, serializer, i),
    }[mode]
    for i in range(warmup):
        check(step(i), i)
    started = time.perf_counter()
    for i in range(instances):
        check(step(i), i)
    seconds = time.perf_counter() - started
    return {
        "engine": "spiffworkflow",
        "mode": mode,
        "instances": instances,
        "seconds": round(seconds, 4),
        "per_second": round(instances / seconds, 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--instances", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--mode", choices=["memory", "save-restore", "both"], default="both")
    args = ap.parse_args()
    spec = load_spec(args.model)
    modes = ["memory", "save-restore"] if args.mode == "both" else [args.mode]
    for mode in modes:
        result = bench(mode, spec, args.instances, args.warmup)
        result["spiffworkflow_version"] = spiff_version
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
