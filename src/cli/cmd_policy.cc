// custody policy check | explain | adopt: validate the policy file, show what
// it says about paths, and record a version of it as a signed event.
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "custody/policy.h"

namespace custody::cli {
namespace {

std::string RolesText(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) out += (out.empty() ? "" : " or ") + std::string(RoleName(r));
  return out;
}

// The source line of an error and a caret under its column (ninja style).
void PrintCaret(std::string_view text, const SourcePos& pos) {
  if (pos.line <= 0) return;
  size_t start = 0;
  for (int l = 1; l < pos.line; ++l) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return;
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  std::string line(text.substr(start, end == std::string_view::npos ? text.size() - start
                                                                     : end - start));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() > 200) return;
  Err("  " + line);
  // Columns count code points; count bytes that start one.
  std::string pad;
  int col = 1;
  for (size_t i = 0; i < line.size() && col < pos.column; ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
    pad += line[i] == '\t' ? '\t' : ' ';
    ++col;
  }
  Err("  " + pad + "^");
}

nlohmann::json ExplainJson(const PathPolicy& pp) {
  nlohmann::json checks = nlohmann::json::object();
  for (int i = 0; i < kCheckCategoryCount; ++i) {
    std::string cat(CheckCategoryName(static_cast<CheckCategory>(i)));
    checks[cat] = {{"action", CheckActionName(pp.checks[i])}};
    if (!pp.raised_by[i].empty()) checks[cat]["raisedBy"] = pp.raised_by[i];
  }
  nlohmann::json approvals = nlohmann::json::array();
  for (const auto& a : pp.approvals) {
    nlohmann::json roles = nlohmann::json::array();
    for (Role r : a.roles) roles.push_back(RoleName(r));
    approvals.push_back({{"count", a.count}, {"roles", roles}, {"source", a.source}});
  }
  nlohmann::json j = {{"path", pp.path},
                      {"risk", RiskLevelName(pp.risk)},
                      {"constraints", pp.constraints},
                      {"forbidAi", pp.forbid_ai},
                      {"requireRules", pp.require_rules},
                      {"checks", checks},
                      {"approvals", approvals},
                      {"separationOfDuties", pp.separation_of_duties}};
  if (pp.risk_rule) {
    j["riskRule"] = {{"glob", pp.risk_rule->glob}, {"line", pp.risk_rule->pos.line}};
  } else {
    j["riskRule"] = nullptr;
  }
  return j;
}

void ExplainText(const PathPolicy& pp, const Policy& policy) {
  Out(pp.path);
  Out("  risk         " + std::string(RiskLevelName(pp.risk)) +
      (pp.risk_rule ? "  (rule \"" + pp.risk_rule->glob + "\", " + policy.path + ":" +
                          std::to_string(pp.risk_rule->pos.line) + ")"
                    : "  ([risk] default)"));
  std::string cons;
  for (const auto& c : pp.constraints) cons += (cons.empty() ? "" : ", ") + c;
  Out("  constraints  " + (cons.empty() ? std::string("none") : cons));
  Out(std::string("  forbid_ai    ") +
      (pp.forbid_ai ? "yes: agents may not write it (" + pp.forbid_ai_by.front() + ")" : "no"));
  if (!pp.require_rules.empty()) {
    std::string rules;
    for (const auto& r : pp.require_rules) rules += (rules.empty() ? "" : ", ") + r;
    Out("  rules        " + rules + " must run");
  }
  Out("  checks");
  for (int i = 0; i < kCheckCategoryCount; ++i) {
    std::string cat(CheckCategoryName(static_cast<CheckCategory>(i)));
    cat.resize(16, ' ');
    Out("    " + cat + std::string(CheckActionName(pp.checks[i])) +
        (pp.raised_by[i].empty() ? "" : "  (raised by " + pp.raised_by[i] + ")"));
  }
  if (pp.approvals.empty()) {
    Out("  approvals    none");
  } else {
    for (size_t i = 0; i < pp.approvals.size(); ++i) {
      const auto& a = pp.approvals[i];
      Out(std::string(i == 0 ? "  approvals    " : "               ") + std::to_string(a.count) +
          " by " + RolesText(a.roles) + "  (" + a.source + ")");
    }
    Out(std::string("  separation   ") +
        (pp.separation_of_duties ? "the author's own approval does not count"
                                 : "off (the author may approve)"));
  }
}

}  // namespace

