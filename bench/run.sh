#!/usr/bin/env bash
# Benchmarks the service on PostgreSQL with a million messages: seeds a private database, checks
# with auto_explain that every read answers from indexes (no sequential scan of sessions, labels
# or messages), warms every endpoint in turn (WARMUP seconds each, WARMUP_ROUNDS times), then
# measures each read and an append with wrk (bounded: DURATION seconds each).
# Writes bench/results/<date>-postgres.md, or RESULT when set. EXTRA_ENV (NAME=VALUE ..., e.g.
# "DOTNET_TieredCompilation=0") adds runtime variables or settings to the service's environment.
# Needs: PostgreSQL 15 binaries, wrk, the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SESSIONS=${SESSIONS:-20000}
NEIGHBOURS=${NEIGHBOURS:-4}
MESSAGES=${MESSAGES:-10}
LONG_MESSAGES=${LONG_MESSAGES:-200000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
WARMUP_ROUNDS=${WARMUP_ROUNDS:-2}
PORT=5546
API_PORT=5090
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DIR=/tmp/sessions-bench-pg
RESULT=${RESULT:-"$ROOT/bench/results/$(date -u +%F)-postgres.md"}
WORK=$(mktemp -d)

command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }

cleanup() {
  [ -n "${API_PID:-}" ] && kill "$API_PID" 2>/dev/null || true
  # KEEP_DB=1 leaves the seeded database running on $PORT, to study plans after the run.
  [ -n "${KEEP_DB:-}" ] || su postgres -c "$PG_BIN/pg_ctl -D $PG_DIR/data -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== PostgreSQL on 127.0.0.1:$PORT with auto_explain"
rm -rf "$PG_DIR" && mkdir -p "$PG_DIR" && chown postgres "$PG_DIR"
su postgres -c "$PG_BIN/initdb -D $PG_DIR/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
su postgres -c "$PG_BIN/pg_ctl -D $PG_DIR/data -o '-p $PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c shared_preload_libraries=auto_explain' -l $PG_DIR/log -w start" >/dev/null
PSQL=(psql -h 127.0.0.1 -p "$PORT" -U postgres -d sessions_bench -v ON_ERROR_STOP=1 -q -A -t)

echo "== Service (Release) against it"
dotnet build src/Sessions.Api -c Release -nologo -v q >/dev/null
read -r -a SETTINGS <<< "${EXTRA_ENV:-}"
(cd src/Sessions.Api/bin/Release/net10.0 && exec env "${SETTINGS[@]}" ASPNETCORE_ENVIRONMENT=Development Database__Provider=Postgres \
  ConnectionStrings__Sessions="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sessions_bench;Maximum Pool Size=64" \
  RateLimiting__PermitLimit=100000000 Logging__LogLevel__Default=Warning \
  dotnet Sessions.Api.dll --urls "http://127.0.0.1:$API_PORT" >"$WORK/api.log" 2>&1) &
API_PID=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$API_PORT/health/ready" >/dev/null && break; sleep 1; done
BASE="http://127.0.0.1:$API_PORT"
TOKEN=$(curl -sf -X POST "$BASE/dev/token" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","org":"bench","workspace":"main","role":"admin","scopes":["sessions:read","sessions:write"]}' \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
for n in $(seq 1 "$NEIGHBOURS"); do
  curl -sf -X POST "$BASE/dev/token" -H 'Content-Type: application/json' -d "{\"email\":\"other$n@example.com\",\"org\":\"tenant-$n\",\"workspace\":\"main\"}" >/dev/null
done
OWNER=$("${PSQL[@]}" -c "SELECT id FROM users WHERE email = 'bench@example.com'")
WS=$("${PSQL[@]}" -c "SELECT w.id FROM workspaces w JOIN organizations o ON o.id = w.organization_id WHERE o.slug = 'bench' AND w.slug = 'main'")

WORKSPACES=$((NEIGHBOURS + 2))
echo "== Seeding $((SESSIONS * WORKSPACES)) sessions in $WORKSPACES workspaces, $((SESSIONS * WORKSPACES * MESSAGES + LONG_MESSAGES)) messages"
seed_started=$(date +%s)
"${PSQL[@]}" -v ws="$WS" -v owner="$OWNER" -v sessions="$SESSIONS" \
  -v messages="$MESSAGES" -v long_messages="$LONG_MESSAGES" -f bench/seed.sql
seed_seconds=$(( $(date +%s) - seed_started ))
TOTAL_MESSAGES=$("${PSQL[@]}" -c "SELECT count(*) FROM session_messages")
LONG=$("${PSQL[@]}" -c "SELECT id FROM sessions WHERE workspace_id = '$WS' ORDER BY updated_at DESC LIMIT 1")
SAMPLE=$("${PSQL[@]}" -c "SELECT id FROM sessions WHERE workspace_id = '$WS' ORDER BY id_text LIMIT 1 OFFSET 777")
PREFIX=${SAMPLE:0:8}
S="$BASE/api/v1/org/bench/ws/main/sessions"
AFTER=$((MESSAGES + LONG_MESSAGES - 150))

# Requests whose cost must not grow with the data: every plan index-backed.
declare -a NAMES URLS
add() { NAMES+=("$1"); URLS+=("$2"); }
add "GET session by id" "$S/$SAMPLE"
add "GET session by 8-char prefix" "$S/$PREFIX"
add "GET list, first page (20)" "$S"
add "GET list, label team:red, page 50" "$S?label=team:red&page=50&limit=20"
add "GET list, most messages first, first page (20)" "$S?sort_by=message_count"
add "GET list, oldest first, page 50" "$S?sort_by=created_at&sort_dir=asc&page=50&limit=20"
add "GET list, last message first, first page (20)" "$S?sort_by=last_message_at"
add "GET list, last message oldest first, page 50" "$S?sort_by=last_message_at&sort_dir=asc&page=50&limit=20"
add "GET transcript, last page of the long session" "$S/$LONG/transcript?after_seq=$AFTER&limit=100"
INDEXED=${#NAMES[@]}
# Requests that aggregate or search the whole workspace: measured, plans reported.
add "GET list, search (substring)" "$S?search=session%2012345&limit=20"
add "GET facets" "$S/facets"
FROM_DAY=$(date -u -d '30 days ago' +%Y-%m-%dT00:00:00Z)
FROM_NOON=$(date -u -d '30 days ago' +%Y-%m-%dT12:00:00Z)
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
add "GET usage by model (whole workspace, no window)" "$S/usage?group_by=model"
add "GET usage by day, last 30 days" "$S/usage?group_by=day&from=$FROM_DAY"
add "GET usage by model, 30 days cut mid-day at both ends" "$S/usage?group_by=model&from=$FROM_NOON&to=$NOW"

# explain NAME... : the plans of one request of each URL given, from auto_explain.
explain() {
  "${PSQL[@]}" -c "ALTER SYSTEM SET auto_explain.log_min_duration = 0" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  : > "$PG_DIR/log"
  for url in "$@"; do curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$url"; done
  sleep 1
  "${PSQL[@]}" -c "ALTER SYSTEM SET auto_explain.log_min_duration = -1" -c "SELECT pg_reload_conf()" >/dev/null
  cat "$PG_DIR/log"
}

echo "== Plans (auto_explain) for one request of each kind"
explain "${URLS[@]:0:$INDEXED}" > "$WORK/plans.log"
explain "${URLS[@]:$INDEXED}" > "$WORK/plans-workspace.log"
SEQ_SCANS=$(grep -E "Seq Scan on (sessions|session_labels|session_messages)" "$WORK/plans.log" || true)

echo "== Load: wrk -t2 -c16 -d${DURATION}s per endpoint"
cat > "$WORK/append.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"messages":[{"role":"user","content":"bench question"},{"role":"assistant","content":"bench answer","usage":{"input_tokens":120,"output_tokens":12,"cost_usd":0.0012}}]}'
LUA
APPEND_TARGET=$("${PSQL[@]}" -c "SELECT id FROM sessions WHERE workspace_id = '$WS' ORDER BY updated_at DESC OFFSET 5 LIMIT 1")
# The write path is warmed (JIT, pools) on a session of its own, so the measured ones keep a plain seq.
WARM_TARGET=$("${PSQL[@]}" -c "SELECT id FROM sessions WHERE workspace_id = '$WS' ORDER BY updated_at DESC OFFSET 40 LIMIT 1")
NAMES+=("POST append 2 messages to one session (16 concurrent writers)")
URLS+=("$S/$APPEND_TARGET/transcript")
# 16 writers on 16 sessions: each request goes to the next of 16 sessions.
SPREAD=$("${PSQL[@]}" -c "SELECT string_agg('\"/api/v1/org/bench/ws/main/sessions/' || id || '/transcript\"', ',') FROM (SELECT id FROM sessions WHERE workspace_id = '$WS' ORDER BY updated_at DESC OFFSET 10 LIMIT 16) t")
cat > "$WORK/append-spread.lua" <<LUA
paths = { $SPREAD }
n = 0
request = function()
  n = n + 1
  return wrk.format("POST", paths[(n % #paths) + 1], {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $TOKEN"},
    '{"messages":[{"role":"user","content":"bench question"},{"role":"assistant","content":"bench answer","usage":{"input_tokens":120,"output_tokens":12,"cost_usd":0.0012}}]}')
end
LUA
NAMES+=("POST append 2 messages to 16 sessions (16 concurrent writers)")
URLS+=("$BASE/")

{
  echo "# Benchmark: PostgreSQL, $(date -u +'%F %H:%M') UTC"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(psql --version | head -1); .NET $(dotnet --version)."
  echo "Data: $((SESSIONS * WORKSPACES)) sessions, $SESSIONS in each of $WORKSPACES workspaces (one label each), ${TOTAL_MESSAGES} messages"
  echo "(${MESSAGES} per session, and one session of $((MESSAGES + LONG_MESSAGES))); seeded in ${seed_seconds} s."
  echo "Load: \`wrk -t2 -c16 -d${DURATION}s --latency\` from the same machine, one endpoint at a time, as one principal."
  echo "Warm-up: every endpoint for ${WARMUP} s in turn, ${WARMUP_ROUNDS} rounds, then each one 2 s more just before it is measured."
  [ -z "${EXTRA_ENV:-}" ] || echo "The service's environment adds: \`$EXTRA_ENV\`."
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
  # Warm up (JIT, connection pool) before measuring; writes on the warm-up session.
  if [[ "${NAMES[$i]}" == POST* ]]; then
    wrk -t2 -c16 -d2s -s "$WORK/append.lua" -H "Authorization: Bearer $TOKEN" "$S/$WARM_TARGET/transcript" >/dev/null 2>&1 || true
  else
    wrk -t2 -c16 -d2s -H "Authorization: Bearer $TOKEN" "${URLS[$i]}" >/dev/null 2>&1 || true
  fi
  if [[ "${NAMES[$i]}" == *"16 sessions"* ]]; then
    out=$(wrk -t2 -c16 -d"${DURATION}s" --latency -s "$WORK/append-spread.lua" "${URLS[$i]}")
  elif [[ "${NAMES[$i]}" == POST* ]]; then
    out=$(wrk -t2 -c16 -d"${DURATION}s" --latency -s "$WORK/append.lua" -H "Authorization: Bearer $TOKEN" "${URLS[$i]}")
  else
    out=$(wrk -t2 -c16 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "${URLS[$i]}")
  fi
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p90=$(echo "$out" | awk '$1 == "90%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  echo "| ${NAMES[$i]} | $rps | $p50 | $p90 | $p99 |" >> "$RESULT"
  [ -z "$non2xx" ] || echo "warning: ${NAMES[$i]}: $non2xx non-2xx answers" | tee -a "$WORK/warnings"
  echo "${NAMES[$i]}: $rps req/s, p50 $p50, p99 $p99"
done

SEQ_AFTER=$("${PSQL[@]}" -c "SELECT seq FROM session_messages WHERE session_id = '$APPEND_TARGET' ORDER BY seq" | awk 'NR > 1 && $1 != prev + 1 {gap++} {prev = $1} END {print gap + 0}')
{
  echo
  echo "After the append load the target session's seq numbers have ${SEQ_AFTER} gaps."
  echo "The service then kept $(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$API_PID/status") MB resident (at most $(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$API_PID/status") MB)."
  [ -f "$WORK/warnings" ] && { echo; cat "$WORK/warnings"; }
  echo
  echo "## Query plans"
  echo
  if [ -z "$SEQ_SCANS" ]; then
    echo "The first $INDEXED requests above (and the statements of their authorization) use no sequential scan of"
    echo "\`sessions\`, \`session_labels\` or \`session_messages\`. Their access paths (from auto_explain):"
  else
    echo "Sequential scans found in requests that must be index-backed:"; echo; echo '```'; echo "$SEQ_SCANS"; echo '```'
  fi
  echo
  echo '```'
  grep -oE "(Index Only Scan|Index Scan|Bitmap Heap Scan|Bitmap Index Scan)( Backward)? (using [a-z_]+ )?on [a-z_]+" "$WORK/plans.log" | sort | uniq -c | sort -rn
  echo '```'
  echo
  echo "Search and facets read every matching session of the workspace (a substring match and"
  echo "per-dimension counts); their cost grows with the workspace, not with the database. Their plans:"
  echo
  echo '```'
  grep -oE "(Seq Scan|Parallel Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan|Bitmap Index Scan)( Backward)? (using [a-z_]+ )?on [a-z_]+" "$WORK/plans-workspace.log" | sort | uniq -c | sort -rn
  echo '```'
} >> "$RESULT"

echo "Results: $RESULT"
[ -z "$SEQ_SCANS" ]
