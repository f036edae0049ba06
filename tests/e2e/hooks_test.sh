#!/usr/bin/env bash
# Agent hooks end to end: real payload shapes fed to the real binary.
# Claude Code session (SessionStart -> UserPromptSubmit -> Pre/PostToolUse
# Write, Edit, Bash -> Stop -> SessionEnd), Cursor, Codex, Gemini; forbid_ai
# refusals; unparseable payloads become gaps with exit 0; init --agents
# merges with user hooks and --uninstall restores them byte for byte.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

PY=/usr/bin/python3
[[ -x "$PY" ]] || PY=python3

R="$WORK/repo"
make_custody_repo "$R"
sed -i 's|^# forbid_ai = .*|forbid_ai = ["src/auth/**"]|' "$R/.custody/policy.toml"
sed -i 's|^storage = "digest"|storage = "redacted"|' "$R/.custody/policy.toml"
mkdir -p "$R/src/auth"

# hook AGENT PAYLOAD: custody hook AGENT with PAYLOAD on stdin (RC/OUT/ERR).
hook() {
  run sh -c 'printf "%s" "$1" | "$2" -C "$3" hook "$4"' _ "$2" "$CUSTODY_BIN" "$R" "$1"
}
worklog() { sqlite3 -cmd '.timeout 5000' "$R/.git/custody/worklog.db" "$1"; }
gaps() { cat "$R/.git/custody/gaps.jsonl" 2>/dev/null || true; }
common='"session_id":"sess-1","transcript_path":"/tmp/t.jsonl","cwd":"'"$R"'","permission_mode":"acceptEdits"'

# --- Claude Code session ----------------------------------------------------
hook claude '{'"$common"',"hook_event_name":"SessionStart","source":"startup","model":"claude-sonnet-4-5"}'
expect_eq "$RC" 0 "SessionStart exit"
expect_eq "$OUT" "" "Claude hooks print nothing on stdout"
secret="ghp_$(printf 'A%.0s' {1..36})"
# A database password: no shape of the built-in redactor, so only the
# scanner's secret rules remove it.
dbpass="Tr0ub4dor-and-3"
hook claude '{'"$common"',"hook_event_name":"UserPromptSubmit","prompt":"add a greeting, token '"$secret"', db postgres://app:'"$dbpass"'@db.internal/app"}'
expect_eq "$RC" 0 "UserPromptSubmit exit"
expect_eq "$(entry_count "$R")" 0 "a prompt alone is not a checkpoint"

printf 'def greet():\n    return "hi"\n' >"$R/src/greet.py"
hook claude '{'"$common"',"hook_event_name":"PreToolUse","tool_name":"Write","tool_use_id":"toolu_1","tool_input":{"file_path":"'"$R"'/src/greet.py","content":"def greet():\n    return \"hi\"\n"}}'
expect_eq "$RC" 0 "PreToolUse Write allowed"
hook claude '{'"$common"',"hook_event_name":"PostToolUse","tool_name":"Write","tool_use_id":"toolu_1","tool_input":{"file_path":"'"$R"'/src/greet.py","content":"def greet():\n    return \"hi\"\n"},"tool_response":{"success":true}}'
expect_eq "$RC" 0 "PostToolUse Write"
expect_eq "$(entry_count "$R")" 1 "one checkpoint after Write"

printf 'def greet():\n    return "hello"\n' >"$R/src/greet.py"
hook claude '{'"$common"',"hook_event_name":"PostToolUse","tool_name":"Edit","tool_use_id":"toolu_2","tool_input":{"file_path":"'"$R"'/src/greet.py","old_string":"    return \"hi\"","new_string":"    return \"hello\""}}'
expect_eq "$(entry_count "$R")" 2 "checkpoint after Edit"

