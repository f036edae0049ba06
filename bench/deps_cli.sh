#!/usr/bin/env bash
# Times `custody deps FILE --json` on a generated package-lock.json of N
# packages (default 10,000), as user+sys CPU seconds (the machine may be
# shared, so wall time is reported but not trusted). Needs a benchmark build:
#   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUSTODY_BUILD_BENCHMARKS=ON
#   ninja -C build-bench deps_bench custody_cli
#   bench/deps_cli.sh [N] [RUNS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
B="${BUILD_DIR:-$ROOT/build-bench}"
N="${1:-10000}"
RUNS="${2:-5}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$B/bench/deps_bench" --write-lock="$TMP/package-lock.json" --packages="$N"
echo "package-lock.json: $N packages, $(stat -c %s "$TMP/package-lock.json") bytes"
for ((i = 0; i < RUNS; i++)); do
  /usr/bin/time -f "%U %S %e" -o "$TMP/t" "$B/src/cli/custody" deps "$TMP/package-lock.json" --json >"$TMP/out.json"
  read -r u s e <"$TMP/t"
  echo "run $((i + 1)): user+sys $(echo "$u + $s" | bc) s (wall $e s)"
done
python3 -c 'import json,sys; print("packages reported:", len(json.load(open(sys.argv[1]))["packages"]))' "$TMP/out.json"
