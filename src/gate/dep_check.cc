// The dependency checks of a change (include/custody/dep_check.h).
#include "custody/dep_check.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>

#include "custody/imports.h"
#include "custody/osv.h"
#include "custody/registry.h"
#include "custody/registry_client.h"

namespace custody {
namespace {

namespace fs = std::filesystem;

// The tree's own Python modules and Go module paths, for the import check.
void LocalSources(const std::string& root, std::vector<std::string>* py,
                  std::vector<std::string>* go_modules) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (size_t n = 0; !ec && it != end && n < 500000; it.increment(ec), ++n) {
    std::string name = it->path().filename().string();
    if (it->is_directory(ec)) {
      if (name == ".git" || name == "node_modules" || name == "vendor" || name == ".venv" ||
          name == "venv" || name == "__pycache__" || name == "site-packages") {
        it.disable_recursion_pending();
      }
      continue;
    }
    std::string rel = fs::relative(it->path(), root, ec).generic_string();
    if (name.size() > 3 && name.compare(name.size() - 3, 3, ".py") == 0) py->push_back(rel);
    if (name == "go.mod") {
      std::ifstream in(it->path());
      std::string line;
      while (std::getline(in, line)) {
        if (line.rfind("module ", 0) == 0) {
          std::string m = line.substr(7);
          while (!m.empty() && (m.back() == ' ' || m.back() == '\r')) m.pop_back();
          if (m.size() >= 2 && m.front() == '"') m = m.substr(1, m.size() - 2);
          go_modules->push_back(m);
          break;
        }
      }
    }
  }
}

DependencyFinding Make(std::string kind, const Package& p, std::string message, std::string verdict) {
  DependencyFinding f;
  f.kind = std::move(kind);
  f.file = p.file;
  f.line = p.line;
  f.ecosystem = std::string(EcosystemName(p.ecosystem));
  f.package = p.name;
  f.version = p.version;
  f.message = std::move(message);
  f.verdict = std::move(verdict);
  f.detail = {{"kind", f.kind}, {"ecosystem", f.ecosystem}, {"name", p.name}, {"file", p.file},
              {"line", p.line}};
  if (!p.version.empty()) f.detail["version"] = p.version;
  return f;
}

}  // namespace

