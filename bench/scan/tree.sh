#!/usr/bin/env bash
# Working-tree scan benchmark: `custody scan` against the cost of reading
# every file, against ripgrep, and against secretlint (recommended preset)
# and detect-secrets, all on the same tree.
#
#   bench/scan/tree.sh [BUILD_DIR] [OUT_DIR]
#
# BUILD_DIR (default ../build-bench) holds src/cli/custody; OUT_DIR (default
# BUILD_DIR/bench-results/scan-tree) receives hyperfine JSON/markdown per
# command, each tool's findings report and summary.txt.
# Input: TREE=DIR reuses a tree made by make_tree.sh; otherwise one is made
# under $TMPDIR (TREE_MB, default 64) and deleted at the end unless KEEP=1.
# Timing: hyperfine, RUNS (default 5) runs after WARMUP (default 2) warm-up
# runs that also fill the page cache; SLOW_RUNS (default 3) for secretlint
# and detect-secrets. Each command waits for a quiet machine first and its
# foreign load is reported (bench/bench_lib.sh).
# Peers: secretlint and its recommended preset are installed once with npm
# (the registry npm is configured with) into NPM_PREFIX (default
# $TMPDIR/custody-bench-npm); SECRETLINT_VERSION / PRESET_VERSION pin them.
# The npm package "detect-secrets" is tried too: it is a launcher that runs
# Yelp's Python detect-secrets (detect-secrets-hook) or a Docker image, so it
# runs only where one of those is present; the summary says which happened.
# Needs hyperfine, ripgrep (rg), node/npm, git, python3, /usr/bin/time.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/bench_lib.sh
source "$here/../bench_lib.sh"
build=$(cd "${1:-$here/../../build-bench}" && pwd)
out=${2:-$build/bench-results/scan-tree}
runs=${RUNS:-5}
warmup=${WARMUP:-2}
slow_runs=${SLOW_RUNS:-3}
custody=${CUSTODY:-$build/src/cli/custody}
[[ -x $custody ]] || { echo "missing $custody" >&2; exit 2; }
for tool in hyperfine rg git node npm python3 /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "missing $tool" >&2; exit 2; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [[ -n ${TREE:-} ]]; then
  tree=$(cd "$TREE" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/custody-scan-tree-XXXXXX")
  if [[ ${KEEP:-0} == 1 ]]; then echo "keeping $work" >&2; else trap 'rm -rf "$work"' EXIT; fi
  "$here/make_tree.sh" "$work/tree" "${TREE_MB:-64}"
  tree=$work/tree
fi

summary=$out/summary.txt
: > "$summary"
log() { echo "$*" | tee -a "$summary"; }

# --- peers --------------------------------------------------------------
npm_prefix=${NPM_PREFIX:-${TMPDIR:-/tmp}/custody-bench-npm}
sl_ver=${SECRETLINT_VERSION:-13.0.6}
preset_ver=${PRESET_VERSION:-13.0.7}
ds_ver=${DETECT_SECRETS_NPM_VERSION:-1.0.6}
mkdir -p "$npm_prefix"
if [[ ! -x $npm_prefix/node_modules/.bin/secretlint ]] ||
  [[ $("$npm_prefix/node_modules/.bin/secretlint" --version) != "$sl_ver" ]]; then
  npm install --prefix "$npm_prefix" --no-save --no-fund --no-audit \
    "secretlint@$sl_ver" "@secretlint/secretlint-rule-preset-recommend@$preset_ver" \
    "detect-secrets@$ds_ver" > "$out/npm-install.log" 2>&1 ||
    { cat "$out/npm-install.log" >&2; exit 1; }
fi
secretlint=$npm_prefix/node_modules/.bin/secretlint
echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' > "$out/secretlintrc.json"
# The same ignores as the tree's .gitignore, so secretlint reads the same files.
grep -v '^#' "$tree/.gitignore" | sed '/^$/d' > "$out/secretlintignore"

ds_launcher=$npm_prefix/node_modules/.bin/detect-secrets-launcher
ds_cmd=
if command -v detect-secrets > /dev/null; then
  ds_cmd="detect-secrets scan"
  ds_note="Yelp detect-secrets $(detect-secrets --version 2>&1) from PATH"
else
  probe=$(cd "$tree" && "$ds_launcher" --version 2>&1 || true)
  why=$(grep -m1 -E 'WARNING|Cannot connect|Unable|not found|error' <<< "$probe" || head -1 <<< "$probe")
  ds_note="not run: the npm package detect-secrets@$ds_ver is not detect-secrets itself but a launcher that runs Yelp's Python detect-secrets (detect-secrets-hook on PATH) or else a Docker image; here neither runs (it said: $why)"
fi

# --- input --------------------------------------------------------------
cd "$tree"
read -r nfiles nbytes < <(find . -path ./.git -prune -o -type f -printf '%s\n' |
  awk '{n++; s += $1} END {print n, s}')
read -r sfiles sbytes < <(rg --files --hidden -g '!.git' -0 | xargs -0 stat -c %s |
  awk '{n++; s += $1} END {print n, s}')
log "# custody scan tree benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
log "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(uname -r), load now: $(cut -d' ' -f1-3 /proc/loadavg)"
log "custody: $custody (built $(date -u -r "$custody" +%Y-%m-%dT%H:%M:%SZ)); source git $(cd "$here" && git rev-parse --short HEAD)"
log "tree: $tree: $nfiles files, $((nbytes / 1000)) kB on disk (without .git); not git-ignored: $sfiles files, $((sbytes / 1000)) kB"
log "peers: secretlint $sl_ver + preset-recommend $preset_ver; ripgrep $(rg --version 2> /dev/null | sed -n '1s/^ripgrep \([^ ]*\).*/\1/p'); detect-secrets: $ds_note"
log ""

# A multi-pattern ripgrep floor: the provider prefixes the seeded secrets use
# (and secretlint's recommended preset covers), as one regex set.
rg_patterns=(-e 'AKIA[0-9A-Z]{16}' -e 'gh[pousr]_[0-9A-Za-z]{36}' -e 'glpat-[0-9A-Za-z_-]{20}'
  -e 'xox[abposr]-[0-9A-Za-z-]{10,}' -e '[rs]k_live_[0-9A-Za-z]{24,}' -e 'sk-ant-[a-z0-9]+-[0-9A-Za-z_-]{80,}'
  -e 'sk-proj-[0-9A-Za-z_-]{40,}' -e 'AIza[0-9A-Za-z_-]{35}' -e 'hf_[A-Za-z]{34}' -e 'npm_[0-9A-Za-z]{36}'
  -e 'SG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}' -e '-----BEGIN [A-Z ]*PRIVATE KEY-----'
  -e '[a-z+]+://[^:/@\s]+:[^@/\s]{6,}@[^/\s]+')
printf '%q ' rg --hidden -c "${rg_patterns[@]}" > "$out/rg-multi.cmd"

# name:::command:::runs
cmds=(
  "read-all (find | xargs cat):::find . -path ./.git -prune -o -type f -print0 | xargs -0 cat > /dev/null:::$runs"
  "read-scanned (rg --files | xargs cat):::rg --files --hidden -g '!.git' -0 | xargs -0 cat > /dev/null:::$runs"
  "rg no-match (parallel read floor):::rg --hidden -c zzzznomatchzzzz > /dev/null:::$runs"
  "rg multi-pattern:::$(cat "$out/rg-multi.cmd") > /dev/null:::$runs"
  "custody scan:::$custody scan . > /dev/null:::$runs"
  "custody scan -j 1:::$custody scan -j 1 . > /dev/null:::$runs"
)
# custody caches the compiled rule database (per rule-set digest) under
# XDG_CACHE_HOME; the runs above hit that cache after the warm-up. This one
# compiles the database every run, as a first run after a rule change does.
if "$custody" scan --help 2>&1 | grep -q -- --no-cache; then
  cmds+=("custody scan --no-cache:::$custody scan --no-cache . > /dev/null:::$runs")
fi
cmds+=("secretlint preset-recommend:::$secretlint '**/*' --secretlintrc $out/secretlintrc.json --secretlintignore $out/secretlintignore > /dev/null:::$slow_runs")
[[ -n $ds_cmd ]] && cmds+=("detect-secrets:::$ds_cmd > /dev/null:::$slow_runs")

i=0
for entry in "${cmds[@]}"; do
  name=${entry%%:::*}
  rest=${entry#*:::}
  cmd=${rest%:::*}
  n=${rest##*:::}
  i=$((i + 1))
  # One run first, to check that the command works (exit codes 0 and 1:
  # scanners exit 1 when they find something, rg when nothing matches).
  rc=0
  bash -c "$cmd" > /dev/null 2>&1 || rc=$?
  if (( rc > 1 )); then
    log "[$name] FAILED (exit $rc): $cmd"
    continue
  fi
  measure "$name" hyperfine -N --style none -i --warmup "$warmup" --runs "$n" \
    --export-json "$out/hf-$i.json" --command-name "$name" "bash -c $(printf '%q' "$cmd")" \
    > /dev/null 2> "$out/measure-$i.txt" || true
  foreign=$(grep -o 'foreign load [0-9.]* cores' "$out/measure-$i.txt" | tail -1)
  python3 - "$out/hf-$i.json" "$foreign" << 'PY' | tee -a "$summary"
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"[{r['command']}] median {r['median']:.3f} s  (min {r['min']:.3f}, max {r['max']:.3f}, "
      f"{len(r['times'])} runs; user {r['user']:.2f} s, sys {r['system']:.2f} s mean); {sys.argv[2]}")
PY
done

# Peak RSS of one custody scan.
wait_idle
/usr/bin/time -v -o "$out/time-custody.txt" "$custody" scan . > /dev/null 2>&1 || true
log "custody scan max RSS: $(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time-custody.txt") KiB"

# --- findings (a sanity check, not a gate) --------------------------------
"$custody" scan --json . > "$out/custody.json" 2> "$out/custody.stderr" || true
"$secretlint" '**/*' --secretlintrc "$out/secretlintrc.json" --secretlintignore "$out/secretlintignore" \
  --format json --maskSecrets > "$out/secretlint.json" 2> /dev/null || true
rg --hidden -n --no-heading -o "${rg_patterns[@]}" | cut -d: -f1-2 > "$out/rg-multi.locations" || true
seeded=${SEEDED:-$tree.seeded.tsv}
python3 - "$out" "$seeded" << 'PY' | tee -a "$summary"
import json, os, sys
out, seeded_path = sys.argv[1], sys.argv[2]

def norm(p):
    p = os.path.normpath(p)
    return p[2:] if p.startswith("./") else p

def custody_locs():
    try:
        d = json.load(open(os.path.join(out, "custody.json")))
    except (OSError, ValueError) as e:
        return None, f"unreadable ({e})"
    items = d if isinstance(d, list) else d.get("findings", d.get("results", []))
    locs = []
    for f in items:
        loc = f.get("location", f)
        path = loc.get("path") or loc.get("file") or f.get("path") or ""
        line = loc.get("line") or loc.get("start_line") or f.get("line") or 0
        locs.append((norm(path), int(line), f.get("rule") or f.get("rule_id") or f.get("id", "")))
    return locs, ""

def secretlint_locs():
    try:
        d = json.load(open(os.path.join(out, "secretlint.json")))
    except (OSError, ValueError) as e:
        return None, f"unreadable ({e})"
    locs = []
    for fr in d:
        for m in fr.get("messages", []):
            path = os.path.relpath(fr["filePath"], os.getcwd())
            locs.append((norm(path), int(m.get("loc", {}).get("start", {}).get("line", 0)), m.get("ruleId", "")))
    return locs, ""

def rg_locs():
    locs = []
    for l in open(os.path.join(out, "rg-multi.locations")):
        p, _, n = l.rstrip("\n").rpartition(":")
        if n.isdigit():
            locs.append((norm(p), int(n), "rg"))
    return locs, ""

seeded = []
if os.path.exists(seeded_path):
    for l in list(open(seeded_path))[1:]:
        p, n, kind = l.rstrip("\n").split("\t")
        seeded.append((p, int(n), kind))
real = [(p, n) for p, n, k in seeded if not k.startswith("decoy")]
decoys = [(p, n) for p, n, k in seeded if k.startswith("decoy")]
print(f"\nfindings (sanity check; seeded: {len(real)} synthetic secrets, {len(decoys)} decoys, "
      f"1 secret in git-ignored build/):")
for name, fn in (("custody", custody_locs), ("secretlint", secretlint_locs), ("rg multi-pattern", rg_locs)):
    locs, err = fn()
    if locs is None:
        print(f"  {name}: {err}")
        continue
    at = {(p, n) for p, n, _ in locs}
    # A PEM block is reported on any of its lines; count the file.
    files = {p for p, _, _ in locs}
    hit = sum(1 for p, n in real if (p, n) in at or (p.endswith(".pem") and p in files))
    dec = sum(1 for p, n in decoys if (p, n) in at)
    ign = sum(1 for p in files if p.startswith("build/"))
    print(f"  {name}: {len(locs)} findings in {len(files)} files; seeded secrets found {hit}/{len(real)}; "
          f"decoys reported {dec}/{len(decoys)}; files under ignored build/ reported {ign}; "
          f"other findings {len(locs) - sum(1 for p, n, _ in locs if (p, n) in set(real) or p.endswith('.pem'))}")
PY

# --- ratios ---------------------------------------------------------------
python3 - "$out" "$sbytes" << 'PY' | tee -a "$summary"
import glob, json, sys
out, sbytes = sys.argv[1], int(sys.argv[2])
med = {}
for f in sorted(glob.glob(out + "/hf-*.json")):
    r = json.load(open(f))["results"][0]
    med[r["command"]] = r["median"]
def ratio(a, b):
    if a in med and b in med:
        print(f"  {a} / {b}: {med[a] / med[b]:.2f}x")
print("\nratios of medians:")
c = "custody scan"
if c in med:
    print(f"  custody scan throughput: {sbytes / med[c] / 1e6:.0f} MB/s of scanned files (wall)")
if "custody scan -j 1" in med:
    print(f"  custody scan -j 1 throughput: {sbytes / med['custody scan -j 1'] / 1e6:.0f} MB/s (one core)")
ratio(c, "read-all (find | xargs cat)")
ratio(c, "read-scanned (rg --files | xargs cat)")
ratio(c, "rg no-match (parallel read floor)")
ratio(c, "rg multi-pattern")
ratio("custody scan --no-cache", "read-all (find | xargs cat)")
ratio("secretlint preset-recommend", c)
ratio("secretlint preset-recommend", "custody scan --no-cache")
ratio("detect-secrets", c)
PY
log "results in $out"
