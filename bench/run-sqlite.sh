#!/usr/bin/env bash
# The same requests as bench/run.sh, on the embedded default: a SQLite file with SESSIONS sessions
# (default 20,000, one label each), MESSAGES messages each and one session of LONG_MESSAGES more,
# warmed in turn (WARMUP seconds each, WARMUP_ROUNDS times), then loaded with wrk for DURATION
# seconds each. Writes bench/results/<date>-sqlite.md.
# Needs: sqlite3, wrk, the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SESSIONS=${SESSIONS:-20000}
MESSAGES=${MESSAGES:-10}
LONG_MESSAGES=${LONG_MESSAGES:-200000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
WARMUP_ROUNDS=${WARMUP_ROUNDS:-2}
API_PORT=5094
RESULT="$ROOT/bench/results/$(date -u +%F)-sqlite.md"
WORK=$(mktemp -d)
DB="$WORK/sessions.db"
command -v wrk >/dev/null && command -v sqlite3 >/dev/null || { echo "wrk and sqlite3 are required" >&2; exit 1; }
. bench/service.sh
cleanup() { [ -n "${API_PID:-}" ] && kill "$API_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

echo "== Service (Release) on $DB"
dotnet build src/Sessions.Api -c Release -nologo -v q >/dev/null
(cd src/Sessions.Api/bin/Release/net10.0 && ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__Sessions="Data Source=$DB" \
  RateLimiting__PermitLimit=100000000 Logging__LogLevel__Default=Warning \
  exec dotnet Sessions.Api.dll --urls "http://127.0.0.1:$API_PORT" >"$WORK/api.log" 2>&1) &
API_PID=$!
BASE="http://127.0.0.1:$API_PORT"
for _ in $(seq 1 60); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 1; done
SQL() { sqlite3 -batch "$DB" "$@"; }
bench_workspace "$DB"

echo "== Seeding $SESSIONS sessions, $((SESSIONS * MESSAGES + LONG_MESSAGES)) messages"
seed_started=$(date +%s)
seed_sqlite "$DB" "$WS" "$OWNER" "$SESSIONS" "$MESSAGES" "$LONG_MESSAGES"
seed_seconds=$(( $(date +%s) - seed_started ))
LONG=$(SQL "SELECT lower(id) FROM sessions ORDER BY updated_at DESC LIMIT 1")
SAMPLE=$(SQL "SELECT id_text FROM sessions ORDER BY id_text LIMIT 1 OFFSET 777")
S="$BASE/api/v1/org/bench/ws/main/sessions"
AFTER=$((MESSAGES + LONG_MESSAGES - 150))
APPEND_TARGET=$(SQL "SELECT id_text FROM sessions ORDER BY updated_at DESC LIMIT 1 OFFSET 5")
# The write path is warmed (JIT, pools) on a session of its own, so the measured ones keep a plain seq.
WARM_TARGET=$(SQL "SELECT id_text FROM sessions ORDER BY updated_at DESC LIMIT 1 OFFSET 40")
SPREAD=$(SQL "SELECT group_concat('\"/api/v1/org/bench/ws/main/sessions/' || id_text || '/transcript\"', ',') FROM (SELECT id_text FROM sessions ORDER BY updated_at DESC LIMIT 16 OFFSET 10)")
BODY='{"messages":[{"role":"user","content":"bench question"},{"role":"assistant","content":"bench answer","usage":{"input_tokens":120,"output_tokens":12,"cost_usd":0.0012}}]}'
cat > "$WORK/append.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$BODY'
LUA
cat > "$WORK/append-spread.lua" <<LUA
paths = { $SPREAD }
n = 0
request = function()
  n = n + 1
  return wrk.format("POST", paths[(n % #paths) + 1], {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $TOKEN"}, '$BODY')
end
LUA

declare -a NAMES URLS
add() { NAMES+=("$1"); URLS+=("$2"); }
add "GET session by id" "$S/$SAMPLE"
add "GET session by 8-char prefix" "$S/${SAMPLE:0:8}"
add "GET list, first page (20)" "$S"
add "GET list, label team:red, page 50" "$S?label=team:red&page=50&limit=20"
add "GET list, most messages first, first page (20)" "$S?sort_by=message_count"
add "GET list, oldest first, page 50" "$S?sort_by=created_at&sort_dir=asc&page=50&limit=20"
add "GET list, last message first, first page (20)" "$S?sort_by=last_message_at"
add "GET list, last message oldest first, page 50" "$S?sort_by=last_message_at&sort_dir=asc&page=50&limit=20"
add "GET transcript, last page of the long session" "$S/$LONG/transcript?after_seq=$AFTER&limit=100"
add "GET list, search (substring)" "$S?search=session%2012345&limit=20"
add "GET facets" "$S/facets"
add "POST append 2 messages to one session (16 concurrent writers)" "$S/$APPEND_TARGET/transcript"
add "POST append 2 messages to 16 sessions (16 concurrent writers)" "$BASE/"

{
  echo "# Benchmark: SQLite, $(date -u +'%F %H:%M') UTC"
  echo
  echo "Machine: $(nproc) cores; SQLite $(sqlite3 --version | cut -d' ' -f1) (CLI; the service bundles its own); .NET $(dotnet --version)."
  echo "Data: $SESSIONS sessions in one workspace (one label each), $((SESSIONS * MESSAGES + LONG_MESSAGES)) messages; seeded in ${seed_seconds} s."
  echo "Load: \`wrk -t2 -c16 -d${DURATION}s --latency\` from the same machine, one endpoint at a time, as one principal."
  echo "Warm-up: every endpoint for ${WARMUP} s in turn, ${WARMUP_ROUNDS} rounds, then each one 2 s more just before it is measured."
  echo
  echo "| request | req/s | p50 | p90 | p99 |"
  echo "|---|---:|---:|---:|---:|"
} > "$RESULT"
# Warm-up before anything is measured: every endpoint in turn, WARMUP_ROUNDS times. Under load the
# runtime's tiered compilation keeps compiling for 20-25 s on two cores (up to two thirds of a core,
# bench/results/2026-11-29-steady-state.md); an endpoint measured in that window is measured against
# the JIT, so the first ones measured (GET by id) read low and every ratio to them high.
for _ in $(seq 1 "$WARMUP_ROUNDS"); do
  wrk -t2 -c16 -d"${WARMUP}s" -s "$WORK/append.lua" -H "Authorization: Bearer $TOKEN" "$S/$WARM_TARGET/transcript" >/dev/null 2>&1 || true
  for i in "${!NAMES[@]}"; do
    [[ "${NAMES[$i]}" == POST* ]] || wrk -t2 -c16 -d"${WARMUP}s" -H "Authorization: Bearer $TOKEN" "${URLS[$i]}" >/dev/null 2>&1 || true
  done
done

for i in "${!NAMES[@]}"; do
  case "${NAMES[$i]}" in
    *"16 sessions"*) args=(-s "$WORK/append-spread.lua"); wrk -t2 -c16 -d2s -s "$WORK/append.lua" -H "Authorization: Bearer $TOKEN" "$S/$WARM_TARGET/transcript" >/dev/null 2>&1 || true ;;
    POST*) args=(-s "$WORK/append.lua" -H "Authorization: Bearer $TOKEN"); wrk -t2 -c16 -d2s "${args[@]}" "$S/$WARM_TARGET/transcript" >/dev/null 2>&1 || true ;;
    *) args=(-H "Authorization: Bearer $TOKEN"); wrk -t2 -c16 -d2s "${args[@]}" "${URLS[$i]}" >/dev/null 2>&1 || true ;;
  esac
  out=$(wrk -t2 -c16 -d"${DURATION}s" --latency "${args[@]}" "${URLS[$i]}")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p90=$(echo "$out" | awk '$1 == "90%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  echo "| ${NAMES[$i]} | $rps | $p50 | $p90 | $p99 |" >> "$RESULT"
  [ -z "$non2xx" ] || echo "warning: ${NAMES[$i]}: $non2xx non-2xx answers" | tee -a "$RESULT"
  echo "${NAMES[$i]}: $rps req/s, p50 $p50, p99 $p99"
done
GAPS=$(SQL "SELECT count(*) FROM (SELECT seq, lag(seq) OVER (ORDER BY seq) AS prev FROM session_messages WHERE session_id = upper('$APPEND_TARGET')) WHERE prev IS NOT NULL AND seq <> prev + 1")
echo >> "$RESULT"
echo "After the append load the target session's seq numbers have $GAPS gaps." >> "$RESULT"
echo "Results: $RESULT"
