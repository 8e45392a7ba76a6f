#!/usr/bin/env bash
# What the side-by-side benchmark's writes leave behind for the GET that follows them, and where:
# in the service's process or in the database. One run:
#   few       the service on a fresh database (SQLite, or with PG=1 a private PostgreSQL of
#             PG_BIN's binaries), FEW sessions created (50), the first frozen, WARM seconds of
#             GETs of it (30), then MEASURE seconds (8) measured;
#   written   through the same process, sessions created up to N (20,000) as the side-by-side
#             benchmark creates them (16 Python threads), 8 s of committing freezes over them
#             (freeze.lua) and 8 s of idempotent ones (refreeze.lua), WARM seconds of GETs, measured;
#   restarted a new service process on the same database, RESTART_WARM seconds of GETs (60: its
#             JIT compiles the path again), measured;
#   vacuumed  (PostgreSQL) after VACUUM ANALYZE of the database, WARM seconds of GETs, measured.
# Each measurement prints the GET's rate, the service's CPU per request, with PG=1 the database
# server's (on SQLite the size of the write-ahead log), and each core's time at a fixed loop just before and just after it: the machine's two
# cores change speed from minute to minute (results/2026-12-06-slow-processes.md), so a state's
# cost compares between measurements whose cores ran alike. RUNS runs (1), each on a new database.
# Needs wrk, taskset, python3 and the service built in Release; with PG=1 PostgreSQL's binaries,
# psql and a postgres user (run as root). results/2026-12-06-after-writes.md.
#   usage: [RUNS=N] [N=20000] [FEW=50] [WARM=S] [RESTART_WARM=S] [MEASURE=S] [PG=1] bash bench/after-writes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20000}
FEW=${FEW:-50}
WARM=${WARM:-30}
RESTART_WARM=${RESTART_WARM:-60}
MEASURE=${MEASURE:-8}
RUNS=${RUNS:-1}
. bench/service.sh
require_counts N FEW RUNS WARM RESTART_WARM MEASURE
[ "$FEW" -lt "$N" ] || { echo "FEW ($FEW) must be below N ($N)" >&2; exit 2; }
SHARED=$(cd ../shared/bench && pwd)
SESSIONS=/api/v1/org/demo/ws/default/sessions
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=/tmp/sessions-after-writes-pg
PORT=5553
API_PORT=5095
WORK=$(mktemp -d)
trap stop_chosen_service EXIT
HZ=$(getconf CLK_TCK)

# create COUNT: COUNT new sessions, as the side-by-side benchmark creates them; their ids are
# added to $WORK/ids.
create() {
  python3 - "$BASE$SESSIONS" "$TOKEN" "$1" "$WORK/ids" <<'PY'
import concurrent.futures, json, sys, urllib.request, uuid
url, token, count, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ids = [str(uuid.uuid4()) for _ in range(count)]
def post(i):
    request = urllib.request.Request(url, data=json.dumps({"id": i, "model": "m", "title": "bench"}).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"}, method="POST")
    return urllib.request.urlopen(request, timeout=30).status
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    codes = set(pool.map(post, ids))
assert codes == {201}, codes
with open(out, "a") as f:
    f.write("".join(i + "\n" for i in ids))
PY
}

# load SCRIPT SECONDS ARGS...: wrk's load of one of the side-by-side benchmark's scripts; its output.
load() {
  local script=$1 seconds=$2
  shift 2
  wrk -t2 -c16 -d"${seconds}s" -s "$SHARED/$script" "$BASE" -- "$@"
}

# measure NAME: MEASURE seconds of GETs of the frozen session, after WARM_NOW seconds of them.
measure() {
  local name=$1 out service_before service_after server_before=0 server_after=0 requests
  load get.lua "$WARM_NOW" "$ID" "$TOKEN" "$SESSIONS/" >/dev/null
  core_speeds before
  service_before=$(stat_ticks "$(cat "/proc/$API_PID/stat")")
  [ -z "${PG:-}" ] || server_before=$(server_ticks)
  out=$(load get.lua "$MEASURE" "$ID" "$TOKEN" "$SESSIONS/")
  service_after=$(stat_ticks "$(cat "/proc/$API_PID/stat")")
  [ -z "${PG:-}" ] || server_after=$(server_ticks)
  core_speeds after
  if grep -q 'Non-2xx' <<<"$out"; then echo "$name: GET answered other than 2xx: $out" >&2; exit 1; fi
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  awk -v name="$name" -v rate="$(awk '/Requests\/sec/ {print $2}' <<<"$out")" -v hz="$HZ" -v n="$requests" \
    -v service=$((service_after - service_before)) -v server=$((server_after - server_before)) -v pg="${PG:-}" \
    -v wal="$([ -n "${PG:-}" ] || stat -c %s "$WORK/sessions.db-wal" 2>/dev/null || echo 0)" \
    'BEGIN { printf "%-9s GET %6.0f req/s, service %4.0f µs/request", name, rate, service / hz * 1e6 / n
             if (pg != "") printf ", database server %4.0f µs/request", server / hz * 1e6 / n
             else printf ", write-ahead log %.1f MB", wal / 1048576
             print "" }'
}

for run in $(seq 1 "$RUNS"); do
  [ "$RUNS" -gt 1 ] && echo "run $run"
  : >"$WORK/ids"
  start_chosen_service "$API_PORT"
  TOKEN=$(dev_token bench@example.com)
  create "$FEW"
  ID=$(head -n 1 "$WORK/ids")
  curl -sf -o /dev/null -X POST "$BASE$SESSIONS/$ID/freeze" -H "Authorization: Bearer $TOKEN"
  WARM_NOW=$WARM measure few

  create $((N - FEW))
  load freeze.lua 8 "$WORK/ids" "$TOKEN" "$SESSIONS/" 2 | grep -E 'Requests/sec' | sed 's/^/committing freezes: /'
  load refreeze.lua 8 "$ID" "$TOKEN" "$SESSIONS/" | grep -E 'Requests/sec' | sed 's/^/idempotent freezes: /'
  WARM_NOW=$WARM measure written

  restart_chosen_service "$API_PORT"
  WARM_NOW=$RESTART_WARM measure restarted

  if [ -n "${PG:-}" ]; then
    psql -h 127.0.0.1 -p "$PORT" -U postgres -d sessions -v ON_ERROR_STOP=1 -q -c "VACUUM ANALYZE"
    WARM_NOW=$WARM measure vacuumed
  fi
  stop_chosen_service
  WORK=$(mktemp -d)
  API_PID=
done
