#!/usr/bin/env bash
# Builds custody and plays the whole story on a throwaway repository: an
# agent (real Claude Code hook payloads) adds password reset under the
# constraint "use bcrypt, 12+ character passwords"; its first attempt
# hardcodes a key and imports a package that does not exist, and
# `custody check` (the pre-commit hook) blocks it; the fixed attempt passes;
# a second person reviews and approves; the gate passes; the deployment to
# production is recorded; `custody show` prints the chain; `custody verify`
# passes — and catches a tampered ledger.
# Installs missing Debian packages first. Nothing outside a temp dir is
# touched: HOME, keys and caches are temporary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build custody_cli
BIN=$PWD/build/src/cli

DEMO=$(mktemp -d /tmp/custody-demo-XXXXXX)
trap 'rm -rf "$DEMO"' EXIT
export HOME=$DEMO/home CUSTODY_KEY_DIR=$DEMO/keys CUSTODY_CACHE_DIR=$DEMO/cache
export CUSTODY_REGISTRY_DIR=$DEMO/registry GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
# The git hooks run `custody` from PATH.
export PATH=$BIN:$PATH
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
# Runs a command that is expected to fail, and shows its exit code.
refused() { printf '$ %s\n' "$*"; set +e; "$@"; local rc=$?; set -e; echo "(exit $rc)"; [[ $rc -ne 0 ]]; }

step "A fresh repository with custody and the Claude Code hooks"
mkdir "$DEMO/repo" && cd "$DEMO/repo"
git init -q -b main
git config user.name "Dana Developer"
git config user.email dana@example.com
printf 'flask==3.0.0\n' >requirements.txt
printf '# Accounts service\n\nPassword reset: use bcrypt, 12+ character passwords.\n' >CLAUDE.md
git add -A && git commit -qm "accounts service"
run custody init --key-name dana --agents claude
cat >.custody/policy.toml <<'TOML'
[project]
name = "accounts"
license = "MIT"
frameworks = ["eu-ai-act", "soc2", "nist-ai-rmf"]

[prompts]
storage = "full"

[risk]
default = "medium"
[[risk.paths]]
glob = "src/auth/**"
level = "high"

[approvals]
separation_of_duties = true
high = { count = 1, roles = ["reviewer"] }

[[constraint]]
name = "password-reset"
description = "use bcrypt, 12+ character passwords"
paths = ["src/auth/**"]
checks = { crypto = "block", dependencies = "block" }

[models]
allow = ["claude-*"]

[dependencies]
new = "review"
allow = ["pypi:bcrypt", "pypi:flask"]
TOML
run custody policy adopt
# A second person: Rita reviews, Omar deploys. Their public keys are
# committed so every clone trusts them.
run custody keys generate --name rita --role reviewer
run custody keys generate --name omar --role deployer
# What exists on the package index, offline (custody registry import reads a
# list of names; in real use, an export of the registry).
printf 'flask\nrequests\nbcrypt\npyjwt\n' | run custody registry import pypi -
git add -A && git commit -qm "custody: policy and keys"

# hook EVENT JSON: one Claude Code hook payload, as Claude Code sends it.
hook() {
  python3 - "$PWD" "$1" "$2" <<'PY' | custody hook claude
import json, sys
repo, event, extra = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
p = {"session_id": "demo-session", "transcript_path": "/tmp/demo.jsonl", "cwd": repo,
     "permission_mode": "acceptEdits", "hook_event_name": event}
p.update(extra)
print(json.dumps(p))
PY
}
# agent_write PATH: the agent's Write tool call for the file's content on stdin.
agent_write() {
  mkdir -p "$(dirname "$1")"
  cat >"$1"
  local j
  j=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$1")
  hook PreToolUse '{"tool_name":"Write","tool_use_id":"toolu_'"$RANDOM"'","tool_input":{"file_path":"'"$PWD/$1"'","content":'"$j"'}}'
  hook PostToolUse '{"tool_name":"Write","tool_use_id":"toolu_'"$RANDOM"'","tool_input":{"file_path":"'"$PWD/$1"'","content":'"$j"'},"tool_response":{"success":true}}'
}

