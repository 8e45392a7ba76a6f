"""Inclusive share of a perf profile's samples under a frame, with the frame's direct callees.

usage: python3 bench/perf_tree.py STACKS FRAME_REGEX [CALLEES]
STACKS is `perf script` output; a sample counts under the first frame, from the thread's root,
whose method name matches FRAME_REGEX, and its share goes to the frame called from it.
"""
import collections
import re
import sys


def method(line):
    """The method of one `perf script` frame line, without address, tier, signature or module path."""
    match = re.match(r"\s*[0-9a-f]+ (.*) \(.*\)$", line)
    name = match.group(1) if match else line.strip()
    name = re.sub(r"\[(Optimized|QuickJitted|Tier\d|OptimizedTier1|Instrumented)[^\]]*\]", "", name)
    name = re.sub(r"/\* MT: [^*]*\*/", "", name)
    return re.sub(r"\(.*", "", name).strip()


def main(stacks_path, frame, shown):
    pattern = re.compile(frame)
    total = under = 0
    callees = collections.Counter()
    for sample in open(stacks_path, encoding="utf-8", errors="replace").read().split("\n\n"):
        lines = [line for line in sample.split("\n")[1:] if line.strip()]
        if not lines:
            continue
        total += 1
        frames = [method(line) for line in reversed(lines)]
        for depth, name in enumerate(frames):
            if pattern.search(name):
                under += 1
                callees[frames[depth + 1] if depth + 1 < len(frames) else "(self)"] += 1
                break
    print(f"{under} of {total} samples ({100 * under / max(total, 1):.1f}%)")
    for name, count in callees.most_common(shown):
        print(f"  {100 * count / max(total, 1):6.2f}%  {name[-140:]}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 12)
