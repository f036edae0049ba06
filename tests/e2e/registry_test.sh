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
expect_eq "$(jq -r '[.[] | .exists] | map(tostring) | join(",")' <<<"$OUT")" "false,false,false,false"

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

# --- live look-ups against a local HTTP server (never the network) -----------
SRV="$WORK/srv"
mkdir -p "$SRV/npm/@types" "$SRV/pypi/pypi/requests" "$SRV/go/github.com/!burnt!sushi/toml/@v"
printf '{"name":"lodash","versions":{"4.17.20":{},"4.17.21":{}}}' >"$SRV/npm/lodash"
printf '{"name":"@types/node","versions":{"20.1.0":{}}}' >"$SRV/npm/@types/node"
printf '{"info":{"name":"requests"},"releases":{"2.31.0":[],"2.32.3":[]}}' >"$SRV/pypi/pypi/requests/json"
printf 'v1.2.0\nv1.3.0\n' >"$SRV/go/github.com/!burnt!sushi/toml/@v/list"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$PORT" --directory "$SRV" >"$WORK/http.log" 2>&1 &
track_pid $!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
export CUSTODY_REGISTRY_URL_NPM="http://127.0.0.1:$PORT/npm/"
export CUSTODY_REGISTRY_URL_PYPI="http://127.0.0.1:$PORT/pypi"
export CUSTODY_REGISTRY_URL_GO="http://127.0.0.1:$PORT/go"

expect_exit 0 custody registry check --online npm lodash@4.17.21 @types/node@20.1.0
expect_eq "$(grep -c ': exists$' <<<"$OUT")" 2 "live existing names"
expect_exit 1 custody registry check --online npm lodash@4.17.99 react-dom-invented
expect_contains "$OUT" "lodash@4.17.99: exists, but version 4.17.99 DOES NOT EXIST (2 versions published"
expect_contains "$OUT" "react-dom-invented: DOES NOT EXIST in the npm registry"
expect_exit 0 custody registry check --online pypi Requests@2.32.3 --json
expect_eq "$(jq -r '.[0].version_exists' <<<"$OUT")" true
expect_exit 0 custody registry check --online go github.com/BurntSushi/toml@v1.3.0
# Answers are cached: asking again sends no request.
requests_before=$(grep -c 'GET /npm/lodash ' "$WORK/http.log")
expect_exit 0 custody registry check --online npm lodash --json
expect_eq "$(jq -r '.[0].source' <<<"$OUT")" cache
expect_eq "$(grep -c 'GET /npm/lodash ' "$WORK/http.log")" "$requests_before" "requests after a cached answer"
# A registry that cannot answer is an error (exit 7), never "does not exist".
export CUSTODY_REGISTRY_URL_NPM="http://127.0.0.1:1/"
expect_exit 7 custody registry check --online npm never-asked-before
expect_not_contains "$OUT" "DOES NOT EXIST"
unset CUSTODY_REGISTRY_URL_NPM
expect_exit 5 custody registry check --online npm lodash
expect_contains "$ERR" "set CUSTODY_REGISTRY_URL_NPM"

expect_exit 0 custody registry --help
expect_contains "$OUT" "import"
echo "PASS registry"
