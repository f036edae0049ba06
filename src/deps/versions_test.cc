#include "custody/versions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/test_util.h"

namespace custody {
namespace {

// Runs every line of testdata/versions.txt (format in its header).
TEST(VersionsTest, TableFile) {
  std::string path = std::string(CUSTODY_DEPS_TESTDATA) + "/versions.txt";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::string line;
  int lineno = 0, cases = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    std::string eco_name, a, op, b;
    ss >> eco_name >> a >> op;
    std::string where = "versions.txt:" + std::to_string(lineno) + ": " + line;
    auto eco = ParseEcosystem(eco_name);
    ASSERT_TRUE(eco.has_value()) << where;
    ++cases;
    if (a == "invalid") {
      EXPECT_FALSE(ParseVersion(*eco, op).ok()) << where;
      continue;
    }
    if (a == "norm") {
      ss >> b;
      EXPECT_EQ(NormalizeVersion(*eco, op), b) << where;
      continue;
    }
    ss >> b;
    auto va = ParseVersion(*eco, a);
    auto vb = ParseVersion(*eco, b);
    ASSERT_TRUE(va.ok()) << where << ": " << va.status().ToString();
    ASSERT_TRUE(vb.ok()) << where << ": " << vb.status().ToString();
    int want = op == "<" ? -1 : op == ">" ? 1 : 0;
    ASSERT_TRUE(op == "<" || op == ">" || op == "=") << where;
    int got = CompareParsed(*va, *vb);
    got = got < 0 ? -1 : got > 0 ? 1 : 0;
    EXPECT_EQ(got, want) << where;
    int rev = CompareParsed(*vb, *va);
    rev = rev < 0 ? -1 : rev > 0 ? 1 : 0;
    EXPECT_EQ(rev, -want) << where << " (reversed)";
    EXPECT_EQ(CompareVersions(*eco, a, b) < 0 ? -1 : CompareVersions(*eco, a, b) > 0 ? 1 : 0, want)
        << where;
  }
  EXPECT_GT(cases, 200);
}

// Sorting a shuffled chain must give the chain back: the order is total
// and transitive over the spec's example sequence.
TEST(VersionsTest, Pep440SpecSequenceSorts) {
  std::vector<std::string> chain = {
      "1.dev0",        "1.0.dev456",   "1.0a1",      "1.0a2.dev456",         "1.0a12.dev456",
      "1.0a12",        "1.0b1.dev456", "1.0b2",      "1.0b2.post345.dev456", "1.0b2.post345",
      "1.0rc1.dev456", "1.0rc1",       "1.0",        "1.0+abc.5",            "1.0+abc.7",
      "1.0+5",         "1.0.post456.dev34", "1.0.post456", "1.0.15",       "1.1.dev1"};
  std::vector<Version> parsed;
  for (size_t i = chain.size(); i-- > 0;) {
    auto v = ParseVersion(Ecosystem::kPyPI, chain[i]);
    ASSERT_OK(v.status());
    parsed.push_back(*v);
  }
  std::sort(parsed.begin(), parsed.end(),
            [](const Version& x, const Version& y) { return CompareParsed(x, y) < 0; });
  for (size_t i = 0; i < chain.size(); ++i) EXPECT_EQ(parsed[i].text, chain[i]);
}

TEST(VersionsTest, InvalidVersionsOrderFirstAndNameTheVersion) {
  EXPECT_LT(CompareVersions(Ecosystem::kNpm, "not-a-version", "0.0.1"), 0);
  EXPECT_GT(CompareVersions(Ecosystem::kNpm, "0.0.1", "junk"), 0);
  EXPECT_EQ(CompareVersions(Ecosystem::kNpm, "junk", "junk"), 0);
  auto r = ParseVersion(Ecosystem::kCargo, "1.x.0");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("version \"1.x.0\""), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("cargo"), std::string::npos);
  EXPECT_FALSE(ParseVersion(Ecosystem::kMaven, "").ok());
  EXPECT_FALSE(ParseVersion(Ecosystem::kPyPI, std::string(300, '1')).ok());
}

TEST(VersionsTest, MavenAcceptsAnyStringWithoutCrashing) {
  for (const char* s : {"-", ".", "--..--", "a-b.c-1.2-", "1..2", "...1", "x1y2z3", "1-", "-1"}) {
    auto v = ParseVersion(Ecosystem::kMaven, s);
    ASSERT_OK(v.status());
    EXPECT_EQ(CompareParsed(*v, *v), 0) << s;
  }
  EXPECT_LT(CompareVersions(Ecosystem::kMaven, "1-", "1.1"), 0);
}

// Found by version_fuzzer: Maven's normal form trimmed a trailing form
// feed, which ComparableVersion reads as part of the version.
TEST(VersionsTest, MavenNormalFormKeepsEveryByte) {
  std::string v("0-0\0\0\f", 7);
  auto a = ParseVersion(Ecosystem::kMaven, v);
  ASSERT_OK(a.status());
  auto n = ParseVersion(Ecosystem::kMaven, NormalizeVersion(Ecosystem::kMaven, v));
  ASSERT_OK(n.status());
  EXPECT_EQ(CompareParsed(*a, *n), 0);
}

}  // namespace
}  // namespace custody
