#!/usr/bin/env bash
# The first list page (20 sessions, the default page) by how many labels its sessions carry: three
# workspaces of one service, their 20 sessions with no label, one, and three (of three keys), read
# in alternation by wrk -t2 -c16. Prints each run's rate, p50 and p99; ROUNDS alternating rounds
# (2), WARMUP seconds of each before them (15), SECONDS_EACH seconds each (8). SQLite, or
# PostgreSQL with PG=1 (a private instance of PG_BIN's binaries). Needs wrk and the service built in
# Release. How bench/results/2026-12-05-labels-on-a-page.md was measured.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-15}
MEASURE=${SECONDS_EACH:-8}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=5548
PG_DIR=/tmp/sessions-page-labels-pg
WORK=$(mktemp -d)
. bench/service.sh
trap stop_chosen_service EXIT
start_chosen_service 5096
declare -A LABELS=(
  [none]=''
  [one]='"labels":{"team":["red"]},'
  [three]='"labels":{"team":["red"],"env":["prod"],"tier":["gold"]},'
)
KINDS=(none one three)
for kind in "${KINDS[@]}"; do
  token=$(curl -sf -X POST "$BASE/dev/token" -H 'Content-Type: application/json' \
    -d "{\"email\":\"labels@example.com\",\"org\":\"demo\",\"workspace\":\"$kind\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  path=/api/v1/org/demo/ws/$kind/sessions
  for i in $(seq 1 20); do
    curl -sf -o /dev/null -X POST "$BASE$path" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{${LABELS[$kind]}\"id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"model\":\"m\",\"title\":\"session $i\"}"
  done
  cat >"$WORK/$kind.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
request = function() return wrk.format("GET", "$path") end
LUA
done
for kind in "${KINDS[@]}"; do wrk -t2 -c16 -d"${WARMUP}s" -s "$WORK/$kind.lua" "$BASE" >/dev/null; done
for round in $(seq 1 "$ROUNDS"); do
  for kind in "${KINDS[@]}"; do
    out=$(wrk -t2 -c16 -d"${MEASURE}s" --latency -s "$WORK/$kind.lua" "$BASE")
    printf 'round %s, labels %-5s: %8s req/s, p50 %s, p99 %s, non-2xx %s\n' "$round" "$kind" \
      "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")" \
      "$(awk '/Non-2xx/ {print $4}' <<<"$out" | grep . || echo 0)"
  done
done
