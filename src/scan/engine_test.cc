#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "common/test_util.h"
#include "custody/scan.h"
#include "scan/test_rules.h"

namespace custody {
namespace {

using testing::ReadTestdata;
using testing::TestRules;

constexpr char kKey[] = "tk_live_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO";

std::unique_ptr<Scanner> Compile(const RuleSet& set, ScanOptions o = {}) {
  auto s = Scanner::Compile(set, std::move(o));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

std::vector<Finding> ScanText(const Scanner& sc, std::string_view text, std::string_view path = "a.txt",
                              std::string_view commit = "") {
  auto session = sc.NewSession();
  EXPECT_TRUE(session.ok());
  std::vector<Finding> out;
  auto r = sc.Scan(**session, text, path, commit, &out);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return out;
}

TEST(ScanEngineTest, EveryFixtureExampleHolds) {
  RuleSet set = TestRules();
  auto sc = Compile(set);
  ASSERT_TRUE(sc);
  for (const auto& rule : set.rules) {
    ASSERT_FALSE(rule.examples.empty()) << rule.id;
    for (const auto& ex : rule.examples) {
      auto f = ScanText(*sc, ex.text, ex.path);
      size_t n = std::count_if(f.begin(), f.end(), [&](const Finding& x) { return x.rule_id == rule.id; });
      EXPECT_EQ(n, ex.match ? 1u : 0u) << rule.id << " on: " << ex.text;
    }
  }
}

TEST(ScanEngineTest, FindingFieldsAndPositions) {
  auto sc = Compile(TestRules());
  std::string text = std::string("line one\n  x = \"") + kKey + "\"\n";
  auto f = ScanText(*sc, text, "src/app.py");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule_id, "test-live-key");
  EXPECT_EQ(f[0].category, RuleCategory::kSecret);
  EXPECT_EQ(f[0].severity, Severity::kCritical);
  EXPECT_EQ(f[0].cwe, "CWE-798");
  EXPECT_EQ(f[0].path, "src/app.py");
  EXPECT_EQ(f[0].line, 2u);
  EXPECT_EQ(f[0].column, 8u);
  EXPECT_EQ(f[0].end_line, 2u);
  EXPECT_EQ(f[0].end_column, 8u + 40 - 1);
  EXPECT_EQ(f[0].evidence, "tk_l…(40 chars)");
  EXPECT_EQ(f[0].frameworks, std::vector<std::string>{"SOC2:CC6.1"});
  EXPECT_EQ(f[0].fingerprint.size(), 64u);
  EXPECT_EQ(f[0].message.find(kKey + 8), std::string::npos);
}

TEST(ScanEngineTest, FingerprintSurvivesLineMoves) {
  auto sc = Compile(TestRules());
  auto a = ScanText(*sc, std::string("k = '") + kKey + "'\n");
  auto b = ScanText(*sc, std::string("\n\n\n# moved\n    k = '") + kKey + "'\n");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].fingerprint, b[0].fingerprint);
  EXPECT_NE(a[0].line, b[0].line);
  auto c = ScanText(*sc, std::string("k = '") + kKey + "'\n", "other.txt");
  EXPECT_NE(a[0].fingerprint, c[0].fingerprint);
}

TEST(ScanEngineTest, InlineSuppressionAndAllowlists) {
  auto sc = Compile(TestRules());
  EXPECT_TRUE(ScanText(*sc, std::string("k = '") + kKey + "'  # custody:allow\n").empty());
  EXPECT_TRUE(ScanText(*sc, std::string("k = '") + kKey + "'  // gitleaks:allow\n").empty());
  EXPECT_TRUE(ScanText(*sc, "password = \"hunter2hunter2Xq9\"\n").empty());  // stopword
  EXPECT_EQ(ScanText(*sc, "password = \"q8Zt1vR0pL3mW6yB\"\n").size(), 1u);
  // Global allowlist by path.
  RuleSet set = TestRules();
  ScanAllowlist a;
  a.paths = {R"(^vendor/)"};
  set.allowlists.push_back(a);
  auto sc2 = Compile(set);
  EXPECT_TRUE(ScanText(*sc2, std::string("k = '") + kKey + "'\n", "vendor/x.txt").empty());
  EXPECT_EQ(ScanText(*sc2, std::string("k = '") + kKey + "'\n", "src/x.txt").size(), 1u);
}

