// The Python family against hand-written fixtures (testdata/python) that
// carry the tricky cases of reference/supply-chain.md section 4.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "common/test_util.h"
#include "custody/deps.h"
#include "deps/test_helpers.h"

namespace custody {
namespace {

using deps_testing::Describe;
using deps_testing::ReadTestdata;
using deps_testing::TestdataReader;
using ::testing::ElementsAre;

TEST(RequirementsTest, IncludesMarkersHashesAndUrls) {
  auto pkgs = ParseManifest("app/requirements.txt", ReadTestdata("python/app/requirements.txt"),
                            TestdataReader("python"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs),
              ElementsAre("attrs 23.2.0 direct prod app/requirements/base.txt:2",
                          "pyyaml >=6.0 (range) direct prod app/requirements/base.txt:4",
                          "django 4.2.11 direct prod app/requirements.txt:6",
                          "requests >= 2.31.0, <3 (range) direct prod app/requirements.txt:7",
                          "flask-sqlalchemy 3.1.1 direct prod app/requirements.txt:8",
                          "urllib3 2.2.1 direct prod app/requirements.txt:9",
                          "pywin32 306 direct prod app/requirements.txt:12",
                          "internal-tool v1.4.0 (range) direct prod app/requirements.txt:13",
                          "six https://files.example.invalid/six-1.16.0-py2.py3-none-any.whl (range) direct prod app/requirements.txt:14",
                          "editable-lib 3f2a1b9 (range) direct prod app/requirements.txt:15",
                          "numpy ~=1.26.0 (range) direct prod app/requirements.txt:18"));
}

TEST(RequirementsTest, DevFilesAndPipCompileAnnotations) {
  auto dev = ParseManifest("app/requirements-dev.txt", ReadTestdata("python/app/requirements-dev.txt"),
                           TestdataReader("python"));
  ASSERT_OK(dev);
  ASSERT_EQ(dev->size(), 13u);
  EXPECT_EQ(Describe(*dev)[11], "pytest 8.1.1 direct dev app/requirements-dev.txt:2");
  EXPECT_EQ(Describe(*dev)[12], "sphinx  (range) direct dev app/requirements-dev.txt:3");

  auto lock = ParseManifest("requirements.lock.txt", ReadTestdata("python/app/requirements.lock.txt"));
  ASSERT_OK(lock);
  EXPECT_THAT(Describe(*lock),
              ElementsAre("certifi 2024.2.2 transitive prod requirements.lock.txt:7",
                          "charset-normalizer 3.3.2 transitive prod requirements.lock.txt:9",
                          "idna 3.6 transitive prod requirements.lock.txt:11",
                          "requests 2.31.0 direct prod requirements.lock.txt:13",
                          "urllib3 2.2.1 direct prod requirements.lock.txt:15"));
}

TEST(RequirementsTest, Errors) {
  auto r = ParseManifest("requirements.txt", "flask\nfoo bar\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "requirements.txt:2:1: unexpected \"bar\" after the package name");
  r = ParseManifest("requirements.txt", "-r other.txt\n", deps_testing::MapReader({}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_EQ(r.status().ToString(), "requirements.txt:1: other.txt: included file not found");
  r = ParseManifest("requirements.txt", "-r ../../etc/passwd\n", deps_testing::MapReader({}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "requirements.txt:1:1: ../../etc/passwd: include outside the tree");
  // Includes that branch (20 per file, two levels: 420 files) stop at a
  // budget.
  std::string twenty;
  for (int i = 0; i < 20; ++i) twenty += "-r a" + std::to_string(i) + "/x.txt\n";
  ManifestReader any = [&](const std::string& p) -> Result<std::string> {
    return std::count(p.begin(), p.end(), '/') >= 2 ? std::string("pkg==1\n") : twenty;
  };
  r = ParseManifest("requirements.txt", twenty, any);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().ToString(), ::testing::HasSubstr("more than 256 includes"));
  r = ParseManifest("requirements.txt", "-r\n");
  EXPECT_FALSE(r.ok());
  r = ParseManifest("requirements.txt", "[extras]\n");
  EXPECT_FALSE(r.ok());
  r = ParseManifest("requirements.txt", "pkg[a\n");
  EXPECT_FALSE(r.ok());
}

TEST(PyprojectTest, Pep621AndDependencyGroups) {
  auto pkgs = ParseManifest("pyproject.toml", ReadTestdata("python/pep621/pyproject.toml"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs),
              ElementsAre("httpx >=0.27 (range) direct prod pyproject.toml:10",
                          "pydantic 2.6.4 direct prod pyproject.toml:11",
                          "ruamel-yaml  (range) direct prod pyproject.toml:12",
                          "zope-interface 6.2 (range) direct prod pyproject.toml:13",
                          "psycopg ~=3.1 (range) direct prod pyproject.toml:18",
                          "pytest >=8 (range) direct dev pyproject.toml:19",
                          "coverage  (range) direct dev pyproject.toml:19",
                          "ruff 0.3.4 direct dev pyproject.toml:22",
                          "mypy >=1.9 (range) direct dev pyproject.toml:23"));
}

TEST(PyprojectTest, Poetry) {
  auto pkgs = ParseManifest("pyproject.toml", ReadTestdata("python/poetry/pyproject.toml"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs),
              ElementsAre("fastapi ^0.110.0 (range) direct prod pyproject.toml:9",
                          "jinja2 3.1.3 direct prod pyproject.toml:10",
                          "uvicorn ^0.29.0 (range) direct prod pyproject.toml:11",
                          "forked v2.0.1 (range) direct prod pyproject.toml:13",
                          "numpy 1.24.4 direct prod pyproject.toml:14",
                          "pytest ^8.0 (range) direct dev pyproject.toml:20",
                          "black 24.3.0 direct dev pyproject.toml:21",
                          "click ^8.1 (range) direct prod pyproject.toml:24"));
  auto bad = ParseManifest("pyproject.toml", "[project]\ndependencies = [\"ok\", 3]\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "pyproject.toml:2: project.dependencies: expected strings");
  bad = ParseManifest("pyproject.toml", "[project\nname = 1\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().ToString(), ::testing::StartsWith("pyproject.toml:1:"));
}

TEST(PoetryLockTest, DirectFromPyprojectAndCategories) {
  auto pkgs = ParseManifest("poetry.lock", ReadTestdata("python/poetry/poetry.lock"),
                            TestdataReader("python/poetry"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs), ElementsAre("anyio 4.3.0 transitive prod poetry.lock:4",
                                           "fastapi 0.110.0 direct prod poetry.lock:18",
                                           "jinja2 3.1.3 direct prod poetry.lock:29",
                                           "pytest 8.1.1 direct dev poetry.lock:37",
                                           "forked 2.0.1 (range) direct prod poetry.lock:58"));
  auto old = ParseManifest("poetry.lock", ReadTestdata("python/poetry/poetry-old.lock"));
  ASSERT_OK(old);
  EXPECT_THAT(Describe(*old), ElementsAre("colorama 0.4.6 transitive dev poetry.lock:2",
                                          "click 8.1.7 transitive prod poetry.lock:10"));
  auto bad = ParseManifest("poetry.lock", "[[package]]\nname = \"x\"\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "poetry.lock:1: [[package]] needs a name and a version");
}

TEST(PipenvTest, PipfileAndLock) {
  auto pipfile = ParseManifest("Pipfile", ReadTestdata("python/pipenv/Pipfile"));
  ASSERT_OK(pipfile);
  EXPECT_THAT(Describe(*pipfile), ElementsAre("requests * (range) direct prod Pipfile:7",
                                              "django 4.2.11 direct prod Pipfile:8",
                                              "private v0.9 (range) direct prod Pipfile:9",
                                              "pytest >=8 (range) direct dev Pipfile:12"));
  auto lock = ParseManifest("Pipfile.lock", ReadTestdata("python/pipenv/Pipfile.lock"),
                            TestdataReader("python/pipenv"));
  ASSERT_OK(lock);
  EXPECT_THAT(Describe(*lock),
              ElementsAre("certifi 2024.2.2 transitive prod Pipfile.lock:19",
                          "django 4.2.11 direct prod Pipfile.lock:26",
                          "private 5d1f2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5 (range) direct prod Pipfile.lock:31",
                          "requests 2.31.0 direct prod Pipfile.lock:35",
                          "pytest 8.1.1 direct dev Pipfile.lock:42",
                          "pluggy 1.4.0 transitive dev Pipfile.lock:46"));
  auto bad = ParseManifest("Pipfile.lock", "{\"default\": {\"x\": {\"hashes\": []}}}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "Pipfile.lock:1: \"x\": no version");
}

TEST(UvLockTest, DevByReachability) {
  auto pkgs = ParseManifest("uv.lock", ReadTestdata("python/uv/uv.lock"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs), ElementsAre("certifi 2024.2.2 transitive prod uv.lock:5",
                                           "httpx 0.27.0 direct prod uv.lock:11",
                                           "iniconfig 2.0.0 transitive dev uv.lock:20",
                                           "pytest 8.1.1 direct dev uv.lock:25",
                                           "sniffio 1.3.1 transitive prod uv.lock:34"));
  auto bad = ParseManifest("uv.lock", "[[package]]\nname = \"x\"\nsource = { registry = \"r\" }\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "uv.lock:2: x: no version");
}

TEST(NormalizeTest, Pep503) {
  EXPECT_EQ(NormalizePackageName(Ecosystem::kPyPI, "Flask_SQLAlchemy"), "flask-sqlalchemy");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kPyPI, "zope..interface"), "zope-interface");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kPyPI, "a-_-b"), "a-b");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kPackagist, "Monolog/Monolog"), "monolog/monolog");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kNpm, "@Scope/X"), "@Scope/X");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kCargo, "Serde_JSON"), "serde-json");
}

}  // namespace
}  // namespace custody
