#!/usr/bin/env bash
# What the SQLite secondary indexes cost an append once the ledger is large.
# Builds one 100,000-entry ledger, then, on fresh copies of it, appends 10,000
# more generation envelopes (make_ledger, batches of 1000) under schema
# variants applied with the sqlite3 shell (no custody code changes):
#   A  the schema as custody creates it;
#   B  without entries_id (the index on the random 64-hex entry id);
#   D  entries_id replaced by an index on substr(id, 1, 8) (a narrow prefix
#      key: what an 8-byte integer id prefix would cost);
#   C  no random-key index at all: no entries_id, and entry_files keyed
#      (idx, path) instead of (path, idx) + (idx) (a lower bound: custody log
#      --file would lose its index).
# Rounds interleave the variants so that drifting machine speed hits all of
# them alike; each run waits for a quiet machine (bench_lib.sh).
#
#   bench/index_ab.sh [BUILD_DIR] [ROUNDS=3]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/bench_lib.sh
source "$here/bench_lib.sh"
build=$(cd "${1:-$here/../build-bench}" && pwd)
rounds=${2:-3}
custody=$build/src/cli/custody
make_ledger=$build/bench/make_ledger

work=$(mktemp -d "${TMPDIR:-/tmp}/custody-index-ab-XXXXXX")
trap 'rm -rf "$work"' EXIT
make_scratch_repo "$work/base" "$custody"
"$make_ledger" "$work/base/repo" 100000 1000 > /dev/null

declare -A sql=(
  [A]=''
  [B]='DROP INDEX entries_id;'
  [D]='DROP INDEX entries_id; CREATE INDEX entries_id8 ON entries(substr(id, 1, 8));'
  [C]='DROP INDEX entries_id; DROP INDEX entry_files_by_idx;
       CREATE TABLE ef(path TEXT NOT NULL, idx INTEGER NOT NULL,
                       PRIMARY KEY(idx, path)) WITHOUT ROWID;
       INSERT INTO ef SELECT path, idx FROM entry_files; DROP TABLE entry_files;
       ALTER TABLE ef RENAME TO entry_files;'
)
for round in $(seq "$rounds"); do
  for v in A B D C; do
    rm -rf "$work/copy"
    cp -a "$work/base" "$work/copy"
    # The copy's git config still names the base's key file, which exists.
    [[ -z ${sql[$v]} ]] || sqlite3 "$work/copy/repo/.git/custody/ledger.db" "${sql[$v]}"
    sync
    echo -n "variant $v round $round: "
    measure "variant $v" "$make_ledger" "$work/copy/repo" 10000 1000 2>&1 | tr '\n' ' '
    echo
  done
done
