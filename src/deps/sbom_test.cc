#include "custody/sbom.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace custody {
namespace {

Package P(Ecosystem e, const char* name, const char* version, bool dev = false) {
  Package p;
  p.ecosystem = e;
  p.name = name;
  p.version = version;
  p.dev = dev;
  p.file = "package-lock.json";
  p.line = 7;
  return p;
}

TEST(SbomTest, PackageUrlsFollowThePurlSpec) {
  EXPECT_EQ(PackageUrl(P(Ecosystem::kNpm, "@angular/core", "17.0.0")), "pkg:npm/%40angular/core@17.0.0");
  EXPECT_EQ(PackageUrl(P(Ecosystem::kNpm, "lodash", "4.17.21")), "pkg:npm/lodash@4.17.21");
  EXPECT_EQ(PackageUrl(P(Ecosystem::kPyPI, "Django_Rest", "3.1")), "pkg:pypi/django-rest@3.1");
  EXPECT_EQ(PackageUrl(P(Ecosystem::kGo, "github.com/gorilla/mux", "v1.8.0")),
            "pkg:golang/github.com/gorilla/mux@v1.8.0");
  EXPECT_EQ(PackageUrl(P(Ecosystem::kMaven, "org.apache.commons:commons-lang3", "3.12.0")),
            "pkg:maven/org.apache.commons/commons-lang3@3.12.0");
  EXPECT_EQ(PackageUrl(P(Ecosystem::kPackagist, "Monolog/Monolog", "3.5.0")), "pkg:composer/monolog/monolog@3.5.0");
  EXPECT_EQ(PackageUrl(P(Ecosystem::kNuGet, "Newtonsoft.Json", "13.0.3")), "pkg:nuget/Newtonsoft.Json@13.0.3");
  EXPECT_EQ(PackageUrl(P(Ecosystem::kCargo, "serde", "1.0.0+build")), "pkg:cargo/serde@1.0.0%2Bbuild");
  Package range = P(Ecosystem::kNpm, "react", "^18.0.0");
  range.pinned = false;
  EXPECT_EQ(PackageUrl(range), "pkg:npm/react");
}

TEST(SbomTest, CycloneDxCarriesLicencesScopesAndProvenance) {
  SbomMeta meta{"shop", "0123456789abcdef0123456789abcdef01234567", "2026-12-02T12:00:00Z",
                "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", "0.1.0"};
  SbomComponent ai{P(Ecosystem::kNpm, "left-pad", "1.3.0"), "WTFPL",
                   SbomProvenance{"c0ffee", "ai", "claude-code", "claude-sonnet-4-5", "ck1", "Ada"}};
  SbomComponent human{P(Ecosystem::kNpm, "jest", "29.7.0", true), "MIT", SbomProvenance{"beef", "human", "", "", "", "Bo"}};
  SbomComponent dup = ai;
  dup.package.file = "web/package-lock.json";
  SbomComponent unknown{P(Ecosystem::kPyPI, "requests", "2.32.3"), "", std::nullopt};
  auto j = nlohmann::json::parse(CycloneDxJson(meta, {ai, human, dup, unknown}));
  EXPECT_EQ(j["bomFormat"], "CycloneDX");
  EXPECT_EQ(j["specVersion"], "1.6");
  EXPECT_EQ(j["serialNumber"], meta.serial_number);
  EXPECT_EQ(j["metadata"]["component"]["name"], "shop");
  ASSERT_EQ(j["components"].size(), 3u);
  const auto& c0 = j["components"][0];
  EXPECT_EQ(c0["purl"], "pkg:npm/left-pad@1.3.0");
  EXPECT_EQ(c0["licenses"][0]["expression"], "WTFPL");
  EXPECT_EQ(c0["scope"], "required");
  std::map<std::string, std::string> props;
  for (const auto& p : c0["properties"]) props[p["name"]] = p["value"];
  EXPECT_EQ(props["custody:provenance:origin"], "ai");
  EXPECT_EQ(props["custody:provenance:model"], "claude-sonnet-4-5");
  EXPECT_EQ(props["custody:declared-in"], "package-lock.json:7 web/package-lock.json:7");
  EXPECT_EQ(j["components"][1]["scope"], "optional");
  EXPECT_FALSE(j["components"][2].contains("licenses"));
  EXPECT_EQ(j["dependencies"][0]["dependsOn"].size(), 3u);
  auto random = nlohmann::json::parse(CycloneDxJson(SbomMeta{}, {}));
  EXPECT_EQ(random["serialNumber"].get<std::string>().substr(0, 9), "urn:uuid:");
  EXPECT_EQ(random["serialNumber"].get<std::string>().size(), 45u);
}

}  // namespace
}  // namespace custody
