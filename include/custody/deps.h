// Manifests and lockfiles: what a project declares and what it locks, as
// Package records (custody/package.h), and what a change added.
//
// One parser per format, chosen by file name (ParseManifest). Each reports
// every package with its ecosystem, name (normalised where the ecosystem
// defines a rule: PEP 503 for Python, lower case for Packagist), version
// as the file states it, whether it is direct or transitive and dev or
// production, and the file:line it came from. docs/deps.md lists, per format,
// what is read, how direct and dev are decided, and the known limits.
//
// Parsers never throw and never crash on bad input: a malformed file gives
// InvalidArgument "FILE:LINE:COL: problem" (or "FILE:LINE: problem" when the
// format gives no column). Some formats need a sibling file (a yarn.lock
// needs its package.json to tell direct from transitive) or follow includes
// (requirements `-r`/`-c`); they read it through a ManifestReader, so the
// same code reads a work tree, a git tree or memory.
//
// Everything here is a pure function of its inputs plus the reader/Env/Repo
// it is given; thread-compatible (callers share no state).
#ifndef CUSTODY_DEPS_H_
#define CUSTODY_DEPS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "custody/env.h"
#include "custody/package.h"
#include "custody/registry.h"
#include "custody/repo.h"
#include "custody/status.h"

namespace custody {

// Reads another file of the same tree. `path` is relative to the same root as
// the manifest's own path ('/'-separated, normalised: no "." or ".."
// segments). Returns the file's text, or NotFound when it does not exist
// (parsers then fall back, see docs/deps.md); any other error is passed on.
using ManifestReader = std::function<Result<std::string>(const std::string& path)>;

// Whether the base name of `path` is a manifest or lockfile this library
// parses: package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml,
// package.json, requirements*.txt (also under a requirements/ directory),
// pyproject.toml, poetry.lock, Pipfile.lock, Pipfile, uv.lock, go.mod, go.sum,
// Cargo.toml, Cargo.lock, Gemfile.lock, pom.xml, gradle.lockfile,
// composer.json, composer.lock, packages.lock.json.
bool IsManifestFile(std::string_view path);

// Parses the manifest or lockfile `text` whose repository-relative path is
// `path` (the file name picks the format; Package::file is set to `path`).
// `read`, when given, serves sibling files and includes; without it
// includes are an error and sibling-dependent facts fall back (docs/deps.md).
// Packages come in file order. InvalidArgument when `path` is not a
// manifest file (see IsManifestFile) or the text is malformed (the message
// names file:line[:col]); NotFound when a `-r`/`-c` include is missing.
Result<std::vector<Package>> ParseManifest(std::string_view path, std::string_view text,
                                           const ManifestReader& read = nullptr);

// Names are compared with NormalizePackageName (custody/registry.h).

// The result of listing a whole tree: every package of every manifest, and
// one error per manifest that could not be read or parsed (the others are
// still listed).
struct DependencyListing {
  std::vector<std::string> files;  // manifests parsed, relative, sorted
  std::vector<Package> packages;   // by file, then file order
  std::vector<Status> errors;
};

// Walks the directory `dir` through `env` and parses every manifest file
// (IsManifestFile) it finds. Skips node_modules, vendor, .git and other
// directories of installed or generated code (docs/deps.md). Symlinked
// directories are followed, at most 32 levels deep and 200,000 directories
// in all (beyond that one error is added and the rest is not read).
// Package::file is relative to `dir`. Fails only when `dir` itself cannot
// be listed.
Result<DependencyListing> ListTreeDependencies(Env* env, const std::string& dir);

// A package that a change brought in.
struct DependencyChange {
  enum class Kind { kNewPackage, kNewVersion };
  Kind kind = Kind::kNewPackage;
  Package package;  // as declared after the change
  // For kNewVersion: the versions the same package had before, sorted.
  std::vector<std::string> previous_versions;
};

// The packages of `after` that are new against `before`: a package whose
// (ecosystem, normalised name) appears nowhere in `before` is kNewPackage;
// one whose name is known but whose version string is not among the
// versions `before` had for it (in any file) is kNewVersion. Packages that
// only moved between files, and removals, are not reported. Each
// (ecosystem, name, version, file) is reported once, at its first line, in
// the order of `after`.
std::vector<DependencyChange> DiffDependencies(const std::vector<Package>& before,
                                               const std::vector<Package>& after);

// What DiffRangeDependencies compared.
struct RangeDiff {
  std::string before_commit;  // 40 hex, or "" when `after` is a root commit
  std::string after_commit;   // 40 hex
  std::vector<std::string> files;  // changed manifest files, sorted
  std::vector<DependencyChange> changes;
  // Every file the range changed (Repo::DiffCommit), for checks of the
  // added code itself (imports).
  std::vector<FileDiff> diffs;
};

// Compares the manifests of two commits of `repo`: `range` is "A..B" (A's
// tree before, B's after; an empty side means HEAD) or one revision C
// (C's first parent before, C after; a root commit is compared with an empty
// tree). Only manifest files the change touched are read (both sides, with
// their siblings and includes read from the same commit). Errors of
// revisions as for Repo::ResolveCommit; a malformed manifest on either side
// is an error naming "REV:FILE:LINE".
Result<RangeDiff> DiffRangeDependencies(Repo& repo, std::string_view range);

}  // namespace custody

#endif  // CUSTODY_DEPS_H_
