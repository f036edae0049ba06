#include "custody/governance.h"

#include <gtest/gtest.h>

#include "custody/check.h"
#include "custody/gate.h"
#include "custody/predicates.h"

namespace custody {
namespace {

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";
const std::string kTree = "89abcdef0123456789abcdef0123456789abcdef";
const std::string kFp(64, 'a');

ValidationRecord SampleValidation() {
  ValidationRecord r;
  r.target = "commit";
  r.commit = kCommit;
  r.tree = kTree;
  r.scope = "ai";
  r.checks.push_back({"secrets-scan", "custody scan", "0.1.0", std::string(64, 'b'), 212, "ran", "", 1});
  PolicyFinding f;
  f.fingerprint = kFp;
  f.check = "secrets-scan";
  f.rule = "aws-access-key";
  f.category = CheckCategory::kSecrets;
  f.severity = "critical";
  f.path = "src/reset.py";
  f.line = 7;
  f.message = "AWS access key";
  f.evidence = "AKIA…(20)";
  f.action = CheckAction::kBlock;
  f.risk = RiskLevel::kHigh;
  r.findings.push_back(f);
  r.verdict = VerdictOf(r.findings);
  r.policy_path = ".custody/policy.toml";
  r.policy_sha256 = std::string(64, 'c');
  r.ai_lines = 12;
  r.human_lines = 3;
  r.checked_lines = 12;
  r.timestamp_unix_nanos = 1764000000000000000;
  r.validator_version = "0.1.0";
  r.validated_by = "alice";
  return r;
}

TEST(Governance, ValidationRoundTrips) {
  ValidationRecord r = SampleValidation();
  Statement st = MakeValidationStatement(r);
  EXPECT_EQ(KindOfPredicateType(st.predicate_type), "validation");
  EXPECT_EQ(IndexStatement(st).commits, std::vector<std::string>{kCommit});
  auto back = ParseValidationStatement(st);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->verdict, "block");
  ASSERT_EQ(back->findings.size(), 1u);
  EXPECT_EQ(back->findings[0].fingerprint, kFp);
  EXPECT_EQ(back->findings[0].action, CheckAction::kBlock);
  EXPECT_EQ(back->findings[0].risk, RiskLevel::kHigh);
  EXPECT_EQ(back->checks[0].rules, 212);
  EXPECT_EQ(back->policy_sha256, r.policy_sha256);
  EXPECT_EQ(back->timestamp_unix_nanos, r.timestamp_unix_nanos);
  EXPECT_EQ(st.predicate["counts"]["bySeverity"]["critical"], 1);
}

TEST(Governance, StagedValidationNamesTheTree) {
  ValidationRecord r = SampleValidation();
  r.target = "staged";
  Statement st = MakeValidationStatement(r);
  ASSERT_EQ(st.subject.size(), 1u);
  EXPECT_EQ(st.subject[0].digest.at("gitTree"), kTree);
  EXPECT_TRUE(IndexStatement(st).commits.empty());  // no note before the commit exists
  auto back = ParseValidationStatement(st);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->target, "staged");
}

TEST(Governance, ValidationErrorsNameTheField) {
  Statement st = MakeValidationStatement(SampleValidation());
  st.predicate["findings"][0]["action"] = "maybe";
  auto r = ParseValidationStatement(st);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("predicate.findings[0].action"), std::string::npos) << r.status().ToString();
  st = MakeValidationStatement(SampleValidation());
  st.predicate["verdict"] = 3;
  EXPECT_FALSE(ParseValidationStatement(st).ok());
  st.predicate_type = "https://custody.dev/attestation/review/v0.1";
  EXPECT_FALSE(ParseValidationStatement(st).ok());
}

TEST(Governance, VerdictIsTheStrictestAction) {
  std::vector<PolicyFinding> f(2);
  f[0].action = CheckAction::kReport;
  f[1].action = CheckAction::kReport;
  EXPECT_EQ(VerdictOf(f), "pass");
  f[1].action = CheckAction::kReview;
  EXPECT_EQ(VerdictOf(f), "review");
  f[0].action = CheckAction::kBlock;
  EXPECT_EQ(VerdictOf(f), "block");
  EXPECT_EQ(VerdictOf({}), "pass");
}

TEST(Governance, OverrideRoundTripsAndTravelsWithItsCommits) {
  OverrideRecord o;
  o.fingerprint = kFp;
  o.justification = "test fixture key, revoked";
  o.expires_unix_nanos = 1790000000000000000;
  o.by = "rita";
  o.role = "reviewer";
  o.commits = {kCommit};
  o.rule = "aws-access-key";
  o.path = "tests/fixture.py";
  o.line = 3;
  o.timestamp_unix_nanos = 1764000000000000000;
  Statement st = MakeOverrideStatement(o);
  EXPECT_EQ(IndexStatement(st).commits, std::vector<std::string>{kCommit});
  auto back = ParseOverrideStatement(st);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->expires_unix_nanos, o.expires_unix_nanos);
  EXPECT_EQ(back->justification, o.justification);
  EXPECT_EQ(back->line, 3);
  st.predicate["justification"] = "";
  EXPECT_FALSE(ParseOverrideStatement(st).ok());
}

