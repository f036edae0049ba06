#!/usr/bin/env bash
# custody sbom end to end: a repository whose lockfile a human wrote and an
# agent (Claude Code, named by its commit trailer) extended; the CycloneDX
# 1.6 SBOM lists each locked package with its purl, scope, the licence its
# installed package.json declares, and who added it.
. "$(dirname "$0")/lib.sh" "$@"

R="$WORK/repo"
make_custody_repo "$R"
cd "$R"
lock() {  # lock NAME VERSION ... : a package-lock.json v3 of those packages
  { printf '{\n  "name": "shop",\n  "version": "1.0.0",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {\n'
    printf '    "": {\n      "name": "shop",\n      "version": "1.0.0"\n    }'
    while (($#)); do
      printf ',\n    "node_modules/%s": {\n      "version": "%s",\n      "license": "MIT"\n    }' "$1" "$2"
      shift 2
    done
    printf '\n  }\n}\n'; } >package-lock.json
}
lock express 4.19.2
git add package-lock.json
git commit -q -m "lockfile"
expect_exit 0 custody attribute HEAD
lock express 4.19.2 left-pad 1.3.0
git add package-lock.json
git commit -q -m $'add left-pad\n\nCo-Authored-By: Claude <noreply@anthropic.com>'
expect_exit 0 custody attribute HEAD
# Installed metadata gives the licences.
mkdir -p node_modules/express node_modules/left-pad
printf '{"name":"express","version":"4.19.2","license":"MIT"}\n' >node_modules/express/package.json
printf '{"name":"left-pad","version":"1.3.0","license":"WTFPL"}\n' >node_modules/left-pad/package.json

expect_exit 0 custody sbom -o sbom.json
expect_contains "$ERR" "2 components -> sbom.json"
q() { jq -r "$1" sbom.json; }
expect_eq "$(q .bomFormat) $(q .specVersion)" "CycloneDX 1.6" "format"
expect_match "$(q .serialNumber)" '^urn:uuid:[0-9a-f-]{36}$'
expect_eq "$(q .metadata.component.version)" "$(git rev-parse HEAD)" "described commit"
expect_eq "$(q '[.components[].purl] | join(" ")')" "pkg:npm/express@4.19.2 pkg:npm/left-pad@1.3.0" "purls"
prop() { q ".components[] | select(.name == \"$1\") | .properties[] | select(.name == \"$2\") | .value"; }
expect_eq "$(q '.components[] | select(.name == "left-pad") | .licenses[0].expression')" "WTFPL" "licence"
expect_eq "$(prop left-pad custody:provenance:origin)" "ai-unverified" "left-pad added by an agent"
expect_eq "$(prop left-pad custody:provenance:agent)" "claude-code" "which agent"
expect_eq "$(prop left-pad custody:provenance:commit)" "$(git rev-parse HEAD)" "the commit that added it"
expect_eq "$(prop express custody:provenance:origin)" "human" "express added by a person"
expect_eq "$(prop express custody:provenance:author)" "E2E Tester" "its author"
expect_eq "$(prop express custody:declared-in)" "package-lock.json:11" "declaring line"
expect_eq "$(q '.dependencies[0].dependsOn | length')" 2 "dependency graph"

expect_exit 0 custody sbom --no-provenance
expect_eq "$(jq -r '.components[0].properties[] | select(.name == "custody:provenance:origin") | .value' <<<"$OUT")" unknown
echo "PASS sbom"
