// Path globs, as policy files and forbid_ai constraints write them.
//
// Pure functions; thread-safe.
#ifndef CUSTODY_GLOB_H_
#define CUSTODY_GLOB_H_

#include <string_view>

#include "custody/status.h"

namespace custody {

// `path` ('/'-separated, repository-relative) matches glob `pattern`: `*`
// and `?` stay within one path segment, `**` spans any number of segments
// ("src/auth/**" covers everything below src/auth; "**/secrets.*" any
// depth), `[...]` is a character class (`[!...]` negated). A pattern ending
// in '/' covers everything below it; a leading "./" or "/" is ignored.
// Linear in pattern x path segments whatever the pattern.
bool GlobMatch(std::string_view pattern, std::string_view path);

// OK when `pattern` is a glob GlobMatch reads as its author means it:
// InvalidArgument for an empty pattern, a backslash, a control character, a
// ".." segment, "**" inside a segment ("a**b"), or an unclosed '['.
Status ValidateGlob(std::string_view pattern);

}  // namespace custody

#endif  // CUSTODY_GLOB_H_
