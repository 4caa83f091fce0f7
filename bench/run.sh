#!/usr/bin/env bash
# flode's benchmarks next to their peers, in one run on this machine:
#   - straight-through (10 script tasks + an exclusive gateway), durable, on SQLite and on
#     PostgreSQL, next to SpiffWorkflow (in memory, and with JSON save/restore), pgbench's
#     write test and SQLite's commit ceiling;
#   - the job queue on PostgreSQL next to graphile-worker.
# Prints a table of ratios and writes it to bench/results/latest.md (raw JSON beside it).
#
# Needs: cargo, python3 (venv), node + npm, psql, pgbench (installed with apt-get if absent),
# PostgreSQL at PG_ADMIN_URL (trust auth). Installs SpiffWorkflow from PyPI into bench/.venv
# and graphile-worker from the npm registry into bench/node_modules; nothing else.
#
# Sizes and settings (environment):
#   STRAIGHT_INSTANCES (5000)  STRAIGHT_CONCURRENCY_SQLITE (4)  STRAIGHT_CONCURRENCY_PG (10)
#   SPIFF_INSTANCES (3000)  JOBS (10000)  JOB_WORKERS (10)  JOB_PRODUCERS (10)
#   LATENCY_SAMPLES (1000)  PGBENCH_SECONDS (10)  SQLITE_CEILING_TX (20000)
#   ROUNDS (3: straight-through rounds)  JOB_ROUNDS (2: job-queue rounds); medians are reported
#   PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres)  DIAGNOSTICS (1: also replay
#   the straight-through transaction's SQL without the engine, as is and trimmed)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
cd "$ROOT"

STRAIGHT_INSTANCES="${STRAIGHT_INSTANCES:-5000}"
STRAIGHT_CONCURRENCY_SQLITE="${STRAIGHT_CONCURRENCY_SQLITE:-4}"
STRAIGHT_CONCURRENCY_PG="${STRAIGHT_CONCURRENCY_PG:-10}"
SPIFF_INSTANCES="${SPIFF_INSTANCES:-3000}"
JOBS="${JOBS:-10000}"
JOB_WORKERS="${JOB_WORKERS:-10}"
JOB_PRODUCERS="${JOB_PRODUCERS:-10}"
LATENCY_SAMPLES="${LATENCY_SAMPLES:-1000}"
PGBENCH_SECONDS="${PGBENCH_SECONDS:-10}"
SQLITE_CEILING_TX="${SQLITE_CEILING_TX:-20000}"
ROUNDS="${ROUNDS:-3}"
JOB_ROUNDS="${JOB_ROUNDS:-2}"
DIAGNOSTICS="${DIAGNOSTICS:-1}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
SPIFF_VERSION="3.2.0"

PG_BASE="${PG_ADMIN_URL%/*}"
RESULTS="$BENCH/results"
RUN_ID="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS/$RUN_ID"
mkdir -p "$OUT"
SCRATCH="$(mktemp -d "$RESULTS/scratch.XXXXXX")"
DB_FLODE="bench_flode_$$"
DB_GRAPHILE="bench_graphile_$$"
DB_PGBENCH="bench_pgbench"

log() { printf '\n== %s\n' "$*" >&2; }

