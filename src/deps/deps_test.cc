// Dispatch on file names, the tree walk (on a MemEnv) and the diff of two
// package sets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "custody/deps.h"
#include "deps/deps_internal.h"

namespace custody {
namespace {

Package P(Ecosystem e, std::string name, std::string version, std::string file = "f", uint32_t line = 1) {
  Package p;
  p.ecosystem = e;
  p.name = std::move(name);
  p.version = std::move(version);
  p.file = std::move(file);
  p.line = line;
  return p;
}

TEST(DepsTest, IsManifestFile) {
  for (const char* yes : {"package-lock.json", "a/b/npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
                          "package.json", "requirements.txt", "requirements-dev.txt", "dev-requirements.txt",
                          "requirements/base.txt", "pyproject.toml", "poetry.lock", "Pipfile", "Pipfile.lock",
                          "uv.lock", "go.mod", "go.sum", "Cargo.toml", "Cargo.lock", "Gemfile.lock", "pom.xml",
                          "gradle.lockfile", "composer.json", "composer.lock", "x/packages.lock.json"}) {
    EXPECT_TRUE(IsManifestFile(yes)) << yes;
  }
  for (const char* no : {"notes.txt", "package.json5", "Gemfile", "requirements.in", "src/main.go",
                         "yarn.lock.bak", "README.md"}) {
    EXPECT_FALSE(IsManifestFile(no)) << no;
  }
  auto r = ParseManifest("README.md", "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "README.md: not a manifest or lockfile custody reads");
}

TEST(DepsTest, JoinRelativeStaysInsideTheTree) {
  EXPECT_EQ(deps::JoinRelative("a/b", "../c.txt").value_or("?"), "a/c.txt");
  EXPECT_EQ(deps::JoinRelative("", "./x/./y.txt").value_or("?"), "x/y.txt");
  EXPECT_FALSE(deps::JoinRelative("a", "../../x").has_value());
  EXPECT_FALSE(deps::JoinRelative("a", "/etc/passwd").has_value());
  EXPECT_FALSE(deps::JoinRelative("a", "..").has_value());
}

TEST(DepsTest, IsExactSemver) {
  EXPECT_TRUE(deps::IsExactSemver("1.2.3"));
  EXPECT_TRUE(deps::IsExactSemver("1.2.3-beta.1+build.5"));
  EXPECT_FALSE(deps::IsExactSemver("^1.2.3"));
  EXPECT_FALSE(deps::IsExactSemver("1.2"));
  EXPECT_FALSE(deps::IsExactSemver("1.2.x"));
  EXPECT_FALSE(deps::IsExactSemver(">=1.2.3 <2"));
}

TEST(DepsTest, ListTreeSkipsInstalledCodeAndKeepsGoingAfterErrors) {
  auto env = NewMemEnv();
  ASSERT_OK(env->CreateDirs("/r/web/node_modules/x"));
  ASSERT_OK(env->CreateDirs("/r/api/.venv/lib"));
  ASSERT_OK(env->CreateDirs("/r/go/vendor/m"));
  ASSERT_OK(env->WriteFileAtomic("/r/web/package.json", R"({"dependencies": {"lodash": "^4.17.21"}})"));
  ASSERT_OK(env->WriteFileAtomic("/r/web/yarn.lock", "lodash@^4.17.21:\n  version \"4.17.21\"\n"));
  ASSERT_OK(env->WriteFileAtomic("/r/web/node_modules/x/package.json", R"({"dependencies": {"evil": "1"}})"));
  ASSERT_OK(env->WriteFileAtomic("/r/api/requirements.txt", "-r base.txt\nflask==3.0.2\n"));
  ASSERT_OK(env->WriteFileAtomic("/r/api/base.txt", "attrs==23.2.0\n"));
  ASSERT_OK(env->WriteFileAtomic("/r/api/.venv/lib/requirements.txt", "evil==1\n"));
  ASSERT_OK(env->WriteFileAtomic("/r/go/go.mod", "module m\nrequire (\n  x v1\n"));
  ASSERT_OK(env->WriteFileAtomic("/r/go/vendor/m/go.mod", "module evil\n"));
  auto listing = ListTreeDependencies(env.get(), "/r");
  ASSERT_OK(listing);
  EXPECT_THAT(listing->files, ::testing::ElementsAre("api/requirements.txt", "go/go.mod",
                                                     "web/package.json", "web/yarn.lock"));
  std::vector<std::string> got;
  for (const Package& p : listing->packages) {
    got.push_back(p.name + "@" + p.version + " " + p.file + ":" + std::to_string(p.line) +
                  (p.direct ? " direct" : ""));
  }
  EXPECT_THAT(got, ::testing::ElementsAre("attrs@23.2.0 api/base.txt:1 direct",
                                          "flask@3.0.2 api/requirements.txt:2 direct",
                                          "lodash@^4.17.21 web/package.json:1 direct",
                                          "lodash@4.17.21 web/yarn.lock:1 direct"));
  ASSERT_EQ(listing->errors.size(), 1u);
  EXPECT_EQ(listing->errors[0].ToString(), "go/go.mod:3: require block is not closed");

  EXPECT_FALSE(ListTreeDependencies(env.get(), "/nowhere").ok());
}

TEST(DepsTest, DiffReportsNewPackagesAndNewVersionsOnly) {
  std::vector<Package> before = {
      P(Ecosystem::kNpm, "express", "4.18.0", "package-lock.json", 10),
      P(Ecosystem::kNpm, "lodash", "4.17.21", "package-lock.json", 20),
      P(Ecosystem::kPyPI, "django", "4.2.0", "requirements.txt", 1),
      P(Ecosystem::kNuGet, "Newtonsoft.Json", "13.0.3", "packages.lock.json", 5),
      P(Ecosystem::kNpm, "removed", "1.0.0", "package-lock.json", 30),
  };
  std::vector<Package> after = {
      P(Ecosystem::kNpm, "express", "4.19.2", "package-lock.json", 10),    // bumped
      P(Ecosystem::kNpm, "lodash", "4.17.21", "web/package-lock.json", 9),  // moved: not new
      P(Ecosystem::kNpm, "left-pad", "1.3.0", "package-lock.json", 40),    // new
      P(Ecosystem::kNpm, "left-pad", "1.3.0", "package-lock.json", 55),    // second copy: once
      P(Ecosystem::kPyPI, "Django", "4.2.0", "requirements.txt", 1),       // same after PEP 503
      P(Ecosystem::kNuGet, "newtonsoft.json", "13.0.3", "packages.lock.json", 5),  // case-insensitive
      P(Ecosystem::kPyPI, "express", "1.0", "requirements.txt", 2),        // other ecosystem: new
  };
  std::vector<DependencyChange> d = DiffDependencies(before, after);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].kind, DependencyChange::Kind::kNewVersion);
  EXPECT_EQ(d[0].package.name, "express");
  EXPECT_THAT(d[0].previous_versions, ::testing::ElementsAre("4.18.0"));
  EXPECT_EQ(d[1].kind, DependencyChange::Kind::kNewPackage);
  EXPECT_EQ(d[1].package.name, "left-pad");
  EXPECT_EQ(d[1].package.line, 40u);
  EXPECT_EQ(d[2].kind, DependencyChange::Kind::kNewPackage);
  EXPECT_EQ(d[2].package.ecosystem, Ecosystem::kPyPI);
  EXPECT_TRUE(DiffDependencies(after, after).empty());
}

}  // namespace
}  // namespace custody
