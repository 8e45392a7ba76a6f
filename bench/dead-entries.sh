#!/usr/bin/env bash
# How the first list page's ids statement grows with the dead index entries of changed sessions
# on PostgreSQL (ADR 0089): on the database `KEEP_DB=1 bash bench/run.sh` leaves running, the
# service appends with 16 writers to 16 of the bench workspace's newest sessions in WINDOWS windows
# of SECS seconds; after each, the sessions table's changes, dead rows and last autovacuum, and the
# statement's buffers and time (explained twice, the second shown: the first run of a backend
# reads its catalog).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_DIR=/tmp/sessions-bench-pg
PORT=5546
API_PORT=5091
WORK=$(mktemp -d)
. bench/service.sh
[ -f "$PG_DIR/data/postmaster.pid" ] || { echo "no bench database: run KEEP_DB=1 bash bench/run.sh first" >&2; exit 1; }
trap 'kill "$API_PID"; rm -rf "$WORK"' EXIT
start_service "$API_PORT" "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sessions_bench;Maximum Pool Size=64" Database__Provider=Postgres
bench_token
PSQL=(psql -h 127.0.0.1 -p "$PORT" -U postgres -d sessions_bench -q -A -t)
WS=$("${PSQL[@]}" -c "SELECT w.id FROM workspaces w JOIN organizations o ON o.id = w.organization_id WHERE o.slug = 'bench' AND w.slug = 'main'")
OWNER=$("${PSQL[@]}" -c "SELECT id FROM users WHERE email = 'bench@example.com'")
mapfile -t IDS < <("${PSQL[@]}" -c "SELECT id FROM sessions WHERE workspace_id = '$WS' ORDER BY updated_at DESC OFFSET 1 LIMIT 16")
spread_lua "$WORK/append.lua" "$TOKEN" "$APPEND_BODY" $(printf "/api/v1/org/bench/ws/main/sessions/%s/transcript " "${IDS[@]}")
# The ids statement of the first page as the service runs it, without its total's subquery.
PAGE="SELECT s.id FROM sessions AS s WHERE s.workspace_id = '$WS' AND (s.user_id = '$OWNER' OR s.visibility = 'Workspace')
      AND s.origin <> 'Eval' AND s.archived_at IS NULL ORDER BY s.updated_at DESC, s.id DESC LIMIT 20"
probe() {
  local plan
  plan=$("${PSQL[@]}" -c "EXPLAIN (ANALYZE, BUFFERS) $PAGE" -c "EXPLAIN (ANALYZE, BUFFERS) $PAGE" | tail -n 12)
  echo "$1: $("${PSQL[@]}" -c "SELECT n_tup_upd || ' changes, ' || n_dead_tup || ' dead, autovacuum ' || coalesce(to_char(last_autovacuum, 'HH24:MI:SS'), 'never')
                             FROM pg_stat_user_tables WHERE relname = 'sessions'"); page ids: $(echo "$plan" | grep -m1 'Buffers' | xargs), $(echo "$plan" | grep 'Execution' | xargs)"
}
probe start
for w in $(seq 1 "${WINDOWS:-6}"); do
  rate=$(wrk -t2 -c16 -d"${SECS:-15}"s -s "$WORK/append.lua" "$BASE" | awk '/Requests\/sec/ {print $2}')
  probe "window $w ($rate appends/s)"
done
