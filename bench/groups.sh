#!/usr/bin/env bash
# Groups at scale on SQLite: SESSIONS sessions (20,000) of one workspace seeded as bench/run-sqlite.sh
# seeds them (MESSAGES messages each, 2), GROUPS groups (100) made through the API, and every fourth
# session put in one of them (50 sessions a group). Then the groups' page, the grouped page and one
# group are each loaded with wrk -t2 -c16 for SECONDS_EACH seconds (8) after 5 s of warm-up.
# The seed's ANALYZE is dropped, so the planner runs without statistics as on a database the
# service made (STATS=after keeps statistics taken after the grouping instead).
# Needs sqlite3, wrk and the service built in Release. How bench/results/2026-12-06-groups.md was measured.
set -euo pipefail
cd "$(dirname "$0")/.."
SESSIONS=${SESSIONS:-20000}
MESSAGES=${MESSAGES:-2}
GROUP_COUNT=${GROUPS_MADE:-100}
MEASURE=${SECONDS_EACH:-8}
API_PORT=5097
WORK=$(mktemp -d)
DB="$WORK/sessions.db"
command -v wrk >/dev/null && command -v sqlite3 >/dev/null || { echo "wrk and sqlite3 are required" >&2; exit 1; }
. bench/service.sh
trap 'kill "${API_PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

start_service "$API_PORT" "Data Source=$DB"
SQL() { sqlite3 -batch "$DB" "$@"; }
bench_workspace "$DB"
seed_sqlite "$DB" "$WS" "$OWNER" "$SESSIONS" "$MESSAGES" 0
S="$BASE/api/v1/org/bench/ws/main/sessions"
PROJECT=$(cat /proc/sys/kernel/random/uuid)
for i in $(seq 1 "$GROUP_COUNT"); do
  curl -sf -o /dev/null -X POST "$S/groups" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"kind\":\"workflow\",\"project_id\":\"$PROJECT\",\"title\":\"group $i\"}"
done
SQL "CREATE TEMP TABLE numbered_groups AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM session_groups;
     CREATE TEMP TABLE numbered_sessions AS SELECT id, row_number() OVER (ORDER BY id) AS n FROM sessions;
     CREATE INDEX temp.numbered_sessions_id ON numbered_sessions(id);
     UPDATE sessions SET group_id = (SELECT g.id FROM numbered_sessions s JOIN numbered_groups g ON g.n = (s.n / 4) % $GROUP_COUNT WHERE s.id = sessions.id)
     WHERE id IN (SELECT id FROM numbered_sessions WHERE n % 4 = 0);"
SQL "DROP TABLE sqlite_stat1"
[ "${STATS:-}" != after ] || SQL "ANALYZE"
# The seed's and the grouping's pages merged into the file, as the service's own checkpoints keep it.
SQL "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
# The service's connections read the schema, statistics included, again after the change above.
GROUP=$(SQL "SELECT lower(id) FROM session_groups ORDER BY id LIMIT 1")
echo "$(SQL "SELECT count(*) FROM sessions") sessions, $(SQL "SELECT count(group_id) FROM sessions") in $(SQL "SELECT count(DISTINCT group_id) FROM sessions") groups; statistics: ${STATS:-none}"
echo "| request | req/s | p50 | p99 |"
echo "|---|---:|---:|---:|"
for pair in "GET groups (first page)|$S/groups" "GET grouped (first page)|$S/grouped" "GET one group ($((SESSIONS / 4 / GROUP_COUNT)) sessions)|$S/groups/$GROUP"; do
  name=${pair%%|*}; url=${pair#*|}
  wrk -t2 -c16 -d5s -H "Authorization: Bearer $TOKEN" "$url" >/dev/null
  out=$(wrk -t2 -c16 -d"${MEASURE}s" --latency -H "Authorization: Bearer $TOKEN" "$url")
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  echo "| $name | $(echo "$out" | awk '/Requests\/sec/ {print $2}') | $(echo "$out" | awk '$1 == "50%" {print $2}') | $(echo "$out" | awk '$1 == "99%" {print $2}') |"
  [ -z "$non2xx" ] || echo "warning: $name: $non2xx non-2xx answers"
done