TEST(ScanEngineTest, AllowlistConditionAndCommits) {
  RuleSet set = TestRules();
  ScanAllowlist a;
  a.condition_and = true;
  a.paths = {R"(\.md$)"};
  a.regexes = {"^tk_live_u8"};
  a.commits = {};
  for (auto& r : set.rules) {
    if (r.id == "test-live-key") r.allowlists.push_back(a);
  }
  ScanAllowlist c;
  c.commits = {"abc123"};
  set.allowlists.push_back(c);
  auto sc = Compile(set);
  std::string line = std::string("k = '") + kKey + "'\n";
  EXPECT_TRUE(ScanText(*sc, line, "doc.md").empty());        // both criteria hold
  EXPECT_EQ(ScanText(*sc, line, "doc.txt").size(), 1u);      // only the regex holds
  EXPECT_TRUE(ScanText(*sc, line, "doc.txt", "abc123def4567890").empty());
  EXPECT_EQ(ScanText(*sc, line, "doc.txt", "fff123def4567890").size(), 1u);
}

TEST(ScanEngineTest, PlaceholdersDroppedOrInfo) {
  std::string text = "aws = AKIAIOSFODNN7EXAMPLE\nkey = 'tk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n";
  auto sc = Compile(TestRules());
  EXPECT_TRUE(ScanText(*sc, text).empty());
  ScanOptions o;
  o.report_placeholders = true;
  auto sc2 = Compile(TestRules(), o);
  auto f = ScanText(*sc2, text);
  ASSERT_EQ(f.size(), 1u);  // the xxxx key fails the entropy check first
  EXPECT_EQ(f[0].severity, Severity::kInfo);
  EXPECT_TRUE(f[0].placeholder);
  // A real-looking key in a test file is still reported.
  EXPECT_EQ(ScanText(*sc, "aws = AKIAEDN581U33XTPLPFT\n", "tests/test_aws.py").size(), 1u);
}

TEST(ScanEngineTest, EgressAllowDomains) {
  ScanOptions o;
  o.allow_domains = {"api.good.test"};
  auto sc = Compile(TestRules(), o);
  EXPECT_TRUE(ScanText(*sc, "r = requests.get('https://api.good.test/v1')\n").empty());
  EXPECT_TRUE(ScanText(*sc, "r = requests.get('https://eu.api.good.test/v1')\n").empty());
  auto f = ScanText(*sc, "r = requests.get('https://exfil.bad.test/v1')\n");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule_id, "network-call");
  EXPECT_EQ(f[0].category, RuleCategory::kBehaviour);
}

TEST(ScanEngineTest, Re2FallbackIsNamed) {
  auto sc = Compile(TestRules());
  bool named = false;
  for (const auto& n : sc->notes()) named = named || n.rule_id == "greek-marker";
  EXPECT_TRUE(named);
  EXPECT_EQ(ScanText(*sc, "x MARKαβγ y\n").size(), 1u);
}

