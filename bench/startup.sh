#!/usr/bin/env bash
# How long the service takes to answer its first /health/live and what it keeps resident idle after
# 3 s, on a new SQLite database and then on the same database again (Production environment, a home
# directory of its own), RUNS times.
# Usage: [BIN=path/to/build/output] [RUNS=3] bash bench/startup.sh
# Without BIN it builds src/Sessions.Api in Release and measures that. Writes nothing to the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  dotnet build src/Sessions.Api -c Release -nologo -v q >/dev/null
  BIN=src/Sessions.Api/bin/Release/net10.0
fi
BIN=$(cd "$BIN" && pwd)
API_PORT=5095
WORK=$(mktemp -d)
cleanup() { [ -n "${API_PID:-}" ] && kill "$API_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for run in $(seq 1 "${RUNS:-3}"); do
  rm -rf "$WORK/home" "$WORK"/s.db*; mkdir -p "$WORK/home"
  for database in new again; do
    start=$(date +%s%N)
    (cd "$BIN" && HOME="$WORK/home" ASPNETCORE_ENVIRONMENT=Production Database__Provider=Sqlite \
      ConnectionStrings__Sessions="Data Source=$WORK/s.db" Auth__Issuer=bench Auth__Audience=bench \
      Auth__SigningKey=bench-signing-key-0123456789abcdef0123456789 ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" \
      exec dotnet Sessions.Api.dll >"$WORK/api.log" 2>&1) &
    API_PID=$!
    until curl -sf "http://127.0.0.1:$API_PORT/health/live" >/dev/null; do
      kill -0 "$API_PID" 2>/dev/null || { echo "the service exited: $(tail -5 "$WORK/api.log")" >&2; exit 1; }
      sleep 0.02
    done
    ready=$(date +%s%N)
    sleep 3
    echo "run $run, $database database: first answer after $(( (ready - start) / 1000000 )) ms, idle $(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$API_PID/status") MB"
    kill "$API_PID"; wait "$API_PID" 2>/dev/null || true; API_PID=
  done
done
