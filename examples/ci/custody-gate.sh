#!/bin/sh
# custody-gate.sh [BASE [HEAD]]: the custody gate for a pull or merge request.
#
# Called by examples/github-actions/custody-gate.yml and
# examples/gitlab-ci/custody-gate.gitlab-ci.yml; runs anywhere with a POSIX
# shell, git and custody on PATH (or $CUSTODY), from the top of a clone.
#
#   BASE  what the request merges into. Default: origin/$GITHUB_BASE_REF
#         (GitHub Actions), else origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME
#         (GitLab CI); nothing known is an error (exit 2).
#   HEAD  the request's tip. Default: HEAD.
#
# It fetches the evidence (refs/notes/custody) from origin into
# refs/notes/remotes/origin/custody, the ref the gate reads beside the local
# notes (a remote without notes is not an error: the gate then fails the AI
# commits for want of evidence, with the command that fixes it), and runs
# `custody gate BASE..HEAD` once for markdown + SARIF and once for JSON.
#
# Writes, in $CUSTODY_GATE_DIR (default: the current directory):
#   custody-gate.md     the report, fit for a request comment (also printed)
#   custody-gate.sarif  SARIF 2.1.0, one result per failure
#   custody-gate.json   the report as JSON
#   custody-gate.env    CUSTODY_AGENT_AUTHORED=true|false and
#                       CUSTODY_GATE_EXIT=N (a GitLab dotenv report)
# and, under GitHub Actions, agent_authored=true|false and exit_code=N to
# $GITHUB_OUTPUT.
#
# Exit: the gate's code (0 passed, 1 failed); 2 when it cannot run (no BASE,
# a revision or the remote missing, custody not found).
set -u

CUSTODY=${CUSTODY:-custody}
DIR=${CUSTODY_GATE_DIR:-.}
# custody reads the remote's notes from refs/notes/remotes/origin/custody.
REMOTE=origin
NOTES_REF=refs/notes/custody
REMOTE_NOTES_REF=refs/notes/remotes/origin/custody

die() {
  echo "custody-gate: $*" >&2
  exit 2
}

base=${1:-}
head=${2:-HEAD}
if [ -z "$base" ]; then
  if [ -n "${GITHUB_BASE_REF:-}" ]; then
    base=$REMOTE/$GITHUB_BASE_REF
  elif [ -n "${CI_MERGE_REQUEST_TARGET_BRANCH_NAME:-}" ]; then
    base=$REMOTE/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME
  else
    die "no base to gate against (give one: custody-gate.sh origin/main, or run in a pull request (GITHUB_BASE_REF) or merge request pipeline (CI_MERGE_REQUEST_TARGET_BRANCH_NAME))"
  fi
fi

command -v "$CUSTODY" >/dev/null 2>&1 || die "$CUSTODY: not found (put custody on PATH or set CUSTODY)"
git rev-parse --git-dir >/dev/null 2>&1 || die "$(pwd): not a git repository"
git remote get-url "$REMOTE" >/dev/null 2>&1 || die "$REMOTE: no such remote"

# A shallow or single-branch clone may lack the base: fetch that branch.
if ! git rev-parse --verify -q "$base^{commit}" >/dev/null; then
  case $base in
    "$REMOTE"/*)
      branch=${base#"$REMOTE"/}
      echo "custody-gate: fetching $base"
      git fetch -q "$REMOTE" "+refs/heads/$branch:refs/remotes/$REMOTE/$branch" ||
        die "$base: cannot fetch it from $REMOTE"
      ;;
  esac
  git rev-parse --verify -q "$base^{commit}" >/dev/null ||
    die "$base: not a commit here (clone with full history: fetch-depth: 0 / GIT_DEPTH: 0)"
fi
git rev-parse --verify -q "$head^{commit}" >/dev/null || die "$head: not a commit here"
if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
  echo "custody-gate: warning: shallow clone; commits beyond its depth are not gated (use full history)" >&2
fi

# The evidence. ls-remote tells "no notes yet" (exit 2) from a remote that
# cannot be reached (anything else).
git ls-remote --exit-code "$REMOTE" "$NOTES_REF" >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then
  git fetch -q "$REMOTE" "+$NOTES_REF:$REMOTE_NOTES_REF" || die "$REMOTE: cannot fetch $NOTES_REF"
elif [ "$rc" -eq 2 ]; then
  echo "custody-gate: $REMOTE has no $NOTES_REF yet (developers publish it with: git push $REMOTE $NOTES_REF)" >&2
else
  die "$REMOTE: cannot list its refs (git ls-remote exit $rc)"
fi

# The trust root (keys, policy) is read from the checked-out tree, so a
# request that changes it deserves a human look before its verdict counts.
changed=$(git diff --name-only "$base...$head" -- .custody/keys .custody/policy.toml 2>/dev/null)
if [ -n "$changed" ]; then
  echo "custody-gate: warning: this request changes the keys or the policy the gate trusts:" >&2
  printf '%s\n' "$changed" | sed 's/^/  /' >&2
fi

range=$base..$head
md=$DIR/custody-gate.md
sarif=$DIR/custody-gate.sarif
json=$DIR/custody-gate.json
mkdir -p "$DIR" || die "$DIR: cannot create it"
rm -f "$md" "$sarif" "$json"

"$CUSTODY" gate "$range" --format markdown --output "$md" --sarif "$sarif"
code=$?
if [ "$code" -le 1 ]; then
  "$CUSTODY" gate "$range" --format json --output "$json"
  jcode=$?
  [ "$jcode" -eq "$code" ] || die "the JSON run of the gate exited $jcode, the first $code"
fi
[ -f "$md" ] && cat "$md"

# The top-level "agentAuthored" is true when any commit is; a per-commit
# true implies it, so one match on the file is enough.
agent=false
if [ -f "$json" ] && grep -q '"agentAuthored": *true' "$json"; then agent=true; fi
printf 'CUSTODY_AGENT_AUTHORED=%s\nCUSTODY_GATE_EXIT=%s\n' "$agent" "$code" >"$DIR/custody-gate.env"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  printf 'agent_authored=%s\nexit_code=%s\n' "$agent" "$code" >>"$GITHUB_OUTPUT"
fi
echo "custody-gate: agent-authored: $agent; gate exit $code"
exit "$code"
