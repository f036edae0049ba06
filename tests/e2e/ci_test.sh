#!/usr/bin/env bash
# The CI path end to end: a developer's agent session (real Claude Code hook
# payloads through `custody hook claude`) is committed through the git hooks,
# approved by a reviewer key, and pushed with its evidence
# (refs/notes/custody) to a bare "remote"; a fresh clone with no ledger, no
# keys and a fresh HOME runs examples/ci/custody-gate.sh exactly as the
# GitHub and GitLab examples do, and passes with a markdown table, SARIF
# 2.1.0, JSON and the agent-authored flag. An unreviewed AI commit then
# fails that gate with the command that resolves it, a remote without notes
# fails it without breaking the script, and the pre-push hook refuses the
# unreviewed commit (--no-verify goes through) while letting the notes ref
# and a reviewed commit pass.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

PY=$(command -v python3) || fail "needs python3"
SCRIPT=$(realpath "$(dirname "$0")/../../examples/ci/custody-gate.sh")
[[ -f "$SCRIPT" ]] || fail "missing $SCRIPT"
# The git hooks and the CI script call `custody` from PATH.
mkdir -p "$WORK/bin"
ln -s "$CUSTODY_BIN" "$WORK/bin/custody"
export PATH="$WORK/bin:$PATH"

BARE="$WORK/remote.git"
DEV="$WORK/dev"
CI="$WORK/ci"
git init -q --bare -b main "$BARE"
git clone -q "$BARE" "$DEV" 2>/dev/null
git -C "$DEV" config user.name "Dana Dev"
git -C "$DEV" config user.email "dana@example.invalid"
git -C "$DEV" config commit.gpgsign false
printf '# calc\n' >"$DEV/README.md"
git -C "$DEV" add README.md
git -C "$DEV" commit -q -m "initial"

# --- the developer sets custody up and commits the trust root ---------------
expect_exit 0 custody -C "$DEV" init --key-name dev --agents claude
# Medium risk (the default level) needs one reviewer's approval here.
sed -i 's/^separation_of_duties = true$/&\nmedium = { count = 1, roles = ["reviewer"] }/' "$DEV/.custody/policy.toml"
grep -q '^medium = ' "$DEV/.custody/policy.toml" || fail "policy edit did not apply"
expect_exit 0 custody -C "$DEV" keys generate --name rita --role reviewer
[[ -f "$DEV/.custody/keys/rita.pub" && -f "$CUSTODY_KEY_DIR/rita.key" ]] || fail "rita's key pair"
git -C "$DEV" add .custody .claude
git -C "$DEV" commit -q -m "custody: policy, keys dev and rita, agent hooks"
git -C "$DEV" push -q origin main 2>/dev/null
git -C "$DEV" checkout -q -b feature

