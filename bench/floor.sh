#!/usr/bin/env bash
# The stack's floor in resident memory: bench/floor (the packages the service is built on, answering
# one GET of one row, no code of the service's own) under the side-by-side benchmark's GET load
# (wrk -t2 -c16, WARM_SECONDS of warm-up, then STEP_SECONDS measured), for each stack of FLOOR_STACKS;
# the stack "ceiling-sqlite" is the side-by-side benchmark's raw ADO.NET ceiling
# (CEILING_SRC, by default ../shared/bench/ceiling beside the repository) and "service" the
# service itself on SQLite (its Release build, one session created by the benchmark's user), for
# ratios from the same run. EXTRA_ENV adds environment settings to every process it starts (as in
# bench/rss.sh). Prints each stack's rate, p99, VmRSS and resident memory by mapping kind.
# Needs: wrk, curl, python3 and the .NET SDK. Writes to the repository only bench/floor's obj/ and,
# for "service", the service's Release build.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CEILING_SRC=$(realpath -m "${CEILING_SRC:-$ROOT/../shared/bench/ceiling}")
cd "$ROOT/bench/floor"
WARM_SECONDS=${WARM_SECONDS:-20}
STEP_SECONDS=${STEP_SECONDS:-8}
FLOOR_STACKS=${FLOOR_STACKS:-"ceiling-sqlite mvc-ef full service"}
for stack in $FLOOR_STACKS; do
  case "$stack" in ceiling-sqlite|mvc-ef|full|service) ;; *) echo "unknown stack '$stack': ceiling-sqlite, mvc-ef, full or service" >&2; exit 2 ;; esac
done
PORT=5096
WORK=$(mktemp -d)
cleanup() { [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
dotnet build -c Release -nologo -v q -o "$WORK/bin" >/dev/null
[[ " $FLOOR_STACKS " != *" service "* ]] || dotnet build "$ROOT/src/Sessions.Api" -c Release -nologo -v q >/dev/null
if [[ " $FLOOR_STACKS " == *" ceiling-sqlite "* ]]; then
  cp -r "$CEILING_SRC" "$WORK/ceiling-src"  # built from a copy: the shared folder may be read-only
  dotnet build "$WORK/ceiling-src" -c Release -nologo -v q -o "$WORK/ceiling" >/dev/null
fi
cat > "$WORK/get.lua" <<'LUA'
function init(args) path = args[1]; wrk.headers["Authorization"] = "Bearer " .. args[2] end
function request() return wrk.format("GET", path) end
LUA
read -r -a SETTINGS <<< "${EXTRA_ENV:-}"
for stack in $FLOOR_STACKS; do
  rm -f "$WORK"/*.db* "$WORK/token"
  if [ "$stack" = ceiling-sqlite ]; then
    ID=$(python3 -c 'import uuid; print(uuid.uuid4())'); TOKEN=x; echo "$ID" > "$WORK/ids"
    (cd "$WORK" && CEILING_DB=sqlite CEILING_CONN="Data Source=$WORK/ceiling.db" CEILING_IDS="$WORK/ids" \
      exec env "${SETTINGS[@]}" dotnet ceiling/Ceiling.dll --urls "http://127.0.0.1:$PORT" >"$WORK/floor.log" 2>&1) &
  elif [ "$stack" = service ]; then
    (cd "$ROOT/src/Sessions.Api/bin/Release/net10.0" && ASPNETCORE_ENVIRONMENT=Development Database__Provider=Sqlite \
      ConnectionStrings__Sessions="Data Source=$WORK/sessions.db" RateLimiting__PermitLimit=1000000000 Logging__LogLevel__Default=Warning \
      ASPNETCORE_URLS="http://127.0.0.1:$PORT" exec env "${SETTINGS[@]}" dotnet Sessions.Api.dll >"$WORK/floor.log" 2>&1) &
  else
    (cd "$WORK" && FLOOR_STACK=$stack FLOOR_DB="$WORK/floor.db" FLOOR_TOKEN_FILE="$WORK/token" ASPNETCORE_URLS="http://127.0.0.1:$PORT" \
      exec env "${SETTINGS[@]}" dotnet bin/Floor.dll >"$WORK/floor.log" 2>&1) &
  fi
  PID=$!
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health/live" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$PORT/health/live" >/dev/null || { echo "$stack did not start: $(tail -5 "$WORK/floor.log")" >&2; exit 1; }
  if [ "$stack" = service ]; then
    TOKEN=$(curl -sf -X POST "http://127.0.0.1:$PORT/dev/token" -H 'Content-Type: application/json' \
      -d '{"email":"bench@example.com","org":"demo","workspace":"default","role":"member","scopes":["sessions:read","sessions:write"]}' \
      | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
    ID=$(python3 -c 'import uuid; print(uuid.uuid4())')
    curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/api/v1/org/demo/ws/default/sessions" -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d "{\"id\":\"$ID\",\"model\":\"m\",\"title\":\"bench\"}"
  elif [ "$stack" != ceiling-sqlite ]; then
    read -r ID TOKEN < "$WORK/token"
  fi
  URL="http://127.0.0.1:$PORT/api/v1/org/demo/ws/default/sessions/$ID"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL")" = 200 ] || { echo "$stack${EXTRA_ENV:+ ($EXTRA_ENV)}: GET did not answer 200" >&2; exit 1; }
  wrk -t2 -c16 -d"${WARM_SECONDS}s" -s "$WORK/get.lua" "$URL" -- "$URL" "$TOKEN" >/dev/null
  RESULT=$(wrk -t2 -c16 -d"${STEP_SECONDS}s" --latency -s "$WORK/get.lua" "$URL" -- "$URL" "$TOKEN" \
    | awk '/Requests\/sec/ {r=$2} $1 == "99%" {p=$2} /Non-2xx/ {e=$NF} END {printf "%s req/s, p99 %s%s", r, p, e ? ", non-2xx " e : ""}')
  echo "$stack${EXTRA_ENV:+ ($EXTRA_ENV)}: GET $RESULT, $(grep VmRSS /proc/$PID/status | tr -s ' \t' ' ')"
  python3 ../resident.py "$PID" --line
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
done
