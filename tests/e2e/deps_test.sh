#!/usr/bin/env bash
# custody deps end to end: list a work tree's packages, then commit a real
# npm lockfile, change it (a new package, a bumped version) and check that
# `deps --diff` reports exactly those, with file:line; Python manifests, a
# single-commit range, a root commit and malformed input too.
. "$(dirname "$0")/lib.sh" "$@"

TESTDATA="$(cd "$(dirname "$0")/../.." && pwd)/src/deps/testdata"
[[ -f "$TESTDATA/npm/package-lock.v3.json" ]] || fail "missing $TESTDATA/npm"

R="$WORK/repo"
make_repo "$R"
mkdir -p "$R/web" "$R/api" "$R/web/node_modules/left-pad"
cp "$TESTDATA/npm/package.json" "$R/web/package.json"
cp "$TESTDATA/npm/package-lock.v3.json" "$R/web/package-lock.json"
# Installed code is not the project's: its manifests are skipped.
printf '{"name": "left-pad", "dependencies": {"evil": "1.0.0"}}\n' >"$R/web/node_modules/left-pad/package.json"
printf 'flask==3.0.2\nrequests>=2.31\n' >"$R/api/requirements.txt"
git -C "$R" add -A
git -C "$R" commit -q -m "web and api"

# --- listing ---------------------------------------------------------------
expect_exit 0 custody -C "$R" deps
expect_match "$OUT" '^web/package-lock\.json:[0-9]+: npm express 4\.22\.3 \(direct, prod\)$'
expect_match "$OUT" '^web/package-lock\.json:[0-9]+: npm ms 2\.0\.0 \(transitive, prod\)$'
expect_contains "$OUT" "api/requirements.txt:1: pypi flask 3.0.2 (direct, prod)"
expect_contains "$OUT" "api/requirements.txt:2: pypi requests >=2.31 (direct, prod, range)"
expect_not_contains "$OUT" "evil" "node_modules"
expect_match "$OUT" '^[0-9]+ packages in 3 manifest file\(s\)$'

expect_exit 0 custody -C "$R" deps --json
python3 - "$OUT" "$TESTDATA/npm/npm-ls.json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["mode"] == "tree" and r["errors"] == [], r["errors"]
assert r["files"] == ["api/requirements.txt", "web/package-lock.json", "web/package.json"], r["files"]
lock = {(p["name"], p["version"]) for p in r["packages"] if p["file"] == "web/package-lock.json"}
want = set()
def walk(n):
    for name, c in n.get("dependencies", {}).items():
        want.add((name, c["version"])); walk(c)
walk(json.load(open(sys.argv[2])))
assert lock == want, (len(lock), len(want), sorted(lock ^ want)[:5])
for p in r["packages"]:
    assert set(p) == {"ecosystem", "name", "version", "pinned", "direct", "dev", "file", "line"}, p
PY

# One manifest named explicitly.
expect_exit 0 custody -C "$R" deps api/requirements.txt
expect_contains "$OUT" "requirements.txt:1: pypi flask 3.0.2"

# --- diff: a new package and a bumped version in the lockfile ---------------
python3 - "$R/web/package-lock.json" <<'PY'
import json, sys
path = sys.argv[1]
lock = json.load(open(path))
pk = lock["packages"]
pk[""]["dependencies"]["left-pad"] = "^1.3.0"
pk["node_modules/left-pad"] = {"version": "1.3.0",
    "resolved": "https://registry.example.invalid/left-pad/-/left-pad-1.3.0.tgz", "license": "WTFPL"}
assert pk["node_modules/lodash"]["version"] == "4.18.1"
pk["node_modules/lodash"]["version"] = "4.18.2"
json.dump(lock, open(path, "w"), indent=2)
open(path, "a").write("\n")
PY
git -C "$R" commit -q -am "add left-pad, bump lodash"
LEFTPAD_LINE=$(grep -n '"node_modules/left-pad"' "$R/web/package-lock.json" | cut -d: -f1)
LODASH_LINE=$(grep -n '"node_modules/lodash"' "$R/web/package-lock.json" | cut -d: -f1)

expect_exit 0 custody -C "$R" deps --diff HEAD~1..HEAD --json
python3 - "$OUT" "$LEFTPAD_LINE" "$LODASH_LINE" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["mode"] == "diff" and r["files"] == ["web/package-lock.json"], r
got = sorted((c["change"], c["name"], c["version"], c["file"], c["line"], c["direct"],
              tuple(c["previous_versions"])) for c in r["changes"])
want = sorted([("new-package", "left-pad", "1.3.0", "web/package-lock.json", int(sys.argv[2]), True, ()),
               ("new-version", "lodash", "4.18.2", "web/package-lock.json", int(sys.argv[3]), True, ("4.18.1",))])
assert got == want, (got, want)
assert len(r["before"]) == 40 and len(r["after"]) == 40
PY

# The text form; a single revision means its parent..it.
expect_exit 0 custody -C "$R" deps --diff HEAD
expect_contains "$OUT" "web/package-lock.json:$LEFTPAD_LINE: new package npm left-pad 1.3.0 (direct, prod)"
expect_contains "$OUT" "web/package-lock.json:$LODASH_LINE: new version npm lodash 4.18.2 (direct, prod; was 4.18.1)"
expect_contains "$OUT" "2 new packages or versions in 1 changed manifest file(s)"

# --- diff: Python names are PEP 503-normalised; unchanged packages are quiet --
printf 'Flask==3.0.2\nrequests>=2.31\nDjango_Rest-Framework==3.15.1 ; python_version >= "3.8"\n' >"$R/api/requirements.txt"
git -C "$R" commit -q -am "api: add drf"
expect_exit 0 custody -C "$R" deps --diff HEAD~1..HEAD --json
python3 - "$OUT" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
got = [(c["change"], c["ecosystem"], c["name"], c["version"], c["file"], c["line"]) for c in r["changes"]]
assert got == [("new-package", "pypi", "django-rest-framework", "3.15.1", "api/requirements.txt", 3)], got
PY

# A range with nothing new, and the whole history from the root commit.
expect_exit 0 custody -C "$R" deps --diff HEAD..HEAD --json
python3 -c 'import json,sys; assert json.loads(sys.argv[1])["changes"] == []' "$OUT"
ROOT=$(git -C "$R" rev-list --max-parents=0 HEAD)
expect_exit 0 custody -C "$R" deps --diff "$ROOT"
expect_contains "$OUT" "0 new packages or versions in 0 changed manifest file(s)"

# --- errors -------------------------------------------------------------------
printf '{\n  "packages": {\n    "node_modules/x": 3\n  }\n}\n' >"$R/web/package-lock.json"
expect_exit 3 custody -C "$R" deps
expect_contains "$ERR" 'custody: web/package-lock.json:3: "node_modules/x": expected an object'
expect_contains "$OUT" "api/requirements.txt:3: pypi django-rest-framework 3.15.1" "other manifests still listed"
git -C "$R" commit -q -am "broken lock"
expect_exit 3 custody -C "$R" deps --diff HEAD
expect_one_error_line
expect_match "$ERR" '^custody: [0-9a-f]{12}: web/package-lock\.json:3: '
expect_exit 5 custody -C "$R" deps --diff no-such-rev
expect_one_error_line
expect_exit 5 custody -C "$R" deps "$WORK/nowhere"
expect_exit 2 custody -C "$R" deps --frobnicate
expect_exit 0 custody deps --help
expect_contains "$OUT" "--diff RANGE"
