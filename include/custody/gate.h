// The gate and the evidence it reads (docs/gate.md).
//
// Evidence about a commit is read from its notes on refs/notes/custody and
// on the fetched remote notes ref (so a fresh clone in CI can decide), and
// from the local ledger when there is one. Every envelope must verify
// against the trusted keys; one that does not is a gate failure
// ("signature"), never silently skipped.
//
// RunGate checks every commit of a range:
//   attribution   an attribution record exists (merges are skipped: their
//                 parents' commits are checked one by one);
//   provenance    every checkpoint the AI lines name is present and signed;
//   validation    for a commit with AI lines, a validation of that commit
//                 (or of the staged index it was made from) under the policy
//                 in force;
//   findings      no blocking finding without a valid override (signed by a
//                 key whose role [overrides] roles names, not expired);
//   approvals     the approvals the risk levels and constraints of the
//                 touched paths require (plus one reviewer when a finding
//                 needs review), each by a key of a required role, the
//                 reviewer's latest decision counting; with
//                 separation_of_duties, not by a key that signed the
//                 commit's attribution or checkpoints;
//   rejection     no valid reviewer's latest decision is "reject".
// Each failure names the command that resolves it.
//
// Not thread-safe (borrowed Repo and Store).
#ifndef CUSTODY_GATE_H_
#define CUSTODY_GATE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "custody/attribution.h"
#include "custody/governance.h"
#include "custody/keys.h"
#include "custody/policy.h"
#include "custody/predicates.h"
#include "custody/repo.h"
#include "custody/statement.h"
#include "custody/status.h"
#include "custody/store.h"

namespace custody {

class Project;

// One verified envelope about a commit.
struct EvidenceItem {
  std::string kind;    // KindOfPredicateType: "attribution", "validation", ...
  std::string id;      // SHA-256 of the envelope line (= its ledger entry id)
  std::string source;  // "notes", "remote notes" or "ledger"
  std::string envelope;
  Statement statement;
  std::vector<TrustedKey> signers;  // trusted keys whose signature verified
};

// An envelope that did not count, and why.
struct EvidenceProblem {
  std::string where;    // "refs/notes/custody note of abc123, line 3"
  std::string message;  // "signature by key 21fe31df… does not verify"
};

struct CommitEvidence {
  std::string commit;
  std::vector<EvidenceItem> items;  // each envelope once, notes first
  std::vector<EvidenceProblem> problems;
};

// Reads the evidence of commits. `store` may be null (a CI clone without a
// ledger).
class EvidenceReader {
 public:
  EvidenceReader(Repo& repo, const Keyring& keyring, Store* store)
      : repo_(repo), keyring_(keyring), store_(store) {}
  Result<CommitEvidence> ForCommit(const std::string& commit);
  // A generation checkpoint by ledger id: from `evidence` (copied into the
  // note at commit time) or the ledger. nullopt when neither has it.
  Result<std::optional<EvidenceItem>> Checkpoint(const CommitEvidence& evidence, const std::string& id);
  // Every verified ledger entry of `kind` (empty without a store), oldest
  // first; entries that do not verify go to `problems`.
  Result<CommitEvidence> LedgerItems(std::string_view kind);

