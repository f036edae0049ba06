#!/usr/bin/env bash
# Tamper evidence: every way of editing ledger.db behind custody's back is
# caught by `custody verify` (exit 1, naming what was changed), and the
# untouched ledger verifies again afterwards.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

R="$WORK/repo"
make_custody_repo "$R"
DB=$(ledger_db "$R")
cd "$R"

# A few records: files and one about HEAD (which also writes a git note).
for i in 1 2 3 4; do
  printf 'line %s\n' "$i" >"f$i.txt"
  expect_exit 0 custody -q record --agent claude-code --model m --prompt "p$i" --file "f$i.txt"
done
expect_exit 0 custody -q record --agent aider --model m2 --constraint "no eval"
NUM=5
expect_eq "$(entry_count "$R")" "$NUM" "entries after 5 records"

# The untouched ledger verifies; this also remembers its latest checkpoint.
expect_exit 0 custody verify
expect_contains "$OUT" "verified: $NUM entries" "verify output"
[[ -s "$R/.git/custody/last-verified.checkpoint" ]] || fail "verify did not remember its checkpoint"

PRISTINE="$WORK/pristine.db"
db_snapshot "$R" "$PRISTINE"

# verify_fails WHAT NEEDLE...: verify exits 1, says FAILED, and its output
# contains every NEEDLE; then the pristine ledger is put back.
verify_fails() {
  local what=$1
  shift
  expect_exit 1 custody verify
  expect_contains "$OUT" "verification FAILED" "$what: verify output"
  local n
  for n in "$@"; do expect_contains "$OUT" "$n" "$what: verify output"; done
  [[ -z "${E2E_VERBOSE:-}" ]] || printf -- "--- %s\n%s\n" "$what" "$OUT"
  # A failed verify must not move the remembered checkpoint.
  db_restore "$R" "$PRISTINE"
}

# set_envelope IDX SQL_EXPR: replaces entry IDX's envelope with SQL_EXPR (over
# the old `envelope`), as a BLOB, and sets its id column to the digest of the
# new bytes, the way a careful forger would.
set_envelope() {
  sql "$DB" "update entries set envelope = cast(($2) as blob) where idx=$1"
  sql "$DB" "select writefile('$WORK/env.bin', envelope) from entries where idx=$1" >/dev/null
  local id
  id=$(sha256sum "$WORK/env.bin" | cut -c1-64)
  sql "$DB" "update entries set id='$id' where idx=$1"
}

# 1. One byte of a stored envelope changed (inside the base64 payload), with
#    the id column fixed up so only the content check can notice.
POS=$(sql "$DB" "select instr(cast(envelope as text), '\"payload\":\"') + 40 from entries where idx=2")
OLD=$(sql "$DB" "select substr(cast(envelope as text), $POS, 1) from entries where idx=2")
NEW=A
[[ "$OLD" != A ]] || NEW=B
set_envelope 2 "substr(envelope, 1, $POS - 1) || '$NEW' || substr(envelope, $POS + 1)"
verify_fails "changed byte" "FAIL  entry 2: "
expect_match "$OUT" "^FAIL  entry 2: .*does not verify" "changed byte: verify output"
# ... and without touching the id column: the id no longer matches either.
sql "$DB" "update entries set envelope = cast(substr(envelope, 1, 99) || '~' || substr(envelope, 101) as blob)
           where idx=1"
verify_fails "changed byte, id kept" "FAIL  entry 1: "

# 2. An entry deleted from the middle.
sql "$DB" 'delete from entries where idx=2'
verify_fails "deleted entry" "entry 2 is missing (deleted from the log)"

# 3. Two entries swapped.
sql "$DB" 'update entries set idx=-1 where idx=1; update entries set idx=1 where idx=3;
           update entries set idx=3 where idx=-1'
verify_fails "swapped entries" "FAIL  entry 1: " "FAIL  entry 3: "

# 4. A signature replaced by another entry's valid signature (and the id
#    recomputed): the signature check itself must fail.
sig_of() { sql "$DB" "select json_extract(cast(envelope as text), '\$.signatures[0].sig') from entries where idx=$1"; }
SIG3=$(sig_of 3)
SIG0=$(sig_of 0)
[[ -n "$SIG3" && "$SIG3" != "$SIG0" ]] || fail "could not read two distinct signatures"
set_envelope 3 "replace(cast(envelope as text), '$SIG3', '$SIG0')"
expect_eq "$(sig_of 3)" "$SIG0" "signature of entry 3 after the swap"
verify_fails "replaced signature" "FAIL  entry 3: "
expect_match "$OUT" "^FAIL  entry 3: .*does not verify" "replaced signature: verify output"

