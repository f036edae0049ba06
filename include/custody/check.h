// custody check: the checks of a change, judged by the policy, recorded as a
// signed validation (docs/check.md).
//
// For each commit of a range (or for the staged change, as a temporary
// commit of the index), RunCheck finds which added lines an agent wrote
// (the commit's recorded attribution, else the working log), then runs on
// those lines — or on every added line with `all_lines`:
//   - the scanner (secrets, weak crypto, insecure patterns, hidden
//     behaviour; the default rule packs, egress domains from the policy),
//   - the dependency checks (dep_check.h) on packages the change added
//     whose declaration or name is on an AI line,
//   - licence identifiers (SPDX-License-Identifier) in AI lines against
//     [licenses], and copies from the snippet corpus when one is indexed,
//   - constraints: AI lines under a forbid_ai path, models and agents the
//     policy does not allow, lines an agent is named for without a
//     checkpoint (provenance).
// Each finding gets the action of its category at its path's risk level
// (ExplainPath), with the refinements docs/check.md lists. The verdict is
// block / review / pass; the validation (governance.h) is signed and
// appended to the ledger and to the commit's note unless `record` is off.
//
// Not thread-safe (uses the Project from one thread).
#ifndef CUSTODY_CHECK_H_
#define CUSTODY_CHECK_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "custody/governance.h"
#include "custody/ledger.h"
#include "custody/status.h"

namespace custody {

class Project;

struct CheckRequest {
  bool staged = false;   // check the index instead of commits
  std::string index_file;  // with `staged`: $GIT_INDEX_FILE when git set it for a hook
  std::string range;     // "COMMIT" (that commit alone) or "A..B" (each commit of it); default HEAD
  bool all_lines = false;  // include human-written lines
  bool online = false;     // dependency checks ask the registries
  bool record = true;      // sign and append the validation
  // Called with a line of progress ("checking 3/12 abc123…").
  std::function<void(const std::string&)> progress;
};

struct CommitCheck {
  ValidationRecord record;
  std::optional<AppendedEntry> entry;  // set when recorded
  std::vector<std::string> warnings;   // e.g. "no attribution recorded; computed from the working log"
  std::string subject;                 // first line of the commit message ("" for staged)
};

// Errors: the policy's (InvalidArgument with file:line; nothing runs on a
// half-read policy), the repository's, a damaged index of a dependency
// source, and signing/recording failures (NotFound without key or ledger).
Result<std::vector<CommitCheck>> RunCheck(Project& project, const CheckRequest& request);

// The fingerprint custody gives a non-scanner finding: SHA-256 over the
// NUL-joined parts, lowercase hex.
std::string FindingFingerprint(const std::vector<std::string>& parts);

}  // namespace custody

#endif  // CUSTODY_CHECK_H_
