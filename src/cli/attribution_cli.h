// Helpers shared by the attribution verbs (attribute, blame, stats, gaps,
// interop). Front-end plumbing only; the work is in custody/attribution.h.
#ifndef CUSTODY_CLI_ATTRIBUTION_CLI_H_
#define CUSTODY_CLI_ATTRIBUTION_CLI_H_

#include <memory>
#include <string>

#include "custody/project.h"
#include "custody/working_log.h"

namespace custody::cli {

// The project's working log, or a null pointer when none exists yet (no
// agent hook has run). Corruption and other errors are returned.
Result<std::unique_ptr<WorkingLog>> OpenProjectWorkingLog(Project& project);
// <git common dir>/custody/gaps.jsonl
std::string GapsPath(Project& project);

}  // namespace custody::cli

#endif  // CUSTODY_CLI_ATTRIBUTION_CLI_H_
