#!/usr/bin/env bash
# The command line as a user meets it: help for every verb, record's output,
# log's filters and JSON Lines, show, keys list, and prompt storage policy.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

PY=/usr/bin/python3
[[ -x "$PY" ]] || PY=python3

# --- help: every verb exits 0 and names its options --------------------------
# help_mentions "VERB..." OPTION...: `custody VERB --help` exits 0, prints to
# stdout, and mentions every OPTION.
help_mentions() {
  local verb=$1 o
  shift
  # shellcheck disable=SC2086
  expect_exit 0 custody $verb --help
  expect_eq "$ERR" "" "stderr of custody $verb --help"
  for o in "$@"; do expect_contains "$OUT" "$o" "custody $verb --help"; done
}
help_mentions "" init keys record log show verify -C --quiet --version "Exit codes"
help_mentions init --key-name --role --no-key developer reviewer
help_mentions keys generate list
help_mentions "keys generate" --name --role --use CUSTODY_KEY_DIR
help_mentions "keys list" --json
help_mentions record --agent --agent-version --model --model-version --session --prompt --prompt-file \
  --constraint --file
help_mentions log --kind --since --commit --file --limit --json
help_mentions show ID --json --prompt
help_mentions verify --json --no-remember
expect_exit 0 custody --version
expect_match "$OUT" "^custody [0-9]+\.[0-9]+\.[0-9]+" "custody --version"

# --- record -------------------------------------------------------------------
R="$WORK/repo"
make_custody_repo "$R"
cd "$R"
expect_exit 0 custody keys generate --name rita --role reviewer
expect_exit 0 custody keys list
expect_match "$OUT" "tester +developer +[0-9a-f]{64}" "keys list"
expect_match "$OUT" "rita +reviewer +[0-9a-f]{64}" "keys list"
expect_match "$OUT" "^\* +tester " "keys list marks the signing key"
expect_exit 0 custody keys list --json
printf '%s' "$OUT" | "$PY" -c '
import json, sys
keys = {k["name"]: k for k in json.load(sys.stdin)}
assert keys["tester"]["role"] == "developer" and keys["tester"]["signing"] is True, keys
assert keys["rita"]["role"] == "reviewer" and keys["rita"]["signing"] is False, keys
' || fail "keys list --json"

mkdir -p src
printf 'def f():\n    return 1\n' >src/f.py
expect_exit 0 custody record --agent claude-code --model claude-sonnet-4-5 --model-version 20250929 \
  --prompt "write f" --constraint "no network" --constraint "use bcrypt" --file src/f.py
ID1=$OUT
is_hex64 "$ID1" || fail "record should print exactly a 64-hex id on stdout, printed '$ID1'"
expect_contains "$ERR" "ledger entry #0" "record's stderr"
# -q: only the id.
printf 'x = 1\n' >g.py
expect_exit 0 custody -q record --agent cursor --model gpt-5 --file g.py
ID2=$OUT
is_hex64 "$ID2" || fail "record -q printed '$ID2'"
expect_eq "$ERR" "" "stderr of record -q"
# From a subdirectory, with a relative path and the prompt on stdin.
printf 'y = 2\n' >src/h.py
run bash -c "cd src && printf 'prompt via stdin' | '$CUSTODY_BIN' -q record --agent aider --model m --prompt-file - --file h.py"
expect_eq "$RC" 0 "record from a subdirectory"
ID3=$OUT
is_hex64 "$ID3" || fail "record from src/ printed '$ID3'"

# --- log --------------------------------------------------------------------
expect_exit 0 custody log
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 3 "log lines"
expect_match "$OUT" "^#0 +${ID1:0:12} +generation .*claude-code/claude-sonnet-4-5 +src/f.py" "log"
expect_exit 0 custody log --json
JSONL=$OUT
printf '%s\n' "$JSONL" | "$PY" -c '
import json, sys
lines = sys.stdin.read().splitlines()
assert len(lines) == 3, lines
for i, line in enumerate(lines):
    e = json.loads(line)
    assert e["index"] == i, e
    assert e["kind"] == "generation", e
    assert len(e["id"]) == 64, e
    for field in ("predicateType", "recordedAt", "signer", "commits", "files"):
        assert field in e, (field, e)
assert json.loads(lines[0])["files"] == ["src/f.py"], lines[0]
assert json.loads(lines[2])["files"] == ["src/h.py"], lines[2]
' || fail "log --json is not the expected JSON Lines"
expect_contains "$JSONL" "\"id\":\"$ID1\""
expect_contains "$JSONL" "\"id\":\"$ID3\""

# Filters: kind, since (relative and absolute), file, limit.
expect_exit 0 custody log --kind generation --since 1h
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 3 "log --kind generation --since 1h"
expect_exit 0 custody log --kind validation
expect_eq "$OUT" "" "log --kind validation"
expect_exit 0 custody log --since 2099-01-01
expect_eq "$OUT" "" "log --since a future date"
sleep 1.1
T=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 1.1
expect_exit 0 custody -q record --agent cursor --model gpt-5 --file g.py
ID4=$OUT
expect_exit 0 custody log --kind generation --since "$T" --json
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 1 "log --since $T"
expect_contains "$OUT" "\"id\":\"$ID4\"" "log --since $T"
expect_exit 0 custody log --file g.py --json
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 2 "log --file g.py"
expect_exit 0 custody -C src log --file f.py --json
expect_contains "$OUT" "\"id\":\"$ID1\"" "log --file relative to -C"
expect_exit 0 custody log -n 2
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 2 "log -n 2"

