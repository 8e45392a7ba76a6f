#!/usr/bin/env bash
# Samples the service's CPU with perf under the side-by-side benchmark's load and prints where a
# request's time goes: inclusive shares of the process's samples under the frames given (regular
# expressions over the runtime's method names), each with its direct callees. How
# bench/results/2026-12-01-stack-costs.md section 1 was taken.
#   usage: bash bench/perf.sh get|refreeze|page|append [FRAME_REGEX ...]
# get and refreeze send the side-by-side benchmark's requests; page reads the first list page: 20
# sessions, the 19 newest with three labels each; append appends bench/appends.sh's two messages
# to 16 sessions in turn.
#   e.g.:  bash bench/perf.sh get 'DfaMatcher::MatchAsync' 'SessionReadStore\+<OneAsync>'
# WARM=seconds of load before sampling (60 by default: with less, the JIT's tiering thread still
# takes a fifth of the samples, bench/results/2026-12-02-compiled-browsing.md).
# Needs perf (apt-get install linux-perf) and wrk; the service built in Release. A fresh SQLite
# file each run, or with PG=1 a private PostgreSQL of PG_BIN's binaries (run as root). The samples
# stay in .artifacts/perf/ (KIND.data, KIND.stacks).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
KIND=${1:-get}
shift || true
API_PORT=5093
PORT=5549
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=/tmp/sessions-perf-pg
WORK=$(mktemp -d)
OUT=$ROOT/.artifacts/perf
mkdir -p "$OUT"

. bench/service.sh
trap stop_chosen_service EXIT
# The perf map names JIT'd code; with W^X on, perf sees that code in an anonymous double mapping
# that the map does not describe.
start_chosen_service "$API_PORT" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
TOKEN=$(dev_token perf@example.com)
PATH_BASE=/api/v1/org/demo/ws/default/sessions/
ID=$(cat /proc/sys/kernel/random/uuid)
curl -sf -o /dev/null -X POST "$BASE${PATH_BASE%/}" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "{\"id\":\"$ID\",\"model\":\"m\"}"
curl -sf -o /dev/null -X POST "$BASE$PATH_BASE$ID/freeze" -H "Authorization: Bearer $TOKEN"
SCRIPT="../shared/bench/$KIND.lua"
if [ "$KIND" = page ]; then
  for _ in $(seq 1 19); do
    curl -sf -o /dev/null -X POST "$BASE${PATH_BASE%/}" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d "{\"id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"model\":\"m\",\"labels\":{\"team\":[\"red\"],\"env\":[\"prod\"],\"tier\":[\"gold\"]}}"
  done
  SCRIPT=$WORK/page.lua
  spread_lua_sending "$SCRIPT" GET "$TOKEN" nil "${PATH_BASE%/}"
elif [ "$KIND" = append ]; then
  new_sessions 16 "$TOKEN"
  SCRIPT=$WORK/append.lua
  spread_lua "$SCRIPT" "$TOKEN" "$APPEND_BODY" $(printf "$PATH_BASE%s/transcript " "${NEW_SESSIONS[@]}")
fi
wrk -t2 -c16 -d"${WARM:-60}"s -s "$SCRIPT" "$BASE" -- "$ID" "$TOKEN" "$PATH_BASE" >/dev/null   # warm-up
perf record -F 999 -g -p "$API_PID" -o "$OUT/$KIND.data" -- sleep 8 >/dev/null 2>&1 &
PERF=$!
wrk -t2 -c16 -d8s --latency -s "$SCRIPT" "$BASE" -- "$ID" "$TOKEN" "$PATH_BASE" | grep -E "Requests/sec|  50%|  99%"
wait "$PERF"
perf script -i "$OUT/$KIND.data" >"$OUT/$KIND.stacks" 2>/dev/null
FRAMES=("$@")
[ ${#FRAMES[@]} -gt 0 ] || FRAMES=('HttpProtocol\+<ProcessRequests>' 'DfaMatcher::MatchAsync' 'ControllerBinderDelegateProvider' \
  'Mediator::Send' 'SessionReadStore\+<OneAsync>' 'SessionReadStore\+<ListAsync>' 'ObjectResultExecutor::ExecuteAsync' 'DynamicMethod::CreateDelegate')
for frame in "${FRAMES[@]}"; do
  echo "== $frame"
  python3 bench/perf_tree.py "$OUT/$KIND.stacks" "$frame" 8
done
