#!/usr/bin/env bash
# Archives and unarchives on PostgreSQL in a workspace whose sessions each carry a label value of
# their own (a run id: a kept count row per session), beside a workspace whose sessions share one
# value. An archive or an unarchive moves every count of its session from one state to the other,
# and its upsert drops the rows it took from that fell to zero, named by their keys (ADR 0087);
# before, a drop read every count row of the workspace. A fresh private PostgreSQL: 5 s of creates
# by 16 writers into each workspace, then about CREATE_SECONDS more into each in two alternating
# windows, ANALYZE, then ROUNDS rounds of SECONDS_EACH of archives and unarchives of 16 sessions of
# each workspace in turn, with the CPU of the service and of PostgreSQL per change; at its end, each
# workspace's kept count rows and the tables read in sequence. Needs PostgreSQL 15 binaries, wrk,
# curl; run as root.
#   usage: [CREATE_SECONDS=30] [ROUNDS=2] [SECONDS_EACH=10] bash bench/count-drops.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CREATE_SECONDS=${CREATE_SECONDS:-30}
ROUNDS=${ROUNDS:-2}
SECONDS_EACH=${SECONDS_EACH:-10}
. bench/service.sh
require_counts CREATE_SECONDS ROUNDS SECONDS_EACH
API_DIR=$(cd "${API_DIR:-src/Sessions.Api/bin/Release/net10.0}" && pwd)
PORT=5558
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=/tmp/sessions-count-drops-pg
PG=1
WORK=$(mktemp -d)
trap stop_chosen_service EXIT

start_postgres_service sessions 5098
curl -sf -X POST "$BASE/dev/token" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","org":"bench","workspace":"shared","role":"admin"}' >/dev/null
bench_token

# A new id for every request (the second it is sent, wrk's thread and the thread's count); in
# workspace main a run label of the same digits, in workspace shared one run for all.
ID="string.format('%08x-%04x-4000-8000-%012x', os.time(), me, n)"
spread_lua_sending "$WORK/own.lua" POST "$TOKEN" \
  "'{\"id\":\"' .. $ID .. '\",\"model\":\"m\",\"labels\":{\"team\":[\"red\"],\"run\":[\"r-' .. $ID .. '\"]}}'" /api/v1/org/bench/ws/main/sessions
spread_lua_sending "$WORK/one.lua" POST "$TOKEN" \
  "'{\"id\":\"' .. $ID .. '\",\"model\":\"m\",\"labels\":{\"team\":[\"red\"],\"run\":[\"r-1\"]}}'" /api/v1/org/bench/ws/shared/sessions
wrk -t2 -c16 -d5s -s "$WORK/own.lua" "$BASE" >/dev/null
wrk -t2 -c16 -d5s -s "$WORK/one.lua" "$BASE" >/dev/null
for round in 1 2; do
  for script in own one; do
    wrk -t2 -c16 -d"$((CREATE_SECONDS / 2 + 1))s" -s "$WORK/$script.lua" "$BASE" \
      | awk -v s="$([ "$script" = own ] && echo 'a run value each' || echo 'one run value')" '/Requests\/sec/ {print "creates, " s ": " $2 "/s"}'
  done
done
"${PSQL[@]}" -c "ANALYZE"

# Each of wrk's threads archives then unarchives its own 8 of the workspace's 16 newest sessions.
changes_lua() {
  local ws=$1 file=$2 ids paths=""
  mapfile -t ids < <("${PSQL[@]}" -c "SELECT s.id FROM sessions s JOIN workspaces w ON w.id = s.workspace_id WHERE w.slug = '$ws' ORDER BY s.created_at DESC LIMIT 16")
  for id in "${ids[@]}"; do
    paths="$paths /api/v1/org/bench/ws/$ws/sessions/$id/archive /api/v1/org/bench/ws/$ws/sessions/$id/unarchive"
  done
  spread_lua_sending "$file" POST "$TOKEN" nil $paths
}
changes_lua main "$WORK/main.lua"
changes_lua shared "$WORK/shared.lua"

wrk -t2 -c16 -d5s -s "$WORK/main.lua" "$BASE" >/dev/null
wrk -t2 -c16 -d5s -s "$WORK/shared.lua" "$BASE" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round"
  load_with_cpu "a run value each" change "$WORK/main.lua" "$SECONDS_EACH"
  load_with_cpu "one run value" change "$WORK/shared.lua" "$SECONDS_EACH"
done
echo "kept count rows by workspace:"
"${PSQL[@]}" -F ' ' -c "SELECT '  ' || w.slug || ': ' || count(*) || ' rows, ' || count(*) FILTER (WHERE c.dimension = 'label') || ' of labels'
                        FROM session_counts c JOIN workspaces w ON w.id = c.workspace_id GROUP BY w.slug ORDER BY w.slug"
sequential_scans
