#!/usr/bin/env bash
# A mixed load on a new PostgreSQL database whose tables are left to autovacuum, as a new
# deployment's first minute: creates of labelled sessions, appends to 16 sessions and reads of nine
# kinds (list pages, a label page, a search, facets, a transcript page, one session, usage), each
# by wrk -t1 -c5 for SECONDS_EACH seconds (45) at once. Then each read three times by curl, an
# ANALYZE, each read three times again, and the tables that were read in sequence
# (pg_stat_user_tables). A fresh private PostgreSQL of PG_BIN's binaries; API_DIR names another
# build's Release output to run. Needs wrk, curl; run as root.
#   usage: [SECONDS_EACH=45] [API_DIR=...] bash bench/new-database.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${SECONDS_EACH:-45}
[[ $SECONDS_EACH =~ ^[1-9][0-9]*$ ]] || { echo "SECONDS_EACH is a count of seconds, 1 or more: '$SECONDS_EACH'" >&2; exit 2; }
PORT=5558
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=/tmp/sessions-new-database-pg
PG=1
WORK=$(mktemp -d)
. bench/service.sh
trap stop_chosen_service EXIT

start_postgres_service sessions 5098
TOKEN=$(dev_token new-database@example.com)
S=/api/v1/org/demo/ws/default/sessions
new_sessions 16 "$TOKEN"
READS=("$S" "$S?label=team:red&page=3&limit=20" "$S?sort_by=last_message_at" "$S?search=bench" "$S/facets"
  "$S/${NEW_SESSIONS[0]}/transcript?limit=20" "$S/${NEW_SESSIONS[1]}" "$S?sort_by=created_at&sort_dir=asc&page=5" "$S/usage?group_by=model")
BODY="string.format('{\"id\":\"%08x-%04x-4000-8000-%012x\",\"model\":\"bench-model\",\"agent\":\"bench-agent\",\"labels\":{\"team\":[\"red\"],\"env\":[\"prod\"]}}', os.time(), me, n)"
spread_lua_sending "$WORK/create.lua" POST "$TOKEN" "$BODY" "$S"
spread_lua "$WORK/append.lua" "$TOKEN" "$APPEND_BODY" $(printf "$S/%s/transcript " "${NEW_SESSIONS[@]}")
spread_lua_sending "$WORK/read.lua" GET "$TOKEN" nil "${READS[@]}"

loads=()
for load in create append read; do
  wrk -t1 -c5 -d"${SECONDS_EACH}s" -s "$WORK/$load.lua" "$BASE" >"$WORK/$load.out" &
  loads+=($!)
done
wait "${loads[@]}"
for load in create append read; do
  echo "$load: $(awk '/Requests\/sec/ {print $2}' "$WORK/$load.out") a second$(awk '/Non-2xx/ {print ", non-2xx " $NF}' "$WORK/$load.out")"
done

# timed_reads: each read's status and seconds, three times.
timed_reads() {
  local read
  for read in "${READS[@]}"; do
    printf '  %-70s' "${read#"$S"}"
    for _ in 1 2 3; do curl -s -o /dev/null -w '%{http_code} %{time_total}s  ' "$BASE$read" -H "Authorization: Bearer $TOKEN"; done
    echo
  done
}
echo "the reads, $(date -u +%T):"
timed_reads
"${PSQL[@]}" -c "ANALYZE"
echo "after ANALYZE:"
timed_reads
sequential_scans
