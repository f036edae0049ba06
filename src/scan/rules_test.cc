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
skipReport = false
  [[rules.required]]
  id = "old-rule"
  withinLines = 3
  [[rules.required]]
  id = "my-token"
  withinColumns = 40
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
  // disabledRules drops rules of the extended config only, as in gitleaks:
  // this file extends nothing, so old-rule stays and a warning says so.
  ASSERT_EQ(set.rules.size(), 3u);
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
  EXPECT_NE(set.warnings[0].find("gl.toml:"), std::string::npos) << set.warnings[0];
  EXPECT_NE(set.warnings[0].find("disabledRules"), std::string::npos) << set.warnings[0];
  EXPECT_NE(set.warnings[0].find("old-rule"), std::string::npos) << set.warnings[0];
  const ScanRule& c = set.rules[2];
  EXPECT_FALSE(c.skip_report);
  ASSERT_EQ(c.required.size(), 2u);
  EXPECT_EQ(c.required[0], (RequiredRule{"old-rule", 3, -1}));
  EXPECT_EQ(c.required[1], (RequiredRule{"my-token", -1, 40}));
  ASSERT_TRUE(Scanner::Compile(set, {}).ok());
}

TEST(ScanRulesTest, GitleaksCompositeRuleErrors) {
  RuleSet set;
  Status s = LoadGitleaksConfig("[[rules]]\nid = 'a'\nregex = 'a_[0-9]{8}'\n[[rules.required]]\nwithinLines = 2\n",
                                "gl.toml", nullptr, &set);
  EXPECT_NE(s.message().find("gl.toml:4:"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("missing id"), std::string::npos) << s.message();
  s = LoadGitleaksConfig("[[rules]]\nid = 'a'\nregex = 'a_[0-9]{8}'\n[[rules.required]]\nid = 'b'\nwithinLines = -1\n",
                         "gl.toml", nullptr, &set);
  EXPECT_NE(s.message().find("withinLines must be an integer"), std::string::npos) << s.message();
  // An id that is not in the final set is refused when the rules compile
  // (after extend and disabledRules have done their work).
  RuleSet dangling;
  ASSERT_OK(LoadGitleaksConfig("[[rules]]\nid = 'a'\nregex = 'a_[0-9]{8}'\n[[rules.required]]\nid = 'nope'\n",
                               "gl.toml", nullptr, &dangling));
  auto sc = Scanner::Compile(dangling, {});
  ASSERT_FALSE(sc.ok());
  EXPECT_NE(sc.status().message().find("gl.toml:1:1: rule a"), std::string::npos) << sc.status().message();
  EXPECT_NE(sc.status().message().find("\"nope\""), std::string::npos) << sc.status().message();
}

// gitleaks' extend: a rule with an id of the extended config is merged into
// that rule (the common way to add an allowlist to a default rule).
TEST(ScanRulesTest, GitleaksExtendMergesRulesOfTheSameId) {
  std::map<std::string, std::string> files = {
      {"cfg/base.toml", R"(
[[rules]]
id = "tok"
description = "Base token"
regex = '''tok_([0-9a-f]{16})'''
keywords = ["tok_"]
tags = ["base"]
  [[rules.allowlists]]
  stopwords = ["deadbeef"]
[[rules]]
id = "gone"
regex = '''gone_[0-9]{8}'''
[[rules]]
id = "replaced"
regex = '''old_[0-9]{8}'''
entropy = 2.0
)"},
  };
  FileReader read = [&](const std::string& p) -> Result<std::string> {
    auto it = files.find(p);
    if (it == files.end()) return Status::NotFound(p, "no such file");
    return it->second;
  };
  RuleSet set;
  ASSERT_OK(LoadGitleaksConfig(R"(
[extend]
path = "base.toml"
disabledRules = ["gone"]
[[rules]]
id = "tok"
keywords = ["TOK-"]
tags = ["mine"]
  [[rules.allowlists]]
  paths = ['''^fixtures/''']
[[rules]]
id = "replaced"
description = "Now new"
regex = '''new_[0-9]{8}'''
[[rules]]
id = "pathonly"
path = '''\.pem$'''
)",
                               "cfg/top.toml", read, &set));
  ASSERT_EQ(set.rules.size(), 3u);
  const ScanRule& tok = set.rules[0];
  EXPECT_EQ(tok.id, "tok");
  EXPECT_EQ(tok.description, "Base token");
  EXPECT_EQ(tok.regex, "tok_([0-9a-f]{16})");
  EXPECT_EQ(tok.keywords, (std::vector<std::string>{"tok_", "tok-"}));
  EXPECT_EQ(tok.tags, (std::vector<std::string>{"base", "mine"}));
  ASSERT_EQ(tok.allowlists.size(), 2u);
  EXPECT_EQ(tok.allowlists[1].paths, std::vector<std::string>{"^fixtures/"});
  const ScanRule& rep = set.rules[1];
  EXPECT_EQ(rep.id, "replaced");
  EXPECT_EQ(rep.description, "Now new");
  EXPECT_EQ(rep.regex, "new_[0-9]{8}");
  EXPECT_DOUBLE_EQ(rep.entropy, 2.0);
  EXPECT_NE(rep.origin.find("cfg/top.toml:"), std::string::npos) << rep.origin;
  EXPECT_EQ(set.rules[2].id, "pathonly");
  EXPECT_TRUE(set.warnings.empty());

  // Without a base rule of that id, a rule with neither regex nor path is an
  // error naming its place ...
  RuleSet bad;
  Status s = LoadGitleaksConfig("[[rules]]\nid = 'x'\n[[rules.allowlists]]\nstopwords = ['a']\n", "top.toml",
                                read, &bad);
  EXPECT_NE(s.message().find("top.toml:1:1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("needs a regex or a path"), std::string::npos) << s.message();
  // ... except under useDefault, whose ids are custody's: a gitleaks user's
  // tuning of a gitleaks default rule is skipped with a warning.
  RuleSet def;
  ASSERT_OK(LoadGitleaksConfig("[extend]\nuseDefault = true\ndisabledRules = ['generic-api-key']\n"
                               "[[rules]]\nid = 'generic-api-key'\n[[rules.allowlists]]\nstopwords = ['a']\n",
                               "top.toml", read, &def));
  EXPECT_GT(def.rules.size(), 150u);
  ASSERT_EQ(def.warnings.size(), 2u);
  EXPECT_NE(def.warnings[0].find("disabledRules"), std::string::npos) << def.warnings[0];
  EXPECT_NE(def.warnings[1].find("top.toml:4:1: rule generic-api-key"), std::string::npos) << def.warnings[1];
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
