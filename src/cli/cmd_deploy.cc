// custody deploy --env NAME: gate what is being deployed since the last
// deployment to NAME, and record a signed deployment event (docs/gate.md).
#include <iostream>
#include <memory>

#include "cli/cli.h"
#include "cli/governance_cli.h"
#include "custody/time.h"

namespace custody::cli {
namespace {

struct DeployArgs {
  std::string env;
  std::string commit = "HEAD";
  std::string artifact;
  std::string branch;
  std::string since;
  bool force = false;
  std::string justification;
  std::string format = "text";
};

struct Previous {
  std::string commit;
  std::string entry;
};

// The newest deployment to `env` whose commit is an ancestor of (or equal
// to) `commit`: from the ledger, and from the notes (a CI clone).
Result<std::optional<Previous>> LastDeployment(Governance& gv, const std::string& env, const std::string& commit) {
  Repo& repo = gv.project->repo();
  EvidenceReader reader(repo, gv.keyring, gv.store);
  std::vector<CommitEvidence> sources;
  CUSTODY_ASSIGN_OR_RETURN(CommitEvidence ledger, reader.LedgerItems("deployment"));
  sources.push_back(std::move(ledger));
  for (std::string_view ref : {kNotesRef, kRemoteNotesRef}) {
    CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> noted, repo.ListNotedCommits(ref));
    for (const std::string& c : noted) {
      auto anc = repo.IsAncestor(c, commit);
      if (!anc.ok() || !*anc) continue;
      CUSTODY_ASSIGN_OR_RETURN(CommitEvidence ev, reader.ForCommit(c));
      sources.push_back(std::move(ev));
    }
  }
  std::optional<Previous> best;
  int64_t best_time = 0;
  for (const CommitEvidence& src : sources) {
    for (const auto& [item, d] : DeploymentsOf(src, nullptr)) {
      if (d.environment != env) continue;
      auto anc = repo.IsAncestor(d.commit, commit);
      if (!anc.ok() || !*anc) continue;
      if (!best || d.timestamp_unix_nanos > best_time) {
        best = Previous{d.commit, item->id};
        best_time = d.timestamp_unix_nanos;
      }
    }
  }
  return best;
}

// The first deployment to an environment covers what came under custody:
// the commits from the one that added .custody/policy.toml on (earlier
// history cannot have evidence).
Result<std::string> FirstDeploymentRange(Repo& repo, const std::string& commit) {
  CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> all, repo.RevList(commit));
  for (const std::string& c : all) {  // oldest first
    auto blob = repo.ReadBlobAtCommit(c, ".custody/policy.toml");
    if (!blob.ok()) {
      if (blob.status().code() == Code::kNotFound) continue;
      return blob.status();
    }
    CUSTODY_ASSIGN_OR_RETURN(CommitInfo info, repo.GetCommit(c));
    return info.parents.empty() ? commit : info.parents.front() + ".." + commit;
  }
  return commit;
}

bool ValidEnvName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

