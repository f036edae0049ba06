// Dispatch on file names, the helpers every parser shares, the tree walk and
// the diff of two package sets.
#include "custody/deps.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "deps/deps_internal.h"

namespace custody {
namespace deps {

Status ErrorAt(std::string_view path, uint32_t line, std::string_view what, uint32_t col) {
  std::string where = std::string(path) + ":" + std::to_string(line);
  if (col > 0) where += ":" + std::to_string(col);
  return Status::InvalidArgument(where, what);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = nl + 1;
  }
  return lines;
}

bool IsExactSemver(std::string_view v) {
  // MAJOR.MINOR.PATCH, then optional -pre and +build of [0-9A-Za-z.-].
  size_t i = 0;
  for (int part = 0; part < 3; ++part) {
    size_t b = i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
    if (i == b) return false;
    if (part < 2) {
      if (i >= v.size() || v[i] != '.') return false;
      ++i;
    }
  }
  if (i == v.size()) return true;
  if (v[i] != '-' && v[i] != '+') return false;
  for (++i; i < v.size(); ++i) {
    char c = v[i];
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '.' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

std::string DirOf(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

std::optional<std::string> JoinRelative(std::string_view dir, std::string_view rel) {
  if (rel.empty() || rel.front() == '/') return std::nullopt;
  std::vector<std::string> parts;
  auto push = [&](std::string_view s) -> bool {
    size_t start = 0;
    while (start <= s.size()) {
      size_t slash = s.find('/', start);
      if (slash == std::string_view::npos) slash = s.size();
      std::string_view seg = s.substr(start, slash - start);
      if (seg == "..") {
        if (parts.empty()) return false;
        parts.pop_back();
      } else if (!seg.empty() && seg != ".") {
        parts.emplace_back(seg);
      }
      start = slash + 1;
    }
    return true;
  };
  if (!push(dir) || !push(rel)) return std::nullopt;
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

Result<std::optional<std::string>> ReadSibling(const ManifestReader& read, std::string_view path,
                                               std::string_view name) {
  if (!read) return std::optional<std::string>();
  std::optional<std::string> sib = JoinRelative(DirOf(path), name);
  if (!sib) return std::optional<std::string>();
  Result<std::string> text = read(*sib);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return std::optional<std::string>();
    return text.status();
  }
  return std::optional<std::string>(std::move(*text));
}

bool YamlTooDeep(std::string_view text) {
  // Block nesting shows as a long run of indentation and "- " / "? "
  // indicators at the start of a line; lockfiles never go past a dozen.
  for (std::string_view line : SplitLines(text)) {
    size_t run = 0;
    while (run < line.size() && (line[run] == ' ' || line[run] == '-' || line[run] == '?' ||
                                 line[run] == ':' || line[run] == '\t')) {
      ++run;
    }
    if (run > 256) return true;
  }
  int depth = 0;
  for (char c : text) {
    if (c == '[' || c == '{') {
      if (++depth > 64) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

namespace {

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool IsRequirementsFile(std::string_view path) {
  std::string_view base = BaseName(path);
  if (base.size() < 4 || base.substr(base.size() - 4) != ".txt") return false;
  if (base.find("requirements") != std::string_view::npos) return true;
  // requirements/base.txt, requirements/dev.txt
  std::string dir = DirOf(path);
  return BaseName(dir) == "requirements";
}

struct Format {
  std::string_view name;
  ParseFn fn;
};

constexpr Format kFormats[] = {
    {"package-lock.json", ParsePackageLock},
    {"npm-shrinkwrap.json", ParsePackageLock},
    {"package.json", ParsePackageJson},
    {"yarn.lock", ParseYarnLock},
    {"pnpm-lock.yaml", ParsePnpmLock},
    {"pyproject.toml", ParsePyproject},
    {"poetry.lock", ParsePoetryLock},
    {"Pipfile", ParsePipfile},
    {"Pipfile.lock", ParsePipfileLock},
    {"uv.lock", ParseUvLock},
    {"go.mod", ParseGoMod},
    {"go.sum", ParseGoSum},
    {"Cargo.toml", ParseCargoToml},
    {"Cargo.lock", ParseCargoLock},
    {"Gemfile.lock", ParseGemfileLock},
    {"pom.xml", ParsePom},
    {"gradle.lockfile", ParseGradleLock},
    {"composer.json", ParseComposerJson},
    {"composer.lock", ParseComposerLock},
    {"packages.lock.json", ParseNugetLock},
};

}  // namespace

ParseFn ParserFor(std::string_view path) {
  std::string_view base = BaseName(path);
  for (const Format& f : kFormats) {
    if (base == f.name) return f.fn;
  }
  if (IsRequirementsFile(path)) return ParseRequirements;
  return nullptr;
}

}  // namespace deps

bool IsManifestFile(std::string_view path) { return deps::ParserFor(path) != nullptr; }

Result<std::vector<Package>> ParseManifest(std::string_view path, std::string_view text,
                                           const ManifestReader& read) {
  deps::ParseFn fn = deps::ParserFor(path);
  if (fn == nullptr) return Status::InvalidArgument(path, "not a manifest or lockfile custody reads");
  std::vector<Package> out;
  CUSTODY_RETURN_IF_ERROR(fn(path, text, read, &out));
  return out;
}


// ---- Tree walk -------------------------------------------------------------

namespace {

// Directories of installed, vendored or generated code: their manifests
// belong to other projects.
bool SkipDir(std::string_view name) {
  static const std::set<std::string_view> kSkip = {
      ".git", "node_modules", "vendor", ".venv", "venv", "__pycache__", ".tox",
      ".yarn", ".pnpm-store", "bower_components", ".hg", ".svn", "site-packages"};
  return kSkip.count(name) != 0;
}

// Symlinked directories can form loops that branch; the walk stops at
// this many directories (and 32 levels) whatever the tree looks like.
constexpr size_t kMaxDirs = 200000;

void Walk(Env* env, const std::string& root, const std::string& rel, int depth, size_t* dirs,
          DependencyListing* out) {
  if (depth > 32) return;
  if (++*dirs > kMaxDirs) {
    if (*dirs == kMaxDirs + 1) {
      out->errors.push_back(Status::InvalidArgument(
          root, "more than 200000 directories; the rest is not read (a symlink loop?)"));
    }
    return;
  }
  std::string abs = rel.empty() ? root : JoinPath(root, rel);
  Result<std::vector<std::string>> names = env->ListDir(abs);
  if (!names.ok()) return;
  for (const std::string& name : *names) {
    std::string child = rel.empty() ? name : rel + "/" + name;
    if (IsManifestFile(child)) {
      Result<std::string> text = env->ReadFile(JoinPath(root, child));
      if (!text.ok()) {
        // A directory that happens to carry a manifest's name is walked.
        if (env->ListDir(JoinPath(root, child)).ok()) {
          Walk(env, root, child, depth + 1, dirs, out);
        } else {
          out->errors.push_back(text.status());
        }
        continue;
      }
      ManifestReader read = [env, &root](const std::string& p) { return env->ReadFile(JoinPath(root, p)); };
      Result<std::vector<Package>> pkgs = ParseManifest(child, *text, read);
      out->files.push_back(child);
      if (!pkgs.ok()) {
        out->errors.push_back(pkgs.status());
        continue;
      }
      for (Package& p : *pkgs) out->packages.push_back(std::move(p));
      continue;
    }
    if (SkipDir(name)) continue;
    Walk(env, root, child, depth + 1, dirs, out);
  }
}

}  // namespace

Result<DependencyListing> ListTreeDependencies(Env* env, const std::string& dir) {
  CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> top, env->ListDir(dir));
  (void)top;
  DependencyListing out;
  size_t dirs = 0;
  Walk(env, dir, "", 0, &dirs, &out);
  std::sort(out.files.begin(), out.files.end());
  return out;
}

// ---- Diff ----------------------------------------------------------------

std::vector<DependencyChange> DiffDependencies(const std::vector<Package>& before,
                                               const std::vector<Package>& after) {
  using Key = std::pair<Ecosystem, std::string>;
  std::map<Key, std::set<std::string>> known;
  for (const Package& p : before) {
    known[{p.ecosystem, NormalizePackageName(p.ecosystem, p.name)}].insert(p.version);
  }
  std::set<std::tuple<Ecosystem, std::string, std::string, std::string>> reported;
  std::vector<DependencyChange> changes;
  for (const Package& p : after) {
    std::string norm = NormalizePackageName(p.ecosystem, p.name);
    auto it = known.find({p.ecosystem, norm});
    DependencyChange c;
    if (it == known.end()) {
      c.kind = DependencyChange::Kind::kNewPackage;
    } else if (it->second.count(p.version) == 0) {
      c.kind = DependencyChange::Kind::kNewVersion;
      c.previous_versions.assign(it->second.begin(), it->second.end());
    } else {
      continue;
    }
    if (!reported.insert({p.ecosystem, norm, p.version, p.file}).second) continue;
    c.package = p;
    changes.push_back(std::move(c));
  }
  return changes;
}

namespace {

// Parses every manifest in `files` as it is in `commit` ("" = empty tree);
// files absent there are skipped. Errors are prefixed with the revision.
Result<std::vector<Package>> PackagesAt(Repo& repo, const std::string& commit,
                                        const std::vector<std::string>& files) {
  std::vector<Package> out;
  if (commit.empty()) return out;
  ManifestReader read = [&repo, &commit](const std::string& p) {
    return repo.ReadBlobAtCommit(commit, p);
  };
  for (const std::string& f : files) {
    Result<std::string> text = repo.ReadBlobAtCommit(commit, f);
    if (!text.ok()) {
      if (text.status().code() == Code::kNotFound) continue;
      return text.status();
    }
    Result<std::vector<Package>> pkgs = ParseManifest(f, *text, read);
    if (!pkgs.ok()) return pkgs.status().WithPrefix(commit.substr(0, 12));
    for (Package& p : *pkgs) out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

Result<RangeDiff> DiffRangeDependencies(Repo& repo, std::string_view range) {
  RangeDiff d;
  size_t dots = range.find("..");
  if (dots != std::string_view::npos) {
    if (range.substr(dots).find("...") == 0) {
      return Status::InvalidArgument(range, "A...B ranges are not supported (use A..B)");
    }
    std::string_view a = range.substr(0, dots), b = range.substr(dots + 2);
    CUSTODY_ASSIGN_OR_RETURN(d.before_commit, repo.ResolveCommit(a.empty() ? "HEAD" : a));
    CUSTODY_ASSIGN_OR_RETURN(d.after_commit, repo.ResolveCommit(b.empty() ? "HEAD" : b));
  } else {
    CUSTODY_ASSIGN_OR_RETURN(d.after_commit, repo.ResolveCommit(range));
    CUSTODY_ASSIGN_OR_RETURN(CommitInfo info, repo.GetCommit(d.after_commit));
    if (!info.parents.empty()) d.before_commit = info.parents.front();
  }
  CUSTODY_ASSIGN_OR_RETURN(std::vector<FileDiff> diffs,
                           repo.DiffCommit(d.after_commit, d.before_commit));
  // A change to a sibling (package.json, pyproject.toml, go.mod) or to an
  // included requirements file can change what a lockfile beside it
  // reports, so those are read too in every directory the change touched.
  std::set<std::string> touched, dirs;
  for (const FileDiff& f : diffs) {
    for (const std::string* p : {&f.path, &f.old_path}) {
      if (p->empty()) continue;
      bool manifest = IsManifestFile(*p);
      if (manifest) touched.insert(*p);
      if (manifest || (p->size() > 4 && p->compare(p->size() - 4, 4, ".txt") == 0)) {
        dirs.insert(deps::DirOf(*p));
      }
    }
  }
  static constexpr std::string_view kSiblingDependent[] = {
      "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "poetry.lock", "Pipfile.lock",
      "go.sum", "composer.lock", "requirements.txt"};
  std::set<std::string> read_set = touched;
  for (const std::string& dir : dirs) {
    for (std::string_view name : kSiblingDependent) {
      read_set.insert(dir.empty() ? std::string(name) : dir + "/" + std::string(name));
    }
  }
  d.files.assign(touched.begin(), touched.end());
  std::vector<std::string> read_files(read_set.begin(), read_set.end());
  CUSTODY_ASSIGN_OR_RETURN(std::vector<Package> before, PackagesAt(repo, d.before_commit, read_files));
  CUSTODY_ASSIGN_OR_RETURN(std::vector<Package> after, PackagesAt(repo, d.after_commit, read_files));
  d.changes = DiffDependencies(before, after);
  d.diffs = std::move(diffs);
  return d;
}

}  // namespace custody
