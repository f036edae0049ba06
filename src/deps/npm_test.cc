// The npm family against real lockfiles (testdata/npm: written by a real
// `npm install` of the package.json beside them, then checked against
// `npm ls --all --json`) and hand-written yarn and pnpm locks.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/test_util.h"
#include "custody/deps.h"
#include "deps/json_tree.h"

namespace custody {
namespace {

std::string ReadTestdata(const std::string& rel) {
  std::ifstream in(std::string(CUSTODY_DEPS_TESTDATA) + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Serves files from memory; anything else is NotFound.
ManifestReader MapReader(std::map<std::string, std::string> files) {
  return [files = std::move(files)](const std::string& p) -> Result<std::string> {
    auto it = files.find(p);
    if (it == files.end()) return Status::NotFound(p, "no such file");
    return it->second;
  };
}

using NameVersion = std::set<std::pair<std::string, std::string>>;

void CollectNpmLs(const deps::JsonValue& node, NameVersion* out) {
  const deps::JsonValue* deps = node.Find("dependencies");
  if (deps == nullptr) return;
  for (const auto& [name, child] : deps->members) {
    out->insert({name, std::string(child.GetString("version"))});
    CollectNpmLs(child, out);
  }
}

const Package* Find(const std::vector<Package>& pkgs, std::string_view name,
                    std::string_view version = {}) {
  for (const Package& p : pkgs) {
    if (p.name == name && (version.empty() || p.version == version)) return &p;
  }
  return nullptr;
}

class PackageLockTest : public ::testing::TestWithParam<const char*> {};

TEST_P(PackageLockTest, MatchesNpmLs) {
  std::string file = std::string("npm/package-lock.") + GetParam() + ".json";
  std::string lock = ReadTestdata(file);
  ASSERT_FALSE(lock.empty()) << file;
  auto reader = MapReader({{"app/package.json", ReadTestdata("npm/package.json")}});
  auto pkgs = ParseManifest("app/package-lock.json", lock, reader);
  ASSERT_OK(pkgs);

  auto ls = deps::ParseJsonTree(ReadTestdata("npm/npm-ls.json"), "npm-ls.json");
  ASSERT_OK(ls);
  NameVersion want;
  CollectNpmLs(*ls, &want);
  ASSERT_GT(want.size(), 50u);
  NameVersion got;
  std::set<std::string> direct;
  for (const Package& p : *pkgs) {
    EXPECT_EQ(p.ecosystem, Ecosystem::kNpm);
    EXPECT_EQ(p.file, "app/package-lock.json");
    EXPECT_TRUE(p.pinned) << p.name << "@" << p.version;
    got.insert({p.name, p.version});
    if (p.direct) direct.insert(p.name);
  }
  EXPECT_EQ(got, want);
  // npm ls lists the direct dependencies at its top level.
  std::set<std::string> want_direct;
  for (const auto& [name, child] : ls->Find("dependencies")->members) want_direct.insert(name);
  EXPECT_EQ(direct, want_direct);

  // The nested copy (debug needs ms 2.0.0, the project ms 2.1.3) is
  // transitive, and every line points at the entry's key.
  const Package* nested = Find(*pkgs, "ms", "2.0.0");
  ASSERT_NE(nested, nullptr);
  EXPECT_FALSE(nested->direct);
  std::vector<std::string> lines;
  std::istringstream in(lock);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  for (const Package& p : *pkgs) {
    ASSERT_GE(p.line, 1u);
    ASSERT_LE(p.line, lines.size());
    EXPECT_NE(lines[p.line - 1].find(p.name + "\""), std::string::npos)
        << p.name << " at line " << p.line << ": " << lines[p.line - 1];
  }
}

INSTANTIATE_TEST_SUITE_P(Versions, PackageLockTest, ::testing::Values("v1", "v2", "v3"));

TEST(PackageLockTest, V1WithoutPackageJsonHasNoDirectPackages) {
  auto pkgs = ParseManifest("package-lock.json", ReadTestdata("npm/package-lock.v1.json"));
  ASSERT_OK(pkgs);
  ASSERT_FALSE(pkgs->empty());
  for (const Package& p : *pkgs) EXPECT_FALSE(p.direct) << p.name;
}

TEST(PackageLockTest, DevAliasesWorkspacesAndLinks) {
  const char* lock = R"({
  "name": "ws",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "ws",
      "workspaces": ["packages/a"],
      "dependencies": { "str": "npm:string-width@^4.2.0" },
      "devDependencies": { "jest": "^29.0.0" }
    },
    "node_modules/a": { "resolved": "packages/a", "link": true },
    "node_modules/str": { "name": "string-width", "version": "4.2.3", "license": "MIT" },
    "node_modules/jest": { "version": "29.7.0", "dev": true },
    "node_modules/fsevents": { "version": "2.3.3", "optional": true, "devOptional": true },
    "packages/a": { "name": "a", "version": "0.0.1" },
    "packages/a/node_modules/left-pad": { "version": "1.3.0" }
  }
})";
  auto pkgs = ParseManifest("npm-shrinkwrap.json", lock);
  ASSERT_OK(pkgs);
  ASSERT_EQ(pkgs->size(), 4u);
  const Package* sw = Find(*pkgs, "string-width");
  ASSERT_NE(sw, nullptr);
  EXPECT_EQ(sw->version, "4.2.3");
  EXPECT_TRUE(sw->direct);
  EXPECT_EQ(sw->line, 13u);
  const Package* jest = Find(*pkgs, "jest");
  EXPECT_TRUE(jest->direct && jest->dev);
  EXPECT_FALSE(Find(*pkgs, "fsevents")->dev);  // devOptional installs in production too
  EXPECT_FALSE(Find(*pkgs, "left-pad")->direct);
  EXPECT_EQ(Find(*pkgs, "a"), nullptr);
}