void RegisterPolicy(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "policy",
      "Work with the policy file .custody/policy.toml (docs/policy.md): check it, explain\n"
      "what it says about a path, and adopt it as a signed ledger event.");
  cmd->require_subcommand(1);

  auto* check = cmd->add_subcommand(
      "check",
      "Validate a policy file (default: the repository's .custody/policy.toml). Prints its\n"
      "SHA-256 and a summary; with errors prints each as FILE:LINE:COL and exits 1.");
  auto file = std::make_shared<std::string>();
  auto check_json = std::make_shared<bool>(false);
  check->add_option("FILE", *file, "Policy file to check (outside a repository too)");
  check->add_flag("--json", *check_json, "Print JSON: {valid, sha256, errors[]}");
  check->callback([&g, &action, file, check_json] {
    action = [&g, file, check_json]() -> Result<ExitCode> {
      std::string path = *file;
      if (path.empty()) {
        CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
        path = project->paths().policy_path;
      } else if (!g.dir.empty() && path.front() != '/') {
        path = WorkingDir(g) + "/" + path;
      }
      Env* env = Env::Default();
      std::vector<PolicyError> errors;
      auto policy = LoadPolicy(*env, path, &errors);
      if (!policy.ok() && errors.empty()) return policy.status();  // missing, unreadable, too big
      if (*check_json) {
        nlohmann::json errs = nlohmann::json::array();
        for (const auto& e : errors) {
          errs.push_back({{"line", e.pos.line}, {"column", e.pos.column}, {"message", e.message}});
        }
        nlohmann::json j = {{"path", path}, {"valid", policy.ok()}, {"errors", errs}};
        if (policy.ok()) j["sha256"] = policy->sha256;
        OutJson(j);
        return policy.ok() ? ExitCode::kOk : ExitCode::kFailed;
      }
      if (!policy.ok()) {
        auto text = env->ReadFile(path);
        for (const auto& e : errors) {
          Err(e.message);
          if (text.ok()) PrintCaret(*text, e.pos);
        }
        Err(path + ": " + std::to_string(errors.size()) + " error" +
            (errors.size() == 1 ? "" : "s"));
        return ExitCode::kFailed;
      }
      const Policy& p = *policy;
      Out(path + ": valid");
      Out("sha256       " + p.sha256);
      Out("project      " + (p.project_name.empty() ? std::string("(unnamed)") : p.project_name) +
          (p.project_license.empty() ? "" : ", licence " + p.project_license));
      std::string fw;
      for (const auto& f : p.frameworks) fw += (fw.empty() ? "" : ", ") + f;
      Out("frameworks   " + (fw.empty() ? std::string("none") : fw));
      Out("risk         default " + std::string(RiskLevelName(p.default_risk)) + ", " +
          std::to_string(p.risk_rules.size()) + " path rule" +
          (p.risk_rules.size() == 1 ? "" : "s"));
      std::string names;
      for (const auto& c : p.constraints) names += (names.empty() ? "" : ", ") + c.name;
      Out("constraints  " + std::to_string(p.constraints.size()) +
          (names.empty() ? "" : " (" + names + ")"));
      std::string appr;
      for (int l = 0; l < kRiskLevelCount; ++l) {
        appr += (l == 0 ? "" : ", ") + std::string(RiskLevelName(static_cast<RiskLevel>(l))) +
                " " + std::to_string(p.approvals[l].count);
      }
      Out("approvals    " + appr +
          (p.separation_of_duties ? "; separation of duties" : "; no separation of duties"));
      Out("models       " + (p.allowed_models.empty() ? std::string("any")
                                                      : std::to_string(p.allowed_models.size()) +
                                                            " pattern(s)"));
      Out("agents       " + (p.allowed_agents.empty() ? std::string("any")
                                                      : std::to_string(p.allowed_agents.size()) +
                                                            " pattern(s)"));
      Out("prompts      " + p.prompt_storage);
      return ExitCode::kOk;
    };
  });

  auto* explain = cmd->add_subcommand(
      "explain",
      "Show what the policy says about each PATH: its risk level and the rule that chose it,\n"
      "the constraints covering it, the action of each check category after constraints,\n"
      "and the approvals a change to it needs.");
  auto paths = std::make_shared<std::vector<std::string>>();
  auto explain_json = std::make_shared<bool>(false);
  auto explain_policy = std::make_shared<std::string>();
  explain->add_option("PATH", *paths, "Repository paths (need not exist)")->required();
  explain->add_option("--policy", *explain_policy, "Use this policy file instead");
  explain->add_flag("--json", *explain_json, "Print JSON Lines, one object per path");
  explain->callback([&g, &action, paths, explain_json, explain_policy] {
    action = [&g, paths, explain_json, explain_policy]() -> Result<ExitCode> {
      Policy policy;
      std::unique_ptr<Project> project;
      auto opened = OpenProject(g);
      if (opened.ok()) project = std::move(opened).value();
      if (!explain_policy->empty()) {
        CUSTODY_ASSIGN_OR_RETURN(policy, LoadPolicy(*Env::Default(), *explain_policy));
      } else {
        if (!project) return opened.status();
        CUSTODY_ASSIGN_OR_RETURN(policy, project->LoadPolicy());
      }
      bool first = true;
      for (const auto& raw : *paths) {
        std::string rel = raw;
        // Inside a repository, a path is taken relative to the current
        // directory like every other custody verb.
        if (project) {
          auto r = project->RelativePath(raw, WorkingDir(g));
          if (r.ok()) rel = *r;
        }
        CUSTODY_ASSIGN_OR_RETURN(PathPolicy pp, ExplainPath(policy, rel));
        if (*explain_json) {
          OutJson(ExplainJson(pp), -1);
        } else {
          if (!first) Out("");
          ExplainText(pp, policy);
        }
        first = false;
      }
      return ExitCode::kOk;
    };
  });

  auto* adopt = cmd->add_subcommand(
      "adopt",
      "Record the current .custody/policy.toml as a signed policy event in the ledger (its\n"
      "digest, the previous adopted digest, and the file's text), signed with your key.\n"
      "Does nothing when this exact version is already the adopted one.");
  auto adopt_json = std::make_shared<bool>(false);
  adopt->add_flag("--json", *adopt_json, "Print JSON");
  adopt->callback([&g, &action, adopt_json] {
    action = [&g, adopt_json]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      CUSTODY_ASSIGN_OR_RETURN(PolicyAdoption a, AdoptPolicy(*project));
      if (*adopt_json) {
        nlohmann::json j = {{"recorded", a.recorded}, {"sha256", a.sha256},
                            {"index", a.entry.index}, {"id", a.entry.id}};
        if (!a.previous_sha256.empty()) j["previousSha256"] = a.previous_sha256;
        OutJson(j);
        return ExitCode::kOk;
      }
      if (a.recorded) {
        Out(a.entry.id);
        if (!g.quiet) {
          Err("adopted policy " + a.sha256.substr(0, 12) +
              (a.previous_sha256.empty() ? "" : " (replaces " + a.previous_sha256.substr(0, 12) + ")") +
              " as ledger entry #" + std::to_string(a.entry.index));
        }
      } else if (!g.quiet) {
        Err("policy " + a.sha256.substr(0, 12) + " is already adopted (ledger entry #" +
            std::to_string(a.entry.index) + "); nothing recorded");
      }
      return ExitCode::kOk;
    };
  });
}

}  // namespace custody::cli
