// custody registry: offline name indexes of package registries, and the
// existence and typosquat checks against them (docs/registry.md).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli.h"
#include "custody/registry.h"
#include "custody/registry_client.h"

namespace custody::cli {
namespace {

struct RegistryArgs {
  std::string ecosystem;
  std::string file;
  std::vector<std::string> names;
  std::string dir;
  bool json = false;
  bool online = false;
};

Result<Ecosystem> EcosystemArg(const std::string& s) {
  auto e = ParseEcosystem(s);
  if (!e) {
    return Status::InvalidArgument(
        s, "unknown ecosystem (allowed: npm, pypi, go, cargo, rubygems, maven, packagist, nuget)");
  }
  return *e;
}

Result<std::string> IndexDir(const RegistryArgs& a) {
  std::string dir = a.dir.empty() ? DefaultRegistryDir() : a.dir;
  if (dir.empty()) {
    return Status::InvalidArgument("registry", "no index directory (set --dir, CUSTODY_REGISTRY_DIR or HOME)");
  }
  return dir;
}

Result<ExitCode> RunImport(const Globals& g, const RegistryArgs& a) {
  CUSTODY_ASSIGN_OR_RETURN(Ecosystem e, EcosystemArg(a.ecosystem));
  CUSTODY_ASSIGN_OR_RETURN(std::string dir, IndexDir(a));
  std::string file = a.file == "-" || a.file.empty() || a.file[0] == '/' ? a.file : WorkingDir(g) + "/" + a.file;
  std::string text;
  if (a.file == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    text = ss.str();
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::NotFound(a.file, "cannot open the names list");
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError(dir, ec.message());
  std::string path = NameIndexPath(dir, e);
  auto t0 = std::chrono::steady_clock::now();
  CUSTODY_ASSIGN_OR_RETURN(NameImportStats st, ImportNameList(e, text, a.file == "-" ? "<stdin>" : a.file, path));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (a.json) {
    OutJson({{"ecosystem", EcosystemName(e)}, {"index", path}, {"names", st.names}, {"lines", st.lines},
             {"bytes", st.bytes}});
  } else if (!g.quiet) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f MB in %.2f s", static_cast<double>(st.bytes) / 1e6, secs);
    Out(std::string(EcosystemName(e)) + ": " + std::to_string(st.names) + " names indexed (" + buf + ") -> " + path);
  }
  return ExitCode::kOk;
}

// "name@version" -> (name, version); a leading '@' is an npm scope.
std::pair<std::string, std::string> SplitVersion(const std::string& arg) {
  size_t at = arg.rfind('@');
  if (at == std::string::npos || at == 0) return {arg, ""};
  return {arg.substr(0, at), arg.substr(at + 1)};
}

Result<ExitCode> RunCheck(const Globals& g, const RegistryArgs& a) {
  CUSTODY_ASSIGN_OR_RETURN(Ecosystem e, EcosystemArg(a.ecosystem));
  std::string dir = a.dir.empty() ? DefaultRegistryDir() : a.dir;
  std::unique_ptr<NameIndex> index;
  if (!dir.empty() && !a.online) {
    auto idx = NameIndex::Open(NameIndexPath(dir, e));
    if (idx.ok()) {
      index = std::move(*idx);
    } else if (idx.status().code() != Code::kNotFound) {
      return idx.status();
    }
  }
  RegistryConfig cfg = RegistryConfigFromEnv();
  if (!a.dir.empty()) cfg.cache_dir = a.dir + "/http";
  RegistryClient client(cfg);
  if (a.online && !client.Configured(e)) {
    CUSTODY_ASSIGN_OR_RETURN(std::string unused, client.UrlFor(e, "x"));
    (void)unused;
  }
  MemoryNameSet popular(e, ShippedPopularNames(e));
  TyposquatChecker checker(e, popular);
  bool bad = false;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& arg : a.names) {
    auto [name, version] = SplitVersion(arg);
    std::string norm = NormalizePackageName(e, name);
    nlohmann::json j = {{"ecosystem", EcosystemName(e)}, {"name", name}, {"normalized", norm}};
    if (!version.empty()) j["version"] = version;
    std::string line = arg + ": ";
    if (a.online) {
      CUSTODY_ASSIGN_OR_RETURN(RegistryAnswer ans, client.Lookup(e, name));
      j["exists"] = ans.exists;
      j["source"] = ans.from_cache ? "cache" : "registry";
      line += ans.exists ? "exists" : "DOES NOT EXIST in the " + std::string(EcosystemName(e)) + " registry";
      bad = bad || !ans.exists;
      if (ans.exists && !version.empty()) {
        bool have = std::find(ans.versions.begin(), ans.versions.end(), version) != ans.versions.end();
        j["version_exists"] = have;
        if (!have) {
          line += ", but version " + version + " DOES NOT EXIST (" + std::to_string(ans.versions.size()) +
                  " versions published";
          if (!ans.versions.empty()) line += ", latest listed " + ans.versions.back();
          line += ")";
          bad = true;
        }
      }
    } else if (index) {
      bool exists = index->Contains(norm);
      j["exists"] = exists;
      j["source"] = "index";
      line += exists ? "exists" : "DOES NOT EXIST in the " + std::string(EcosystemName(e)) + " index";
      bad = bad || !exists;
    } else {
      j["exists"] = nullptr;
      line += "existence unknown (no index: custody registry import " + std::string(EcosystemName(e)) +
              " NAMES.txt, or --online)";
    }
    auto squats = checker.Check(name);
    j["typosquat_of"] = nlohmann::json::array();
    for (const auto& m : squats) {
      j["typosquat_of"].push_back({{"intended", m.intended}, {"technique", SquatTechniqueName(m.technique)}});
    }
    if (!squats.empty()) {
      bad = true;
      line += "; looks like a typosquat of " + squats[0].intended + " (" +
              std::string(SquatTechniqueName(squats[0].technique)) + ")";
      for (size_t i = 1; i < squats.size() && i < 4; ++i) line += ", or " + squats[i].intended;
    }
    out.push_back(j);
    if (!a.json) Out(line);
  }
  if (a.json) OutJson(out);
  return bad ? ExitCode::kFailed : ExitCode::kOk;
}

}  // namespace

