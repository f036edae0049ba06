#include "custody/osv.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/test_util.h"

namespace custody {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(CUSTODY_DEPS_TESTDATA) + "/osv/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* kFixtures[] = {"GHSA-35jh-r3h4-6jhm.json", "PYSEC-2023-74.json",  "GO-2022-0969.json",
                           "GHSA-jfh8-c2jp-5v3q.json", "RUSTSEC-2099-0001.json", "GHSA-wwww-withdrawn.json"};

std::unique_ptr<OsvDatabase> FixtureDb(OsvImportStats* stats = nullptr) {
  OsvDatabaseBuilder b;
  for (const char* f : kFixtures) {
    Status s = b.AddJson(Fixture(f), f, stats);
    EXPECT_OK(s);
  }
  auto db = OsvDatabase::Open(b.Serialize(), "test.db");
  EXPECT_OK(db.status());
  return std::move(*db);
}

Package Pkg(Ecosystem e, std::string name, std::string version) {
  Package p;
  p.ecosystem = e;
  p.name = std::move(name);
  p.version = std::move(version);
  return p;
}

TEST(OsvParseTest, ReadsGhsaRecord) {
  auto r = ParseOsvRecord(Fixture("GHSA-35jh-r3h4-6jhm.json"), "ghsa.json");
  ASSERT_OK(r.status());
  EXPECT_EQ(r->id, "GHSA-35jh-r3h4-6jhm");
  EXPECT_EQ(r->aliases, std::vector<std::string>{"CVE-2021-23337"});
  EXPECT_EQ(r->database_severity, "HIGH");
  ASSERT_EQ(r->affected.size(), 2u);
  EXPECT_EQ(r->affected[0].known, Ecosystem::kNpm);
  ASSERT_EQ(r->affected[0].ranges.size(), 1u);
  EXPECT_EQ(r->affected[0].ranges[0].type, OsvRangeType::kSemver);
  ASSERT_EQ(r->affected[0].ranges[0].events.size(), 2u);
  EXPECT_EQ(r->affected[0].ranges[0].events[1].kind, OsvEvent::Kind::kFixed);
}

TEST(OsvParseTest, SummaryFallsBackToFirstLineOfDetails) {
  auto r = ParseOsvRecord(Fixture("PYSEC-2023-74.json"), "pysec.json");
  ASSERT_OK(r.status());
  EXPECT_EQ(r->summary.substr(0, 28), "Requests is a HTTP library. ");
  EXPECT_EQ(r->summary.find('\n'), std::string::npos);
}

TEST(OsvParseTest, ErrorsNameFileAndPosition) {
  auto r = ParseOsvRecord("{\n  \"id\": \"X\",\n  \"affected\": [\n}", "bad.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad.json"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("line 4"), std::string::npos) << r.status().ToString();

  r = ParseOsvRecord(R"({"affected": []})", "noid.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "noid.json: id: missing");

  r = ParseOsvRecord(R"({"id":"A","affected":[{"package":{"ecosystem":"npm","name":"x"},
      "ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"1.0.0"}]}]}]})", "two.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("affected[0].ranges[0].events[0]"), std::string::npos)
      << r.status().ToString();

  r = ParseOsvRecord(R"({"id":"A","affected":[{"package":{"ecosystem":"npm","name":"x"},
      "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"},{"last_affected":"0.9.0"}]}]}]})",
                     "both.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("fixed and last_affected"), std::string::npos);

  r = ParseOsvRecord(R"({"id":"A","affected":[{"ranges":[{"type":"WEIRD","events":[]}]}]})", "t.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown range type"), std::string::npos);

  r = ParseOsvRecord(R"({"id": 7})", "type.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "type.json: id: expected a string, got number");
}

TEST(OsvCvssTest, V3BaseScores) {
  auto s = CvssV3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  ASSERT_OK(s.status());
  EXPECT_DOUBLE_EQ(*s, 9.8);
  EXPECT_DOUBLE_EQ(*CvssV3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), 10.0);
  EXPECT_DOUBLE_EQ(*CvssV3BaseScore("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"), 7.2);
  EXPECT_DOUBLE_EQ(*CvssV3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
  EXPECT_DOUBLE_EQ(*CvssV3BaseScore("CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:U/C:N/I:N/A:L"), 2.5);
  EXPECT_DOUBLE_EQ(*CvssV3BaseScore("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0.0);
  EXPECT_DOUBLE_EQ(*CvssV3BaseScore("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N/E:P"), 6.4);
  EXPECT_FALSE(CvssV3BaseScore("CVSS:3.1/AV:N/AC:L").ok());
  EXPECT_FALSE(CvssV3BaseScore("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").ok());
  EXPECT_FALSE(CvssV3BaseScore("CVSS:2.0/AV:N").ok());
  EXPECT_EQ(CvssRating(9.8), "CRITICAL");
  EXPECT_EQ(CvssRating(7.2), "HIGH");
  EXPECT_EQ(CvssRating(6.1), "MEDIUM");
  EXPECT_EQ(CvssRating(2.5), "LOW");
}

TEST(OsvNameTest, Normalizes) {
  EXPECT_EQ(NormalizePackageName(Ecosystem::kPyPI, "Django_REST.framework"), "django-rest-framework");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kPyPI, "a--b__c"), "a-b-c");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kNuGet, "Newtonsoft.Json"), "newtonsoft.json");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kNpm, "@Scope/x"), "@Scope/x");
}

