// Helpers shared inside src/scan (not part of the public API; unit tests may
// include this header).
#ifndef CUSTODY_SCAN_SCAN_INTERNAL_H_
#define CUSTODY_SCAN_SCAN_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace custody {
struct RuleSet;
}

namespace custody::scan_internal {

// ASCII lowercase copy.
std::string Lower(std::string_view s);
// The language names of the rule format, in a fixed order (at most 32).
const std::vector<std::string>& KnownLanguages();
// The path regex for a language name of the rule format ("" if unknown).
std::string LanguagePathRegex(std::string_view language);
// The languages whose LanguagePathRegex matches `path`, as bits in
// KnownLanguages() order: the same answer without running 13 regexes (and
// without sharing RE2 objects, whose locks threads contend on) per file.
uint32_t LanguageMask(std::string_view path);
// True when the host of `url_or_host` equals one of `domains` or is a
// subdomain of one. A text with no recognisable host is not allowed.
bool HostAllowed(std::string_view url_or_host, const std::vector<std::string>& domains);
// The host part of a URL ("https://a.b:8/x" -> "a.b"), lowercase.
std::string HostOf(std::string_view url_or_host);
// Matched code for non-secret findings: at most 80 bytes, control bytes as
// spaces, "…" when cut.
std::string CodeEvidence(std::string_view match);
// 64 hex: SHA-256 over rule id, path and secret, NUL-separated.
std::string Fingerprint(std::string_view rule_id, std::string_view path, std::string_view secret);

// The rule set in the binary form of the rule-set cache (rule_cache.cc),
// and back: ParseRuleSet is false (and leaves `*set` alone) for anything
// SerializeRuleSet did not write.
std::string SerializeRuleSet(const RuleSet& set);
bool ParseRuleSet(std::string_view data, RuleSet* set);

// Reads the regular file open as `fd` whole into `out` and closes `fd`
// (one fstat and read loop, not a stream's character-wise copy). False when
// it is not a regular file, is over `max_size` bytes, or cannot be read; a
// file that shrinks while read is kept as read when `allow_short`, else
// false.
bool ReadOpenFile(int fd, uint64_t max_size, bool allow_short, std::string* out);

}  // namespace custody::scan_internal

#endif  // CUSTODY_SCAN_SCAN_INTERNAL_H_
