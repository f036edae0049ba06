#!/usr/bin/env bash
# custody registry end to end: import a names list into an offline index,
# then check names for existence and typosquats (text, JSON, exit codes),
# malformed lists and damaged indexes, and names that are themselves
# well known.
. "$(dirname "$0")/lib.sh" "$@"

export CUSTODY_REGISTRY_DIR="$WORK/registry"
LIST="$WORK/npm-names.txt"
{ echo "# a names list, as a registry's name dump gives it"
  for n in lodash express react left-pad chalk @types/node; do echo "$n"; done
  for i in $(seq 1 2000); do echo "pkg-$i"; done; } >"$LIST"

# --- import ------------------------------------------------------------------
expect_exit 0 custody registry import npm "$LIST"
expect_match "$OUT" '^npm: 2006 names indexed \([0-9.]+ MB in [0-9.]+ s\) -> .*/registry/npm\.names$'
[[ -f "$CUSTODY_REGISTRY_DIR/npm.names" ]] || fail "no index written"
expect_exit 0 custody registry import pypi - --json <<<$'requests\nFlask\npython_dateutil'
expect_eq "$(jq -r .names <<<"$OUT")" 3 "pypi names"

# A malformed list names its line and leaves the old index in place.
printf 'lodash\nbad name\n' >"$WORK/bad.txt"
expect_exit 3 custody registry import npm "$WORK/bad.txt"
expect_contains "$ERR" "bad.txt:2: name holds whitespace or a control byte"
expect_exit 0 custody registry check npm lodash
expect_exit 5 custody registry import npm "$WORK/missing.txt"
expect_exit 3 custody registry import cobol "$LIST"
expect_contains "$ERR" "allowed: npm, pypi"

# --- check -------------------------------------------------------------------
expect_exit 0 custody registry check npm lodash express @types/node pkg-77
expect_eq "$(grep -c ': exists$' <<<"$OUT")" 4 "existing names"

expect_exit 1 custody registry check npm lodahs
expect_contains "$OUT" "lodahs: DOES NOT EXIST in the npm index; looks like a typosquat of lodash (transposition)"
expect_exit 1 custody registry check npm totally-invented-pkg
expect_contains "$OUT" "totally-invented-pkg: DOES NOT EXIST in the npm index"
expect_not_contains "$OUT" "typosquat"

expect_exit 1 custody registry check npm @evil/express expresss Lodash lodash-js --json
expect_eq "$(jq -r '.[0].typosquat_of[0].intended + " " + .[0].typosquat_of[0].technique' <<<"$OUT")" "express scope"
expect_eq "$(jq -r '.[1].typosquat_of[0].intended' <<<"$OUT")" "express"
expect_eq "$(jq -r '.[2].typosquat_of[0].technique' <<<"$OUT")" "case"
expect_eq "$(jq -r '.[3].typosquat_of[0].technique' <<<"$OUT")" "affix"
expect_eq "$(jq -r '[.[] | .exists] | map(tostring) | join(",")' <<<"$OUT")" "false,false,true,false"

# PEP 503: spellings of the same PyPI name are the same package, not squats.
expect_exit 0 custody registry check pypi Python-Dateutil flask requests
expect_exit 1 custody registry check pypi reqeusts dateutil --json
expect_eq "$(jq -r '.[0].typosquat_of[0].intended' <<<"$OUT")" "requests"
expect_eq "$(jq -r '.[1].typosquat_of[0].intended' <<<"$OUT")" "python-dateutil"

# Without an index, existence is unknown but typosquats are still reported.
expect_exit 1 custody registry check cargo serde-jsno
expect_contains "$OUT" "existence unknown (no index"
expect_contains "$OUT" "typosquat of serde-json (transposition)"
expect_exit 0 custody registry check cargo tokio serde

# A damaged index is an error naming it, not a crash or a silent "exists".
head -c 100 "$CUSTODY_REGISTRY_DIR/npm.names" >"$WORK/x" && mv "$WORK/x" "$CUSTODY_REGISTRY_DIR/npm.names"
expect_exit 4 custody registry check npm lodash
expect_contains "$ERR" "npm.names: truncated or padded"

expect_exit 0 custody registry --help
expect_contains "$OUT" "import"
echo "PASS registry"
