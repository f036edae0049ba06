#!/usr/bin/env bash
# Speed of `custody gate` (issue 6; docs/PERFORMANCE.md, "Gate (issue 6)").
# Targets: a range of 1,000 commits with attribution, validation and reviews
# in <= 2 s; one commit in <= 100 ms.
#
#   bench/gate_bench.sh BUILD_DIR WORKDIR [N=1000]
#   (env RUNS=10 WARMUP=2 change hyperfine's counts; SETUP_ONLY=1 stops after
#   building the repository)
#
# Builds under WORKDIR a repository of N commits, recorded the real way:
#   - `custody init --key-name dev --agents claude` (git hooks installed; the
#     post-commit hook attributes each commit's lines by content), the policy's
#     default risk raised to "high" so every AI commit needs one reviewer
#     approval, and a reviewer key `rita` (all committed: BASE);
#   - one Claude Code session (SessionStart, one UserPromptSubmit), then per
#     commit one new C file of 6 lines written by the agent: a real PostToolUse
#     Write payload through `custody hook claude`, then `git commit
#     --no-verify` (post-commit attributes the lines; pre-commit's staged
#     check is skipped) with fixed git dates (GIT_AUTHOR_DATE/
#     GIT_COMMITTER_DATE). `custody record` would not
#     do: it writes a signed checkpoint but not the working log the
#     post-commit hook matches lines against, so the lines came out human;
#   - `custody check BASE..HEAD` once (a signed validation per commit);
#   - `custody review C --approve --notes ok` with rita's key for every commit.
# File contents, messages and git dates (in 2030, see at()) are fixed; keys,
# signatures and the custody timestamps are not (they are made fresh), so commit ids differ
# between builds while every input the gate weighs is the same.
# HOME, CUSTODY_KEY_DIR and git's global config are isolated. The repository
# is cached in WORKDIR/repo-N (WORKDIR/repo-N.ready marks it complete), so a
# rerun skips the setup.
#
# Then, after checking that the gate PASSES (exit 0) on each range so the
# figure is for the full work, hyperfine (--warmup 2 --runs 10) measures
#   custody gate BASE..HEAD --format json --output /dev/null   (N commits)
#   custody gate HEAD~1..HEAD --format json --output /dev/null (1 commit)
# with the local ledger, and again with .git/custody moved aside (the CI-clone
# case: notes only). Medians are printed; hyperfine's JSON and the gate
# reports go to WORKDIR/results/.
set -euo pipefail
BUILD=$(realpath "${1:?usage: gate_bench.sh BUILD_DIR WORKDIR [N]}")
mkdir -p "${2:?usage: gate_bench.sh BUILD_DIR WORKDIR [N]}"
WORK=$(realpath "$2")
N=${3:-1000}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
for t in git hyperfine sqlite3 jq; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 1; }; done
[[ -x "$BUILD/src/cli/custody" ]] || { echo "no $BUILD/src/cli/custody (ninja -C $BUILD custody_cli)" >&2; exit 1; }

export HOME="$WORK/home" CUSTODY_KEY_DIR="$WORK/keys-$N" GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
# The git hooks call `custody` from PATH.
export PATH="$BUILD/src/cli:$PATH"
unset CUSTODY_SIGNING_KEY
R="$WORK/repo-$N"
OUT="$WORK/results"
mkdir -p "$HOME" "$OUT"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# at I: fixed git dates for the I-th commit (one minute apart). They lie in
# 2030: attribution ignores checkpoints recorded after the commit time (plus
# clock skew), and the checkpoints carry the real clock.
at() {
  export GIT_AUTHOR_DATE="@$((1900000000 + $1 * 60)) +0000" GIT_COMMITTER_DATE="@$((1900000000 + $1 * 60)) +0000"
}

