"""Appends batches of 300-500 messages of random shape to 64 sessions from 16 threads, N each, and
prints the service's VmRSS before and after (bench/results/2026-12-05-statements-kept.md).

usage: python3 bench/statements_kept.py BASE_URL TOKEN SERVICE_PID N
(the service started as bench/service.sh's start_service does, TOKEN from its dev_token)
"""
import json, random, sys, threading, urllib.request, uuid
base, token, pid = sys.argv[1], sys.argv[2], sys.argv[3]
P = base + "/api/v1/org/demo/ws/default/sessions"
H = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
def call(method, url, body=None):
    req = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(), headers=H, method=method)
    with urllib.request.urlopen(req) as r: return r.status
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"): return line.split()[1]
ids = [str(uuid.uuid4()) for _ in range(64)]
for i in ids: call("POST", P, {"id": i, "model": "m"})
print("start rss kB", rss(), flush=True)
def worker(seed):
    rnd = random.Random(seed)
    for n in range(int(sys.argv[4])):
        size = rnd.randint(300, 500)
        msgs = []
        for k in range(size):
            m = {"role": rnd.choice(["user", "assistant"]), "content": "w" * rnd.randint(1, 40)}
            if rnd.random() < 0.3: m["usage"] = {"input_tokens": rnd.randint(1, 9), "output_tokens": 1}
            msgs.append(m)
        call("POST", f"{P}/{rnd.choice(ids)}/transcript", {"messages": msgs})
ts = [threading.Thread(target=worker, args=(s,)) for s in range(16)]
[t.start() for t in ts]; [t.join() for t in ts]
print("end rss kB", rss(), flush=True)
