#!/usr/bin/env bash
# Robots benchmark (issue 5): payments registered in SimIFO v1 by flode's robots
# (`flode-bench robots`) and by Robot Framework + SeleniumLibrary
# (bench/robotframework/register_payment.robot), both in headless Chromium through
# /usr/bin/chromedriver, against ONE SimIFO (`flode legacy-sim --ui v1 --multiple-sessions`)
# in the same run:
#   flode 1 robot (K items), RF 1 process (K items), flode 4 robots (4K), RF 4 processes (4K),
# each on fresh references (no person paid twice for a month), each after an untimed warm-up
# item per robot. Afterwards SimIFO's own SQLite file must show every reference registered
# exactly once, or the run fails.
# Prints the table (seconds per registration with 1 robot, registrations per minute with 4,
# ratios, targets ≤ 3 s per case and ≥ 2× the peer) and writes it to
# bench/results/<run>/robots.md (raw JSON beside it) and bench/results/robots-latest.md.
#
# Needs: cargo, python3 (venv), /usr/bin/chromium and /usr/bin/chromedriver
# (scripts/install-browser). Installs pinned robotframework, robotframework-seleniumlibrary,
# selenium and robotframework-datadriver from PyPI into bench/.venv-rf; Selenium Manager
# downloads nothing (the driver and browser are given by path, and SE_OFFLINE=true).
#
# Settings (environment):
#   K (8)  SIMIFO_PORT (18090)  SIMIFO_FLAGS ("", e.g. "--latency-ms 1000 --latency-max-ms 3000")
#   CARGO_TARGET_DIR (target)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
cd "$ROOT"

K="${K:-8}"
SIMIFO_PORT="${SIMIFO_PORT:-18090}"
SIMIFO_FLAGS="${SIMIFO_FLAGS:-}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="$BENCH/.venv-rf"

RF_VERSION="7.5"
SL_VERSION="6.9.0"
SELENIUM_VERSION="4.51.0"
DD_VERSION="1.11.2"

RESULTS="$BENCH/results"
RUN_ID="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS/$RUN_ID"
mkdir -p "$OUT"
SCRATCH="$(mktemp -d "$RESULTS/scratch.XXXXXX")"

log() { printf '\n== %s\n' "$*" >&2; }

SIM_PID=""
cleanup() {
  if [[ -n "$SIM_PID" ]]; then kill "$SIM_PID" 2>/dev/null || true; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || {
  echo "needs /usr/bin/chromium and /usr/bin/chromedriver: run scripts/install-browser" >&2
  exit 1
}

log "Robot Framework $RF_VERSION, SeleniumLibrary $SL_VERSION, selenium $SELENIUM_VERSION, DataDriver $DD_VERSION into bench/.venv-rf"
if [[ ! -x "$VENV/bin/python" ]]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
  "robotframework==$RF_VERSION" "robotframework-seleniumlibrary==$SL_VERSION" \
  "selenium==$SELENIUM_VERSION" "robotframework-datadriver==$DD_VERSION"

log "building flode and flode-bench (release)"
cargo build --release -p flode -p flode-bench
FLODE="$TARGET/release/flode"
FLODE_BENCH="$TARGET/release/flode-bench"

CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
META_LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"

SIMIFO_DB="$SCRATCH/simifo.db"
SIMIFO_URL="http://127.0.0.1:$SIMIFO_PORT"
SIMIFO_CMD="flode legacy-sim --ui v1 --bind 127.0.0.1:$SIMIFO_PORT --multiple-sessions --database simifo.db${SIMIFO_FLAGS:+ $SIMIFO_FLAGS}"
log "SimIFO: $SIMIFO_CMD"
# shellcheck disable=SC2086
"$FLODE" legacy-sim --ui v1 --bind "127.0.0.1:$SIMIFO_PORT" --multiple-sessions \
  --database "$SIMIFO_DB" $SIMIFO_FLAGS >"$OUT/simifo.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 100); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen('$SIMIFO_URL/procapita/login.do', timeout=1)" 2>/dev/null; then break; fi
  sleep 0.1
done
python3 -c "import urllib.request; urllib.request.urlopen('$SIMIFO_URL/procapita/login.do', timeout=2)"

python3 "$BENCH/robots_report.py" items "$OUT" "$RUN_ID" "$K"

flode_phase() {
  local phase="$1" robots="$2"
  log "$phase: flode, $robots robot(s), $((K * robots)) items after $robots warm-up item(s)"
  "$FLODE_BENCH" robots --database "sqlite://$SCRATCH/$phase.db" --simifo-url "$SIMIFO_URL" \
    --items "$OUT/$phase/items.csv" --robots "$robots" | tee "$OUT/$phase/result.json"
}

rf_phase() {
  local phase="$1" procs="$2" pids=() p
  log "$phase: Robot Framework, $procs process(es), $((K * procs)) items after one warm-up item each"
  for ((p = 0; p < procs; p++)); do
    SE_OFFLINE=true "$VENV/bin/robot" --variable "SIMIFO:$SIMIFO_URL" \
      --variable "ITEMS:$OUT/$phase/items-$p.csv" --outputdir "$OUT/$phase/rf-$p" \
      --output "$OUT/$phase/output-$p.xml" \
      --log NONE --report NONE --console dotted --name "rf-$phase-$p" \
      "$BENCH/robotframework/register_payment.robot" >"$OUT/$phase/robot-$p.log" 2>&1 &
    pids+=("$!")
  done
  local failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  if [[ "$failed" != 0 ]]; then
    echo "Robot Framework failed in $phase (see bench/results/$RUN_ID/$phase/robot-*.log)" >&2
    tail -n 30 "$OUT/$phase"/robot-*.log >&2
    exit 1
  fi
  "$VENV/bin/python" "$BENCH/robots_report.py" rf-summary "$OUT/$phase" "$procs" | tee "$OUT/$phase/result.json"
}

flode_phase flode-1 1
rf_phase rf-1 1
flode_phase flode-4 4
rf_phase rf-4 4

log "verifying SimIFO's payments"
python3 "$BENCH/robots_report.py" verify "$SIMIFO_DB" "$OUT"

RF_PIP="$("$VENV/bin/pip" list --disable-pip-version-check 2>/dev/null | awk '$1 ~ /^(robotframework|robotframework-seleniumlibrary|selenium|robotframework-datadriver)$/ {printf "%s %s, ", $1, $2}')"
python3 - "$OUT/meta.json" <<EOF
import json, sys
json.dump({
    "date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
    "machine": "$(nproc) cores ($CPU), $(free -g | awk '/Mem:/ {print $2}') GiB, $(/usr/bin/chromium --version 2>/dev/null | head -1)",
    "load_before": "$META_LOAD",
    "load_after": "$(cut -d' ' -f1-3 /proc/loadavg)",
    "command": "bench/robots.sh (K=$K)",
    "simifo": "$SIMIFO_CMD",
    "peer": "${RF_PIP%, }",
    "references": sum(1 for _ in open("$OUT/references.txt")),
}, open(sys.argv[1], "w"))
EOF

python3 "$BENCH/robots_report.py" table "$OUT" | tee "$OUT/robots.md"
cp "$OUT/robots.md" "$RESULTS/robots-latest.md"
log "written: bench/results/$RUN_ID/robots.md (raw JSON and logs beside it)"
