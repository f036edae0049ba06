#!/usr/bin/env bash
# Commit overhead of custody's post-commit hook (docs/PERFORMANCE.md,
# "Commit overhead of attribution").
#
#   bench/commit_bench.sh PATH/TO/custody [FILES] [CHECKPOINTS] [EXTRA]
#   (env SYN1=N adds N synthetic checkpoints before the first measurement)
#
# Builds, reproducibly (fixed contents, fast-import), a repository of FILES
# (default 100000) files; records CHECKPOINTS (default 500) generation
# checkpoints through the real `custody hook claude` (PostToolUse Write
# payloads, one file of 6 lines each); then measures with hyperfine the
# median of `git commit` of 20 changed files without hooks and with the
# post-commit hook `custody init --agents claude` installed. It then adds
# EXTRA (default 4500) synthetic checkpoints straight into the working log
# (a bench helper: sqlite3 rows in the working log's schema, 6 lines each;
# the hook path reads only the working log) and measures again, to show the
# overhead does not grow with the number of checkpoints.
set -euo pipefail
CUSTODY=$(realpath "$1")
FILES=${2:-100000}
CKPTS=${3:-500}
EXTRA=${4:-4500}
RUNS=${RUNS:-20}
for t in git hyperfine sqlite3 python3; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 1; }; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/custody-commit-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home" CUSTODY_KEY_DIR="$WORK/keys" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
mkdir -p "$HOME" "$WORK/bin"
ln -s "$CUSTODY" "$WORK/bin/custody"
export PATH="$WORK/bin:$PATH"
R="$WORK/repo"
git init -q -b main "$R"
cd "$R"
git config user.name Bench
git config user.email bench@example.invalid
git config commit.gpgsign false

echo "== building $FILES files" >&2
python3 - "$FILES" <<'EOF' | git fast-import --quiet
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
for i in range(n):
    data = b"// file %d\nint value_%d = %d;\n" % (i, i, i)
    out.write(b"blob\nmark :%d\ndata %d\n%s\n" % (i + 1, len(data), data))
out.write(b"commit refs/heads/main\ncommitter Bench <bench@example.invalid> 1700000000 +0000\n")
out.write(b"data 5\nbase\n\n")
for i in range(n):
    out.write(b"M 100644 :%d src/d%03d/f%06d.c\n" % (i + 1, i % 1000, i))
out.write(b"\n")
EOF
git checkout -q -f main
echo "   $(git ls-files | wc -l) files tracked" >&2

custody init --key-name bench --agents claude >/dev/null
echo "== recording $CKPTS checkpoints through custody hook claude" >&2
mkdir -p ai
python3 - "$R" "$CKPTS" >"$WORK/payloads.jsonl" <<'EOF'
import json, sys
repo, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    content = "".join("def f%d_%d():\n    return %d * %d  # generated\n" % (i, k, i, k) for k in range(3))
    print(json.dumps({"session_id": "bench", "transcript_path": "/tmp/x", "cwd": repo,
        "hook_event_name": "PostToolUse", "tool_name": "Write", "tool_use_id": "t%d" % i,
        "tool_input": {"file_path": "%s/ai/gen%04d.py" % (repo, i), "content": content},
        "tool_response": {"success": True}}))
EOF
start=$(date +%s)
i=0
while IFS= read -r p; do
  python3 -c 'import json,sys; p=json.loads(sys.argv[1]); open(p["tool_input"]["file_path"],"w").write(p["tool_input"]["content"])' "$p"
  printf '%s' "$p" | custody hook claude >/dev/null
  i=$((i + 1))
done <"$WORK/payloads.jsonl"
echo "   $(sqlite3 .git/custody/worklog.db 'select count(*) from checkpoints') checkpoints in $(( $(date +%s) - start )) s" >&2
git add ai >/dev/null
git -c core.hooksPath=/dev/null commit -q -m "ai files"

# 20 changed files per commit: 10 AI-written files get a line the agent
# wrote elsewhere (a working-log hit), 10 plain files get a new line.
cat >"$WORK/prepare.sh" <<'EOF'
#!/usr/bin/env bash
set -e
n=$(( $(cat .git/bench-counter 2>/dev/null || echo 0) + 1 ))
echo $n >.git/bench-counter
for k in 0 1 2 3 4 5 6 7 8 9; do
  printf 'def f%d_1():\n' "$(( (n * 10 + k) % 400 ))" >>"ai/gen$(printf %04d $k).py"
  printf 'int extra_%d_%d = 1;\n' "$n" "$k" >>"src/d$(printf %03d $k)/f$(printf %06d $k).c"
done
git add ai src/d00[0-9]
EOF
chmod +x "$WORK/prepare.sh"
git config --local --unset core.hooksPath 2>/dev/null || true

measure() {
  hyperfine -N --style basic --runs "$RUNS" --warmup 3 --export-json "$WORK/$1.json" \
    --prepare "$WORK/prepare.sh" \
    -n "git commit (no hook)" "git -c core.hooksPath=/dev/null commit -q -m bench" \
    -n "git commit + custody post-commit" "git commit -q -m bench" >&2
  python3 - "$WORK/$1.json" "$1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base, hook = r[0]["median"] * 1000, r[1]["median"] * 1000
print("%s: median no hook %.1f ms, with hook %.1f ms, added %.1f ms" % (sys.argv[2], base, hook, hook - base))
EOF
}
add_synthetic() {  # add_synthetic N FIRST
python3 - "$1" "$2" <<'PYEOF' | sqlite3 .git/custody/worklog.db
import hashlib, sys
n, first = int(sys.argv[1]), int(sys.argv[2])
print("BEGIN;")
for i in range(first, first + n):
    cid = hashlib.sha256(b"synthetic %d" % i).hexdigest()
    print("INSERT INTO checkpoints(id, idx, agent, model, session_id, ts, prompt_summary) "
          "VALUES('%s', %d, 'claude-code', 'm', 'synthetic', 1700000000000000000, '');" % (cid, 100000 + i))
    for k in range(6):
        line = ("synthetic line %d of checkpoint %d" % (k, i)).encode()
        print("INSERT INTO lines(hash, checkpoint_id, path) VALUES(x'%s', '%s', 'syn/%d.py');"
              % (hashlib.sha256(line).hexdigest(), cid, i))
print("COMMIT;")
PYEOF
}
SYN1=${SYN1:-0}
if (( SYN1 > 0 )); then
  echo "== adding $SYN1 synthetic checkpoints to the working log" >&2
  add_synthetic "$SYN1" 0
fi
CK=$(sqlite3 .git/custody/worklog.db 'select count(*) from checkpoints')
measure "checkpoints=$CK"

echo "== adding $EXTRA synthetic checkpoints to the working log" >&2
add_synthetic "$EXTRA" "$SYN1"
CK=$(sqlite3 .git/custody/worklog.db 'select count(*) from checkpoints')
measure "checkpoints=$CK"
echo "ledger entries: $(sqlite3 .git/custody/ledger.db 'select count(*) from entries')" >&2
# The last commit's attribution is real: show it.
custody attribute --dry-run HEAD >&2
