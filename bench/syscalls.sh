#!/usr/bin/env bash
# System calls and CPU per request of the service and of the shared raw ADO.NET ceiling
# (`ceiling-sqlite` of ../shared/bench), each on a fresh SQLite file, or with PG=1 of the service
# and `ceiling-pg`, each on a fresh database of a private PostgreSQL (PG_BIN's binaries), under the side-by-side
# benchmark's load (wrk -t2 -c16, KIND's script of ../shared/bench: get or refreeze): WARM seconds of
# warm-up (20), then MEASURE seconds (8) counted by `perf stat` on the process's system-call
# tracepoints and by its CPU time from /proc. RUNS pairs (1), each a fresh service process then a
# fresh ceiling process, so that a slow process shows beside the other's rate of the same minute.
# Prints for each process: each core's time at a fixed loop before its load, its rate, its CPU per
# request and each counted call per request, its CPU per request by thread name (the runtime names
# its threads: `.NET TP Worker`, `.NET Tiered Com`, `.NET Server GC`...; a name under 0.5 µs is left
# out), with PG=1 the CPU per request of the database server's processes, and the cores' times
# again after its load. Needs perf (apt-get install linux-perf), wrk, taskset and the service built
# in Release, with PG=1 PostgreSQL's binaries in PG_BIN (15's by default), psql and a postgres
# user; run as root.
#   usage: [RUNS=N] [WARM=S] [MEASURE=S] [PG=1] bash bench/syscalls.sh [get|refreeze]
set -euo pipefail
cd "$(dirname "$0")/.."
KIND=${1:-get}
WARM=${WARM:-20}
MEASURE=${MEASURE:-8}
RUNS=${RUNS:-1}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "RUNS is a count of pairs, 1 or more: '$RUNS'" >&2; exit 2; }
CALLS=(sendto recvfrom read fcntl epoll_wait futex)
SHARED=$(cd ../shared/bench && pwd)
SESSIONS=/api/v1/org/demo/ws/default/sessions
CEILING_DLL=/tmp/sessions-syscalls-ceiling/Ceiling.dll
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=/tmp/sessions-syscalls-pg
PORT=5551
WORK=$(mktemp -d)
. bench/service.sh
CEILING_PID=
STAT_PID=
cleanup() {
  for pid in "${API_PID:-}" "$CEILING_PID" "$STAT_PID"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  [ -z "${PG:-}" ] || stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

# thread_ticks PID: each live thread's name and its CPU ticks so far, one "TID<TAB>NAME<TAB>TICKS" a line.
thread_ticks() {
  local task stat name
  for task in /proc/"$1"/task/*; do
    stat=$(cat "$task/stat" 2>/dev/null) || continue
    name=${stat#*(}
    printf '%s\t%s\t%s\n' "${task##*/}" "${name%)*}" "$(stat_ticks "$stat")"
  done
}

# measure NAME PID BASE ID TOKEN: the load on one process, its calls and CPU per request.
measure() {
  local name=$1 pid=$2 base=$3 id=$4 token=$5 events ticks_before ticks_after server_before server_after out requests hz
  hz=$(getconf CLK_TCK)
  wrk -t2 -c16 -d"${WARM}s" -s "$SHARED/$KIND.lua" "$base" -- "$id" "$token" "$SESSIONS/" >/dev/null
  events=$(printf 'syscalls:sys_enter_%s,' "${CALLS[@]}")
  ticks_before=$(stat_ticks "$(cat "/proc/$pid/stat")")
  thread_ticks "$pid" >"$WORK/$name.threads-before"
  [ -z "${PG:-}" ] || server_before=$(server_ticks)
  perf stat -x, -e "${events%,}" -p "$pid" -o "$WORK/$name.stat" -- sleep "$MEASURE" &
  STAT_PID=$!
  out=$(wrk -t2 -c16 -d"${MEASURE}s" -s "$SHARED/$KIND.lua" "$base" -- "$id" "$token" "$SESSIONS/")
  ticks_after=$(stat_ticks "$(cat "/proc/$pid/stat")")
  thread_ticks "$pid" >"$WORK/$name.threads-after"
  [ -z "${PG:-}" ] || server_after=$(server_ticks)
  wait "$STAT_PID"
  STAT_PID=
  if grep -q 'Non-2xx' <<<"$out"; then echo "$name answered other than 2xx: $out" >&2; return 1; fi
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  printf '%-8s %8.0f req/s  CPU %5.0f µs/request ' "$name" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk -v t=$((ticks_after - ticks_before)) -v hz="$hz" -v n="$requests" 'BEGIN {print t / hz * 1e6 / n}')"
  awk -F, -v n="$requests" '/sys_enter_/ {sub(/.*sys_enter_/, "", $3); printf " %s %.2f", $3, $1 / n} END {print ""}' "$WORK/$name.stat"
  # A thread born in the window counts from zero; one that ended in it is not counted.
  awk -F'\t' -v hz="$hz" -v n="$requests" '
    FILENAME == ARGV[1] { before[$1] = $3; next }
    { spent[$2] += $3 - before[$1] }
    END { for (t in spent) if (spent[t] / hz * 1e6 / n >= 0.5) printf "%s\t%.0f\n", t, spent[t] / hz * 1e6 / n }' \
    "$WORK/$name.threads-before" "$WORK/$name.threads-after" |
    sort -t$'\t' -k2,2nr | awk -F'\t' '{ line = line "  " $1 " " $2 } END { print "         by thread:" line }'
  [ -z "${PG:-}" ] || awk -v t=$((server_after - server_before)) -v hz="$hz" -v n="$requests" \
    'BEGIN { printf "         database server: %.0f µs/request\n", t / hz * 1e6 / n }'
}

