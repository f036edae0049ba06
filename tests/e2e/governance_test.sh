#!/usr/bin/env bash
# The governed path end to end: custody check (and the pre-commit hook),
# overrides, reviews with separation of duties, every gate failure reason
# with the command that resolves it, deployment refusal and forced
# deployment, and the chain of one commit. Agents write through real Claude
# Code hook payloads; people are separate keys.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

PY=$(command -v python3) || fail "needs python3"
export CUSTODY_CACHE_DIR="$WORK/cache"
export CUSTODY_REGISTRY_DIR="$WORK/registry"
# The hooks run `custody` from PATH.
mkdir -p "$WORK/bin"
ln -s "$CUSTODY_BIN" "$WORK/bin/custody"
export PATH="$WORK/bin:$PATH"

R="$WORK/repo"
make_repo "$R"
cd "$R"
expect_exit 0 custody init --key-name dev --agents claude
[[ -x .git/hooks/pre-commit ]] || fail "pre-commit hook not installed"
expect_exit 0 custody keys generate --name rita --role reviewer
expect_exit 0 custody keys generate --name sam --role reviewer
expect_exit 0 custody keys generate --name dora --role deployer
printf 'flask\nrequests\nbcrypt\n' | custody registry import pypi - >/dev/null
git add -A && git commit -q -m "custody init"
DEV="$CUSTODY_KEY_DIR/dev.key" RITA="$CUSTODY_KEY_DIR/rita.key" SAM="$CUSTODY_KEY_DIR/sam.key" DORA="$CUSTODY_KEY_DIR/dora.key"
as() { local key=$1; shift; CUSTODY_SIGNING_KEY="$key" "$@"; }

# hook EVENT JSON: one Claude Code hook payload through `custody hook claude`.
hook() {
  local p
  p=$("$PY" - "$R" "$1" "$2" <<'EOF'
import json, sys
repo, event, extra = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
p = {"session_id": "sess-1", "transcript_path": "/tmp/none.jsonl", "cwd": repo,
     "permission_mode": "acceptEdits", "hook_event_name": event}
p.update(extra)
print(json.dumps(p))
EOF
)
  run sh -c 'printf "%s" "$1" | "$2" hook claude' _ "$p" "$CUSTODY_BIN"
  [[ "$RC" == 0 ]] || { _last_run; fail "hook $1 exited $RC"; }
}
# agent_write PATH CONTENT: the agent writes PATH (Write tool).
agent_write() {
  mkdir -p "$(dirname "$1")"
  printf '%s' "$2" >"$1"
  local j
  j=$("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$2")
  hook PostToolUse '{"tool_name":"Write","tool_use_id":"t'"$RANDOM"'","tool_input":{"file_path":"'"$R/$1"'","content":'"$j"'},"tool_response":{"success":true}}'
}
hook SessionStart '{"source":"startup","model":"claude-sonnet-4-5"}'
hook UserPromptSubmit '{"prompt":"Add password reset"}'
gate_json() { { custody gate "$@" --format json || true; } | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(f["reason"] for c in d["commits"] for f in c["failures"]) or "pass")'; }

# --- check blocks a hardcoded key and a package that does not exist ----------
KEY="sk_live_51H8xQ2eZvKYlo2C9a7XbT3pRq8mN4vL6wS1dF0gH"
agent_write src/auth/reset.py $'import bcrypt\n\nSTRIPE_KEY = "'"$KEY"$'"\n\ndef reset(user, pw):\n    user.hash = bcrypt.hashpw(pw.encode(), bcrypt.gensalt(12))\n'
agent_write requirements.txt $'bcrypt==4.1.2\nfastjwt-secure==1.0.2\n'
git add -A
run git commit -m "password reset"
[[ "$RC" != 0 ]] || fail "the pre-commit hook let a hardcoded key through"
expect_contains "$ERR" "BLOCK   secrets" "pre-commit output"
expect_contains "$ERR" "requirements.txt:2  not-found: pypi fastjwt-secure does not exist" "pre-commit output"
expect_contains "$ERR" "commit refused: " "pre-commit output"
expect_not_contains "$ERR" "$KEY" "the secret in clear"
# The refused staged validation is in the ledger, redacted.
expect_exit 1 custody check --staged --no-record --json
expect_contains "$OUT" '"verdict": "block"'
expect_not_contains "$OUT" "$KEY" "check --json"
sql "$(ledger_db "$R")" 'select envelope from entries' | "$PY" -c '
import base64, json, sys
for line in sys.stdin:
    sys.stdout.write(base64.b64decode(json.loads(line)["payload"]).decode() + "\n")' >"$WORK/payloads"