TEST(OsvMatchTest, SemverRangeNpm) {
  auto db = FixtureDb();
  auto f = db->Match({Pkg(Ecosystem::kNpm, "lodash", "4.17.20"), Pkg(Ecosystem::kNpm, "lodash", "4.17.21"),
                      Pkg(Ecosystem::kNpm, "lodash-es", "1.0.0"), Pkg(Ecosystem::kNpm, "other", "1.0.0")});
  ASSERT_OK(f.status());
  ASSERT_EQ(f->size(), 2u);
  EXPECT_EQ((*f)[0].package_index, 0u);
  EXPECT_EQ((*f)[0].id, "GHSA-35jh-r3h4-6jhm");
  EXPECT_EQ((*f)[0].aliases, std::vector<std::string>{"CVE-2021-23337"});
  EXPECT_EQ((*f)[0].summary, "Command Injection in lodash");
  EXPECT_EQ((*f)[0].severity, "HIGH");
  ASSERT_TRUE((*f)[0].score.has_value());
  EXPECT_DOUBLE_EQ(*(*f)[0].score, 7.2);
  EXPECT_EQ((*f)[0].fixed, std::vector<std::string>{"4.17.21"});
  EXPECT_EQ((*f)[1].package_index, 2u);
}

TEST(OsvMatchTest, WithdrawnRecordIsSkipped) {
  OsvImportStats stats;
  auto db = FixtureDb(&stats);
  EXPECT_EQ(stats.withdrawn, 1u);
  auto f = db->Match({Pkg(Ecosystem::kNpm, "lodash", "5.0.0")});
  ASSERT_OK(f.status());
  EXPECT_TRUE(f->empty()) << (*f)[0].id;
}

TEST(OsvMatchTest, PypiEcosystemRangeAndVersionsList) {
  OsvImportStats stats;
  auto db = FixtureDb(&stats);
  EXPECT_EQ(stats.git_ranges, 1u);
  auto f = db->Match({Pkg(Ecosystem::kPyPI, "Requests", "2.28.2"), Pkg(Ecosystem::kPyPI, "requests", "2.31.0"),
                      Pkg(Ecosystem::kPyPI, "requests", "2.2.9"), Pkg(Ecosystem::kPyPI, "requests", "2.31.0rc1"),
                      Pkg(Ecosystem::kPyPI, "requests", "2.3")});
  ASSERT_OK(f.status());
  std::vector<size_t> idx;
  for (const auto& x : *f) idx.push_back(x.package_index);
  // 2.31.0rc1 precedes 2.31.0 under PEP 440, so it is still affected;
  // "2.3" equals "2.3.0".
  EXPECT_EQ(idx, (std::vector<size_t>{0, 3, 4}));
  EXPECT_EQ((*f)[0].fixed, std::vector<std::string>{"2.31.0"});
  EXPECT_EQ((*f)[0].severity, "");
  EXPECT_EQ((*f)[0].aliases.size(), 2u);
}

TEST(OsvMatchTest, VersionsListAloneMatchesExactly) {
  OsvDatabaseBuilder b;
  ASSERT_OK(b.AddJson(R"({"id":"PYSEC-X","modified":"2020","affected":[{"package":{"ecosystem":"PyPI","name":"pkg"},
                          "versions":["1.0", "1.1.post1"]}]})", "x.json"));
  auto db = OsvDatabase::Open(b.Serialize(), "x.db");
  ASSERT_OK(db.status());
  auto f = (*db)->Match({Pkg(Ecosystem::kPyPI, "pkg", "1.0"), Pkg(Ecosystem::kPyPI, "pkg", "1.1"),
                         Pkg(Ecosystem::kPyPI, "pkg", "1.1-1"), Pkg(Ecosystem::kPyPI, "pkg", "1.0.0")});
  ASSERT_OK(f.status());
  std::vector<size_t> idx;
  for (const auto& x : *f) idx.push_back(x.package_index);
  EXPECT_EQ(idx, (std::vector<size_t>{0, 2, 3}));
  EXPECT_TRUE((*f)[0].fixed.empty());
}

