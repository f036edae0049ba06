// custody osv: import OSV advisories into an offline index and check
// packages against it (docs/osv.md).
#include <memory>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "custody/osv.h"
#include "custody/versions.h"

namespace custody::cli {
namespace {

struct OsvArgs {
  std::string db;
  std::vector<std::string> paths;  // import
  bool replace = false;
  std::vector<std::string> triples;  // check: ECOSYSTEM NAME VERSION ...
  std::string packages_file;
  bool json = false;
};

std::string Abs(const Globals& g, const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  return WorkingDir(g) + "/" + p;
}

Result<std::string> DbPath(const Globals& g, const OsvArgs& a) {
  if (!a.db.empty()) return Abs(g, a.db);
  std::string p = DefaultOsvDbPath(Env::Default());
  if (p.empty()) return Status::InvalidArgument("osv", "no cache directory (set HOME or CUSTODY_CACHE_DIR, or pass --db)");
  return p;
}

Result<ExitCode> RunImport(const Globals& g, const OsvArgs& a) {
  Env* env = Env::Default();
  CUSTODY_ASSIGN_OR_RETURN(std::string db_path, DbPath(g, a));
  OsvDatabaseBuilder builder;
  if (!a.replace && env->FileExists(db_path)) {
    CUSTODY_ASSIGN_OR_RETURN(auto old, OsvDatabase::Load(env, db_path));
    CUSTODY_ASSIGN_OR_RETURN(auto records, old->Records());
    for (auto& r : records) builder.Add(std::move(r));
  }
  size_t before = builder.size();
  OsvImportStats stats;
  for (const auto& p : a.paths) CUSTODY_RETURN_IF_ERROR(builder.AddPath(env, Abs(g, p), &stats));
  std::string dir = db_path.substr(0, db_path.rfind('/'));
  if (!dir.empty()) CUSTODY_RETURN_IF_ERROR(env->CreateDirs(dir));
  std::string bytes = builder.Serialize();
  CUSTODY_RETURN_IF_ERROR(env->WriteFileAtomic(db_path, bytes));
  if (a.json) {
    OutJson({{"db", db_path},
             {"files", stats.files},
             {"records_read", stats.records},
             {"withdrawn_skipped", stats.withdrawn},
             {"unknown_ecosystem_entries_skipped", stats.unknown_ecosystem},
             {"git_ranges_ignored", stats.git_ranges},
             {"advisories", builder.size()},
             {"previous_advisories", before},
             {"bytes", bytes.size()}});
  } else if (!g.quiet) {
    Out("imported " + std::to_string(stats.records) + " advisories from " + std::to_string(stats.files) +
        " files into " + db_path + " (" + std::to_string(builder.size()) + " advisories, " +
        std::to_string(bytes.size()) + " bytes)");
    Out("skipped: " + std::to_string(stats.withdrawn) + " withdrawn, " + std::to_string(stats.unknown_ecosystem) +
        " entries of other ecosystems; ignored " + std::to_string(stats.git_ranges) +
        " GIT ranges (commit ranges need the repository)");
  }
  return ExitCode::kOk;
}

Result<std::vector<Package>> ReadPackagesFile(const std::string& path) {
  CUSTODY_ASSIGN_OR_RETURN(std::string text, Env::Default()->ReadFile(path));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Re-parse for the position of the syntax error (nlohmann reports it
    // only through its exception).
    try {
      nlohmann::json again = nlohmann::json::parse(text);
      (void)again;
    } catch (const nlohmann::json::parse_error& e) {
      size_t line = 1, col = 1;
      for (size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
          ++line;
          col = 1;
        } else {
          ++col;
        }
      }
      return Status::InvalidArgument(path + ":" + std::to_string(line) + ":" + std::to_string(col),
                                     "invalid JSON");
    }
    return Status::InvalidArgument(path, "invalid JSON");
  }
  if (!j.is_array()) return Status::InvalidArgument(path, "expected a JSON array of {ecosystem,name,version}");
  std::vector<Package> out;
  for (size_t i = 0; i < j.size(); ++i) {
    std::string at = path + ": [" + std::to_string(i) + "]";
    const auto& o = j[i];
    if (!o.is_object()) return Status::InvalidArgument(at, "expected an object");
    Package p;
    for (const char* k : {"ecosystem", "name", "version"}) {
      auto it = o.find(k);
      if (it == o.end() || !it->is_string()) return Status::InvalidArgument(at, std::string(k) + ": missing or not a string");
    }
    auto eco = ParseEcosystem(o["ecosystem"].get<std::string>());
    if (!eco) return Status::InvalidArgument(at, "ecosystem: unknown \"" + o["ecosystem"].get<std::string>() + "\"");
    p.ecosystem = *eco;
    p.name = o["name"].get<std::string>();
    p.version = o["version"].get<std::string>();
    if (auto f = o.find("file"); f != o.end() && f->is_string()) p.file = f->get<std::string>();
    if (auto l = o.find("line"); l != o.end() && l->is_number_unsigned()) p.line = l->get<uint32_t>();
    out.push_back(std::move(p));
  }
  return out;
}

Result<ExitCode> RunCheck(const Globals& g, const OsvArgs& a) {
  std::vector<Package> packages;
  if (!a.packages_file.empty()) {
    CUSTODY_ASSIGN_OR_RETURN(packages, ReadPackagesFile(Abs(g, a.packages_file)));
  }
  if (a.triples.size() % 3 != 0) {
    return Status::InvalidArgument("osv check", "packages are given as ECOSYSTEM NAME VERSION triples");
  }
  for (size_t i = 0; i < a.triples.size(); i += 3) {
    auto eco = ParseEcosystem(a.triples[i]);
    if (!eco) return Status::InvalidArgument("osv check", "unknown ecosystem \"" + a.triples[i] + "\"");
    Package p;
    p.ecosystem = *eco;
    p.name = a.triples[i + 1];
    p.version = a.triples[i + 2];
    packages.push_back(std::move(p));
  }
  if (packages.empty()) return Status::InvalidArgument("osv check", "no packages (give ECOSYSTEM NAME VERSION or --packages FILE)");
  CUSTODY_ASSIGN_OR_RETURN(std::string db_path, DbPath(g, a));
  CUSTODY_ASSIGN_OR_RETURN(auto db, OsvDatabase::Load(Env::Default(), db_path));
  OsvMatchStats stats;
  CUSTODY_ASSIGN_OR_RETURN(auto findings, db->Match(packages, &stats));
  if (a.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& f : findings) {
      nlohmann::json o = {{"ecosystem", EcosystemOsvName(f.package.ecosystem)},
                          {"name", f.package.name},
                          {"version", f.package.version},
                          {"id", f.id},
                          {"aliases", f.aliases},
                          {"summary", f.summary},
                          {"modified", f.modified},
                          {"severity", f.severity},
                          {"fixed", f.fixed}};
      o["score"] = f.score ? nlohmann::json(*f.score) : nlohmann::json(nullptr);
      o["vector"] = f.vector.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.vector);
      if (!f.package.file.empty()) o["file"] = f.package.file;
      if (f.package.line) o["line"] = f.package.line;
      arr.push_back(std::move(o));
    }
    OutJson({{"findings", arr},
             {"packages", stats.packages},
             {"unpinned_skipped", stats.packages_unpinned},
             {"invalid_versions", stats.packages_bad_version},
             {"unparsable_ranges", stats.ranges_unparsable}});
  } else {
    for (const auto& f : findings) {
      std::string line = std::string(EcosystemName(f.package.ecosystem)) + " " + f.package.name + "@" +
                         f.package.version + ": " + f.id;
      if (!f.severity.empty()) {
        line += " " + f.severity;
        if (f.score) {
          char buf[16];
          std::snprintf(buf, sizeof buf, " %.1f", *f.score);
          line += buf;
        }
      }
      if (!f.aliases.empty()) {
        line += " (";
        for (size_t i = 0; i < f.aliases.size(); ++i) line += (i ? ", " : "") + f.aliases[i];
        line += ")";
      }
      line += ": " + f.summary;
      if (!f.fixed.empty()) {
        line += "; fixed in ";
        for (size_t i = 0; i < f.fixed.size(); ++i) line += (i ? ", " : "") + f.fixed[i];
      } else {
        line += "; no fix";
      }
      Out(line);
    }
    if (!g.quiet) {
      Out(std::to_string(findings.size()) + " advisories affect " + std::to_string(stats.packages) + " packages checked" +
          (stats.packages_bad_version ? " (" + std::to_string(stats.packages_bad_version) + " with unparsable versions)" : ""));
    }
  }
  return findings.empty() ? ExitCode::kOk : ExitCode::kFailed;
}

}  // namespace

