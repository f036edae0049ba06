// Licences of dependencies (issue 5 item 8): the SPDX licence list compiled
// into the binary, SPDX licence expressions, identification of licence texts,
// declared licences read from installed package metadata, and a small policy
// (deny/allow ids and categories, the project's own licence).
//
// The SPDX data (data/spdx/, made by scripts/make_spdx_data.sh) is embedded at
// build time; the tables and the text index are built once, on first use,
// behind function-local statics, so every function here is thread-safe and
// returns values that own their memory (string_views point into static data).
// Nothing here throws or prints; malformed input gives a Status.
#ifndef CUSTODY_LICENSE_H_
#define CUSTODY_LICENSE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custody/env.h"
#include "custody/status.h"

namespace custody {

// What a licence asks of code that uses it, coarsest first. Assigned per id by
// scripts/make_spdx_data.sh (rules in docs/licenses.md). kRestricted is for
// source-available and non-commercial terms (BUSL, PolyForm, CC-BY-NC, ...).
enum class LicenseCategory {
  kPublicDomain,
  kPermissive,
  kWeakCopyleft,
  kStrongCopyleft,
  kNetworkCopyleft,
  kRestricted,
  kUnknown,
};

// "public-domain", "permissive", "weak-copyleft", "strong-copyleft",
// "network-copyleft", "restricted", "unknown".
std::string_view LicenseCategoryName(LicenseCategory c);
// The inverse of LicenseCategoryName (also accepts '_' for '-'); nullopt when
// the name is none of them.
std::optional<LicenseCategory> ParseLicenseCategory(std::string_view name);

// One entry of the SPDX licence list. Views point into static data.
struct LicenseInfo {
  std::string_view id;           // canonical case, e.g. "Apache-2.0"
  std::string_view name;         // full name
  bool osi_approved = false;
  bool deprecated = false;
  std::string_view replacement;  // for deprecated ids: the expression to use
  LicenseCategory category = LicenseCategory::kUnknown;
};

// The entry whose id equals `id` ignoring ASCII case, or nullptr.
const LicenseInfo* FindLicense(std::string_view id);
// The canonical spelling of the licence exception `id` (case-insensitive), or
// an empty view when it is not on the SPDX exception list.
std::string_view FindLicenseException(std::string_view id);
// Every licence on the list, sorted by id ignoring case.
const std::vector<LicenseInfo>& AllLicenses();

// ---------------------------------------------------------------------------
// SPDX licence expressions (SPDX spec, annex "SPDX License Expressions").

// A node of a parsed expression. A leaf (kLicense, kRef) names one licence,
// with an optional "+" and WITH exception; kAnd / kOr hold two or more
// children (flattened: "A AND B AND C" is one kAnd with three).
struct LicenseExpr {
  enum class Kind { kLicense, kRef, kAnd, kOr };
  Kind kind = Kind::kLicense;
  std::string id;         // canonical list id, or "LicenseRef-x" / "DocumentRef-d:LicenseRef-x"
  bool or_later = false;  // "+" that could not be folded into an -or-later id
  std::string exception;  // WITH exception (canonical) or AdditionRef-..., "" if none
  std::vector<LicenseExpr> children;
};

// Parses `text` strictly by the SPDX grammar: ids matched case-insensitively
// against the list and written in canonical case, AND binding tighter than
// OR, WITH tighter than AND, operators in upper or lower case, parentheses.
// Deprecated ids are replaced (GPL-2.0 -> GPL-2.0-only, GPL-2.0+ ->
// GPL-2.0-or-later, GPL-2.0-with-GCC-exception -> GPL-2.0-or-later WITH
// GCC-exception-2.0). InvalidArgument "col N: <problem>" (1-based column) on a
// syntax error, an id not on the list, or an unknown exception.
Result<LicenseExpr> ParseLicenseExpression(std::string_view text);

// The expression in canonical SPDX form, parenthesised only where needed.
std::string LicenseExprToString(const LicenseExpr& e);

// The category of a leaf; for kAnd the most demanding child's, for kOr the
// least demanding child's (the licensee may choose). LicenseRef-* is kUnknown.
LicenseCategory ExprCategory(const LicenseExpr& e);

// A licence as declared in real metadata, which is often not SPDX.
struct DeclaredExpr {
  std::string raw;                  // the text as found
  std::optional<LicenseExpr> expr;  // set when raw (or an alias) maps to SPDX
  std::string note;                 // why expr is unset, or which alias applied
};

// Interprets a declared licence string: first as a strict SPDX expression,
// then through the alias table of common non-SPDX spellings ("MIT License",
// "Apache 2.0", "Apache-2", "ASL 2.0", "GPLv3", "GPLv2+", "BSD-3", "new BSD",
// "Python Software Foundation License", trove classifier names, ...), also
// for each side of " OR " / " AND " / "/" lists. Ambiguous names ("BSD",
// "GPL") and unknown text leave expr unset with a note; never fails.
DeclaredExpr InterpretDeclaredLicense(std::string_view raw);

// ---------------------------------------------------------------------------
// Policy.

enum class UnknownLicenseAction { kAllow, kWarn, kDeny };

// What the policy's [licenses] section (src/policy) maps onto. Ids may be
// written in any case and in deprecated form; a deny/allow id covers its
// -only and -or-later forms ("GPL-3.0" covers both).
struct LicensePolicy {
  std::vector<std::string> deny;                    // ids never accepted
  std::vector<std::string> allow;                   // when non-empty: only these
  std::vector<LicenseCategory> deny_categories;     // categories never accepted
  // The project's own licence: an SPDX expression, or "proprietary" (also
  // "UNLICENSED", "LicenseRef-Proprietary"). When set, a dependency whose
  // category demands more than the project's licence gives is blocking:
  // strong copyleft into a permissive/proprietary project, network copyleft
  // into anything but a network-copyleft project.
  std::string project_license;
  UnknownLicenseAction unknown = UnknownLicenseAction::kWarn;
};

// The outcome for one expression.
struct LicenseVerdict {
  bool allowed = true;          // false: blocking
  bool warn = false;            // unknown licence under kWarn
  std::vector<std::string> reasons;  // one line per offending licence
};

// Evaluates `e`: kOr is allowed when any branch is, kAnd when all are. An
// invalid project_license or policy id gives InvalidArgument naming it.
Result<LicenseVerdict> EvaluateLicense(const LicenseExpr& e, const LicensePolicy& p);
// The verdict for a declared licence that has no SPDX expression (unknown):
// allowed unless p.unknown is kDeny.
LicenseVerdict EvaluateUnknownLicense(const LicensePolicy& p, std::string_view raw);
// EvaluateLicense(e, p).allowed; false when the policy itself is invalid.
bool Allowed(const LicenseExpr& e, const LicensePolicy& p);

// ---------------------------------------------------------------------------
// Licence text identification.

// The normalised word sequence of a licence text, per the SPDX matching
// guidelines: lower case, punctuation and bullets dropped, whitespace
// collapsed, copyright notices and a leading title line removed, varietal
// spellings unified (licence -> license, ...). Exposed for tests and fuzzing.
std::vector<std::string> NormalizeLicenseWords(std::string_view text);

struct LicenseMatch {
  enum class Kind { kNone, kExact, kNear, kPartial, kIdentifier };
  Kind kind = Kind::kNone;
  std::string id;                   // best id ("" for kNone); for kIdentifier the expression
  std::vector<std::string> equivalent;  // ids whose text is the same (the class, including id)
  double score = 0;                 // Sorensen-Dice of 3-word shingle sets, 0..1
  double containment = 0;           // share of the licence's shingles found in the text
  LicenseCategory category = LicenseCategory::kUnknown;
  std::string second;               // runner-up id (different text), for context
  double second_score = 0;
};
// "none", "exact", "near", "partial", "identifier".
std::string_view LicenseMatchKindName(LicenseMatch::Kind k);

// Thresholds (docs/licenses.md): exact when the normalised word sequences
// are equal; near when Dice >= kNearDice; partial when the licence (of at
// least 20 shingles) is mostly contained (>= kPartialContainment) in a
// longer text.
inline constexpr double kNearDice = 0.80;
inline constexpr double kPartialContainment = 0.80;

// Identifies the licence text `text` (a LICENSE/COPYING file, or a file
// header) against every text of the SPDX list. When no text matches, an
// "SPDX-License-Identifier:" line or a known short header notice (Apache-2.0,
// GPL/LGPL/AGPL "version N ... or any later version", MPL-2.0) gives the
// answer with kind kIdentifier. Returns kind kNone when nothing applies.
LicenseMatch IdentifyLicenseText(std::string_view text);

// The expressions of "SPDX-License-Identifier:" lines in `text`, in order,
// as written (unparsed), each with its 1-based line number.
struct SpdxIdentifierLine {
  int line = 0;
  std::string expression;
};
std::vector<SpdxIdentifierLine> FindSpdxIdentifiers(std::string_view text);

// Number of distinct texts in the index (texts shared by several ids count
// once) and of ids that have a text.
size_t LicenseTextCount();
size_t LicenseTextIdCount();

// ---------------------------------------------------------------------------
// Declared licences of installed packages.

struct PackageLicense {
  std::string ecosystem;   // "npm", "pypi", "cargo", "maven"
  std::string package;
  std::string version;
  DeclaredExpr declared;   // raw empty when the metadata declares nothing
  std::string file;        // the metadata file
  int line = 0;            // 1-based line of the licence field (0: none)
  std::string license_file;  // a licence file the metadata points at, if any
};

// Parsers of one metadata file; `path` only names it in errors and results.
// InvalidArgument "path:line:col: ..." for malformed JSON/TOML/XML.
Result<PackageLicense> ReadNpmPackageJson(std::string_view path, std::string_view text);
Result<PackageLicense> ReadPythonMetadata(std::string_view path, std::string_view text);
Result<PackageLicense> ReadCargoToml(std::string_view path, std::string_view text);
Result<PackageLicense> ReadMavenPom(std::string_view path, std::string_view text);

// A licence file found in a tree, identified.
struct FoundLicenseFile {
  std::string path;
  LicenseMatch match;
};

struct LicenseScan {
  std::vector<PackageLicense> packages;
  std::vector<FoundLicenseFile> files;
  std::vector<std::string> errors;  // "file:line: ..." for metadata that did not parse
};

// Walks `root` (through env): node_modules/**/package.json (scoped and
// nested), *.dist-info/METADATA (site-packages), Cargo.toml and pom.xml
// files, and LICENSE*/LICENCE*/COPYING*/NOTICE files at the root and in each
// package directory. Skips .git and symlink loops by a depth limit (24) and
// stops after `max_files` metadata/licence files. A file that does not parse
// is recorded in errors and the walk goes on; fails only when root cannot
// be listed.
Result<LicenseScan> ScanLicenses(Env& env, const std::string& root, size_t max_files = 100000);

}  // namespace custody

#endif  // CUSTODY_LICENSE_H_
