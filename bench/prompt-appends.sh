#!/usr/bin/env bash
# Appends whose context sends the session's system prompt again, as agents do on every turn:
# 16 writers (wrk -t2 -c16) on one session, each append two messages and a context carrying the
# same prompt of PROMPT_CHARS characters (50,000 by default), against the same appends sending no
# prompt; SQLite, or PostgreSQL with PG=1 (a private instance of PG_BIN's binaries). Prints each
# run's rate, p50 and p99 and the service's VmRSS; ROUNDS alternating rounds (2), WARMUP seconds
# of both before them (10), SECONDS_EACH seconds each (8). Needs wrk, python3 and the service built in Release.
set -euo pipefail
cd "$(dirname "$0")/.."
PROMPT_CHARS=${PROMPT_CHARS:-50000}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-10}
MEASURE=${SECONDS_EACH:-8}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=5547
PG_DIR=/tmp/sessions-prompt-appends-pg
WORK=$(mktemp -d)
. bench/service.sh
trap stop_chosen_service EXIT
start_chosen_service 5095
TOKEN=$(dev_token prompts@example.com)
P=/api/v1/org/demo/ws/default/sessions
ID=$(cat /proc/sys/kernel/random/uuid)
curl -sf -o /dev/null -X POST "$BASE$P" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "{\"id\":\"$ID\",\"model\":\"m\"}"
MESSAGES='[{"role":"user","content":"bench question"},{"role":"assistant","content":"bench answer","usage":{"input_tokens":120,"output_tokens":12,"cost_usd":0.0012}}]'
python3 - "$PROMPT_CHARS" "$MESSAGES" >"$WORK/with.json" <<'PY'
import json, sys
prompt = ("You are a careful agent. " * (int(sys.argv[1]) // 25 + 1))[:int(sys.argv[1])]
print(json.dumps({"messages": json.loads(sys.argv[2]), "context": {"agent": "bench", "model": "m", "system_prompt": prompt}}))
PY
echo "{\"messages\":$MESSAGES,\"context\":{\"agent\":\"bench\",\"model\":\"m\"}}" >"$WORK/without.json"
for kind in with without; do
  cat >"$WORK/$kind.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$WORK/$kind.json"); wrk.body = f:read("*a"); f:close()
LUA
done
URL="$BASE$P/$ID/transcript"
curl -sf -o /dev/null -X POST "$URL" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary "@$WORK/with.json"
for kind in with without; do wrk -t2 -c16 -d"${WARMUP}s" -s "$WORK/$kind.lua" "$URL" >/dev/null; done
for round in $(seq 1 "$ROUNDS"); do
  for kind in with without; do
    out=$(wrk -t2 -c16 -d"${MEASURE}s" --latency -s "$WORK/$kind.lua" "$URL")
    printf 'round %s, %-7s prompt: %8s req/s, p50 %s, p99 %s, non-2xx %s, RSS %s MB\n' "$round" "$kind" \
      "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")" \
      "$(awk '/Non-2xx/ {print $4}' <<<"$out" | grep . || echo 0)" "$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$API_PID/status")"
  done
done
