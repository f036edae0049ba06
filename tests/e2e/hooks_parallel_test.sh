#!/usr/bin/env bash
# Parallel tool uses: 8 hook processes at once (PostToolUse Write of 8
# files, plus their PreToolUse) lose no record: 8 ledger entries, 8
# checkpoints and every line in the working log, and verify passes.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

R="$WORK/repo"
make_custody_repo "$R"
mkdir -p "$R/src"
common='"session_id":"par","cwd":"'"$R"'","permission_mode":"default"'
printf '%s' '{'"$common"',"hook_event_name":"SessionStart","model":"claude-opus-4-1"}' |
  custody -C "$R" hook claude || fail "SessionStart"

for round in 1 2; do
  pids=()
  for i in 1 2 3 4 5 6 7 8; do
    f="$R/src/f${round}_$i.py"
    printf 'v%s_%s = %s\nw%s_%s = 0\n' "$round" "$i" "$i" "$round" "$i" >"$f"
    payload='{'"$common"',"hook_event_name":"PostToolUse","tool_name":"Write","tool_use_id":"t'$round$i'","tool_input":{"file_path":"'"$f"'","content":"v'${round}_$i' = '$i'\nw'${round}_$i' = 0\n"}}'
    (printf '%s' "$payload" | custody -C "$R" hook claude >"$WORK/out.$round.$i" 2>&1; echo $? >"$WORK/rc.$round.$i") &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  for i in 1 2 3 4 5 6 7 8; do
    expect_eq "$(cat "$WORK/rc.$round.$i")" 0 "hook $round.$i exit"
  done
done
expect_eq "$(entry_count "$R")" 16 "ledger entries"
wl() { sqlite3 -cmd '.timeout 5000' "$R/.git/custody/worklog.db" "$1"; }
expect_eq "$(wl 'select count(*) from checkpoints')" 16 "working log checkpoints"
expect_eq "$(wl 'select count(*) from lines')" 32 "working log lines"
[[ ! -s "$R/.git/custody/gaps.jsonl" ]] || { cat "$R/.git/custody/gaps.jsonl"; fail "gaps recorded"; }
expect_exit 0 custody -C "$R" verify
echo "hooks_parallel: ok"