cmd="printf 'a = 1\\nb = 2\\n' > src/gen.py"
hook claude '{'"$common"',"hook_event_name":"PreToolUse","tool_name":"Bash","tool_use_id":"toolu_3","tool_input":{"command":"'"$cmd"'"}}'
expect_eq "$RC" 0 "PreToolUse Bash"
printf 'a = 1\nb = 2\n' >"$R/src/gen.py"
hook claude '{'"$common"',"hook_event_name":"PostToolUse","tool_name":"Bash","tool_use_id":"toolu_3","tool_input":{"command":"'"$cmd"'"},"tool_response":{"stdout":""}}'
expect_eq "$(entry_count "$R")" 3 "checkpoint after a Bash write"
hook claude '{'"$common"',"hook_event_name":"Stop","stop_hook_active":false}'
expect_eq "$RC" 0 "Stop"

run custody -C "$R" show "#0" --json
expect_contains "$OUT" '"agent"' "show"
expect_contains "$OUT" 'claude-sonnet-4-5' "model from SessionStart"
expect_contains "$OUT" '"permissionMode"' "permission mode recorded"
expect_contains "$OUT" 'acceptEdits' "permission mode value"
expect_contains "$OUT" '"toolUseId"' "tool use id"
expect_contains "$OUT" '"storage"' "prompt ref"
expect_contains "$OUT" 'redacted' "prompt storage mode"
expect_contains "$OUT" '.custody/policy.toml' "policy digest in force"
expect_not_contains "$OUT" "$secret" "no secret in the statement"
expect_eq "$(worklog "select count(distinct checkpoint_id) from lines")" 3 "working log checkpoints"
expect_eq "$(worklog "select count(*) from lines where path='src/greet.py'")" 3 "greet.py lines (write 2 + edit 1)"
expect_eq "$(worklog "select count(*) from lines where path='src/gen.py'")" 2 "lines the Bash command wrote"
summ=$(worklog "select prompt_summary from checkpoints limit 1")
expect_contains "$summ" "[REDACTED:github-" "prompt summary redacted"
expect_not_contains "$summ" "$secret" "prompt summary"
expect_not_contains "$summ" "$dbpass" "database password redacted by the scanner's rules"
run custody -C "$R" show "#0" --prompt
expect_not_contains "$OUT" "$dbpass" "stored prompt text"
expect_contains "$OUT" "[REDACTED:postgres-url-password]" "stored prompt names the scanner rule"
hook claude '{'"$common"',"hook_event_name":"SessionEnd","reason":"exit"}'
expect_eq "$(ls "$R/.git/custody/sessions/" | grep -c '\.json$' || true)" 0 "session state removed at SessionEnd"

# --- forbid_ai --------------------------------------------------------------
hook claude '{'"$common"',"hook_event_name":"PreToolUse","tool_name":"Edit","tool_input":{"file_path":"'"$R"'/src/auth/login.py","old_string":"a","new_string":"b"}}'
expect_eq "$RC" 2 "Claude refusal exit code"
expect_contains "$ERR" 'forbid_ai constraint "src/auth/**"' "refusal names the constraint"
expect_contains "$ERR" "src/auth/login.py" "refusal names the path"
expect_eq "$(entry_count "$R")" 4 "the refusal is recorded"
run custody -C "$R" show "#3" --json
expect_contains "$OUT" '"refused"' "refusal in the statement"
hook claude '{'"$common"',"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"echo x >> src/auth/keys.py"}}'
expect_eq "$RC" 2 "Bash write into a forbidden path refused"
hook cursor '{"conversation_id":"c1","hook_event_name":"beforeShellExecution","command":"sed -i s/a/b/ src/auth/x.py","cwd":"'"$R"'","workspace_roots":["'"$R"'"]}'
expect_eq "$RC" 0 "Cursor deny exits 0"
expect_contains "$OUT" '"permission":"deny"' "Cursor deny JSON"
expect_contains "$OUT" 'src/auth/**' "Cursor message names the constraint"
hook gemini '{"session_id":"g1","cwd":"'"$R"'","hook_event_name":"BeforeTool","timestamp":"2026-01-01T00:00:00Z","tool_name":"write_file","tool_input":{"file_path":"src/auth/a.ts","content":"x"}}'
expect_eq "$RC" 2 "Gemini refusal exit code"
hook codex '{"session_id":"x1","cwd":"'"$R"'","hook_event_name":"PreToolUse","model":"gpt-5-codex","tool_name":"apply_patch","tool_input":{"command":"*** Begin Patch\n*** Add File: src/auth/n.py\n+x\n*** End Patch\n"}}'
expect_eq "$RC" 2 "Codex refusal exit code"
n_after_refusals=$(entry_count "$R")
expect_eq "$n_after_refusals" 8 "every refusal recorded"