rm -rf "$WORK/ceiling-src" && cp -r "$SHARED/ceiling" "$WORK/ceiling-src"
dotnet build "$WORK/ceiling-src" -c Release -o "$(dirname "$CEILING_DLL")" -nologo -v q >"$WORK/ceiling-build.log" \
  || { cat "$WORK/ceiling-build.log" >&2; exit 1; }
python3 -c "import uuid; print('\n'.join(str(uuid.uuid4()) for _ in range(1000)))" >"$WORK/ids"
CEILING_ID=$(head -n 1 "$WORK/ids")

for run in $(seq 1 "$RUNS"); do
  [ "$RUNS" -gt 1 ] && echo "run $run"
  core_speeds before
  if [ -n "${PG:-}" ]; then
    start_postgres sessions
    psql -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE ceiling"
    SERVICE_SETTINGS=("Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sessions" Database__Provider=Postgres)
    CEILING_SETTINGS=(CEILING_DB=postgres "CEILING_CONN=Host=127.0.0.1;Port=$PORT;Username=postgres;Database=ceiling")
  else
    rm -f "$WORK"/sessions.db* "$WORK"/ceiling.db*
    SERVICE_SETTINGS=("Data Source=$WORK/sessions.db")
    CEILING_SETTINGS=(CEILING_DB=sqlite "CEILING_CONN=Data Source=$WORK/ceiling.db")
  fi
  start_service 5092 "${SERVICE_SETTINGS[@]}"
  TOKEN=$(dev_token syscalls@example.com)
  ID=$(cat /proc/sys/kernel/random/uuid)
  curl -sf -o /dev/null -X POST "$BASE$SESSIONS" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "{\"id\":\"$ID\",\"model\":\"m\"}"
  curl -sf -o /dev/null -X POST "$BASE$SESSIONS/$ID/freeze" -H "Authorization: Bearer $TOKEN"
  measure service "$API_PID" "$BASE" "$ID" "$TOKEN"
  core_speeds after
  kill "$API_PID"
  wait "$API_PID" 2>/dev/null || true
  API_PID=

  (cd "$WORK" && exec env "${CEILING_SETTINGS[@]}" CEILING_IDS="$WORK/ids" \
    dotnet "$CEILING_DLL" --urls http://127.0.0.1:5091 >"$WORK/ceiling.log" 2>&1) &
  CEILING_PID=$!
  for _ in $(seq 1 60); do curl -sf http://127.0.0.1:5091/health/live >/dev/null && break; sleep 0.5; done
  curl -sf http://127.0.0.1:5091/health/live >/dev/null || { echo "the ceiling did not start: $(tail -5 "$WORK/ceiling.log")" >&2; exit 1; }
  curl -sf -o /dev/null -X POST "http://127.0.0.1:5091$SESSIONS/$CEILING_ID/freeze"
  core_speeds before
  measure ceiling "$CEILING_PID" http://127.0.0.1:5091 "$CEILING_ID" x
  core_speeds after
  kill "$CEILING_PID"
  wait "$CEILING_PID" 2>/dev/null || true
  CEILING_PID=
  [ -z "${PG:-}" ] || stop_postgres
done
