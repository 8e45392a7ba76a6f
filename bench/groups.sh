#!/usr/bin/env bash
# Groups at scale: SESSIONS sessions (20,000) of one workspace seeded as bench/run-sqlite.sh seeds
# them (MESSAGES messages each, 2), GROUPS_MADE groups (100) made through the API, and every fourth
# session put in one of them (50 sessions a group). Then the groups' page, the grouped page and one
# group are each loaded with wrk -t2 -c16 for SECONDS_EACH seconds (8) after 5 s of warm-up.
# On SQLite the seed's ANALYZE is dropped, so the planner runs without statistics as on a database
# the service made (STATS=after keeps statistics taken after the grouping instead). With PG=1, a
# private PostgreSQL of PG_BIN's binaries seeded by bench/seed.sql, analyzed after the grouping.
# Needs sqlite3 (or PostgreSQL 15's binaries, as root), wrk and the service built in Release. How
# bench/results/2026-12-06-groups.md was measured.
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
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=/tmp/sessions-groups-pg
PORT=5552
trap stop_chosen_service EXIT

start_chosen_service "$API_PORT"
if [ -n "${PG:-}" ]; then
  SQL() { psql -h 127.0.0.1 -p "$PORT" -U postgres -d sessions -v ON_ERROR_STOP=1 -q -A -t -c "$1"; }
  bench_token
  OWNER=$(SQL "SELECT id FROM users WHERE email = 'bench@example.com'")
  WS=$(SQL "SELECT w.id FROM workspaces w JOIN organizations o ON o.id = w.organization_id WHERE o.slug = 'bench' AND w.slug = 'main'")
  psql -h 127.0.0.1 -p "$PORT" -U postgres -d sessions -q -v ws="$WS" -v owner="$OWNER" -v sessions="$SESSIONS" \
    -v messages="$MESSAGES" -v long_messages=0 -f bench/seed.sql >/dev/null
else
  SQL() { sqlite3 -batch "$DB" "$@"; }
  bench_workspace "$DB"
  seed_sqlite "$DB" "$WS" "$OWNER" "$SESSIONS" "$MESSAGES" 0
fi
S="$BASE/api/v1/org/bench/ws/main/sessions"
PROJECT=$(cat /proc/sys/kernel/random/uuid)
for i in $(seq 1 "$GROUP_COUNT"); do
  curl -sf -o /dev/null -X POST "$S/groups" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"kind\":\"workflow\",\"project_id\":\"$PROJECT\",\"title\":\"group $i\"}"
done
if [ -n "${PG:-}" ]; then
  SQL "WITH numbered_groups AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM session_groups),
            numbered_sessions AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM sessions WHERE workspace_id = '$WS')
       UPDATE sessions SET group_id = g.id FROM numbered_sessions s JOIN numbered_groups g ON g.n = (s.n / 4) % $GROUP_COUNT
       WHERE sessions.id = s.id AND s.n % 4 = 0"
  # Statistics as autovacuum would take them after the grouping.
  SQL "VACUUM ANALYZE sessions"
else
  SQL "CREATE TEMP TABLE numbered_groups AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM session_groups;
       CREATE TEMP TABLE numbered_sessions AS SELECT id, row_number() OVER (ORDER BY id) AS n FROM sessions;
       CREATE INDEX temp.numbered_sessions_id ON numbered_sessions(id);
       UPDATE sessions SET group_id = (SELECT g.id FROM numbered_sessions s JOIN numbered_groups g ON g.n = (s.n / 4) % $GROUP_COUNT WHERE s.id = sessions.id)
       WHERE id IN (SELECT id FROM numbered_sessions WHERE n % 4 = 0);"
  SQL "DROP TABLE sqlite_stat1"
  [ "${STATS:-}" != after ] || SQL "ANALYZE"
  # The seed's and the grouping's pages merged into the file, as the service's own checkpoints keep it.
  SQL "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fi
GROUP=$(SQL "SELECT lower(CAST(id AS TEXT)) FROM session_groups ORDER BY id LIMIT 1")
IN_GROUP=$(SQL "SELECT count(*) FROM sessions WHERE lower(CAST(group_id AS TEXT)) = '$GROUP'")
echo "$(SQL "SELECT count(*) FROM sessions WHERE workspace_id = '$WS'") sessions in the workspace, $(SQL "SELECT count(group_id) FROM sessions") in $(SQL "SELECT count(DISTINCT group_id) FROM sessions") groups; $([ -n "${PG:-}" ] && echo PostgreSQL || echo "SQLite, statistics: ${STATS:-none}")"
echo "| request | req/s | p50 | p99 |"
echo "|---|---:|---:|---:|"
for pair in "GET groups (first page)|$S/groups" "GET grouped (first page)|$S/grouped" "GET one group ($IN_GROUP sessions)|$S/groups/$GROUP"; do
  name=${pair%%|*}; url=${pair#*|}
  wrk -t2 -c16 -d5s -H "Authorization: Bearer $TOKEN" "$url" >/dev/null
  out=$(wrk -t2 -c16 -d"${MEASURE}s" --latency -H "Authorization: Bearer $TOKEN" "$url")
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  echo "| $name | $(echo "$out" | awk '/Requests\/sec/ {print $2}') | $(echo "$out" | awk '$1 == "50%" {print $2}') | $(echo "$out" | awk '$1 == "99%" {print $2}') |"
  [ -z "$non2xx" ] || echo "warning: $name: $non2xx non-2xx answers"
done
