#!/usr/bin/env bash
# Times `custody verify` (the real binary, whole-ledger re-verification) on
# ledgers of 10,000, 50,000 and 100,000 generation entries in a throwaway git
# repository, plus the machine limits it is compared with:
#   - hyperfine --runs 5 of `custody verify --no-remember` at each size
#     (--no-remember keeps every run identical: no last-verified checkpoint);
#   - /usr/bin/time -v for max RSS and CPU time of one verify at each size;
#   - hyperfine of `cat ledger.db` (warm page cache: reading the bytes is the
#     floor for any verifier);
#   - `openssl speed -seconds 3 ed25519` (sign/s and verify/s on one core).
# The ledger is grown with bench/make_ledger (Project::Record, batches of
# 1000), whose append rate is reported too. Each measurement waits for a
# quiet machine and reports the foreign load (see bench_lib.sh).
#
#   bench/verify_cli.sh [BUILD_DIR] [OUT_DIR]
#
# BUILD_DIR defaults to ../build-bench (configure with
# -DCUSTODY_BUILD_BENCHMARKS=ON); OUT_DIR (default BUILD_DIR/bench-results/cli)
# receives the hyperfine markdown/JSON, the time -v logs and summary.txt.
# The scratch repository goes under $TMPDIR (default /tmp), i.e. on the disk
# being measured; it is deleted on exit unless KEEP=1. Override SIZES
# ("10000 50000 100000"), RUNS (5), IDLE_WAIT/IDLE_PCT (bench_lib.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/bench_lib.sh
source "$here/bench_lib.sh"
build=$(cd "${1:-$here/../build-bench}" && pwd)
out=${2:-$build/bench-results/cli}
sizes=${SIZES:-"10000 50000 100000"}
runs=${RUNS:-5}
custody=$build/src/cli/custody
make_ledger=$build/bench/make_ledger
for tool in "$custody" "$make_ledger"; do
  [[ -x $tool ]] || { echo "missing $tool (build with -DCUSTODY_BUILD_BENCHMARKS=ON)" >&2; exit 2; }
done
for tool in hyperfine git sqlite3 openssl /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "missing $tool" >&2; exit 2; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/custody-cli-bench-XXXXXX")
if [[ ${KEEP:-0} == 1 ]]; then echo "keeping $work" >&2; else trap 'rm -rf "$work"' EXIT; fi
summary=$out/summary.txt
: > "$summary"
log() { echo "$*" | tee -a "$summary"; }
# Runs a measured command, appending its output and the measure line.
logged() { measure "$@" 2>&1 | tee -a "$summary"; }

make_scratch_repo "$work" "$custody"
repo=$work/repo
db=$repo/.git/custody/ledger.db

log "# custody verify_cli.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
log "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(uname -r)"
log "disk: $(df -P "$work" | awk 'NR==2 {print $1}') ($(findmnt -no FSTYPE -T "$work")) under $work"
log "custody: $custody (built $(date -u -r "$custody" +%Y-%m-%dT%H:%M:%SZ))"
src=$(cd "$here/.." && git rev-parse --short HEAD 2> /dev/null || echo unknown)
dirty=$(cd "$here/.." && git status --short -- src include 2> /dev/null | wc -l)
log "source now: git $src ($dirty changed files under src/ include/ not committed)"
log ""

have=0
for size in $sizes; do
  log "## $size entries"
  logged "make_ledger +$((size - have))" "$make_ledger" "$repo" "$((size - have))" 1000
  have=$size
  log "ledger.db: $(stat -c %s "$db") bytes; envelope bytes min/avg/max: $(sqlite3 "$db" \
    'SELECT min(length(envelope)), round(avg(length(envelope))), max(length(envelope)) FROM entries')"

  # One verify under time -v: max RSS, user+sys CPU, and the result line.
  wait_idle
  /usr/bin/time -v -o "$out/time-verify-$size.txt" \
    "$custody" -C "$repo" -q verify --no-remember > "$out/verify-$size.out"
  log "custody verify: $(cut -c1-100 "$out/verify-$size.out")"
  log "time -v: $(awk -F': ' '/Maximum resident set size/ {r=$2} /User time/ {u=$2}
                             /System time/ {s=$2} /Elapsed \(wall clock\)/ {w=$2}
                             END {printf "max RSS %d KiB, user %.2f s, sys %.2f s, wall %s", r, u, s, w}' \
                             "$out/time-verify-$size.txt")"

  logged "hyperfine verify $size" hyperfine --runs "$runs" --warmup 1 --style basic \
    --export-markdown "$out/hyperfine-verify-$size.md" \
    --export-json "$out/hyperfine-verify-$size.json" \
    -n "custody verify ($size entries)" \
    "$custody -C $repo -q verify --no-remember"
  # --output=pipe: with /dev/null as stdout, cat could skip reading.
  logged "hyperfine cat $size" hyperfine --runs "$runs" --warmup 2 --style basic -N --output=pipe \
    --export-markdown "$out/hyperfine-cat-$size.md" \
    --export-json "$out/hyperfine-cat-$size.json" \
    -n "cat ledger.db ($size entries)" \
    "cat $db"
  log ""
done

log "## openssl speed -seconds 3 ed25519 (one core)"
logged "openssl speed" sh -c 'openssl speed -seconds 3 ed25519 2> /dev/null | tail -2'
echo "results in $out" >&2
