#!/usr/bin/env bash
# Builds custody and plays the foundation demo on a throwaway repository:
# init, record generation checkpoints, verify, tamper with the ledger, verify
# again (and see it fail, naming the entry), restore, verify.
# Installs missing Debian packages first. Nothing outside a temp dir is
# touched: keys go to a temporary $CUSTODY_KEY_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build custody_cli
CUSTODY=$PWD/build/src/cli/custody

DEMO=$(mktemp -d /tmp/custody-demo-XXXXXX)
trap 'rm -rf "$DEMO"' EXIT
export CUSTODY_KEY_DIR=$DEMO/keys
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "A fresh repository"
mkdir "$DEMO/repo" && cd "$DEMO/repo"
git init -q -b main
git config user.name "Dana Developer"
git config user.email dana@example.com
run "$CUSTODY" init

step "An agent writes code; custody records the generation checkpoint"
mkdir -p src
cat > src/reset.py <<'PY'
import bcrypt

def reset_password(user, new_password):
    if len(new_password) < 12:
        raise ValueError("passwords need 12+ characters")
    user.password_hash = bcrypt.hashpw(new_password.encode(), bcrypt.gensalt())
PY
run "$CUSTODY" record --agent claude-code --model claude-sonnet-4-5 --model-version 20250929 \
  --prompt "Add password reset" --constraint "use bcrypt" --constraint "12+ character passwords" \
  --file src/reset.py
git add -A && git commit -qm "Add password reset"
step "A second checkpoint about the commit itself (also written to refs/notes/custody)"
run "$CUSTODY" record --agent cursor --model gpt-5 --prompt "Review the reset flow"
run git notes --ref=custody list

step "The log"
run "$CUSTODY" log

step "One entry: statement, signer, signature, inclusion proof"
run "$CUSTODY" show '#0'

step "Verify everything"
run "$CUSTODY" verify

step "Tamper: flip one byte of entry #0's stored envelope"
cp .git/custody/ledger.db "$DEMO/ledger.backup"
run sqlite3 .git/custody/ledger.db \
  "UPDATE entries SET envelope = CAST(replace(CAST(envelope AS TEXT), 'eyJfdHlw', 'eyJfdHlx') AS BLOB) WHERE idx = 0"
set +e
"$CUSTODY" verify
rc=$?
set -e
echo "custody verify exited with $rc (1 = verification failed)"

step "Restore the ledger and verify again"
cp "$DEMO/ledger.backup" .git/custody/ledger.db
run "$CUSTODY" verify
echo
echo "demo finished: tampering was caught and named; the untouched ledger verifies."
[[ $rc -eq 1 ]]
