# Shared helpers for the end-to-end tests of the custody binary.
#
# Source it from a test script that was started as `bash foo_test.sh CUSTODY`:
#
#   . "$(dirname "$0")/lib.sh" "$@"
#
# It gives the script a private scratch directory ($WORK), removed on exit
# together with any background processes registered with track_pid; a private
# HOME (so neither ~/.config/custody nor the user's git config is touched or
# read); CUSTODY_KEY_DIR under $WORK; and the assertion helpers below. Every
# assertion prints what it saw and exits 1 on failure, so a test fails at the
# first broken promise.

set -euo pipefail

if [[ $# -lt 1 || ! -x "$1" ]]; then
  echo "usage: $0 PATH/TO/custody" >&2
  exit 2
fi
CUSTODY_BIN=$(realpath "$1")
for tool in git sqlite3 sha256sum; do
  command -v "$tool" >/dev/null || { echo "$0: needs $tool" >&2; exit 1; }
done
TEST_NAME=$(basename "$0" .sh)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/custody-e2e-$TEST_NAME.XXXXXX")
_TRACKED_PIDS=()

# Kills what the test started (by process group where it has one) and removes
# the scratch directory, whatever way the script ends.
_cleanup() {
  local rc=$?
  local pid
  for pid in "${_TRACKED_PIDS[@]:-}"; do
    [[ -n "$pid" ]] || continue
    kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [[ $rc -ne 0 && -n "${E2E_KEEP:-}" ]]; then
    echo "kept $WORK for inspection" >&2
  else
    chmod -R u+rwX "$WORK" 2>/dev/null || true
    rm -rf "$WORK"
  fi
  if [[ $rc -eq 0 ]]; then echo "PASS  $TEST_NAME"; else echo "FAIL  $TEST_NAME (exit $rc)"; fi
  exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# Remembers a background process (ideally a process-group leader started with
# `setsid` or under `set -m`) so cleanup kills it and its group.
track_pid() { _TRACKED_PIDS+=("$1"); }

# Isolation from the machine: no real home, no global or system git config.
export HOME="$WORK/home"
mkdir -p "$HOME"
unset XDG_CONFIG_HOME CUSTODY_SIGNING_KEY GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL=/dev/null
export CUSTODY_KEY_DIR="$WORK/keys"
export LC_ALL=C
export TZ=UTC

# ---------------------------------------------------------------------------
# Running custody

# custody ARGS...: the binary under test.
custody() { "$CUSTODY_BIN" "$@"; }

# run CMD...: runs CMD without tripping `set -e`; leaves its exit code in RC,
# its stdout in OUT and its stderr in ERR.
RC=0
OUT=""
ERR=""
run() {
  local o="$WORK/.run.out" e="$WORK/.run.err"
  set +e
  "$@" >"$o" 2>"$e"
  RC=$?
  set -e
  OUT=$(<"$o")
  ERR=$(<"$e")
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Shows the last run's output, for failure messages.
_last_run() {
  printf -- '--- exit %s\n--- stdout:\n%s\n--- stderr:\n%s\n---\n' "$RC" "$OUT" "$ERR" >&2
}

# expect_exit CODE CMD...: runs CMD and fails unless it exits with CODE.
expect_exit() {
  local want=$1
  shift
  run "$@"
  if [[ "$RC" != "$want" ]]; then
    _last_run
    fail "expected exit $want, got $RC from: $*"
  fi
}

# expect_contains TEXT NEEDLE [WHAT]: TEXT contains NEEDLE (fixed string).
expect_contains() {
  if [[ "$1" != *"$2"* ]]; then
    printf -- '--- in:\n%s\n---\n' "$1" >&2
    fail "${3:-output} does not contain: $2"
  fi
}

# expect_not_contains TEXT NEEDLE [WHAT]
expect_not_contains() {
  if [[ "$1" == *"$2"* ]]; then
    printf -- '--- in:\n%s\n---\n' "$1" >&2
    fail "${3:-output} unexpectedly contains: $2"
  fi
}

# expect_match TEXT REGEX [WHAT]: some line of TEXT matches the extended REGEX.
expect_match() {
  if ! grep -qE -- "$2" <<<"$1"; then
    printf -- '--- in:\n%s\n---\n' "$1" >&2
    fail "${3:-output} has no line matching: $2"
  fi
}

# expect_eq GOT WANT [WHAT]
expect_eq() {
  [[ "$1" == "$2" ]] || fail "${3:-value}: got '$1', want '$2'"
}

# Deferred checks, for known product bugs: check_later MESSAGE reports a
# failed check but lets the test go on, so one bug does not hide the checks
# after it; finish_checks (call it last) fails the test if any were reported.
_DEFERRED=()
check_later() {
  echo "FAIL (deferred): $*" >&2
  _DEFERRED+=("$*")
}
finish_checks() {
  ((${#_DEFERRED[@]} == 0)) || fail "${#_DEFERRED[@]} deferred check(s) failed (see above)"
}

# expect_one_error_line: the last run's stderr is exactly one line, starting
# "custody: " (the CLI's error contract).
expect_one_error_line() {
  local n
  n=$(wc -l <"$WORK/.run.err")
  if [[ "$n" != 1 || "$ERR" != "custody: "* || "$ERR" == *$'\n'* ]]; then
    _last_run
    fail "stderr should be exactly one line starting 'custody: ' (got $n lines)"
  fi
}

# ---------------------------------------------------------------------------
# Repositories

# make_repo DIR: a git repository with a user, one commit and one file
# (a.txt). Prints nothing.
make_repo() {
  local dir=$1
  mkdir -p "$dir"
  git -C "$dir" init -q -b main
  git -C "$dir" config user.name "E2E Tester"
  git -C "$dir" config user.email "e2e@example.invalid"
  git -C "$dir" config commit.gpgsign false
  printf 'int main() { return 0; }\n' >"$dir/a.txt"
  git -C "$dir" add a.txt
  git -C "$dir" commit -q -m "initial"
}

# make_custody_repo DIR: make_repo plus `custody init` (key "tester"),
# without the policy event init records by default, so the ledger starts
# empty and tests count and index only their own entries (policy_test.sh
# covers init's adoption).
make_custody_repo() {
  make_repo "$1"
  expect_exit 0 custody -C "$1" init --key-name tester --no-adopt
}

# ledger_db REPO: the path of the ledger database of REPO.
ledger_db() { printf '%s/.git/custody/ledger.db' "$1"; }

# sql DB QUERY: runs QUERY with the sqlite3 CLI (waits for locks).
sql() { sqlite3 -cmd '.timeout 5000' "$1" "$2"; }

# entry_count REPO: rows in the entries table.
entry_count() { sql "$(ledger_db "$1")" 'select count(*) from entries'; }

# db_snapshot REPO FILE: a consistent copy of the ledger (no process may be
# writing; sqlite's .backup also folds in any WAL content).
db_snapshot() { sql "$(ledger_db "$1")" ".backup '$2'"; }

# db_restore REPO FILE: puts a snapshot back, dropping any WAL/SHM left over.
db_restore() {
  local db
  db=$(ledger_db "$1")
  rm -f "$db-wal" "$db-shm"
  cp "$2" "$db"
}

# is_hex64 S: S is 64 lowercase hex digits.
is_hex64() { [[ "$1" =~ ^[0-9a-f]{64}$ ]]; }
