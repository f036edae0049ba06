#!/usr/bin/env bash
# Attribution through history rewrites: amend, rebase (reorder, squash,
# fixup, drop, edit) via the post-commit/post-rewrite hooks; cherry-pick and
# merge --squash; a server-side squash made in a clone without hooks, fetched
# back and attributed with `custody attribute`, also in a CI clone that has
# only the fetched notes (no working log).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

PY=$(command -v python3) || fail "needs python3"
mkdir -p "$WORK/bin"
ln -s "$CUSTODY_BIN" "$WORK/bin/custody"
export PATH="$WORK/bin:$PATH"
export GIT_EDITOR=true

R="$WORK/repo"
make_repo "$R"
expect_exit 0 custody -C "$R" init --key-name tester --agents claude
cd "$R"
BASE=$(git rev-parse HEAD)

# ai_write FILE: the agent writes FILE (its current content) via a Write.
ai_write() {
  local p
  p=$("$PY" - "$R" "$1" <<'EOF'
import json, sys
repo, f = sys.argv[1], sys.argv[2]
print(json.dumps({"session_id": "s1", "transcript_path": "/tmp/x", "cwd": repo,
  "hook_event_name": "PostToolUse", "tool_name": "Write", "tool_use_id": "t-" + f,
  "tool_input": {"file_path": repo + "/" + f, "content": open(repo + "/" + f).read()},
  "tool_response": {"success": True}}))
EOF
)
  printf '%s' "$p" | custody hook claude >/dev/null || fail "hook for $1"
}
kinds() {  # kinds FILE [REV]: blame kinds of FILE's lines, space-separated
  custody blame "$1" --json | "$PY" -c 'import json,sys; print(" ".join(r["kind"] for r in json.load(sys.stdin)))'
}
# Every commit of BASE..HEAD has a recorded attribution equal to what a
# recomputation by content gives (the hooks did their job).
all_attributed() {
  local c
  for c in $(git rev-list "$BASE..HEAD"); do
    run custody attribute --dry-run --json "$c"
    [[ "$RC" == 0 && "$OUT" == *'"state": "unchanged"'* ]] || {
      _last_run
      fail "$1: commit $c has no matching attribution"
    }
  done
}
commit() { git commit -q "$@" 2>"$WORK/c.err" || { cat "$WORK/c.err"; fail "git commit $*"; }; }

printf 'def alpha():\n    return "alpha value"\n' >a.py
ai_write a.py
git add a.py && commit -m "A: alpha"
A=$(git rev-parse HEAD)
printf 'def beta():\n    return "beta value"\n' >b.py
ai_write b.py
git add b.py && commit -m "B: beta"
printf 'notes written by a person\n' >h.txt
git add h.txt && commit -m "H: human"
all_attributed "linear history"
expect_eq "$(kinds a.py)" "ai ai" "a.py"
expect_eq "$(kinds h.txt)" "human" "h.txt"

# --- amend -------------------------------------------------------------------
printf 'a second human line\n' >>h.txt
git add h.txt && commit --amend --no-edit
all_attributed "amend"
expect_eq "$(kinds h.txt)" "human human" "h.txt after amend"

# --- rebase: reorder ----------------------------------------------------------
seq_edit() { GIT_SEQUENCE_EDITOR="$PY -c \"$1\"" git rebase -q -i "$2" >/dev/null 2>"$WORK/r.err" || { cat "$WORK/r.err"; fail "rebase"; }; }
# reverse the todo list
seq_edit "import sys; p=sys.argv[1]; l=[x for x in open(p) if x.strip() and not x.startswith('#')]; open(p,'w').write(''.join(reversed(l)))" "$BASE"
expect_eq "$(git log --format=%s "$BASE..HEAD" | tr '\n' '|')" "A: alpha|B: beta|H: human|" "order after reorder"
all_attributed "rebase reorder"
expect_eq "$(kinds a.py) / $(kinds b.py)" "ai ai / ai ai" "after reorder"

# --- fixup (autosquash) -------------------------------------------------------
A=$(git log --format=%H --grep '^A: alpha' -1)
printf '\ndef alpha2():\n    return "alpha two"\n' >>a.py
ai_write a.py
git add a.py && commit --fixup="$A"
GIT_SEQUENCE_EDITOR=true git rebase -q -i --autosquash "$BASE" 2>"$WORK/r.err" || { cat "$WORK/r.err"; fail "autosquash"; }
expect_eq "$(git rev-list --count "$BASE..HEAD")" 3 "commits after fixup"
all_attributed "fixup"
expect_eq "$(kinds a.py)" "ai ai blank ai ai" "a.py after fixup"

# --- squash two commits ---------------------------------------------------------
seq_edit "import sys; p=sys.argv[1]; l=[x for x in open(p) if x.strip() and not x.startswith('#')]; l[1]=l[1].replace('pick','squash',1); open(p,'w').write(''.join(l))" "$BASE"
expect_eq "$(git rev-list --count "$BASE..HEAD")" 2 "commits after squash"
all_attributed "squash"
expect_eq "$(kinds a.py) / $(kinds b.py) / $(kinds h.txt)" "ai ai blank ai ai / ai ai / human human" "after squash"

