// The project policy file, `.custody/policy.toml`.
//
// This version reads the file as TOML (errors give file:line:col), records
// its digest (every generation names the policy in force by digest) and
// reads the settings the foundation needs: `[prompts] storage`. The full
// policy (risk levels, constraints, checks, approvals) is documented in
// docs/policy.md as it lands. Plain values; thread-safe functions.
#ifndef CUSTODY_POLICY_H_
#define CUSTODY_POLICY_H_

#include <string>
#include <string_view>
#include <vector>

#include "custody/env.h"
#include "custody/status.h"

namespace custody {

struct Policy {
  std::string path;           // as given to LoadPolicy
  std::string sha256;         // lowercase hex of the file bytes
  std::string project_name;   // [project] name, "" when unset
  // [prompts] storage: "digest" (default: only a salted digest is kept),
  // "full" (the text is kept beside the ledger, encrypted per record) or
  // "redacted" (like full, after secrets are replaced by [REDACTED:kind]).
  std::string prompt_storage = "digest";
  // [constraints] forbid_ai: globs (capture.h GlobMatch) of paths agents
  // must not write; agent hooks refuse such edits before they happen.
  std::vector<std::string> forbid_ai;
  // [egress] allow_domains: the domains code may contact; the scanner's
  // network-call rules report only other hosts (a domain allows its
  // subdomains). Empty when unset.
  std::vector<std::string> egress_allow_domains;
  // [scan] ignore_paths: gitignore-style patterns the scanner skips (added
  // to the lines of .custodyignore).
  std::vector<std::string> scan_ignore_paths;
};

// Reads and parses `path`. InvalidArgument "PATH:LINE:COL: problem" when the
// file is not TOML or a known setting has a wrong type or value; NotFound
// when the file is missing ("run custody init").
Result<Policy> LoadPolicy(Env& env, const std::string& path);

// Parses policy text already read; `path` is used in messages only.
Result<Policy> ParsePolicy(std::string_view text, const std::string& path);

// The commented template `custody init` writes.
std::string PolicyTemplate(std::string_view project_name);

}  // namespace custody

#endif  // CUSTODY_POLICY_H_
