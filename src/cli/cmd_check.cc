// custody check: the checks of the AI-written lines of a change, judged by
// the policy and recorded as a signed validation (docs/check.md).
#include <memory>

#include "cli/cli.h"
#include "cli/governance_cli.h"
#include "custody/check.h"

namespace custody::cli {
namespace {

struct CheckArgs {
  std::string rev;
  bool staged = false;
  bool all = false;
  bool online = false;
  bool no_record = false;
  bool json = false;
  bool hook = false;
};

std::string ChecksLine(const ValidationRecord& v) {
  std::string s;
  for (const CheckRun& c : v.checks) {
    if (!s.empty()) s += ", ";
    s += c.name + " " + c.status;
    if (c.rules > 0) s += " (" + std::to_string(c.rules) + " rules)";
    if (c.findings > 0) s += " " + std::to_string(c.findings) + " finding(s)";
  }
  return s;
}

Result<ExitCode> Run(const Globals& g, const CheckArgs& a) {
  CUSTODY_ASSIGN_OR_RETURN(Governance gv, OpenGovernance(g));
  CheckRequest req;
  req.staged = a.staged;
  if (a.staged) {
    if (auto f = Env::Default()->GetEnvVar("GIT_INDEX_FILE"); f && !f->empty()) req.index_file = *f;
  }
  req.range = a.rev;
  req.all_lines = a.all;
  req.online = a.online;
  req.record = !a.no_record;
  if (!g.quiet && !a.json) req.progress = [](const std::string& line) { Err("custody: " + line); };
  CUSTODY_ASSIGN_OR_RETURN(std::vector<CommitCheck> results, RunCheck(*gv.project, req));
  std::vector<std::string> commits;
  for (const CommitCheck& c : results) {
    if (c.record.target == "commit") commits.push_back(c.record.commit);
  }
  CUSTODY_ASSIGN_OR_RETURN(auto overrides, CountingOverrides(gv, commits));
  auto override_of = [&](const PolicyFinding& f) -> const KnownOverride* {
    auto it = overrides.find(f.fingerprint);
    return it == overrides.end() ? nullptr : &it->second;
  };
  int64_t blocking = 0, review = 0, reported = 0;
  for (const CommitCheck& c : results) {
    for (const PolicyFinding& f : c.record.findings) {
      bool overridden = override_of(f) != nullptr;
      if (f.action == CheckAction::kBlock && !overridden) ++blocking;
      if (f.action == CheckAction::kReview && !overridden) ++review;
      if (f.action == CheckAction::kReport) ++reported;
    }
  }
  ExitCode done = blocking > 0 ? ExitCode::kFailed : ExitCode::kOk;
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const CommitCheck& c : results) {
      nlohmann::json findings = nlohmann::json::array();
      for (const PolicyFinding& f : c.record.findings) findings.push_back(FindingJson(f, override_of(f)));
      nlohmann::json checks = nlohmann::json::array();
      for (const CheckRun& r : c.record.checks) {
        checks.push_back({{"name", r.name}, {"status", r.status}, {"rules", r.rules}, {"findings", r.findings},
                          {"detail", r.detail}});
      }
      nlohmann::json j = {{"target", c.record.target},
                          {"commit", c.record.target == "commit" ? nlohmann::json(c.record.commit) : nlohmann::json()},
                          {"tree", c.record.tree},
                          {"subject", c.subject},
                          {"scope", c.record.scope},
                          {"lines", {{"ai", c.record.ai_lines}, {"human", c.record.human_lines},
                                     {"checked", c.record.checked_lines}}},
                          {"verdict", c.record.verdict},
                          {"checks", checks},
                          {"findings", findings},
                          {"warnings", c.warnings}};
      if (c.entry) j["entry"] = {{"index", c.entry->index}, {"id", c.entry->id}};
      out.push_back(std::move(j));
    }
    OutJson({{"version", 1},
             {"policy", {{"digest", {{"sha256", gv.policy.sha256}}}}},
             {"results", out},
             {"blocking", blocking},
             {"review", review},
             {"passed", blocking == 0}});
    return done;
  }
  // In the pre-commit hook only what stops the commit, or needs attention,
  // is worth the user's screen (on stderr: git shows it).
  auto print = a.hook ? Err : Out;
  for (const CommitCheck& c : results) {
    if (a.hook && c.record.findings.empty()) continue;
    std::string head = c.record.target == "staged" ? std::string("staged changes")
                                                    : "commit " + c.record.commit.substr(0, 12) + "  " + c.subject;
    print(head + "  (" + std::to_string(c.record.checked_lines) + " line(s) checked: " +
          std::to_string(c.record.ai_lines) + " AI, " + std::to_string(c.record.human_lines) + " human" +
          (a.all ? "; --all" : "") + ")");
    for (const std::string& w : c.warnings) print("  warning: " + w);
    for (const PolicyFinding& f : c.record.findings) print("  " + FindingLine(f, override_of(f)));
    if (!a.hook) print("  checks: " + ChecksLine(c.record));
    std::string rec = c.entry ? "; validation recorded as ledger entry #" + std::to_string(c.entry->index) + " (" +
                                    c.entry->id.substr(0, 12) + ")"
                              : a.no_record ? "; not recorded (--no-record)" : "";
    if (!a.hook || !c.record.findings.empty()) print("  verdict: " + c.record.verdict + rec);
  }
  if (a.hook) {
    if (blocking > 0) {
      Err("custody: commit refused: " + std::to_string(blocking) +
          " blocking finding(s) in AI-written lines. Fix them and stage again, or have a key with a role in "
          "[overrides] roles run: custody override FP --justification \"...\"");
    }
    return done;
  }
  if (!g.quiet) {
    Out(std::to_string(results.size()) + " change(s) checked: " + std::to_string(blocking) + " blocking, " +
        std::to_string(review) + " to review, " + std::to_string(reported) + " reported");
  }
  return done;
}

}  // namespace