TEST(Governance, ReviewRoundTrips) {
  ReviewRecord r;
  r.commit = kCommit;
  r.decision = "approve";
  r.notes = "bcrypt cost 12, ok";
  r.reviewer = "rita";
  r.role = "reviewer";
  r.checkpoints = {std::string(64, 'd')};
  r.ai_hunks = 2;
  r.timestamp_unix_nanos = 1764000000000000000;
  auto back = ParseReviewStatement(MakeReviewStatement(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->decision, "approve");
  EXPECT_EQ(back->checkpoints, r.checkpoints);
  EXPECT_EQ(back->ai_hunks, 2);
  Statement st = MakeReviewStatement(r);
  st.predicate["decision"] = "lgtm";
  auto bad = ParseReviewStatement(st);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("allowed: approve, reject"), std::string::npos);
}

TEST(Governance, DeploymentRoundTrips) {
  DeploymentRecord d;
  d.environment = "production";
  d.commit = kCommit;
  d.branch = "main";
  d.artifact_sha256 = std::string(64, 'e');
  d.range = "abc..def";
  d.commits_checked = 4;
  d.gate_passed = false;
  d.gate_failures = 2;
  d.forced = true;
  d.justification = "hotfix for incident 12";
  d.deployer = "dora";
  d.role = "deployer";
  d.previous_commit = "fedcba9876543210fedcba9876543210fedcba98";
  d.previous_entry = std::string(64, 'f');
  d.timestamp_unix_nanos = 1764000000000000000;
  Statement st = MakeDeploymentStatement(d);
  EXPECT_EQ(st.subject.size(), 2u);
  EXPECT_EQ(IndexStatement(st).refs, std::vector<std::string>{d.previous_entry});
  auto back = ParseDeploymentStatement(st);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->forced);
  EXPECT_EQ(back->gate_failures, 2);
  EXPECT_EQ(back->artifact_sha256, d.artifact_sha256);
  EXPECT_EQ(back->previous_commit, d.previous_commit);
  st.predicate.erase("justification");
  EXPECT_FALSE(ParseDeploymentStatement(st).ok());  // forced without a reason
}

TEST(Governance, FindingFingerprintSeparatesParts) {
  EXPECT_NE(FindingFingerprint({"ab", "c"}), FindingFingerprint({"a", "bc"}));
  EXPECT_EQ(FindingFingerprint({"x"}).size(), 64u);
}

TEST(Gate, CurrentValidationMatchesCommitOrItsStagedIndex) {
  CommitInfo c;
  c.id = kCommit;
  c.tree = kTree;
  c.parents = {std::string(40, '9')};
  const std::string policy(64, 'c');
  EvidenceItem item;
  std::vector<std::pair<const EvidenceItem*, ValidationRecord>> vals;
  ValidationRecord staged = SampleValidation();
  staged.target = "staged";
  staged.commit = std::string(40, '1');  // the temporary commit, not kept
  staged.parent = std::string(40, '9');
  staged.timestamp_unix_nanos = 10;
  vals.push_back({&item, staged});
  const ValidationRecord* stale = nullptr;
  const ValidationRecord* v = CurrentValidation(vals, c, policy, &stale);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->target, "staged");
  // Same tree on another parent (a rebase): the diff differs, so it does not count.
  vals[0].second.parent = std::string(40, '8');
  EXPECT_EQ(CurrentValidation(vals, c, policy, &stale), nullptr);
  EXPECT_EQ(stale, nullptr);
  // A validation of the commit under another policy is stale.
  ValidationRecord old = SampleValidation();
  old.policy_sha256 = std::string(64, 'd');
  vals.push_back({&item, old});
  EXPECT_EQ(CurrentValidation(vals, c, policy, &stale), nullptr);
  ASSERT_NE(stale, nullptr);
  EXPECT_EQ(stale->policy_sha256, std::string(64, 'd'));
  // The newest current one wins.
  ValidationRecord a = SampleValidation(), b = SampleValidation();
  a.timestamp_unix_nanos = 100;
  a.verdict = "block";
  b.timestamp_unix_nanos = 200;
  b.verdict = "pass";
  vals.push_back({&item, a});
  vals.push_back({&item, b});
  v = CurrentValidation(vals, c, policy, &stale);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->verdict, "pass");
  EXPECT_EQ(stale, nullptr);
}

TEST(Gate, OverrideCountsOnlyForTheRolesAndUntilItExpires) {
  EvidenceItem item;
  TrustedKey k;
  k.name = "rita";
  k.role = Role::kReviewer;
  item.signers.push_back(k);
  OverrideRecord o;
  o.fingerprint = kFp;
  o.expires_unix_nanos = 1000;
  EXPECT_TRUE(OverrideCounts(item, o, {Role::kReviewer}, 999));
  EXPECT_FALSE(OverrideCounts(item, o, {Role::kReviewer}, 1000));
  EXPECT_FALSE(OverrideCounts(item, o, {Role::kAuditor}, 1));
  o.expires_unix_nanos = 0;  // never expires
  EXPECT_TRUE(OverrideCounts(item, o, {Role::kReviewer}, int64_t{1} << 62));
  item.signers[0].role = Role::kDeveloper;
  EXPECT_FALSE(OverrideCounts(item, o, {Role::kReviewer}, 1));
}

}  // namespace
}  // namespace custody
