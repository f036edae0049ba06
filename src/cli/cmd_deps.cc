// custody deps: the packages a tree declares and locks, or the ones a commit
// range added (docs/deps.md).
#include <filesystem>
#include <memory>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "cli/cli.h"
#include "custody/dep_check.h"
#include "custody/deps.h"
#include "custody/imports.h"
#include "custody/osv.h"
#include "custody/policy.h"
#include "custody/registry.h"
#include "custody/registry_client.h"
#include "custody/repo.h"

namespace custody::cli {
namespace {

namespace fs = std::filesystem;

struct DepsArgs {
  std::string path;
  std::string diff;
  bool json = false;
  bool check = false;
  bool online = false;
  std::string fail_on = "block";
};

nlohmann::json PackageJson(const Package& p) {
  return {{"ecosystem", std::string(EcosystemName(p.ecosystem))},
          {"name", p.name},
          {"version", p.version},
          {"pinned", p.pinned},
          {"direct", p.direct},
          {"dev", p.dev},
          {"file", p.file},
          {"line", p.line}};
}

std::string Traits(const Package& p) {
  std::string t = p.direct ? "direct" : "transitive";
  t += p.dev ? ", dev" : ", prod";
  if (!p.pinned) t += ", range";
  return t;
}

std::string Where(const Package& p) { return p.file + ":" + std::to_string(p.line); }

std::string VersionText(const Package& p) { return p.version.empty() ? "(any version)" : p.version; }

Result<ExitCode> RunList(const Globals& g, const DepsArgs& a) {
  std::string root = WorkingDir(g);
  if (!a.path.empty()) root = fs::path(a.path).is_absolute() ? a.path : root + "/" + a.path;
  DependencyListing listing;
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) {
    // One manifest named explicitly: siblings and includes are read beside it.
    std::string dir = fs::path(root).parent_path().string();
    std::string name = fs::path(root).filename().string();
    Env* env = Env::Default();
    CUSTODY_ASSIGN_OR_RETURN(std::string text, env->ReadFile(root));
    ManifestReader read = [env, dir](const std::string& p) { return env->ReadFile(dir + "/" + p); };
    Result<std::vector<Package>> pkgs = ParseManifest(name, text, read);
    if (!pkgs.ok()) return pkgs.status();
    listing.files.push_back(name);
    listing.packages = std::move(*pkgs);
  } else {
    CUSTODY_ASSIGN_OR_RETURN(listing, ListTreeDependencies(Env::Default(), root));
  }
  if (a.json) {
    nlohmann::json j = {{"version", 1}, {"mode", "tree"}, {"files", listing.files}};
    nlohmann::json pkgs = nlohmann::json::array();
    for (const Package& p : listing.packages) pkgs.push_back(PackageJson(p));
    j["packages"] = std::move(pkgs);
    nlohmann::json errors = nlohmann::json::array();
    for (const Status& s : listing.errors) errors.push_back(s.ToString());
    j["errors"] = std::move(errors);
    OutJson(j);
  } else {
    for (const Package& p : listing.packages) {
      Out(Where(p) + ": " + std::string(EcosystemName(p.ecosystem)) + " " + p.name + " " +
          VersionText(p) + " (" + Traits(p) + ")");
    }
    if (!g.quiet) {
      Out(std::to_string(listing.packages.size()) + " packages in " +
          std::to_string(listing.files.size()) + " manifest file(s)");
    }
  }
  for (const Status& s : listing.errors) Err("custody: " + s.ToString());
  return listing.errors.empty() ? ExitCode::kOk : ExitCode::kInvalidInput;
}


// One finding of `deps --diff --check`.
struct DepFinding {
  std::string kind;     // not-found, version-not-found, typosquat, vulnerable, undeclared-import, new-dependency
  std::string where;    // file:line
  std::string message;
  nlohmann::json json;
  std::string verdict;  // "block" or "review"
};

Result<std::vector<DepFinding>> CheckChanges(const DepsArgs& a, Repo& repo, const RangeDiff& d) {
  std::optional<Policy> loaded;
  if (!repo.workdir().empty()) {
    std::string path = repo.workdir() + "/.custody/policy.toml";
    if (Env::Default()->FileExists(path)) {
      CUSTODY_ASSIGN_OR_RETURN(Policy pol, LoadPolicy(*Env::Default(), path));
      loaded = std::move(pol);
    }
  }
  DependencyCheckOptions o;
  o.env = Env::Default();
  o.online = a.online;
  o.policy = loaded ? &*loaded : nullptr;
  CUSTODY_ASSIGN_OR_RETURN(DependencyCheckReport r, CheckDependencyChanges(repo, d, o));
  std::vector<DepFinding> out;
  for (DependencyFinding& f : r.findings) {
    out.push_back({f.kind, f.file + ":" + std::to_string(f.line), f.message, std::move(f.detail), f.verdict});
  }
  return out;
}

Result<ExitCode> RunDiff(const Globals& g, const DepsArgs& a) {
  CUSTODY_ASSIGN_OR_RETURN(std::unique_ptr<Repo> repo, Repo::Discover(WorkingDir(g)));
  CUSTODY_ASSIGN_OR_RETURN(RangeDiff d, DiffRangeDependencies(*repo, a.diff));
  std::vector<DepFinding> findings;
  if (a.check) {
    CUSTODY_ASSIGN_OR_RETURN(findings, CheckChanges(a, *repo, d));
  }
  if (a.fail_on != "block" && a.fail_on != "review") {
    return Status::InvalidArgument("--fail-on", "'" + a.fail_on + "' (allowed: block, review)");
  }
  bool failed = false;
  for (auto& f : findings) {
    f.json["verdict"] = f.verdict;
    failed = failed || f.verdict == "block" || a.fail_on == "review";
  }
  ExitCode done = failed ? ExitCode::kFailed : ExitCode::kOk;
  if (a.json) {
    nlohmann::json changes = nlohmann::json::array();
    for (const DependencyChange& c : d.changes) {
      nlohmann::json j = PackageJson(c.package);
      j["change"] = c.kind == DependencyChange::Kind::kNewPackage ? "new-package" : "new-version";
      j["previous_versions"] = c.previous_versions;
      changes.push_back(std::move(j));
    }
    OutJson({{"version", 1},
             {"mode", "diff"},
             {"range", a.diff},
             {"before", d.before_commit},
             {"after", d.after_commit},
             {"files", d.files},
             {"changes", std::move(changes)}});
    if (a.check) {
      nlohmann::json fj = nlohmann::json::array();
      for (const auto& f : findings) fj.push_back(f.json);
      OutJson({{"findings", fj}});
    }
    return done;
  }
  for (const DependencyChange& c : d.changes) {
    const Package& p = c.package;
    std::string line = Where(p) + ": " +
                       (c.kind == DependencyChange::Kind::kNewPackage ? "new package " : "new version ") +
                       std::string(EcosystemName(p.ecosystem)) + " " + p.name + " " + VersionText(p) +
                       " (" + Traits(p);
    if (!c.previous_versions.empty()) {
      line += "; was ";
      for (size_t i = 0; i < c.previous_versions.size(); ++i) {
        if (i > 0) line += ", ";
        line += c.previous_versions[i].empty() ? "(any version)" : c.previous_versions[i];
      }
    }
    Out(line + ")");
  }
  if (!g.quiet) {
    Out(std::to_string(d.changes.size()) + " new packages or versions in " +
        std::to_string(d.files.size()) + " changed manifest file(s)");
  }
  size_t blocking = 0;
  for (const auto& f : findings) {
    Out(f.where + ": " + f.verdict + ": " + f.kind + ": " + f.message);
    blocking += f.verdict == "block";
  }
  if (a.check && !g.quiet) {
    Out(std::to_string(findings.size()) + " finding(s), " + std::to_string(blocking) + " blocking");
  }
  return done;
}

}  // namespace

