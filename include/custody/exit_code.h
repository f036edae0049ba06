// Process exit codes of the custody CLI (documented in docs/formats.md,
// "Exit codes"). Scripts and CI rely on these numbers: never renumber.
#ifndef CUSTODY_EXIT_CODE_H_
#define CUSTODY_EXIT_CODE_H_

#include "custody/status.h"

namespace custody {

enum class ExitCode : int {
  kOk = 0,
  kFailed = 1,           // the command ran and the answer is "no" (verify failed)
  kUsage = 2,            // bad command line
  kInvalidInput = 3,     // a file or argument is malformed (InvalidArgument)
  kCorrupt = 4,          // stored data is damaged (Corruption)
  kNotFound = 5,         // something named does not exist, or init was not run
  kPermission = 6,       // untrusted or unreadable key, access denied
  kUnavailable = 7,      // I/O error, disk full, ledger locked
  kInternal = 70,        // a bug in custody
};

inline ExitCode ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case Code::kOk: return ExitCode::kOk;
    case Code::kInvalidArgument: return ExitCode::kInvalidInput;
    case Code::kCorruption: return ExitCode::kCorrupt;
    case Code::kNotFound: return ExitCode::kNotFound;
    case Code::kPermissionDenied: return ExitCode::kPermission;
    case Code::kIOError:
    case Code::kUnavailable: return ExitCode::kUnavailable;
    case Code::kInternal: return ExitCode::kInternal;
  }
  return ExitCode::kInternal;
}

}  // namespace custody

#endif  // CUSTODY_EXIT_CODE_H_