# --- show ---------------------------------------------------------------------
expect_exit 0 custody show "$ID1"
expect_match "$OUT" "^entry +#0 +$ID1" "show"
expect_match "$OUT" "^signature  verified" "show"
expect_match "$OUT" "^inclusion  leaf 0 of 4, proof verified" "show"
expect_match "$OUT" "^signer +tester \(developer\)" "show"
expect_contains "$OUT" "claude-sonnet-4-5" "show statement"
expect_contains "$OUT" "use bcrypt" "show statement"
expect_not_contains "$OUT" "write f" "show without --prompt"
expect_exit 0 custody show "${ID2:0:8}"
expect_match "$OUT" "^entry +#1 +$ID2" "show by id prefix"
expect_exit 0 custody show '#2' --json
printf '%s' "$OUT" | "$PY" -c '
import json, sys
j = json.load(sys.stdin)
assert j["index"] == 2 and j["signature"] == "verified", j
assert j["inclusionProof"]["treeSize"] == 4 and j["inclusionProof"]["logIndex"] == 2, j
assert j["statement"]["_type"] == "https://in-toto.io/Statement/v1", j
' || fail "show --json"

# --- prompts: "full" keeps the text (encrypted), "digest" only a digest ------
DB=$(ledger_db "$R")
set_storage() { sed -i "s/^storage = .*/storage = \"$1\"/" .custody/policy.toml; }
# grep_db TEXT: how many times TEXT occurs in clear in the ledger files.
grep_db() { cat "$DB" "$DB-wal" 2>/dev/null | grep -c -a -F -- "$1" || true; }

set_storage full
FULL_TEXT="FULL-PROMPT-$RANDOM-the quick brown fox"
expect_exit 0 custody -q record --agent claude-code --model m --prompt "$FULL_TEXT" --file g.py
ID_FULL=$OUT
expect_exit 0 custody show "$ID_FULL" --prompt
expect_contains "$OUT" "$FULL_TEXT" "show --prompt under storage = \"full\""
expect_exit 0 custody show "$ID_FULL" --json --prompt
expect_contains "$OUT" "\"promptText\": \"$FULL_TEXT\"" "show --json --prompt"
expect_exit 0 custody show "$ID_FULL"
expect_not_contains "$OUT" "$FULL_TEXT" "show without --prompt"
# Kept encrypted: never in clear in the database, nor in notes.
expect_eq "$(grep_db "$FULL_TEXT")" 0 "clear-text occurrences of a \"full\" prompt in ledger.db"

set_storage digest
DIGEST_TEXT="DIGEST-PROMPT-$RANDOM-jumps over the lazy dog"
expect_exit 0 custody -q record --agent claude-code --model m --prompt "$DIGEST_TEXT" --file g.py
ID_DIG=$OUT
expect_exit 0 custody -q record --agent claude-code --model m --prompt "$DIGEST_TEXT" # about HEAD: a note
ID_DIG_NOTE=$OUT
expect_exit 0 custody show "$ID_DIG" --prompt
expect_not_contains "$OUT" "$DIGEST_TEXT" "show --prompt under storage = \"digest\""
expect_match "$OUT" "^prompt .*not kept" "show --prompt under storage = \"digest\""
expect_eq "$(grep_db "$DIGEST_TEXT")" 0 "occurrences of a \"digest\" prompt in ledger.db"
expect_eq "$(grep -r -c -a -F -- "$DIGEST_TEXT" "$R/.git/custody" | awk -F: '{s += $NF} END {print s + 0}')" 0 \
  "occurrences of the prompt under .git/custody"
expect_not_contains "$(git notes --ref=custody show HEAD)" "$DIGEST_TEXT" "the git note"
# The salted digest differs between the two records of the same text.
D1=$(custody show "$ID_DIG" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["statement"]["predicate"]["prompt"]["digest"]["sha256"])')
D2=$(custody show "$ID_DIG_NOTE" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["statement"]["predicate"]["prompt"]["digest"]["sha256"])')
is_hex64 "$D1" || fail "prompt digest '$D1'"
[[ "$D1" != "$D2" ]] || fail "the same prompt got the same digest twice (not salted)"
[[ "$D1" != "$(printf '%s' "$DIGEST_TEXT" | sha256sum | cut -c1-64)" ]] || fail "the prompt digest is a plain SHA-256"

expect_exit 0 custody verify
expect_contains "$OUT" "verified: 7 entries"

# A second repository of the same developer reuses the key from the shared
# key directory: init trusts its public half there instead of refusing.
R2="$WORK/second"
make_repo "$R2"
expect_exit 0 custody -C "$R2" init --key-name tester
expect_contains "$OUT$ERR" "public half of the existing key"
expect_eq "$(cat "$R2/.custody/keys/tester.pub" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["name"])')" \
  "tester" "the trusted key's name in the second repository"
expect_exit 0 custody -C "$R2" -q record --agent a --model m
expect_exit 0 custody -C "$R2" verify
# init's policy event and the record.
expect_contains "$OUT" "verified: 2 entries"
# Running init again there keeps everything.
expect_exit 0 custody -C "$R2" init --key-name tester
expect_not_contains "$OUT$ERR" "already exists"
