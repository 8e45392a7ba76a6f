"""Where one perf profile spends more per request than another: each frame's samples per 1,000
requests in A and in B (inclusive, or exclusive with --self), the largest differences first.

usage: python3 bench/perf_diff.py A.stacks A_REQUESTS B.stacks B_REQUESTS [--self] [--top N]
A.stacks and B.stacks are `perf script` output of two runs of `bash bench/perf.sh` (its KIND.stacks);
A_REQUESTS and B_REQUESTS the requests each answered while sampled (its req/s times 8 seconds).
"""
import argparse
import collections

from perf_tree import method


def per_sample(stacks_path, exclusive):
    """Each frame's count of samples (a frame counted once per sample), and the samples."""
    counts = collections.Counter()
    samples = 0
    for sample in open(stacks_path, encoding="utf-8", errors="replace").read().split("\n\n"):
        lines = [line for line in sample.split("\n")[1:] if line.strip()]
        if not lines:
            continue
        samples += 1
        frames = [method(line) for line in lines]
        counts.update([frames[0]] if exclusive else set(frames))
    return counts, samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("a")
    parser.add_argument("a_requests", type=float)
    parser.add_argument("b")
    parser.add_argument("b_requests", type=float)
    parser.add_argument("--self", dest="exclusive", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    a, a_samples = per_sample(args.a, args.exclusive)
    b, b_samples = per_sample(args.b, args.exclusive)
    per_a, per_b = 1000 / args.a_requests, 1000 / args.b_requests
    print(f"samples per 1,000 requests: A {a_samples * per_a:.1f}, B {b_samples * per_b:.1f}")
    print(f"{'A - B':>8} {'A':>8} {'B':>8}  frame")
    rows = sorted(((a[f] * per_a - b[f] * per_b, a[f] * per_a, b[f] * per_b, f) for f in set(a) | set(b)), reverse=True)
    for difference, in_a, in_b, frame in rows[:args.top]:
        print(f"{difference:8.2f} {in_a:8.2f} {in_b:8.2f}  {frame[:150]}")


if __name__ == "__main__":
    main()
