// The default rule packs (rules/*.toml) hold their contract: every pack loads,
// every rule compiles in RE2 and in Vectorscan on its own, every rule carries
// a positive and a negative example, and every example gives exactly the
// expected number of findings of its rule through the real engine (and
// through the RE2-only reference matcher, so the Vectorscan prefilter is
// shown not to lose matches). A failure names the rule id and the example's
// index; example text is printed only in redacted form, since positives are
// secret-shaped.
#include <gtest/gtest.h>
#include <hs/hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/test_util.h"
#include "custody/scan.h"

namespace custody {
namespace {

using ::custody::testing::IsOk;

// Every custody pack in rules/, loaded from the source tree (the same files
// the build embeds).
RuleSet LoadPacks(std::vector<std::string>* names) {
  RuleSet set;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(CUSTODY_RULES_DIR)) {
    if (e.path().extension() == ".toml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    Status s = LoadCustodyRules(ss.str(), "rules/" + p.filename().string(), &set);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (names != nullptr) names->push_back(p.filename().string());
  }
  return set;
}

// "clie…(41 chars)": enough to find the example in the pack, no secret in clear.
std::string Redacted(const std::string& text) { return RedactSecret(text); }

size_t CountRule(const std::vector<Finding>& out, const std::string& id) {
  return static_cast<size_t>(
      std::count_if(out.begin(), out.end(), [&](const Finding& f) { return f.rule_id == id; }));
}

TEST(RulePacksTest, PacksLoadAndMatchTheEmbeddedSet) {
  std::vector<std::string> names;
  RuleSet set = LoadPacks(&names);
  ASSERT_FALSE(names.empty()) << "no packs in " << CUSTODY_RULES_DIR;
  for (const char* want : {"behaviour.toml", "crypto.toml", "insecure.toml", "secrets.toml"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
  auto embedded = DefaultRuleSet();
  ASSERT_TRUE(IsOk(embedded));
  // The binary must carry exactly the packs of the tree it was built from.
  ASSERT_EQ(embedded->rules.size(), set.rules.size());
  std::set<std::string> ids;
  for (const auto& r : set.rules) ids.insert(r.id);
  for (const auto& r : embedded->rules) EXPECT_TRUE(ids.count(r.id)) << r.id << " only in the embedded set";
}

TEST(RulePacksTest, CoverageOfTheIssue) {
  RuleSet set = LoadPacks(nullptr);
  std::map<RuleCategory, int> per_category;
  std::set<std::string> ids, crypto_languages;
  for (const auto& r : set.rules) {
    ++per_category[r.category];
    ids.insert(r.id);
    if (r.category == RuleCategory::kCrypto) {
      for (const auto& l : r.languages) crypto_languages.insert(l);
    }
  }
  EXPECT_GE(per_category[RuleCategory::kSecret], 150);
  EXPECT_GE(per_category[RuleCategory::kCrypto], 30);
  EXPECT_GE(per_category[RuleCategory::kInsecure], 20);
  EXPECT_GE(per_category[RuleCategory::kBehaviour], 15);
  for (const char* id : {"anthropic-api-key", "openai-api-key", "openai-project-key", "openai-service-account-key",
                         "huggingface-access-token", "google-api-key", "azure-openai-key", "azure-ai-services-key",
                         "aws-access-key-id", "cohere-api-key", "mistral-api-key", "groq-api-key",
                         "replicate-api-token", "github-pat", "gitlab-pat", "stripe-live-secret-key",
                         "slack-bot-token", "rsa-private-key", "jwt", "postgres-url-password",
                         "generic-password-assignment", "generic-api-key-assignment"}) {
    EXPECT_TRUE(ids.count(id)) << "missing rule " << id;
  }
  for (const char* lang : {"python", "javascript", "typescript", "java", "go", "csharp", "ruby", "php", "c", "cpp"}) {
    EXPECT_TRUE(crypto_languages.count(lang)) << "no crypto rule for " << lang;
  }
}

TEST(RulePacksTest, EveryRuleCompilesInRe2AndVectorscan) {
  RuleSet set = LoadPacks(nullptr);
  ASSERT_FALSE(set.rules.empty());
  for (const auto& r : set.rules) {
    RE2::Options o;
    o.set_log_errors(false);
    RE2 re(r.regex, o);
    EXPECT_TRUE(re.ok()) << r.origin << ": " << r.id << ": RE2: " << re.error();
    // Vectorscan's own analysis of the pattern, rule by rule, so a rejection
    // names its rule; a pattern that can match nothing would never fire.
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_expression_info(r.regex.c_str(), HS_FLAG_MULTILINE, &info, &err) != HS_SUCCESS) {
      ADD_FAILURE() << r.origin << ": " << r.id << ": Vectorscan: " << (err != nullptr ? err->message : "?");
      hs_free_compile_error(err);
    } else {
      EXPECT_GT(info->min_width, 0u) << r.origin << ": " << r.id << ": can match the empty string";
      std::free(info);
    }
  }
  // And together, in the engine's one database: no rule may fall back to RE2-only.
  auto sc = Scanner::Compile(set, {});
  ASSERT_TRUE(IsOk(sc));
  for (const auto& n : (*sc)->notes()) ADD_FAILURE() << n.origin << ": " << n.rule_id << ": " << n.reason;
}

// A prefilter's contract (ScanRule::prefilter): wherever the regex matches a
// positive example, the prefilter matches text ending at the same offset.
// The engine tests below would lose such an example too; this names the
// broken promise directly.
TEST(RulePacksTest, EveryPrefilterEndsWhereItsRegexMatches) {
  RuleSet set = LoadPacks(nullptr);
  int with_prefilter = 0;
  for (const auto& r : set.rules) {
    if (r.prefilter.empty()) continue;
    ++with_prefilter;
    RE2::Options o;
    o.set_log_errors(false);
    o.set_encoding(RE2::Options::EncodingLatin1);
    RE2 re("(?m)" + r.regex, o);
    // Anchored at the end of the text it is given: "ends exactly here".
    RE2 tail("(?m)(?:" + r.prefilter + ")\\z", o);
    ASSERT_TRUE(re.ok() && tail.ok()) << r.origin << ": " << r.id << ": " << tail.error();
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_expression_info(r.prefilter.c_str(), HS_FLAG_MULTILINE, &info, &err) != HS_SUCCESS) {
      ADD_FAILURE() << r.origin << ": " << r.id << ": prefilter: Vectorscan: "
                    << (err != nullptr ? err->message : "?");
      hs_free_compile_error(err);
    } else {
      EXPECT_GT(info->min_width, 0u) << r.origin << ": " << r.id << ": prefilter can match the empty string";
      std::free(info);
    }
    for (size_t i = 0; i < r.examples.size(); ++i) {
      if (!r.examples[i].match) continue;
      re2::StringPiece text(r.examples[i].text), m;
      size_t pos = 0;
      int matches = 0;
      while (pos <= text.size() && re.Match(text, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
        size_t end = static_cast<size_t>(m.data() - text.data()) + m.size();
        ++matches;
        // The text is cut at the match's end, so a trailing \b sees the end
        // of text instead of the next byte: that can only fail a good
        // prefilter (never pass a bad one), and the engine test decides.
        EXPECT_TRUE(RE2::PartialMatch(text.substr(0, end), tail))
            << r.origin << ": " << r.id << " example #" << i << ": no prefilter match ends at offset " << end;
        pos = end > pos ? end : pos + 1;
      }
      EXPECT_GT(matches, 0) << r.origin << ": " << r.id << " example #" << i;
    }
  }
  EXPECT_GT(with_prefilter, 0) << "no default rule uses a prefilter (this test checks nothing)";
}

TEST(RulePacksTest, EveryRuleHasPositiveAndNegativeExamples) {
  RuleSet set = LoadPacks(nullptr);
  for (const auto& r : set.rules) {
    bool pos = std::any_of(r.examples.begin(), r.examples.end(), [](const RuleExample& e) { return e.match; });
    bool neg = std::any_of(r.examples.begin(), r.examples.end(), [](const RuleExample& e) { return !e.match; });
    EXPECT_TRUE(pos && neg) << r.origin << ": " << r.id << ": needs a positive and a negative example";
    EXPECT_FALSE(r.description.empty()) << r.id;
    EXPECT_FALSE(r.remediation.empty()) << r.id;
    EXPECT_FALSE(r.cwe.empty()) << r.id;
    if (r.category == RuleCategory::kBehaviour && r.egress) {
      EXPECT_NE(r.secret_group, 0) << r.id << ": egress rules capture the host";
    }
  }
}

// Runs every example through a scanner built with `options`; returns the
// number of failing examples.
int RunExamples(const RuleSet& set, ScanOptions options, const char* engine) {
  auto sc = Scanner::Compile(set, std::move(options));
  EXPECT_TRUE(IsOk(sc));
  if (!sc.ok()) return 1;
  auto session = (*sc)->NewSession();
  EXPECT_TRUE(IsOk(session));
  if (!session.ok()) return 1;
  int failures = 0;
  for (const auto& r : set.rules) {
    for (size_t i = 0; i < r.examples.size(); ++i) {
      const RuleExample& ex = r.examples[i];
      std::vector<Finding> out;
      auto scanned = (*sc)->Scan(**session, ex.text, ex.path, "", &out);
      EXPECT_TRUE(IsOk(scanned));
      size_t n = CountRule(out, r.id);
      size_t want = ex.match ? 1 : 0;
      if (n != want) {
        ++failures;
        ADD_FAILURE() << engine << ": " << r.origin << ": rule " << r.id << " example #" << i << " ("
                      << (ex.match ? "positive" : "negative") << ", path " << ex.path << ", text "
                      << Redacted(ex.text) << "): " << n << " findings, want " << want;
      }
      for (const auto& f : out) {
        // A secret finding carries only a redacted prefix and the length.
        if (f.category == RuleCategory::kSecret) {
          EXPECT_LE(f.evidence.size(), 24u) << r.id << " example #" << i << ": evidence not redacted";
        }
      }
    }
  }
  return failures;
}

TEST(RulePacksTest, EveryExampleHoldsInTheEngine) {
  RuleSet set = LoadPacks(nullptr);
  EXPECT_EQ(RunExamples(set, ScanOptions{}, "vectorscan"), 0);
}

TEST(RulePacksTest, EveryExampleHoldsInTheReferenceMatcher) {
  RuleSet set = LoadPacks(nullptr);
  ScanOptions o;
  o.use_vectorscan = false;
  EXPECT_EQ(RunExamples(set, std::move(o), "re2-reference"), 0);
}

}  // namespace
}  // namespace custody

namespace custody {
namespace {

// Language rules run from per-language databases built on first use (and
// cached beside the common one). Files that mix every example of one path,
// scanned by the engine fresh, by the engine from its cache and by the
// RE2-only reference, give the same findings.
TEST(RulePacksTest, LanguageDatabasesMatchTheReference) {
  RuleSet set = LoadPacks(nullptr);
  std::map<std::string, std::string> files;  // path -> every example written for it
  for (const auto& r : set.rules) {
    for (const auto& ex : r.examples) files[ex.path] += ex.text + "\n\n";
  }
  ASSERT_GT(files.size(), 8u);
  custody::testing::ScopedTempDir tmp;
  ScanOptions cached;
  cached.cache_dir = tmp.path();
  ScanOptions ref_o;
  ref_o.use_vectorscan = false;
  auto fresh = Scanner::Compile(set, cached);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  auto ref = Scanner::Compile(set, ref_o);
  ASSERT_TRUE(ref.ok());
  auto scan_all = [&](const Scanner& sc) {
    auto session = sc.NewSession();
    EXPECT_TRUE(session.ok());
    std::vector<std::string> got;
    for (const auto& [path, text] : files) {
      std::vector<Finding> out;
      auto r = sc.Scan(**session, text, path, "", &out);
      EXPECT_TRUE(r.ok()) << path;
      for (const auto& f : out) got.push_back(f.path + " " + f.rule_id + " " + std::to_string(f.offset));
    }
    return got;
  };
  std::vector<std::string> want = scan_all(**ref);
  EXPECT_GT(want.size(), 100u);
  EXPECT_EQ(scan_all(**fresh), want);
  size_t class_files = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) {
    class_files += e.path().filename().string().find("-c") != std::string::npos;
  }
  EXPECT_GE(class_files, 5u) << "one cached database per language class seen";
  auto again = Scanner::Compile(set, cached);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(scan_all(**again), want);
}

}  // namespace
}  // namespace custody
