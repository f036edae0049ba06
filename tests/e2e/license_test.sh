#!/usr/bin/env bash
# custody license end to end: identify licence texts, parse expressions, and
# scan a tree holding node_modules, a Python dist-info, a Cargo crate and a
# Maven POM, with the policy flags deciding the exit status.
. "$(dirname "$0")/lib.sh" "$@"

P="$WORK/proj"
mkdir -p "$P/node_modules/left-pad" "$P/node_modules/@acme/agpl-thing" "$P/node_modules/old/node_modules/nested" \
         "$P/node_modules/broken" "$P/venv/lib/python3.11/site-packages/requests-2.31.0.dist-info" \
         "$P/venv/lib/python3.11/site-packages/requests" "$P/crates/tiny" "$P/java"
cat >"$P/LICENSE" <<'TXT'
MIT License

Copyright (c) 2026 Example Project Authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
TXT
echo '{"name":"app","version":"1.0.0","license":"MIT"}' >"$P/package.json"
echo '{"name":"left-pad","version":"1.3.0","license":"WTFPL"}' >"$P/node_modules/left-pad/package.json"
echo '{"name":"@acme/agpl-thing","version":"2.0.0","license":"AGPL-3.0-or-later"}' >"$P/node_modules/@acme/agpl-thing/package.json"
echo '{"name":"old","version":"0.1.0","licenses":[{"type":"MIT"},{"type":"Apache 2.0"}]}' >"$P/node_modules/old/package.json"
echo '{"name":"nested","version":"0.0.1","license":"BSD"}' >"$P/node_modules/old/node_modules/nested/package.json"
printf '{\n  "name": "broken",\n  "license": MIT\n}\n' >"$P/node_modules/broken/package.json"
cp "$P/LICENSE" "$P/node_modules/left-pad/LICENSE"
printf 'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\nClassifier: License :: OSI Approved :: Apache Software License\n\nbody\n' \
  >"$P/venv/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA"
printf '[package]\nname = "tiny"\nversion = "0.1.0"\nlicense = "MIT/Apache-2.0"\n' >"$P/crates/tiny/Cargo.toml"
printf '<project>\n  <groupId>org.example</groupId>\n  <artifactId>lib</artifactId>\n  <version>1.0</version>\n  <licenses>\n    <license>\n      <name>GNU General Public License, version 2</name>\n    </license>\n  </licenses>\n</project>\n' \
  >"$P/java/pom.xml"

# --- identify ----------------------------------------------------------------
expect_exit 0 custody license identify "$P/LICENSE"
expect_contains "$OUT" "LICENSE: MIT (exact, 100.0%, permissive)"
sed -e 's/free of charge/at no cost/' -e 's/merge, publish/merge, print/' "$P/LICENSE" | fmt -w 50 >"$WORK/mit-changed"
expect_exit 0 custody license identify --json "$WORK/mit-changed"
expect_eq "$(jq -r '.[0].id' <<<"$OUT")" MIT "perturbed MIT id"
expect_eq "$(jq -r '.[0].kind' <<<"$OUT")" near "perturbed MIT kind"
printf '// SPDX-License-Identifier: GPL-2.0+\nint x;\n' >"$WORK/src.c"
expect_exit 0 custody license identify "$WORK/src.c"
expect_contains "$OUT" "GPL-2.0-or-later (identifier, strong-copyleft)"
echo "hello world, nothing to see" >"$WORK/readme"
expect_exit 1 custody license identify "$WORK/readme"
expect_contains "$OUT" "no licence identified"
expect_exit 5 custody license identify "$WORK/missing"

