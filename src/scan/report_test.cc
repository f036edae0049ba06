#include <gtest/gtest.h>

#include "common/test_util.h"
#include "custody/scan_run.h"
#include "scan/test_rules.h"

namespace custody {
namespace {

constexpr char kKey[] = "tk_live_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO";

ScanReport MakeReport(std::unique_ptr<Scanner>* keep) {
  auto sc = Scanner::Compile(testing::TestRules(), {});
  EXPECT_TRUE(sc.ok());
  *keep = std::move(*sc);
  auto session = (*keep)->NewSession();
  ScanReport r;
  r.mode = "tree";
  std::string text = std::string("k = '") + kKey + "'\nverify=False\n";
  EXPECT_TRUE((*keep)->Scan(**session, text, "dir with space/a.py", "", &r.findings).ok());
  r.files_scanned = 1;
  return r;
}

TEST(ScanReportTest, BaselineRoundTrip) {
  std::unique_ptr<Scanner> sc;
  ScanReport r = MakeReport(&sc);
  ASSERT_EQ(r.findings.size(), 2u);
  std::string text = SerializeBaseline(r.findings);
  EXPECT_EQ(text.find(kKey), std::string::npos);
  auto fps = ParseBaseline(text, "b.json");
  ASSERT_OK(fps);
  EXPECT_EQ(fps->size(), 2u);
  std::vector<Finding> f = r.findings;
  EXPECT_EQ(ApplyBaseline(*fps, &f), 2u);
  EXPECT_TRUE(f.empty());
  // A --json report works as a baseline too.
  auto from_report = ParseBaseline(ReportJson(r).dump(), "r.json");
  ASSERT_OK(from_report);
  EXPECT_EQ(*from_report, *fps);
  EXPECT_EQ(ParseBaseline("[1]", "b.json").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseBaseline("{\"fingerprints\":[\"zz\"]}", "b.json").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseBaseline("not json", "b.json").status().code(), Code::kInvalidArgument);
}

TEST(ScanReportTest, JsonHasNoSecret) {
  std::unique_ptr<Scanner> sc;
  ScanReport r = MakeReport(&sc);
  std::string j = ReportJson(r).dump();
  EXPECT_EQ(j.find(kKey), std::string::npos);
  EXPECT_EQ(j.find("u8jzPde0IgxLd6Gn"), std::string::npos);
  auto parsed = nlohmann::json::parse(j);
  EXPECT_EQ(parsed["findings"][0]["rule_id"], "test-live-key");
  EXPECT_EQ(parsed["findings"][0]["line"], 1);
  EXPECT_EQ(parsed["stats"]["files_scanned"], 1);
}

TEST(ScanReportTest, SarifShapeForGithub) {
  std::unique_ptr<Scanner> sc;
  ScanReport r = MakeReport(&sc);
  nlohmann::json s = ReportSarif(r, sc->rules());
  EXPECT_EQ(s["version"], "2.1.0");
  EXPECT_TRUE(s["$schema"].is_string());
  const auto& run = s["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "custody");
  const auto& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 2u);  // only rules with results
  for (const auto& rule : rules) {
    EXPECT_FALSE(rule["id"].get<std::string>().empty());
    EXPECT_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
    EXPECT_FALSE(rule["help"]["text"].get<std::string>().empty());
    EXPECT_TRUE(rule["properties"]["security-severity"].is_string());
    auto tags = rule["properties"]["tags"];
    EXPECT_NE(std::find(tags.begin(), tags.end(), "security"), tags.end());
  }
  const auto& res = run["results"];
  ASSERT_EQ(res.size(), 2u);
  for (const auto& x : res) {
    EXPECT_TRUE(x["ruleId"].is_string());
    EXPECT_TRUE(x["level"] == "error" || x["level"] == "warning" || x["level"] == "note");
    EXPECT_FALSE(x["message"]["text"].get<std::string>().empty());
    const auto& loc = x["locations"][0]["physicalLocation"];
    EXPECT_EQ(loc["artifactLocation"]["uri"], "dir%20with%20space/a.py");
    EXPECT_GE(loc["region"]["startLine"].get<int>(), 1);
    EXPECT_TRUE(x["partialFingerprints"]["primaryLocationLineHash"].is_string());
    EXPECT_EQ(rules[x["ruleIndex"].get<size_t>()]["id"], x["ruleId"]);
  }
  EXPECT_EQ(s.dump().find(kKey), std::string::npos);
  EXPECT_EQ(SecuritySeverity(Severity::kCritical), "9.5");
}

}  // namespace
}  // namespace custody
