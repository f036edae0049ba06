// Timestamps: custody writes every time as RFC 3339 UTC with nanosecond
// precision trimmed of trailing zeros ("2026-11-23T14:09:55.5Z"), and keeps
// integers as nanoseconds since the Unix epoch. Pure functions, thread-safe.
#ifndef CUSTODY_TIME_H_
#define CUSTODY_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "custody/status.h"

namespace custody {

// "YYYY-MM-DDTHH:MM:SS[.fffffffff]Z" for `unix_nanos`.
std::string FormatRfc3339(int64_t unix_nanos);
// Parses RFC 3339 (with 'Z' or a numeric offset, optional fraction) or a
// bare date "YYYY-MM-DD" (midnight UTC). InvalidArgument naming the text.
Result<int64_t> ParseRfc3339(std::string_view text);
// Parses a point in time as users type it for --since: RFC 3339, a date, or
// a duration before `now_unix_nanos` ("90s", "15m", "2h", "7d", "2w").
Result<int64_t> ParseSince(std::string_view text, int64_t now_unix_nanos);

}  // namespace custody

#endif  // CUSTODY_TIME_H_
