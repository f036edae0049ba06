#include "custody/registry.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "common/test_util.h"

namespace custody {
namespace {

using ::custody::testing::ScopedTempDir;

TEST(RegistryTest, NormalisesPerEcosystem) {
  EXPECT_EQ(NormalizePackageName(Ecosystem::kPyPI, "Python_Dateutil"), "python-dateutil");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kPyPI, "zope.interface"), "zope-interface");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kPyPI, "a-_.-b"), "a-b");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kCargo, "Serde_JSON"), "serde-json");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kNpm, "JSONStream"), "JSONStream");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kNuGet, "Newtonsoft.Json"), "newtonsoft.json");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kGo, "github.com/BurntSushi/toml"), "github.com/BurntSushi/toml");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kMaven, "org.Apache:Commons"), "org.Apache:Commons");
}

std::vector<std::string> RandomNames(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  const std::string alpha = "abcdefghijklmnopqrstuvwxyz0123456789-";
  for (size_t i = 0; i < n; ++i) {
    std::string s(1, alpha[rng() % 26]);
    size_t len = 2 + rng() % 18;
    while (s.size() < len) s += alpha[rng() % alpha.size()];
    out.push_back(s);
  }
  return out;
}

TEST(RegistryTest, IndexFindsEveryNameAndNothingElse) {
  ScopedTempDir tmp;
  std::string path = tmp.path() + "/npm.names";
  auto names = RandomNames(20000, 7);
  names.push_back("@scope/Pkg");
  names.push_back("JSONStream");
  ASSERT_OK(NameIndex::Write(Ecosystem::kNpm, names, path));
  auto idx = NameIndex::Open(path);
  ASSERT_TRUE(idx.ok()) << idx.status().ToString();
  EXPECT_EQ((*idx)->ecosystem(), Ecosystem::kNpm);
  MemoryNameSet mem(Ecosystem::kNpm, names);
  EXPECT_EQ((*idx)->size(), mem.size());
  for (const auto& n : names) EXPECT_TRUE((*idx)->Contains(NormalizePackageName(Ecosystem::kNpm, n))) << n;
  size_t absent = 0;
  for (const auto& n : RandomNames(20000, 8)) {
    EXPECT_EQ((*idx)->Contains(n), mem.Contains(n)) << n;
    absent += !mem.Contains(n);
  }
  EXPECT_GT(absent, 15000u);
  EXPECT_FALSE((*idx)->Contains(""));
  for (size_t i = 1; i < (*idx)->size(); ++i) EXPECT_LT((*idx)->at(i - 1), (*idx)->at(i));
}

TEST(RegistryTest, DamagedIndexIsCorruptionNotACrash) {
  ScopedTempDir tmp;
  std::string path = tmp.path() + "/x.names";
  EXPECT_EQ(NameIndex::Open(path).status().code(), Code::kNotFound);
  ASSERT_OK(NameIndex::Write(Ecosystem::kPyPI, {"requests", "flask", "numpy"}, path));
  std::string good;
  {
    std::ifstream in(path, std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto write = [&](const std::string& bytes) { std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes; };
  write(good.substr(0, good.size() - 1));
  EXPECT_EQ(NameIndex::Open(path).status().code(), Code::kCorruption);
  write("XXXX" + good.substr(4));
  EXPECT_EQ(NameIndex::Open(path).status().code(), Code::kCorruption);
  std::string bad_table = good;
  bad_table[40 + 4 * 4] = '\x7f';  // first hash slot points past the 3 names
  write(bad_table);
  EXPECT_EQ(NameIndex::Open(path).status().code(), Code::kCorruption);
  write("short");
  EXPECT_EQ(NameIndex::Open(path).status().code(), Code::kCorruption);
}

TEST(RegistryTest, ImportReportsTheBadLine) {
  ScopedTempDir tmp;
  std::string idx = tmp.path() + "/pypi.names";
  auto ok = ImportNameList(Ecosystem::kPyPI, "# names\nrequests\r\nFlask\n\nflask\n", "names.txt", idx);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->lines, 5u);
  EXPECT_EQ(ok->names, 2u);
  EXPECT_GT(ok->bytes, 40u);
  auto bad = ImportNameList(Ecosystem::kPyPI, "requests\nbad name\n", "names.txt", idx);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad.status().ToString().find("names.txt:2"), std::string::npos) << bad.status().ToString();
}

