// The rule packs compiled into the library (generated default_rules.cc).
#ifndef CUSTODY_SCAN_EMBEDDED_RULES_H_
#define CUSTODY_SCAN_EMBEDDED_RULES_H_

#include <cstddef>

namespace custody::scan_internal {

struct EmbeddedPack {
  const char* name;  // file name, e.g. "secrets.toml"
  const char* text;
};
// kEmbeddedPackCount entries, then a {nullptr, nullptr} sentinel.
extern const EmbeddedPack kEmbeddedPacks[];
extern const size_t kEmbeddedPackCount;
// SHA-256 (hex) of the packs' names and text and of the sources of their
// loader, computed at build time: the key of the parsed rule-set cache,
// without hashing the packs every run.
extern const char kEmbeddedPacksDigest[];

}  // namespace custody::scan_internal

#endif  // CUSTODY_SCAN_EMBEDDED_RULES_H_
