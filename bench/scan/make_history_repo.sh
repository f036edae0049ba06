#!/usr/bin/env bash
# Builds the history-scan benchmark input: a git repository with more than
# 100,000 distinct blobs, made reproducibly with git fast-import.
#
#   bench/scan/make_history_repo.sh DIR
#
# The first commit holds the source text of a make_tree.sh tree (real package
# sources of this machine, BASE_MB, default 20 MB; only text files of at most
# 48 KiB, binaries and ignored output left out). Then COMMITS (default 10,000)
# commits on main change FILES_PER_COMMIT (default 10) files each, the way
# edits do: insert a line taken from another file (70 %), replace a line
# (20 %) or delete one (10 %). A branch feature/bench forks at 90 % of main
# and adds BRANCH_COMMITS (default 200) more; a tag marks the fork. Every
# change is driven by a PRNG with a fixed seed (SEED, default 4), and author
# dates are fixed, so the object ids come out the same on machines of the
# same image.
#
# A few synthetic secrets (random strings in provider formats, never real
# credentials) are added in one commit and removed a few commits later, so
# only a history scan can find them; their commit, path and kind (never the
# value) are listed in DIR.seeded.tsv. The script checks the blob count at
# the end and fails under 100,000. Takes ~4 minutes on 2 cores.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: make_history_repo.sh DIR}
commits=${COMMITS:-10000}
per=${FILES_PER_COMMIT:-10}
branch_commits=${BRANCH_COMMITS:-200}
seed=${SEED:-4}
if [[ -e $dir && -n $(ls -A "$dir" 2> /dev/null) ]]; then
  echo "make_history_repo.sh: $dir exists and is not empty" >&2
  exit 2
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
base=$(mktemp -d "${TMPDIR:-/tmp}/custody-histbase-XXXXXX")
trap 'rm -rf "$base" "$base.seeded.tsv"' EXIT
SEED=$seed "$here/make_tree.sh" "$base/tree" "${BASE_MB:-20}" 2> "$base/make_tree.log" ||
  { cat "$base/make_tree.log" >&2; exit 1; }
rm -f "$base/tree.seeded.tsv"

export GIT_CONFIG_NOSYSTEM=1
git -C "$dir" init -q -b main
# The base files: what git tracks in the tree, text only, <= 48 KiB.
git -C "$base/tree" ls-files -z > "$base/files"

python3 - "$base/tree" "$base/files" "$commits" "$per" "$branch_commits" "$seed" "$dir.seeded.tsv" << 'PY' |
import os, random, sys

tree, listing, commits, per, branch_commits, seed, seeded_path = sys.argv[1:8]
commits, per, branch_commits, seed = int(commits), int(per), int(branch_commits), int(seed)
rng = random.Random(seed)
out = sys.stdout.buffer

files = {}
for rel in sorted(open(listing, "rb").read().split(b"\0")):
    if not rel:
        continue
    p = os.path.join(tree, rel.decode())
    if os.path.getsize(p) > 48 * 1024:
        continue
    data = open(p, "rb").read()
    if b"\0" in data:
        continue
    files[rel.decode()] = data.split(b"\n")
paths = sorted(files)
T0 = 1767225600  # 2026-01-01T00:00:00Z
mark = 0


def data_cmd(b):
    out.write(b"data %d\n" % len(b))
    out.write(b)
    out.write(b"\n")


