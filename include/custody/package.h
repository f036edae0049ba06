// A package as the dependency checks see it: which ecosystem, which name,
// which version, and where it was declared. Shared by the manifest and
// lockfile parsers (custody/deps.h), version ordering and OSV matching
// (custody/versions.h, custody/osv.h), licences and the SBOM.
//
// Plain values; thread-compatible.
#ifndef CUSTODY_PACKAGE_H_
#define CUSTODY_PACKAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace custody {

// The ecosystems custody understands. Each has its own name rules, version
// ordering and registry; OSV names them by the strings EcosystemOsvName
// returns.
enum class Ecosystem {
  kNpm,
  kPyPI,
  kGo,
  kCargo,
  kRubyGems,
  kMaven,
  kPackagist,
  kNuGet,
};

// The lower-case short name custody uses on its command line and in its own
// formats: "npm", "pypi", "go", "cargo", "rubygems", "maven", "packagist",
// "nuget".
std::string_view EcosystemName(Ecosystem e);

// The ecosystem's identifier in the OSV schema ("npm", "PyPI", "Go",
// "Maven", "RubyGems", "Packagist", "NuGet"; for Cargo, the schema's own
// identifier of the Rust registry).
std::string_view EcosystemOsvName(Ecosystem e);

// Reads either spelling above (case-insensitive for custody's short names,
// and the OSV identifiers exactly as the schema writes them, ignoring an
// OSV ":suffix" such as "Debian:12"). nullopt when it is none of them.
std::optional<Ecosystem> ParseEcosystem(std::string_view name);

// One declared or locked package. `version` is exactly as the file states
// it (a lockfile's resolved version, or a manifest's requirement such as
// "^1.2.0" when `pinned` is false). `file` is repository-relative and `line`
// 1-based (0 when the format gives no line).
struct Package {
  Ecosystem ecosystem = Ecosystem::kNpm;
  std::string name;
  std::string version;
  bool pinned = true;      // version is one exact version, not a range
  bool direct = true;      // declared by the project itself, not transitive
  bool dev = false;        // only needed for development / tests
  std::string file;
  uint32_t line = 0;
};

}  // namespace custody

#endif  // CUSTODY_PACKAGE_H_
