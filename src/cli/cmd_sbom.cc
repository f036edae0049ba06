// custody sbom: a CycloneDX 1.6 SBOM of the work tree's dependencies, with
// licences and the AI provenance of the line that declared each one
// (docs/sbom.md).
#include <ctime>
#include <fstream>
#include <map>
#include <set>

#include "cli/cli.h"
#include "custody/attribution.h"
#include "custody/deps.h"
#include "custody/license.h"
#include "custody/registry.h"
#include "custody/sbom.h"

namespace custody::cli {
namespace {

struct SbomArgs {
  std::string output;
  bool no_provenance = false;
};

std::string Rfc3339Now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Who wrote each declaring line: git blame of the manifest at HEAD, then
// the signed attribution of that line's commit.
class ProvenanceFinder {
 public:
  ProvenanceFinder(Project& project, Keyring keyring) : project_(project), keyring_(std::move(keyring)) {}

  std::optional<SbomProvenance> For(const Package& p) {
    if (p.line == 0 || p.file.empty()) return std::nullopt;
    auto& lines = blame_[p.file];
    if (!blamed_.count(p.file)) {
      blamed_.insert(p.file);
      auto b = project_.repo().Blame(p.file, std::nullopt);
      if (b.ok()) lines = std::move(*b);
    }
    if (p.line > lines.size()) return std::nullopt;  // the manifest changed since HEAD
    const BlameLine& bl = lines[p.line - 1];
    if (bl.commit.empty()) return std::nullopt;
    SbomProvenance pv;
    pv.commit = bl.commit;
    pv.origin = "unknown";
    if (!attributions_.count(bl.commit)) {
      auto s = ReadAttribution(project_.repo(), keyring_, bl.commit);
      attributions_[bl.commit] = s.ok() ? s->latest : std::nullopt;
      auto info = project_.repo().GetCommit(bl.commit);
      if (info.ok()) authors_[bl.commit] = info->author.name;
    }
    pv.author = authors_[bl.commit];
    const auto& a = attributions_[bl.commit];
    if (a) {
      if (const AttributedRange* r = a->Find(bl.orig_path, bl.orig_line)) {
        pv.origin = std::string(LineKindName(r->kind));
        pv.checkpoint = r->checkpoint;
        if (auto c = a->checkpoints.find(r->checkpoint); c != a->checkpoints.end()) {
          pv.agent = c->second.agent;
          pv.model = c->second.model;
        } else if (r->kind == LineKind::kAiUnverified && a->unverified) {
          pv.agent = a->unverified->name;
        }
      }
    }
    return pv;
  }

 private:
  Project& project_;
  Keyring keyring_;
  std::set<std::string> blamed_;
  std::map<std::string, std::vector<BlameLine>> blame_;
  std::map<std::string, std::optional<Attribution>> attributions_;
  std::map<std::string, std::string> authors_;
};

Result<ExitCode> RunSbom(const Globals& g, const SbomArgs& a) {
  CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
  const std::string& root = project->paths().workdir;
  CUSTODY_ASSIGN_OR_RETURN(DependencyListing listing, ListTreeDependencies(&project->env(), root));
  for (const Status& e : listing.errors) Err("custody: sbom: " + e.ToString());

  // Declared licences of what is installed in the tree (node_modules,
  // site-packages, vendored crates, POMs), by ecosystem, name and version.
  std::map<std::string, std::string> licences;
  auto key = [](std::string_view eco, std::string_view name, std::string_view version) {
    auto e = ParseEcosystem(eco);
    std::string n = e ? NormalizePackageName(*e, name) : std::string(name);
    return std::string(eco) + "\n" + n + "\n" + std::string(version);
  };
  auto scan = ScanLicenses(project->env(), root);
  if (scan.ok()) {
    for (const auto& pl : scan->packages) {
      std::string text = pl.declared.expr ? LicenseExprToString(*pl.declared.expr) : "";
      if (!text.empty()) licences[key(pl.ecosystem, pl.package, pl.version)] = text;
    }
  } else {
    Err("custody: sbom: licences: " + scan.status().ToString());
  }

  std::optional<ProvenanceFinder> finder;
  if (!a.no_provenance) {
    CUSTODY_ASSIGN_OR_RETURN(Keyring keyring, project->LoadKeyring());
    finder.emplace(*project, std::move(keyring));
  }
  std::vector<SbomComponent> comps;
  for (const Package& p : listing.packages) {
    if (!p.pinned) continue;  // a range in a manifest: the lockfile names the version
    SbomComponent c;
    c.package = p;
    if (auto it = licences.find(key(EcosystemName(p.ecosystem), p.name, p.version)); it != licences.end()) {
      c.license = it->second;
    }
    if (finder) c.provenance = finder->For(p);
    comps.push_back(std::move(c));
  }
  SbomMeta meta;
  CUSTODY_ASSIGN_OR_RETURN(std::optional<std::string> head, project->repo().HeadCommit());
  meta.commit = head.value_or("");
  meta.timestamp = Rfc3339Now();
  meta.tool_version = "0.1.0";
  if (auto pol = project->LoadPolicy(); pol.ok()) meta.project_name = pol->project_name;
  std::string text = CycloneDxJson(meta, comps);
  if (a.output.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    std::string path = a.output[0] == '/' ? a.output : WorkingDir(g) + "/" + a.output;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::IOError(a.output, "cannot write");
    if (!g.quiet) Err("custody: sbom: " + std::to_string(comps.size()) + " components -> " + a.output);
  }
  return ExitCode::kOk;
}

}  // namespace

void RegisterSbom(CLI::App& app, Globals& g, Action& action) {
  auto a = std::make_shared<SbomArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sbom",
      "Write a CycloneDX 1.6 SBOM (JSON) of the work tree's locked dependencies: purl, scope,\n"
      "declared licence where the tree holds the package's metadata, and who added each one\n"
      "(the commit of its declaring line and custody's attribution of that line: ai, human, ...).");
  cmd->add_option("-o,--output", a->output, "Write to FILE instead of stdout")->option_text("FILE");
  cmd->add_flag("--no-provenance", a->no_provenance, "Leave out the per-component AI provenance (faster)");
  cmd->callback([&g, &action, a] { action = [&g, a] { return RunSbom(g, *a); }; });
}

}  // namespace custody::cli