step "The agent's first attempt: a hardcoded key and a package that does not exist"
hook SessionStart '{"source":"startup","model":"claude-sonnet-4-5"}'
hook UserPromptSubmit '{"prompt":"Add a password reset endpoint. Use bcrypt and require 12+ character passwords."}'
agent_write src/auth/reset.py <<'PY'
import bcrypt
import flask_reset_tokens

RESET_SIGNING_KEY = "sk_live_51H8xQ2eZvKYlo2C9a7XbT3pRq8mN4vL6wS1dF0gH"
MIN_LENGTH = 12


def reset_password(user, new_password):
    if len(new_password) < MIN_LENGTH:
        raise ValueError("passwords need 12+ characters")
    user.password_hash = bcrypt.hashpw(new_password.encode(), bcrypt.gensalt(12))
    return flask_reset_tokens.sign(user.id, RESET_SIGNING_KEY)
PY
agent_write requirements.txt <<'TXT'
flask==3.0.0
bcrypt==4.1.2
flask-reset-tokens==0.3.1
TXT
git add -A
echo '$ git commit -m "Add password reset"   # the pre-commit hook runs custody check --staged'
refused git commit -qm "Add password reset"

step "The fixed attempt passes the checks"
hook UserPromptSubmit '{"prompt":"The commit was refused: no hardcoded key (read it from the environment) and flask-reset-tokens does not exist; use itsdangerous from flask."}'
agent_write src/auth/reset.py <<'PY'
import os

import bcrypt
from itsdangerous import URLSafeTimedSerializer

MIN_LENGTH = 12


def reset_password(user, new_password):
    if len(new_password) < MIN_LENGTH:
        raise ValueError("passwords need 12+ characters")
    user.password_hash = bcrypt.hashpw(new_password.encode(), bcrypt.gensalt(12))
    signer = URLSafeTimedSerializer(os.environ["RESET_SIGNING_KEY"])
    return signer.dumps(user.id)
PY
agent_write requirements.txt <<'TXT'
flask==3.0.0
bcrypt==4.1.2
TXT
hook Stop '{"stop_hook_active":false}'
git add -A
run git commit -qm "Add password reset"
run custody check HEAD --no-record

step "The gate before review: a high-risk path needs an approval"
refused custody gate HEAD~1..HEAD

step "The developer cannot approve their own agent's work"
refused custody review HEAD --approve --notes "looks fine to me"

step "Rita reviews with the context and approves"
run env CUSTODY_SIGNING_KEY="$CUSTODY_KEY_DIR/rita.key" custody review HEAD
run env CUSTODY_SIGNING_KEY="$CUSTODY_KEY_DIR/rita.key" custody review HEAD --approve \
  --notes "bcrypt cost 12, 12+ characters enforced, key from the environment"

step "The gate passes (markdown, as CI would post it on the pull request)"
run custody gate HEAD~1..HEAD --format markdown

step "Omar deploys to production"
run env CUSTODY_SIGNING_KEY="$CUSTODY_KEY_DIR/omar.key" custody deploy --env production \
  --artifact "sha256:$(git archive HEAD | sha256sum | cut -c1-64)"

step "The chain of custody of the commit"
run custody show HEAD --prompt

step "Verify every signature and the log's proofs"
run custody verify

step "Tamper: flip one byte of a stored envelope, and verify again"
cp .git/custody/ledger.db "$DEMO/ledger.backup"
sqlite3 .git/custody/ledger.db \
  "UPDATE entries SET envelope = CAST(replace(CAST(envelope AS TEXT), 'eyJfdHlw', 'eyJfdHlx') AS BLOB) WHERE idx = 3"
refused custody verify
cp "$DEMO/ledger.backup" .git/custody/ledger.db
rm -f .git/custody/ledger.db-wal .git/custody/ledger.db-shm
run custody verify
echo
echo "demo finished: the bad attempt was blocked, the fixed one reviewed, gated, deployed and"
echo "shown as one signed chain; tampering was caught."
