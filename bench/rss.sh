#!/usr/bin/env bash
# What is resident after the side-by-side benchmark's sequence on SQLite (seeding, committing
# freezes, idempotent freezes, GETs; wrk -t2 -c16, STEP_SECONDS each), for one setting: prints each
# step's rate and the service's VmRSS, GC-committed memory and resident memory by mapping kind.
# Usage: [EXTRA_ENV="DOTNET_TieredPGO=0 MALLOC_ARENA_MAX=2"] [PREMIGRATE=1] bash bench/rss.sh
# PREMIGRATE=1 migrates the database in a process of its own first and starts the measured one
# with Database:InitializeAtStartup=false. Needs: wrk, python3, the .NET SDK (dotnet-counters
# optional). Writes nothing to the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
STEP_SECONDS=${STEP_SECONDS:-8}
CREATE_SECONDS=${CREATE_SECONDS:-30}
SESSIONS=${SESSIONS:-20000}
API_PORT=5094
WORK=$(mktemp -d)
cleanup() { [ -n "${API_PID:-}" ] && kill "$API_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }

dotnet build src/Sessions.Api -c Release -nologo -v q >/dev/null
BIN=src/Sessions.Api/bin/Release/net10.0
BASE="http://127.0.0.1:$API_PORT"
start() {
  (cd "$BIN" && ASPNETCORE_ENVIRONMENT=Development Database__Provider=Sqlite ConnectionStrings__Sessions="Data Source=$WORK/sessions.db" \
    RateLimiting__PermitLimit=1000000000 Logging__LogLevel__Default=Warning ASPNETCORE_URLS="$BASE" \
    exec env "$@" dotnet Sessions.Api.dll >>"$WORK/api.log" 2>&1) &
  API_PID=$!
  for _ in $(seq 1 60); do curl -sf "$BASE/health/live" >/dev/null && return; sleep 0.5; done
  echo "the service did not start: $(tail -5 "$WORK/api.log")" >&2; exit 1
}
read -r -a SETTINGS <<< "${EXTRA_ENV:-}"
if [ -n "${PREMIGRATE:-}" ]; then
  start "${SETTINGS[@]}"; kill "$API_PID"; wait "$API_PID" 2>/dev/null || true
  SETTINGS+=(Database__InitializeAtStartup=false)
fi
start "${SETTINGS[@]}"

TOKEN=$(curl -sf -X POST "$BASE/dev/token" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","org":"demo","workspace":"default","role":"member","scopes":["sessions:read","sessions:write"]}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
P=/api/v1/org/demo/ws/default/sessions
python3 -c "import uuid; print('\n'.join(str(uuid.uuid4()) for _ in range($SESSIONS)))" > "$WORK/ids"
ID=$(head -n 1 "$WORK/ids")

# Each request takes the next id of the file (per wrk thread): POST creates it, or freezes it.
cat > "$WORK/walk.lua" <<'LUA'
local threads = {}
function setup(thread) thread:set("tid", #threads); table.insert(threads, thread) end
function init(args)
  ids = {}
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  token, base, mode = args[2], args[3], args[4]
  idx = tid + 1
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  local id = ids[idx]
  idx = idx + 2
  if idx > #ids then idx = tid + 1 end
  if mode == "create" then return wrk.format("POST", base, nil, '{"id":"' .. id .. '","model":"m","title":"bench"}') end
  return wrk.format("POST", base .. "/" .. id .. "/freeze")
end
LUA
cat > "$WORK/one.lua" <<'LUA'
function init(args) method, path = args[1], args[2]; wrk.headers["Authorization"] = "Bearer " .. args[3] end
function request() return wrk.format(method, path) end
LUA
rate() { wrk -t2 -c16 -d"$1s" --latency -s "${@:2}" | awk '/Requests\/sec/ {r=$2} $1 == "99%" {p=$2} END {printf "%s req/s, p99 %s", r, p}'; }

echo "create:        $(rate "$CREATE_SECONDS" "$WORK/walk.lua" "$BASE" -- "$WORK/ids" "$TOKEN" "$P" create)"
curl -s -o /dev/null -X POST "$BASE$P/$ID/freeze" -H "Authorization: Bearer $TOKEN"
echo "freeze:        $(rate "$STEP_SECONDS" "$WORK/walk.lua" "$BASE" -- "$WORK/ids" "$TOKEN" "$P" freeze)"
echo "freeze again:  $(rate "$STEP_SECONDS" "$WORK/one.lua" "$BASE" -- POST "$P/$ID/freeze" "$TOKEN")"
echo "GET:           $(rate "$STEP_SECONDS" "$WORK/one.lua" "$BASE" -- GET "$P/$ID" "$TOKEN")"
echo "setting:       ${EXTRA_ENV:-defaults}${PREMIGRATE:+, migrated by another process}"
grep VmRSS "/proc/$API_PID/status"
if command -v dotnet-counters >/dev/null || [ -x ~/.dotnet/tools/dotnet-counters ]; then
  COUNTERS=$(command -v dotnet-counters || echo ~/.dotnet/tools/dotnet-counters)
  "$COUNTERS" collect -p "$API_PID" --counters System.Runtime --refresh-interval 1 --duration 00:00:00:03 --format csv -o "$WORK/counters.csv" >/dev/null 2>&1 || true
  awk -F, '/memory.committed_size|last_collection.heap.size/ {v[$3] = $NF} END {for (k in v) printf "%s %.1f MB\n", k, v[k] / 1048576}' "$WORK/counters.csv" 2>/dev/null | sort || true
fi
python3 bench/resident.py "$API_PID"