# --- Cursor, Codex, Gemini checkpoints --------------------------------------
hook cursor '{"conversation_id":"c1","hook_event_name":"beforeSubmitPrompt","prompt":"make it faster","workspace_roots":["'"$R"'"]}'
expect_contains "$OUT" '"continue":true' "Cursor prompt response"
printf 'int fast(void);\n' >"$R/src/fast.h"
hook cursor '{"conversation_id":"c1","hook_event_name":"afterFileEdit","file_path":"'"$R"'/src/fast.h","edits":[{"old_string":"","new_string":"int fast(void);"}],"workspace_roots":["'"$R"'"]}'
expect_eq "$RC" 0 "Cursor afterFileEdit"
printf 'print(1)\n' >"$R/src/new.py"
hook codex '{"session_id":"x1","cwd":"'"$R"'","hook_event_name":"PostToolUse","model":"gpt-5-codex","tool_name":"apply_patch","tool_use_id":"call_9","tool_input":{"command":"*** Begin Patch\n*** Add File: src/new.py\n+print(1)\n*** End Patch\n"}}'
printf 'export const g = 1;\n' >"$R/src/g.ts"
hook gemini '{"session_id":"g1","cwd":"'"$R"'","hook_event_name":"BeforeModel","llm_request":{"model":"gemini-2.5-pro"}}'
expect_eq "$OUT" "{}" "Gemini stdout is JSON"
hook gemini '{"session_id":"g1","cwd":"'"$R"'","hook_event_name":"AfterTool","tool_name":"write_file","tool_input":{"file_path":"src/g.ts","content":"export const g = 1;\n"}}'
expect_eq "$(entry_count "$R")" $((n_after_refusals + 3)) "Cursor, Codex, Gemini checkpoints"
run custody -C "$R" log
expect_contains "$OUT" "cursor/" "cursor entry"
expect_contains "$OUT" "codex/gpt-5-codex" "codex entry"
expect_contains "$OUT" "gemini-cli/gemini-2.5-pro" "gemini model from BeforeModel"
expect_eq "$(worklog "select count(*) from lines where path in ('src/fast.h','src/new.py','src/g.ts')")" 3 "their lines"

# --- unparseable payloads ---------------------------------------------------
for bad in 'not json' '{"hook_event_name":"PostToolUse","tool_name":7}' '[]' ''; do
  hook claude "$bad"
  expect_eq "$RC" 0 "bad payload exits 0: $bad"
done
hook cursor '{"hook_event_name":"afterFileEdit"}'
expect_eq "$RC" 0 "cursor bad payload exits 0"
expect_eq "$(gaps | grep -c 'payload not recorded')" 5 "each bad payload is a gap"
expect_not_contains "$(gaps)" "not json" "gaps never quote the payload"
run custody -C "$R" verify
expect_eq "$RC" 0 "ledger verifies after hooks"

