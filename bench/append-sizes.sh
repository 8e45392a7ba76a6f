#!/usr/bin/env bash
# Median time of 30 sequential appends to one session, for three batch shapes (2 messages of 50
# words, 100 of about 10 KB, 500 of 50 words), each shape the same on every append; the Release
# service on a fresh SQLite file, or on the connection string given.
#   usage: bash bench/append-sizes.sh [CONNECTION_STRING [NAME=VALUE ...]]
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d)
. bench/service.sh
start_service 5098 "${1:-Data Source=$WORK/sessions.db}" "${@:2}"
trap 'kill $API_PID 2>/dev/null; rm -rf $WORK' EXIT
TOKEN=$(dev_token sizes@example.com)
python3 - "$BASE/api/v1/org/demo/ws/default/sessions" "$TOKEN" <<'PY'
import json, random, statistics, string, sys, time, urllib.request, uuid
path, token = sys.argv[1], sys.argv[2]
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
def post(url, body):
    started = time.time()
    urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers)).read()
    return time.time() - started
random.seed(1)
words = ["".join(random.choices(string.ascii_lowercase, k=random.randint(3, 9))) for _ in range(5000)]
for count, length in [(2, 50), (100, 1700), (500, 50)]:
    session = str(uuid.uuid4())
    post(path, json.dumps({"id": session, "model": "m"}).encode())
    body = json.dumps({"messages": [{"role": "user" if i % 2 == 0 else "assistant", "content": " ".join(random.choices(words, k=length)),
                                     "usage": {"input_tokens": 10, "output_tokens": i}} for i in range(count)]}).encode()
    for _ in range(5):
        post(f"{path}/{session}/transcript", body)
    times = [post(f"{path}/{session}/transcript", body) for _ in range(30)]
    print(f"{count} messages of {length} words ({len(body) // 1024} KB): median {statistics.median(times) * 1000:.1f} ms, p90 {sorted(times)[26] * 1000:.1f} ms")
PY