# --- expr --------------------------------------------------------------------
expect_exit 0 custody license expr 'mit OR gpl-2.0+ AND (LGPL-2.1 WITH classpath-exception-2.0)'
expect_contains "$OUT" "MIT OR GPL-2.0-or-later AND LGPL-2.1-only WITH Classpath-exception-2.0  [permissive]"
expect_contains "$OUT" "GPL-2.0-or-later: strong-copyleft"
expect_exit 3 custody license expr 'MIT AND (ISC'
expect_contains "$ERR" "col 13: expected ')' to close the '(' at col 9"
expect_exit 0 custody license expr 'Apache 2.0' --json
expect_eq "$(jq -r .expression <<<"$OUT")" Apache-2.0 "alias"
expect_exit 1 custody license expr AGPL-3.0 --project-license proprietary
expect_contains "$OUT" "network-copyleft licence in a project licensed proprietary (blocking)"
expect_exit 0 custody license expr 'MIT OR AGPL-3.0-only' --project-license proprietary

# --- scan --------------------------------------------------------------------
expect_exit 0 custody license scan "$P"
expect_contains "$OUT" "npm left-pad@1.3.0: WTFPL [permissive] (node_modules/left-pad/package.json:1)"
expect_contains "$OUT" "npm old@0.1.0: MIT OR Apache-2.0 [permissive]"
expect_contains "$OUT" "npm nested@0.0.1: UNKNOWN 'BSD' [unknown]"
expect_contains "$OUT" "pypi requests@2.31.0: Apache-2.0 [permissive] (venv/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA:4)"
expect_contains "$OUT" "cargo tiny@0.1.0: MIT OR Apache-2.0"
expect_contains "$OUT" "maven org.example:lib@1.0: GPL-2.0-only [strong-copyleft] (java/pom.xml:6)"
expect_contains "$OUT" "file LICENSE: MIT (exact"
expect_contains "$ERR" "node_modules/broken/package.json:3:"
expect_contains "$OUT" "policy: ok"

# The project is MIT: AGPL and GPL dependencies are blocking.
expect_exit 1 custody license scan "$P" --project-license MIT
expect_contains "$OUT" "npm @acme/agpl-thing@2.0.0: AGPL-3.0-or-later [network-copyleft] (node_modules/@acme/agpl-thing/package.json:1) DENIED"
expect_contains "$OUT" "maven org.example:lib@1.0: GPL-2.0-only"
expect_contains "$OUT" "policy: DENIED"
expect_exit 1 custody license scan "$P" --deny WTFPL --json
expect_eq "$(jq -r '[.packages[] | select(.allowed == false) | .package] | join(",")' <<<"$OUT")" left-pad "denied by id"
expect_eq "$(jq -r .denied <<<"$OUT")" true "denied flag"
expect_exit 1 custody license scan "$P" --unknown deny
expect_contains "$OUT" "'BSD' is not a known licence (licenses.unknown = deny)"
expect_exit 1 custody license scan "$P" --deny-category network-copyleft
expect_exit 3 custody license scan "$P" --deny-category viral
expect_exit 3 custody license scan "$P" --deny NotALicence
expect_exit 0 custody -C "$P" license scan --allow MIT,WTFPL,Apache-2.0,AGPL-3.0,GPL-2.0 --quiet
# Inside a custody project, the policy's [licenses] rules apply by default:
# init's template denies network copyleft, so an AGPL dependency blocks.
PR="$WORK/project"
make_custody_repo "$PR"
mkdir -p "$PR/node_modules/agpl-thing"
printf '{"name":"agpl-thing","version":"1.0.0","license":"AGPL-3.0-only"}\n' >"$PR/node_modules/agpl-thing/package.json"
expect_exit 1 custody -C "$PR" license scan
expect_contains "$OUT" "agpl-thing@1.0.0: AGPL-3.0-only [network-copyleft]"
expect_contains "$OUT" "category network-copyleft is denied"
expect_contains "$ERR" "applying the [licenses] rules of .custody/policy.toml"
expect_exit 0 custody -C "$PR" license scan --no-policy
expect_exit 0 custody license --help
expect_contains "$OUT" "identify"
echo "PASS license"
