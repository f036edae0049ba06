#!/usr/bin/env bash
# custody osv end to end: import a zip export built here (and a directory),
# check packages given as arguments and as a JSON file, text and JSON
# output, exit codes, the default index location, and errors that name the
# file and place. No network.
. "$(dirname "$0")/lib.sh" "$@"

FIX="$(cd "$(dirname "$0")/../.." && pwd)/src/deps/testdata/osv"
[[ -d "$FIX" ]] || fail "missing $FIX"
command -v python3 >/dev/null || fail "needs python3"

# A zip shaped like the per-ecosystem export (records at the top level).
mkdir -p "$WORK/export"
cp "$FIX"/*.json "$WORK/export/"
(cd "$WORK/export" && python3 -m zipfile -c "$WORK/all.zip" *.json)
DB="$WORK/osv.db"

expect_exit 0 custody osv import "$WORK/all.zip" --db "$DB"
expect_contains "$OUT" "imported 5 advisories from 6 files"
expect_contains "$OUT" "1 withdrawn"
expect_contains "$OUT" "ignored 1 GIT ranges"
[[ -s "$DB" ]] || fail "no index written"

# --- check: arguments ---------------------------------------------------------
expect_exit 1 custody osv check --db "$DB" npm lodash 4.17.20 pypi Requests 2.28.2 npm lodash 4.17.21
expect_match "$OUT" '^npm lodash@4\.17\.20: GHSA-35jh-r3h4-6jhm HIGH 7\.2 \(CVE-2021-23337\): Command Injection in lodash; fixed in 4\.17\.21$'
expect_match "$OUT" '^pypi Requests@2\.28\.2: PYSEC-2023-74 \(CVE-2023-32681, GHSA-j8r2-6x86-q33q\): Requests is a HTTP library\..*; fixed in 2\.31\.0$'
expect_not_contains "$OUT" "lodash@4.17.21"
expect_contains "$OUT" "2 advisories affect 3 packages checked"

expect_exit 0 custody osv check --db "$DB" npm lodash 4.17.21
expect_contains "$OUT" "0 advisories affect 1 packages checked"

# --- check: packages file, JSON output -------------------------------------
cat >"$WORK/pkgs.json" <<'JSON'
[
  {"ecosystem": "maven", "name": "org.apache.logging.log4j:log4j-core", "version": "2.14.1"},
  {"ecosystem": "Go", "name": "stdlib", "version": "v1.19.0"},
  {"ecosystem": "cargo", "name": "example-crate", "version": "0.4.2"},
  {"ecosystem": "npm", "name": "left-pad", "version": "1.3.0"}
]
JSON
expect_exit 1 custody osv check --db "$DB" --packages "$WORK/pkgs.json" --json
python3 - "$OUT" <<'PY' || fail "JSON output"
import json, sys
d = json.loads(sys.argv[1])
f = d["findings"]
assert [x["id"] for x in f] == ["GHSA-jfh8-c2jp-5v3q", "GO-2022-0969", "RUSTSEC-2099-0001"], f
assert f[0]["severity"] == "CRITICAL" and f[0]["score"] == 10.0 and f[0]["fixed"] == ["2.15.0"], f[0]
assert f[1]["fixed"] == ["1.19.1"], f[1]
assert f[2]["fixed"] == [] and f[2]["vector"].startswith("CVSS:4.0/"), f[2]
assert d["packages"] == 4
PY

# --- a directory adds to the index; --replace starts over ------------------
mkdir -p "$WORK/more/npm"
cat >"$WORK/more/npm/GHSA-test-0001.json" <<'JSON'
{"id": "GHSA-test-0001", "modified": "2024-05-01T00:00:00Z", "summary": "Prototype pollution in left-pad",
 "database_specific": {"severity": "MODERATE"},
 "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
   "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.3.1"}]}]}]}
JSON
expect_exit 0 custody osv import "$WORK/more" --db "$DB"
expect_contains "$OUT" "(6 advisories"
expect_exit 1 custody osv check --db "$DB" npm left-pad 1.3.0 npm lodash 4.0.0
expect_contains "$OUT" "GHSA-test-0001 MEDIUM: Prototype pollution in left-pad; fixed in 1.3.1"
expect_contains "$OUT" "GHSA-35jh-r3h4-6jhm"
expect_exit 0 custody osv import --replace "$WORK/more" --db "$DB"
expect_exit 0 custody osv check --db "$DB" npm lodash 4.0.0

# --- default location: the user cache dir ------------------------------------
export CUSTODY_CACHE_DIR="$WORK/cache"
expect_exit 0 custody osv import "$FIX"
[[ -s "$WORK/cache/osv/osv.db" ]] || fail "default index not at \$CUSTODY_CACHE_DIR/osv/osv.db"
expect_exit 1 custody osv check npm lodash 4.17.20

# --- errors name the file and place -------------------------------------------
printf '{\n  "id": "X",\n  "affected": [\n}\n' >"$WORK/bad.json"
expect_exit 3 custody osv import "$WORK/bad.json" --db "$WORK/bad.db"
expect_contains "$ERR" "$WORK/bad.json"
expect_contains "$ERR" "line 4"
[[ ! -e "$WORK/bad.db" ]] || fail "a failed import wrote an index"
(cd "$WORK" && printf '{"id": 1}' >one.json && python3 -m zipfile -c bad.zip one.json)
expect_exit 3 custody osv import "$WORK/bad.zip" --db "$WORK/bad.db"
expect_contains "$ERR" "bad.zip!one.json: id: expected a string"
printf '[{"ecosystem": "npm", "name": "x"}]' >"$WORK/p.json"
expect_exit 3 custody osv check --db "$DB" --packages "$WORK/p.json"
expect_contains "$ERR" "p.json: [0]: version: missing"
printf '[\n{"ecosystem": }]' >"$WORK/p2.json"
expect_exit 3 custody osv check --db "$DB" --packages "$WORK/p2.json"
expect_contains "$ERR" "p2.json:2:"
expect_exit 3 custody osv check --db "$DB" npm lodash
expect_exit 3 custody osv check --db "$DB" nosuch x 1.0
expect_exit 5 custody osv check --db "$WORK/missing.db" npm lodash 1.0.0
expect_contains "$ERR" "custody osv import"
printf 'garbage' >"$WORK/corrupt.db"
expect_exit 4 custody osv check --db "$WORK/corrupt.db" npm lodash 1.0.0
echo "PASS"