void RegisterRegistry(CLI::App& app, Globals& g, Action& action) {
  auto a = std::make_shared<RegistryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "registry", "Offline package-name indexes, and existence and typosquat checks (docs/registry.md)");
  cmd->require_subcommand(1);
  CLI::App* imp = cmd->add_subcommand(
      "import",
      "Index a names list (one package name per line, '#' comments) of one ecosystem's registry,\n"
      "so checks can tell offline whether a package exists. Replaces that ecosystem's index.");
  imp->add_option("ecosystem", a->ecosystem, "npm, pypi, go, cargo, rubygems, maven, packagist or nuget")->required();
  imp->add_option("file", a->file, "The names list ('-' for stdin)")->required();
  imp->add_option("--dir", a->dir, "Index directory (default: $CUSTODY_REGISTRY_DIR or ~/.cache/custody/registry)")
      ->option_text("DIR");
  imp->add_flag("--json", a->json, "JSON output");
  imp->callback([&g, &action, a] { action = [&g, a] { return RunImport(g, *a); }; });
  CLI::App* chk = cmd->add_subcommand(
      "check",
      "Check package names: do they exist (in the imported index) and do they imitate a\n"
      "well-known package (shipped lists, data/popular/)? Exit 0: all exist and none looks\n"
      "like a typosquat; 1: otherwise.");
  chk->add_option("ecosystem", a->ecosystem, "npm, pypi, go, cargo, rubygems, maven, packagist or nuget")->required();
  chk->add_option("names", a->names, "Package names, each optionally NAME@VERSION")->required();
  chk->add_flag("--online", a->online,
                "Ask the registry (base URL from CUSTODY_REGISTRY_URL_<ECOSYSTEM>; answers cached a day)\n"
                "instead of the offline index; NAME@VERSION then also checks the version exists");
  chk->add_option("--dir", a->dir, "Index directory (default as for import)")->option_text("DIR");
  chk->add_flag("--json", a->json, "JSON output");
  chk->callback([&g, &action, a] { action = [&g, a] { return RunCheck(g, *a); }; });
}

}  // namespace custody::cli
