"""Reads a Stryker JSON report: the score per file and in total, and whether it holds the thresholds.

The score counts killed and timed-out mutants over every mutant that was tested or never
covered (survived, no coverage); compile errors and mutants marked in the code do not count.
Fails (exit 1) when the total is below the config's "break" threshold or any file is under the
floor given as the third argument (70% unless told).
"""
import json
import sys

report = json.load(open(sys.argv[1]))
config = json.load(open(sys.argv[2]))["stryker-config"]
floor = float(sys.argv[3]) if len(sys.argv) > 3 else 70.0
threshold = config["thresholds"]["break"]

killed_total = scored_total = 0
low_files = []
for path, data in sorted(report["files"].items()):
    killed = sum(1 for m in data["mutants"] if m["status"] in ("Killed", "Timeout"))
    missed = [m for m in data["mutants"] if m["status"] in ("Survived", "NoCoverage")]
    scored = killed + len(missed)
    if scored == 0:
        continue
    killed_total += killed
    scored_total += scored
    score = 100 * killed / scored
    name = path.split("/src/")[-1]
    print(f"{score:6.1f}%  {killed:4}/{scored:<4} {name}")
    lines = data["source"].split("\n")
    for m in missed:
        line = m["location"]["start"]["line"]
        print(f"          {m['status']:<10} line {line}: {m['mutatorName']}: {lines[line - 1].strip()[:80]}")
    if score < floor:
        low_files.append(name)

total = 100 * killed_total / scored_total if scored_total else 100.0
print(f"{total:6.1f}%  {killed_total:4}/{scored_total:<4} total (threshold {threshold}%, no file under {floor}%)")
if total < threshold or low_files:
    for name in low_files:
        print(f"below the file floor: {name}")
    sys.exit(1)