void RegisterCheck(CLI::App& app, Globals& g, Action& action) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Check what agents wrote: the scanner (secrets, weak crypto, insecure patterns, hidden\n"
      "behaviour), the dependency checks (packages that do not exist, typosquats, known\n"
      "vulnerabilities, [dependencies] rules, undeclared imports), licence identifiers and copied\n"
      "code, forbid_ai constraints and allowed models, on the AI-attributed lines of a change.\n"
      "Each finding gets the policy's verdict for its path: block, review or report. A signed\n"
      "validation (checks, rule-set digest, redacted findings, verdict, policy digest) goes to the\n"
      "ledger and the commit's note; custody gate reads it.\n"
      "REV is a commit (default HEAD) or A..B (each commit). Exit 0: nothing blocks; 1: a\n"
      "blocking finding without an override; 3: bad policy; 5: no such revision.");
  cmd->add_option("REV", a->rev, "Commit or range A..B (default HEAD)");
  cmd->add_flag("--staged", a->staged, "Check the staged changes (the index) instead of a commit");
  cmd->add_flag("--all", a->all, "Also check human-written lines");
  cmd->add_flag("--online", a->online, "Dependency checks ask the registries (CUSTODY_REGISTRY_URL_<ECOSYSTEM>)");
  cmd->add_flag("--no-record", a->no_record, "Do not record the validation (a dry run)");
  cmd->add_flag("--json", a->json, "JSON output (docs/check.md)");
  cmd->add_flag("--hook", a->hook,
                "Run as the pre-commit hook: --staged, quiet unless something is found, and custody's own\n"
                "errors are warnings (exit 0) so a broken install never stops a commit");
  cmd->callback([&g, &action, a] {
    action = [&g, a]() -> Result<ExitCode> {
      if (a->hook) a->staged = true;
      if (a->staged && !a->rev.empty()) {
        return Status::InvalidArgument("check", "--staged checks the index; give no REV with it");
      }
      if (!a->hook) return Run(g, *a);
      auto r = Run(g, *a);
      if (!r.ok()) {
        Err("custody: warning: pre-commit check not run: " + r.status().ToString() +
            " (the gate will report the missing validation)");
        return ExitCode::kOk;
      }
      return r;
    };
  });
}

}  // namespace custody::cli
