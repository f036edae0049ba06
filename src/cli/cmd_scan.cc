// custody scan: secrets, weak crypto, insecure patterns and hidden behaviour
// in the working tree, a commit range or the whole history (docs/scan.md).
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "cli/cli.h"
#include "custody/policy.h"
#include "custody/repo.h"
#include "custody/scan.h"
#include "custody/secret_redactor.h"
#include "custody/scan_run.h"

namespace custody::cli {
namespace {

namespace fs = std::filesystem;

struct ScanArgs {
  std::vector<std::string> paths;
  std::string diff;
  bool history = false;
  bool json = false;
  bool sarif = false;
  std::vector<std::string> rules;
  bool no_default_rules = false;
  std::vector<std::string> configs;
  int threads = 0;
  std::string fail_on = "high";
  std::string baseline;
  std::string write_baseline;
  double max_file_mb = 25;
  bool show_placeholders = false;
  bool list_rules = false;
  bool no_cache = false;
  std::string output;
};

std::string Abs(const Globals& g, const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  return WorkingDir(g) + "/" + p;
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path, "cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteText(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IOError(path, "cannot write");
    out << text;
    out.flush();
    if (!out) return Status::IOError(path, "write failed");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::IOError(path, ec.message());
  return Status::OK();
}

Result<RuleSet> BuildRules(const Globals& g, const ScanArgs& a) {
  RuleSet set;
  if (!a.no_default_rules) {
    // Parsed once per pack digest, then read from the scan cache.
    CUSTODY_ASSIGN_OR_RETURN(set,
                             DefaultRuleSet(a.no_cache ? std::string() : DefaultScanCacheDir()));
  }
  std::vector<std::string> defaults = DefaultRulePackNames();
  for (const auto& r : a.rules) {
    std::string path = Abs(g, r);
    // A pack with a default pack's file name replaces that whole pack.
    std::vector<std::string> files;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      for (const auto& e : fs::directory_iterator(path, ec)) {
        if (e.path().extension() == ".toml") files.push_back(e.path().filename().string());
      }
    } else {
      files.push_back(fs::path(path).filename().string());
    }
    for (const auto& f : files) {
      if (std::find(defaults.begin(), defaults.end(), f) == defaults.end()) continue;
      std::string prefix = "rules/" + f + ":";
      std::erase_if(set.rules, [&](const ScanRule& x) { return x.origin.rfind(prefix, 0) == 0; });
    }
    CUSTODY_RETURN_IF_ERROR(LoadRulesPath(path, &set));
  }
  for (const auto& c : a.configs) {
    std::string path = Abs(g, c);
    CUSTODY_ASSIGN_OR_RETURN(std::string text, ReadText(path));
    CUSTODY_RETURN_IF_ERROR(LoadGitleaksConfig(text, path, ReadText, &set));
  }
  if (set.rules.empty()) {
    return Status::InvalidArgument("scan", "no rules to run (this build embeds no rule packs; pass --rules DIR or --config FILE)");
  }
  return set;
}

std::string Location(const Finding& f) {
  std::string s = f.path + ":" + std::to_string(f.line) + ":" + std::to_string(f.column);
  if (!f.commit.empty()) s = f.commit.substr(0, 12) + ":" + s;
  return s;
}

Result<ExitCode> RunScan(const Globals& g, const ScanArgs& a) {
  if (a.json && a.sarif) return Status::InvalidArgument("scan", "--json and --sarif exclude each other");
  if (!a.diff.empty() && a.history) return Status::InvalidArgument("scan", "--diff and --history exclude each other");
  if ((!a.diff.empty() || a.history) && !a.paths.empty()) {
    return Status::InvalidArgument("scan", "paths are for working-tree scans; --diff and --history scan the repository");
  }
  std::optional<Severity> fail_on;
  if (a.fail_on != "none") {
    CUSTODY_ASSIGN_OR_RETURN(Severity s, ParseSeverity(a.fail_on));
    fail_on = s;
  }
  CUSTODY_ASSIGN_OR_RETURN(RuleSet set, BuildRules(g, a));
  for (const auto& w : set.warnings) {
    if (!g.quiet) Err("custody: warning: " + w);
  }

  std::string cwd = WorkingDir(g);
  std::unique_ptr<Repo> repo;
  if (auto r = Repo::Discover(cwd); r.ok()) repo = std::move(*r);
  std::string root = repo && !repo->is_bare() ? repo->workdir() : cwd;

  ScanOptions options;
  options.report_placeholders = a.show_placeholders;
  std::vector<std::string> ignore = ReadCustodyIgnore(root);
  std::string policy_path = root + "/.custody/policy.toml";
  if (fs::exists(policy_path)) {
    CUSTODY_ASSIGN_OR_RETURN(Policy policy, LoadPolicy(*Env::Default(), policy_path));
    options.allow_domains = policy.egress_allow_domains;
    ignore.insert(ignore.end(), policy.scan_ignore_paths.begin(), policy.scan_ignore_paths.end());
  }
  // Compiled databases are cached per user (docs/scan.md, "Cache").
  options.cache_dir = DefaultScanCacheDir();
  if (a.no_cache) options.cache_dir.clear();
  CUSTODY_ASSIGN_OR_RETURN(std::unique_ptr<Scanner> scanner, Scanner::Compile(set, options));
  // Read the baseline before the (possibly long) scan so a bad one fails fast.
  std::optional<std::set<std::string>> baseline;
  if (!a.baseline.empty()) {
    CUSTODY_ASSIGN_OR_RETURN(std::string text, ReadText(Abs(g, a.baseline)));
    CUSTODY_ASSIGN_OR_RETURN(baseline, ParseBaseline(text, a.baseline));
  }
  if (a.list_rules) {
    for (const auto& r : scanner->rules()) {
      // Tab-separated for cut/awk; each field escaped on its own (rule files
      // are outside input), since Out() would escape the separators too.
      std::cout << Printable(r.id) << '\t' << CategoryName(r.category) << '\t'
                << SeverityName(r.severity) << '\t' << Printable(r.description) << '\n';
    }
    return ExitCode::kOk;
  }

  ScanRunOptions run;
  run.threads = a.threads;
  if (a.max_file_mb <= 0) return Status::InvalidArgument("--max-file-size", "must be positive");
  run.max_file_size = static_cast<uint64_t>(a.max_file_mb * 1e6);
  run.ignore_patterns = ignore;
  auto start = std::chrono::steady_clock::now();
  if (!g.quiet) {
    run.progress = [start](const ScanProgress& p) {
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      char buf[160];
      std::snprintf(buf, sizeof buf, "custody: scanned %llu files/blobs, %.1f MB, %llu findings (%.0f s)",
                    static_cast<unsigned long long>(p.files), p.bytes / 1e6,
                    static_cast<unsigned long long>(p.findings), secs);
      Err(buf);
    };
  }

  ScanReport report;
  if (!a.diff.empty() || a.history) {
    if (!repo) return Status::NotFound(cwd, "not a git repository (--diff and --history need one)");
    if (a.history) {
      CUSTODY_ASSIGN_OR_RETURN(report, ScanHistory(*scanner, repo->git_dir(), run));
    } else {
      CUSTODY_ASSIGN_OR_RETURN(report, ScanDiff(*scanner, *repo, a.diff, run));
    }
  } else {
    std::vector<std::string> paths;
    for (const auto& p : a.paths) paths.push_back(Abs(g, p));
    if (paths.empty()) paths.push_back(cwd);
    CUSTODY_ASSIGN_OR_RETURN(report, ScanTree(*scanner, root, paths, run));
  }

  if (!a.write_baseline.empty()) {
    CUSTODY_RETURN_IF_ERROR(WriteText(Abs(g, a.write_baseline), SerializeBaseline(report.findings)));
    if (!g.quiet) {
      Err("custody: wrote " + std::to_string(report.findings.size()) + " fingerprints to " + a.write_baseline);
    }
  }
  if (baseline) report.suppressed_baseline = ApplyBaseline(*baseline, &report.findings);

  std::string out_text;
  if (a.json) {
    out_text = ReportJson(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else if (a.sarif) {
    out_text = ReportSarif(report, scanner->rules()).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    std::map<Severity, int> by;
    for (const auto& f : report.findings) {
      by[f.severity]++;
      std::string line = Location(f) + ": " + std::string(SeverityName(f.severity)) + " " + f.rule_id + ": " +
                         f.message;
      if (!f.evidence.empty()) line += " [" + f.evidence + "]";
      if (!f.cwe.empty()) line += " (" + f.cwe + ")";
      out_text += Printable(line) + "\n";
    }
    std::string sum = std::to_string(report.findings.size()) + " finding" +
                      (report.findings.size() == 1 ? "" : "s");
    if (!by.empty()) {
      sum += " (";
      bool first = true;
      for (auto it = by.rbegin(); it != by.rend(); ++it) {
        sum += (first ? "" : ", ") + std::to_string(it->second) + " " + std::string(SeverityName(it->first));
        first = false;
      }
      sum += ")";
    }
    char buf[200];
    std::snprintf(buf, sizeof buf, " in %llu %s, %.1f MB",
                  static_cast<unsigned long long>(report.files_scanned),
                  report.mode == "history" ? "blobs" : "files", report.bytes_scanned / 1e6);
    sum += buf;
    if (report.skipped_binary + report.skipped_large > 0) {
      sum += "; skipped " + std::to_string(report.skipped_binary) + " binary, " +
             std::to_string(report.skipped_large) + " too large";
    }
    if (report.suppressed_baseline > 0) sum += "; " + std::to_string(report.suppressed_baseline) + " in baseline";
    if (!g.quiet) out_text += sum + "\n";
  }
  if (!a.output.empty()) {
    CUSTODY_RETURN_IF_ERROR(WriteText(Abs(g, a.output), out_text));
  } else {
    std::cout << out_text;
  }
  // Notes go to stderr after the report (an error, by contrast, is the one
  // line custody prints on failure).
  if (!g.quiet) {
    for (const auto& n : scanner->notes()) {
      Err("custody: note: " + n.origin + ": rule " + n.rule_id + " runs on RE2 only (vectorscan: " +
          n.reason + ")");
    }
    if (!a.json && !a.sarif) {
      for (const auto& n : report.notes) Err("custody: note: " + n);
    }
  }
  if (!a.write_baseline.empty()) return ExitCode::kOk;
  if (fail_on) {
    for (const auto& f : report.findings) {
      if (f.severity >= *fail_on) return ExitCode::kFailed;
    }
  }
  return ExitCode::kOk;
}

}  // namespace

void RegisterScan(CLI::App& app, Globals& g, Action& action) {
  auto a = std::make_shared<ScanArgs>();
  CLI::App* cmd = app.add_subcommand(
      "scan",
      "Scan for secrets, weak crypto, insecure patterns and hidden behaviour.\n"
      "Exit 0: nothing at or above --fail-on; 1: findings; 2: usage; 3: invalid rules.");
  cmd->add_option("paths", a->paths, "Files or directories (default: the current directory)");
  cmd->add_option("--diff", a->diff, "Scan only lines added by the commits of RANGE (A..B or REV)")
      ->option_text("RANGE");
  cmd->add_flag("--history", a->history, "Scan every blob reachable from any ref, once");
  cmd->add_flag("--json", a->json, "JSON output");
  cmd->add_flag("--sarif", a->sarif, "SARIF 2.1.0 output (GitHub code scanning)");
  cmd->add_option("--rules", a->rules, "Rule file or directory; adds rules, or replaces same-named packs and ids")
      ->option_text("DIR|FILE")
      ->allow_extra_args(false);  // one value per flag: never swallow the paths
  cmd->add_flag("--no-default-rules", a->no_default_rules, "Do not load the built-in rule packs");
  cmd->add_option("--config", a->configs, "A gitleaks configuration file (read as gitleaks reads it)")
      ->option_text("FILE")
      ->allow_extra_args(false);
  cmd->add_option("-j,--threads", a->threads, "Worker threads (default: all cores)")->option_text("N");
  cmd->add_option("--fail-on", a->fail_on, "Exit 1 when a finding has this severity or higher "
                                          "(critical|high|medium|low|info|none; default high)")
      ->option_text("SEVERITY");
  cmd->add_option("--baseline", a->baseline, "Ignore findings whose fingerprints are in FILE")
      ->option_text("FILE");
  cmd->add_option("--write-baseline", a->write_baseline, "Write the fingerprints of all findings to FILE and exit 0")
      ->option_text("FILE");
  cmd->add_option("--max-file-size", a->max_file_mb, "Skip files larger than MB megabytes (default 25)")
      ->option_text("MB");
  cmd->add_flag("--show-placeholders", a->show_placeholders, "Report placeholders (example keys) as info");
  cmd->add_flag("--list-rules", a->list_rules, "List the rules that would run and exit");
  cmd->add_flag("--no-cache", a->no_cache, "Compile the rules afresh (do not read or write the cache)");
  cmd->add_option("-o,--output", a->output, "Write the report to FILE instead of stdout")->option_text("FILE");
  cmd->callback([&g, &action, a] { action = [&g, a] { return RunScan(g, *a); }; });
}

}  // namespace custody::cli
