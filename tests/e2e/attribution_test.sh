#!/usr/bin/env bash
# Attribution without checkpoints (agent trailers/authors -> ai-unverified)
# and interop: git-ai authorship/3.0.0 notes on refs/notes/ai and Agent
# Trace records, exported from one repository and imported into another.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

PY=$(command -v python3) || fail "needs python3"
R="$WORK/repo"
make_custody_repo "$R"
cd "$R"
kinds() { custody blame "$1" --json | "$PY" -c 'import json,sys; print(" ".join(r.get("agent","-")+":"+r["kind"] for r in json.load(sys.stdin)))'; }

# --- agents named only by commit metadata ------------------------------------
printf 'aider wrote this\n' >aider.txt
git add aider.txt
GIT_AUTHOR_NAME="E2E Tester (aider)" GIT_COMMITTER_NAME="E2E Tester (aider)" git commit -q -m "aider change"
expect_exit 0 custody attribute HEAD
expect_contains "$OUT" "recorded" "aider attribution"
expect_contains "$OUT" "(unverified: aider)" "aider named"
printf 'copilot wrote this\n' >copilot.txt
git add copilot.txt
git commit -q -m $'copilot change\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>'
expect_exit 0 custody attribute HEAD
expect_contains "$OUT" "(unverified: github-copilot)" "copilot named"
printf 'claude wrote this\n' >claude.txt
git add claude.txt
git commit -q -m $'claude change\n\n\xf0\x9f\xa4\x96 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>'
C3=$(git rev-parse HEAD)
expect_exit 0 custody attribute HEAD
expect_contains "$OUT" "(unverified: claude-code)" "claude named"
printf 'a person wrote this\n' >human.txt
git add human.txt
git commit -q -m $'human change\n\nCo-authored-by: Bob <bob@example.invalid>'
expect_exit 0 custody attribute HEAD
expect_not_contains "$OUT" "(unverified:" "a human co-author"
expect_eq "$(kinds aider.txt)|$(kinds copilot.txt)|$(kinds human.txt)" \
  "aider:ai-unverified|github-copilot:ai-unverified|-:human" "blame of unverified lines"
expect_exit 0 custody stats --json
expect_contains "$OUT" '"aider (unverified)"' "stats by agent"

# --- git-ai notes: export, then import into a clone ----------------------------
expect_exit 0 custody interop export --format git-ai "$C3"
NOTE=$OUT
expect_contains "$NOTE" "claude.txt" "git-ai note path"
expect_contains "$NOTE" '"schema_version": "authorship/3.0.0"' "git-ai schema"
expect_contains "$NOTE" '"tool": "claude"' "git-ai tool"
expect_exit 0 custody -q interop export --format git-ai --write-notes HEAD~3..HEAD
expect_eq "$(git notes --ref=ai show "$C3")" "$NOTE" "note on refs/notes/ai"

C="$WORK/clone"
git clone -q "$R" "$C"
git -C "$C" config user.name Importer
git -C "$C" config user.email imp@example.invalid
git -C "$C" fetch -q origin 'refs/notes/ai:refs/notes/ai'
expect_exit 0 custody -C "$C" init --key-name importer
expect_exit 0 custody -C "$C" interop import --format git-ai HEAD~3..HEAD
expect_contains "$OUT" "imported" "git-ai import"
expect_eq "$(custody -C "$C" blame claude.txt --json | "$PY" -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["agent"], r["kind"])')" \
  "claude-code ai" "blame after git-ai import"
# Round trip: exporting the imported attribution gives the same note back.
expect_exit 0 custody -C "$C" interop export --format git-ai "$C3"
expect_eq "$OUT" "$NOTE" "git-ai round trip"
# A malformed note is named, not crashed on.
git -C "$C" notes --ref=ai add -f 2>/dev/null -m $'claude.txt\n  zz 1\n---\n{}' "$C3"
expect_exit 3 custody -C "$C" interop import --format git-ai "$C3"
expect_contains "$ERR" "git-ai note: line 2: unknown key form" "bad note"

# --- Agent Trace -----------------------------------------------------------------
expect_exit 0 custody interop export --format agent-trace "$C3"
TRACE=$OUT
expect_contains "$TRACE" '"version":"0.1.0"' "trace version"
expect_contains "$TRACE" '"revision":"'"$C3"'"' "trace revision"
printf '%s\n' "$TRACE" >"$WORK/trace.jsonl"
C2="$WORK/clone2"
git clone -q "$R" "$C2"
expect_exit 0 custody -C "$C2" init --key-name importer2
expect_exit 0 custody -C "$C2" interop import --format agent-trace "$WORK/trace.jsonl"
expect_exit 0 custody -C "$C2" stats --json "$C3~1..$C3"
expect_contains "$OUT" '"ai": 1' "imported trace counted"
printf '{"version":"0.1.0"}\n' >"$WORK/bad.json"
expect_exit 3 custody -C "$C2" interop import --format agent-trace "$WORK/bad.json"
expect_contains "$ERR" "agent trace: id: missing" "bad trace"
expect_exit 0 custody verify