TEST(ScanEngineTest, InvalidRulesAreRejectedByName) {
  RuleSet set;
  ScanRule r;
  r.id = "broken";
  r.origin = "x.toml:3:1";
  r.regex = "(unclosed";
  set.rules.push_back(r);
  auto s = Scanner::Compile(set, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
  EXPECT_NE(s.status().message().find("x.toml:3:1: rule broken"), std::string::npos) << s.status().message();
  set.rules[0].regex = "(a)(b)";
  set.rules[0].secret_group = 3;
  EXPECT_FALSE(Scanner::Compile(set, {}).ok());
}

// A prefilter changes what Vectorscan looks for, not what is found: the
// same findings (offsets, secrets) as the regex alone, in the common and in
// a language database; and a prefilter Vectorscan cannot use is an error
// naming the rule.
TEST(ScanEngineTest, PrefilterFindsWhatTheRegexFinds) {
  ScanRule r;
  r.id = "rand-token";
  r.origin = "p.toml:1:1";
  r.category = RuleCategory::kCrypto;
  r.regex = R"((?i)(?:token|key)\w*[ \t]*=[^=\n][^\n]{0,80}\bMath\.random\(\))";
  RuleSet plain;
  plain.rules.push_back(r);
  RuleSet pre = plain;
  pre.rules[0].prefilter = R"((?i)\bMath\.random\(\))";
  std::string text =
      "const key = 1;\nlet resetToken = 'x' + Math.random();\nvar apiKey = Math.random().toString(36)\n"
      "Math.random(); token\n";
  for (bool lang : {false, true}) {
    if (lang) {
      plain.rules[0].languages = {"javascript"};
      pre.rules[0].languages = {"javascript"};
    }
    auto a = Compile(plain);
    auto b = Compile(pre);
    ASSERT_TRUE(a && b);
    auto fa = ScanText(*a, text, "app.js");
    auto fb = ScanText(*b, text, "app.js");
    ASSERT_EQ(fa.size(), 2u) << "languages: " << lang;
    ASSERT_EQ(fb.size(), fa.size());
    for (size_t i = 0; i < fa.size(); ++i) {
      EXPECT_EQ(fb[i].offset, fa[i].offset);
      EXPECT_EQ(fb[i].fingerprint, fa[i].fingerprint);
    }
  }
  RuleSet bad = pre;
  bad.rules[0].prefilter = "x*";
  auto s = Scanner::Compile(bad, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("rule rand-token"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("prefilter"), std::string::npos) << s.status().message();
  bad.rules[0].prefilter = R"((a)\1)";  // a backreference: RE2 syntax, not Vectorscan's
  EXPECT_FALSE(Scanner::Compile(bad, {}).ok());
}

// gitleaks composite rules: the primary reports only with each required
// rule matching near it; a skipReport rule never reports on its own.
TEST(ScanEngineTest, CompositeRulesNeedTheirPartsNearby) {
  RuleSet set;
  ASSERT_OK(LoadGitleaksConfig(R"toml(
[[rules]]
id = "svc-client-secret"
regex = '''secret\s*=\s*"([A-Za-z0-9]{24})"'''
keywords = ["secret"]
  [[rules.required]]
  id = "svc-client-id"
  withinLines = 2
[[rules]]
id = "svc-client-id"
regex = '''svc-id-[0-9]{6}'''
keywords = ["svc-id-"]
skipReport = true
[[rules]]
id = "pair-key"
regex = '''pk_[0-9]{10}'''
  [[rules.required]]
  id = "pair-tag"
  withinColumns = 20
[[rules]]
id = "pair-tag"
regex = '''pt_[0-9]{4}'''
)toml",
                               "gl.toml", nullptr, &set));
  for (bool vectorscan : {true, false}) {
    SCOPED_TRACE(vectorscan ? "vectorscan" : "re2 only");
    ScanOptions o;
    o.use_vectorscan = vectorscan;
    auto sc = Compile(set, o);
    ASSERT_TRUE(sc);
    const std::string secret = "secret = \"Q7mZk2Lr9XvB4nTc8WyH3pDs\"\n";
    // The id two lines away: one finding, of the primary only, naming its part.
    auto f = ScanText(*sc, "client = \"svc-id-803517\"\n\n" + secret);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].rule_id, "svc-client-secret");
    EXPECT_EQ(f[0].line, 3u);
    EXPECT_NE(f[0].message.find("with svc-client-id at line 1"), std::string::npos) << f[0].message;
    EXPECT_EQ(f[0].evidence.find("Q7mZk2Lr9XvB4nTc8WyH3pDs"), std::string::npos);
    // Three lines away, or absent: nothing (and never the skipReport part).
    EXPECT_TRUE(ScanText(*sc, "client = \"svc-id-803517\"\n\n\n" + secret).empty());
    EXPECT_TRUE(ScanText(*sc, secret).empty());
    EXPECT_TRUE(ScanText(*sc, "client = \"svc-id-803517\"\n").empty());
    // An inline allow on the part's line removes the part, so the primary too.
    EXPECT_TRUE(ScanText(*sc, "client = \"svc-id-803517\" # gitleaks:allow\n\n" + secret).empty());
    // Columns: the same line, within the distance of the start columns.
    f = ScanText(*sc, "x pk_8305162749 pt_5821\n");
    ASSERT_EQ(f.size(), 2u);  // pair-tag has no skipReport: it reports too
    EXPECT_EQ(f[0].rule_id, "pair-key");
    EXPECT_EQ(f[1].rule_id, "pair-tag");
    f = ScanText(*sc, "x pk_8305162749                           pt_5821\n");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].rule_id, "pair-tag");
    f = ScanText(*sc, "x pk_8305162749\nx pt_5821\n");  // columns restart per line
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].rule_id, "pair-tag");
  }
}

