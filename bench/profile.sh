#!/usr/bin/env bash
# Profiles one request kind under load: starts the Release service on a fresh SQLite file (or
# PostgreSQL with PROVIDER=Postgres and PG_CONN), loads it with wrk for SECONDS, and meanwhile
# records a sampled CPU profile with dotnet-trace and runtime counters with dotnet-counters.
# Prints the top frames (exclusive and inclusive) and the counters.
#   usage: bash bench/profile.sh get|refreeze|freeze [SECONDS]
# Needs wrk and the dotnet-trace / dotnet-counters global tools (dotnet tool install -g ...).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
KIND=${1:-get}
SECONDS_LOAD=${2:-10}
PROVIDER=${PROVIDER:-Sqlite}
API_PORT=5092
WORK=$(mktemp -d)
OUT=${OUT:-$ROOT/.artifacts/profile}
mkdir -p "$OUT"
export PATH="$PATH:$HOME/.dotnet/tools"
cleanup() { [ -n "${API_PID:-}" ] && kill "$API_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

CONN="Data Source=$WORK/sessions.db"
[ "$PROVIDER" = Postgres ] && CONN=${PG_CONN:?set PG_CONN to a PostgreSQL connection string}
. bench/service.sh
start_service "$API_PORT" "$CONN" Database__Provider="$PROVIDER"
TOKEN=$(dev_token profile@example.com)
PATH_BASE=/api/v1/org/demo/ws/default/sessions/
: >"$WORK/ids"
for _ in $(seq 1 "${SESSIONS:-3000}"); do
  id=$(cat /proc/sys/kernel/random/uuid); echo "$id" >>"$WORK/ids"
  curl -sf -o /dev/null -X POST "$BASE${PATH_BASE%/}" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "{\"id\":\"$id\",\"model\":\"m\"}"
done
ID=$(head -n 1 "$WORK/ids")
curl -sf -o /dev/null -X POST "$BASE$PATH_BASE$ID/freeze" -H "Authorization: Bearer $TOKEN"
case "$KIND" in
  get) SCRIPT=get.lua; ARGS=("$ID" "$TOKEN" "$PATH_BASE") ;;
  refreeze) SCRIPT=refreeze.lua; ARGS=("$ID" "$TOKEN" "$PATH_BASE") ;;
  freeze) SCRIPT=freeze.lua; ARGS=("$WORK/ids" "$TOKEN" "$PATH_BASE" 2) ;;
esac
wrk -t2 -c16 -d3s -s "../shared/bench/$SCRIPT" "$BASE" -- "${ARGS[@]}" >/dev/null   # warm-up
dotnet-trace collect -p "$API_PID" --profile dotnet-sampled-thread-time --duration "00:00:00:$SECONDS_LOAD" -o "$OUT/$KIND.nettrace" >/dev/null 2>&1 &
TRACE=$!
dotnet-counters collect -p "$API_PID" --counters System.Runtime --refresh-interval 1 --duration "00:00:00:$SECONDS_LOAD" --format csv -o "$OUT/$KIND-counters.csv" >/dev/null 2>&1 &
COUNTERS=$!
wrk -t2 -c16 -d"${SECONDS_LOAD}s" --latency -s "../shared/bench/$SCRIPT" "$BASE" -- "${ARGS[@]}" | tee "$OUT/$KIND-wrk.txt" | grep -E "Requests/sec|  50%|  99%"
wait "$TRACE" "$COUNTERS" || true
echo "== top exclusive"
dotnet-trace report "$OUT/$KIND.nettrace" topN -n 25 2>/dev/null | tail -n +1 | head -40
echo "== top inclusive"
dotnet-trace report "$OUT/$KIND.nettrace" topN -n 40 --inclusive 2>/dev/null | head -55
echo "== counters (means over the run)"
python3 - "$OUT/$KIND-counters.csv" <<'PY'
import csv, sys, collections
values = collections.defaultdict(list)
for row in csv.DictReader(open(sys.argv[1])):
    try: values[row["Counter Name"]].append(float(row["Mean/Increment"]))
    except (KeyError, ValueError): pass
for name, v in sorted(values.items()):
    if v and any(k in name for k in ("alloc", "gen", "GC", "thread", "working", "heap", "lock", "exception")):
        print(f"{name}: {sum(v)/len(v):,.1f}")
PY