TEST(PackageLockTest, MalformedLocksNameFileAndLine) {
  auto r = ParseManifest("web/package-lock.json", "{\n  \"packages\": {\n    \"node_modules/x\": 3\n  }\n}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "web/package-lock.json:3: \"node_modules/x\": expected an object");
  r = ParseManifest("package-lock.json", "{\n  \"packages\": {\n    \"node_modules/x\": {\"version\": \"1\"}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "package-lock.json:4:1: unterminated object");
  r = ParseManifest("package-lock.json", "[]");
  EXPECT_FALSE(r.ok());
}

TEST(PackageJsonTest, DeclaredDependencies) {
  auto pkgs = ParseManifest("package.json", ReadTestdata("npm/package.json"));
  ASSERT_OK(pkgs);
  ASSERT_EQ(pkgs->size(), 5u);
  const Package* ms = Find(*pkgs, "ms");
  EXPECT_TRUE(ms->dev && ms->direct && !ms->pinned);
  EXPECT_EQ(ms->version, "^2.1.3");
  EXPECT_EQ(ms->line, 11u);
  EXPECT_EQ(Find(*pkgs, "@sindresorhus/is")->version, "^4.6.0");

  auto local = ParseManifest("package.json", R"({"dependencies": {"a": "file:../a", "b": "workspace:*",
    "c": "npm:real-c@1.0.0", "d": "github:user/d#v1", "e": "2.0.0"}})");
  ASSERT_OK(local);
  ASSERT_EQ(local->size(), 3u);
  EXPECT_EQ((*local)[0].name, "real-c");
  EXPECT_TRUE((*local)[0].pinned);
  EXPECT_EQ((*local)[1].version, "github:user/d#v1");
  EXPECT_FALSE((*local)[1].pinned);
  EXPECT_TRUE((*local)[2].pinned);

  auto bad = ParseManifest("package.json", "{\"dependencies\": {\"a\": 1}}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "package.json:1: dependencies.a: expected a version string");
}

constexpr const char* kYarnV1 = R"(# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
  version "7.12.13"
  resolved "https://registry.example.invalid/@babel/code-frame/-/code-frame-7.12.13.tgz#dcfc826b"
  integrity sha512-HV1Cm0Q3ZrpCR93tkWOYiuYIgLxZXZFVG2VgK+MBWjUqZTundupbfx2aXarXuw5Ko5aMcjtJgbSs4vUGBS5v6g==
  dependencies:
    "@babel/highlight" "^7.12.13"

lodash@^4.17.20, lodash@^4.17.21:
  version "4.17.21"
  resolved "https://registry.example.invalid/lodash/-/lodash-4.17.21.tgz#679591c5"

"string-width-cjs@npm:string-width@^4.2.0":
  version "4.2.3"

"local@file:../local":
  version "0.0.0"

jest@^29.0.0:
  version "29.7.0"
)";

