// Version ordering per ecosystem, as each ecosystem's own tooling orders
// versions: SemVer 2.0 (npm, Cargo, Go with its leading "v", NuGet's
// four-part form with case-insensitive prerelease labels), PEP 440 (PyPI),
// Maven's ComparableVersion, RubyGems' Gem::Version and Composer's
// normalised versions compared as PHP's version_compare does (Packagist).
//
// A Version is a parsed, immutable value: parse once, compare many times
// (OSV matching sorts and compares range events with it). Plain values;
// thread-compatible; the functions are pure and thread-safe.
#ifndef CUSTODY_VERSIONS_H_
#define CUSTODY_VERSIONS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "custody/package.h"
#include "custody/status.h"

namespace custody {

// One parsed version. `text` is the input as given; the other members are
// the ecosystem's ordering key and are only meaningful to CompareParsed of
// the same ecosystem.
struct Version {
  // One component of the ordering key. Kinds are compared first (their
  // meaning is per ecosystem), then `num`, then `str`.
  struct Part {
    int32_t kind = 0;
    uint64_t num = 0;
    std::string str;
    bool operator==(const Part&) const = default;
  };
  Ecosystem ecosystem = Ecosystem::kNpm;
  std::string text;
  std::vector<Part> parts;
  std::string normalized;  // set by parsers whose canonical form needs the parse
};

// Parses `text` under `ecosystem`'s rules. Accepts what that ecosystem's
// tooling accepts (e.g. a leading "v" for npm and Go, "1.0-1" as a PyPI
// post-release, any string for Maven). Returns InvalidArgument
// "version \"X\": not a valid <ecosystem> version (<why>)" otherwise.
// Numeric components above 2^64-1 are rejected. Never crashes on any input.
Result<Version> ParseVersion(Ecosystem ecosystem, std::string_view text);

// <0, 0 or >0 as a orders before, equal to or after b. Both must come from
// ParseVersion of the same ecosystem.
int CompareParsed(const Version& a, const Version& b);

// Parses both and compares them. A version that does not parse orders
// before every valid one; two invalid versions compare as byte strings.
// Callers that must tell invalid input apart call ParseVersion.
int CompareVersions(Ecosystem ecosystem, std::string_view a, std::string_view b);

// The ecosystem's canonical spelling of a valid version (PEP 440
// normalisation for PyPI, "1.2.3.0-beta1"-style for Packagist, lower case
// for Maven and NuGet prerelease labels, the input trimmed otherwise).
// Empty when `text` does not parse.
std::string NormalizeVersion(Ecosystem ecosystem, std::string_view text);

}  // namespace custody

#endif  // CUSTODY_VERSIONS_H_
