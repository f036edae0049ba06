// Internal to src/evidence: parsing untrusted JSON (envelopes, statements,
// key files) without exceptions and within fixed limits.
//
// nlohmann::json's own non-throwing parse reports no position and accepts
// duplicate object keys (the last one silently wins), which lets two
// readers of one signed payload disagree about its content. ParseBoundedJson
// rejects duplicates, bounds size and nesting, and says where a syntax error
// is. Pure function, thread-safe.
#ifndef CUSTODY_EVIDENCE_BOUNDED_JSON_H_
#define CUSTODY_EVIDENCE_BOUNDED_JSON_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "custody/status.h"

namespace custody::internal {

// The largest document accepted (envelopes, statements): 16 MiB.
inline constexpr size_t kMaxJsonBytes = 16u << 20;
// The deepest nesting of arrays and objects accepted.
inline constexpr size_t kMaxJsonDepth = 64;

// Parses `text` as one JSON value. On failure returns InvalidArgument
// "<subject>: <problem>" where problem is one of "larger than 16 MiB (N
// bytes)", "invalid JSON: parse error at line L, column C: ...", "invalid
// JSON: nesting deeper than 64", "invalid JSON: duplicate key \"k\"". Never
// throws (except std::bad_alloc).
Result<nlohmann::json> ParseBoundedJson(std::string_view text, std::string_view subject);

// `s` as a JSON string literal for error messages, cut to about `max` bytes
// (with "…" appended when cut). Pure ASCII: control and non-ASCII
// characters are \u-escaped and invalid UTF-8 replaced, so untrusted text
// cannot reach a terminal raw. Never throws.
std::string QuoteForMessage(std::string_view s, size_t max = 80);

// The JSON type name of `v` for error messages ("string", "array", ...).
const char* JsonTypeName(const nlohmann::json& v);

}  // namespace custody::internal

#endif  // CUSTODY_EVIDENCE_BOUNDED_JSON_H_