TEST(ScanEngineTest, BinaryAndOversizedInput) {
  auto sc = Compile(TestRules());
  auto session = sc->NewSession();
  std::vector<Finding> out;
  std::string bin = std::string("\0\0", 2) + kKey;
  auto r = sc->Scan(**session, bin, "a.bin", "", &out);
  ASSERT_OK(r);
  EXPECT_FALSE(*r);
  ScanOptions o;
  o.limits.max_buffer = 100;
  auto small = Compile(TestRules(), o);
  auto s2 = small->NewSession();
  EXPECT_EQ(small->Scan(**s2, std::string(200, 'a'), "big", "", &out).status().code(), Code::kInvalidArgument);
}

TEST(ScanEngineTest, PathologicalInputsStayBounded) {
  auto sc = Compile(TestRules());
  // One 4 MB line of key-shaped text: the per-rule caps bound the work.
  std::string line;
  while (line.size() < (4u << 20)) line += std::string(kKey) + " ";
  auto f = ScanText(*sc, line);
  EXPECT_EQ(f.size(), 100u);  // max_findings_per_rule
  std::string minified(2u << 20, 'a');
  EXPECT_TRUE(ScanText(*sc, minified).empty());
}

TEST(ScanEngineTest, DiffLineMapReportsNewFileLines) {
  auto sc = Compile(TestRules());
  auto session = sc->NewSession();
  std::vector<Finding> out;
  std::vector<uint32_t> map = {10, 42};
  std::string text = std::string("a = 1\nk = '") + kKey + "'\n";
  ASSERT_OK(sc->Scan(**session, text, "x.py", "c0ffee", &out, &map));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].line, 42u);
  EXPECT_EQ(out[0].commit, "c0ffee");
}

// The real engine against the reference (RE2 over whole buffers, no
// Vectorscan) on generated text with planted matches: same findings.
TEST(ScanEngineTest, MatchesReferenceOnGeneratedInputs) {
  RuleSet set = TestRules();
  auto fast = Compile(set);
  ScanOptions ref_o;
  ref_o.use_vectorscan = false;
  auto ref = Compile(set, ref_o);
  std::mt19937 rng(1234);
  const std::vector<std::string> plants = {
      std::string("key = \"") + kKey + "\"", "AKIAEDN581U33XTPLPFT", "verify = False",
      "password: 'Zq8vR0pL3mW6yB'", "digest = hashlib.sha1(x)", "fetch('https://t.evil.test/a')",
      "-----BEGIN RSA PRIVATE KEY-----\njORS+6ilI8ihN5KXSc7Tvo+hBKqFYY+kv5ZJr3J1TWDt\n-----END RSA PRIVATE KEY-----",
      "MARKαβ"};
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _=\"'();.\n\t";
  for (int round = 0; round < 40; ++round) {
    std::string text;
    size_t target = 2000 + rng() % 30000;
    while (text.size() < target) {
      if (rng() % 40 == 0) {
        text += plants[rng() % plants.size()];
      } else {
        text += alphabet[rng() % alphabet.size()];
      }
    }
    auto a = ScanText(*fast, text, "gen.py");
    auto b = ScanText(*ref, text, "gen.py");
    ASSERT_EQ(a.size(), b.size()) << "round " << round;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].rule_id, b[i].rule_id);
      EXPECT_EQ(a[i].offset, b[i].offset);
      EXPECT_EQ(a[i].fingerprint, b[i].fingerprint);
    }
  }
}

