#!/usr/bin/env bash
# Concurrency: several custody processes appending at once lose nothing,
# duplicate nothing and leave a ledger (and git notes) that verify.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

PROCS=${E2E_CONC_PROCS:-8}
EACH=${E2E_CONC_EACH:-25}

R="$WORK/repo"
make_custody_repo "$R"
cd "$R"
for ((p = 1; p <= PROCS; p++)); do printf 'writer %s\n' "$p" >"w$p.txt"; done
# One record before the race, so "new" entries are counted from a non-empty log.
expect_exit 0 custody -q record --agent setup --model m --file a.txt
BEFORE=$(entry_count "$R")

# writer P: EACH records, ids to ids.P, failures (with stderr) to fail.P.
writer() {
  local p=$1 i id
  for ((i = 1; i <= EACH; i++)); do
    if id=$(custody -q record --agent "writer-$p" --model m --prompt "w$p r$i" --file "w$p.txt" \
      2>>"$WORK/err.$p"); then
      printf '%s\n' "$id" >>"$WORK/ids.$p"
    else
      printf 'record %s exited %s\n' "$i" "$?" >>"$WORK/fail.$p"
    fi
  done
}

# Start all writers behind one gate so they really begin together.
mkfifo "$WORK/gate"
pids=()
for ((p = 1; p <= PROCS; p++)); do
  (read -r _ <"$WORK/gate"; writer "$p") &
  pids+=($!)
  track_pid "$!"
done
# Opening the fifo for writing releases every reader at once. All lines go
# in one write: with one write per line, a released reader that closes
# the fifo before the next write can leave no reader, and the write then
# dies of SIGPIPE (seen once on a loaded machine).
open_gate() {
  local lines
  lines=$(printf 'go\n%.0s' $(seq "$PROCS"))
  (trap '' PIPE; printf '%s\n' "$lines" >"$WORK/gate") || true
}
open_gate
for pid in "${pids[@]}"; do wait "$pid"; done

shopt -s nullglob
failures=("$WORK"/fail.*)
if ((${#failures[@]} > 0)); then
  cat "$WORK"/fail.* "$WORK"/err.* >&2
  fail "some concurrent records failed"
fi
cat "$WORK"/ids.* >"$WORK/all.ids"
expect_eq "$(wc -l <"$WORK/all.ids")" "$((PROCS * EACH))" "ids printed by the writers"
expect_eq "$(sort -u "$WORK/all.ids" | wc -l)" "$((PROCS * EACH))" "distinct ids"
expect_eq "$(entry_count "$R")" "$((BEFORE + PROCS * EACH))" "entries after the race"

# Every id is in the ledger (log --json), exactly once.
expect_exit 0 custody log --json
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" "$((BEFORE + PROCS * EACH))" "log --json lines"
grep -o '"id":"[0-9a-f]*"' <<<"$OUT" | cut -d'"' -f4 | sort >"$WORK/logged.ids"
sort "$WORK/all.ids" >"$WORK/all.sorted"
expect_eq "$(comm -23 "$WORK/all.sorted" "$WORK/logged.ids" | wc -l)" 0 "printed ids missing from the log"
expect_eq "$(sort -u "$WORK/logged.ids" | wc -l)" "$((BEFORE + PROCS * EACH))" "distinct ids in the log"
# Each writer's entries are all there (the per-file index too).
expect_exit 0 custody log --file w3.txt --json
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" "$EACH" "entries for w3.txt"

expect_exit 0 custody verify
expect_contains "$OUT" "verified: $((BEFORE + PROCS * EACH)) entries, $((BEFORE + PROCS * EACH)) signatures"
expect_eq "$(sql "$(ledger_db "$R")" 'select count(*), min(idx), max(idx) from entries')" \
  "$((BEFORE + PROCS * EACH))|0|$((BEFORE + PROCS * EACH - 1))" "entry indices"

# Concurrent records that each append to the git note on HEAD: none of the
# note lines may be lost to a lost update of refs/notes/custody.
NOTED_BEFORE=$({ git notes --ref=custody show HEAD 2>/dev/null || true; } | wc -l)
rm -f "$WORK"/ids.* "$WORK"/err.* "$WORK/gate"
mkfifo "$WORK/gate"
pids=()
for ((p = 1; p <= PROCS; p++)); do
  (
    read -r _ <"$WORK/gate"
    if id=$(custody -q record --agent "noter-$p" --model m 2>>"$WORK/err.$p"); then
      printf '%s\n' "$id" >"$WORK/ids.$p"
    else
      printf 'exit %s\n' "$?" >>"$WORK/fail.$p"
    fi
  ) &
  pids+=($!)
  track_pid "$!"
done
open_gate
for pid in "${pids[@]}"; do wait "$pid"; done
failures=("$WORK"/fail.*)
if ((${#failures[@]} > 0)); then
  cat "$WORK"/fail.* "$WORK"/err.* >&2
  fail "some concurrent note-writing records failed"
fi

NOTE=$(git notes --ref=custody show HEAD)
expect_eq "$(printf '%s\n' "$NOTE" | wc -l)" "$((NOTED_BEFORE + PROCS))" "lines in the HEAD note"
for ((p = 1; p <= PROCS; p++)); do
  id=$(<"$WORK/ids.$p")
  is_hex64 "$id" || fail "noter $p printed '$id'"
  # The note line is the ledger's envelope byte for byte.
  env=$(sql "$(ledger_db "$R")" "select cast(envelope as text) from entries where id='$id'")
  [[ -n "$env" ]] || fail "entry $id is not in the ledger"
  grep -qxF -- "$env" <<<"$NOTE" || fail "the envelope of $id is not a line of the HEAD note"
done
expect_exit 0 custody verify
expect_contains "$OUT" "$((NOTED_BEFORE + PROCS)) note envelopes on 1 commits"
