// The governance events: validation (custody check), override, review and
// deployment. Each is a versioned in-toto predicate (docs/formats.md §15–18)
// signed like every custody event; the structs below are their fields, and
// Make*/Parse* convert between the two. Parsers ignore unknown fields (the
// in-toto rule), check the fields they need and name the first bad one.
//
// Subjects decide which git notes carry an event (Project::Record appends an
// envelope to the note of every gitCommit subject), so that a fresh clone in
// CI sees it:
//   validation  the commit ({"name":"commit","digest":{"gitCommit":…}}), or
//               for a staged check the index tree ({"name":"staged",
//               "digest":{"gitTree":…}}); the post-commit hook copies a
//               staged validation to the note of the commit made from it
//   override    the finding ({"name":"finding","digest":{"sha256":FP}}) and
//               every commit whose validation holds the finding
//   review      the commit
//   deployment  the commit, and the artifact when given
//               ({"name":"artifact","digest":{"sha256":…}})
//
// Plain values and pure functions; thread-safe.
#ifndef CUSTODY_GOVERNANCE_H_
#define CUSTODY_GOVERNANCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "custody/policy.h"
#include "custody/statement.h"
#include "custody/status.h"

namespace custody {

inline constexpr std::string_view kValidationPredicateType =
    "https://custody.dev/attestation/validation/v0.1";
inline constexpr std::string_view kOverridePredicateType =
    "https://custody.dev/attestation/override/v0.1";
inline constexpr std::string_view kReviewPredicateType =
    "https://custody.dev/attestation/review/v0.1";
inline constexpr std::string_view kDeploymentPredicateType =
    "https://custody.dev/attestation/deployment/v0.1";

// One check that ran (or could not) as part of a validation.
struct CheckRun {
  std::string name;     // "secrets-scan", "static-analysis", "dependencies", "licenses",
                        // "constraints", "models", "provenance"
  std::string tool;     // "custody scan", "custody deps", ...
  std::string version;  // custody's version
  std::string ruleset_digest;  // sha256 of the rules in force, when rules apply
  int64_t rules = 0;           // how many rules ran
  std::string status;          // "ran" or "skipped"
  std::string detail;          // why skipped, or what was consulted
  int64_t findings = 0;
};

// A finding as a validation keeps it: redacted evidence only, with the
// action the policy gave it at its path.
struct PolicyFinding {
  std::string fingerprint;  // 64 hex; stable across line moves (scan.h)
  std::string check;        // the CheckRun name that found it
  std::string rule;         // scanner rule id, or dependency finding kind ("not-found", ...)
  CheckCategory category = CheckCategory::kSecrets;
  std::string severity;     // critical, high, medium, low, info
  std::string path;
  int line = 0;
  std::string message;
  std::string evidence;     // redacted (secrets: first 4 characters and length)
  CheckAction action = CheckAction::kReport;
  RiskLevel risk = RiskLevel::kMedium;  // of `path`
  bool ai = true;           // on an AI-written line (false only with check --all)
};

struct ValidationRecord {
  std::string target;   // "commit" or "staged"
  std::string commit;   // 40 hex; for "staged" the temporary commit (not kept)
  std::string tree;     // 40 hex tree id of what was checked
  std::string parent;   // the first parent (HEAD for "staged"); "" for a root
  std::string scope;    // "ai" (AI-attributed lines) or "all"
  std::vector<CheckRun> checks;
  std::vector<PolicyFinding> findings;
  std::string verdict;  // "pass", "review" (some finding needs review) or "block"
  std::string policy_path;
  std::string policy_sha256;
  int64_t ai_lines = 0, human_lines = 0, checked_lines = 0;
  int64_t timestamp_unix_nanos = 0;
  std::string validator_version;
  std::string validated_by;  // key name of the signer (informative)
};

// A finding as the validation predicate writes it (docs/formats.md §15).
nlohmann::json PolicyFindingJson(const PolicyFinding& finding);

// The verdict of a set of findings: "block" when any is block, "review" when
// any is review, else "pass".
std::string VerdictOf(const std::vector<PolicyFinding>& findings);

Statement MakeValidationStatement(const ValidationRecord& record);
Result<ValidationRecord> ParseValidationStatement(const Statement& statement);

struct OverrideRecord {
  std::string fingerprint;    // 64 hex
  std::string justification;  // required, non-empty
  int64_t expires_unix_nanos = 0;  // 0: never
  std::string by;             // key name of the signer
  std::string role;           // its role when signed
  std::vector<std::string> commits;  // commits whose validation holds the finding
  std::string rule, path;     // what the finding was (informative)
  int line = 0;
  int64_t timestamp_unix_nanos = 0;
  std::string recorder_version;
};
Statement MakeOverrideStatement(const OverrideRecord& record);
Result<OverrideRecord> ParseOverrideStatement(const Statement& statement);

struct ReviewRecord {
  std::string commit;    // 40 hex
  std::string decision;  // "approve" or "reject"
  std::string notes;
  std::string reviewer;  // key name of the signer
  std::string role;
  // What the reviewer was shown: the checkpoints of the AI hunks, the
  // validation entry, counts.
  std::vector<std::string> checkpoints;
  std::string validation_entry;  // ledger entry id / note line digest, "" when none
  int64_t ai_hunks = 0;
  int64_t findings_shown = 0;
  int64_t timestamp_unix_nanos = 0;
  std::string recorder_version;
};
Statement MakeReviewStatement(const ReviewRecord& record);
Result<ReviewRecord> ParseReviewStatement(const Statement& statement);

struct DeploymentRecord {
  std::string environment;
  std::string commit;           // 40 hex
  std::string branch;           // "" when detached and not given
  std::string artifact_sha256;  // "" when none
  std::string range;            // what the gate checked ("A..B" or "B")
  int64_t commits_checked = 0;
  bool gate_passed = false;
  int64_t gate_failures = 0;
  bool forced = false;
  std::string justification;    // required when forced
  std::string deployer;         // key name of the signer
  std::string role;
  std::string previous_commit;  // the last deployment to the environment, "" for the first
  std::string previous_entry;
  int64_t timestamp_unix_nanos = 0;
  std::string recorder_version;
};
Statement MakeDeploymentStatement(const DeploymentRecord& record);
Result<DeploymentRecord> ParseDeploymentStatement(const Statement& statement);

}  // namespace custody

#endif  // CUSTODY_GOVERNANCE_H_
