# Sourced by the profiling scripts (profile.sh, perf.sh): the Release service on a port of its own
# and a token of the benchmark's user. Needs WORK (a scratch directory) and the repository's root as
# the working directory.

# start_service PORT CONNECTION_STRING [NAME=VALUE ...]: starts the service in Development with
# rate limits out of the way and warnings only, the given settings or runtime variables added; sets
# API_PID (the dotnet process) and BASE, and returns once /health/live answers.
start_service() {
  local port=$1 connection=$2
  shift 2
  (cd src/Sessions.Api/bin/Release/net10.0 && exec env "$@" ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__Sessions="$connection" \
    RateLimiting__PermitLimit=1000000000 Logging__LogLevel__Default=Warning dotnet Sessions.Api.dll --urls "http://127.0.0.1:$port" >"$WORK/api.log" 2>&1) &
  API_PID=$!
  BASE="http://127.0.0.1:$port"
  for _ in $(seq 1 60); do curl -sf "$BASE/health/live" >/dev/null && return; sleep 0.5; done
  echo "the service did not start: $(tail -5 "$WORK/api.log")" >&2
  return 1
}

# dev_token EMAIL: a token from POST /dev/token for EMAIL, a member of organization demo, workspace default.
dev_token() {
  curl -sf -X POST "$BASE/dev/token" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"org\":\"demo\",\"workspace\":\"default\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}
