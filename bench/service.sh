# Sourced by the profiling and benchmark scripts (profile.sh, perf.sh, syscalls.sh, appends.sh, allocations.sh,
# page-labels.sh, prompt-appends.sh, command-loads.sh, after-writes.sh, shapes.sh, append-sizes.sh, run-sqlite.sh,
# groups.sh, search-after-appends.sh, creates.sh, appends-alternating.sh, new-database.sh, dead-entries.sh,
# count-drops.sh): the Release
# service on a port of its own, a token of the benchmark's user, a private PostgreSQL (PG_BIN,
# PG_DIR and PORT set by the script), wrk scripts spreading requests over sessions, and the CPU
# time of a process, of the database server and of each core at a fixed loop. Needs WORK (a scratch directory) and the repository's root as
# the working directory.

# require_counts NAME...: exits with a message unless each named variable holds a whole number, 1 or more.
require_counts() {
  local count
  for count in "$@"; do
    [[ ${!count} =~ ^[1-9][0-9]*$ ]] || { echo "$count is a count, 1 or more: '${!count}'" >&2; exit 2; }
  done
}

# start_service PORT CONNECTION_STRING [NAME=VALUE ...]: starts the service in Development with
# rate limits out of the way and warnings only, the given settings or runtime variables added; sets
# API_PID (the dotnet process) and BASE, and returns once /health/live answers. API_DIR, when set,
# names another build's Release output to run, to alternate builds.
start_service() {
  local port=$1 connection=$2
  shift 2
  (cd "${API_DIR:-src/Sessions.Api/bin/Release/net10.0}" && exec env "$@" ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__Sessions="$connection" \
    RateLimiting__PermitLimit=1000000000 Logging__LogLevel__Default=Warning dotnet Sessions.Api.dll --urls "http://127.0.0.1:$port" >"$WORK/api.log" 2>&1) &
  API_PID=$!
  BASE="http://127.0.0.1:$port"
  for _ in $(seq 1 60); do curl -sf "$BASE/health/live" >/dev/null && return; sleep 0.5; done
  echo "the service did not start: $(tail -5 "$WORK/api.log")" >&2
  return 1
}

# start_chosen_service PORT [NAME=VALUE ...]: the service on a SQLite file in WORK, or, with PG set,
# on a private PostgreSQL (start_postgres, database sessions, on PORT of the script), the given
# settings or runtime variables added: for the scripts that measure either database.
start_chosen_service() {
  local port=$1
  shift
  if [ -n "${PG:-}" ]; then
    start_postgres sessions
    CHOSEN=("Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sessions" Database__Provider=Postgres "$@")
  else
    CHOSEN=("Data Source=$WORK/sessions.db" "$@")
  fi
  start_service "$port" "${CHOSEN[@]}"
}

# restart_chosen_service PORT: stops the service process of start_chosen_service and starts a new
# one on the same database with the same settings.
restart_chosen_service() {
  kill "$API_PID"
  wait "$API_PID" 2>/dev/null || true
  start_service "$1" "${CHOSEN[@]}"
}

# stop_chosen_service: stops what start_chosen_service started and removes WORK (an EXIT trap).
stop_chosen_service() {
  [ -n "${API_PID:-}" ] && kill "$API_PID" 2>/dev/null || true
  [ -n "${PG:-}" ] && stop_postgres
  rm -rf "$WORK"
}

