"""The side-by-side benchmark's steps on one of its targets, with the windows in an order of the
caller's choice: how a window's rate depends on what ran before it in the same process.

usage: python3 bench/windows.py TARGET [STEP ...]
TARGET is one of ../shared/bench/side_by_side.py's (project, project-pg, ceiling-sqlite,
ceiling-pg); each STEP one of its windows (freeze_first, freeze_again, get), 8 s each, run in the
order given (by default freeze_first freeze_again freeze_again get freeze_again get), after the
same creates (20,000, for the service) and first freeze as that benchmark makes. Prints each
window's rate, p50, p99 and non-2xx answers. Needs wrk; the service built in Release.
"""
import concurrent.futures
import os
import sys
import tempfile
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "..", "shared", "bench"))
import side_by_side as bench  # noqa: E402

SCRIPTS = {"freeze_first": "freeze.lua", "freeze_again": "refreeze.lua", "get": "get.lua"}
TARGETS = ("project", "project-pg", "ceiling-sqlite", "ceiling-pg")


def main(target, steps):
    if target not in TARGETS:
        sys.exit(f"unknown target '{target}': one of {', '.join(TARGETS)}")
    unknown = [step for step in steps if step not in SCRIPTS]
    if unknown:
        sys.exit(f"unknown steps {unknown}: each is one of {sorted(SCRIPTS)}")
    work = tempfile.mkdtemp(prefix="windows-")
    ids_file = os.path.join(work, "ids")
    if target.startswith("ceiling"):
        open(ids_file, "w").write("\n".join(str(uuid.uuid4()) for _ in range(150000)))
    process, url = bench.start(target, ROOT, work, ids_file)
    try:
        if target.startswith("ceiling"):
            token, session = "x", open(ids_file).read().split()[-1]
        else:
            _, answer = bench.post(url + "/dev/token", {"email": "bench@example.com", "org": "demo", "workspace": "default", "role": "member",
                                                        "scopes": ["sessions:read", "sessions:write"]})
            token = answer["access_token"]
            ids = [str(uuid.uuid4()) for _ in range(20000)]
            with concurrent.futures.ThreadPoolExecutor(16) as pool:
                list(pool.map(lambda i: bench.post(url + bench.BASE[:-1], {"id": i, "model": "m", "title": "bench"}, token), ids))
            open(ids_file, "w").write("\n".join(ids))
            session = ids[0]
        bench.post(url + bench.BASE + session + "/freeze", {}, token)
        for step in steps:
            arguments = [ids_file, token, bench.BASE, "2"] if step == "freeze_first" else [session, token, bench.BASE]
            print(target, step, bench.wrk(url, SCRIPTS[step], arguments, 8), flush=True)
    finally:
        bench.stop(process)
        bench.pg_stop()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:] or ["freeze_first", "freeze_again", "freeze_again", "get", "freeze_again", "get"])