psql_admin() { psql "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -qAt "$@"; }

drop_db() { psql_admin -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null 2>&1 || true; }

fresh_db() {
  drop_db "$1"
  psql_admin -c "CREATE DATABASE $1" >/dev/null
}

cleanup() {
  for db in "$DB_FLODE" "$DB_GRAPHILE" "$DB_PGBENCH"; do drop_db "$db"; done
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# ---- tools ----------------------------------------------------------------------------------

log "building flode-bench (release)"
cargo build --release -p flode-bench
FLODE_BENCH="$ROOT/target/release/flode-bench"

log "SpiffWorkflow $SPIFF_VERSION in bench/.venv"
if ! "$BENCH/.venv/bin/python" -c "import SpiffWorkflow.version as v, sys; sys.exit(v.__version__ != '$SPIFF_VERSION')" 2>/dev/null; then
  python3 -m venv "$BENCH/.venv"
  "$BENCH/.venv/bin/pip" install --quiet "SpiffWorkflow==$SPIFF_VERSION"
fi

log "graphile-worker in bench/node_modules"
(cd "$BENCH" && if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi)

if ! command -v pgbench >/dev/null; then
  log "installing pgbench (postgresql-contrib)"
  apt-get update -qq && apt-get install -y -qq postgresql-contrib >/dev/null
fi
psql_admin -c "SELECT 1" >/dev/null

LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
python3 - "$OUT/meta.json" <<EOF
import json, sys
json.dump({
    "date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
    "machine": "$(nproc) cores ($CPU), $(free -g | awk '/Mem:/ {print $2}') GiB, $(psql_admin -c 'SHOW server_version') PostgreSQL (fsync on, synchronous_commit $(psql_admin -c 'SHOW synchronous_commit'))",
    "load": "$LOAD",
    "command": "bench/run.sh (STRAIGHT_INSTANCES=$STRAIGHT_INSTANCES JOBS=$JOBS SPIFF_INSTANCES=$SPIFF_INSTANCES ROUNDS=$ROUNDS JOB_ROUNDS=$JOB_ROUNDS)",
}, open(sys.argv[1], "w"))
EOF

# ---- straight-through, ROUNDS rounds (the machine is shared: medians are reported) -----------

straight_round() {
  local round="$1"
  log "round $round/$ROUNDS: SpiffWorkflow, $SPIFF_INSTANCES instances in memory, then with JSON save/restore"
  "$BENCH/.venv/bin/python" "$BENCH/spiff_bench.py" --model "$BENCH/models/straight-through-spiff.bpmn" \
    --instances "$SPIFF_INSTANCES" | tee -a "$OUT/spiff.json"

  log "round $round/$ROUNDS: SQLite commit ceiling, $SQLITE_CEILING_TX one-row transactions"
  rm -f "$SCRATCH"/ceiling.db*
  "$FLODE_BENCH" sqlite-ceiling --database "sqlite://$SCRATCH/ceiling.db" --transactions "$SQLITE_CEILING_TX" \
    | tee -a "$OUT/sqlite_ceiling.json"

  log "round $round/$ROUNDS: flode straight-through on SQLite, $STRAIGHT_INSTANCES instances"
  rm -f "$SCRATCH"/flode.db*
  "$FLODE_BENCH" straight --database "sqlite://$SCRATCH/flode.db" --instances "$STRAIGHT_INSTANCES" \
    --concurrency "$STRAIGHT_CONCURRENCY_SQLITE" | tee -a "$OUT/straight_sqlite.json"

  log "round $round/$ROUNDS: pgbench write test (-N, simple update), 10 clients, ${PGBENCH_SECONDS}s"
  fresh_db "$DB_PGBENCH"
  pgbench -q -i -s 1 "$PG_BASE/$DB_PGBENCH" >/dev/null 2>&1
  pgbench -c 10 -j 2 -T "$PGBENCH_SECONDS" -N "$PG_BASE/$DB_PGBENCH" 2>/dev/null >"$SCRATCH/pgbench.txt"
  grep -E '^(latency average|tps)' "$SCRATCH/pgbench.txt" >&2
  local tps
  tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$SCRATCH/pgbench.txt" | tail -1)"
  [[ -n "$tps" ]] || { echo "could not read pgbench's tps" >&2; exit 1; }
  printf '{"engine":"pgbench","bench":"write-test","tps":%s,"version":"%s"}\n' "$tps" "$(pgbench --version)" \
    | tee -a "$OUT/pgbench.json"
  drop_db "$DB_PGBENCH"

  log "round $round/$ROUNDS: flode straight-through on PostgreSQL, $STRAIGHT_INSTANCES instances"
  fresh_db "$DB_FLODE"
  "$FLODE_BENCH" straight --database "$PG_BASE/$DB_FLODE" --instances "$STRAIGHT_INSTANCES" \
    --concurrency "$STRAIGHT_CONCURRENCY_PG" | tee -a "$OUT/straight_postgres.json"
  drop_db "$DB_FLODE"
}

for round in $(seq 1 "$ROUNDS"); do straight_round "$round"; done

# ---- diagnostic: the straight-through transaction's SQL alone, as is and without no-ops -----

if [[ "$DIAGNOSTICS" == 1 ]]; then
  log "diagnostic: replaying one straight-through transaction's SQL (as is / trimmed)"
  for variant in as-is trimmed; do
    rm -f "$SCRATCH"/replay.db*
    "$FLODE_BENCH" replay --database "sqlite://$SCRATCH/replay.db" --variant "$variant" \
      --transactions "$STRAIGHT_INSTANCES" --concurrency "$STRAIGHT_CONCURRENCY_SQLITE" | tee -a "$OUT/replay.json"
    fresh_db "$DB_FLODE"
    "$FLODE_BENCH" replay --database "$PG_BASE/$DB_FLODE" --variant "$variant" \
      --transactions "$STRAIGHT_INSTANCES" --concurrency "$STRAIGHT_CONCURRENCY_PG" | tee -a "$OUT/replay.json"
    drop_db "$DB_FLODE"
  done
fi

# ---- job queue, JOB_ROUNDS rounds, flode and graphile-worker in alternating order -------------

flode_jobs() {
  log "round $1/$JOB_ROUNDS: flode jobs on PostgreSQL, $JOBS jobs per phase, $JOB_WORKERS workers"
  fresh_db "$DB_FLODE"
  "$FLODE_BENCH" jobs --database "$PG_BASE/$DB_FLODE" --jobs "$JOBS" --concurrency "$JOB_WORKERS" \
    --producers "$JOB_PRODUCERS" --latency-samples "$LATENCY_SAMPLES" | tee -a "$OUT/jobs_flode.json"
  drop_db "$DB_FLODE"
}

graphile_jobs() {
  log "round $1/$JOB_ROUNDS: graphile-worker on PostgreSQL, $JOBS jobs per phase, concurrency $JOB_WORKERS"
  fresh_db "$DB_GRAPHILE"
  (cd "$BENCH" && node graphile_bench.mjs --database "$PG_BASE/$DB_GRAPHILE" --jobs "$JOBS" \
    --concurrency "$JOB_WORKERS" --producers "$JOB_PRODUCERS" --latency-samples "$LATENCY_SAMPLES") \
    | tee -a "$OUT/jobs_graphile.json"
  drop_db "$DB_GRAPHILE"
}

for round in $(seq 1 "$JOB_ROUNDS"); do
  if (( round % 2 )); then flode_jobs "$round"; graphile_jobs "$round"; else graphile_jobs "$round"; flode_jobs "$round"; fi
done

# ---- report ---------------------------------------------------------------------------------

printf '{"load_after":"%s"}\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/load_after.json"
python3 "$BENCH/report.py" "$OUT" | tee "$OUT/table.md"
cp "$OUT/table.md" "$RESULTS/latest.md"
log "written: bench/results/latest.md (raw results in bench/results/$RUN_ID/)"