# 5. A checkpoint note edited (its size line), keeping the row's size/root.
sql "$DB" "update checkpoints set note = replace(note, char(10) || '3' || char(10),
           char(10) || '4' || char(10)) where size=3"
expect_eq "$(sql "$DB" "select count(*) from checkpoints where size=3 and note like '%'||char(10)||'4'||char(10)||'%'")" 1 "edited note"
verify_fails "edited checkpoint note" "FAIL  checkpoint at size 3: "
# ... and its signature line corrupted instead (10 base64 digits inside the
#    signature, keeping its padding).
sql "$DB" "update checkpoints set note = substr(note, 1, length(note) - 20) || 'AAAAAAAAAA' ||
           substr(note, length(note) - 9) where size=2"
verify_fails "corrupted checkpoint signature" "FAIL  checkpoint at size 2: "

# 6. Truncation: the last entry deleted along with its checkpoint row.
LAST=$((NUM - 1))
sql "$DB" "delete from entries where idx=$LAST; delete from checkpoints where size=$NUM"
verify_fails "truncated by SQL"
expect_match "$OUT" "^FAIL  .*verified earlier.* $NUM\b.*removed" "truncated by SQL: verify output"

# 6b. A perfectly consistent rollback: the database as it was one record
#     earlier. Only the checkpoint remembered by the last verify can tell.
cp "$R/.git/custody/last-verified.checkpoint" "$WORK/remembered"
BEFORE="$WORK/before-last.db"
db_snapshot "$R" "$BEFORE"
printf 'more\n' >f5.txt
expect_exit 0 custody -q record --agent claude-code --model m --file f5.txt
expect_exit 0 custody verify
expect_contains "$OUT" "verified: $((NUM + 1)) entries"
db_snapshot "$R" "$PRISTINE"
db_restore "$R" "$BEFORE"
expect_exit 1 custody verify
expect_match "$OUT" "^FAIL  .*verified earlier.* $((NUM + 1))\b.*removed" "rollback: verify output"
# Control: without the remembered checkpoint the rollback is self-consistent,
# which is exactly why verify remembers it.
mv "$R/.git/custody/last-verified.checkpoint" "$WORK/remembered2"
expect_exit 0 custody verify --no-remember
mv "$WORK/remembered2" "$R/.git/custody/last-verified.checkpoint"
db_restore "$R" "$PRISTINE"
NUM=$((NUM + 1))

# 7. The original database verifies again after all this.
expect_exit 0 custody verify
expect_contains "$OUT" "verified: $NUM entries"

# 8. Entries signed by a key that is no longer trusted. A second key is
#    trusted while it signs, then its .pub is removed from .custody/keys.
expect_exit 0 custody keys generate --name intruder --role developer
[[ -f "$R/.custody/keys/intruder.pub" && -f "$CUSTODY_KEY_DIR/intruder.key" ]] ||
  fail "keys generate did not write intruder.pub / intruder.key"
printf 'x\n' >g1.txt
printf 'y\n' >g2.txt
CUSTODY_SIGNING_KEY="$CUSTODY_KEY_DIR/intruder.key" expect_exit 0 custody -q record --agent a --model m --file g1.txt
CUSTODY_SIGNING_KEY="$CUSTODY_KEY_DIR/intruder.key" expect_exit 0 custody -q record --agent a --model m --file g2.txt
expect_exit 0 custody verify --no-remember
rm "$R/.custody/keys/intruder.pub"
expect_exit 1 custody verify
[[ -z "${E2E_VERBOSE:-}" ]] || printf -- "--- untrusted signer\n%s\n" "$OUT"
for i in $NUM $((NUM + 1)); do
  expect_match "$OUT" "^FAIL  entry $i: .*trusted" "untrusted signer: verify output"
done
# Entries signed by the trusted key are not blamed.
expect_not_contains "$OUT" "FAIL  entry 0:"
expect_not_contains "$OUT" "FAIL  entry $((NUM - 1)):"
# custody refuses to sign with the untrusted key from now on.
CUSTODY_SIGNING_KEY="$CUSTODY_KEY_DIR/intruder.key" expect_exit 6 custody -q record --agent a --model m --file g1.txt
expect_one_error_line
expect_contains "$ERR" "is not trusted"
