#!/usr/bin/env bash
# Runs bench/shapes.py (a bounded stream of list and facet requests of varied shapes) against the
# Release service on a fresh SQLite file (or PostgreSQL with PROVIDER=Postgres and PG_CONN), with
# /metrics on, after creating SESSIONS labelled sessions. Prints, per block of requests, EF Core's
# compiled-query cache misses, CPU time per request and resident memory.
#   usage: bash bench/shapes.sh [REQUESTS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-2000}
SEED=${2:-7}
PROVIDER=${PROVIDER:-Sqlite}
API_PORT=5098
WORK=$(mktemp -d)
cleanup() { [ -n "${API_PID:-}" ] && kill "$API_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

CONN="Data Source=$WORK/sessions.db"
[ "$PROVIDER" = Postgres ] && CONN=${PG_CONN:?set PG_CONN to a PostgreSQL connection string}
. bench/service.sh
start_service "$API_PORT" "$CONN" Database__Provider="$PROVIDER" Metrics__Prometheus=true
TOKEN=$(dev_token shapes@example.com)
for i in $(seq 1 "${SESSIONS:-200}"); do
  curl -sf -o /dev/null -X POST "$BASE/api/v1/org/demo/ws/default/sessions" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"model\":\"model-$((i % 9))\",\"agent\":\"agent-$((i % 7))\",\"title\":\"session $i of agent prod-$((i % 3))\",\"labels\":{\"env\":[\"v$((i % 40))\"],\"team\":[\"v$((i % 13))\"],\"k8s:ns\":[\"v$((i % 5))\"]}}"
done
DOTNET_PID=$(pgrep -f "Sessions.Api.dll --urls http://127.0.0.1:$API_PORT" | head -n 1)
python3 bench/shapes.py "$BASE" "$TOKEN" "$DOTNET_PID" "$REQUESTS" "$SEED"
