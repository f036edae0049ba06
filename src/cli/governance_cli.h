// Helpers shared by the governance verbs (check, override, review, gate,
// deploy, show COMMIT). Front-end plumbing; the work is in custody/check.h
// and custody/gate.h.
#ifndef CUSTODY_CLI_GOVERNANCE_CLI_H_
#define CUSTODY_CLI_GOVERNANCE_CLI_H_

#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "custody/gate.h"
#include "custody/governance.h"

namespace custody::cli {

// The project with its policy (validated whole: nothing runs on a half-read
// one), trusted keys and — when there is a ledger — its store.
struct Governance {
  std::unique_ptr<Project> project;
  Policy policy;
  Keyring keyring;
  Store* store = nullptr;  // null in a clone without a ledger
};
Result<Governance> OpenGovernance(const Globals& g);

// The overrides that count now, by fingerprint: from the ledger and from the
// notes of `commits`.
struct KnownOverride {
  OverrideRecord record;
  std::string signer;
};
Result<std::map<std::string, KnownOverride>> CountingOverrides(Governance& gv,
                                                               const std::vector<std::string>& commits);

// "BLOCK", "REVIEW", "report".
std::string ActionLabel(CheckAction a);
// One finding as a line: "BLOCK   secrets  path:line  rule: message  [evidence]  fp 1a2b…".
std::string FindingLine(const PolicyFinding& f, const KnownOverride* override_by);
// JSON of one finding, with its override when there is one.
nlohmann::json FindingJson(const PolicyFinding& f, const KnownOverride* override_by);

// ChainInput::prompt_text: the stored prompt text of a ref when `reveal`
// and the local ledger keeps it (policy prompts.storage full or redacted).
std::function<std::optional<std::string>(const std::string&)> PromptReader(Store* store, bool reveal);

// A date for --expires: YYYY-MM-DD (end of that day, UTC) or RFC 3339.
Result<int64_t> ParseExpiry(const std::string& text);

}  // namespace custody::cli

#endif  // CUSTODY_CLI_GOVERNANCE_CLI_H_
