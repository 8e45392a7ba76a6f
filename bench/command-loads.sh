#!/usr/bin/env bash
# Commands that load a session for change, by how many labels the sessions carry: two workspaces of
# one service, 16 sessions each with no label or with three (of three keys), and in each a change of
# the title (PATCH, a new title every request, so every one writes) and an append of two messages,
# spread over the 16 sessions by wrk -t2 -c16. Prints each run's rate, p50 and p99; ROUNDS
# alternating rounds (2), WARMUP seconds of each before them (15), SECONDS_EACH seconds each (8).
# SQLite, or PostgreSQL with PG=1 (a private instance of PG_BIN's binaries). Needs wrk and the
# service built in Release. How bench/results/2026-12-05-command-loads.md was measured.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-15}
MEASURE=${SECONDS_EACH:-8}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=5549
PG_DIR=/tmp/sessions-command-loads-pg
WORK=$(mktemp -d)
. bench/service.sh
trap stop_chosen_service EXIT
start_chosen_service 5097
declare -A LABELS=(
  [none]=''
  [three]='"labels":{"team":["red"],"env":["prod"],"tier":["gold"]},'
)
KINDS=(none three)
for kind in "${KINDS[@]}"; do
  token=$(curl -sf -X POST "$BASE/dev/token" -H 'Content-Type: application/json' \
    -d "{\"email\":\"loads@example.com\",\"org\":\"demo\",\"workspace\":\"$kind\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  path=/api/v1/org/demo/ws/$kind/sessions
  paths=()
  for i in $(seq 1 16); do
    id=$(cat /proc/sys/kernel/random/uuid)
    curl -sf -o /dev/null -X POST "$BASE$path" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{${LABELS[$kind]}\"id\":\"$id\",\"model\":\"m\",\"title\":\"session $i\"}"
    paths+=("$path/$id")
  done
  spread_lua "$WORK/$kind-append.lua" "$token" \
    '{"messages":[{"role":"user","content":"hello"},{"role":"assistant","content":"hi"}]}' "${paths[@]/%//transcript}"
  spread_lua_sending "$WORK/$kind-title.lua" PATCH "$token" "'{\"title\":\"title ' .. me .. ' ' .. n .. '\"}'" "${paths[@]}"
done
RUNS=(none-title three-title none-append three-append)
for run in "${RUNS[@]}"; do wrk -t2 -c16 -d"${WARMUP}s" -s "$WORK/$run.lua" "$BASE" >/dev/null; done
for round in $(seq 1 "$ROUNDS"); do
  for run in "${RUNS[@]}"; do
    out=$(wrk -t2 -c16 -d"${MEASURE}s" --latency -s "$WORK/$run.lua" "$BASE")
    printf 'round %s, %-13s: %8s req/s, p50 %s, p99 %s, non-2xx %s\n' "$round" "$run" \
      "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")" \
      "$(awk '/Non-2xx/ {print $4}' <<<"$out" | grep . || echo 0)"
  done
done
