#!/usr/bin/env bash
# Bad input: each broken file, key or argument gets the documented exit code
# and exactly one stderr line "custody: <subject>: <problem>" naming what is
# wrong; nothing crashes and nothing already recorded changes.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

R="$WORK/repo"
make_custody_repo "$R"
cd "$R"
DB=$(ledger_db "$R")
for i in 1 2 3; do
  printf 'v%s\n' "$i" >"f$i.txt"
  expect_exit 0 custody -q record --agent a --model m --file "f$i.txt"
done
expect_exit 0 custody -q record --agent a --model m # about HEAD: writes a note
expect_exit 0 custody verify
COUNT=$(entry_count "$R")
expect_eq "$COUNT" 4 "entries"

# state: a digest of what an error must leave alone: the ledger directory,
# .custody/ (keys, policy), the private keys and the notes ref.
state() {
  {
    find "$R/.git/custody" "$R/.custody" "$CUSTODY_KEY_DIR" -type f -print0 | sort -z |
      xargs -0 sha256sum
    git -C "$R" rev-parse -q --verify refs/notes/custody || true
  } | sha256sum
}
BASE=$(state) # re-taken wherever the test itself changes those files

# expect_error CODE NEEDLE CMD...: CMD exits CODE with one stderr line
# "custody: ..." containing NEEDLE, prints nothing on stdout, and leaves
# state() as it was ($BASE).
expect_error() {
  local code=$1 needle=$2
  shift 2
  expect_exit "$code" "$@"
  expect_one_error_line
  expect_contains "$ERR" "$needle" "stderr of: $*"
  expect_eq "$OUT" "" "stdout of: $*"
  expect_eq "$(state)" "$BASE" "files after: $*"
}

# --- command line ----------------------------------------------------------
expect_error 2 "--bogus" custody log --bogus
expect_error 2 "--frobnicate" custody record --agent a --model m --frobnicate
expect_error 2 "--model" custody record --agent a
expect_error 2 "emperor" custody keys generate --name x --role emperor
expect_error 2 "frob" custody frob
expect_error 2 "not a custody keys command" custody keys frob
expect_error 3 "zzzz" custody show zzzz
expect_error 3 "#x" custody show '#x'
expect_error 5 "abcdef12" custody show abcdef12
expect_error 5 "entry 99" custody show '#99'
expect_error 3 "2026-13-45" custody log --since 2026-13-45

# --- signing keys ------------------------------------------------------------
expect_error 5 "/nonexistent/custody.key" \
  env CUSTODY_SIGNING_KEY=/nonexistent/custody.key "$CUSTODY_BIN" record --agent a --model m --file f1.txt
KEY="$CUSTODY_KEY_DIR/tester.key"
[[ "$(stat -c %a "$KEY")" == 600 ]] || fail "init wrote the private key with mode $(stat -c %a "$KEY")"
chmod 644 "$KEY"
expect_error 6 "chmod 600" custody record --agent a --model m --file f1.txt
expect_contains "$ERR" "$KEY"
chmod 600 "$KEY"
printf 'this is not a key\n' >"$WORK/garbage.key"
chmod 600 "$WORK/garbage.key"
expect_error 3 "$WORK/garbage.key" \
  env CUSTODY_SIGNING_KEY="$WORK/garbage.key" "$CUSTODY_BIN" record --agent a --model m --file f1.txt
head -c 300 /dev/urandom >"$WORK/binary.key"
chmod 600 "$WORK/binary.key"
expect_error 3 "$WORK/binary.key" \
  env CUSTODY_SIGNING_KEY="$WORK/binary.key" "$CUSTODY_BIN" record --agent a --model m --file f1.txt
# A broken trusted-key file is named too.
printf '{"name": "broken", ' >"$R/.custody/keys/broken.pub"
BASE=$(state)
expect_error 4 "broken.pub" custody record --agent a --model m --file f1.txt
rm "$R/.custody/keys/broken.pub"
BASE=$(state)

