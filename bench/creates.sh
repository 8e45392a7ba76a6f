#!/usr/bin/env bash
# Creates on PostgreSQL under 16 writers: sessions created in one workspace by one owner (each
# create adds to the same kept counts, results/2026-12-07-count-parts.md), then the same spread
# over 16 workspaces of the same owner (no count row shared between two writers). For each: the
# rate, p50 and p99, the CPU of the service and of PostgreSQL per create, and what the service's
# active database sessions waited on, sampled every 0.2 s. A fresh private PostgreSQL, WARM
# seconds of creates in one workspace first and 5 in the 16, ANALYZE, 5 more, then ROUNDS rounds
# of both, SECONDS_EACH each (ANALYZE=0: no ANALYZE, the tables left to autovacuum as on a new
# database in use); at its end, the tables read in sequence and how many rows their scans read.
# API_DIR names the service's Release output to run (the current tree's by default), to alternate
# builds. Needs PostgreSQL 15 binaries, wrk, curl; run as root.
#   usage: [ROUNDS=2] [SECONDS_EACH=10] [WARM=15] [ANALYZE=0] [API_DIR=...] bash bench/creates.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
SECONDS_EACH=${SECONDS_EACH:-10}
WARM=${WARM:-15}
. bench/service.sh
require_counts ROUNDS SECONDS_EACH WARM
API_DIR=$(cd "${API_DIR:-src/Sessions.Api/bin/Release/net10.0}" && pwd)
PORT=5557
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=/tmp/sessions-creates-pg
PG=1
WORK=$(mktemp -d)
trap stop_chosen_service EXIT

start_postgres_service sessions 5097
# The owner is a member of workspace main and of w1..w16 of organization bench; its token reaches each.
for n in $(seq 1 16); do
  curl -sf -X POST "$BASE/dev/token" -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench@example.com\",\"org\":\"bench\",\"workspace\":\"w$n\",\"role\":\"admin\"}" >/dev/null
done
bench_token

# A new id for every request: the second it is sent, wrk's thread and the thread's count.
BODY="string.format('{\"id\":\"%08x-%04x-4000-8000-%012x\",\"model\":\"bench-model\",\"agent\":\"bench-agent\",\"labels\":{\"team\":[\"red\"],\"env\":[\"prod\"]}}', os.time(), me, n)"
spread_lua_sending "$WORK/one.lua" POST "$TOKEN" "$BODY" /api/v1/org/bench/ws/main/sessions
spread_lua_sending "$WORK/spread.lua" POST "$TOKEN" "$BODY" $(for n in $(seq 1 16); do echo "/api/v1/org/bench/ws/w$n/sessions"; done)

waits() {
  for _ in $(seq 1 $((SECONDS_EACH * 5 - 5))); do
    "${PSQL[@]}" -c "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity
                     WHERE datname = 'sessions' AND state = 'active' AND pid <> pg_backend_pid()"
    sleep 0.2
  done | sort | uniq -c | sort -rn | awk '{ printf "%s%s %s", sep, $2, $1; sep = ", " } END { print "" }'
}

measure() {
  waits >"$WORK/waits" &
  load_with_cpu "$1" create "$2" "$SECONDS_EACH"
  while [ ! -s "$WORK/waits" ]; do sleep 0.2; done
  echo "    waits sampled: $(cat "$WORK/waits")"
  rm -f "$WORK/waits"
}

wrk -t2 -c16 -d"${WARM}s" -s "$WORK/one.lua" "$BASE" >/dev/null
wrk -t2 -c16 -d5s -s "$WORK/spread.lua" "$BASE" >/dev/null
# Statistics of the tables as they are now, as autovacuum takes them on a database in use. Before
# it, the pool's connections keep the plans they made while the tables were empty: the label-map
# trigger's lookup of a session's label rows read the whole table, before ADR 0088
# (2026-12-07-count-parts.md section 1, 2026-12-07-fresh-database.md).
[ "${ANALYZE:-1}" = 0 ] || "${PSQL[@]}" -c "ANALYZE"
wrk -t2 -c16 -d5s -s "$WORK/one.lua" "$BASE" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round"
  measure "one workspace" "$WORK/one.lua"
  measure "16 workspaces" "$WORK/spread.lua"
done
echo "count rows: $("${PSQL[@]}" -c "SELECT count(*) FROM session_counts"), sessions: $("${PSQL[@]}" -c "SELECT count(*) FROM sessions")"
sequential_scans