build_repo() {
  rm -rf "$R" "$CUSTODY_KEY_DIR" "$R.ready"
  git init -q -b main "$R"
  cd "$R"
  git config user.name "Bench Dev"
  git config user.email dev@example.invalid
  git config commit.gpgsign false
  at 0
  printf '# gate bench\n' >README.md
  git add README.md && git commit -qm "seed"
  local t0 t
  t0=$(now)
  custody -q init --key-name dev --agents claude >/dev/null
  # Every AI commit needs one reviewer approval: the gate's approval path runs.
  sed -i 's|^default = "medium"|default = "high"|' .custody/policy.toml
  grep -q '^default = "high"' .custody/policy.toml || { echo "policy template changed: risk default not set" >&2; exit 1; }
  custody -q policy adopt >/dev/null
  custody -q keys generate --name rita --role reviewer >/dev/null
  at 1
  git add -A && git commit -qm "custody: policy, keys, hooks"
  git rev-parse HEAD >"$WORK/base-$N"
  echo "== init: $(since "$t0") s" >&2

  echo "== $N commits (custody hook claude payloads + git commit with the post-commit hook)" >&2
  t=$(now)
  # Claude Code hook payloads (shapes as in tests/e2e/agent_session_test.sh).
  local common='"session_id":"gate-bench","transcript_path":"/dev/null","cwd":"'"$R"'","permission_mode":"acceptEdits"'
  hook() { printf '{%s,%s}' "$common" "$1" | custody -C "$R" hook claude >/dev/null; }
  hook '"hook_event_name":"SessionStart","source":"startup","model":"claude-sonnet-4-5"'
  hook '"hook_event_name":"UserPromptSubmit","prompt":"add the value_N functions, one file and commit each"'
  local i d f body
  for ((i = 1; i <= N; i++)); do
    d=src/m$((i % 20))
    f=$d/f$i.c
    mkdir -p "$d"
    body=$(printf '/* module %d */\\nint value_%d(int x) {\\n  int y = x * %d;\\n  return y + %d;\\n}\\nconst int kValue%d = %d;\\n' \
      "$i" "$i" "$((i % 97 + 2))" "$i" "$i" "$i")
    printf '%b' "$body" >"$f"
    hook '"hook_event_name":"PostToolUse","tool_name":"Write","tool_use_id":"w'$i'","tool_input":{"file_path":"'"$R/$f"'","content":"'"$body"'"},"tool_response":{"success":true}'
    git add "$f"
    at $((i + 1))
    # --no-verify skips only the pre-commit hook (`custody check --staged`):
    # the validations come from the one range check below, and a staged check
    # per commit would triple the setup time. post-commit (attribution) runs.
    git commit -q --no-verify -m "add value_$i"
    ((i % 100 == 0)) && echo "   $i commits, $(since "$t") s" >&2
  done
  local t_commits
  t_commits=$(since "$t")
  echo "== commits: $t_commits s" >&2
  local base
  base=$(cat "$WORK/base-$N")

  t=$(now)
  custody -q check "$base..HEAD" >"$OUT/check-$N.txt" 2>&1 || { tail "$OUT/check-$N.txt" >&2; echo "custody check failed" >&2; exit 1; }
  local t_check
  t_check=$(since "$t")
  echo "== custody check $base..HEAD: $t_check s" >&2

  t=$(now)
  local c
  i=0
  for c in $(git rev-list --reverse "$base..HEAD"); do
    CUSTODY_SIGNING_KEY="$CUSTODY_KEY_DIR/rita.key" custody -q review "$c" --approve --notes ok >/dev/null
    i=$((i + 1))
    ((i % 100 == 0)) && echo "   $i reviews, $(since "$t") s" >&2
  done
  local t_reviews
  t_reviews=$(since "$t")
  echo "== $N reviews: $t_reviews s" >&2
  printf 'commits %s s\ncheck %s s\nreviews %s s\n' "$t_commits" "$t_check" "$t_reviews" >"$WORK/setup-times-$N"
  git gc -q  # a repository as a clone would see it: packed
  touch "$R.ready"
}

if [[ -e "$R.ready" ]]; then
  echo "== reusing $R ($(cat "$WORK/setup-times-$N" | tr '\n' ' '))" >&2
else
  build_repo
fi
[[ -n ${SETUP_ONLY:-} ]] && exit 0
cd "$R"
BASE=$(cat "$WORK/base-$N")
HEAD=$(git rev-parse HEAD)

echo "== input" >&2
echo "   commits in BASE..HEAD: $(git rev-list --count "$BASE..HEAD")" >&2
echo "   notes: $(git notes --ref custody list | wc -l) commits noted; lines in HEAD's note: $(git notes --ref custody show HEAD | wc -l)" >&2
echo "   note lines over the range: $(for c in $(git rev-list "$BASE..HEAD"); do git notes --ref custody show "$c"; done | wc -l)" >&2
echo "   ledger: $(sqlite3 .git/custody/ledger.db 'select count(*) from entries') entries ($(sqlite3 .git/custody/ledger.db 'select kind, count(*) from entries group by kind' | tr '\n' ' '))" >&2

# gate_ok LABEL RANGE: the gate must pass, so the timing is for the full work.
gate_ok() {
  local rc=0
  custody gate "$2" --format json --output "$OUT/gate-$1.json" || rc=$?
  if [[ $rc != 0 ]]; then
    echo "gate $2 ($1) exited $rc, not 0: $(jq -c '[.commits[] | select(.passed | not) | .failures[0]] | .[0:3]' "$OUT/gate-$1.json")" >&2
    exit 1
  fi
  echo "   gate $1 passes: $(jq -r '"\(.commits | length) commits, \(.agentAuthoredCommits) agent-authored, approvals \([.commits[].approvals.have] | add)"' "$OUT/gate-$1.json")" >&2
}

# bench LABEL RANGE: hyperfine, then the median in ms.
bench() {
  hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/hyperfine-$1.json" \
    "custody gate $2 --format json --output /dev/null" >&2
  jq -r '.results[0] | "\(.median * 1000 | . * 10 | round / 10) ms median (mean \(.mean * 1000 | round) ± \(.stddev * 1000 | round) ms, user \(.user * 1000 | round) ms, sys \(.system * 1000 | round) ms)"' \
    "$OUT/hyperfine-$1.json"
}

echo "== load before: $(uptime)" >&2
gate_ok "ledger-$N" "$BASE..HEAD"
gate_ok "ledger-1" "HEAD~1..HEAD"
M_ALL=$(bench "ledger-$N" "$BASE..HEAD")
M_ONE=$(bench "ledger-1" "HEAD~1..HEAD")

# The CI-clone case: no .git/custody (ledger), notes only. Put it back on exit.
mv .git/custody .git/custody.aside
trap 'mv "$R/.git/custody.aside" "$R/.git/custody"' EXIT
gate_ok "notes-$N" "$BASE..HEAD"
gate_ok "notes-1" "HEAD~1..HEAD"
N_ALL=$(bench "notes-$N" "$BASE..HEAD")
N_ONE=$(bench "notes-1" "HEAD~1..HEAD")
echo "== load after: $(uptime)" >&2

echo "gate over $N commits, with ledger:  $M_ALL"
echo "gate over 1 commit, with ledger:    $M_ONE"
echo "gate over $N commits, notes only:   $N_ALL"
echo "gate over 1 commit, notes only:     $N_ONE"
