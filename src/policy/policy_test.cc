#include "custody/policy.h"

#include <gtest/gtest.h>

#include "common/test_util.h"
#include "custody/predicates.h"

namespace custody {
namespace {

TEST(PolicyTest, TemplateParses) {
  auto p = ParsePolicy(PolicyTemplate("demo"), ".custody/policy.toml");
  ASSERT_OK(p);
  EXPECT_EQ(p->project_name, "demo");
  EXPECT_EQ(p->prompt_storage, "digest");
  EXPECT_EQ(p->sha256.size(), 64u);
}

TEST(PolicyTest, NotTomlNamesFileLineAndColumn) {
  auto p = ParsePolicy("[project]\nname = \"x\"\nthis is not toml\n", "p.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(p.status().message().rfind("p.toml:3:", 0), 0u) << p.status().message();
}

TEST(PolicyTest, BadPromptStorageIsRejected) {
  auto p = ParsePolicy("[prompts]\nstorage = \"everything\"\n", "p.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message().rfind("p.toml:2:", 0), 0u) << p.status().message();
  auto q = ParsePolicy("[prompts]\nstorage = \"full\"\n", "p.toml");
  ASSERT_OK(q);
  EXPECT_EQ(q->prompt_storage, "full");
}

TEST(PolicyTest, MissingFileIsNotFound) {
  auto env = NewMemEnv();
  EXPECT_EQ(LoadPolicy(*env, "/x/policy.toml").status().code(), Code::kNotFound);
}

TEST(PolicyTest, EgressAllowDomainsAndScanIgnorePaths) {
  auto p = ParsePolicy("[egress]\nallow_domains = [\"api.example.com\", \"internal.test\"]\n"
                       "[scan]\nignore_paths = [\"vendor/\"]\n",
                       "policy.toml");
  ASSERT_OK(p);
  EXPECT_EQ(p->egress_allow_domains, (std::vector<std::string>{"api.example.com", "internal.test"}));
  EXPECT_EQ(p->scan_ignore_paths, (std::vector<std::string>{"vendor/"}));
  auto bad = ParsePolicy("[egress]\nallow_domains = [1]\n", "policy.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("policy.toml:2:"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace custody

namespace custody {
namespace {

// The first error's "PATH:LINE:COL:" prefix and that it mentions `needle`.
void ExpectError(std::string_view text, int line, int col, std::string_view needle) {
  std::vector<PolicyError> errors;
  auto p = ParsePolicy(text, "p.toml", &errors);
  ASSERT_FALSE(p.ok()) << text;
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  ASSERT_FALSE(errors.empty());
  std::string want = "p.toml:" + std::to_string(line) + ":" + std::to_string(col) + ": ";
  EXPECT_EQ(errors[0].message.rfind(want, 0), 0u) << errors[0].message << "\nwant " << want;
  EXPECT_EQ(errors[0].pos.line, line);
  EXPECT_EQ(errors[0].pos.column, col);
  EXPECT_NE(errors[0].message.find(needle), std::string::npos) << errors[0].message;
  EXPECT_EQ(p.status().message().rfind(errors[0].message, 0), 0u);
}

TEST(PolicyFieldsTest, EveryFieldIsRead) {
  auto p = ParsePolicy(R"(
[project]
name = "shop"
license = "Apache-2.0"
frameworks = ["eu-ai-act", "soc2", "soc2"]
[risk]
default = "low"
[[risk.paths]]
glob = "src/auth/**"
level = "critical"
[checks.low]
crypto = "block"
[approvals]
separation_of_duties = false
medium = { count = 1, roles = ["reviewer", "auditor"] }
[[constraint]]
name = "pay"
description = "card data"
paths = ["src/pay/**"]
forbid_ai = true
require_rules = ["generic-api-key"]
checks = { dependencies = "block" }
approvals = { count = 1, roles = ["auditor"] }
[models]
allow = ["claude-*"]
[agents]
allow = ["claude-code", "cursor"]
[dependencies]
new = "block"
allow = ["npm:@types/*", "requests"]
[licenses]
deny = ["AGPL-3.0-only"]
allow = ["MIT"]
deny_categories = ["strong-copyleft"]
unknown = "block"
[overrides]
roles = ["auditor"]
[egress]
allow_domains = ["api.example.com"]
[prompts]
storage = "redacted"
[scan]
ignore_paths = ["vendor/"]
)", "p.toml");
  ASSERT_OK(p);
  EXPECT_EQ(p->project_name, "shop");
  EXPECT_EQ(p->project_license, "Apache-2.0");
  EXPECT_EQ(p->frameworks, (std::vector<std::string>{"eu-ai-act", "soc2"}));
  EXPECT_EQ(p->default_risk, RiskLevel::kLow);
  ASSERT_EQ(p->risk_rules.size(), 1u);
  EXPECT_EQ(p->risk_rules[0].glob, "src/auth/**");
  EXPECT_EQ(p->risk_rules[0].level, RiskLevel::kCritical);
  EXPECT_EQ(p->risk_rules[0].pos.line, 9);
  EXPECT_EQ(p->checks[0][static_cast<int>(CheckCategory::kCrypto)], CheckAction::kBlock);
  EXPECT_EQ(p->checks[0][static_cast<int>(CheckCategory::kInsecure)], CheckAction::kReport);
  EXPECT_FALSE(p->separation_of_duties);
  EXPECT_EQ(p->approvals[1].count, 1);
  EXPECT_EQ(p->approvals[1].roles, (std::vector<Role>{Role::kReviewer, Role::kAuditor}));
  EXPECT_EQ(p->approvals[3].count, 2);  // default
  ASSERT_EQ(p->constraints.size(), 1u);
  const Constraint& c = p->constraints[0];
  EXPECT_EQ(c.name, "pay");
  EXPECT_EQ(c.description, "card data");
  EXPECT_TRUE(c.forbid_ai);
  EXPECT_EQ(c.require_rules, (std::vector<std::string>{"generic-api-key"}));
  EXPECT_EQ(c.checks[static_cast<int>(CheckCategory::kDependencies)], CheckAction::kBlock);
  ASSERT_TRUE(c.approvals);
  EXPECT_EQ(c.approvals->roles, (std::vector<Role>{Role::kAuditor}));
  EXPECT_EQ(p->forbid_ai, (std::vector<std::string>{"src/pay/**"}));
  EXPECT_TRUE(ModelAllowed(*p, "claude-sonnet-4-5"));
  EXPECT_FALSE(ModelAllowed(*p, "gpt-4o"));
  EXPECT_TRUE(AgentAllowed(*p, "cursor"));
  EXPECT_FALSE(AgentAllowed(*p, "aider"));
  EXPECT_EQ(p->new_dependencies, NewDependencyAction::kBlock);
  EXPECT_TRUE(DependencyAllowed(*p, Ecosystem::kNpm, "@types/node"));
  EXPECT_FALSE(DependencyAllowed(*p, Ecosystem::kPyPI, "@types/node"));
  EXPECT_TRUE(DependencyAllowed(*p, Ecosystem::kPyPI, "requests"));
  EXPECT_FALSE(DependencyAllowed(*p, Ecosystem::kPyPI, "reqeusts"));
  EXPECT_EQ(DecideLicense(*p, "AGPL-3.0-only", LicenseCategory::kNetworkCopyleft),
            LicenseDecision::kDenied);
  EXPECT_EQ(DecideLicense(*p, "MIT", LicenseCategory::kPermissive), LicenseDecision::kAllowed);
  EXPECT_EQ(DecideLicense(*p, "GPL-3.0-only", LicenseCategory::kStrongCopyleft),
            LicenseDecision::kDenied);
  EXPECT_EQ(DecideLicense(*p, "BSD-2-Clause", LicenseCategory::kPermissive),
            LicenseDecision::kAccepted);
  EXPECT_EQ(DecideLicense(*p, "", LicenseCategory::kUnknown), LicenseDecision::kUnknown);
  EXPECT_EQ(p->unknown_license, CheckAction::kBlock);
  EXPECT_EQ(p->override_roles, (std::vector<Role>{Role::kAuditor}));
  EXPECT_EQ(p->egress_allow_domains, (std::vector<std::string>{"api.example.com"}));
  EXPECT_EQ(p->prompt_storage, "redacted");
  EXPECT_EQ(p->scan_ignore_paths, (std::vector<std::string>{"vendor/"}));
}

TEST(PolicyFieldsTest, DefaultsOfAnEmptyPolicy) {
  auto p = ParsePolicy("", "p.toml");
  ASSERT_OK(p);
  EXPECT_EQ(p->default_risk, RiskLevel::kMedium);
  for (int l = 0; l < kRiskLevelCount; ++l) {
    EXPECT_EQ(p->checks[l], DefaultCheckActions(static_cast<RiskLevel>(l)));
  }
  EXPECT_EQ(p->approvals[0].count, 0);
  EXPECT_EQ(p->approvals[2].count, 1);
  EXPECT_TRUE(p->separation_of_duties);
  EXPECT_EQ(p->new_dependencies, NewDependencyAction::kReview);
  EXPECT_TRUE(ModelAllowed(*p, "anything"));
  EXPECT_EQ(p->override_roles, (std::vector<Role>{Role::kReviewer}));
}

TEST(PolicyFieldsTest, TemplateIsValidAndExplicit) {
  std::vector<PolicyError> errors;
  auto p = ParsePolicy(PolicyTemplate("demo"), "t.toml", &errors);
  ASSERT_OK(p);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(p->licenses_deny_categories,
            (std::vector<LicenseCategory>{LicenseCategory::kNetworkCopyleft}));
  // The documented sed edit of the template (docs/capture.md) still hits
  // exactly one line and gives a valid policy.
  std::string t = PolicyTemplate("demo");
  std::string from = "# forbid_ai = [\"src/auth/**\", \"**/*.pem\"]";
  ASSERT_NE(t.find(from), std::string::npos);
  t.replace(t.find(from), from.size(), "forbid_ai = [\"src/auth/**\"]");
  auto q = ParsePolicy(t, "t.toml");
  ASSERT_OK(q);
  EXPECT_EQ(q->forbid_ai, (std::vector<std::string>{"src/auth/**"}));
}

TEST(PolicyFieldsTest, LegacyForbidAiIsAnUnnamedConstraint) {
  auto p = ParsePolicy("[constraints]\nforbid_ai = [\"src/auth/**\"]\n"
                       "[[constraint]]\nname = \"x\"\npaths = [\"lib/**\"]\nforbid_ai = true\n",
                       "p.toml");
  ASSERT_OK(p);
  ASSERT_EQ(p->constraints.size(), 2u);
  EXPECT_EQ(p->constraints[0].name, "constraints.forbid_ai");
  EXPECT_EQ(p->forbid_ai, (std::vector<std::string>{"src/auth/**", "lib/**"}));
  auto e = ExplainPath(*p, "src/auth/login.py");
  ASSERT_OK(e);
  EXPECT_TRUE(e->forbid_ai);
  EXPECT_EQ(e->forbid_ai_by, (std::vector<std::string>{"constraints.forbid_ai"}));
}

TEST(PolicyErrorsTest, EachErrorNamesLineColumnAndAllowedValues) {
  ExpectError("[projet]\nname = \"x\"\n", 1, 2, "did you mean \"project\"");
  ExpectError("[licences]\n", 1, 2, "did you mean \"licenses\"");
  ExpectError("[project]\nnam = \"x\"\n", 2, 1, "allowed: name, license, frameworks");
  ExpectError("[project]\nname = 3\n", 2, 8, "must be a string");
  ExpectError("[project]\nlicense = \"MIT License\"\n", 2, 11, "not an SPDX licence id");
  ExpectError("[project]\nframeworks = [\"soc3\"]\n", 2, 15, "did you mean \"soc2\"");
  ExpectError("[project]\nframeworks = \"soc2\"\n", 2, 14, "must be an array");
  ExpectError("[risk]\ndefault = \"severe\"\n", 2, 11, "allowed: low, medium, high, critical");
  ExpectError("[[risk.paths]]\nglob = \"src/**\"\nlevel = \"hihg\"\n", 3, 9,
              "did you mean \"high\"");
  ExpectError("[[risk.paths]]\nglob = \"../x\"\nlevel = \"low\"\n", 2, 8, "not a valid glob");
  ExpectError("[[risk.paths]]\nlevel = \"low\"\n", 1, 1, "glob is required");
  ExpectError("[[risk.paths]]\nglob = \"a\"\n", 1, 1, "level is required");
  ExpectError("[checks.hgh]\n", 1, 9, "did you mean \"high\"");
  ExpectError("[checks.high]\ncrypto = \"warn\"\n", 2, 10, "allowed: report, review, block");
  ExpectError("[checks.high]\ncripto = \"block\"\n", 2, 1, "did you mean \"crypto\"");
  ExpectError("[approvals]\nseparation_of_duties = \"yes\"\n", 2, 24, "true or false");
  ExpectError("[approvals]\nhigh = { count = 99 }\n", 2, 18, "allowed: 0 to 16");
  ExpectError("[approvals]\nhigh = { roles = [\"reviewer\"] }\n", 2, 8, "count is required");
  ExpectError("[approvals]\nhigh = { count = 1, roles = [\"boss\"] }\n", 2, 30,
              "allowed: developer, reviewer, ci, deployer, auditor");
  ExpectError("[[constraint]]\npaths = [\"a/**\"]\n", 1, 1, "name is required");
  ExpectError("[[constraint]]\nname = \"a\"\n", 1, 1, "paths is required");
  ExpectError("[[constraint]]\nname = \"a\"\npaths = [\"a/**\"]\n[[constraint]]\nname = \"a\"\n"
              "paths = [\"b/**\"]\n",
              5, 8, "already used");
  ExpectError("[[constraint]]\nname = \"a\"\npaths = [\"a/**\"]\nforbid = true\n", 4, 1,
              "did you mean \"forbid_ai\"");
  ExpectError("[[constraint]]\nname = \"a\"\npaths = [\"a/**\"]\nrequire_rules = [\"has space\"]\n",
              4, 18, "not a rule id");
  ExpectError("[[constraint]]\nname = \"a\"\npaths = [\"a/**\"]\napprovals = { count = 0 }\n", 4,
              13, "adds nothing");
  ExpectError("[dependencies]\nnew = \"maybe\"\n", 2, 7, "allowed: block, review, allow");
  ExpectError("[dependencies]\nallow = [\"npmx:left-pad\"]\n", 2, 10, "not an ecosystem");
  ExpectError("[licenses]\ndeny_categories = [\"copyleft\"]\n", 2, 20,
              "allowed: public-domain, permissive, weak-copyleft, strong-copyleft, network-copyleft, restricted, unknown");
  ExpectError("[licenses]\ndeny = [\"MIT\"]\nallow = [\"MIT\"]\n", 3, 10, "also in licenses.deny");
  ExpectError("[licenses]\nunknown = \"allow\"\n", 2, 11, "allowed: report, review, block");
  ExpectError("[overrides]\nroles = []\n", 2, 9, "at least one role");
  ExpectError("[egress]\nallow_domains = [\"https://api.example.com\"]\n", 2, 18,
              "not a domain name");
  ExpectError("[prompts]\nstorage = \"everything\"\n", 2, 11, "allowed: digest, full, redacted");
  ExpectError("[scan]\nignore_paths = [\"\"]\n", 2, 17, "must not be empty");
  ExpectError("[models]\nallow = [\"a\\\\b\"]\n", 2, 10, "not a valid glob");
  ExpectError("prompts = 1\n", 1, 11, "must be a table");
}

TEST(PolicyErrorsTest, AllErrorsAreCollectedInFileOrder) {
  std::vector<PolicyError> errors;
  auto p = ParsePolicy("[risk]\ndefault = \"x\"\n[prompts]\nstorage = \"y\"\n[bogus]\n", "p.toml",
                       &errors);
  ASSERT_FALSE(p.ok());
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].pos.line, 2);
  EXPECT_EQ(errors[1].pos.line, 4);
  EXPECT_EQ(errors[2].pos.line, 5);
  EXPECT_NE(p.status().message().find("and 2 more errors"), std::string::npos);
}

TEST(PolicyConstraintTest, ChecksCanOnlyBeRaised) {
  // secrets blocks at every level by default: "review" could only lower it.
  ExpectError("[[constraint]]\nname = \"a\"\npaths = [\"a/**\"]\nchecks = { secrets = \"review\" }\n",
              4, 22, "constraints can only make checks stricter");
  // "report" never raises anything.
  ExpectError("[[constraint]]\nname = \"a\"\npaths = [\"a/**\"]\nchecks = { crypto = \"report\" }\n",
              4, 21, "would not raise crypto");
  // After [checks] make crypto block everywhere, "review" is a lowering too.
  ExpectError("[checks.low]\ncrypto = \"block\"\n[checks.medium]\ncrypto = \"block\"\n"
              "[[constraint]]\nname = \"a\"\npaths = [\"a/**\"]\nchecks = { crypto = \"review\" }\n",
              8, 21, "would not raise crypto");
  // Raising is fine, and ExplainPath never lowers: at a critical path the
  // constraint's "review" leaves "block" alone.
  auto p = ParsePolicy("[[risk.paths]]\nglob = \"a/x/**\"\nlevel = \"critical\"\n"
                       "[[risk.paths]]\nglob = \"a/**\"\nlevel = \"low\"\n"
                       "[[constraint]]\nname = \"a\"\npaths = [\"a/**\"]\n"
                       "checks = { crypto = \"review\" }\n",
                       "p.toml");
  ASSERT_OK(p);
  auto low = ExplainPath(*p, "a/f.c");
  ASSERT_OK(low);
  EXPECT_EQ(low->risk, RiskLevel::kLow);
  EXPECT_EQ(low->checks[static_cast<int>(CheckCategory::kCrypto)], CheckAction::kReview);
  EXPECT_EQ(low->raised_by[static_cast<int>(CheckCategory::kCrypto)], "a");
  auto crit = ExplainPath(*p, "a/x/f.c");
  ASSERT_OK(crit);
  EXPECT_EQ(crit->risk, RiskLevel::kCritical);
  EXPECT_EQ(crit->checks[static_cast<int>(CheckCategory::kCrypto)], CheckAction::kBlock);
  EXPECT_EQ(crit->raised_by[static_cast<int>(CheckCategory::kCrypto)], "");
}

TEST(PolicyExplainTest, FirstMatchWins) {
  auto p = ParsePolicy("[risk]\ndefault = \"low\"\n"
                       "[[risk.paths]]\nglob = \"src/auth/**\"\nlevel = \"critical\"\n"
                       "[[risk.paths]]\nglob = \"src/**\"\nlevel = \"high\"\n"
                       "[[risk.paths]]\nglob = \"src/auth/tests/**\"\nlevel = \"low\"\n",
                       "p.toml");
  ASSERT_OK(p);
  auto a = ExplainPath(*p, "src/auth/tests/t.py");  // the later, narrower rule never wins
  ASSERT_OK(a);
  EXPECT_EQ(a->risk, RiskLevel::kCritical);
  ASSERT_TRUE(a->risk_rule);
  EXPECT_EQ(a->risk_rule->glob, "src/auth/**");
  EXPECT_EQ(a->risk_rule->pos.line, 4);
  auto b = ExplainPath(*p, "./src/app.py");
  ASSERT_OK(b);
  EXPECT_EQ(b->path, "src/app.py");
  EXPECT_EQ(b->risk, RiskLevel::kHigh);
  auto c = ExplainPath(*p, "README.md");
  ASSERT_OK(c);
  EXPECT_EQ(c->risk, RiskLevel::kLow);
  EXPECT_FALSE(c->risk_rule);
  EXPECT_EQ(c->checks, DefaultCheckActions(RiskLevel::kLow));
  EXPECT_TRUE(c->approvals.empty());
  EXPECT_FALSE(ExplainPath(*p, "").ok());
  EXPECT_FALSE(ExplainPath(*p, "../etc/passwd").ok());
  EXPECT_FALSE(ExplainPath(*p, "a/../../b").ok());
}

TEST(PolicyExplainTest, ConstraintsApprovalsAndRules) {
  auto p = ParsePolicy("[[risk.paths]]\nglob = \"src/pay/**\"\nlevel = \"high\"\n"
                       "[approvals]\nhigh = { count = 2 }\n"
                       "[[constraint]]\nname = \"pay\"\npaths = [\"src/pay/**\"]\n"
                       "require_rules = [\"r2\", \"r1\"]\nchecks = { dependencies = \"block\" }\n"
                       "approvals = { count = 1, roles = [\"auditor\"] }\n"
                       "[[constraint]]\nname = \"py\"\npaths = [\"**/*.py\"]\nrequire_rules = [\"r1\"]\n",
                       "p.toml");
  ASSERT_OK(p);
  auto e = ExplainPath(*p, "src/pay/card.py");
  ASSERT_OK(e);
  EXPECT_EQ(e->constraints, (std::vector<std::string>{"pay", "py"}));
  EXPECT_FALSE(e->forbid_ai);
  EXPECT_EQ(e->require_rules, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(e->checks[static_cast<int>(CheckCategory::kDependencies)], CheckAction::kBlock);
  EXPECT_EQ(e->raised_by[static_cast<int>(CheckCategory::kDependencies)], "pay");
  ASSERT_EQ(e->approvals.size(), 2u);
  EXPECT_EQ(e->approvals[0].count, 2);
  EXPECT_EQ(e->approvals[0].roles, (std::vector<Role>{Role::kReviewer}));
  EXPECT_EQ(e->approvals[0].source, "risk level high");
  EXPECT_EQ(e->approvals[1].roles, (std::vector<Role>{Role::kAuditor}));
  EXPECT_EQ(e->approvals[1].source, "constraint pay");
  auto other = ExplainPath(*p, "lib/x.py");
  ASSERT_OK(other);
  EXPECT_EQ(other->constraints, (std::vector<std::string>{"py"}));
}

TEST(PolicyEventTest, StatementRoundTrips) {
  PolicyEvent e;
  e.sha256 = std::string(64, 'a');
  e.content = "[project]\nname = \"x\"\n";
  e.previous_sha256 = std::string(64, 'b');
  e.previous_entry = std::string(64, 'c');
  e.project_name = "x";
  e.frameworks = {"soc2"};
  e.adopted_by = "alice";
  e.timestamp_unix_nanos = 1'700'000'000'000'000'000;
  e.recorder_version = "0.1.0";
  Statement st = MakePolicyStatement(e);
  EXPECT_EQ(st.predicate_type, kPolicyPredicateType);
  EXPECT_EQ(KindOfPredicateType(st.predicate_type), "policy");
  EXPECT_EQ(st.predicate["action"], "change");
  StatementIndex ix = IndexStatement(st);
  EXPECT_EQ(ix.files, (std::vector<std::string>{".custody/policy.toml"}));
  EXPECT_EQ(ix.refs, (std::vector<std::string>{e.previous_entry}));
  auto parsed = ParseStatement(SerializeStatement(st));
  ASSERT_OK(parsed);
  auto back = ParsePolicyStatement(*parsed);
  ASSERT_OK(back);
  EXPECT_EQ(back->sha256, e.sha256);
  EXPECT_EQ(back->content, e.content);
  EXPECT_EQ(back->previous_sha256, e.previous_sha256);
  EXPECT_EQ(back->previous_entry, e.previous_entry);
  EXPECT_EQ(back->frameworks, e.frameworks);
  EXPECT_EQ(back->adopted_by, "alice");
  EXPECT_EQ(back->timestamp_unix_nanos, e.timestamp_unix_nanos);
  PolicyEvent first = e;
  first.previous_sha256.clear();
  first.previous_entry.clear();
  EXPECT_EQ(MakePolicyStatement(first).predicate["action"], "adopt");
  Statement wrong = st;
  wrong.predicate["policy"]["digest"]["sha256"] = "xyz";
  EXPECT_FALSE(ParsePolicyStatement(wrong).ok());
  wrong.predicate_type = "https://custody.dev/attestation/generation/v0.1";
  EXPECT_FALSE(ParsePolicyStatement(wrong).ok());
}

TEST(PolicyLoadTest, OversizedFileIsRejected) {
  auto env = NewMemEnv();
  ASSERT_OK(env->CreateDirs("/r"));
  ASSERT_OK(env->WriteFileAtomic("/r/p.toml", std::string((1 << 20) + 1, '#')));
  auto p = LoadPolicy(*env, "/r/p.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace custody
