// The project policy file, `.custody/policy.toml` (docs/policy.md documents
// every field).
//
// ParsePolicy reads the TOML (toml++), validates every table and key it
// knows, rejects those it does not (with a suggestion for likely typos),
// and fills a Policy: the project and frameworks in scope, risk levels by
// path glob (first match wins), named constraints, the action of each
// check category per risk level, approvals, allowed models and agents,
// dependency and licence rules, egress domains, prompt storage and scan
// paths. Every error reads "PATH:LINE:COL: problem (allowed: ...)".
// ExplainPath answers "what applies to this file": risk level, the rule
// that chose it, the constraints covering it, the effective action of each
// check after constraints, and the approvals it needs.
//
// Adopting or changing the policy is itself a signed ledger event (the
// `policy` predicate, MakePolicyStatement / AdoptPolicy below).
//
// Plain values; all functions are thread-safe except AdoptPolicy, which
// uses the Project from one thread like every Project operation.
#ifndef CUSTODY_POLICY_H_
#define CUSTODY_POLICY_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custody/env.h"
#include "custody/license.h"
#include "custody/keys.h"
#include "custody/ledger.h"
#include "custody/package.h"
#include "custody/statement.h"
#include "custody/status.h"

namespace custody {

class Project;

// Risk levels, least to most risky. Names: "low", "medium", "high",
// "critical".
enum class RiskLevel { kLow, kMedium, kHigh, kCritical };
inline constexpr int kRiskLevelCount = 4;

// What a finding of a check category does, least to most strict: "report"
// (listed, never fails the gate), "review" (needs a human approval to pass
// the gate), "block" (fails the gate until fixed or overridden).
enum class CheckAction { kReport, kReview, kBlock };

// The check categories a finding belongs to (the scanners' and dependency
// checks' categories, plus "provenance": AI-written code without a
// checkpoint, and "constraints": a write a constraint forbids).
enum class CheckCategory {
  kSecrets,
  kCrypto,
  kInsecure,
  kBehaviour,
  kDependencies,
  kVulnerabilities,
  kLicenses,
  kSnippets,
  kProvenance,
  kConstraints,
};
inline constexpr int kCheckCategoryCount = 10;
using CheckActions = std::array<CheckAction, kCheckCategoryCount>;

// The frameworks a project can declare in scope ("eu-ai-act",
// "nist-ai-rmf", "slsa", "soc2", "iso27001", "iso42001", "gdpr", "hipaa",
// "nydfs", "fedramp"); reports map evidence to their controls.
std::vector<std::string_view> KnownFrameworks();

std::string_view RiskLevelName(RiskLevel level);
std::string_view CheckActionName(CheckAction action);
std::string_view CheckCategoryName(CheckCategory category);
// Inverses of the names above (exact, lowercase); nullopt otherwise.
std::optional<RiskLevel> ParseRiskLevel(std::string_view name);
std::optional<CheckAction> ParseCheckAction(std::string_view name);
std::optional<CheckCategory> ParseCheckCategory(std::string_view name);

// The built-in action of every category at `level`, used for any category a
// `[checks.<level>]` table leaves out (docs/policy.md lists them).
CheckActions DefaultCheckActions(RiskLevel level);

// Where a setting was written: 1-based line and column in the policy file
// (0 when it came from a default).
struct SourcePos {
  int line = 0;
  int column = 0;
};

// One `[[risk.paths]]` rule.
struct RiskRule {
  std::string glob;  // custody/glob.h syntax
  RiskLevel level = RiskLevel::kMedium;
  SourcePos pos;
};

// N approvals, each signed by a key holding one of `roles` (keys.h).
struct ApprovalRule {
  int count = 0;
  std::vector<Role> roles;  // never empty once parsed (default: reviewer)
};

// A named constraint, `[[constraint]]` (or the unnamed legacy
// `[constraints] forbid_ai` list, named "constraints.forbid_ai").
struct Constraint {
  std::string name;
  std::string description;
  std::vector<std::string> paths;  // globs; the constraint covers a path matching any
  bool forbid_ai = false;          // agents must not write covered paths
  std::vector<std::string> require_rules;  // rule ids that must run on covered paths
  // Stricter checks: per category, the action to raise to (never lower).
  std::array<std::optional<CheckAction>, kCheckCategoryCount> checks{};
  // Approvals required in addition to the risk level's.
  std::optional<ApprovalRule> approvals;
  SourcePos pos;
};

// How a new dependency (one a change adds) is treated: "block", "review" or
// "allow" (only the other dependency checks apply).
enum class NewDependencyAction { kBlock, kReview, kAllow };

// Licence categories of the `[licenses] deny_categories` list are
// custody/license.h's LicenseCategory.

struct Policy {
  std::string path;           // as given to LoadPolicy
  std::string sha256;         // lowercase hex of the file bytes
  // [project]
  std::string project_name;   // name, "" when unset
  std::string project_license;                 // license: an SPDX id, "" when unset
  std::vector<std::string> frameworks;         // frameworks: from KnownFrameworks()
  // [prompts] storage: "digest" (default: only a salted digest is kept),
  // "full" (the text is kept beside the ledger, encrypted per record) or
  // "redacted" (like full, after secrets are replaced by [REDACTED:kind]).
  std::string prompt_storage = "digest";
  // Every glob of a forbid_ai constraint (the legacy [constraints]
  // forbid_ai list first, then the paths of each [[constraint]] with
  // forbid_ai = true): agent hooks refuse edits to matching paths before
  // they happen.
  std::vector<std::string> forbid_ai;
  // [egress] allow_domains: the domains code may contact; the scanner's
  // network-call rules report only other hosts (a domain allows its
  // subdomains). Empty when unset.
  std::vector<std::string> egress_allow_domains;
  // [scan] ignore_paths: gitignore-style patterns the scanner skips (added
  // to the lines of .custodyignore).
  std::vector<std::string> scan_ignore_paths;

