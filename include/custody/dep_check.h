// The dependency checks of a change: for each package a commit range (or the
// staged change) added, does it exist, is the pinned version real, is it a
// likely typosquat, is it known-vulnerable, does the policy let it in; and
// which imports in the added code no manifest declares (docs/deps.md,
// "Checking a change").
//
// Sources, each optional: the offline name index of `custody registry
// import` (or the registries themselves when `online`), the shipped popular
// lists, the OSV index of `custody osv import`, the policy's
// [dependencies]. A source that is absent is skipped and named in
// DependencyCheckReport::sources, so an auditor can tell "no finding" from
// "not checked".
//
// Not thread-safe (uses the borrowed Repo); no output, no global state.
#ifndef CUSTODY_DEP_CHECK_H_
#define CUSTODY_DEP_CHECK_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "custody/deps.h"
#include "custody/env.h"
#include "custody/policy.h"
#include "custody/repo.h"
#include "custody/status.h"

namespace custody {

// One finding. `verdict` is what the checker itself makes of it ("block":
// not-found, version-not-found, critical/high advisories, new-dependency
// under `new = "block"`; "review" otherwise); custody check combines it with
// the policy's action for the finding's category.
struct DependencyFinding {
  // not-found, version-not-found, typosquat, vulnerable, undeclared-import,
  // new-dependency
  std::string kind;
  std::string file;
  int line = 0;
  std::string ecosystem;  // EcosystemName
  std::string package;    // the package name (for imports: the package needed)
  std::string version;    // when known
  std::string message;
  std::string verdict;    // "block" or "review"
  nlohmann::json detail;  // every field above plus the kind's own (advisory id, intended name, ...)
};

struct DependencyCheckOptions {
  Env* env = nullptr;          // files (OSV index, manifests of the work tree); required
  bool online = false;         // ask the registries (CUSTODY_REGISTRY_URL_<ECO>)
  const Policy* policy = nullptr;  // [dependencies] new / allow; null = no policy rule
  std::string registry_dir;    // offline name indexes; "" = DefaultRegistryDir()
  std::string osv_db_path;     // "" = DefaultOsvDbPath(env)
  // Where declarations are read for the import check (the checkout of the
  // range's end); "" = the repository's work tree (no import check when bare).
  std::string work_tree;
};

struct DependencyCheckReport {
  std::vector<DependencyFinding> findings;
  // What each check consulted: "registry" -> "online" | "offline-index" |
  // "none"; "osv" -> "offline-index" | "none"; "typosquat" -> "popular-lists";
  // "imports" -> "work-tree" | "none"; "policy" -> "dependencies" | "none".
  std::vector<std::pair<std::string, std::string>> sources;
};

// Checks the changes of `diff` (DiffRangeDependencies). Errors: a damaged
// name or OSV index, a registry that fails (online), a blob that cannot be
// read.
Result<DependencyCheckReport> CheckDependencyChanges(Repo& repo, const RangeDiff& diff,
                                                     const DependencyCheckOptions& options);

}  // namespace custody

#endif  // CUSTODY_DEP_CHECK_H_
