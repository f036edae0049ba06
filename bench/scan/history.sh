#!/usr/bin/env bash
# History scan benchmark: `custody scan --history` on a repository with more
# than 100,000 blobs, against the cost of inflating every object with git.
#
#   bench/scan/history.sh [BUILD_DIR] [OUT_DIR]
#
# BUILD_DIR (default ../build-bench) holds src/cli/custody; OUT_DIR (default
# BUILD_DIR/bench-results/scan-history) receives hyperfine JSON, time -v logs,
# custody's JSON findings and summary.txt.
# Input: REPO=DIR reuses a repository made by make_history_repo.sh (its
# DIR.seeded.tsv is used for the findings check); otherwise one is made under
# $TMPDIR (about 4 minutes) and deleted at the end unless KEEP=1.
# Timed with hyperfine, RUNS (default 5) after WARMUP (default 1), each after
# a quiet-machine wait, with the foreign load reported (bench/bench_lib.sh):
#   git cat-file --batch-all-objects --batch             (object-id order)
#   git cat-file --batch-all-objects --batch --unordered  (pack order)
#   custody scan --history, and with -j 1 (one core)
# plus /usr/bin/time -v of one custody run for peak RSS (target <= 500 MB).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/bench_lib.sh
source "$here/../bench_lib.sh"
build=$(cd "${1:-$here/../../build-bench}" && pwd)
out=${2:-$build/bench-results/scan-history}
runs=${RUNS:-5}
warmup=${WARMUP:-1}
custody=${CUSTODY:-$build/src/cli/custody}
[[ -x $custody ]] || { echo "missing $custody" >&2; exit 2; }
for tool in hyperfine git python3 /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "missing $tool" >&2; exit 2; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [[ -n ${REPO:-} ]]; then
  repo=$(cd "$REPO" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/custody-scan-hist-XXXXXX")
  if [[ ${KEEP:-0} == 1 ]]; then echo "keeping $work" >&2; else trap 'rm -rf "$work"' EXIT; fi
  "$here/make_history_repo.sh" "$work/repo"
  repo=$work/repo
fi
seeded=${SEEDED:-$repo.seeded.tsv}
export GIT_CONFIG_NOSYSTEM=1

summary=$out/summary.txt
: > "$summary"
log() { echo "$*" | tee -a "$summary"; }

read -r nblobs blob_bytes nobj obj_bytes < <(git -C "$repo" cat-file --batch-all-objects \
  --batch-check='%(objecttype) %(objectsize)' |
  awk '{n++; s += $2} $1 == "blob" {b++; bs += $2} END {print b, bs, n, s}')
log "# custody scan --history benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
log "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(uname -r), load now: $(cut -d' ' -f1-3 /proc/loadavg)"
log "custody: $custody (built $(date -u -r "$custody" +%Y-%m-%dT%H:%M:%SZ)); source git $(cd "$here" && git rev-parse --short HEAD); $(git --version)"
log "repository: $repo: $nblobs blobs ($((blob_bytes / 1000000)) MB inflated), $nobj objects in all ($((obj_bytes / 1000000)) MB), $(git -C "$repo" rev-list --all | wc -l) commits, $(git -C "$repo" for-each-ref | wc -l) refs, .git/objects $(du -sm "$repo/.git/objects" | cut -f1) MB"
log ""

cmds=(
  "git cat-file --batch-all-objects --batch:::git -C $repo cat-file --batch-all-objects --batch > /dev/null"
  "git cat-file --batch-all-objects --batch --unordered:::git -C $repo cat-file --batch-all-objects --batch --unordered > /dev/null"
  "custody scan --history:::cd $repo && $custody scan --history > /dev/null"
  "custody scan --history -j 1:::cd $repo && $custody scan --history -j 1 > /dev/null"
)
i=0
for entry in "${cmds[@]}"; do
  name=${entry%%:::*}
  cmd=${entry#*:::}
  i=$((i + 1))
  rc=0
  bash -c "$cmd" > /dev/null 2> "$out/check-$i.err" || rc=$?
  if (( rc > 1 )); then
    log "[$name] FAILED (exit $rc): $cmd: $(head -c 300 "$out/check-$i.err")"
    continue
  fi
  measure "$name" hyperfine -N --style none -i --warmup "$warmup" --runs "$runs" \
    --export-json "$out/hf-$i.json" --command-name "$name" "bash -c $(printf '%q' "$cmd")" \
    > /dev/null 2> "$out/measure-$i.txt" || true
  foreign=$(grep -o 'foreign load [0-9.]* cores' "$out/measure-$i.txt" | tail -1)
  python3 - "$out/hf-$i.json" "$foreign" "$nblobs" "$blob_bytes" << 'PY' | tee -a "$summary"
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
nb, bb = int(sys.argv[3]), int(sys.argv[4])
m, cpu = r["median"], r["user"] + r["system"]
print(f"[{r['command']}] median {m:.2f} s (min {r['min']:.2f}, max {r['max']:.2f}, {len(r['times'])} runs); "
      f"{nb / m:,.0f} blobs/s, {bb / m / 1e6:.0f} MB/s of blobs (wall); cpu {cpu:.2f} s mean = "
      f"{bb / cpu / 1e6:.0f} MB per cpu-second; {sys.argv[2]}")
PY
done

for j in "" "-j 1"; do
  wait_idle
  tag=${j:+-j1}
  # shellcheck disable=SC2086
  (cd "$repo" && /usr/bin/time -v -o "$out/time-custody$tag.txt" "$custody" scan --history $j > /dev/null 2>&1) || true
  log "custody scan --history $j: $(awk -F': ' '/Maximum resident set size/ {r=$2} /User time/ {u=$2}
      /System time/ {s=$2} /Elapsed \(wall clock\)/ {w=$2} /Percent of CPU/ {p=$2}
      END {printf "max RSS %.1f MiB, user %.2f s, sys %.2f s, wall %s, CPU %s", r / 1024, u, s, w, p}' \
      "$out/time-custody$tag.txt")"
done

(cd "$repo" && "$custody" scan --history --json > "$out/custody.json" 2> "$out/custody.stderr") || true
python3 - "$out" "$seeded" << 'PY' | tee -a "$summary"
import json, os, sys
out, seeded_path = sys.argv[1], sys.argv[2]
seeded = []
if os.path.exists(seeded_path):
    for l in list(open(seeded_path))[1:]:
        i, p, n, kind = l.rstrip("\n").split("\t")
        seeded.append((p, int(n), kind))
try:
    d = json.load(open(os.path.join(out, "custody.json")))
except (OSError, ValueError) as e:
    print(f"custody --json: unreadable ({e})")
    sys.exit(0)
items = d if isinstance(d, list) else d.get("findings", d.get("results", []))
locs = set()
for f in items:
    loc = f.get("location", f)
    locs.add((loc.get("path") or loc.get("file") or f.get("path") or "",
              int(loc.get("line") or f.get("line") or 0)))
hit = sum(1 for p, n, _ in seeded if (p, n) in locs)
print(f"\nfindings: custody {len(items)} findings; seeded history-only secrets found {hit}/{len(seeded)}")
PY

python3 - "$out" "$nblobs" "$blob_bytes" << 'PY' | tee -a "$summary"
import glob, json, sys
out, nb, bb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
med, cpu = {}, {}
for f in sorted(glob.glob(out + "/hf-*.json")):
    r = json.load(open(f))["results"][0]
    med[r["command"]], cpu[r["command"]] = r["median"], r["user"] + r["system"]
print("\nratios of medians:")
for c in ("custody scan --history", "custody scan --history -j 1"):
    for g in ("git cat-file --batch-all-objects --batch", "git cat-file --batch-all-objects --batch --unordered"):
        if c in med and g in med:
            print(f"  {c} / {g}: {med[c] / med[g]:.2f}x")
np = 1.11 * 2**30
for c in ("custody scan --history", "custody scan --history -j 1"):
    if c in med:
        print(f"  {c}: {bb / med[c] / 2**30:.3f} GiB/s wall, {bb / cpu[c] / 2**20:.0f} MiB per cpu-second; "
              f"Nosey Parker's published 1.11 GiB/s is {np / (bb / med[c]):.1f}x our wall rate (its core count is not stated)")
PY
log "results in $out"
