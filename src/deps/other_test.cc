// Go, Cargo, RubyGems, Maven, Gradle, Packagist and NuGet against
// hand-written fixtures (testdata/<ecosystem>) with the tricky cases of
// reference/supply-chain.md section 4.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "custody/deps.h"
#include "deps/test_helpers.h"

namespace custody {
namespace {

using deps_testing::Describe;
using deps_testing::ReadTestdata;
using deps_testing::TestdataReader;
using ::testing::ElementsAre;
using ::testing::StartsWith;

TEST(GoModTest, RequireBlocksIndirectAndReplace) {
  auto pkgs = ParseManifest("go.mod", ReadTestdata("go/go.mod"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs),
              ElementsAre("github.com/spf13/cobra v1.8.0 direct prod go.mod:7",
                          "github.com/google/uuid v1.6.0 direct prod go.mod:10",
                          "golang.org/x/net v0.0.0-20240311171530-4a9b0f2a1b2c transitive prod go.mod:11",
                          "github.com/fork/lib v1.2.1-fix direct prod go.mod:12",
                          "gopkg.in/yaml.v3 v3.0.1 transitive prod go.mod:14",
                          "github.com/go-chi/chi/v5 v5.0.12 direct prod go.mod:15"));
  for (const Package& p : *pkgs) EXPECT_EQ(p.ecosystem, Ecosystem::kGo);
  auto bad = ParseManifest("go.mod", "module x\nrequire (\n  a v1\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "go.mod:3: require block is not closed");
  bad = ParseManifest("go.mod", "module x\nrequire a\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "go.mod:2: require: expected MODULE VERSION");
  bad = ParseManifest("go.mod", "frobnicate x\n");
  EXPECT_FALSE(bad.ok());
}

TEST(GoSumTest, ModulesInTheBuild) {
  auto pkgs = ParseManifest("go.sum", ReadTestdata("go/go.sum"), TestdataReader("go"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs),
              ElementsAre("github.com/google/uuid v1.6.0 direct prod go.sum:1",
                          "github.com/inconshreveable/mousetrap v1.1.0 transitive prod go.sum:3",
                          "github.com/spf13/cobra v1.8.0 direct prod go.sum:5",
                          "golang.org/x/net v0.0.0-20240311171530-4a9b0f2a1b2c transitive prod go.sum:8"));
  auto bad = ParseManifest("go.sum", "a v1 h1:x\nb v2\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "go.sum:2: expected MODULE VERSION h1:HASH");
}

TEST(CargoTest, ManifestRenamesPathsAndTargets) {
  auto pkgs = ParseManifest("Cargo.toml", ReadTestdata("cargo/Cargo.toml"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs),
              ElementsAre("serde 1.0.197 (range) direct prod Cargo.toml:7",
                          "anyhow 1 (range) direct prod Cargo.toml:8",
                          "log 0.4.21 direct prod Cargo.toml:9",
                          "rand_core 0.6 (range) direct prod Cargo.toml:10",
                          "tokio 1.36 (range) direct prod Cargo.toml:11",
                          "patched a1b2c3d (range) direct prod Cargo.toml:13",
                          "proptest 1.4.0 (range) direct dev Cargo.toml:16",
                          "cc 1.0.90 (range) direct prod Cargo.toml:19",
                          "winapi 0.3.9 (range) direct prod Cargo.toml:22"));
}

TEST(CargoTest, LockDirectFromWorkspaceCrates) {
  auto pkgs = ParseManifest("Cargo.lock", ReadTestdata("cargo/Cargo.lock"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs), ElementsAre("anyhow 1.0.81 direct prod Cargo.lock:6",
                                           "rand_core 0.5.1 transitive prod Cargo.lock:16",
                                           "rand_core 0.6.4 direct prod Cargo.lock:21",
                                           "serde 1.0.197 direct prod Cargo.lock:26",
                                           "serde_derive 1.0.197 transitive prod Cargo.lock:34"));
  auto bad = ParseManifest("Cargo.lock", "[[package]]\nname = 3\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "Cargo.lock:1: [[package]] needs a name and a version");
}

TEST(GemfileLockTest, SectionsPlatformsAndDependencies) {
  auto pkgs = ParseManifest("Gemfile.lock", ReadTestdata("ruby/Gemfile.lock"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs), ElementsAre("sprockets 4.2.1 direct prod Gemfile.lock:6",
                                           "concurrent-ruby 1.2.3 transitive prod Gemfile.lock:19",
                                           "nokogiri 1.16.3 direct prod Gemfile.lock:20",
                                           "nokogiri 1.16.3 direct prod Gemfile.lock:22",
                                           "rack 3.0.10 transitive prod Gemfile.lock:24",
                                           "racc 1.7.3 transitive prod Gemfile.lock:25",
                                           "rspec 3.13.0 direct prod Gemfile.lock:26"));
  auto bad = ParseManifest("Gemfile.lock", "GEM\n  specs:\n    broken\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "Gemfile.lock:3:5: expected \"name (version)\" in specs");
}

TEST(PomTest, PropertiesManagementAndBoms) {
  auto pkgs = ParseManifest("svc/pom.xml", ReadTestdata("maven/pom.xml"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs),
              ElementsAre("com.fasterxml.jackson:jackson-bom 2.17.0 direct prod svc/pom.xml:21",
                          "com.fasterxml.jackson.core:jackson-databind 2.17.0 direct prod svc/pom.xml:43",
                          "org.slf4j:slf4j-api 2.0.12 direct prod svc/pom.xml:48",
                          "com.example:orders-model 3.2.0 direct prod svc/pom.xml:52",
                          "com.google.guava:guava [32.0,33.0) (range) direct prod svc/pom.xml:57",
                          "org.junit.jupiter:junit-jupiter 5.10.2 direct dev svc/pom.xml:62",
                          "com.example:unresolved ${missing.version} (range) direct prod svc/pom.xml:66"));
  auto bad = ParseManifest("pom.xml", "<project>\n  <dependencies>\n    <dependency>\n  </dependencies>\n</project>\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().ToString(), StartsWith("pom.xml:"));
  bad = ParseManifest("pom.xml", "<project><dependencies><dependency><version>1</version></dependency></dependencies></project>");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "pom.xml:1: <dependency> needs groupId and artifactId");
  bad = ParseManifest("pom.xml", "<settings/>");
  EXPECT_FALSE(bad.ok());
  // A property that expands to itself cannot grow without bound.
  auto bomb = ParseManifest("pom.xml", R"(<project><properties><a>${a}${a}</a></properties>
<dependencies><dependency><groupId>g</groupId><artifactId>x</artifactId><version>${a}</version></dependency></dependencies></project>)");
  ASSERT_OK(bomb);
}

TEST(GradleLockTest, ConfigurationsAndEmpty) {
  auto pkgs = ParseManifest("app/gradle.lockfile", ReadTestdata("gradle/gradle.lockfile"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs),
              ElementsAre("com.google.guava:failureaccess 1.0.2 transitive prod app/gradle.lockfile:4",
                          "com.google.guava:guava 33.0.0-jre transitive prod app/gradle.lockfile:5",
                          "junit:junit 4.13.2 transitive dev app/gradle.lockfile:6",
                          "org.hamcrest:hamcrest-core 1.3 transitive dev app/gradle.lockfile:7"));
  auto bad = ParseManifest("gradle.lockfile", "a:b=c\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "gradle.lockfile:1:1: expected group:artifact:version=configurations");
}

TEST(ComposerTest, ManifestAndLock) {
  auto manifest = ParseManifest("composer.json", ReadTestdata("php/composer.json"));
  ASSERT_OK(manifest);
  EXPECT_THAT(Describe(*manifest),
              ElementsAre("monolog/monolog ^3.5 (range) direct prod composer.json:6",
                          "symfony/http-foundation v6.4.4 direct prod composer.json:7",
                          "phpunit/phpunit ^10.5 (range) direct dev composer.json:10"));
  auto lock = ParseManifest("composer.lock", ReadTestdata("php/composer.lock"), TestdataReader("php"));
  ASSERT_OK(lock);
  EXPECT_THAT(Describe(*lock),
              ElementsAre("monolog/monolog 3.5.0 direct prod composer.lock:8",
                          "psr/log 3.0.0 transitive prod composer.lock:22",
                          "symfony/http-foundation v6.4.4 direct prod composer.lock:27",
                          "phpunit/phpunit 10.5.13 direct dev composer.lock:34",
                          "acme/dev-tools dev-main (range) transitive dev composer.lock:39"));
  auto bad = ParseManifest("composer.lock", "{\"packages\": [{\"name\": \"a/b\"}]}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "composer.lock:1: package needs a name and a version");
}

TEST(NugetLockTest, FrameworksMergedProjectsSkipped) {
  auto pkgs = ParseManifest("src/App/packages.lock.json", ReadTestdata("nuget/packages.lock.json"));
  ASSERT_OK(pkgs);
  EXPECT_THAT(Describe(*pkgs),
              ElementsAre("Newtonsoft.Json 13.0.3 direct prod src/App/packages.lock.json:5",
                          "Serilog 3.1.1 transitive prod src/App/packages.lock.json:11",
                          "Microsoft.Extensions.Logging 8.0.0 transitive prod src/App/packages.lock.json:29"));
  auto bad = ParseManifest("packages.lock.json", "{\"version\": 1, \"dependencies\": {\"net8.0\": {\"A\": {\"type\": \"Direct\"}}}}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "packages.lock.json:1: \"A\": no resolved version");
}

}  // namespace
}  // namespace custody