  // [risk] default (medium unless set) and [[risk.paths]] in file order.
  RiskLevel default_risk = RiskLevel::kMedium;
  std::vector<RiskRule> risk_rules;
  // [checks.<level>], defaults filled in; index by RiskLevel.
  std::array<CheckActions, kRiskLevelCount> checks{};
  // [approvals.<level>] (defaults filled in) and separation_of_duties
  // (default true: an approval by the key whose agent wrote the code, or by
  // the author of the commit, does not count).
  std::array<ApprovalRule, kRiskLevelCount> approvals{};
  bool separation_of_duties = true;
  // [[constraint]] tables in file order, the legacy list first.
  std::vector<Constraint> constraints;
  // [models] allow / [agents] allow: globs of model ids / agent names; empty
  // = any.
  std::vector<std::string> allowed_models;
  std::vector<std::string> allowed_agents;
  // [dependencies] new (default review) and allow: "ECOSYSTEM:NAME-GLOB" or
  // "NAME-GLOB" (any ecosystem); allowed packages skip the `new` rule.
  NewDependencyAction new_dependencies = NewDependencyAction::kReview;
  std::vector<std::string> allowed_dependencies;
  // [licenses] deny / allow (SPDX ids), deny_categories, unknown (what a
  // dependency whose licence is not known gets; default review).
  std::vector<std::string> licenses_deny;
  std::vector<std::string> licenses_allow;
  std::vector<LicenseCategory> licenses_deny_categories;
  CheckAction unknown_license = CheckAction::kReview;
  // [overrides] roles: key roles that may override a blocking finding
  // (default: reviewer).
  std::vector<Role> override_roles{Role::kReviewer};
};

// One validation problem. `message` is the whole line,
// "PATH:LINE:COL: problem (allowed: a, b, c)".
struct PolicyError {
  SourcePos pos;
  std::string message;
};

// Parses policy text already read; `path` is used in messages only. On any
// problem returns InvalidArgument carrying the first error's message (plus
// "(and N more errors)") and, when `errors` is not null, appends every
// problem found to it in file order. Never throws.
Result<Policy> ParsePolicy(std::string_view text, const std::string& path,
                           std::vector<PolicyError>* errors = nullptr);

// Reads and parses `path`. NotFound when the file is missing ("run custody
// init"); InvalidArgument as ParsePolicy, or when the file exceeds 1 MiB.
Result<Policy> LoadPolicy(Env& env, const std::string& path,
                          std::vector<PolicyError>* errors = nullptr);

// The commented template `custody init` writes: every section, with the
// defaults written out or commented.
std::string PolicyTemplate(std::string_view project_name);

// One approval requirement for a path: `count` approvals by keys with one
// of `roles`. `source` is "risk level high" or "constraint NAME".
struct ApprovalRequirement {
  int count = 0;
  std::vector<Role> roles;
  std::string source;
};

// What the policy says about one repository path.
struct PathPolicy {
  std::string path;  // normalised: repository-relative, '/'-separated
  RiskLevel risk = RiskLevel::kMedium;
  // The rule that chose the level; nullopt when no rule matched and
  // [risk] default applies.
  std::optional<RiskRule> risk_rule;
  std::vector<std::string> constraints;  // names of the constraints covering the path
  bool forbid_ai = false;                // some covering constraint forbids AI writes
  std::vector<std::string> forbid_ai_by; // which ones
  std::vector<std::string> require_rules;  // union of their required rules, sorted
  CheckActions checks{};  // after raising by the constraints
  // Per category, the constraint that raised it ("" = the risk level's).
  std::array<std::string, kCheckCategoryCount> raised_by{};
  std::vector<ApprovalRequirement> approvals;  // the level's first, then constraints'
  bool separation_of_duties = true;
};

// Applies `policy` to `path` (repository-relative, '/'-separated; a
// leading "./" is dropped). InvalidArgument for an empty path or one with a
// ".." segment.
Result<PathPolicy> ExplainPath(const Policy& policy, std::string_view path);

// `model` / `agent` is allowed by [models] allow / [agents] allow (true when
// the list is empty).
bool ModelAllowed(const Policy& policy, std::string_view model);
bool AgentAllowed(const Policy& policy, std::string_view agent);
// The package is in [dependencies] allow.
bool DependencyAllowed(const Policy& policy, Ecosystem ecosystem, std::string_view name);

// What [licenses] says about a dependency's licence: denied (by id or by
// category), explicitly allowed, not known (empty id or category kUnknown:
// then `unknown_license` applies), or acceptable.
enum class LicenseDecision { kAllowed, kAccepted, kDenied, kUnknown };
LicenseDecision DecideLicense(const Policy& policy, std::string_view spdx_id,
                              LicenseCategory category);

// --- The policy event ------------------------------------------------------

inline constexpr std::string_view kPolicyPredicateType =
    "https://custody.dev/attestation/policy/v0.1";

// One adoption (first policy) or change of the policy, as signed.
struct PolicyEvent {
  std::string path = ".custody/policy.toml";  // repository-relative
  std::string sha256;                         // digest of `content`
  std::string content;                        // the file's text
  std::string previous_sha256;  // the policy adopted before, "" for the first
  std::string previous_entry;   // its ledger entry id, "" for the first
  std::string project_name;
  std::vector<std::string> frameworks;
  std::string adopted_by;   // key name of the signer (informative; the signature is the proof)
  int64_t timestamp_unix_nanos = 0;
  std::string recorder_version;
};

// The statement: subject {name: path, digest.sha256}; predicate fields in
// docs/formats.md §8.1 ("action" is "adopt" without a previous digest,
// "change" otherwise; "refersTo" holds previous_entry).
Statement MakePolicyStatement(const PolicyEvent& event);

// Reads a policy statement back. InvalidArgument when the predicate type is
// not a policy one or a required field is missing or of the wrong type.
Result<PolicyEvent> ParsePolicyStatement(const Statement& statement);

struct PolicyAdoption {
  bool recorded = false;      // false: the policy in force was already adopted
  AppendedEntry entry;        // the new entry, or the earlier one when !recorded
  std::string sha256;
  std::string previous_sha256;
};

// Validates the project's policy file and, when its digest differs from the
// last adopted one in the ledger (or none was adopted yet), records a
// signed policy event with the user's key. Idempotent. Errors: the policy's
// (InvalidArgument), NotFound without a ledger or signing key.
Result<PolicyAdoption> AdoptPolicy(Project& project);

// The last policy event in the project's ledger (nullopt before any).
struct AdoptedPolicy {
  StoredEntry entry;
  PolicyEvent event;
};
Result<std::optional<AdoptedPolicy>> LastAdoptedPolicy(Project& project);

}  // namespace custody

#endif  // CUSTODY_POLICY_H_