void RegisterOsv(CLI::App& app, Globals& g, Action& action) {
  auto a = std::make_shared<OsvArgs>();
  CLI::App* osv = app.add_subcommand("osv", "Known vulnerabilities from OSV advisories, offline");
  osv->require_subcommand(1);
  CLI::App* imp = osv->add_subcommand(
      "import", "Add OSV records (JSON files, directories, or the per-ecosystem zip export) to the index");
  imp->add_option("paths", a->paths, "JSON file, directory or zip")->required();
  imp->add_option("--db", a->db, "Index file (default: the user cache dir)")->option_text("PATH");
  imp->add_flag("--replace", a->replace, "Start a new index instead of adding to the existing one");
  imp->add_flag("--json", a->json, "JSON summary");
  imp->callback([&g, &action, a] { action = [&g, a] { return RunImport(g, *a); }; });
  CLI::App* chk = osv->add_subcommand(
      "check", "Report advisories affecting packages.\nExit 0: none; 1: some package is affected.");
  chk->add_option("packages", a->triples, "ECOSYSTEM NAME VERSION ...");
  chk->add_option("--packages", a->packages_file, "JSON array of {ecosystem,name,version}")->option_text("FILE");
  chk->add_option("--db", a->db, "Index file (default: the user cache dir)")->option_text("PATH");
  chk->add_flag("--json", a->json, "JSON output");
  chk->callback([&g, &action, a] { action = [&g, a] { return RunCheck(g, *a); }; });
}

}  // namespace custody::cli
