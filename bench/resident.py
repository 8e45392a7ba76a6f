"""What a process keeps resident, by kind of mapping (read from /proc/PID/smaps).

usage: python3 bench/resident.py PID [--line]
One kind per line, largest first; with --line, the kinds of at least 1 MB on one line."""
import collections
import re
import sys

kinds = collections.Counter()
kind = None
for line in open(f"/proc/{sys.argv[1]}/smaps"):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        fields = line.split()
        name = fields[5] if len(fields) > 5 else ""
        kind = ("runtime double-mapped " + fields[1] if "doublemapper" in name else "assemblies" if name.endswith(".dll")
                else "native libraries" if ".so" in name else "anonymous" if name in ("", "[heap]") else "other")
    elif line.startswith("Rss:"):
        kinds[kind] += int(line.split()[1])
if "--line" in sys.argv:
    print("  " + ", ".join(f"{kind} {kb / 1024:.1f} MB" for kind, kb in kinds.most_common() if kb >= 1024))
else:
    for kind, kb in kinds.most_common():
        print(f"{kind:32s} {kb / 1024:6.1f} MB")
