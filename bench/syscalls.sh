#!/usr/bin/env bash
# System calls and CPU per request of the service and of the shared raw ADO.NET ceiling
# (`ceiling-sqlite` of ../shared/bench), each on a fresh SQLite file under the side-by-side
# benchmark's load (wrk -t2 -c16, KIND's script of ../shared/bench: get or refreeze): WARM seconds of
# warm-up (20), then MEASURE seconds (8) counted by `perf stat` on the process's system-call
# tracepoints and by its CPU time from /proc. Prints one line per process: its rate, its CPU per
# request and each counted call per request. Needs perf
# (apt-get install linux-perf), wrk and the service built in Release; run as root.
#   usage: bash bench/syscalls.sh [get|refreeze]
set -euo pipefail
cd "$(dirname "$0")/.."
KIND=${1:-get}
WARM=${WARM:-20}
MEASURE=${MEASURE:-8}
CALLS=(sendto recvfrom read fcntl epoll_wait futex)
SHARED=$(cd ../shared/bench && pwd)
SESSIONS=/api/v1/org/demo/ws/default/sessions
CEILING_DLL=/tmp/sessions-syscalls-ceiling/Ceiling.dll
WORK=$(mktemp -d)
. bench/service.sh
CEILING_PID=
STAT_PID=
cleanup() {
  for pid in "${API_PID:-}" "$CEILING_PID" "$STAT_PID"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# measure NAME PID BASE ID TOKEN: the load on one process, its calls and CPU per request.
measure() {
  local name=$1 pid=$2 base=$3 id=$4 token=$5 events ticks_before ticks_after out requests
  wrk -t2 -c16 -d"${WARM}s" -s "$SHARED/$KIND.lua" "$base" -- "$id" "$token" "$SESSIONS/" >/dev/null
  events=$(printf 'syscalls:sys_enter_%s,' "${CALLS[@]}")
  perf stat -x, -e "${events%,}" -p "$pid" -o "$WORK/$name.stat" -- sleep "$MEASURE" &
  STAT_PID=$!
  ticks_before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(wrk -t2 -c16 -d"${MEASURE}s" -s "$SHARED/$KIND.lua" "$base" -- "$id" "$token" "$SESSIONS/")
  ticks_after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  wait "$STAT_PID"
  STAT_PID=
  if grep -q 'Non-2xx' <<<"$out"; then echo "$name answered other than 2xx: $out" >&2; return 1; fi
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  printf '%-8s %8.0f req/s  CPU %5.0f µs/request ' "$name" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {print t / hz * 1e6 / n}')"
  awk -F, -v n="$requests" '/sys_enter_/ {sub(/.*sys_enter_/, "", $3); printf " %s %.2f", $3, $1 / n} END {print ""}' "$WORK/$name.stat"
}

start_service 5092 "Data Source=$WORK/sessions.db"
TOKEN=$(dev_token syscalls@example.com)
ID=$(cat /proc/sys/kernel/random/uuid)
curl -sf -o /dev/null -X POST "$BASE$SESSIONS" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "{\"id\":\"$ID\",\"model\":\"m\"}"
curl -sf -o /dev/null -X POST "$BASE$SESSIONS/$ID/freeze" -H "Authorization: Bearer $TOKEN"
measure service "$API_PID" "$BASE" "$ID" "$TOKEN"
kill "$API_PID"
wait "$API_PID" 2>/dev/null || true
API_PID=

rm -rf "$WORK/ceiling-src" && cp -r "$SHARED/ceiling" "$WORK/ceiling-src"
dotnet build "$WORK/ceiling-src" -c Release -o "$(dirname "$CEILING_DLL")" -nologo -v q >"$WORK/ceiling-build.log" \
  || { cat "$WORK/ceiling-build.log" >&2; exit 1; }
python3 -c "import uuid; print('\n'.join(str(uuid.uuid4()) for _ in range(1000)))" >"$WORK/ids"
ID=$(head -n 1 "$WORK/ids")
(cd "$WORK" && CEILING_DB=sqlite CEILING_CONN="Data Source=$WORK/ceiling.db" CEILING_IDS="$WORK/ids" \
  exec dotnet "$CEILING_DLL" --urls http://127.0.0.1:5091 >"$WORK/ceiling.log" 2>&1) &
CEILING_PID=$!
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:5091/health/live >/dev/null && break; sleep 0.5; done
curl -sf http://127.0.0.1:5091/health/live >/dev/null || { echo "the ceiling did not start: $(tail -5 "$WORK/ceiling.log")" >&2; exit 1; }
curl -sf -o /dev/null -X POST "http://127.0.0.1:5091$SESSIONS/$ID/freeze"
measure ceiling "$CEILING_PID" http://127.0.0.1:5091 "$ID" x