# --- record arguments ---------------------------------------------------------
expect_error 5 "nope.txt" custody record --agent a --model m --file nope.txt
expect_error 3 "outside the work tree" custody record --agent a --model m --file /etc/hostname
expect_error 5 "$WORK/no-prompt.txt" custody record --agent a --model m --prompt-file "$WORK/no-prompt.txt" --file f1.txt

# --- policy.toml ---------------------------------------------------------------
cp .custody/policy.toml "$WORK/policy.good"
printf '[prompts\nstorage = "full"\n' >.custody/policy.toml
BASE=$(state)
expect_error 3 "policy.toml:1:" custody record --agent a --model m --file f1.txt
expect_match "$ERR" "policy\.toml:[0-9]+:[0-9]+: " "policy error position"
printf '[prompts]\nstorage = "everything"\n' >.custody/policy.toml
BASE=$(state)
expect_error 3 "policy.toml:2:" custody record --agent a --model m --file f1.txt
expect_contains "$ERR" "storage"
printf '\x00\x01\x02 binary \xff\xfe' >.custody/policy.toml
BASE=$(state)
expect_error 3 "policy.toml" custody record --agent a --model m --file f1.txt
cp "$WORK/policy.good" .custody/policy.toml
BASE=$(state)
expect_eq "$(entry_count "$R")" "$COUNT" "entries after the refused records"

# --- outside a repository, before init --------------------------------------------
mkdir -p "$WORK/plain"
expect_error 5 "not a git repository" custody -C "$WORK/plain" log
expect_error 5 "not a git repository" custody -C "$WORK/plain" record --agent a --model m
expect_error 5 "not a git repository" custody -C "$WORK/plain" verify
make_repo "$WORK/fresh"
for args in "record --agent a --model m --file a.txt" "log" "verify" "show #0"; do
  # shellcheck disable=SC2086
  expect_error 5 "run custody init" custody -C "$WORK/fresh" $args
done
[[ ! -e "$WORK/fresh/.git/custody" && ! -e "$WORK/fresh/.custody" ]] ||
  fail "commands before init created custody files"

# --- a truncated envelope in the database ------------------------------------------
PRISTINE="$WORK/pristine.db"
db_snapshot "$R" "$PRISTINE"
sql "$DB" "update entries set envelope = substr(envelope, 1, 200) where idx=2"
BASE=$(state)
expect_exit 1 custody verify
expect_match "$OUT" "^FAIL  entry 2: " "verify output"
expect_not_contains "$OUT" "FAIL  entry 1:"
expect_not_contains "$OUT" "FAIL  entry 3:"
# Listing still works and marks it; show names it as damaged.
expect_exit 0 custody log
expect_match "$OUT" "^#2 .*undecodable" "log of a damaged entry"
expect_error 4 "entry 2" custody show '#2'
expect_exit 0 custody show '#1'
db_restore "$R" "$PRISTINE"
expect_exit 0 custody verify

# --- a corrupt database file -----------------------------------------------------------
rm -f "$DB-wal" "$DB-shm"
head -c 8192 /dev/urandom >"$DB"
BASE=$(state)
JUNK=$(sha256sum "$DB")
for args in "verify" "log" "record --agent a --model m --file f1.txt" "show #0"; do
  # shellcheck disable=SC2086
  expect_error 4 "$DB" custody $args
  expect_eq "$(sha256sum "$DB")" "$JUNK" "junk database after custody $args"
done
# A database cut in half (a real SQLite header, missing pages).
SIZE=$(stat -c %s "$PRISTINE")
head -c $((SIZE / 2)) "$PRISTINE" >"$DB"
BASE=$(state)
HALF=$(sha256sum "$DB")
for args in "verify" "log" "record --agent a --model m --file f1.txt"; do
  # shellcheck disable=SC2086
  expect_error 4 "$DB" custody $args
  expect_eq "$(sha256sum "$DB")" "$HALF" "truncated database after custody $args"
done
db_restore "$R" "$PRISTINE"
expect_exit 0 custody verify
expect_contains "$OUT" "verified: $COUNT entries"
