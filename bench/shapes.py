#!/usr/bin/env python3
"""A bounded stream of list requests of varied shapes against a running service.

Every filter present or absent, label filters in random groups with 1-12 values, every sort
order, search texts of each kind, list and count pages: what a frontend's filter panel, or a
client walking every combination, sends. Prints, for each block of requests, EF Core's
compiled-query cache misses (from /metrics), the service's CPU time per request and its resident
memory. Started by shapes.sh, which runs the service; usable against any running instance:

  python3 bench/shapes.py BASE TOKEN PID [REQUESTS] [SEED]
"""
import http.client
import json
import random
import re
import sys
import time
import urllib.parse

BASE, TOKEN, PID = sys.argv[1], sys.argv[2], int(sys.argv[3])
REQUESTS = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
SEED = int(sys.argv[5]) if len(sys.argv) > 5 else 7
PATH = "/api/v1/org/demo/ws/default/sessions"
BLOCK = 250

url = urllib.parse.urlparse(BASE)
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
rng = random.Random(SEED)
KEYS = ["env", "team", "tier", "k8s:ns", "image", "region"]
SEARCHES = ["ab", "agent", "ÄBC", "a_b", "%x", "straße", "prod-1"]
ORIGINS = ["user", "eval", "worker"]


def get(path):
    connection.request("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
    response = connection.getresponse()
    body = response.read()
    return response.status, body


def misses():
    status, body = get("/metrics")
    if status != 200:
        raise SystemExit(f"/metrics answered {status}: set Metrics__Prometheus=true")
    found = re.search(rb"compiled_query_cache_misses(?:_total)?(?:\{[^}]*\})? (\d+)", body)
    return int(found.group(1)) if found else 0


def cpu_seconds():
    fields = open(f"/proc/{PID}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0


def rss_mb():
    for line in open(f"/proc/{PID}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def shape():
    query = []
    if rng.random() < 0.3:
        query += [("agent", f"agent-{rng.randrange(9)}") for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.3:
        query += [("model", f"model-{rng.randrange(9)}") for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.3:
        query += [("origin", rng.choice(ORIGINS)) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.2:
        query.append(("project_id", "00000000-0000-0000-0000-00000000000" + str(rng.randrange(10))))
    if rng.random() < 0.6:
        labels = []
        for _ in range(rng.randint(1, 4)):
            key = rng.choice(KEYS)
            labels += [("label", f"{key}:v{rng.randrange(40)}") for _ in range(rng.randint(1, 12))]
        query += labels[:20]
    if rng.random() < 0.3:
        query.append(("archived", rng.choice(["active", "archived", "any"])))
    if rng.random() < 0.3:
        query.append(("include_workload_sessions", rng.choice(["true", "false"])))
    if rng.random() < 0.4:
        query.append(("search", rng.choice(SEARCHES)))
    if rng.random() < 0.7:
        query.append(("sort_by", rng.choice(["updated_at", "created_at", "last_message_at", "message_count"])))
        query.append(("sort_dir", rng.choice(["asc", "desc"])))
    query.append(("limit", str(rng.choice([20, 20, 50, 7]))))
    query.append(("page", str(rng.choice([1, 1, 2]))))
    route = rng.choice(["", "", "", "/facets"])
    return f"{PATH}{route}?{urllib.parse.urlencode(query)}"


print(f"| requests | cache misses | misses / request | CPU ms / request | RSS MB |")
print(f"|---|---|---|---|---|")
before_misses, before_cpu = misses(), cpu_seconds()
failures = 0
for block in range(REQUESTS // BLOCK):
    for _ in range(BLOCK):
        status, body = get(shape())
        if status != 200:
            failures += 1
            if failures <= 3:
                print(f"answered {status}: {body[:300]!r}", file=sys.stderr)
    now_misses, now_cpu = misses(), cpu_seconds()
    print(f"| {(block + 1) * BLOCK} | {now_misses - before_misses} | {(now_misses - before_misses) / BLOCK:.2f} "
          f"| {(now_cpu - before_cpu) * 1000 / BLOCK:.1f} | {rss_mb():.0f} |", flush=True)
    before_misses, before_cpu = now_misses, now_cpu
print(f"\n{failures} of {REQUESTS} requests failed")
sys.exit(1 if failures else 0)