expect_contains "$(cat "$WORK/payloads")" '"predicateType":"https://custody.dev/attestation/validation/v0.1"' "a staged validation"
expect_not_contains "$(cat "$WORK/payloads")" "${KEY:6}" "the ledger"

# The fixed attempt passes the hook; the post-commit hook carries the staged
# validation and the checkpoints into the note.
hook UserPromptSubmit '{"prompt":"no hardcoded key; fastjwt-secure does not exist"}'
agent_write src/auth/reset.py $'import os\n\nimport bcrypt\n\nSTRIPE_KEY = os.environ["STRIPE_KEY"]\n\ndef reset(user, pw):\n    if len(pw) < 12:\n        raise ValueError("too short")\n    user.hash = bcrypt.hashpw(pw.encode(), bcrypt.gensalt(12))\n'
agent_write requirements.txt $'bcrypt==4.1.2\n'
git add -A
expect_exit 0 git commit -q -m "password reset"
C1=$(git rev-parse HEAD)
expect_contains "$(git notes --ref custody show HEAD | wc -l)" "4" "attribution + 2 checkpoints + validation in the note"
# Medium risk: the new dependency needs a review.
expect_eq "$(gate_json HEAD~1..HEAD)" "approvals" "gate before review"
expect_exit 1 custody gate HEAD~1..HEAD
expect_contains "$OUT" "resolve: custody review ${C1:0:12} --approve"

# --- separation of duties and reviewer roles -----------------------------------
expect_exit 6 custody review HEAD --approve --notes "mine"
expect_contains "$ERR" "reviews count only from keys with role reviewer"
expect_exit 6 as "$DORA" custody review HEAD --approve
expect_exit 0 as "$RITA" custody review HEAD
expect_contains "$OUT" "+AI    STRIPE_KEY = os.environ"
expect_contains "$OUT" "generation "
expect_contains "$OUT" "review dependencies requirements.txt:1 new-dependency"
expect_exit 0 as "$RITA" custody review HEAD --approve --notes "bcrypt cost 12, min 12: ok"
expect_eq "$(gate_json HEAD~1..HEAD)" "pass" "gate after review"

# A reviewer who ran the agent cannot approve their own AI change.
git config custody.signingKey "$SAM"
hook UserPromptSubmit '{"prompt":"add a helper"}'
agent_write src/util.py $'def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n'
git add -A && git commit -q -m "clamp helper"
C2=$(git rev-parse HEAD)
git config custody.signingKey "$DEV"
expect_exit 6 as "$SAM" custody review HEAD --approve
expect_contains "$ERR" "separation_of_duties"
expect_eq "$(gate_json HEAD~1..HEAD)" "pass" "low-value change: no approval required at medium without findings"

# `git commit -a` gives hooks a temporary index (GIT_INDEX_FILE): the check
# reads that one, so an unstaged change committed with -a is checked too.
hook UserPromptSubmit '{"prompt":"inline the key"}'
agent_write src/util.py $'TOKEN = "ghp_R7mK2pQ9xV4tL8nB3wZ6yH1cF5dJ0sA2eG7u"\ndef clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n'
run git commit -aqm "inline"
[[ "$RC" != 0 ]] || fail "git commit -a let a token through the pre-commit hook"
expect_contains "$ERR" "src/util.py:1" "commit -a checked"
git checkout -q -- src/util.py

