#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "common/test_util.h"
#include "custody/scan.h"
#include "scan/scan_internal.h"
#include "scan/test_rules.h"

namespace custody {
namespace {

using testing::ReadTestdata;

Status Load(const std::string& text, RuleSet* set) { return LoadCustodyRules(text, "p.toml", set); }

TEST(ScanRulesTest, FixtureLoadsAllFields) {
  RuleSet set = testing::TestRules();
  ASSERT_GE(set.rules.size(), 7u);
  const ScanRule& r = set.rules[0];
  EXPECT_EQ(r.id, "test-live-key");
  EXPECT_EQ(r.severity, Severity::kCritical);
  EXPECT_EQ(r.keywords, std::vector<std::string>{"tk_live_"});
  EXPECT_DOUBLE_EQ(r.entropy, 3.0);
  EXPECT_TRUE(r.placeholder_check);
  EXPECT_EQ(r.examples.size(), 2u);
  EXPECT_EQ(r.origin, "testdata/rules.toml:5:1");
}

TEST(ScanRulesTest, ErrorsNameFileLineAndRule) {
  RuleSet set;
  Status s = Load("[[rules]]\nid='a'\n", &set);
  EXPECT_NE(s.message().find("missing version"), std::string::npos) << s.message();
  s = Load("version = 1\n[[rules]]\nid = 'Bad_Id'\n", &set);
  EXPECT_NE(s.message().find("p.toml:2:1"), std::string::npos) << s.message();
  s = Load("version = 1\n[[rules]]\nid = 'x'\ndescription='d'\ncategory='secret'\nseverity='high'\n", &set);
  EXPECT_NE(s.message().find("rule x: missing regex"), std::string::npos) << s.message();
  s = Load("version = 1\n[[rules]]\nid = 'x'\ndescription='d'\ncategory='secret'\nseverity='urgent'\nregex='a'\n", &set);
  EXPECT_NE(s.message().find("not one of critical"), std::string::npos) << s.message();
  {
    RuleSet bad;
    ASSERT_OK(Load("version = 1\n[[rules]]\nid = 'x'\ndescription='d'\ncategory='secret'\nseverity='high'\nregex='(a'\n", &bad));
    auto c = Scanner::Compile(bad, {});
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.status().message().find("p.toml:2:1: rule x: invalid regex"), std::string::npos) << c.status().message();
  }
  s = Load("version = 1\n[[rules]]\nid = 'x'\ndescription='d'\ncategory='secret'\nseverity='high'\nregex='a'\nentropy='hi'\n", &set);
  EXPECT_NE(s.message().find("p.toml:8:9: rule x: entropy must be a number"), std::string::npos) << s.message();
  s = Load("version = 1\n[[rules]]\nid = 'x'\ndescription='d'\ncategory='secret'\nseverity='high'\nregex='a'\n"
           "[rules.allowlist]\nregex_target='everything'\n", &set);
  EXPECT_NE(s.message().find("regex_target"), std::string::npos) << s.message();
  s = Load("version = 1\n[[rules]]\nid = 'x'\ndescription='d'\ncategory='secret'\nseverity='high'\nregex='a'\n"
           "[[rules]]\nid = 'x'\ndescription='d'\ncategory='secret'\nseverity='high'\nregex='a'\n", &set);
  EXPECT_NE(s.message().find("repeats"), std::string::npos) << s.message();
  s = Load("version = 1\n[[rules]]\nid = 'x'\ndescription='d'\ncategory='secret'\nseverity='high'\nregex='ab'\nprefilter=2\n",
           &set);
  EXPECT_NE(s.message().find("p.toml:8:11: rule x: prefilter must be a string"), std::string::npos) << s.message();
  {
    RuleSet ok;
    ASSERT_OK(Load("version = 1\n[[rules]]\nid = 'x'\ndescription='d'\ncategory='secret'\nseverity='high'\nregex='ab'\n"
                   "prefilter='b'\n",
                   &ok));
    ASSERT_EQ(ok.rules.size(), 1u);
    EXPECT_EQ(ok.rules[0].prefilter, "b");
  }
  s = Load("version = 1\nrules = [1]\n", &set);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(set.rules.empty());  // nothing half-loaded
}

TEST(ScanRulesTest, LaterRulesReplaceEarlierIds) {
  RuleSet set;
  std::string rule = "version = 1\n[[rules]]\nid = 'x'\ndescription='%'\ncategory='secret'\nseverity='high'\nregex='a'\n";
  std::string a = rule, b = rule;
  a.replace(a.find('%'), 1, "first");
  b.replace(b.find('%'), 1, "second");
  ASSERT_OK(Load(a, &set));
  ASSERT_OK(Load(b, &set));
  ASSERT_EQ(set.rules.size(), 1u);
  EXPECT_EQ(set.rules[0].description, "second");
}

TEST(ScanRulesTest, GitleaksFieldsAndAllowlists) {
  const char* text = R"(
title = "custom"
[[rules]]
id = "my-token"
description = "My token"
regex = '''(?i)mytok_([a-z0-9]{24})'''
secretGroup = 1
entropy = 3.2
keywords = ["MyTok_"]
path = '''\.env$'''
tags = ["key", "custom"]
  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''fixture''']
  condition = "AND"
  paths = ['''^test/''']
  [rules.allowlist]
  stopwords = ["DEMO"]
  commits = ["deadbeef"]
[[rules]]
id = "old-rule"
regex = '''old_[0-9]{10}'''
[[rules]]
id = "composite"
regex = '''c_[0-9]{10}'''
  [[rules.required]]
  id = "old-rule"
[allowlist]
description = "global"
paths = ['''(^|/)vendor/''']
[[allowlists]]
targetRules = ["my-token"]
regexes = ['''^0+$''']
[extend]
disabledRules = ["old-rule"]
)";
  RuleSet set;
  ASSERT_OK(LoadGitleaksConfig(text, "gl.toml", nullptr, &set));
  ASSERT_EQ(set.rules.size(), 2u);
  const ScanRule& r = set.rules[0];
  EXPECT_EQ(r.id, "my-token");
  EXPECT_EQ(r.secret_group, 1);
  EXPECT_DOUBLE_EQ(r.entropy, 3.2);
  EXPECT_EQ(r.keywords, std::vector<std::string>{"mytok_"});
  EXPECT_EQ(r.paths, std::vector<std::string>{R"(\.env$)"});
  EXPECT_EQ(r.category, RuleCategory::kSecret);
  ASSERT_EQ(r.allowlists.size(), 2u);
  // [rules.allowlist] (legacy) is read before [[rules.allowlists]].
  EXPECT_EQ(r.allowlists[0].stopwords, std::vector<std::string>{"demo"});
  EXPECT_EQ(r.allowlists[0].commits, std::vector<std::string>{"deadbeef"});
  EXPECT_EQ(r.allowlists[1].regex_target, ScanAllowlist::Target::kLine);
  EXPECT_TRUE(r.allowlists[1].condition_and);
  EXPECT_EQ(set.allowlists.size(), 2u);
  EXPECT_EQ(set.allowlists[1].target_rules, std::vector<std::string>{"my-token"});
  ASSERT_EQ(set.warnings.size(), 1u);
  EXPECT_NE(set.warnings[0].find("composite"), std::string::npos);
  ASSERT_TRUE(Scanner::Compile(set, {}).ok());
}

TEST(ScanRulesTest, GitleaksExtendPathIsReadRelative) {
  std::map<std::string, std::string> files = {
      {"cfg/base.toml", "[[rules]]\nid = 'base-rule'\nregex = '''base_[0-9]{8}'''\n"},
  };
  FileReader read = [&](const std::string& p) -> Result<std::string> {
    auto it = files.find(p);
    if (it == files.end()) return Status::NotFound(p, "no such file");
    return it->second;
  };
  RuleSet set;
  ASSERT_OK(LoadGitleaksConfig("[extend]\npath = 'base.toml'\n[[rules]]\nid='top'\nregex='''t_[0-9]{8}'''\n",
                               "cfg/top.toml", read, &set));
  ASSERT_EQ(set.rules.size(), 2u);
  EXPECT_EQ(set.rules[0].id, "base-rule");
  RuleSet bad;
  Status s = LoadGitleaksConfig("[extend]\npath = 'missing.toml'\n", "cfg/top.toml", read, &bad);
  EXPECT_NE(s.message().find("cfg/top.toml:"), std::string::npos) << s.message();
  // Self-inclusion stops at the depth limit instead of recursing forever.
  files["cfg/loop.toml"] = "[extend]\npath = 'loop.toml'\n";
  EXPECT_FALSE(LoadGitleaksConfig(files["cfg/loop.toml"], "cfg/loop.toml", read, &bad).ok());
}

// The gitleaks-format fixture (≥ 100 rules shaped like gitleaks' default
// config): every rule loads and compiles into one database.
TEST(ScanRulesTest, FullGitleaksConfigCompilesEveryRule) {
  RuleSet set;
  ASSERT_OK(LoadGitleaksConfig(ReadTestdata("gitleaks_full.toml"), "testdata/gitleaks_full.toml", nullptr, &set));
  EXPECT_GE(set.rules.size(), 100u);
  auto sc = Scanner::Compile(set, {});
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  EXPECT_EQ((*sc)->rule_count(), set.rules.size());
  // Say which rules run RE2-only and why (the build log shows this).
  for (const auto& n : (*sc)->notes()) {
    std::cout << "note: " << n.origin << ": " << n.rule_id << " runs on RE2 only: " << n.reason << "\n";
  }
  EXPECT_LE((*sc)->notes().size(), set.rules.size() / 10) << "most rules should run in Vectorscan";
}

TEST(ScanRulesTest, LoadRulesPathDetectsTheFormat) {
  RuleSet set;
  ASSERT_OK(LoadRulesPath(std::string(CUSTODY_SCAN_TESTDATA) + "/rules.toml", &set));
  size_t custody = set.rules.size();
  ASSERT_OK(LoadRulesPath(std::string(CUSTODY_SCAN_TESTDATA) + "/gitleaks_full.toml", &set));
  EXPECT_GT(set.rules.size(), custody);
  EXPECT_EQ(LoadRulesPath("/nonexistent/rules.toml", &set).code(), Code::kNotFound);
}

// The packs of rules/ (when this tree has them): each loads, compiles, and
// its examples hold.
TEST(ScanRulesTest, DefaultPacksCompileAndExamplesHold) {
  auto set = DefaultRuleSet();
  ASSERT_OK(set);
  if (set->rules.empty()) GTEST_SKIP() << "no rule packs in rules/ in this build";
  auto sc = Scanner::Compile(*set, {});
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  for (const auto& n : (*sc)->notes()) {
    std::cout << "note: " << n.origin << ": " << n.rule_id << " runs on RE2 only: " << n.reason << "\n";
  }
  auto session = (*sc)->NewSession();
  ASSERT_OK(session);
  for (const auto& rule : set->rules) {
    for (const auto& ex : rule.examples) {
      std::vector<Finding> out;
      ASSERT_OK((*sc)->Scan(**session, ex.text, ex.path, "", &out));
      size_t n = std::count_if(out.begin(), out.end(), [&](const Finding& f) { return f.rule_id == rule.id; });
      EXPECT_EQ(n, ex.match ? 1u : 0u) << rule.origin << ": " << rule.id << " example: " << ex.text;
    }
  }
}

TEST(ScanRulesTest, RuleSetCacheFormatRoundTrips) {
  auto def = DefaultRuleSet();
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  RuleSet set = *def;
  set.allowlists.emplace_back();
  set.allowlists.back().regexes = {"a", "b"};
  set.allowlists.back().regex_target = ScanAllowlist::Target::kLine;
  set.allowlists.back().condition_and = true;
  set.warnings = {"w1"};
  std::string bytes = scan_internal::SerializeRuleSet(set);
  RuleSet back;
  ASSERT_TRUE(scan_internal::ParseRuleSet(bytes, &back));
  EXPECT_TRUE(back.rules == set.rules);
  EXPECT_TRUE(back.allowlists == set.allowlists);
  EXPECT_EQ(back.warnings, set.warnings);
  // Anything cut short or extended is rejected, never half read.
  for (size_t n : {size_t{0}, size_t{3}, bytes.size() / 2, bytes.size() - 1}) {
    RuleSet cut;
    EXPECT_FALSE(scan_internal::ParseRuleSet(std::string_view(bytes).substr(0, n), &cut)) << n;
    EXPECT_TRUE(cut.rules.empty());
  }
  EXPECT_FALSE(scan_internal::ParseRuleSet(bytes + "x", &back));
}

TEST(ScanRulesTest, DefaultRuleSetFromTheCache) {
  testing::ScopedTempDir tmp;
  auto plain = DefaultRuleSet();
  ASSERT_TRUE(plain.ok());
  auto first = DefaultRuleSet(tmp.path());  // parses and writes
  ASSERT_TRUE(first.ok());
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  auto second = DefaultRuleSet(tmp.path());  // reads
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(first->rules == plain->rules);
  EXPECT_TRUE(second->rules == plain->rules);
  EXPECT_EQ(second->allowlists.size(), plain->allowlists.size());
  // A damaged file is ignored and written anew.
  std::filesystem::resize_file(files[0], std::filesystem::file_size(files[0]) - 5);
  auto third = DefaultRuleSet(tmp.path());
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->rules == plain->rules);
  auto fourth = DefaultRuleSet(tmp.path());
  ASSERT_TRUE(fourth.ok());
  EXPECT_TRUE(fourth->rules == plain->rules);
}

}  // namespace
}  // namespace custody
