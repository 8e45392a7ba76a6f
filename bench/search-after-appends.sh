#!/usr/bin/env bash
# The list search on PostgreSQL while sessions are written to: seeds a private database as
# bench/run.sh does (SESSIONS sessions in each of 6 workspaces, MESSAGES messages each), then
# ROUNDS times: SEARCH seconds of the search bench/run.sh measures, then APPEND seconds of appends
# to 16 of the workspace's sessions (16 writers). Each measurement prints the search's rate and
# p50/p99, and the entries waiting in the pending lists of the database's trigram (GIN) indexes,
# which a search reads through in full. results/2026-12-07-search-columns.md (ADR 0085).
# API_DIR names the service's Release output to run (the current tree's by default), to alternate
# builds. Needs PostgreSQL 15 binaries with contrib (pgstattuple), wrk, curl; run as root.
#   usage: [ROUNDS=3] [SEARCH=10] [APPEND=20] [SESSIONS=20000] [API_DIR=...] bash bench/search-after-appends.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SEARCH=${SEARCH:-10}
APPEND=${APPEND:-20}
SESSIONS=${SESSIONS:-20000}
MESSAGES=${MESSAGES:-10}
. bench/service.sh
require_counts ROUNDS SEARCH APPEND SESSIONS MESSAGES
API_DIR=$(cd "${API_DIR:-src/Sessions.Api/bin/Release/net10.0}" && pwd)
PORT=5556
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=/tmp/sessions-search-pg
PG=1
WORK=$(mktemp -d)
trap stop_chosen_service EXIT

start_postgres_service sessions_bench 5096
bench_token
for n in 1 2 3 4; do
  curl -sf -X POST "$BASE/dev/token" -H 'Content-Type: application/json' -d "{\"email\":\"other$n@example.com\",\"org\":\"tenant-$n\",\"workspace\":\"main\"}" >/dev/null
done
OWNER=$("${PSQL[@]}" -c "SELECT id FROM users WHERE email = 'bench@example.com'")
WS=$("${PSQL[@]}" -c "SELECT w.id FROM workspaces w JOIN organizations o ON o.id = w.organization_id WHERE o.slug = 'bench' AND w.slug = 'main'")
"${PSQL[@]}" -v ws="$WS" -v owner="$OWNER" -v sessions="$SESSIONS" -v messages="$MESSAGES" -v long_messages=0 -f bench/seed.sql
"${PSQL[@]}" -c "CREATE EXTENSION pgstattuple"

S="/api/v1/org/bench/ws/main/sessions"
SEARCH_URL="$BASE$S?search=session%2012345&limit=20"
spread_lua_sending "$WORK/append.lua" POST "$TOKEN" \
  "'{\"messages\":[{\"role\":\"user\",\"content\":\"bench question\"},{\"role\":\"assistant\",\"content\":\"bench answer\"}]}'" \
  $("${PSQL[@]}" -c "SELECT '$S/' || id || '/transcript' FROM sessions WHERE workspace_id = '$WS' ORDER BY updated_at DESC LIMIT 16")

pending() {
  "${PSQL[@]}" -c "SELECT coalesce(sum((pgstatginindex(i.indexrelid)).pending_tuples), 0) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin'"
}
search() {
  local out
  out=$(wrk -t2 -c16 -d"${SEARCH}s" --latency -H "Authorization: Bearer $TOKEN" "$SEARCH_URL")
  printf '%-28s pending %7s  search %8s req/s  p50 %9s  p99 %9s\n' "$1" "$(pending)" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")"
}

wrk -t2 -c16 -d15s -H "Authorization: Bearer $TOKEN" "$SEARCH_URL" >/dev/null
wrk -t2 -c16 -d5s -s "$WORK/append.lua" "$BASE" >/dev/null
"${PSQL[@]}" -c "VACUUM ANALYZE"
search "after seeding and VACUUM"
for round in $(seq 1 "$ROUNDS"); do
  appended=$(wrk -t2 -c16 -d"${APPEND}s" -s "$WORK/append.lua" "$BASE" | awk '/Requests\/sec/ {print $2}')
  search "round $round: $appended appends/s"
done