 private:
  Status Add(const std::string& line, const std::string& source, const std::string& where,
             std::map<std::string, bool>* seen, CommitEvidence* out);
  Repo& repo_;
  const Keyring& keyring_;
  Store* store_;
};

// The records of one kind in `evidence`, parsed; items that fail to parse
// are added to `problems`.
std::vector<std::pair<const EvidenceItem*, ValidationRecord>> ValidationsOf(const CommitEvidence& e,
                                                                             std::vector<EvidenceProblem>* problems);
std::vector<std::pair<const EvidenceItem*, ReviewRecord>> ReviewsOf(const CommitEvidence& e,
                                                                     std::vector<EvidenceProblem>* problems);
std::vector<std::pair<const EvidenceItem*, OverrideRecord>> OverridesOf(const CommitEvidence& e,
                                                                         std::vector<EvidenceProblem>* problems);
std::vector<std::pair<const EvidenceItem*, DeploymentRecord>> DeploymentsOf(
    const CommitEvidence& e, std::vector<EvidenceProblem>* problems);
// The newest attribution of the commit in `e`.
std::optional<Attribution> AttributionOf(const CommitEvidence& e, std::vector<EvidenceProblem>* problems);

// The validation that stands for `commit` under `policy_sha256`: one of the
// commit itself, or of the staged index it was made from (same tree and
// parent); the newest. `stale` (may be null) is set to the newest one under
// another policy when none matches.
const ValidationRecord* CurrentValidation(
    const std::vector<std::pair<const EvidenceItem*, ValidationRecord>>& validations, const CommitInfo& commit,
    const std::string& policy_sha256, const ValidationRecord** stale);

// The keyids that recorded the AI changes of a commit: the signers of its
// attributions and of the checkpoints they name (what separation_of_duties
// compares a reviewer's key with).
Result<std::vector<std::string>> AuthorKeyIds(EvidenceReader& reader, const CommitEvidence& evidence,
                                              const Attribution& attribution);

// An override that counts: signed by a key with a role in `roles`, not
// expired at `now`.
bool OverrideCounts(const EvidenceItem& item, const OverrideRecord& o, const std::vector<Role>& roles,
                    int64_t now_unix_nanos);

struct GateFailure {
  // "attribution", "provenance", "validation", "stale-validation",
  // "blocking-finding", "approvals", "rejected", "signature"
  std::string reason;
  std::string message;
  std::string resolve;  // the command (or step) that resolves it
  std::string path;     // where, when the failure is about a place
  int line = 0;
  std::string fingerprint;  // blocking findings
};

struct GateCommit {
  std::string commit;
  std::string subject;  // first line of the message
  std::string author;   // "Name <email>"
  bool merge = false;
  bool agent_authored = false;  // any AI line (ai, ai-edited, ai-unverified)
  int64_t ai_lines = 0, human_lines = 0;
  std::vector<std::string> agents, models;
  RiskLevel risk = RiskLevel::kLow;  // highest of the touched paths
  std::string validation;      // verdict of the validation in force, "" when none
  std::string validation_id;
  int64_t overridden = 0;      // blocking or review findings with a valid override
  int approvals = 0;           // valid approving reviewers
  std::vector<ApprovalRequirement> required;
  std::vector<std::string> reviewers;  // names of valid approving reviewers
  std::vector<GateFailure> failures;
  std::vector<std::string> notes;  // what the gate skipped or noticed
  bool passed() const { return failures.empty(); }
};

struct GateReport {
  std::string range;
  std::string policy_sha256;
  std::vector<GateCommit> commits;
  int64_t failures = 0;
  bool passed() const { return failures == 0; }
};

struct GateInput {
  Repo* repo = nullptr;
  Store* store = nullptr;  // may be null
  const Policy* policy = nullptr;
  const Keyring* keyring = nullptr;
  int64_t now_unix_nanos = 0;
};

// Gates `range` ("A..B", or one revision: it and its ancestors). Errors are
// the repository's; everything about the evidence is a failure in the report.
Result<GateReport> RunGate(const GateInput& in, std::string_view range);
// The same for an explicit list of commits (oldest first).
Result<GateReport> RunGateOnCommits(const GateInput& in, const std::string& label,
                                    const std::vector<std::string>& commits);

// Output forms (docs/gate.md). Markdown is fit for a pull-request comment;
// SARIF 2.1.0 carries one result per failure.
nlohmann::json GateJson(const GateReport& report);
std::string GateMarkdown(const GateReport& report);
std::string GateText(const GateReport& report, bool verbose);
nlohmann::json GateSarif(const GateReport& report);

// ---- The chain of one commit (custody show COMMIT) ------------------------
//
// Everything known about `commit`, as one JSON document with the provenance
// record's sections (docs/gate.md "The chain"): "generated" (per checkpoint:
// timestamp, agent, model, model_version, prompt, constraints_applied,
// developer_context {project, environment, risk_level}), "validated"
// (static_analysis, security_scan with counts by severity and the
// reviewed-and-approved ones, dependency_audit, compliance_checks,
// validation_timestamp, validator_version), "reviewed" (reviewer,
// review_timestamp, review_notes, approval_status), "deployed"
// (commit_hash, branch, deployment_timestamp, deployment_environment), and
// the gate's verdict on the commit alone. Sections with nothing are null or
// empty, never left out.
struct ChainInput {
  GateInput gate;
  std::string commit;  // 40 hex
  // Returns the prompt text of a generation's prompt ref when the caller
  // may reveal it (stored and --prompt given); nullopt otherwise.
  std::function<std::optional<std::string>(const std::string& ref)> prompt_text;
};
Result<nlohmann::json> BuildCommitChain(const ChainInput& in);

// Copies into the note of `commit` what the gate needs from the local
// ledger: the generation checkpoints its attribution names and the
// validations of the staged index it was made from. Run by the post-commit
// hook after the attribution; idempotent. Returns how many envelopes were
// added.
Result<int> AttachCommitEvidence(Project& project, const std::string& commit, const Attribution& attribution);

}  // namespace custody

#endif  // CUSTODY_GATE_H_
