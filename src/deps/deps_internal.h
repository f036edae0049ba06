// Shared helpers of the manifest parsers (src/deps). Internal: only the
// parsers, deps.cc and unit tests include it.
#ifndef CUSTODY_DEPS_DEPS_INTERNAL_H_
#define CUSTODY_DEPS_DEPS_INTERNAL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custody/deps.h"

namespace custody::deps {

// One parser: appends the packages of `text` (the file at `path`) to `out`.
// `read` may be empty (no sibling files, no includes).
using ParseFn = Status (*)(std::string_view path, std::string_view text,
                           const ManifestReader& read, std::vector<Package>* out);

// InvalidArgument "PATH:LINE[:COL]: what".
Status ErrorAt(std::string_view path, uint32_t line, std::string_view what, uint32_t col = 0);

std::string_view Trim(std::string_view s);
std::string Lower(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
// The text split into lines (without terminators; "\r\n" handled).
std::vector<std::string_view> SplitLines(std::string_view text);
// "1.2.3", "1.2.3-beta.1+build": one exact SemVer version (a leading "v" or
// "=" is not accepted; callers strip what their format allows).
bool IsExactSemver(std::string_view v);

// The directory of `path` ("" at the root) and `rel` joined onto `dir` with
// "." and ".." resolved. nullopt when `rel` is absolute or climbs above the
// root (includes may not leave the tree).
std::string DirOf(std::string_view path);
std::optional<std::string> JoinRelative(std::string_view dir, std::string_view rel);

// Reads `name` beside `path` through `read`. nullopt when there is no reader
// or the file does not exist; other errors are returned.
Result<std::optional<std::string>> ReadSibling(const ManifestReader& read, std::string_view path,
                                               std::string_view name);

// What a package.json (or the root entry of a package-lock) declares: name
// -> whether it is declared only as a devDependency.
using NpmDeclared = std::map<std::string, bool, std::less<>>;

// Whether a YAML document nests too deeply to hand to yaml-cpp (which
// recurses per level): flow collections ("[", "{") deeper than 64, or a
// line starting with more than 256 indentation and indicator characters.
bool YamlTooDeep(std::string_view text);

// The parsers, one per format (npm.cc, python.cc, other.cc).
Status ParsePackageLock(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParsePackageJson(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParseYarnLock(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParsePnpmLock(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParseRequirements(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParsePyproject(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParsePoetryLock(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParsePipfile(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParsePipfileLock(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParseUvLock(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParseGoMod(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParseGoSum(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParseCargoToml(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParseCargoLock(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParseGemfileLock(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParsePom(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParseGradleLock(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParseComposerJson(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParseComposerLock(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);
Status ParseNugetLock(std::string_view, std::string_view, const ManifestReader&, std::vector<Package>*);

// The parser for `path`'s file name, or nullptr.
ParseFn ParserFor(std::string_view path);

}  // namespace custody::deps

#endif  // CUSTODY_DEPS_DEPS_INTERNAL_H_
