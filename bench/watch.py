"""The side-by-side benchmark (../shared/bench/side_by_side.py) run ITERATIONS times in one go, with
what it does not keep: each wrk run's whole output with its start time, the service's runtime
counters every second (dotnet-counters, System.Runtime: GC pauses, thread pool, JIT, exceptions)
and the private PostgreSQL cluster's log. Meant for catching a rare tail (a p99 far above the
p50 in one phase) with what the process was doing at that second.

usage: python3 bench/watch.py OUT_DIR ITERATIONS TARGETS [N]
       (TARGETS as the benchmark's --only, e.g. ceiling-pg,project-pg; N sessions, default 20000)
Needs what the benchmark needs, and dotnet-counters (a .NET global tool) on PATH or in ~/.dotnet/tools.
Each iteration starts a fresh PostgreSQL cluster, as the benchmark does. Prints one line per
iteration: each target's rate, p50, p99 and count of non-2xx answers per operation."""
import json, os, re, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "..", "shared", "bench"))
import side_by_side as bench  # noqa: E402

COUNTERS = shutil.which("dotnet-counters") or os.path.expanduser("~/.dotnet/tools/dotnet-counters")


def main():
    out, iterations, targets = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 20000
    os.makedirs(out, exist_ok=True)
    state = {}
    started = bench.start

    def start(kind, repo, tmp, ids_file):
        process, url = started(kind, repo, tmp, ids_file)
        if kind.startswith("project"):
            state["counters"] = subprocess.Popen(
                [COUNTERS, "collect", "-p", str(process.pid), "--refresh-interval", "1", "--format", "csv",
                 "-o", f"{out}/it{state['it']}-{kind}-counters.csv", "--counters", "System.Runtime"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        state["t0"] = time.time()
        return process, url

    def wrk(url, script, args, seconds, threads=2, conns=16):
        begun = time.time()
        cmd = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{seconds}s", "--latency",
               "-s", os.path.join(bench.HERE, script), url, "--"] + args
        text = subprocess.run(cmd, capture_output=True, text=True).stdout
        with open(f"{out}/it{state['it']}-{state['kind']}-{script}.txt", "w") as f:
            f.write(f"start {begun:.3f} (t+{begun - state['t0']:.1f}s) end {time.time():.3f}\n{text}")
        non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
        return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)), "p50_ms": percentile(text, 50),
                "p99_ms": percentile(text, 99), "non2xx": int(non2xx.group(1)) if non2xx else 0}

    bench.start, bench.wrk = start, wrk
    for it in range(iterations):
        state["it"] = it
        bench._pg.clear()  # a fresh cluster per iteration, as in one run of the benchmark
        results = {}
        for kind in targets:
            state["kind"] = kind
            results[kind] = bench.run_target(kind, ROOT, n, 8)
            if "counters" in state:
                state.pop("counters").terminate()
        bench.pg_stop()
        if bench._pg:
            shutil.copy(os.path.join(bench._pg["dir"], "log"), f"{out}/it{it}-pg.log")
        line = {k: {op: [v[op][f] for f in ("rps", "p50_ms", "p99_ms", "non2xx")] for op in ("freeze_first", "freeze_again", "get")} for k, v in results.items()}
        print(it, time.strftime("%H:%M:%S"), json.dumps(line), flush=True)


def percentile(text, q):
    value, unit = re.search(rf"\s{q}%\s+([\d.]+)(us|ms|s)", text).groups()
    return float(value) / 1000 if unit == "us" else float(value) * 1000 if unit == "s" else float(value)


if __name__ == "__main__":
    main()
