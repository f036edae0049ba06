// CycloneDX 1.6 SBOM of a project's dependencies, with the AI provenance of
// the change that added each one.
//
// Neither CycloneDX nor SPDX can say "this dependency was added by model M
// in session S"; custody records it as namespaced component properties
// (custody:provenance:*), documented in docs/sbom.md, next to the standard
// fields (purl, licences, scope). Pure functions; thread-safe.
#ifndef CUSTODY_SBOM_H_
#define CUSTODY_SBOM_H_

#include <optional>
#include <string>
#include <vector>

#include "custody/package.h"

namespace custody {

// The package URL (purl spec) of `p`: pkg:npm/%40scope/name@1.0.0,
// pkg:pypi/name@1.0 (PEP 503 name), pkg:golang/github.com/a/b@v1.2.3,
// pkg:cargo/…, pkg:gem/…, pkg:maven/group/artifact@…, pkg:composer/vendor/name@…,
// pkg:nuget/Name@…. The version is left out when `p` is not pinned.
std::string PackageUrl(const Package& p);

// Who added a dependency: the commit that introduced its declaration and
// custody's attribution of that line.
struct SbomProvenance {
  std::string commit;      // full id
  std::string origin;      // "ai", "ai-edited", "ai-unverified", "human" or "unknown"
  std::string agent;       // e.g. "claude-code" (AI origins only)
  std::string model;       // e.g. "claude-sonnet-4-5"
  std::string checkpoint;  // the generation checkpoint id, when known
  std::string author;      // the commit's author
};

struct SbomComponent {
  Package package;
  std::string license;  // SPDX expression; "" when unknown
  std::optional<SbomProvenance> provenance;
};

struct SbomMeta {
  std::string project_name;
  std::string commit;         // what the SBOM describes
  std::string timestamp;      // RFC 3339
  std::string serial_number;  // "urn:uuid:…"; a random one when empty
  std::string tool_version;
};

// The SBOM as CycloneDX 1.6 JSON text (2-space indent). Components with the
// same purl are listed once (the first; the files declaring it are all
// named in custody:declared-in).
std::string CycloneDxJson(const SbomMeta& meta, const std::vector<SbomComponent>& components);

}  // namespace custody

#endif  // CUSTODY_SBOM_H_