TEST(OsvMatchTest, GoSemverWithTwoIntervalsAndPseudoVersions) {
  auto db = FixtureDb();
  auto f = db->Match({Pkg(Ecosystem::kGo, "stdlib", "1.18.5"), Pkg(Ecosystem::kGo, "stdlib", "1.18.6"),
                      Pkg(Ecosystem::kGo, "stdlib", "1.19.0"), Pkg(Ecosystem::kGo, "stdlib", "v1.19.1"),
                      Pkg(Ecosystem::kGo, "golang.org/x/net", "v0.0.0-20220722155237-a158d28d115b"),
                      Pkg(Ecosystem::kGo, "golang.org/x/net", "v0.0.0-20220906165146-f3363e06e74c"),
                      Pkg(Ecosystem::kGo, "golang.org/x/net", "v0.1.0")});
  ASSERT_OK(f.status());
  std::vector<size_t> idx;
  for (const auto& x : *f) idx.push_back(x.package_index);
  EXPECT_EQ(idx, (std::vector<size_t>{0, 2, 4}));
  EXPECT_EQ((*f)[0].fixed, std::vector<std::string>{"1.18.6"});
  EXPECT_EQ((*f)[1].fixed, std::vector<std::string>{"1.19.1"});
}

TEST(OsvMatchTest, MavenSeveralAffectedEntries) {
  auto db = FixtureDb();
  auto f = db->Match({Pkg(Ecosystem::kMaven, "org.apache.logging.log4j:log4j-core", "2.14.1"),
                      Pkg(Ecosystem::kMaven, "org.apache.logging.log4j:log4j-core", "2.0-beta9"),
                      Pkg(Ecosystem::kMaven, "org.apache.logging.log4j:log4j-core", "2.0-beta8"),
                      Pkg(Ecosystem::kMaven, "org.apache.logging.log4j:log4j-core", "2.3.1"),
                      Pkg(Ecosystem::kMaven, "org.apache.logging.log4j:log4j-core", "2.12.1"),
                      Pkg(Ecosystem::kMaven, "org.apache.logging.log4j:log4j-core", "2.15.0")});
  ASSERT_OK(f.status());
  std::vector<size_t> idx;
  for (const auto& x : *f) idx.push_back(x.package_index);
  EXPECT_EQ(idx, (std::vector<size_t>{0, 1, 4}));
  EXPECT_EQ((*f)[0].fixed, std::vector<std::string>{"2.15.0"});
  EXPECT_EQ((*f)[1].fixed, std::vector<std::string>{"2.3.1"});
  EXPECT_EQ((*f)[0].severity, "CRITICAL");
  EXPECT_DOUBLE_EQ(*(*f)[0].score, 10.0);
}

TEST(OsvMatchTest, LastAffectedAndLimit) {
  OsvImportStats stats;
  auto db = FixtureDb(&stats);
  EXPECT_EQ(stats.unknown_ecosystem, 1u);  // Debian:12
  auto f = db->Match({Pkg(Ecosystem::kCargo, "example-crate", "0.4.2"), Pkg(Ecosystem::kCargo, "example-crate", "0.4.3"),
                      Pkg(Ecosystem::kCargo, "example-crate", "0.2.9"), Pkg(Ecosystem::kRubyGems, "examplegem", "1.4.9"),
                      Pkg(Ecosystem::kRubyGems, "examplegem", "1.5"), Pkg(Ecosystem::kRubyGems, "examplegem", "1.0.0")});
  ASSERT_OK(f.status());
  std::vector<size_t> idx;
  for (const auto& x : *f) idx.push_back(x.package_index);
  EXPECT_EQ(idx, (std::vector<size_t>{0, 3, 5}));
  EXPECT_TRUE((*f)[0].fixed.empty());
  // A CVSS v4 vector is kept; without a v3 vector or a database label the
  // severity stays unknown.
  EXPECT_EQ((*f)[0].vector.substr(0, 9), "CVSS:4.0/");
  EXPECT_FALSE((*f)[0].score.has_value());
}

TEST(OsvMatchTest, UnpinnedAndInvalidVersionsAreCounted) {
  auto db = FixtureDb();
  Package range = Pkg(Ecosystem::kNpm, "lodash", "^4.17.0");
  range.pinned = false;
  OsvMatchStats stats;
  auto f = db->Match({range, Pkg(Ecosystem::kNpm, "lodash", "not-a-version")}, &stats);
  ASSERT_OK(f.status());
  EXPECT_TRUE(f->empty());
  EXPECT_EQ(stats.packages_unpinned, 1u);
  EXPECT_EQ(stats.packages_bad_version, 1u);
}