TEST(ScanEngineTest, CompiledDatabaseCache) {
  testing::ScopedTempDir tmp;
  ScanOptions o;
  o.cache_dir = tmp.path() + "/cache";
  std::string text = std::string("k = '") + kKey + "'\nx MARKαβ\nverify=False\n";
  auto first = Compile(TestRules(), o);
  auto want = ScanText(*first, text);
  ASSERT_EQ(want.size(), 3u);
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(o.cache_dir)) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  auto second = Compile(TestRules(), o);  // from the cache
  EXPECT_EQ(second->notes().size(), first->notes().size());
  auto got = ScanText(*second, text);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].fingerprint, want[i].fingerprint);
  // A damaged cache is ignored (and the rules compiled afresh).
  std::ofstream(files[0], std::ios::binary | std::ios::trunc) << "custody-hsdb 1\ngarbage";
  auto third = Compile(TestRules(), o);
  EXPECT_EQ(ScanText(*third, text).size(), want.size());
  // Different rules, different key.
  RuleSet fewer = TestRules();
  fewer.rules.pop_back();
  auto fourth = Compile(fewer, o);
  EXPECT_EQ(ScanText(*fourth, text).size(), 2u);
}

TEST(ScanEngineTest, SharedScannerAcrossThreads) {
  auto sc = Compile(TestRules());
  std::string text;
  for (int i = 0; i < 200; ++i) text += std::string("k = '") + kKey + "'\nverify=False\n";
  std::vector<std::thread> threads;
  std::vector<size_t> counts(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto session = sc->NewSession();
      std::vector<Finding> out;
      for (int k = 0; k < 20; ++k) {
        out.clear();
        (void)sc->Scan(**session, text, "t.py", "", &out);
      }
      counts[t] = out.size();
    });
  }
  for (auto& t : threads) t.join();
  for (size_t c : counts) EXPECT_EQ(c, 200u);  // 100 per rule cap x 2 rules
}

// From a cache entry the rules' RE2 regexes are compiled on first use;
// threads that meet a rule for the first time at once must agree (and be
// race-free under TSan).
TEST(ScanEngineTest, LazyRegexesFromTheCacheAcrossThreads) {
  testing::ScopedTempDir tmp;
  ScanOptions o;
  o.cache_dir = tmp.path() + "/cache";
  std::string text;
  for (int i = 0; i < 50; ++i) text += std::string("k = '") + kKey + "'\nx MARKαβ\nverify=False\n";
  auto eager = Compile(TestRules(), o);  // writes the cache
  std::vector<Finding> want = ScanText(*eager, text, "t.py");
  ASSERT_FALSE(want.empty());
  auto lazy = Compile(TestRules(), o);  // reads it
  std::vector<std::thread> threads;
  std::vector<std::vector<Finding>> got(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto session = lazy->NewSession();
      ASSERT_TRUE(session.ok());
      ASSERT_TRUE(lazy->Scan(**session, text, "t.py", "", &got[t]).ok());
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& g : got) {
    ASSERT_EQ(g.size(), want.size());
    for (size_t i = 0; i < g.size(); ++i) EXPECT_EQ(g[i].fingerprint, want[i].fingerprint);
  }
}

// A cache entry stands for rules that compiled: a rule set whose regex
// does not compile must still fail, cache or not.
TEST(ScanEngineTest, BadRegexFailsWithACache) {
  testing::ScopedTempDir tmp;
  ScanOptions o;
  o.cache_dir = tmp.path();
  RuleSet set = TestRules();
  ASSERT_TRUE(Scanner::Compile(set, o).ok());
  set.rules[0].regex = "(unclosed";
  auto bad = Scanner::Compile(set, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("invalid regex"), std::string::npos)
      << bad.status().ToString();
  set = TestRules();
  set.rules[0].allowlists.emplace_back();
  set.rules[0].allowlists.back().regexes.push_back("[z-a]");
  bad = Scanner::Compile(set, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("allowlist regex"), std::string::npos)
      << bad.status().ToString();
}

}  // namespace
}  // namespace custody
