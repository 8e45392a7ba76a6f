#!/usr/bin/env bash
# Where an append's time goes on PostgreSQL: 16 writers on one session against 16 writers on 16
# sessions (req/s, p50, p99 and the CPU per append of the service and of every PostgreSQL process,
# from /proc over the measured window), one session's appends at 1, 2, 4 and 16 connections, and
# each statement's duration at one connection (log_min_duration_statement=0 for one second), and
# PostgreSQL's time per append in each step of the protocol (parse, bind, execute).
# A private PostgreSQL (the newest binaries installed) and the Release service on 127.0.0.1; every
# load is bounded (SECONDS_EACH). Runs as root (it starts PostgreSQL as the postgres user).
#   usage: bash bench/appends.sh        (about 3 minutes; WARMUP seconds of warm-up per kind, 60 by default)
# Needs wrk and the service built in Release. How bench/results/2026-12-02-append-path.md was taken.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=5547
API_PORT=5096
SECONDS_EACH=${SECONDS_EACH:-8}
WARMUP=${WARMUP:-60}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DIR=/tmp/sessions-appends-pg
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
WORK=$(mktemp -d)
TICKS=$(getconf CLK_TCK)

. bench/service.sh
cleanup() {
  [ -n "${API_PID:-}" ] && kill "$API_PID" 2>/dev/null || true
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres sessions_appends
PSQL=(psql -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q -A -t)

start_service "$API_PORT" "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sessions_appends;Maximum Pool Size=64" Database__Provider=Postgres
TOKEN=$(dev_token appends@example.com)
P=/api/v1/org/demo/ws/default/sessions
new_sessions 17 "$TOKEN"
IDS=("${NEW_SESSIONS[@]}")
BODY=$APPEND_BODY
ONE="$BASE$P/${IDS[0]}/transcript"
cat >"$WORK/one.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '$BODY'
LUA
spread_lua "$WORK/spread.lua" "$TOKEN" "$BODY" $(for i in $(seq 1 16); do echo "$P/${IDS[$i]}/transcript"; done)

# CPU time in clock ticks of the given processes; PostgreSQL's are this cluster's postmaster and its children.
ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
postgres_pids() { local pm; pm=$(head -1 "$PG_DIR/data/postmaster.pid"); echo "$pm" $(pgrep -P "$pm"); }
measure() {
  local name=$1 script=$2 url=$3 s0 p0 s1 p1 out n failed
  s0=$(ticks "$API_PID"); p0=$(ticks $(postgres_pids))
  out=$(wrk -t2 -c16 -d"${SECONDS_EACH}s" --latency -s "$script" "$url")
  s1=$(ticks "$API_PID"); p1=$(ticks $(postgres_pids))
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  failed=$(echo "$out" | awk '/Non-2xx/ {f += $NF} /Socket errors/ {gsub(/[^0-9 ]/, " "); f += $1 + $2 + $3 + $4} END {print f + 0}')
  if [ "${n:-0}" -eq 0 ] || [ "$failed" -ne 0 ]; then
    echo "$name: $failed of ${n:-0} requests failed" >&2
    exit 1
  fi
  printf '| %s | %s | %s | %s | %d | %d |\n' "$name" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1 == "50%" {print $2}')" "$(echo "$out" | awk '$1 == "99%" {print $2}')" \
    $(((s1 - s0) * 1000000 / TICKS / n)) $(((p1 - p0) * 1000000 / TICKS / n))
}

# The write path is not in steady state after seconds of load: the JIT compiles at tier 1 for
# most of the first 20 s of appends.
wrk -t2 -c16 -d"${WARMUP}s" -s "$WORK/one.lua" "$ONE" >/dev/null
wrk -t2 -c16 -d"${WARMUP}s" -s "$WORK/spread.lua" "$BASE/" >/dev/null

echo "| 16 writers (wrk -t2 -c16, ${SECONDS_EACH} s) | req/s | p50 | p99 | service CPU per append (µs) | PostgreSQL CPU per append (µs) |"
echo "|---|---:|---:|---:|---:|---:|"
for _ in 1 2; do
  measure "one session" "$WORK/one.lua" "$ONE"
  measure "16 sessions" "$WORK/spread.lua" "$BASE/"
done

echo
echo "| one session, connections | req/s | p50 | p99 |"
echo "|---:|---:|---:|---:|"
for c in 1 2 4 16; do
  out=$(wrk -t1 -c"$c" -d"${SECONDS_EACH}s" --latency -s "$WORK/one.lua" "$ONE")
  printf '| %d | %s | %s | %s |\n' "$c" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1 == "50%" {print $2}')" "$(echo "$out" | awk '$1 == "99%" {print $2}')"
done

echo
echo "| statement of an append, one connection (its execution: the parse and bind of an unnamed statement apart) | runs | p50 (ms) | p90 (ms) |"
echo "|---|---:|---:|---:|"
LINES=$(wc -l <"$PG_DIR/log")
"${PSQL[@]}" -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" >/dev/null
wrk -t1 -c1 -d1s -s "$WORK/one.lua" "$ONE" >/dev/null
"${PSQL[@]}" -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" >/dev/null
# A statement's text may span lines (tag comments open it): each entry joined onto one line, its
# lines' leading blanks and its blank lines left out.
tail -n +"$LINES" "$PG_DIR/log" | awk '/^[0-9][0-9][0-9][0-9]-/ {if (entry != "") print entry; entry = $0; next} {sub(/^[ \t]+/, ""); if ($0 != "") entry = entry " " $0} END {if (entry != "") print entry}' >"$WORK/statements.log"
# ": -- prepared SELECT" is the read by reference before the turn (the lock-and-load opens with "-- lock sessions").
for kind in "statement: BEGIN" "lock sessions" "INSERT INTO outbox_messages" "INSERT INTO session_messages" "UPDATE sessions" "INSERT INTO session_usage_days" "statement: COMMIT" ": -- prepared SELECT"; do
  { grep -E "duration: [0-9.]+ ms +(execute [^:]*|statement): " "$WORK/statements.log" || true; } | { grep -F -- "$kind" || true; } |
    { grep -o "duration: [0-9.]*" || true; } | awk '{print $2}' | sort -n |
    awk -v k="$kind" '{a[NR] = $1} END {if (NR) {i = int((NR * 9 + 9) / 10); printf "| %s | %d | %.3f | %.3f |\n", k, NR, a[int((NR + 1) / 2)], a[i]}}'
done

# What PostgreSQL spent on all the statements of an append in that second, by step of the
# protocol: an unnamed statement is parsed and bound (planned) on every run, a prepared one only
# bound; the simple protocol's BEGIN and COMMIT count as executions.
APPENDS=$({ grep -F "lock sessions" "$WORK/statements.log" || true; } | { grep -cE "duration: [0-9.]+ ms +(execute [^:]*|statement): " || true; })
echo
echo "| step, all statements of an append (one connection) | ms per append |"
echo "|---|---:|"
for step in parse bind "execute|statement"; do
  { grep -oE "duration: [0-9.]+ ms +($step)[ :]" "$WORK/statements.log" || true; } | awk '{print $2}' |
    awk -v s="$step" -v n="$APPENDS" '{t += $1} END {if (n) printf "| %s | %.3f |\n", s, t / n}'
done