TEST(RegistryTest, ShipsPopularListsForSixEcosystems) {
  for (Ecosystem e : {Ecosystem::kNpm, Ecosystem::kPyPI, Ecosystem::kCargo, Ecosystem::kRubyGems,
                      Ecosystem::kMaven, Ecosystem::kGo}) {
    EXPECT_GT(ShippedPopularNames(e).size(), 500u) << EcosystemName(e);
  }
  EXPECT_TRUE(ShippedPopularNames(Ecosystem::kPackagist).empty());
  MemoryNameSet npm(Ecosystem::kNpm, ShippedPopularNames(Ecosystem::kNpm));
  EXPECT_TRUE(npm.Contains("lodash"));
  EXPECT_TRUE(npm.Contains("express"));
}

struct SquatCase {
  Ecosystem e;
  const char* name;
  const char* intended;  // "" = not a squat
  SquatTechnique technique;
};

TEST(RegistryTest, TyposquatsNameTheIntendedPackage) {
  MemoryNameSet npm(Ecosystem::kNpm, ShippedPopularNames(Ecosystem::kNpm));
  MemoryNameSet pypi(Ecosystem::kPyPI, ShippedPopularNames(Ecosystem::kPyPI));
  MemoryNameSet cargo(Ecosystem::kCargo, ShippedPopularNames(Ecosystem::kCargo));
  const SquatCase cases[] = {
      {Ecosystem::kNpm, "lodahs", "lodash", SquatTechnique::kTransposition},
      {Ecosystem::kNpm, "lodas", "lodash", SquatTechnique::kEditDistance},
      {Ecosystem::kNpm, "expresss", "express", SquatTechnique::kEditDistance},
      {Ecosystem::kNpm, "l0dash", "lodash", SquatTechnique::kHomoglyph},
      {Ecosystem::kNpm, "lo-dash", "lodash", SquatTechnique::kSeparator},
      {Ecosystem::kNpm, "lodash-js", "lodash", SquatTechnique::kAffix},
      {Ecosystem::kNpm, "@evil/lodash", "lodash", SquatTechnique::kScope},
      {Ecosystem::kNpm, "Lodash", "lodash", SquatTechnique::kCase},
      {Ecosystem::kNpm, "lodash", "", SquatTechnique::kCase},
      {Ecosystem::kNpm, "@types/node", "", SquatTechnique::kCase},
      {Ecosystem::kPyPI, "reqeusts", "requests", SquatTechnique::kTransposition},
      {Ecosystem::kPyPI, "requests-python", "requests", SquatTechnique::kAffix},
      {Ecosystem::kPyPI, "dateutil", "python-dateutil", SquatTechnique::kAffix},
      {Ecosystem::kPyPI, "Python_Dateutil", "", SquatTechnique::kCase},  // PEP 503: the same package
      {Ecosystem::kPyPI, "reqursts", "requests", SquatTechnique::kEditDistance},
      {Ecosystem::kCargo, "serde-jsno", "serde-json", SquatTechnique::kTransposition},
      {Ecosystem::kCargo, "tokio", "", SquatTechnique::kCase},
      {Ecosystem::kNpm, "zq-custody-unrelated-name", "", SquatTechnique::kCase},
  };
  for (const auto& c : cases) {
    const NameSet& set = c.e == Ecosystem::kNpm ? static_cast<const NameSet&>(npm)
                         : c.e == Ecosystem::kPyPI ? static_cast<const NameSet&>(pypi)
                                                   : static_cast<const NameSet&>(cargo);
    auto got = TyposquatChecker(c.e, set).Check(c.name);
    if (std::string(c.intended).empty()) {
      EXPECT_TRUE(got.empty()) << c.name << " -> " << (got.empty() ? "" : got[0].intended);
      continue;
    }
    bool found = false;
    for (const auto& m : got) {
      if (m.intended == c.intended) {
        found = true;
        EXPECT_EQ(m.technique, c.technique) << c.name << ": " << SquatTechniqueName(m.technique);
      }
    }
    EXPECT_TRUE(found) << c.name << " should point at " << c.intended;
  }
}

TEST(RegistryTest, CheckerGivesTheSameAnswerFromAnIndex) {
  ScopedTempDir tmp;
  std::string path = tmp.path() + "/npm.names";
  const auto& names = ShippedPopularNames(Ecosystem::kNpm);
  ASSERT_OK(NameIndex::Write(Ecosystem::kNpm, names, path));
  auto idx = NameIndex::Open(path);
  ASSERT_TRUE(idx.ok());
  MemoryNameSet mem(Ecosystem::kNpm, names);
  for (const char* n : {"lodahs", "expres", "reacct", "@x/chalk", "commander-js", "zzzzzz"}) {
    auto a = TyposquatChecker(Ecosystem::kNpm, mem).Check(n);
    auto b = TyposquatChecker(Ecosystem::kNpm, **idx).Check(n);
    ASSERT_EQ(a.size(), b.size()) << n;
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].intended, b[i].intended);
  }
}

}  // namespace
}  // namespace custody
