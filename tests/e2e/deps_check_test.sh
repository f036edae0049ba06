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
printf 'requests\nflask\nflask-cors\npyyaml\nnumpy\n' | custody registry import pypi - >/dev/null
mkdir -p "$WORK/osv" && cp "$FIX"/*.json "$WORK/osv/"
expect_exit 0 custody osv import "$WORK/osv"

# A clean change: a real package, declared, imported.
printf 'requests==2.31.0\nflask==3.0.0\nnumpy==1.26.4\n' >requirements.txt
printf 'import numpy\n' >>app/main.py
git add -A && git commit -q -m "numpy"
expect_exit 0 custody deps --diff HEAD --check
expect_contains "$OUT" "0 finding(s), 0 blocking"

# The agent's change.
printf 'requests==2.28.2\nflask==3.0.0\nnumpy==1.26.4\nreqeusts==1.0\nfastjsonparse-pro==0.1\n' >requirements.txt
printf 'import yaml\nimport app.util\n' >>app/main.py
git add -A && git commit -q -m "agent change"
expect_exit 1 custody deps --diff HEAD --check
expect_contains "$OUT" "requirements.txt:4: review: typosquat: pypi reqeusts looks like a typosquat of requests (transposition)"
expect_contains "$OUT" "requirements.txt:4: block: not-found: pypi reqeusts does not exist in the name index"
expect_contains "$OUT" "requirements.txt:5: block: not-found: pypi fastjsonparse-pro does not exist in the name index"
expect_match "$OUT" '^requirements\.txt:1: review: vulnerable: pypi requests 2\.28\.2 is affected by PYSEC-2023-74.*fixed in 2\.31\.0$'
expect_contains "$OUT" "app/main.py:5: review: undeclared-import: import yaml needs pypi package pyyaml, which no manifest declares"
expect_not_contains "$OUT" "import app" "the tree's own package"
expect_not_contains "$OUT" "import numpy" "a line the change did not add"
expect_contains "$OUT" "5 finding(s), 2 blocking"

expect_exit 1 custody deps --diff HEAD --check --json
expect_eq "$(jq -s -r '.[1].findings | map(.kind) | sort | join(",")' <<<"$OUT")" \
  "not-found,not-found,typosquat,undeclared-import,vulnerable" "finding kinds"
expect_eq "$(jq -s -r '.[1].findings | map(.verdict) | sort | join(",")' <<<"$OUT")" \
  "block,block,review,review,review" "verdicts"
# Without --check the diff alone still exits 0.
expect_exit 0 custody deps --diff HEAD

# Review findings alone pass, unless --fail-on review.
printf 'import numpy\nimport toml\n' >app/extra.py
git add -A && git commit -q -m "undeclared toml"
expect_exit 0 custody deps --diff HEAD --check
expect_contains "$OUT" "app/extra.py:2: review: undeclared-import: import toml needs pypi package toml"
expect_exit 1 custody deps --diff HEAD --check --fail-on review
expect_exit 3 custody deps --diff HEAD --check --fail-on never

# The policy's [dependencies]: new packages outside `allow` need a review,
# or are refused with new = "block".
mkdir -p .custody
printf '[dependencies]\nnew = "block"\nallow = ["pypi:flask*"]\n' >.custody/policy.toml
printf 'requests==2.28.2\nflask==3.0.0\nnumpy==1.26.4\nreqeusts==1.0\nfastjsonparse-pro==0.1\nflask-cors==4.0.0\npyyaml==6.0.1\n' >requirements.txt
git add -A && git commit -q -m "two more"
expect_exit 1 custody deps --diff HEAD --check
expect_contains "$OUT" "requirements.txt:7: block: new-dependency: pypi pyyaml is a new dependency not in [dependencies] allow (policy: new = block)"
expect_not_contains "$OUT" "flask-cors is a new dependency" "an allowed package"
printf '[dependencies]\nnew = "review"\n' >.custody/policy.toml
expect_exit 0 custody deps --diff HEAD --check
expect_contains "$OUT" "requirements.txt:7: review: new-dependency: pypi pyyaml"
# --- online: the registry answers (a local server), versions are checked --
SRV="$WORK/srv"
mkdir -p "$SRV/pypi/requests" "$SRV/pypi/flask" "$SRV/pypi/numpy" "$SRV/pypi/pyyaml" "$SRV/pypi/flask-cors"
for n in requests flask numpy pyyaml flask-cors; do
  printf '{"info":{"name":"%s"},"releases":{"1.0":[],"2.31.0":[],"3.0.0":[],"1.26.4":[],"6.0.1":[],"4.0.0":[]}}' "$n" >"$SRV/pypi/$n/json"
done
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$PORT" --directory "$SRV" >"$WORK/http.log" 2>&1 &
track_pid $!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
export CUSTODY_REGISTRY_URL_PYPI="http://127.0.0.1:$PORT/"
printf '[dependencies]\nnew = "allow"\n' >.custody/policy.toml
printf 'requests==2.31.0\nflask==3.0.0\nnumpy==1.26.9\nflask-cors==4.0.0\npyyaml==6.0.1\nnotonpypi==1.0\n' >requirements.txt
git add -A && git commit -q -m "online"
expect_exit 1 custody deps --diff HEAD --check --online
expect_contains "$OUT" "requirements.txt:3: block: version-not-found: pypi numpy has no version 1.26.9"
expect_contains "$OUT" "requirements.txt:6: block: not-found: pypi notonpypi does not exist in the registry"
expect_not_contains "$OUT" "requests has no version" "a version the registry lists"
echo "PASS deps_check"
