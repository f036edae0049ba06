#include "custody/registry_client.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/test_util.h"
#include "custody/hash.h"

namespace custody {
namespace {

using ::custody::testing::ScopedTempDir;

RegistryConfig AllAt(const std::string& base) {
  RegistryConfig c;
  for (Ecosystem e : {Ecosystem::kNpm, Ecosystem::kPyPI, Ecosystem::kGo, Ecosystem::kCargo, Ecosystem::kRubyGems,
                      Ecosystem::kMaven, Ecosystem::kPackagist, Ecosystem::kNuGet}) {
    c.base_urls[e] = base;
  }
  return c;
}

TEST(RegistryClientTest, BuildsEachEcosystemsRequest) {
  RegistryClient c(AllAt("http://mirror.example.invalid/r"));
  auto url = [&](Ecosystem e, const char* n) {
    auto u = c.UrlFor(e, n);
    return u.ok() ? *u : "error: " + u.status().ToString();
  };
  const std::string b = "http://mirror.example.invalid/r/";
  EXPECT_EQ(url(Ecosystem::kNpm, "@types/node"), b + "@types%2Fnode");
  EXPECT_EQ(url(Ecosystem::kNpm, "lodash"), b + "lodash");
  EXPECT_EQ(url(Ecosystem::kPyPI, "Python_Dateutil"), b + "pypi/python-dateutil/json");
  EXPECT_EQ(url(Ecosystem::kCargo, "serde_json"), b + "api/v1/crates/serde_json");
  EXPECT_EQ(url(Ecosystem::kGo, "github.com/BurntSushi/toml"), b + "github.com/!burnt!sushi/toml/@v/list");
  EXPECT_EQ(url(Ecosystem::kRubyGems, "rails"), b + "api/v1/versions/rails.json");
  EXPECT_EQ(url(Ecosystem::kPackagist, "Monolog/Monolog"), b + "p2/monolog/monolog.json");
  EXPECT_EQ(url(Ecosystem::kNuGet, "Newtonsoft.Json"), b + "v3-flatcontainer/newtonsoft.json/index.json");
  EXPECT_EQ(url(Ecosystem::kMaven, "org.apache.commons:commons-lang3"),
            b + "org/apache/commons/commons-lang3/maven-metadata.xml");
  EXPECT_EQ(url(Ecosystem::kNpm, "a b?#"), b + "a%20b%3F%23");
  EXPECT_FALSE(c.UrlFor(Ecosystem::kMaven, "no-colon").ok());
  EXPECT_FALSE(c.UrlFor(Ecosystem::kPackagist, "novendor").ok());
  RegistryClient none(RegistryConfig{});
  auto u = none.UrlFor(Ecosystem::kNpm, "x");
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.status().code(), Code::kNotFound);
  EXPECT_NE(u.status().ToString().find("CUSTODY_REGISTRY_URL_NPM"), std::string::npos);
}

TEST(RegistryClientTest, ParsesEachEcosystemsAnswer) {
  auto v = [](Ecosystem e, const std::string& body) {
    auto r = ParseRegistryVersions(e, body);
    if (!r.ok()) return std::string("error");
    std::string s;
    for (const auto& x : *r) s += (s.empty() ? "" : ",") + x;
    return s;
  };
  EXPECT_EQ(v(Ecosystem::kNpm, R"({"name":"x","versions":{"1.0.0":{},"1.1.0":{}}})"), "1.0.0,1.1.0");
  EXPECT_EQ(v(Ecosystem::kPyPI, R"({"info":{},"releases":{"2.31.0":[],"2.32.0":[]}})"), "2.31.0,2.32.0");
  EXPECT_EQ(v(Ecosystem::kCargo, R"({"crate":{},"versions":[{"num":"1.0.1"},{"num":"1.0.0"}]})"), "1.0.1,1.0.0");
  EXPECT_EQ(v(Ecosystem::kGo, "v1.2.0\nv1.3.0\r\n"), "v1.2.0,v1.3.0");
  EXPECT_EQ(v(Ecosystem::kRubyGems, R"([{"number":"7.1.0"},{"number":"7.0.8"}])"), "7.1.0,7.0.8");
  EXPECT_EQ(v(Ecosystem::kPackagist, R"({"packages":{"monolog/monolog":[{"version":"3.5.0"},{"version":"3.4.0"}]}})"),
            "3.5.0,3.4.0");
  EXPECT_EQ(v(Ecosystem::kNuGet, R"({"versions":["13.0.1","13.0.3"]})"), "13.0.1,13.0.3");
  EXPECT_EQ(v(Ecosystem::kMaven,
              "<?xml version=\"1.0\"?><metadata><versioning><versions><version>3.12.0</version>"
              "<version>3.13.0</version></versions></versioning></metadata>"),
            "3.12.0,3.13.0");
  // Not the expected format: an error, never "exists with no versions".
  EXPECT_EQ(v(Ecosystem::kNpm, "<html>proxy login</html>"), "error");
  EXPECT_EQ(v(Ecosystem::kNpm, R"({"error":"x"})"), "error");
  EXPECT_EQ(v(Ecosystem::kGo, "<html>"), "error");
  EXPECT_EQ(v(Ecosystem::kMaven, "<html></html>"), "error");
}

TEST(RegistryClientTest, UnreachableRegistryIsUnavailableNotMissing) {
  // Port 1 on loopback: refused at once, no network involved.
  RegistryConfig cfg = AllAt("http://127.0.0.1:1/");
  cfg.timeout_ms = 2000;
  RegistryClient c(cfg);
  auto r = c.Lookup(Ecosystem::kNpm, "lodash");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
}

TEST(RegistryClientTest, FreshCacheAnswersWithoutARequest) {
  ScopedTempDir tmp;
  RegistryConfig cfg = AllAt("http://127.0.0.1:1/");
  cfg.cache_dir = tmp.path();
  RegistryClient c(cfg);
  auto url = c.UrlFor(Ecosystem::kNpm, "lodash");
  ASSERT_TRUE(url.ok());
  std::string path = tmp.path() + "/" + Sha256Hex(*url).substr(0, 40) + ".json";
  std::ofstream(path) << R"({"url":")" << *url << R"(","fetched_at":)" << std::time(nullptr)
                      << R"(,"exists":true,"versions":["4.17.21"]})";
  auto r = c.Lookup(Ecosystem::kNpm, "lodash");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->exists);
  EXPECT_TRUE(r->from_cache);
  EXPECT_EQ(r->versions, std::vector<std::string>{"4.17.21"});
  // A stale entry is asked again (and here the registry is unreachable).
  std::ofstream(path, std::ios::trunc) << R"({"url":")" << *url << R"(","fetched_at":1,"exists":true,"versions":[]})";
  EXPECT_EQ(c.Lookup(Ecosystem::kNpm, "lodash").status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace custody
