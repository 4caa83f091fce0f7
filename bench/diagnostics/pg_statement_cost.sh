#!/usr/bin/env bash
# What flode's no-op statements cost PostgreSQL, without changing flode: pgbench replays the
# statements one straight-through `Engine::start` transaction sends (as logged with
# log_statement = all, flode 0.1.0), once as they are and once without the twelve that
# change nothing for a new instance (ten `DELETE FROM variables … scope = N` for scopes
# created in the same run, and the `UPDATE jobs … canceled` / `DELETE FROM subscriptions`
# for the root token of an instance that never had a job or subscription).
#
# Usage: bench/diagnostics/pg_statement_cost.sh   (PG_ADMIN_URL, STMT_SECONDS, CLIENTS optional)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
SECONDS_EACH="${STMT_SECONDS:-10}"
CLIENTS="${CLIENTS:-10}"
DB="bench_stmtcost_$$"
URL="${PG_ADMIN_URL%/*}/$DB"
WORK="$(mktemp -d)"
cleanup() { psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $DB"
cargo build --release -q -p flode-bench
# Migrates and deploys the model (one instance).
"$ROOT/target/release/flode-bench" straight --database "$URL" --instances 1 --warmup 0 >/dev/null
DEF="$(psql "$URL" -Atc "SELECT id FROM definitions LIMIT 1")"

python3 - "$WORK" "$DEF" <<'PY'
import sys
work, definition = sys.argv[1], sys.argv[2]
iid = "'b-' || :client_id || '-' || :r"
head = [
    r"\set r random(1, 1000000000000)",
    "BEGIN;",
    "INSERT INTO instances (id, definition_id, process_key, business_key, state, parent_instance_id, parent_token, next_token, revision, started_at, ended_at) "
    f"VALUES ({iid}, '{definition}', 'straight-through', NULL, 'completed', NULL, NULL, 26, 1, 1764000000000, 1764000000000);",
]
noop_vars = [f"DELETE FROM variables WHERE instance_id = {iid} AND scope = {t};" for t in range(2, 12)]
useful = [
    f"INSERT INTO variables (instance_id, scope, name, value) VALUES ({iid}, 0, 'x', '15') "
    "ON CONFLICT (instance_id, scope, name) DO UPDATE SET value = excluded.value;",
    "INSERT INTO history (instance_id, token, node_id, node_type, state, started_at, ended_at, end_seq) VALUES "
    + ",".join(
        f"({iid}, {k}, '{n}', '{t}', 'completed', 1764000000000, 1764000000000, {k + 13})"
        for k, (n, t) in enumerate(
            [("start", "startEvent")] + [(f"s{i}", "scriptTask") for i in range(1, 6)]
            + [("check", "exclusiveGateway")] + [(f"s{i}", "scriptTask") for i in range(6, 11)]
            + [("end", "endEvent")],
            start=1,
        )
    )
    + ";",
]
noop_root = [
    f"UPDATE jobs SET state = 'canceled', lease_owner = NULL, lease_until = NULL, updated_at = 1764000000000 "
    f"WHERE instance_id = {iid} AND token = 0 AND state IN ('ready', 'active', 'failed');",
    f"DELETE FROM subscriptions WHERE instance_id = {iid} AND token = 0;",
]
open(f"{work}/as_is.sql", "w").write("\n".join(head + noop_vars + useful + noop_root + ["END;"]) + "\n")
open(f"{work}/trimmed.sql", "w").write("\n".join(head + useful + ["END;"]) + "\n")
PY

for script in as_is trimmed; do
  tps="$(pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" -f "$WORK/$script.sql" "$URL" 2>/dev/null \
    | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')"
  statements=$(grep -c ';$' "$WORK/$script.sql")
  echo "{\"script\":\"$script\",\"statements_incl_begin_end\":$statements,\"clients\":$CLIENTS,\"tps\":$tps}"
done
