#!/usr/bin/env bash
# Where the service allocates per request, on PostgreSQL: for each kind, the bytes allocated per
# request and their shares by type and by allocating site, from the runtime's AllocationTick
# events (dotnet-trace, one event about every 100 KB) read by bench/allocations/. Kinds: get (one
# session by id), append (two messages to 16 sessions, 16 writers), page (the first list page).
# A private PostgreSQL (the newest binaries installed) and the Release service on 127.0.0.1; every
# load is bounded. Runs as root (it starts PostgreSQL as the postgres user).
#   usage: bash bench/allocations.sh [KIND ...]      (get and append by default; about 2 minutes a kind)
# WARMUP seconds of load before each kind's trace (40), SECONDS_EACH of measured load (8), SITES
# shown (25); TRACES=DIR keeps the traces there. Needs wrk, the dotnet-trace global tool and the service built in Release.
# How bench/results/2026-12-04-allocations.md was taken.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PORT=5549
API_PORT=5098
SECONDS_EACH=${SECONDS_EACH:-8}
WARMUP=${WARMUP:-40}
KINDS=("$@")
[ ${#KINDS[@]} -gt 0 ] || KINDS=(get append)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DIR=/tmp/sessions-allocations-pg
export PATH="$PATH:$HOME/.dotnet/tools"
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
command -v dotnet-trace >/dev/null || { echo "dotnet-trace is required (dotnet tool install -g dotnet-trace)" >&2; exit 1; }
WORK=$(mktemp -d)

. bench/service.sh
cleanup() {
  [ -n "${API_PID:-}" ] && kill "$API_PID" 2>/dev/null || true
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build "$ROOT/bench/allocations" -c Release -nologo -v q -o "$WORK/tool" >/dev/null
start_postgres sessions_allocations

start_service "$API_PORT" "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sessions_allocations;Maximum Pool Size=64" Database__Provider=Postgres
TOKEN=$(dev_token allocations@example.com)
P=/api/v1/org/demo/ws/default/sessions
IDS=()
for _ in $(seq 1 16); do
  ID=$(cat /proc/sys/kernel/random/uuid)
  curl -sf -o /dev/null -X POST "$BASE$P" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"id\":\"$ID\",\"model\":\"m\",\"labels\":{\"team\":[\"red\"],\"tier\":[\"one\"],\"env\":[\"bench\"]}}"
  IDS+=("$ID")
done
BODY='{"messages":[{"role":"user","content":"bench question"},{"role":"assistant","content":"bench answer","usage":{"input_tokens":120,"output_tokens":12,"cost_usd":0.0012}}]}'
spread_lua "$WORK/append.lua" "$TOKEN" "$BODY" $(for id in "${IDS[@]}"; do echo "$P/$id/transcript"; done)
cat >"$WORK/read.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

for kind in "${KINDS[@]}"; do
  case "$kind" in
    get) SCRIPT="$WORK/read.lua"; URL="$BASE$P/${IDS[0]}" ;;
    page) SCRIPT="$WORK/read.lua"; URL="$BASE$P?page=1&limit=20" ;;
    append) SCRIPT="$WORK/append.lua"; URL="$BASE/" ;;
    *) echo "unknown kind $kind (get, page, append)" >&2; exit 2 ;;
  esac
  wrk -t2 -c16 -d"${WARMUP}s" -s "$SCRIPT" "$URL" >/dev/null
  # The trace spans the measured load and a second either side of it, when nothing is served.
  dotnet-trace collect -p "$API_PID" --providers "Microsoft-Windows-DotNETRuntime:0x1:5" \
    --duration "00:00:00:$((SECONDS_EACH + 2))" -o "$WORK/$kind.nettrace" >/dev/null 2>&1 &
  TRACE=$!
  sleep 1
  OUT=$(wrk -t2 -c16 -d"${SECONDS_EACH}s" -s "$SCRIPT" "$URL")
  wait "$TRACE" || true
  REQUESTS=$(echo "$OUT" | awk '/requests in/ {print $1}')
  echo "== $kind: $REQUESTS requests, $(echo "$OUT" | awk '/Requests\/sec/ {print $2}') a second"
  dotnet "$WORK/tool/Allocations.dll" "$WORK/$kind.nettrace" "$REQUESTS" "${SITES:-25}"
  [ -z "${TRACES:-}" ] || { mkdir -p "$TRACES" && cp "$WORK/$kind.nettrace" "$TRACES/"; }
  echo
done