# hook REPO EVENT JSON-FIELDS: one Claude Code hook payload (common fields
# added) through `custody hook claude`, as Claude Code runs it.
hook() {
  local p
  p=$("$PY" - "$1" "$2" "$3" <<'EOF'
import json, sys
repo, event, extra = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
p = {"session_id": "sess-ci", "transcript_path": "/tmp/none.jsonl", "cwd": repo,
     "permission_mode": "acceptEdits", "hook_event_name": event}
p.update(extra)
print(json.dumps(p))
EOF
)
  run sh -c 'cd "$3" && printf "%s" "$1" | "$2" hook claude' _ "$p" "$CUSTODY_BIN" "$1"
  [[ "$RC" == 0 ]] || { _last_run; fail "hook $2 exited $RC"; }
}
json_str() { "$PY" -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$1"; }

# agent_writes FILE PROMPT TOOL_ID: the agent writes $DEV/FILE (content on
# stdin) in answer to PROMPT, then the developer commits it (hooks run).
agent_writes() {
  local file=$1 prompt=$2 id=$3 content
  mkdir -p "$(dirname "$DEV/$file")"
  cat >"$DEV/$file"
  content=$(json_str "$DEV/$file")
  hook "$DEV" UserPromptSubmit '{"prompt":"'"$prompt"'"}'
  hook "$DEV" PreToolUse '{"tool_name":"Write","tool_use_id":"'"$id"'","tool_input":{"file_path":"'"$DEV/$file"'","content":'"$content"'}}'
  hook "$DEV" PostToolUse '{"tool_name":"Write","tool_use_id":"'"$id"'","tool_input":{"file_path":"'"$DEV/$file"'","content":'"$content"'},"tool_response":{"success":true}}'
  hook "$DEV" Stop '{"stop_hook_active":false}'
  git -C "$DEV" add "$file"
  git -C "$DEV" commit -q -m "$prompt" 2>"$WORK/commit.err" || { cat "$WORK/commit.err" >&2; fail "commit of $file failed"; }
  [[ ! -s "$WORK/commit.err" ]] || { cat "$WORK/commit.err" >&2; fail "a commit hook printed a warning"; }
}

hook "$DEV" SessionStart '{"source":"startup","model":"claude-sonnet-4-5"}'
agent_writes src/calc.py "write a calculator" toolu_01 <<'EOF'
def add(a, b):
    return a + b


def mul(a, b):
    return a * b
EOF
C1=$(git -C "$DEV" rev-parse HEAD)
# The hooks attributed the commit, validated the staged index and put the
# evidence (attribution, checkpoint, validation) in the commit's note.
NOTE=$(git -C "$DEV" notes --ref=custody show "$C1")
expect_eq "$(printf '%s\n' "$NOTE" | wc -l)" 3 "envelopes in the note of the agent's commit"
expect_exit 1 custody -C "$DEV" gate main..feature
expect_contains "$OUT" "needs 1 approval(s) by a reviewer key; has 0" "gate before review"

# --- the reviewer approves with her own key, the developer pushes ----------
expect_exit 0 env CUSTODY_SIGNING_KEY="$CUSTODY_KEY_DIR/rita.key" \
  "$CUSTODY_BIN" -C "$DEV" review "$C1" --approve --notes "read it, fine"
expect_contains "$OUT" "as rita (reviewer)" "review"
expect_exit 0 custody -C "$DEV" gate main..feature
expect_exit 0 git -C "$DEV" push -q origin feature refs/notes/custody
git --git-dir="$BARE" rev-parse -q --verify refs/notes/custody >/dev/null || fail "notes not on the remote"

# --- CI: a fresh clone, no ledger, no keys, a fresh HOME --------------------
git clone -q "$BARE" "$CI" 2>/dev/null
git -C "$CI" checkout -q --detach origin/feature
[[ ! -e "$CI/.git/custody" ]] || fail "the CI clone should have no ledger"
mkdir -p "$WORK/ci-home" "$WORK/ci-keys"
# ci_gate VAR=VALUE...: the example script in the CI clone, as a CI job runs
# it (only the variables given; none of the developer's key settings).
ci_gate() {
  (cd "$CI" && env -u GITHUB_BASE_REF -u CI_MERGE_REQUEST_TARGET_BRANCH_NAME -u GITHUB_OUTPUT \
    -u CUSTODY_SIGNING_KEY HOME="$WORK/ci-home" CUSTODY_KEY_DIR="$WORK/ci-keys" "$@" sh "$SCRIPT")
}

# Without a base the script says what it needs.
expect_exit 2 ci_gate
expect_contains "$ERR" "no base to gate against" "error without a base"
expect_contains "$ERR" "GITHUB_BASE_REF" "error without a base"

# GitHub: BASE is origin/$GITHUB_BASE_REF; the outputs go to $GITHUB_OUTPUT.
: >"$WORK/github-output"
expect_exit 0 ci_gate GITHUB_BASE_REF=main GITHUB_OUTPUT="$WORK/github-output"
expect_contains "$OUT" "### custody gate: ✅ passed" "printed markdown"
MD=$(<"$CI/custody-gate.md")
expect_contains "$MD" "| commit | subject | AI lines | agents | risk | validation | approvals | result |" "markdown table"
expect_contains "$MD" "| \`${C1:0:12}\` | write a calculator | 4 | claude-code | medium | pass | 1/1 | ✅ |" "markdown row"
expect_contains "$(<"$WORK/github-output")" "agent_authored=true" "GITHUB_OUTPUT"
expect_contains "$(<"$WORK/github-output")" "exit_code=0" "GITHUB_OUTPUT"
expect_contains "$(<"$CI/custody-gate.env")" "CUSTODY_AGENT_AUTHORED=true" "dotenv"
[[ ! -e "$CI/.git/custody" ]] || fail "the gate created a ledger in the CI clone"
# The evidence came from the remote into the remote-notes ref.
git -C "$CI" rev-parse -q --verify refs/notes/remotes/origin/custody >/dev/null || fail "notes not fetched"

# sarif_check FILE PYTHON-EXPR: a SARIF 2.1.0 log from custody; the
# expression (over `results`) must hold.
sarif_check() {
  "$PY" - "$1" "$2" <<'EOF' || fail "SARIF $1: $2"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["version"] == "2.1.0", s.get("version")
run = s["runs"][0]
assert run["tool"]["driver"]["name"] == "custody", run["tool"]
results = run["results"]
assert isinstance(results, list), results
assert eval(sys.argv[2]), results
EOF
}
sarif_check "$CI/custody-gate.sarif" "results == []"
"$PY" - "$CI/custody-gate.json" "$C1" <<'EOF' || fail "gate JSON"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["agentAuthored"] is True, j
[c] = j["commits"]
assert c["commit"] == sys.argv[2] and c["agentAuthored"] is True, c
EOF

# GitHub checks out the merge of the request into its base: the gate skips
# that merge commit and still gates the request's commits.
git -C "$CI" checkout -q --detach origin/main
git -C "$CI" -c user.name=GitHub -c user.email=noreply@example.invalid \
  merge -q --no-ff --no-edit origin/feature
expect_exit 0 ci_gate GITHUB_BASE_REF=main
expect_contains "$(<"$CI/custody-gate.md")" "| \`${C1:0:12}\` | write a calculator |" "markdown on the merge checkout"
git -C "$CI" checkout -q --detach origin/feature

# --- an AI commit without review fails CI -----------------------------------
agent_writes src/sub.py "add subtraction" toolu_02 <<'EOF'
def sub(a, b):
    return a - b
EOF
C2=$(git -C "$DEV" rev-parse HEAD)
expect_exit 0 git -C "$DEV" push -q origin feature refs/notes/custody
git -C "$CI" fetch -q origin
git -C "$CI" checkout -q --detach origin/feature
# GitLab: BASE is origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME.
expect_exit 1 ci_gate CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main
expect_contains "$OUT" "### custody gate: ❌ failed" "printed markdown"
MD=$(<"$CI/custody-gate.md")
expect_contains "$MD" "| \`${C2:0:12}\` | add subtraction | 2 | claude-code | medium | pass | 0/1 | ❌ |" "markdown row"
expect_contains "$MD" "#### What to do" "markdown"
expect_contains "$MD" "- \`${C2:0:12}\` **approvals**: risk level medium needs 1 approval(s) by a reviewer key; has 0" "markdown failure"
expect_contains "$MD" "resolve: \`custody review ${C2:0:12} --approve" "markdown resolve command"
expect_contains "$(<"$CI/custody-gate.env")" "CUSTODY_GATE_EXIT=1" "dotenv"
sarif_check "$CI/custody-gate.sarif" \
  "len(results) == 1 and results[0]['ruleId'] == 'custody/gate/approvals' and results[0]['properties']['commit'] == '$C2' and 'custody review' in results[0]['properties']['resolve']"

# --- a remote without notes: the gate fails the AI commits, the script runs --
BARE2="$WORK/no-notes.git"
git init -q --bare -b main "$BARE2"
git -C "$DEV" push -q "$BARE2" main feature
CI2="$WORK/ci2"
git clone -q "$BARE2" "$CI2" 2>/dev/null
git -C "$CI2" checkout -q --detach origin/feature
run sh -c 'cd "$1" && env -u GITHUB_BASE_REF HOME="$2" CUSTODY_KEY_DIR="$3" sh "$4" origin/main HEAD' \
  _ "$CI2" "$WORK/ci-home" "$WORK/ci-keys" "$SCRIPT"
[[ "$RC" == 1 ]] || { _last_run; fail "gate on a remote without notes: want exit 1"; }
expect_contains "$ERR" "origin has no refs/notes/custody yet" "no-notes message"
expect_contains "$(<"$CI2/custody-gate.md")" "**attribution**" "markdown without evidence"

# --- the pre-push hook ------------------------------------------------------
expect_exit 0 custody -C "$DEV" init --agents claude --pre-push
[[ -x "$DEV/.git/hooks/pre-push" ]] || fail "pre-push hook not installed"
agent_writes src/div.py "add division" toolu_03 <<'EOF'
def div(a, b):
    return a / b
EOF
C3=$(git -C "$DEV" rev-parse HEAD)
expect_exit 1 git -C "$DEV" push origin feature
expect_contains "$ERR" "push refused by the gate" "refused push"
expect_contains "$ERR" "custody review ${C3:0:12} --approve" "refused push"
expect_eq "$(git --git-dir="$BARE" rev-parse refs/heads/feature)" "$C2" "remote feature after the refused push"
# The evidence itself is not code: pushing the notes ref passes the hook.
expect_exit 0 git -C "$DEV" push -q origin refs/notes/custody
expect_exit 0 git -C "$DEV" push -q --no-verify origin feature
expect_eq "$(git --git-dir="$BARE" rev-parse refs/heads/feature)" "$C3" "remote feature after --no-verify"
# A reviewed commit goes through the hook.
agent_writes src/neg.py "add negation" toolu_04 <<'EOF'
def neg(a):
    return -a
EOF
C4=$(git -C "$DEV" rev-parse HEAD)
expect_exit 0 env CUSTODY_SIGNING_KEY="$CUSTODY_KEY_DIR/rita.key" \
  "$CUSTODY_BIN" -C "$DEV" review "$C4" --approve --notes "fine"
expect_exit 0 git -C "$DEV" push -q origin feature refs/notes/custody
expect_eq "$(git --git-dir="$BARE" rev-parse refs/heads/feature)" "$C4" "remote feature after a reviewed push"