# --- edit: stop at the AI commit, a human changes one of its lines -----------
seq_edit "import sys; p=sys.argv[1]; l=[x for x in open(p) if x.strip() and not x.startswith('#')]; l=[x.replace('pick','edit',1) if 'A: alpha' in x else x for x in l]; open(p,'w').write(''.join(l))" "$BASE"
sed -i 's/    return "alpha value"/    return "alpha value, checked"/' a.py
git add a.py && commit --amend --no-edit
git rebase --continue >/dev/null 2>"$WORK/r.err" || { cat "$WORK/r.err"; fail "rebase --continue"; }
all_attributed "edit"
expect_eq "$(kinds a.py)" "ai ai-edited blank ai ai" "a.py after edit"

# --- drop -----------------------------------------------------------------------
printf 'def gamma():\n    return "gamma value"\n' >g.py
ai_write g.py
git add g.py && commit -m "G: gamma"
seq_edit "import sys; p=sys.argv[1]; l=[x for x in open(p) if x.strip() and not x.startswith('#')]; l=[x.replace('pick','drop',1) if 'G: gamma' not in x and 'A: alpha' not in x else x for x in l]; open(p,'w').write(''.join(l))" "$BASE"
expect_eq "$(git log --format=%s "$BASE..HEAD" | tr '\n' '|')" "G: gamma|A: alpha|" "after drop"
all_attributed "drop"
expect_eq "$(kinds g.py)" "ai ai" "g.py after drop"

# --- cherry-pick ------------------------------------------------------------------
G=$(git rev-parse HEAD)
git checkout -q -b other "$BASE"
git cherry-pick "$G" >/dev/null 2>&1 || fail "cherry-pick"
expect_eq "$(kinds g.py)" "ai ai" "g.py after cherry-pick"
expect_exit 0 custody attribute --json HEAD
expect_contains "$OUT" '"state": "unchanged"' "cherry-pick attributed"

# --- merge --squash -----------------------------------------------------------------
git checkout -q main
git checkout -q -b feat
printf 'def delta():\n    return "delta value"\n' >d.py
ai_write d.py
git add d.py && commit -m "D: delta"
printf 'human readme line\n' >README
git add README && commit -m "docs"
git checkout -q main
git merge -q --squash feat >/dev/null
commit -m "squash of feat"
expect_eq "$(kinds d.py) / $(kinds README)" "ai ai / human" "merge --squash"

# --- a server-side squash: made in a clone without hooks ----------------------------
S="$WORK/server.git"
git init -q --bare "$S"
git remote add origin "$S"
git push -q origin main feat refs/notes/custody 2>/dev/null
W="$WORK/web"
git clone -q "$S" "$W"
git -C "$W" config user.name "Forge"
git -C "$W" config user.email "forge@example.invalid"
git checkout -q feat
printf 'def epsilon():\n    return "epsilon value"\n' >e.py
ai_write e.py
git add e.py && commit -m "E: epsilon"
git push -q origin feat
git checkout -q main
git -C "$W" fetch -q origin
git -C "$W" checkout -q main
git -C "$W" merge -q --squash origin/feat >/dev/null
git -C "$W" commit -q -m "Squash merge of feat (#1)"
[[ ! -e "$W/.git/hooks/post-commit" ]] || fail "the forge clone must have no hooks"
git -C "$W" push -q origin main
git fetch -q origin
SQ=$(git rev-parse origin/main)
run custody attribute --json "$SQ"
expect_contains "$OUT" '"state": "recorded"' "server-side squash attributed"
git merge -q --ff-only origin/main
expect_eq "$(kinds e.py)" "ai ai" "e.py from the server-side squash"

# --- CI: a fresh clone with only the fetched notes, no working log ------------------
git push -q origin main refs/notes/custody 2>/dev/null || true
CI="$WORK/ci"
git clone -q "$S" "$CI"
cp -r "$R/.custody" "$CI/.custody"   # trusted keys are committed in real use
git -C "$CI" config user.name CI
git -C "$CI" config user.email ci@example.invalid
expect_exit 0 custody -C "$CI" init --key-name ci-runner --role ci
git -C "$CI" fetch -q origin
[[ ! -e "$CI/.git/custody/worklog.db" ]] || fail "the CI clone must have no working log"
# A commit made in CI that carries the AI lines of e.py (as a server-side
# squash would): recomputed from the attribution notes of earlier commits.
cp "$R/e.py" "$CI/e2.py"
git -C "$CI" add e2.py
git -C "$CI" commit -q -m "server-side squash of e.py copy"
run custody -C "$CI" attribute --dry-run --json HEAD
expect_contains "$OUT" '"ai": 2' "CI recomputation from fetched notes"
