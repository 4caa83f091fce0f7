#!/usr/bin/env bash
# Casework benchmarks (issue 4), against `flode serve` (release build) over HTTP, on SQLite and
# on PostgreSQL:
#   - submission → proposal ready, p50/p99, SUBMISSIONS (50) citizens submitting at once, in
#     ROUNDS rounds (target p99 ≤ 1 s);
#   - e-service page GET latency, p50/p99, PAGE_CONNECTIONS (200) keep-alive connections on
#     loopback, PAGE_REQUESTS per page (target p99 ≤ 20 ms), next to the static stylesheet
#     /static/flode.css through the same server and client (the floor of the HTTP stack).
# `flode-bench casework` starts `flode serve` itself on the scratch database (environment
# `test`, SSBTEK at the bench's stand-in around the simulator), see docs/benchmarks.md.
# Prints the table and writes it to bench/results/<run>/casework.md (raw JSON and the server
# logs beside it) and to bench/results/casework-latest.md.
#
# Needs: cargo, python3, psql, PostgreSQL at PG_ADMIN_URL (trust auth). Downloads nothing
# beyond cargo's crates.
#
# Settings (environment):
#   SUBMISSIONS (50)  ROUNDS (4)  WARMUP_SUBMISSIONS (10)  POLL_MS (5)
#   PAGE_CONNECTIONS (200)  PAGE_REQUESTS (20000)  PAGE_CITIZENS (20)
#   ONLY (all | pages | submissions)
#   SSBTEK_LATENCY (none, as `flode serve` embeds the simulator; realistic: 1.1–5.1 s a call)
#   BACKENDS ("sqlite postgres")  PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
cd "$ROOT"

SUBMISSIONS="${SUBMISSIONS:-50}"
ROUNDS="${ROUNDS:-4}"
WARMUP_SUBMISSIONS="${WARMUP_SUBMISSIONS:-10}"
POLL_MS="${POLL_MS:-5}"
PAGE_CONNECTIONS="${PAGE_CONNECTIONS:-200}"
PAGE_REQUESTS="${PAGE_REQUESTS:-20000}"
PAGE_CITIZENS="${PAGE_CITIZENS:-20}"
SSBTEK_LATENCY="${SSBTEK_LATENCY:-none}"
ONLY="${ONLY:-all}"
BACKENDS="${BACKENDS:-sqlite postgres}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

PG_BASE="${PG_ADMIN_URL%/*}"
RESULTS="$BENCH/results"
RUN_ID="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS/$RUN_ID"
mkdir -p "$OUT"
SCRATCH="$(mktemp -d "$RESULTS/scratch.XXXXXX")"
DB_PG="bench_casework_$$"

log() { printf '\n== %s\n' "$*" >&2; }

psql_admin() { psql "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -qAt "$@"; }

drop_db() { psql_admin -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null 2>&1 || true; }

SAMPLER=""
cleanup() {
  if [[ -n "$SAMPLER" ]]; then kill "$SAMPLER" 2>/dev/null || true; fi
  if [[ " $BACKENDS " == *" postgres "* ]]; then drop_db "$DB_PG"; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# Other compilers on the machine (the cores are shared): recorded, not waited for.
others() { { pgrep -c -x rustc || true; } | head -1; }

log "building flode and flode-bench (release)"
cargo build --release -p flode -p flode-bench
FLODE="$ROOT/target/release/flode"
FLODE_BENCH="$ROOT/target/release/flode-bench"

if [[ " $BACKENDS " == *" postgres "* ]]; then psql_admin -c "SELECT 1" >/dev/null; fi

CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
PG_VERSION="$(psql_admin -c 'SHOW server_version' 2>/dev/null || echo '?')"
META_LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
META_RUSTC="$(others)"
# While measuring: how many rustc processes ran, sampled every 2 s.
( while :; do others; sleep 2; done ) >"$SCRATCH/rustc_samples" 2>/dev/null &
SAMPLER=$!

run_backend() {
  local backend="$1" url
  case "$backend" in
    sqlite) url="sqlite://$SCRATCH/casework.db" ;;
    postgres)
      drop_db "$DB_PG"
      psql_admin -c "CREATE DATABASE $DB_PG" >/dev/null
      url="$PG_BASE/$DB_PG"
      ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  log "$backend ($ONLY): e-service pages ($PAGE_CONNECTIONS connections, $PAGE_REQUESTS requests each), then $ROUNDS rounds of $SUBMISSIONS concurrent submissions"
  "$FLODE_BENCH" casework --flode "$FLODE" --database "$url" --server-log "$OUT/serve_$backend.log" \
    --submissions "$SUBMISSIONS" --rounds "$ROUNDS" --warmup-submissions "$WARMUP_SUBMISSIONS" \
    --poll-ms "$POLL_MS" --page-connections "$PAGE_CONNECTIONS" --page-requests "$PAGE_REQUESTS" \
    --page-citizens "$PAGE_CITIZENS" --ssbtek-latency "$SSBTEK_LATENCY" --only "$ONLY" | tee "$OUT/casework_$backend.json"
  if [[ "$backend" == postgres ]]; then drop_db "$DB_PG"; fi
}

for backend in $BACKENDS; do run_backend "$backend"; done
kill "$SAMPLER" 2>/dev/null || true
SAMPLER=""
RUSTC_MAX="$(sort -n "$SCRATCH/rustc_samples" | tail -1)"

python3 - "$OUT/meta.json" <<EOF
import json, sys
json.dump({
    "date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
    "machine": "$(nproc) cores ($CPU), $(free -g | awk '/Mem:/ {print $2}') GiB, PostgreSQL $PG_VERSION on the same machine",
    "load_before": "$META_LOAD",
    "load_after": "$(cut -d' ' -f1-3 /proc/loadavg)",
    "rustc_before": int("$META_RUSTC" or 0),
    "rustc_after": int("$(others)" or 0),
    "rustc_max_during": int("${RUSTC_MAX:-0}" or 0),
    "command": "bench/casework.sh (SUBMISSIONS=$SUBMISSIONS ROUNDS=$ROUNDS PAGE_CONNECTIONS=$PAGE_CONNECTIONS PAGE_REQUESTS=$PAGE_REQUESTS SSBTEK_LATENCY=$SSBTEK_LATENCY ONLY=$ONLY)",
}, open(sys.argv[1], "w"))
EOF

python3 "$BENCH/casework_report.py" "$OUT" | tee "$OUT/casework.md"
cp "$OUT/casework.md" "$RESULTS/casework-latest.md"
log "written: bench/results/$RUN_ID/casework.md (raw JSON and server logs beside it)"