Result<ExitCode> Run(const Globals& g, const DeployArgs& a) {
  if (!ValidEnvName(a.env)) {
    return Status::InvalidArgument("--env", "\"" + a.env + "\": 1 to 64 of letters, digits, '-', '_', '.'");
  }
  std::string artifact;
  if (!a.artifact.empty()) {
    if (a.artifact.rfind("sha256:", 0) != 0) {
      return Status::InvalidArgument("--artifact", "\"" + a.artifact + "\" must be sha256:<64 hex digits>");
    }
    artifact = a.artifact.substr(7);
    if (artifact.size() != 64 || artifact.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return Status::InvalidArgument("--artifact", "\"" + a.artifact + "\" must be sha256:<64 lowercase hex digits>");
    }
  }
  if (a.force && a.justification.size() < 10) {
    return Status::InvalidArgument("--force", "needs --justification saying why (at least 10 characters; it is signed)");
  }
  if (a.format != "text" && a.format != "json" && a.format != "markdown") {
    return Status::InvalidArgument("--format", "\"" + a.format + "\" (allowed: text, json, markdown)");
  }
  CUSTODY_ASSIGN_OR_RETURN(Governance gv, OpenGovernance(g));
  Repo& repo = gv.project->repo();
  CUSTODY_ASSIGN_OR_RETURN(std::string commit, repo.ResolveCommit(a.commit));
  CUSTODY_ASSIGN_OR_RETURN(SigningIdentity id, gv.project->LoadSigningIdentity(gv.keyring));
  if (id.trusted.role != Role::kDeployer && id.trusted.role != Role::kCi) {
    return Status::PermissionDenied("deploy", "key " + id.trusted.name + " has role " +
                                                  std::string(RoleName(id.trusted.role)) +
                                                  "; deployments are recorded by deployer or ci keys");
  }
  if (a.force && id.trusted.role != Role::kDeployer) {
    return Status::PermissionDenied("--force", "only a deployer key may force a deployment (key " + id.trusted.name +
                                                   " has role " + std::string(RoleName(id.trusted.role)) + ")");
  }
  CUSTODY_ASSIGN_OR_RETURN(std::optional<Previous> prev, LastDeployment(gv, a.env, commit));
  std::string range;
  if (!a.since.empty()) {
    CUSTODY_ASSIGN_OR_RETURN(std::string since, repo.ResolveCommit(a.since));
    range = since + ".." + commit;
  } else if (prev) {
    range = prev->commit + ".." + commit;
  } else {
    CUSTODY_ASSIGN_OR_RETURN(range, FirstDeploymentRange(repo, commit));
  }
  GateInput in{&repo, gv.store, &gv.policy, &gv.keyring, gv.project->env().NowUnixNanos()};
  CUSTODY_ASSIGN_OR_RETURN(GateReport report, RunGate(in, range));
  std::string shown = a.format == "json" ? "" : a.format == "markdown" ? GateMarkdown(report) : GateText(report, false);
  if (!report.passed() && !a.force) {
    if (a.format == "json") {
      OutJson({{"deployed", false}, {"environment", a.env}, {"commit", commit}, {"gate", GateJson(report)}});
    } else {
      std::cout << shown;
      Err("custody: deployment of " + commit.substr(0, 12) + " to " + a.env + " refused: the gate failed (" +
          std::to_string(report.failures) + " failure(s)). Resolve them, or a deployer key may: custody deploy --env " +
          a.env + " --force --justification \"…\"");
    }
    return ExitCode::kFailed;
  }
  DeploymentRecord d;
  d.environment = a.env;
  d.commit = commit;
  d.branch = a.branch;
  if (d.branch.empty()) {
    for (const char* var : {"GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"}) {
      if (auto v = gv.project->env().GetEnvVar(var); v && !v->empty()) {
        d.branch = *v;
        break;
      }
    }
  }
  if (d.branch.empty()) {
    CUSTODY_ASSIGN_OR_RETURN(std::optional<std::string> b, repo.HeadBranch());
    if (b) d.branch = *b;
  }
  d.artifact_sha256 = artifact;
  d.range = range;
  d.commits_checked = static_cast<int64_t>(report.commits.size());
  d.gate_passed = report.passed();
  d.gate_failures = report.failures;
  d.forced = !report.passed();
  if (d.forced) d.justification = a.justification;
  d.deployer = id.trusted.name;
  d.role = std::string(RoleName(id.trusted.role));
  if (prev) {
    d.previous_commit = prev->commit;
    d.previous_entry = prev->entry;
  }
  d.timestamp_unix_nanos = gv.project->env().NowUnixNanos();
  d.recorder_version = std::string(kVersion);
  CUSTODY_ASSIGN_OR_RETURN(auto appended, gv.project->Record({MakeDeploymentStatement(d)}));
  if (a.format == "json") {
    OutJson({{"deployed", true},
             {"environment", d.environment},
             {"commit", commit},
             {"branch", d.branch},
             {"forced", d.forced},
             {"range", range},
             {"entry", {{"index", appended.at(0).index}, {"id", appended.at(0).id}}},
             {"gate", GateJson(report)}});
    return ExitCode::kOk;
  }
  std::cout << shown;
  Out(std::string(d.forced ? "FORCED deployment" : "deployed") + " " + commit.substr(0, 12) + " to " + d.environment +
      (d.branch.empty() ? "" : " (branch " + d.branch + ")") + " by " + d.deployer + ": ledger entry #" +
      std::to_string(appended.at(0).index) + "; gate " + (d.gate_passed ? "passed" : "FAILED") + " on " +
      std::to_string(d.commits_checked) + " commit(s), " +
      (a.since.empty() && prev ? "those since the last deployment to " + d.environment
       : a.since.empty()       ? std::string("those since custody was adopted")
                               : "range " + range));
  if (d.forced) Out("justification: " + d.justification);
  return ExitCode::kOk;
}

}  // namespace

void RegisterDeploy(CLI::App& app, Globals& g, Action& action) {
  auto a = std::make_shared<DeployArgs>();
  CLI::App* cmd = app.add_subcommand(
      "deploy",
      "Record a deployment: runs the gate on what is deployed since the last deployment to the\n"
      "environment (its commit must be an ancestor), refuses when the gate fails, and records a\n"
      "signed deployment event (environment, commit, branch, artifact digest, gate result) in the\n"
      "ledger and the commit's note. Needs a deployer or ci key; only a deployer key may --force\n"
      "past a failing gate, with a justification that is recorded. Exit 1: refused.");
  cmd->add_option("--env", a->env, "Environment name (production, staging, ...)")->required();
  cmd->add_option("--commit", a->commit, "The commit deployed (default HEAD)");
  cmd->add_option("--artifact", a->artifact, "Digest of the artifact deployed: sha256:<hex>");
  cmd->add_option("--branch", a->branch,
                  "Branch name to record (default: $GITHUB_REF_NAME, $CI_COMMIT_REF_NAME, or HEAD's branch)");
  cmd->add_option("--since", a->since,
                  "Gate SINCE..COMMIT instead of what followed the last deployment (default for the first\n"
                  "deployment: from the commit that added .custody/policy.toml)");
  cmd->add_flag("--force", a->force, "Deploy although the gate fails (deployer keys only; needs --justification)");
  cmd->add_option("--justification", a->justification, "Why the deployment is forced (signed)");
  cmd->add_option("--format", a->format, "Gate report: text (default), markdown or json");
  cmd->callback([&g, &action, a] { action = [&g, a]() { return Run(g, *a); }; });
}

}  // namespace custody::cli
