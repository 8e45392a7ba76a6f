#!/usr/bin/env bash
# Two builds' appends on PostgreSQL in alternating windows: CONNECTIONS writers (16: wrk -t2 -c16) appending
# bench/appends.sh's two messages (APPEND_BODY of bench/service.sh) to SESSIONS sessions (16; 1 for one session's line of writers), first to build A, then to build B, ROUNDS times,
# each window SECONDS_EACH long. Both services run at once, each on its own database of one private
# PostgreSQL, so that adjacent windows meet the machine alike (its cores' speed moves from minute
# to minute, bench/results/2026-12-06-slow-processes.md). Each window reports req/s, p99, the
# service's CPU per append and the CPU per append of the PostgreSQL backends serving that build
# (pg_stat_activity by database; the server's shared processes apart).
#   usage: A_DIR=/path/to/Release/net10.0 [B_DIR=...] [SESSIONS=16] [CONNECTIONS=16] [ROUNDS=4] [SECONDS_EACH=8] [WARM=60] bash bench/appends-alternating.sh
# DB_PORT, when set, is the port the services reach PostgreSQL at (a proxy in front of it, such as
# bench/latency_proxy.py on DB_PORT forwarding to 5551). B_DIR is the current tree's Release output by default. Runs as root (it starts PostgreSQL as
# the postgres user); needs wrk. Every load is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=5551
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DIR=/tmp/sessions-alternating-pg
ROUNDS=${ROUNDS:-4}
SECONDS_EACH=${SECONDS_EACH:-8}
WARM=${WARM:-60}
SESSIONS=${SESSIONS:-16}
CONNECTIONS=${CONNECTIONS:-16}
. bench/service.sh
require_counts SESSIONS CONNECTIONS
THREADS=$((CONNECTIONS < 2 ? 1 : 2))
: "${A_DIR:?A_DIR names the Release output of build A}"
B_DIR=${B_DIR:-src/Sessions.Api/bin/Release/net10.0}
A_DIR=$(cd "$A_DIR" && pwd)
B_DIR=$(cd "$B_DIR" && pwd)
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
WORK=$(mktemp -d)
TICKS=$(getconf CLK_TCK)

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres build_a
"${PG_BIN}/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE DATABASE build_b"
P=/api/v1/org/demo/ws/default/sessions
declare -A BASES SERVICE_PIDS SCRIPTS
for build in a b; do
  dir=$A_DIR
  [ "$build" = b ] && dir=$B_DIR
  API_DIR=$dir start_service $((5100 + ${#PIDS[@]})) "Host=127.0.0.1;Port=${DB_PORT:-$PORT};Username=postgres;Database=build_$build;Maximum Pool Size=64" Database__Provider=Postgres
  PIDS+=("$API_PID")
  SERVICE_PIDS[$build]=$API_PID
  BASES[$build]=$BASE
  TOKEN=$(dev_token "alternating-$build@example.com")
  new_sessions "$SESSIONS" "$TOKEN"
  SCRIPTS[$build]=$WORK/spread-$build.lua
  spread_lua "${SCRIPTS[$build]}" "$TOKEN" "$APPEND_BODY" $(printf "$P/%s/transcript " "${NEW_SESSIONS[@]}")
done

# CPU ticks of the backends connected to a build's database.
backend_ticks() {
  local pid stat
  for pid in $("${PG_BIN}/psql" -h 127.0.0.1 -p "$PORT" -U postgres -A -t -c "SELECT pid FROM pg_stat_activity WHERE datname = 'build_$1'"); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat_ticks "$stat"
  done | awk '{ sum += $1 } END { print sum + 0 }'
}
process_ticks() { stat_ticks "$(cat "/proc/$1/stat")"; }

# The write path reaches its steady code only after about a minute of appends (the JIT's tiers).
for build in a b; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARM}s" -s "${SCRIPTS[$build]}" "${BASES[$build]}/" >/dev/null
done

echo "| round | build | req/s | p99 | service CPU per append (µs) | its backends' CPU per append (µs) |"
echo "|---:|---|---:|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
  for build in a b; do
    s0=$(process_ticks "${SERVICE_PIDS[$build]}"); p0=$(backend_ticks "$build")
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s "${SCRIPTS[$build]}" "${BASES[$build]}/")
    s1=$(process_ticks "${SERVICE_PIDS[$build]}"); p1=$(backend_ticks "$build")
    n=$(echo "$out" | awk '/requests in/ {print $1}')
    failed=$(echo "$out" | awk '/Non-2xx/ {f += $NF} /Socket errors/ {gsub(/[^0-9 ]/, " "); f += $1 + $2 + $3 + $4} END {print f + 0}')
    if [ "${n:-0}" -eq 0 ] || [ "$failed" -ne 0 ]; then
      echo "build $build: $failed of ${n:-0} requests failed" >&2
      exit 1
    fi
    printf '| %d | %s | %s | %s | %d | %d |\n' "$round" "${build^^}" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
      "$(echo "$out" | awk '$1 == "99%" {print $2}')" $(((s1 - s0) * 1000000 / TICKS / n)) $(((p1 - p0) * 1000000 / TICKS / n))
  done
done