void RegisterDeps(CLI::App& app, Globals& g, Action& action) {
  auto a = std::make_shared<DepsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "deps",
      "List the packages that manifests and lockfiles declare, or those a commit range added.\n"
      "Reads package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, package.json,\n"
      "requirements*.txt, pyproject.toml, poetry.lock, Pipfile(.lock), uv.lock, go.mod, go.sum,\n"
      "Cargo.toml, Cargo.lock, Gemfile.lock, pom.xml, gradle.lockfile, composer.json,\n"
      "composer.lock and packages.lock.json (docs/deps.md). node_modules, vendor and .git are\n"
      "skipped. With --diff, only new packages and new versions of known ones are reported,\n"
      "each with the file:line that declares it.\n"
      "Exit 0: listed; 3: a manifest is malformed (the others are still listed); 5: no such\n"
      "path or revision.");
  cmd->add_option("path", a->path, "A directory to walk or one manifest file (default: the current directory)");
  cmd->add_option("--diff", a->diff,
                  "Compare the manifests of A..B (A's tree before, B's after), or of REV with its "
                  "first parent")
      ->option_text("RANGE");
  cmd->add_flag("--json", a->json, "JSON output (docs/deps.md)");
  cmd->add_flag("--check", a->check,
                "With --diff: check what the range added. New packages that do not exist (in the\n"
                "name index of `custody registry import`, or the registry with --online) or look like\n"
                "typosquats, new versions with OSV advisories (after `custody osv import`), imports in\n"
                "added lines that no manifest declares, and new packages the policy's [dependencies]\n"
                "does not allow. Each finding is block or review; exit 1 on a blocking one.");
  cmd->add_flag("--online", a->online, "With --check: ask the registries (CUSTODY_REGISTRY_URL_<ECOSYSTEM>)");
  cmd->add_option("--fail-on", a->fail_on,
                  "With --check: exit 1 on findings of this verdict or worse: block (default) or review")
      ->option_text("VERDICT");
  cmd->callback([&g, &action, a] {
    action = [&g, a]() -> Result<ExitCode> {
      if (!a->diff.empty()) {
        if (!a->path.empty()) {
          return Status::InvalidArgument("deps", "--diff reads the repository; give no PATH with it");
        }
        return RunDiff(g, *a);
      }
      return RunList(g, *a);
    };
  });
}

}  // namespace custody::cli
