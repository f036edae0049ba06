#!/usr/bin/env bash
# Runs ledger_bench in groups, each in a quiet window with its foreign load
# reported (bench_lib.sh), then bench/verify_cli.sh. Results (Google
# Benchmark JSON + console text per group, the CLI summary) go to OUT_DIR.
#
#   bench/run_all.sh [BUILD_DIR] [OUT_DIR]
#
# BUILD_DIR defaults to ../build-bench; OUT_DIR to BUILD_DIR/bench-results.
# BENCH_GROUPS="sign merkle append large verify" selects groups; SKIP_CLI=1 skips
# verify_cli.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/bench_lib.sh
source "$here/bench_lib.sh"
build=$(cd "${1:-$here/../build-bench}" && pwd)
out=${2:-$build/bench-results}
mkdir -p "$out"
bench=$build/bench/ledger_bench
commit=$(cd "$here/.." && git rev-parse --short HEAD 2> /dev/null || echo unknown)

declare -A filter=(
  [sign]='BM_SignEnvelope|BM_MakeGenerationStatement|BM_Ed25519|BM_CheckOneEntry|BM_Parse'
  [merkle]='BM_HashLeaf|BM_HashChildren|BM_CompactRangeAppend'
  [append]='BM_AppendBatched|BM_DiskFsync4K'
  [large]='BM_AppendLargeLedger|BM_InclusionProof'
  [verify]='BM_Verify/'
)
for group in ${BENCH_GROUPS:-sign merkle append large verify}; do
  measure "ledger_bench $group" "$bench" \
    --benchmark_filter="${filter[$group]}" \
    --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_context=commit="$commit" \
    --benchmark_out="$out/ledger_bench-$group.json" --benchmark_out_format=json \
    > "$out/ledger_bench-$group.txt" 2> "$out/ledger_bench-$group.err" || true
  tail -1 "$out/ledger_bench-$group.err"
  grep -E '_median' "$out/ledger_bench-$group.txt" || cat "$out/ledger_bench-$group.err"
done
[[ ${SKIP_CLI:-0} == 1 ]] || "$here/verify_cli.sh" "$build" "$out/cli"
