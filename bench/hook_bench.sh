#!/usr/bin/env bash
# One agent hook invocation (custody hook claude, PostToolUse Edit) in a
# repository whose ledger and working log already hold >= 500 checkpoints.
# Target (issue 3): <= 20 ms median, release build.
#   bench/hook_bench.sh build-release/src/cli/custody [CHECKPOINTS]
set -euo pipefail
BIN=$(realpath "${1:?usage: hook_bench.sh CUSTODY_BINARY [CHECKPOINTS]}")
N=${2:-500}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/custody-hook-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home" CUSTODY_KEY_DIR="$WORK/keys" GIT_CONFIG_GLOBAL=/dev/null
mkdir -p "$HOME"
R="$WORK/repo"
git init -q -b main "$R"
git -C "$R" config user.name Bench && git -C "$R" config user.email b@example.invalid
echo seed >"$R/README" && git -C "$R" add README && git -C "$R" commit -qm seed
"$BIN" -C "$R" init --key-name bench >/dev/null
mkdir -p "$R/src"
common='"session_id":"bench","cwd":"'"$R"'","permission_mode":"default"'
printf '%s' '{'"$common"',"hook_event_name":"SessionStart","model":"claude-sonnet-4-5"}' | "$BIN" -C "$R" hook claude
printf '%s' '{'"$common"',"hook_event_name":"UserPromptSubmit","prompt":"refactor"}' | "$BIN" -C "$R" hook claude
echo "filling: $N checkpoints" >&2
for i in $(seq 1 "$N"); do
  f="$R/src/f$((i % 50)).c"
  printf 'int v%d = %d;\n' "$i" "$i" >>"$f"
  printf '%s' '{'"$common"',"hook_event_name":"PostToolUse","tool_name":"Write","tool_use_id":"w'$i'","tool_input":{"file_path":"'"$f"'","content":"int v'$i' = '$i';\n"}}' |
    "$BIN" -C "$R" hook claude
done
printf 'int edited(void) {\n  return 42;\n}\n' >"$R/src/edit.c"
printf '%s' '{'"$common"',"hook_event_name":"PostToolUse","tool_name":"Edit","tool_use_id":"e1","tool_input":{"file_path":"'"$R"'/src/edit.c","old_string":"return 0;","new_string":"int edited(void) {\n  return 42;\n}"}}' >"$WORK/edit.json"
echo "checkpoints in ledger: $(sqlite3 "$R/.git/custody/ledger.db" 'select count(*) from entries')" >&2
# The shell does the stdin redirection; hyperfine subtracts the shell's own
# start-up time.
hyperfine --warmup 5 --runs "${RUNS:-60}" --export-json "${EXPORT:-$WORK/hook.json}" \
  "$BIN -C $R hook claude <$WORK/edit.json"
echo "checkpoints after: $(sqlite3 "$R/.git/custody/ledger.db" 'select count(*) from entries')" >&2
