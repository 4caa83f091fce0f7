#!/usr/bin/env bash
# Two builds of flode's job queue against each other: `flode-bench jobs` from binary A and
# binary B, alternating, each on a fresh PostgreSQL database; prints drain and end-to-end
# jobs/s and the `complete_job` p50 per run. For judging one change on a noisy host, where
# the full bench's rounds (bench/run.sh) move more than the change does.
#
# Usage: bench/ab_jobs.sh A_BINARY B_BINARY [RUNS (3)]
#   e.g. build HEAD~1 and HEAD with `cargo build --release -p flode-bench`, copying
#   target/release/flode-bench aside after each.
# Environment: PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), JOBS (10000),
#   JOB_WORKERS (10), JOB_PRODUCERS (10).
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 A_BINARY B_BINARY [RUNS]" >&2; exit 2; }
A="$1" B="$2" RUNS="${3:-3}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_BASE="${PG_ADMIN_URL%/*}"
DB="bench_ab_$$"
psql_admin() { psql "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -qAt "$@"; }
trap 'psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT

printf 'run\tbuild\tdrain/s\tend-to-end/s\tcomplete p50 ms\n'
for run in $(seq 1 "$RUNS"); do
  for side in A B; do
    bin="$A"; [[ "$side" == B ]] && bin="$B"
    psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
    psql_admin -c "CREATE DATABASE $DB" >/dev/null
    "$bin" jobs --database "$PG_BASE/$DB" --jobs "${JOBS:-10000}" --concurrency "${JOB_WORKERS:-10}" \
      --producers "${JOB_PRODUCERS:-10}" --latency-samples 200 2>/dev/null |
      python3 -c "import json, sys; d = json.load(sys.stdin); print('\t'.join(map(str, ['$run', '$side', d['drain']['per_second'], d['end_to_end']['per_second'], d['drain']['complete_call']['p50_ms']])))"
  done
done