# dev_token EMAIL: a token from POST /dev/token for EMAIL, a member of organization demo, workspace default.
dev_token() {
  curl -sf -X POST "$BASE/dev/token" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"org\":\"demo\",\"workspace\":\"default\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}

# APPEND_BODY: the append the append benchmarks send: two messages, the second with usage.
APPEND_BODY='{"messages":[{"role":"user","content":"bench question"},{"role":"assistant","content":"bench answer","usage":{"input_tokens":120,"output_tokens":12,"cost_usd":0.0012}}]}'

# new_sessions COUNT TOKEN: creates COUNT sessions in organization demo's workspace default (that
# of dev_token's users) and sets NEW_SESSIONS to their ids.
new_sessions() {
  local id
  NEW_SESSIONS=()
  for _ in $(seq 1 "$1"); do
    id=$(cat /proc/sys/kernel/random/uuid)
    curl -sf -o /dev/null -X POST "$BASE/api/v1/org/demo/ws/default/sessions" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "{\"id\":\"$id\",\"model\":\"m\"}"
    NEW_SESSIONS+=("$id")
  done
}

# bench_token: a token (TOKEN) of bench@example.com, admin of organization bench's workspace main,
# which the first token makes.
bench_token() {
  TOKEN=$(curl -sf -X POST "$BASE/dev/token" -H 'Content-Type: application/json' \
    -d '{"email":"bench@example.com","org":"bench","workspace":"main","role":"admin","scopes":["sessions:read","sessions:write"]}' \
    | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
}

# bench_workspace DB: bench_token, and the ids of that user (OWNER) and workspace (WS) in the
# service's SQLite file DB.
bench_workspace() {
  bench_token
  OWNER=$(sqlite3 -batch "$1" "SELECT id FROM users WHERE email = 'bench@example.com'")
  WS=$(sqlite3 -batch "$1" "SELECT w.id FROM workspaces w JOIN organizations o ON o.id = w.organization_id WHERE o.slug = 'bench' AND w.slug = 'main'")
}

# seed_sqlite DB WORKSPACE OWNER SESSIONS MESSAGES LONG_MESSAGES: fills the SQLite file DB, which the
# service has made, with bench/seed-sqlite.sql: SESSIONS sessions of WORKSPACE owned by OWNER (one
# label each), MESSAGES messages each and LONG_MESSAGES more in the newest; ends with ANALYZE.
seed_sqlite() {
  { echo "CREATE TEMP TABLE bench(ws, owner, sessions, messages, long_messages);"
    echo "INSERT INTO bench VALUES ('$2', '$3', $4, $5, $6);"
    echo "CREATE TEMP TABLE label_bit(key, value, bit);"
    python3 -c 'import hashlib
for v in ("red", "blue", "green", "gold"):
    b = hashlib.sha256(f"team:{v}".encode()).digest()[0] & 63
    print(f"INSERT INTO label_bit VALUES (\x27team\x27, \x27{v}\x27, {(1 << b) - (1 << 64 if b == 63 else 0)});")'
    cat bench/seed-sqlite.sql; } | sqlite3 -batch "$1" >/dev/null
}

# start_postgres: a private PostgreSQL of PG_BIN's binaries in PG_DIR (made afresh), on PORT at
# 127.0.0.1, with the database named by the first argument; sets PSQL, a psql of that database
# that stops at an error and prints bare rows. Runs as root (as the postgres user).
start_postgres() {
  rm -rf "$PG_DIR" && mkdir -p "$PG_DIR" && chown postgres "$PG_DIR"
  su postgres -c "$PG_BIN/initdb -D $PG_DIR/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
  su postgres -c "$PG_BIN/pg_ctl -D $PG_DIR/data -o '-p $PORT -k $PG_DIR -c listen_addresses=127.0.0.1' -l $PG_DIR/log -w start" >/dev/null
  psql -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $1"
  PSQL=(psql -h 127.0.0.1 -p "$PORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 -q -A -t)
}

# start_postgres_service DATABASE API_PORT [NAME=VALUE ...]: start_postgres DATABASE, then the
# service on API_PORT on that database, with a pool of 64 connections and the given settings.
start_postgres_service() {
  local database=$1 api_port=$2
  shift 2
  start_postgres "$database"
  start_service "$api_port" "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=$database;Maximum Pool Size=64" Database__Provider=Postgres "$@"
}

# stop_postgres: stops the instance of start_postgres and removes it.
stop_postgres() {
  su postgres -c "$PG_BIN/pg_ctl -D $PG_DIR/data -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}

# spread_lua FILE TOKEN BODY PATH...: a wrk script that posts BODY to the paths in turn, each of
# wrk's two threads starting at its own place in the list, so that the two do not send their
# requests to the same sessions in step.
spread_lua() {
  local file=$1 token=$2 body=$3
  shift 3
  spread_lua_sending "$file" POST "$token" "'$body'" "$@"
}

# spread_lua_sending FILE METHOD TOKEN BODY_EXPRESSION PATH...: the same with another method and a
# body made for each request by a Lua expression, which may use the thread's number (me) and its
# count of requests (n): e.g. '{"title":"t ' .. me .. ' ' .. n .. '"}' for a new title every time.
spread_lua_sending() {
  local file=$1 method=$2 token=$3 body=$4 paths
  shift 4
  paths=$(printf '"%s",' "$@")
  cat >"$file" <<LUA
paths = { ${paths%,} }
threads = 0
setup = function(thread)
  thread:set("first", threads * 8)
  thread:set("me", threads)
  threads = threads + 1
end
init = function()
  n = first
end
request = function()
  n = n + 1
  return wrk.format("$method", paths[(n % #paths) + 1], {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"}, $body)
end
LUA
}

# sequential_scans: the tables of the database PSQL reaches that were read in sequence, by the rows
# they read, with their index scans and when autovacuum last analyzed them (pg_stat_user_tables).
sequential_scans() {
  echo "tables read by sequential scans (rows a scan read on average; the time autovacuum last analyzed each, now $(date -u +%T)):"
  "${PSQL[@]}" -F ' ' -c "SELECT '  ' || relname || ': ' || n_live_tup || ' rows, ' || seq_scan || ' sequential scans (' || round(seq_tup_read::numeric / seq_scan) || ' rows each), '
                               || coalesce(idx_scan, 0) || ' index scans, analyzed ' || coalesce(to_char(last_autoanalyze, 'HH24:MI:SS'), 'never')
                          FROM pg_stat_user_tables WHERE seq_scan > 0 AND n_live_tup > 0 ORDER BY seq_tup_read DESC"
}

# stat_ticks STAT: the CPU ticks (user and system) of a process's or thread's stat line: after its
# name, which ends at the last ")", come the state, then user time 12th and system time 13th.
stat_ticks() {
  local -a fields
  read -ra fields <<<"${1##*) }"
  echo $((fields[11] + fields[12]))
}

# server_ticks: the CPU ticks so far of the private PostgreSQL's processes, the postmaster and
# its children (a backend that ends in a window is not counted; the pools keep theirs open).
server_ticks() {
  local postmaster pid stat
  postmaster=$(head -n 1 "$PG_DIR/data/postmaster.pid")
  [[ $postmaster =~ ^[0-9]+$ ]] || { echo "no PostgreSQL server in $PG_DIR" >&2; return 1; }
  for pid in "$postmaster" $(pgrep -P "$postmaster"); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat_ticks "$stat"
  done | awk '{ sum += $1 } END { print sum }'
}

# load_with_cpu NAME NOUN SCRIPT SECONDS: SECONDS of wrk -t2 -c16 with SCRIPT against BASE, printed as
# one line: NAME, NOUNs a second, p50, p99, the CPU of the service (API_PID) and of the private
# PostgreSQL per NOUN (ticks of 10 ms), and the answers other than 2xx if any.
load_with_cpu() {
  local name=$1 noun=$2 script=$3 seconds=$4 out service0 server0 service1 server1
  service0=$(stat_ticks "$(cat "/proc/$API_PID/stat")")
  server0=$(server_ticks)
  out=$(wrk -t2 -c16 -d"${seconds}s" --latency -s "$script" "$BASE")
  service1=$(stat_ticks "$(cat "/proc/$API_PID/stat")")
  server1=$(server_ticks)
  awk -v name="$name" -v noun="$noun" -v rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
      -v p50="$(awk '$1 == "50%" {print $2}' <<<"$out")" -v p99="$(awk '$1 == "99%" {print $2}' <<<"$out")" \
      -v errors="$(awk '/Non-2xx/ {print $NF}' <<<"$out")" \
      -v service=$((service1 - service0)) -v server=$((server1 - server0)) -v seconds="$seconds" \
      'BEGIN { n = rps * seconds; printf "%-22s %8.1f %ss/s  p50 %8s  p99 %8s  service %5.0f us  PostgreSQL %5.0f us a %s%s\n",
               name, rps, noun, p50, p99, service * 10000 / n, server * 10000 / n, noun, errors ? "  non-2xx " errors : "" }'
}

# core_speeds WHEN: the CPU time in ms a fixed interpreted loop takes on each core, alone; the two
# cores of this machine's kind run it at speeds that differ and move from minute to minute.
core_speeds() {
  local core
  printf 'cores %s (ms for a fixed loop):' "$1"
  for core in $(seq 0 $(($(nproc) - 1))); do
    printf ' %s' "$(taskset -c "$core" python3 -c '
import time
started, x = time.thread_time(), 0
for i in range(3_000_000): x = (x * 31 + i) & 0xFFFFFFFF
print(round((time.thread_time() - started) * 1000))')"
  done
  echo
}