TEST(YarnLockTest, V1EntriesAliasesAndDirectFromPackageJson) {
  auto reader = MapReader({{"package.json",
                            R"({"dependencies": {"lodash": "^4.17.21", "string-width-cjs": "npm:string-width@^4.2.0"},
                                "devDependencies": {"jest": "^29.0.0"}})"}});
  auto pkgs = ParseManifest("yarn.lock", kYarnV1, reader);
  ASSERT_OK(pkgs);
  ASSERT_EQ(pkgs->size(), 4u);
  EXPECT_EQ((*pkgs)[0].name, "@babel/code-frame");
  EXPECT_EQ((*pkgs)[0].version, "7.12.13");
  EXPECT_EQ((*pkgs)[0].line, 5u);
  EXPECT_FALSE((*pkgs)[0].direct);
  EXPECT_EQ((*pkgs)[1].name, "lodash");
  EXPECT_TRUE((*pkgs)[1].direct);
  EXPECT_EQ((*pkgs)[1].line, 12u);
  EXPECT_EQ((*pkgs)[2].name, "string-width");
  EXPECT_TRUE((*pkgs)[2].direct);
  EXPECT_TRUE((*pkgs)[3].dev && (*pkgs)[3].direct);
}

TEST(YarnLockTest, V1Errors) {
  auto r = ParseManifest("yarn.lock", "lodash@^4:\n  resolved \"x\"\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "yarn.lock:1: entry has no version");
  r = ParseManifest("yarn.lock", "lodash@^4\n  version \"1\"\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "yarn.lock:1:1: expected an entry header ending in ':'");
  r = ParseManifest("yarn.lock", "  version \"1\"\n");
  EXPECT_FALSE(r.ok());
}

TEST(YarnLockTest, Berry) {
  const char* lock = R"(# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  languageName: unknown
  linkType: soft

"lodash@npm:^4.17.21":
  version: 4.17.21
  resolution: "lodash@npm:4.17.21"
  checksum: 10c0/d8cbea07
  languageName: node
  linkType: hard

"resolve@patch:resolve@npm%3A^1.22.1#optional!builtin<compat/resolve>":
  version: 1.22.8
  resolution: "resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=c3c19d"
  languageName: node
  linkType: hard

"@types/node@npm:^20.0.0, @types/node@npm:^20.1.0":
  version: 20.11.5
  resolution: "@types/node@npm:20.11.5"
  languageName: node
  linkType: hard
)";
  auto reader = MapReader({{"package.json", R"({"devDependencies": {"@types/node": "^20.0.0"}})"}});
  auto pkgs = ParseManifest("yarn.lock", lock, reader);
  ASSERT_OK(pkgs);
  ASSERT_EQ(pkgs->size(), 3u);
  EXPECT_EQ((*pkgs)[0].name, "lodash");
  EXPECT_EQ((*pkgs)[0].line, 14u);
  EXPECT_EQ((*pkgs)[1].name, "resolve");
  EXPECT_EQ((*pkgs)[1].version, "1.22.8");
  EXPECT_EQ((*pkgs)[2].name, "@types/node");
  EXPECT_TRUE((*pkgs)[2].direct && (*pkgs)[2].dev);

  auto bad = ParseManifest("yarn.lock", "__metadata:\n  version: 8\n\"a@npm:1\":\n  version: [1\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("yarn.lock:"), std::string::npos);
}

TEST(PnpmLockTest, V5V6AndV9Keys) {
  const char* v5 = R"(lockfileVersion: 5.4

specifiers:
  react: ^18.2.0
  typescript: ^5.0.0

dependencies:
  react: 18.2.0

devDependencies:
  typescript: 5.1.6

packages:

  /js-tokens/4.0.0:
    resolution: {integrity: sha512-RdJUflcE3cUzKiMqQgsCu06FPu9UdIJO0beYbPhHN4k6apgJtifcoCtT9bcxOpYBtpD2kCM6Sbzg4CausW/PKQ==}
    dev: false

  /react/18.2.0:
    resolution: {integrity: sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ==}
    engines: {node: '>=0.10.0'}
    dependencies:
      loose-envify: 1.4.0
    dev: false

  /@types/react-dom/18.0.0_@types+react@18.0.0:
    dev: false

  /typescript/5.1.6:
    dev: true
)";
  auto pkgs = ParseManifest("pnpm-lock.yaml", v5);
  ASSERT_OK(pkgs);
  ASSERT_EQ(pkgs->size(), 4u);
  EXPECT_EQ((*pkgs)[0].name, "js-tokens");
  EXPECT_FALSE((*pkgs)[0].direct);
  EXPECT_EQ((*pkgs)[0].line, 15u);
  EXPECT_TRUE((*pkgs)[1].direct);
  EXPECT_EQ((*pkgs)[2].name, "@types/react-dom");
  EXPECT_EQ((*pkgs)[2].version, "18.0.0");
  EXPECT_TRUE((*pkgs)[3].dev && (*pkgs)[3].direct);

  const char* v6 = R"(lockfileVersion: '6.0'

importers:
  .:
    dependencies:
      react-dom:
        specifier: ^18.2.0
        version: 18.2.0(react@18.2.0)
    devDependencies:
      vitest:
        specifier: ^1.0.0
        version: 1.2.0

packages:
  /react-dom@18.2.0(react@18.2.0):
    dev: false
  /vitest@1.2.0:
    dev: true
  /@vitest/spy@1.2.0:
    dev: true
)";
  pkgs = ParseManifest("pnpm-lock.yaml", v6);
  ASSERT_OK(pkgs);
  ASSERT_EQ(pkgs->size(), 3u);
  EXPECT_EQ((*pkgs)[0].name, "react-dom");
  EXPECT_EQ((*pkgs)[0].version, "18.2.0");
  EXPECT_TRUE((*pkgs)[0].direct && !(*pkgs)[0].dev);
  EXPECT_EQ((*pkgs)[2].name, "@vitest/spy");
  EXPECT_TRUE((*pkgs)[2].dev && !(*pkgs)[2].direct);

  const char* v9 = R"(lockfileVersion: '9.0'

importers:
  .:
    dependencies:
      tarball-dep:
        specifier: https://codeload.example.invalid/x/y/tar.gz/abc
        version: 1.0.0
    devDependencies:
      '@types/node':
        specifier: ^20.0.0
        version: 20.11.5
      local-lib:
        specifier: link:../lib
        version: link:../lib

packages:
  '@types/node@20.11.5':
    resolution: {integrity: sha512-g557vgQjUUfN76MZAN/dt1z3dzcUsimuysco0KeluHgrPdJXkP/XdAURgyO2W9fZWHRtRBiVKzKn8vyOAwlG+w==}
  undici-types@5.26.5:
    resolution: {integrity: sha512-JlCMO+ehdEIKqlFxk6IfVoAUVmgz7cU7zD/h9XZ0qzeosSHmUJVOzSQvvYSYWXkFXC+IfLKSIffhv0sVZup6pA==}
  tarball-dep@https://codeload.example.invalid/x/y/tar.gz/abc:
    resolution: {tarball: https://codeload.example.invalid/x/y/tar.gz/abc}
    name: tarball-dep
    version: 1.0.0

snapshots:
  '@types/node@20.11.5':
    dependencies:
      undici-types: 5.26.5
)";
  pkgs = ParseManifest("pnpm-lock.yaml", v9);
  ASSERT_OK(pkgs);
  ASSERT_EQ(pkgs->size(), 3u);
  EXPECT_EQ((*pkgs)[0].name, "@types/node");
  EXPECT_TRUE((*pkgs)[0].direct && (*pkgs)[0].dev);
  EXPECT_EQ((*pkgs)[0].line, 18u);
  EXPECT_EQ((*pkgs)[1].name, "undici-types");
  EXPECT_TRUE((*pkgs)[1].dev) << "reached only through a devDependency (snapshots)";
  EXPECT_FALSE((*pkgs)[1].direct);
  EXPECT_EQ((*pkgs)[2].name, "tarball-dep");
  EXPECT_EQ((*pkgs)[2].version, "1.0.0");
  EXPECT_TRUE((*pkgs)[2].direct);
  EXPECT_FALSE((*pkgs)[2].dev);
}

TEST(PnpmLockTest, Errors) {
  auto r = ParseManifest("pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n  a: {b: [\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("pnpm-lock.yaml:"), std::string::npos) << r.status().ToString();
  r = ParseManifest("pnpm-lock.yaml", "packages: {}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "pnpm-lock.yaml:1: no lockfileVersion");
  r = ParseManifest("pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n  nover:\n    dev: true\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "pnpm-lock.yaml:3: \"nover\": expected name and version");
  r = ParseManifest("pnpm-lock.yaml", std::string(200, '[') );
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace custody
