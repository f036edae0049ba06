// The prompt redactor backed by the secret scanner.
//
// `[prompts] storage = "redacted"` keeps a prompt only after its secrets are
// removed. This redactor runs every secret rule of the scanner (the default
// packs: 230+ provider formats, private keys, JWTs, database URLs, generic
// high-entropy assignments) over the text, replaces each secret with
// "[REDACTED:<rule id>]", and then runs the built-in redactor (capture.h) over
// the result as a second net. Placeholders (example keys, ${VAR}) are
// redacted too: in a prompt there is no reason to keep them.
//
// Compiling the rules is the costly part (seconds); with a cache directory it
// is a load of the compiled database. The factory compiles once; Redact may
// then be called any number of times. Redact is thread-safe.
#ifndef CUSTODY_SECRET_REDACTOR_H_
#define CUSTODY_SECRET_REDACTOR_H_

#include <memory>
#include <string>

#include "custody/capture.h"
#include "custody/status.h"

namespace custody {

// Compiles the secret rules of the default packs (with the compiled-database
// cache under `cache_dir`, none when empty). An error when the rules cannot
// be compiled; callers then fall back to NewBuiltinRedactor().
Result<std::unique_ptr<Redactor>> NewSecretScannerRedactor(const std::string& cache_dir);

// Where compiled scanner databases are cached for this user:
// $CUSTODY_CACHE_DIR/scan, else $XDG_CACHE_HOME/custody/scan, else
// ~/.cache/custody/scan; empty when none of these is set (no cache).
std::string DefaultScanCacheDir();

}  // namespace custody

#endif  // CUSTODY_SECRET_REDACTOR_H_
