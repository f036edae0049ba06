#include "custody/predicates.h"

#include <gtest/gtest.h>

#include "common/test_util.h"

namespace custody {
namespace {

TEST(PredicatesTest, KindsOfKnownTypes) {
  EXPECT_EQ(KindOfPredicateType(kGenerationPredicateType), "generation");
  EXPECT_EQ(KindOfPredicateType("https://custody.dev/attestation/review/v1"), "review");
  EXPECT_EQ(KindOfPredicateType("https://custody.dev/attestation/bogus/v1"), "other");
  EXPECT_EQ(KindOfPredicateType("https://custody.dev/attestation/review"), "other");
  EXPECT_EQ(KindOfPredicateType("https://slsa.dev/provenance/v1"), "slsa-provenance");
  EXPECT_EQ(KindOfPredicateType("https://in-toto.io/attestation/test-result/v0.1"), "test-result");
}

TEST(PredicatesTest, GenerationStatementRoundTrips) {
  GenerationRecord r;
  r.agent = "claude-code";
  r.model = "claude-sonnet-4-5";
  r.model_version = "20250929";
  r.method = "manual";
  r.prompt = {std::string(64, 'a'), "ref", "digest"};
  r.constraints = {"use bcrypt"};
  r.files = {{"src/b.py", std::string(64, '1')}, {"src/a.py", std::string(64, '2')}};
  r.timestamp_unix_nanos = 1'700'000'000'000'000'000;
  Statement st = MakeGenerationStatement(r, "");
  auto parsed = ParseStatement(SerializeStatement(st));
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->predicate["model"]["version"], "20250929");
  EXPECT_EQ(parsed->predicate["constraints"][0], "use bcrypt");
  EXPECT_FALSE(parsed->predicate["prompt"].contains("text"));
  StatementIndex ix = IndexStatement(*parsed);
  EXPECT_EQ(ix.kind, "generation");
  EXPECT_EQ(ix.files, (std::vector<std::string>{"src/a.py", "src/b.py"}));
  EXPECT_TRUE(ix.commits.empty());
}

TEST(PredicatesTest, NoFilesFallsBackToCommitSubject) {
  GenerationRecord r;
  r.agent = "a";
  r.model = "m";
  std::string commit(40, 'c');
  Statement st = MakeGenerationStatement(r, commit);
  auto parsed = ParseStatement(SerializeStatement(st));
  ASSERT_OK(parsed);
  StatementIndex ix = IndexStatement(*parsed);
  EXPECT_EQ(ix.commits, std::vector<std::string>{commit});
  EXPECT_TRUE(ix.files.empty());
}

TEST(PredicatesTest, RefsAreIndexed) {
  Statement st;
  st.predicate_type = "https://custody.dev/attestation/attribution/v0.1";
  st.subject.push_back({.name = "x", .digest = {{"gitCommit", std::string(40, 'a')}}});
  std::string id(64, 'e');
  st.predicate = {{"checkpoints", {id, "not-an-id"}}};
  StatementIndex ix = IndexStatement(st);
  EXPECT_EQ(ix.refs, std::vector<std::string>{id});
}

}  // namespace
}  // namespace custody
