#!/usr/bin/env bash
# Git notes: records about a commit travel as one JSON line per envelope on
# refs/notes/custody, follow the commit through `git commit --amend`, and
# `custody init` is idempotent.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

R="$WORK/repo"
make_repo "$R"
cd "$R"
expect_exit 0 custody init --key-name tester
expect_contains "$OUT" "created  git config notes.rewriteRef=refs/notes/custody"
expect_eq "$(git config --get-all notes.rewriteRef)" "refs/notes/custody" "notes.rewriteRef"

# A record without --file is about HEAD and lands in the note on HEAD.
C1=$(git rev-parse HEAD)
expect_exit 0 custody -q record --agent claude-code --model m --prompt "p1"
ID1=$OUT
is_hex64 "$ID1" || fail "record printed '$ID1'"
NOTE=$(git notes --ref=custody show HEAD)
expect_eq "$(printf '%s\n' "$NOTE" | wc -l)" 1 "lines in the note"
LEDGER_ENV=$(sql "$(ledger_db "$R")" "select cast(envelope as text) from entries where id='$ID1'")
expect_eq "$NOTE" "$LEDGER_ENV" "note line vs. ledger envelope"
expect_eq "$(printf '%s' "$NOTE" | sha256sum | cut -c1-64)" "$ID1" "digest of the note line"
expect_eq "$(sqlite3 :memory: "select json_valid('$NOTE')")" 1 "the note line is JSON"
expect_exit 0 custody log --commit HEAD --json
expect_contains "$OUT" "\"id\":\"$ID1\"" "log --commit HEAD"
# Records about files do not touch the note.
expect_exit 0 custody -q record --agent claude-code --model m --file a.txt
expect_eq "$(git notes --ref=custody show HEAD)" "$NOTE" "note after a --file record"
# A second record about the same commit appends a line.
expect_exit 0 custody -q record --agent aider --model m2
ID2=$OUT
NOTE=$(git notes --ref=custody show HEAD)
expect_eq "$(printf '%s\n' "$NOTE" | wc -l)" 2 "lines in the note after two records"
expect_eq "$(printf '%s\n' "$NOTE" | sed -n 2p | tr -d '\n' | sha256sum | cut -c1-64)" "$ID2" "second note line"
expect_exit 0 custody verify
expect_contains "$OUT" "2 note envelopes on 1 commits"

# Re-running init keeps everything: files, key, ledger, git config.
snapshot() {
  {
    find "$R/.custody" "$R/.git/custody" "$CUSTODY_KEY_DIR" -type f -print0 | sort -z | xargs -0 sha256sum
    git config --local --list | sort
    git rev-parse refs/notes/custody
  } | sha256sum
}
BEFORE=$(snapshot)
expect_exit 0 custody init --key-name tester
expect_contains "$OUT" "kept     $R/.custody/policy.toml"
expect_contains "$OUT" "kept     $R/.git/custody/ledger.db"
expect_match "$OUT" "^kept     signing key tester" "init output"
expect_not_contains "$OUT" "created" "second init output"
expect_exit 0 custody init
expect_not_contains "$OUT" "created" "third init output (no --key-name)"
expect_eq "$(snapshot)" "$BEFORE" "repository state after re-running init"
expect_eq "$(git config --get-all notes.rewriteRef)" "refs/notes/custody" "notes.rewriteRef after re-init"
# init's policy event and three records; re-init adopts nothing new.
expect_eq "$(entry_count "$R")" 4 "entries after re-init"

# Amend: git copies the note (notes.rewriteRef) to the new commit.
git commit -q --amend -m "new message"
C2=$(git rev-parse HEAD)
[[ "$C1" != "$C2" ]] || fail "amend did not make a new commit"
expect_eq "$(git notes --ref=custody show HEAD)" "$NOTE" "note on the amended commit"
expect_exit 0 custody verify
expect_contains "$OUT" "verified: 4 entries"
# The ledger still finds the records by the commit they were made about.
expect_exit 0 custody log --commit "$C1" --json
expect_contains "$OUT" "\"id\":\"$ID1\"" "log --commit <original commit>"
expect_contains "$OUT" "\"id\":\"$ID2\"" "log --commit <original commit>"

# A note whose line is not an envelope is reported by verify, by commit.
git notes --ref=custody append -m 'not an envelope' "$C2"
expect_exit 1 custody verify
expect_match "$OUT" "^FAIL  .*${C2:0:12} line 3: " "verify output"
git notes --ref=custody add -f -m "$NOTE" "$C2" 2>/dev/null
expect_exit 0 custody verify

# A stale refs/notes/custody.lock (a git process killed mid-update): the
# ledger entry is made, the note cannot be; custody must say so, once, and
# say why.
touch "$R/.git/refs/notes/custody.lock"
N_BEFORE=$(entry_count "$R")
expect_exit 7 custody -q record --agent a --model m
expect_one_error_line
expect_eq "$(entry_count "$R")" "$((N_BEFORE + 1))" "entries after a record whose note failed"
expect_contains "$ERR" "entry $N_BEFORE is in the ledger, but its git note was not written"
[[ "$ERR" == *"custody.lock"* ]] ||
  check_later "a stale refs/notes/custody.lock is reported as '${ERR#*: }' instead of naming the lock file"
rm "$R/.git/refs/notes/custody.lock"
expect_exit 0 custody -q record --agent a --model m
expect_exit 0 custody verify

# After the amend, HEAD's note carries both records, so `custody log --commit
# HEAD` should list them. The ledger indexes entries by the commit named in
# the statement (the pre-amend one), so it does not: see the report.
expect_exit 0 custody log --commit HEAD --json
[[ "$OUT" == *"\"id\":\"$ID1\""* && "$OUT" == *"\"id\":\"$ID2\""* ]] ||
  check_later "log --commit HEAD after an amend does not list the records the note on HEAD carries"

finish_checks