Result<DependencyCheckReport> CheckDependencyChanges(Repo& repo, const RangeDiff& d,
                                                     const DependencyCheckOptions& o) {
  if (o.env == nullptr) return Status::InvalidArgument("dependency check", "no Env");
  Env& env = *o.env;
  DependencyCheckReport report;
  auto& out = report.findings;
  // Existence: the registry (online), else an imported name index.
  std::map<Ecosystem, std::unique_ptr<NameIndex>> indexes;
  std::string dir = o.registry_dir.empty() ? DefaultRegistryDir() : o.registry_dir;
  RegistryClient client(RegistryConfigFromEnv());
  std::map<Ecosystem, std::unique_ptr<MemoryNameSet>> popular;
  bool used_online = false, used_index = false;
  for (const DependencyChange& c : d.changes) {
    const Package& p = c.package;
    std::string eco(EcosystemName(p.ecosystem));
    bool online = o.online && client.Configured(p.ecosystem);
    used_online = used_online || online;
    if (c.kind == DependencyChange::Kind::kNewVersion && online && p.pinned && !p.version.empty()) {
      // A known package at a version the registry does not list.
      CUSTODY_ASSIGN_OR_RETURN(RegistryAnswer ans, client.Lookup(p.ecosystem, p.name));
      if (ans.exists &&
          std::find(ans.versions.begin(), ans.versions.end(), p.version) == ans.versions.end()) {
        out.push_back(Make("version-not-found", p, eco + " " + p.name + " has no version " + p.version, "block"));
      }
    }
    if (c.kind != DependencyChange::Kind::kNewPackage) continue;
    std::optional<bool> exists;
    std::vector<std::string> versions;
    if (online) {
      CUSTODY_ASSIGN_OR_RETURN(RegistryAnswer ans, client.Lookup(p.ecosystem, p.name));
      exists = ans.exists;
      versions = ans.versions;
    } else if (!dir.empty()) {
      if (!indexes.count(p.ecosystem)) {
        auto idx = NameIndex::Open(NameIndexPath(dir, p.ecosystem));
        if (idx.ok()) {
          indexes[p.ecosystem] = std::move(*idx);
        } else if (idx.status().code() != Code::kNotFound) {
          return idx.status();
        } else {
          indexes[p.ecosystem] = nullptr;
        }
      }
      if (indexes[p.ecosystem]) {
        used_index = true;
        exists = indexes[p.ecosystem]->Contains(NormalizePackageName(p.ecosystem, p.name));
      }
    }
    if (exists && !*exists) {
      out.push_back(Make("not-found", p,
                         eco + " " + p.name + " does not exist in the " +
                             (online ? "registry" : "name index") + " (a hallucinated package?)",
                         "block"));
    } else if (exists && online && p.pinned && !p.version.empty() &&
               std::find(versions.begin(), versions.end(), p.version) == versions.end()) {
      out.push_back(Make("version-not-found", p, eco + " " + p.name + " has no version " + p.version, "block"));
    }
    auto& pop = popular[p.ecosystem];
    if (!pop) pop = std::make_unique<MemoryNameSet>(p.ecosystem, ShippedPopularNames(p.ecosystem));
    auto squats = TyposquatChecker(p.ecosystem, *pop).Check(p.name);
    if (!squats.empty()) {
      DependencyFinding f = Make("typosquat", p,
                                 eco + " " + p.name + " looks like a typosquat of " + squats[0].intended +
                                     " (" + std::string(SquatTechniqueName(squats[0].technique)) + ")",
                                 "review");
      f.detail["intended"] = squats[0].intended;
      f.detail["technique"] = SquatTechniqueName(squats[0].technique);
      out.push_back(std::move(f));
    }
    // [dependencies] new: a package the policy does not list needs a review
    // (or is refused) before it may come in.
    if (o.policy != nullptr && o.policy->new_dependencies != NewDependencyAction::kAllow &&
        !DependencyAllowed(*o.policy, p.ecosystem, p.name)) {
      bool block = o.policy->new_dependencies == NewDependencyAction::kBlock;
      out.push_back(Make("new-dependency", p,
                         eco + " " + p.name + " is a new dependency not in [dependencies] allow (policy: new = " +
                             (block ? "block" : "review") + ")",
                         block ? "block" : "review"));
    }
  }
  report.sources.push_back({"registry", used_online ? "online" : used_index ? "offline-index" : "none"});
  report.sources.push_back({"typosquat", "popular-lists"});
  report.sources.push_back({"policy", o.policy != nullptr ? "dependencies" : "none"});
  // Vulnerabilities, when an OSV index has been imported.
  std::string osv_path = o.osv_db_path.empty() ? DefaultOsvDbPath(&env) : o.osv_db_path;
  bool have_osv = !osv_path.empty() && env.FileExists(osv_path);
  report.sources.push_back({"osv", have_osv ? "offline-index" : "none"});
  if (have_osv && !d.changes.empty()) {
    CUSTODY_ASSIGN_OR_RETURN(auto db, OsvDatabase::Load(&env, osv_path));
    std::vector<Package> pkgs;
    for (const auto& c : d.changes) pkgs.push_back(c.package);
    CUSTODY_ASSIGN_OR_RETURN(std::vector<OsvFinding> vulns, db->Match(pkgs));
    for (const OsvFinding& v : vulns) {
      const Package& p = v.package;
      std::string msg = std::string(EcosystemName(p.ecosystem)) + " " + p.name + " " + p.version +
                        " is affected by " + v.id + (v.severity.empty() ? "" : " (" + v.severity + ")");
      if (!v.fixed.empty()) msg += "; fixed in " + v.fixed[0];
      // Critical and high advisories block; the rest (and unrated ones) need
      // a review.
      bool block = v.severity == "CRITICAL" || v.severity == "HIGH";
      DependencyFinding f = Make("vulnerable", p, msg, block ? "block" : "review");
      f.detail["id"] = v.id;
      f.detail["aliases"] = v.aliases;
      f.detail["severity"] = v.severity;
      f.detail["fixed"] = v.fixed;
      out.push_back(std::move(f));
    }
  }
  // Imports the change added that nothing declares. Declarations are read
  // from the work tree (in CI, the checkout of the range's end).
  std::string root = o.work_tree.empty() ? repo.workdir() : o.work_tree;
  report.sources.push_back({"imports", root.empty() ? "none" : "work-tree"});
  if (root.empty()) return report;
  bool any_source = false;
  for (const FileDiff& f : d.diffs) any_source = any_source || (!f.deleted && !f.binary && SourceLanguageForPath(f.path));
  if (!any_source) return report;
  CUSTODY_ASSIGN_OR_RETURN(DependencyListing listing, ListTreeDependencies(&env, root));
  ImportContext ctx;
  ctx.declared = std::move(listing.packages);
  for (const auto& c : d.changes) ctx.declared.push_back(c.package);
  std::vector<std::string> py;
  LocalSources(root, &py, &ctx.own_modules);
  ctx.local_modules = LocalPythonModules(py);
  for (const FileDiff& f : d.diffs) {
    if (f.deleted || f.binary || !SourceLanguageForPath(f.path)) continue;
    std::vector<uint32_t> added;
    for (const auto& h : f.hunks) {
      for (const auto& l : h.added) added.push_back(static_cast<uint32_t>(l.line));
    }
    if (added.empty()) continue;
    std::sort(added.begin(), added.end());
    CUSTODY_ASSIGN_OR_RETURN(std::string text, repo.ReadBlobAtCommit(d.after_commit, f.path));
    for (const UndeclaredImport& u : FindUndeclaredImports(f.path, text, ctx, &added)) {
      DependencyFinding df;
      df.kind = "undeclared-import";
      df.file = u.file;
      df.line = u.line;
      df.ecosystem = std::string(EcosystemName(u.ecosystem));
      df.package = u.package;
      df.message = "import " + u.module + " needs " + df.ecosystem + " package " + u.package +
                   ", which no manifest declares";
      df.verdict = "review";
      df.detail = {{"kind", df.kind}, {"module", u.module}, {"ecosystem", df.ecosystem},
                   {"package", u.package}, {"file", u.file}, {"line", u.line}};
      out.push_back(std::move(df));
    }
  }
  return report;
}

}  // namespace custody
