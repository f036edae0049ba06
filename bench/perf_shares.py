#!/usr/bin/env python3
"""Inclusive CPU shares of chosen functions from `perf script` output (the
profiles in docs/PERFORMANCE.md). Counts only samples whose stack contains
ROOT; a KEY counts a sample when any frame's symbol contains it.

    perf record -F 200 --call-graph dwarf,16384 -o perf.data \\
        build-prof/src/cli/custody -C REPO -q verify --no-remember
    perf script -i perf.data | bench/perf_shares.py 'custody::Ledger::Verify' \\
        CheckEntry PublicKey::Verify ParseEnvelope ParseStatement SqliteStore::GetNode

Use a RelWithDebInfo build (-g) so that the dwarf unwinder can name frames.
"""
import collections
import sys


def main(root, keys):
    total = 0
    inclusive = collections.Counter()
    leaf = collections.Counter()
    stack = []

    def flush():
        nonlocal total
        if stack and any(root in f for f in stack):
            total += 1
            for k in keys:
                if any(k in f for f in stack):
                    inclusive[k] += 1
            leaf[stack[0][:70]] += 1

    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            flush()
            stack.clear()
        elif line[0] in " \t":
            parts = line.strip().split(" ", 1)
            if len(parts) == 2:
                stack.append(parts[1])
    flush()
    print(f"samples under {root}: {total}")
    for k in keys:
        print(f"{100 * inclusive[k] / max(total, 1):6.1f}%  {k}")
    print("--- top leaf frames")
    for f, c in leaf.most_common(15):
        print(f"{100 * c / max(total, 1):6.1f}%  {f}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