# --- blocking finding -> override (role checked) --------------------------------
hook UserPromptSubmit '{"prompt":"add the webhook secret"}'
agent_write src/hook.py $'AWS_KEY = "AKIAZ7Q3MVBN2XK4LP6T"\n'
git add -A && git commit -q --no-verify -m "webhook"
C3=$(git rev-parse HEAD)
expect_eq "$(gate_json HEAD~1..HEAD)" "validation" "an unchecked AI commit"
expect_exit 1 custody check HEAD
expect_contains "$OUT" "BLOCK   secrets"
expect_exit 1 custody check HEAD --no-record --json
FP=$("$PY" -c 'import json,sys; print([f for f in json.load(sys.stdin)["results"][0]["findings"] if f["verdict"]=="block"][0]["fingerprint"])' <<<"$OUT")
expect_eq "$(gate_json HEAD~1..HEAD)" "blocking-finding" "blocking finding"
expect_exit 6 custody override "${FP:0:12}" --justification "it is only a test key"
expect_contains "$ERR" "overrides] roles"
expect_exit 6 as "$DORA" custody override "${FP:0:12}" --justification "it is only a test key"
expect_exit 3 as "$RITA" custody override "${FP:0:12}" --justification "short"
expect_exit 0 as "$RITA" custody override "${FP:0:12}" --justification "a revoked key kept as a test fixture" --expires 2199-01-01
expect_exit 0 custody check HEAD --no-record
expect_contains "$OUT" "(overridden by rita: \"a revoked key kept as a test fixture\", until 2199-01-01T23:59:59Z)"
expect_eq "$(gate_json HEAD~1..HEAD)" "pass" "after the override"
# An expiry in the past is refused.
expect_exit 3 as "$RITA" custody override "${FP:0:12}" --justification "a revoked key kept as a test fixture" --expires 2001-01-01

# --- rejection -------------------------------------------------------------------
expect_exit 0 as "$RITA" custody review "$C2" --reject --notes "use the stdlib helper"
expect_eq "$(gate_json "$C1..$C2")" "rejected" "a rejection"
expect_exit 1 custody gate "$C1..$C2" --format markdown
expect_contains "$OUT" "**rejected**: rita rejected it: use the stdlib helper"
expect_exit 0 as "$RITA" custody review "$C2" --approve --notes "fine after all"
expect_eq "$(gate_json "$C1..$C2")" "pass" "the same reviewer's later approval"

# --- stale validation after a policy change --------------------------------------
printf '\n# stricter from now on\n' >>.custody/policy.toml
git add -A && git commit -q -m "policy comment"
expect_exit 0 custody policy adopt
expect_eq "$(gate_json "$C2~1..$C2")" "stale-validation" "a validation under the old policy"
expect_exit 0 custody check "$C2"
expect_eq "$(gate_json "$C2~1..$C2")" "pass" "checked again"

# --- attribution missing -----------------------------------------------------------
printf 'notes\n' >NOTES.txt
git add -A
PATH="${PATH#"$WORK/bin:"}" git commit -q -m "without hooks"
expect_eq "$(gate_json HEAD~1..HEAD)" "attribution" "a commit the hooks missed"
expect_exit 0 custody attribute HEAD
expect_eq "$(gate_json HEAD~1..HEAD)" "pass" "attributed (human)"

# --- provenance missing and signature failures (a CI clone: notes only) -----------
expect_exit 0 custody check "$C1"
CL="$WORK/clone"
git clone -q "$R" "$CL"
git -C "$CL" config user.name "CI" && git -C "$CL" config user.email ci@example.invalid
git -C "$R" push -q "$CL" refs/notes/custody:refs/notes/custody
cd "$CL"
expect_exit 0 custody gate "$C1~1..$C1" --verbose
# Drop the checkpoints from the note: the AI lines lose their provenance.
git notes --ref custody show "$C1" | "$PY" -c '
import base64, json, sys
for line in sys.stdin:
    p = json.loads(base64.b64decode(json.loads(line)["payload"]))
    if "generation" not in p["predicateType"]:
        sys.stdout.write(line)' >"$WORK/note"
