#!/usr/bin/env python3
"""Prints the medians of one or more bench/run_all.sh result directories as
markdown tables (the source of the numbers in docs/PERFORMANCE.md).

    bench/summarize.py build-bench/bench-results [more result dirs...]

With several directories (passes), each figure gets one column per pass.
"""
import glob
import json
import os
import re
import sys


def bench_medians(d):
    """name -> median aggregate row, from every ledger_bench-*.json in d."""
    rows = {}
    for path in sorted(glob.glob(os.path.join(d, "ledger_bench-*.json"))):
        with open(path) as f:
            data = json.load(f)
        for b in data["benchmarks"]:
            if b.get("aggregate_name") == "median":
                rows[b["run_name"]] = b
    return rows


def hyperfine_medians(d):
    """(kind, size) -> median seconds, from d/cli/hyperfine-*.json."""
    out = {}
    for path in glob.glob(os.path.join(d, "cli", "hyperfine-*.json")):
        m = re.search(r"hyperfine-(\w+)-(\d+)\.json$", path)
        with open(path) as f:
            r = json.load(f)["results"][0]
        out[(m.group(1), int(m.group(2)))] = r
    return out


def cli_facts(d):
    """Max RSS per size, append rates, openssl speed, foreign loads."""
    facts = {"rss": {}, "append": [], "openssl": None, "foreign": []}
    summary = os.path.join(d, "cli", "summary.txt")
    for path in glob.glob(os.path.join(d, "cli", "time-verify-*.txt")):
        size = int(re.search(r"(\d+)\.txt$", path).group(1))
        with open(path) as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
        facts["rss"][size] = int(m.group(1))
    if os.path.exists(summary):
        with open(summary) as f:
            text = f.read()
        facts["append"] = re.findall(r"^(\d+) entries \(added (\d+) in [\d.]+ s, (\d+) envelopes/s",
                                     text, re.M)
        m = re.search(r"Ed25519\)\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)", text)
        if m:
            facts["openssl"] = (float(m.group(1)), float(m.group(2)))
    for path in glob.glob(os.path.join(d, "ledger_bench-*.err")) + [summary]:
        if os.path.exists(path):
            with open(path) as f:
                facts["foreign"] += re.findall(r"^\[(.*)\] .*foreign load ([\d.]+) cores", f.read(),
                                               re.M)
    return facts


def fmt_rate(x):
    return f"{x / 1000:.2f}k/s" if x >= 1000 else f"{x:.0f}/s"


def main(dirs):
    passes = [(bench_medians(d), hyperfine_medians(d), cli_facts(d)) for d in dirs]
    cols = " | ".join(f"pass {i + 1}" for i in range(len(dirs)))
    print(f"| benchmark (median of 5) | {cols} |")
    print("|---|" + "---|" * len(dirs))
    names = []
    for rows, _, _ in passes:
        names += [n for n in rows if n not in names]
    for name in names:
        cells = []
        for rows, _, _ in passes:
            b = rows.get(name)
            if b is None:
                cells.append("-")
                continue
            unit, real, cpu = b["time_unit"], b["real_time"], b["cpu_time"]
            if unit == "ns" and real >= 1e4:
                unit, real, cpu = "us", real / 1e3, cpu / 1e3
            cell = f"{real:.4g} {unit} wall, {cpu:.4g} {unit} cpu"
            if "items_per_second" in b:
                cell += f", {fmt_rate(b['items_per_second'])}"
            if "per_cpu_s" in b:
                cell += f", {fmt_rate(b['per_cpu_s'])} per cpu-s"
            if "peak_rss_MiB" in b:
                cell += f", peak RSS {b['peak_rss_MiB']:.1f} MiB"
            cells.append(cell)
        print(f"| {name} | " + " | ".join(cells) + " |")

    print(f"\n| custody CLI | {cols} |")
    print("|---|" + "---|" * len(dirs))
    keys = sorted({k for _, hf, _ in passes for k in hf})
    for kind, size in keys:
        cells = []
        for _, hf, _ in passes:
            r = hf.get((kind, size))
            if r is None:
                cells.append("-")
                continue
            cell = f"median {r['median']:.3f} s (min {r['min']:.3f}, max {r['max']:.3f})"
            if kind == "verify":
                cell += f", {fmt_rate(size / r['median'])}, user {r['user']:.2f} s"
            cells.append(cell)
        print(f"| {kind} {size} | " + " | ".join(cells) + " |")
    for size in sorted({s for _, _, f in passes for s in f["rss"]}):
        cells = [f"{f['rss'].get(size, 0) / 1024:.1f} MiB" for _, _, f in passes]
        print(f"| verify max RSS {size} | " + " | ".join(cells) + " |")
    for i, (_, _, f) in enumerate(passes):
        if f["append"]:
            print(f"\npass {i + 1} make_ledger (batches of 1000): " +
                  ", ".join(f"to {t}: {r}/s" for t, _, r in f["append"]))
        if f["openssl"]:
            print(f"pass {i + 1} openssl speed ed25519: sign {f['openssl'][0]:.0f}/s, "
                  f"verify {f['openssl'][1]:.0f}/s")
        if f["foreign"]:
            print(f"pass {i + 1} foreign load (cores): " +
                  ", ".join(f"{label} {load}" for label, load in f["foreign"]))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