TEST(OsvMatchTest, UnsortedEventsAreSortedByVersionOrder) {
  OsvDatabaseBuilder b;
  ASSERT_OK(b.AddJson(R"({"id":"A","affected":[{"package":{"ecosystem":"npm","name":"x"},
      "ranges":[{"type":"SEMVER","events":[{"fixed":"2.0.0"},{"introduced":"1.10.0"},{"introduced":"0"},{"fixed":"1.2.0"}]}]}]})",
                      "a.json"));
  auto db = OsvDatabase::Open(b.Serialize(), "a.db");
  ASSERT_OK(db.status());
  auto f = (*db)->Match({Pkg(Ecosystem::kNpm, "x", "1.1.0"), Pkg(Ecosystem::kNpm, "x", "1.5.0"),
                         Pkg(Ecosystem::kNpm, "x", "1.10.0"), Pkg(Ecosystem::kNpm, "x", "2.0.0")});
  ASSERT_OK(f.status());
  std::vector<size_t> idx;
  for (const auto& x : *f) idx.push_back(x.package_index);
  EXPECT_EQ(idx, (std::vector<size_t>{0, 2}));
  EXPECT_EQ((*f)[0].fixed, std::vector<std::string>{"1.2.0"});
  EXPECT_EQ((*f)[1].fixed, std::vector<std::string>{"2.0.0"});
}

TEST(OsvDbTest, NewerModifiedWinsAndRecordsRoundTrip) {
  OsvDatabaseBuilder b;
  ASSERT_OK(b.AddJson(R"({"id":"A","modified":"2024-01-02","summary":"new","affected":[{"package":{"ecosystem":"npm","name":"x"},"versions":["1.0.0"]}]})", "n.json"));
  ASSERT_OK(b.AddJson(R"({"id":"A","modified":"2023-01-01","summary":"old"})", "o.json"));
  auto db = OsvDatabase::Open(b.Serialize(), "r.db");
  ASSERT_OK(db.status());
  auto recs = (*db)->Records();
  ASSERT_OK(recs.status());
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ((*recs)[0].summary, "new");
  ASSERT_EQ((*recs)[0].affected.size(), 1u);
  OsvDatabaseBuilder again;
  for (auto& r : *recs) again.Add(r);
  EXPECT_EQ(again.Serialize(), b.Serialize());
}

TEST(OsvDbTest, CorruptIndexIsAnErrorNotACrash) {
  OsvDatabaseBuilder b;
  for (const char* f : kFixtures) ASSERT_OK(b.AddJson(Fixture(f), f));
  std::string good = b.Serialize();
  EXPECT_FALSE(OsvDatabase::Open("nonsense", "x.db").ok());
  for (size_t cut = 0; cut < good.size(); cut += 7) {
    std::string bad = good;
    bad[cut] = static_cast<char>(bad[cut] ^ 0x5a);
    auto db = OsvDatabase::Open(bad, "x.db");
    if (!db.ok()) continue;
    auto f = (*db)->Match({Pkg(Ecosystem::kNpm, "lodash", "4.0.0"), Pkg(Ecosystem::kMaven, "org.apache.logging.log4j:log4j-core", "2.14.1")});
    (void)f;
    auto r = (*db)->Records();
    (void)r;
  }
}

TEST(OsvDbTest, AddPathReadsDirectoriesThroughEnv) {
  auto env = NewMemEnv();
  ASSERT_OK(env->CreateDirs("/osv/npm"));
  ASSERT_OK(env->WriteFileAtomic("/osv/npm/GHSA-35jh-r3h4-6jhm.json", Fixture("GHSA-35jh-r3h4-6jhm.json")));
  ASSERT_OK(env->WriteFileAtomic("/osv/README.txt", "not json"));
  OsvDatabaseBuilder b;
  OsvImportStats stats;
  ASSERT_OK(b.AddPath(env.get(), "/osv", &stats));
  EXPECT_EQ(stats.files, 1u);
  EXPECT_EQ(b.size(), 1u);
  ASSERT_OK(env->WriteFileAtomic("/osv/npm/broken.json", "{\"id\": }"));
  Status s = b.AddPath(env.get(), "/osv", &stats);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/osv/npm/broken.json:"), std::string::npos) << s.ToString();
}

TEST(OsvDbTest, DefaultPath) {
  auto env = NewMemEnv();
  env->SetEnvVar("CUSTODY_CACHE_DIR", "/c");
  EXPECT_EQ(DefaultOsvDbPath(env.get()), "/c/osv/osv.db");
  env->SetEnvVar("CUSTODY_CACHE_DIR", std::nullopt);
  env->SetEnvVar("XDG_CACHE_HOME", std::nullopt);
  env->SetEnvVar("HOME", "/home/u");
  EXPECT_EQ(DefaultOsvDbPath(env.get()), "/home/u/.cache/custody/osv/osv.db");
}

}  // namespace
}  // namespace custody