git notes --ref custody add -f -F "$WORK/note" "$C1"
expect_eq "$(gate_json "$C1~1..$C1")" "provenance provenance" "checkpoints missing"
cd "$R"
expect_exit 0 custody attribute "$C1"
git push -q -f "$CL" refs/notes/custody:refs/notes/custody
cd "$CL"
expect_eq "$(gate_json "$C1~1..$C1")" "pass" "checkpoints restored from the ledger"
# A tampered envelope is a failure, not skipped.
git notes --ref custody show "$C1" | "$PY" -c '
import base64, json, sys
lines = sys.stdin.read().splitlines()
for i, line in enumerate(lines):
    e = json.loads(line); p = base64.b64decode(e["payload"])
    if b"attestation/review/" in p:
        e["payload"] = base64.b64encode(p.replace(b"approve", b"APPROVE")).decode()
        lines[i] = json.dumps(e, separators=(",", ":"))
print("\n".join(lines))' >"$WORK/note"
git notes --ref custody add -f -F "$WORK/note" "$C1"
expect_contains "$(gate_json "$C1~1..$C1")" "signature" "tampered review"
expect_exit 1 custody gate "$C1~1..$C1" --format sarif
expect_contains "$OUT" '"ruleId": "custody/gate/signature"'
# Resolved by putting the signed note back.
cd "$R"
git push -q -f "$CL" refs/notes/custody:refs/notes/custody
expect_eq "$(cd "$CL" && gate_json "$C1~1..$C1")" "pass" "the note restored"

# --- nothing runs on a half-read policy --------------------------------------------
cp .custody/policy.toml "$WORK/policy.good"
printf '\n[checks.high]\nsecrets = "warn"\n' >>.custody/policy.toml
BEFORE=$(entry_count "$R")
expect_exit 3 custody check HEAD
expect_match "$ERR" 'policy\.toml:[0-9]+:[0-9]+: .*allowed: report, review, block' "file:line and the allowed values"
expect_exit 3 custody gate HEAD~1..HEAD
expect_eq "$(entry_count "$R")" "$BEFORE" "entries after a refused check"
cp "$WORK/policy.good" .custody/policy.toml

# --- deployment: refused, forced, recorded; the chain -----------------------------
hook UserPromptSubmit '{"prompt":"log the reset"}'
agent_write src/log.py $'import logging\nlog = logging.getLogger("reset")\n'
git add -A && git commit -q --no-verify -m "unchecked logging"
expect_exit 6 custody deploy --env production
expect_exit 1 as "$DORA" custody deploy --env production
expect_contains "$ERR" "refused: the gate failed"
expect_exit 3 as "$DORA" custody deploy --env production --force
expect_exit 6 as "$RITA" custody deploy --env production --force --justification "incident 7 hotfix, reviewed live"
expect_exit 0 as "$DORA" custody deploy --env production --force --justification "incident 7 hotfix, reviewed live" --artifact "sha256:$(printf x | sha256sum | cut -c1-64)"
expect_contains "$OUT" "FORCED deployment"
expect_exit 0 custody show "$C1" --json
"$PY" - "$OUT" <<'EOF' || fail "chain of $C1 is incomplete"
import json, sys
c = json.loads(sys.argv[1])
g = c["generated"][0]
for k in ("timestamp", "model", "model_version", "prompt", "constraints_applied", "developer_context"):
    assert k in g, k
assert set(g["developer_context"]) >= {"project", "environment", "risk_level"}
v = c["validated"]
for k in ("static_analysis", "security_scan", "dependency_audit", "compliance_checks",
          "validation_timestamp", "validator_version"):
    assert k in v, k
assert "reviewed_and_approved" in v["security_scan"] and "by_severity" in v["security_scan"]
r = c["reviewed"][0]
assert r["reviewer"] == "rita" and r["approval_status"] == "approved" and r["review_notes"], r
d = c["deployed"][0]
assert d["deployment_environment"] == "production" and d["forced"] and d["branch"] == "main", d
for k in ("commit_hash", "deployment_timestamp"):
    assert d[k], k
EOF
expect_exit 0 custody show "$C1"
expect_contains "$OUT" "approved by rita (reviewer)"
expect_contains "$OUT" "production at "
# The next deployment gates only what came after the forced one.
expect_exit 0 custody check HEAD
expect_exit 0 as "$DORA" custody deploy --env production --format json
expect_contains "$OUT" '"commits": []' "nothing new since the last deployment"
expect_exit 0 custody verify