def commit(ref, parent_mark, when, msg, changes):
    """changes: list of (path, bytes or None for delete). Returns the mark."""
    global mark
    mark += 1
    out.write(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
    ident = b"Bench Dev <dev@example.invalid> %d +0000\n" % when
    out.write(b"author " + ident + b"committer " + ident)
    data_cmd(msg.encode())
    if parent_mark:
        out.write(b"from :%d\n" % parent_mark)
    for path, content in changes:
        if content is None:
            out.write(b"D %s\n" % path.encode())
        else:
            out.write(b"M 100644 inline %s\n" % path.encode())
            data_cmd(content)
    out.write(b"\n")
    return mark


def edit(lines):
    n = len(lines)
    donor = files[rng.choice(paths)]
    new_line = donor[rng.randrange(len(donor))] if donor else b""
    r = rng.random()
    if r < 0.7 or n < 3:
        lines.insert(rng.randrange(n + 1), new_line + b"  /* rev %d */" % mark)
    elif r < 0.9:
        lines[rng.randrange(n)] = new_line + b"  /* rev %d */" % mark
    else:
        del lines[rng.randrange(n)]


A = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
AN = A + A.lower() + "0123456789"


def r(alpha, n):
    return "".join(rng.choice(alpha) for _ in range(n))


SECRETS = [
    ("aws-access-key-id", lambda: "AKIA" + r("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
    ("github-pat", lambda: "ghp_" + r(AN, 36)),
    ("slack-bot-token", lambda: "xoxb-" + r("0123456789", 12) + "-" + r("0123456789", 13) + "-" + r(AN, 24)),
    ("stripe-secret-key", lambda: "sk_" + "live_" + r(AN, 24)),
    ("anthropic-api-key", lambda: "sk-ant-" + "api03-" + r(AN + "-_", 93) + "AA"),
    ("google-api-key", lambda: "AIza" + r(AN + "-_", 35)),
    ("npm-token", lambda: "npm_" + r(AN, 36)),
    ("huggingface-token", lambda: "hf_" + r(A + A.lower(), 34)),
]
secret_at = {commits * (i + 1) // (len(SECRETS) + 1): s for i, s in enumerate(SECRETS)}
pending_removal = {}
seeded = []

when = T0
root = commit("refs/heads/main", 0, when, "import sources",
              [(p, b"\n".join(files[p])) for p in paths])
head = root
fork = None
for i in range(1, commits + 1):
    when += 600
    chosen = rng.sample(paths, per)
    changes = []
    for p in chosen:
        edit(files[p])
    if i in secret_at:
        kind, gen = secret_at[i]
        p = chosen[0]
        files[p].append(b'API_KEY = "' + gen().encode() + b'"')
        pending_removal[i + 3] = p
        seeded.append((i, p, len(files[p]), kind))
    if i in pending_removal:
        p = pending_removal.pop(i)
        del files[p][-1]
        if p not in chosen:
            chosen.append(p)
    changes = [(p, b"\n".join(files[p])) for p in chosen]
    head = commit("refs/heads/main", head, when, "change %d" % i, changes)
    if i == commits * 9 // 10:
        fork = head
        fork_state = {p: list(v) for p, v in files.items()}
main_files = files
files = fork_state
bhead = fork
for i in range(1, branch_commits + 1):
    when += 600
    chosen = rng.sample(paths, per)
    for p in chosen:
        edit(files[p])
    bhead = commit("refs/heads/feature/bench", bhead, when, "feature change %d" % i,
                   [(p, b"\n".join(files[p])) for p in chosen])
out.write(b"reset refs/tags/fork-point\nfrom :%d\n\ndone\n" % fork)
# The commit index i of main is mark i + 1 (mark 1 is the import).
with open(seeded_path, "w") as f:
    f.write("main_commit_index\tpath\tline\tkind\n")
    for i, p, line, kind in seeded:
        f.write(f"{i}\t{p}\t{line}\t{kind}\n")
print(f"{len(paths)} base files, {commits} commits on main, {branch_commits} on feature/bench, "
      f"{len(seeded)} secrets added and later removed", file=sys.stderr)
PY
  git -C "$dir" fast-import --quiet --done 2> "$base/fast-import.log" ||
  { cat "$base/fast-import.log" >&2; exit 1; }
# fast-import only deltas each blob against the one before it (a 280 MB
# pack); repack as gc would, so reading objects means resolving real delta
# chains (git's default window 10 and depth 50).
git -C "$dir" repack -adf -q
git -C "$dir" checkout -q main 2> /dev/null || git -C "$dir" reset -q --hard main
blobs=$(git -C "$dir" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
  awk '$1 == "blob" {n++; s += $2} END {printf "%d %d", n, s}')
read -r nblobs bytes <<< "$blobs"
echo "repository $dir: $nblobs blobs, $((bytes / 1000000)) MB inflated, $(git -C "$dir" rev-list --all | wc -l) commits, pack $(du -sm "$dir/.git/objects" | cut -f1) MB" >&2
if (( nblobs < 100000 )); then
  echo "make_history_repo.sh: only $nblobs blobs (< 100,000); raise COMMITS" >&2
  exit 1
fi
