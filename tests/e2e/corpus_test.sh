#!/usr/bin/env bash
# custody corpus end to end: index reference code under a licence, find a
# re-indented copy of it in other code with source file, lines and licence,
# and stay quiet on short or unrelated overlaps.
. "$(dirname "$0")/lib.sh" "$@"

export CUSTODY_CORPUS_DB="$WORK/corpus.db"
REF="$WORK/gnu-utils"
mkdir -p "$REF/lib" "$REF/.git"
cat >"$REF/lib/hash.c" <<'C'
/* Copyright (C) 1998 Free Software Foundation. GPL-3.0-or-later. */
#include <stddef.h>

size_t
hash_string (const char *string, size_t n_buckets)
{
  size_t value = 0;
  unsigned char ch;

  for (; (ch = *string); string++)
    value = (value * 31 + ch) % n_buckets;
  return value;
}

bool
hash_rehash (Hash_table *table, size_t candidate)
{
  Hash_table storage;
  Hash_table *new_table;
  size_t new_size = compute_bucket_size (candidate, table->tuning);

  if (!new_size)
    return false;
  if (new_size == table->n_buckets)
    return true;
  new_table = &storage;
  new_table->bucket = calloc (new_size, sizeof *new_table->bucket);
  if (new_table->bucket == NULL)
    return false;
  new_table->n_buckets = new_size;
  new_table->bucket_limit = new_table->bucket + new_size;
  return transfer_entries (new_table, table, false);
}
C
printf 'secret\n' >"$REF/.git/config"
printf '\0\1\2binary' >"$REF/lib/blob.o"

expect_exit 0 custody corpus add "$REF" --license GPL-3.0-or-later
expect_match "$OUT" '^1 of 1 files added as gnu-utils/… under GPL-3.0-or-later'
expect_exit 0 custody corpus add "$REF" --license GPL-3.0-or-later --json
expect_eq "$(jq -r .added <<<"$OUT")" 0 "re-adding the same files"

cat >"$WORK/ai.c" <<'C'
#include "table.h"
// resize the table
bool hash_rehash(Hash_table *table, size_t candidate) {
    Hash_table storage;
    Hash_table *new_table;
    size_t new_size = compute_bucket_size(candidate, table->tuning);
    if (!new_size) return false;
    if (new_size == table->n_buckets) return true;
    new_table = &storage;
    new_table->bucket = calloc(new_size, sizeof *new_table->bucket);
    if (new_table->bucket == NULL) return false;
    new_table->n_buckets = new_size;
    new_table->bucket_limit = new_table->bucket + new_size;
    return transfer_entries(new_table, table, false);
}
int unrelated(void) { return 42; }
C
expect_exit 1 custody corpus match "$WORK/ai.c"
expect_match "$OUT" '^.*/ai\.c:3-15: [0-9]+ characters copied from gnu-utils/lib/hash\.c:15-33 \(GPL-3\.0-or-later\)$'
expect_exit 1 custody corpus match "$WORK/ai.c" --json
expect_eq "$(jq -r '.[0].source + " " + .[0].license' <<<"$OUT")" "gnu-utils/lib/hash.c GPL-3.0-or-later"

printf 'for (; (ch = *string); string++)\n  value = (value * 31 + ch) %% n_buckets;\n' >"$WORK/short.c"
expect_exit 0 custody corpus match "$WORK/short.c"
expect_eq "$OUT" "" "short overlap"
expect_exit 1 custody corpus match "$WORK/short.c" --min-chars 20

expect_exit 0 custody corpus stats --json
expect_eq "$(jq -r .files <<<"$OUT")" 1 "files indexed (.git and binaries skipped)"

expect_exit 5 custody corpus match "$WORK/ai.c" --db "$WORK/none.db"
expect_exit 3 custody corpus add "$REF" --license ""
echo "PASS corpus"