# --- init --agents merges; --uninstall restores ------------------------------
U="$WORK/user"
make_repo "$U"
expect_exit 0 custody -C "$U" init --key-name tester2
mkdir -p "$U/.claude" "$U/.cursor"
cat >"$U/.claude/settings.json" <<'EOF'
{
    "permissions": {"allow": ["Bash(ls)"]},
    "hooks": {
        "PostToolUse": [{"matcher": "Write", "hooks": [{"type": "command", "command": "./fmt.sh"}]}]
    }
}
EOF
printf '{"version":1,"hooks":{"afterFileEdit":[{"command":"./lint.sh"}]}}' >"$U/.cursor/hooks.json"
printf '#!/bin/sh\necho user-post-commit >>"$(git rev-parse --git-dir)/user-hook.log"\nexit 0\n' >"$U/.git/hooks/post-commit"
chmod 755 "$U/.git/hooks/post-commit"
cp "$U/.claude/settings.json" "$WORK/claude.orig"
cp "$U/.cursor/hooks.json" "$WORK/cursor.orig"
cp "$U/.git/hooks/post-commit" "$WORK/pc.orig"
expect_exit 0 custody -C "$U" init --agents claude,cursor,codex,gemini
expect_contains "$OUT" "merged" "init reports merges"
"$PY" - "$U" <<'EOF' || fail "merged configuration is wrong"
import json, sys
u = sys.argv[1]
c = json.load(open(u + "/.claude/settings.json"))
post = c["hooks"]["PostToolUse"]
assert post[0]["hooks"][0]["command"] == "./fmt.sh", post        # user's hook first, kept
assert post[1]["hooks"][0]["command"] == "custody hook claude", post
assert c["permissions"] == {"allow": ["Bash(ls)"]}
assert list(c.keys()) == ["permissions", "hooks"]
cur = json.load(open(u + "/.cursor/hooks.json"))
assert cur["hooks"]["afterFileEdit"][0]["command"] == "./lint.sh"
assert cur["hooks"]["afterFileEdit"][1]["command"] == "custody hook cursor"
assert cur["version"] == 1
json.load(open(u + "/.codex/hooks.json")); json.load(open(u + "/.gemini/settings.json"))
EOF
sum1=$(cat "$U/.claude/settings.json" "$U/.cursor/hooks.json" "$U/.git/hooks/post-commit" | sha256sum)
expect_exit 0 custody -C "$U" init --agents claude,cursor,codex,gemini
sum2=$(cat "$U/.claude/settings.json" "$U/.cursor/hooks.json" "$U/.git/hooks/post-commit" | sha256sum)
expect_eq "$sum2" "$sum1" "rerun is idempotent"
expect_contains "$(cat "$U/.git/hooks/post-commit")" "user-post-commit" "user hook kept"
expect_contains "$(cat "$U/.git/hooks/post-commit")" "attribute --hook post-commit" "custody block"
expect_contains "$(cat "$U/.git/hooks/post-rewrite")" 'attribute --hook post-rewrite "$@"' "post-rewrite"
# The chained hook still runs the user's part and never fails the commit,
# whether or not `custody attribute` exists in this build.
echo change >>"$U/a.txt"
git -C "$U" commit -qam "with hooks" || fail "commit failed with hooks installed"
expect_contains "$(cat "$U/.git/user-hook.log")" "user-post-commit" "user hook ran"
expect_exit 0 custody -C "$U" init --uninstall
cmp "$U/.claude/settings.json" "$WORK/claude.orig" || fail ".claude/settings.json not restored"
cmp "$U/.cursor/hooks.json" "$WORK/cursor.orig" || fail ".cursor/hooks.json not restored"
cmp "$U/.git/hooks/post-commit" "$WORK/pc.orig" || fail "post-commit not restored"
[[ ! -e "$U/.git/hooks/post-rewrite" ]] || fail "post-rewrite custody created was not removed"
[[ ! -e "$U/.codex" && ! -e "$U/.gemini" ]] || fail "created agent config not removed"
# core.hooksPath is honoured.
git -C "$U" config core.hooksPath .githooks
expect_exit 0 custody -C "$U" init --agents claude
[[ -x "$U/.githooks/post-commit" ]] || fail "post-commit not installed in core.hooksPath"
expect_exit 0 custody -C "$U" init --uninstall
[[ ! -e "$U/.githooks/post-commit" ]] || fail "core.hooksPath hook not removed"
echo "hooks: ok"
