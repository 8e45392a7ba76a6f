#!/usr/bin/env bash
# Memory under hostile load: 16 clients append 15 MiB each at the same moment, to one SQLite-backed
# service (Release). Records every answer's status and the process's peak resident memory (VmHWM),
# and writes bench/results/<date>-memory.md. The service must stay under 600 MB and answer each
# request 2xx, 413 or 429, never 5xx.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CLIENTS=${CLIENTS:-16}
LARGE_BODIES=${LARGE_BODIES:-2}     # Limits:MaxConcurrentLargeBodies
API_PORT=5091
RESULT="$ROOT/bench/results/$(date -u +%F)-memory.md"
WORK=$(mktemp -d)
cleanup() { [ -n "${API_PID:-}" ] && kill "$API_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet build src/Sessions.Api -c Release -nologo -v q >/dev/null
(cd src/Sessions.Api/bin/Release/net10.0 && ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__Sessions="Data Source=$WORK/sessions.db" \
  RateLimiting__PermitLimit=100000000 Logging__LogLevel__Default=Warning Limits__MaxConcurrentLargeBodies="$LARGE_BODIES" \
  exec dotnet Sessions.Api.dll --urls "http://127.0.0.1:$API_PORT" >"$WORK/api.log" 2>&1) &
API_PID=$!
BASE="http://127.0.0.1:$API_PORT"
for _ in $(seq 1 60); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 1; done
PID=$(pgrep -f "Sessions.Api.dll --urls $BASE" | head -n 1)
TOKEN=$(curl -sf -X POST "$BASE/dev/token" -H 'Content-Type: application/json' \
  -d '{"email":"memory@example.com","org":"bench","workspace":"memory"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
S="$BASE/api/v1/org/bench/ws/memory/sessions"
python3 - "$WORK/body.json" <<'PY'
import json, sys
content = "x" * 1_966_080          # 8 of these make a 15 MiB body; each is under the 2 MiB content limit
json.dump({"messages": [{"role": "user", "content": content} for _ in range(8)]}, open(sys.argv[1], "w"))
PY
BODY_BYTES=$(stat -c %s "$WORK/body.json")
IDS=()
for i in $(seq 1 "$CLIENTS"); do
  id=$(cat /proc/sys/kernel/random/uuid); IDS+=("$id")
  curl -sf -X POST "$S" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "{\"id\":\"$id\",\"model\":\"m\"}" >/dev/null
done
BEFORE=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
started=$(date +%s.%N)
for id in "${IDS[@]}"; do
  curl -s -o /dev/null -w '%{http_code}\n' --max-time 300 -X POST "$S/$id/transcript" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" >>"$WORK/statuses" &
done
wait $(jobs -p | grep -v "^$API_PID$") 2>/dev/null || true
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
PEAK=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
AFTER=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
SUMMARY=$(sort "$WORK/statuses" | uniq -c | awk '{printf "%s x %s, ", $1, $2}' | sed 's/, $//')
{
  echo "# Memory: $CLIENTS concurrent 15 MiB appends, $(date -u '+%F %H:%M') UTC"
  echo
  echo "SQLite, Release build, \`Limits:MaxConcurrentLargeBodies\` $LARGE_BODIES, \`Limits:LargeBodyQueue\` 32."
  echo "Body: $BODY_BYTES bytes (8 messages of 1,966,080 characters)."
  echo
  echo "| | value |"
  echo "|---|---:|"
  echo "| RSS before | $((BEFORE / 1024)) MB |"
  echo "| peak RSS (VmHWM) | $((PEAK / 1024)) MB |"
  echo "| RSS after | $((AFTER / 1024)) MB |"
  echo "| answers | $SUMMARY |"
  echo "| wall time | ${elapsed%.*} s |"
} >"$RESULT"
cat "$RESULT"
grep -qE '^5' "$WORK/statuses" && { echo "a request answered 5xx" >&2; exit 1; }
[ "$PEAK" -lt $((600 * 1024)) ] || { echo "peak RSS over 600 MB" >&2; exit 1; }
