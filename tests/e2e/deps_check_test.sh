#!/usr/bin/env bash
# custody deps --diff --check end to end: a change (as an agent would make
# it) adds a misspelt package, an invented one, a vulnerable version and an
# import nothing declares; each is reported with file:line, and a clean
# change passes. Offline: a local name index and a local OSV index.
. "$(dirname "$0")/lib.sh" "$@"

FIX="$(cd "$(dirname "$0")/../.." && pwd)/src/deps/testdata/osv"
export CUSTODY_CACHE_DIR="$WORK/cache"
export CUSTODY_REGISTRY_DIR="$WORK/registry"
R="$WORK/repo"
make_repo "$R"
cd "$R"
printf 'requests==2.31.0\nflask==3.0.0\n' >requirements.txt
mkdir -p app
printf 'import os\nimport requests\nfrom app import util\n' >app/main.py
printf 'X = 1\n' >app/util.py
git add -A && git commit -q -m "base"

# The registry's names, offline, and the advisories.
printf 'requests\nflask\npyyaml\nnumpy\n' | custody registry import pypi - >/dev/null
mkdir -p "$WORK/osv" && cp "$FIX"/*.json "$WORK/osv/"
expect_exit 0 custody osv import "$WORK/osv"

# A clean change: a real package, declared, imported.
printf 'requests==2.31.0\nflask==3.0.0\nnumpy==1.26.4\n' >requirements.txt
printf 'import numpy\n' >>app/main.py
git add -A && git commit -q -m "numpy"
expect_exit 0 custody deps --diff HEAD --check
expect_contains "$OUT" "0 finding(s)"

# The agent's change.
printf 'requests==2.28.2\nflask==3.0.0\nnumpy==1.26.4\nreqeusts==1.0\nfastjsonparse-pro==0.1\n' >requirements.txt
printf 'import yaml\nimport app.util\n' >>app/main.py
git add -A && git commit -q -m "agent change"
expect_exit 1 custody deps --diff HEAD --check
expect_contains "$OUT" "requirements.txt:4: typosquat: pypi reqeusts looks like a typosquat of requests (transposition)"
expect_contains "$OUT" "requirements.txt:4: not-found: pypi reqeusts does not exist in the name index"
expect_contains "$OUT" "requirements.txt:5: not-found: pypi fastjsonparse-pro does not exist in the name index"
expect_match "$OUT" '^requirements\.txt:1: vulnerable: pypi requests 2\.28\.2 is affected by PYSEC-2023-74.*fixed in 2\.31\.0$'
expect_contains "$OUT" "app/main.py:5: undeclared-import: import yaml needs pypi package pyyaml, which no manifest declares"
expect_not_contains "$OUT" "import app" "the tree's own package"
expect_not_contains "$OUT" "import numpy" "a line the change did not add"
expect_contains "$OUT" "5 finding(s)"

expect_exit 1 custody deps --diff HEAD --check --json
expect_eq "$(jq -s -r '.[1].findings | map(.kind) | sort | join(",")' <<<"$OUT")" \
  "not-found,not-found,typosquat,undeclared-import,vulnerable" "finding kinds"
# Without --check the diff alone still exits 0.
expect_exit 0 custody deps --diff HEAD
echo "PASS deps_check"
