// custody gate RANGE: may these commits go on? (docs/gate.md)
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/cli.h"
#include "cli/governance_cli.h"

namespace custody::cli {
namespace {

struct GateArgs {
  std::string range;
  std::string format = "text";
  std::string output;
  std::string sarif;
  bool pre_push = false;
  std::vector<std::string> hook_args;
  bool verbose = false;
};

Status WriteOut(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IOError(path, "cannot write");
  out << text;
  out.flush();
  if (!out) return Status::IOError(path, "write failed");
  return Status::OK();
}

bool AllZero(const std::string& s) { return !s.empty() && s.find_first_not_of('0') == std::string::npos; }

// The commits a push sends: per "<local ref> <local sha> <remote ref>
// <remote sha>" line, remote..local (or what the remote's tracking refs do
// not have, for a new branch).
Result<std::vector<std::string>> PushedCommits(Repo& repo, const std::string& remote) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string lref, lsha, rref, rsha;
    if (!(in >> lref >> lsha >> rref >> rsha)) continue;
    if (AllZero(lsha)) continue;  // a deletion pushes nothing
    // The evidence itself (git push origin refs/notes/custody): its commits
    // are notes history, not code to gate.
    if (lref.rfind("refs/notes/", 0) == 0 || rref.rfind("refs/notes/", 0) == 0) continue;
    std::string range;
    if (!AllZero(rsha) && repo.GetCommit(rsha).ok()) {
      range = rsha + ".." + lsha;
    } else {
      // A new branch: what the remote's default branch does not have.
      std::string base = "refs/remotes/" + (remote.empty() ? std::string("origin") : remote) + "/HEAD";
      range = repo.ResolveCommit(base).ok() ? base + ".." + lsha : lsha;
    }
    CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> commits, repo.RevList(range));
    for (const std::string& c : commits) {
      if (seen.insert(c).second) out.push_back(c);
    }
  }
  return out;
}

Result<ExitCode> Run(const Globals& g, const GateArgs& a) {
  if (a.format != "text" && a.format != "json" && a.format != "markdown" && a.format != "sarif") {
    return Status::InvalidArgument("--format", "\"" + a.format + "\" (allowed: text, json, markdown, sarif)");
  }
  CUSTODY_ASSIGN_OR_RETURN(Governance gv, OpenGovernance(g));
  GateInput in{&gv.project->repo(), gv.store, &gv.policy, &gv.keyring, gv.project->env().NowUnixNanos()};
  GateReport report;
  if (a.pre_push) {
    std::string remote = a.hook_args.empty() ? "origin" : a.hook_args[0];
    CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> commits, PushedCommits(gv.project->repo(), remote));
    CUSTODY_ASSIGN_OR_RETURN(report, RunGateOnCommits(in, "push to " + remote, commits));
  } else {
    if (a.range.empty()) return Status::InvalidArgument("gate", "give a RANGE, e.g. origin/main..HEAD");
    CUSTODY_ASSIGN_OR_RETURN(report, RunGate(in, a.range));
  }
  std::string text;
  if (a.format == "json") {
    text = GateJson(report).dump(2) + "\n";
  } else if (a.format == "markdown") {
    text = GateMarkdown(report);
  } else if (a.format == "sarif") {
    text = GateSarif(report).dump(2) + "\n";
  } else {
    text = GateText(report, a.verbose);
  }
  if (!a.sarif.empty()) CUSTODY_RETURN_IF_ERROR(WriteOut(a.sarif, GateSarif(report).dump(2) + "\n"));
  if (!a.output.empty()) {
    CUSTODY_RETURN_IF_ERROR(WriteOut(a.output, text));
  } else if (a.pre_push) {
    std::cerr << text;  // git shows the hook's stderr
  } else {
    std::cout << text;
  }
  if (a.pre_push && !report.passed()) {
    Err("custody: push refused by the gate (git push --no-verify skips it; CI will run it again)");
  }
  return report.passed() ? ExitCode::kOk : ExitCode::kFailed;
}

}  // namespace

void RegisterGate(CLI::App& app, Globals& g, Action& action) {
  auto a = std::make_shared<GateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "gate",
      "Check every commit of RANGE before it goes on: AI-written lines have signed provenance\n"
      "(or the gap is named), a validation under the policy in force exists with no blocking\n"
      "finding left without an override, approvals meet the risk level and constraints of the\n"
      "touched paths (separation of duties applied), and every envelope in the notes verifies\n"
      "with a trusted key. Each failure names the command that resolves it. Reads the notes\n"
      "(fetch them in CI: git fetch origin refs/notes/custody:refs/notes/custody) and the\n"
      "ledger when there is one. Exit 0: pass; 1: a failure.");
  cmd->add_option("RANGE", a->range, "A..B (B's commits that A lacks) or one revision and its history");
  cmd->add_option("--format", a->format, "text (default), json, markdown (for a pull-request comment) or sarif");
  cmd->add_option("--output", a->output, "Write the report to this file instead of stdout");
  cmd->add_option("--sarif", a->sarif, "Also write SARIF 2.1.0 to this file (for code scanning upload)");
  cmd->add_flag("--verbose", a->verbose, "Text: list passing commits and notes too");
  cmd->add_flag("--pre-push", a->pre_push,
                "Run as git's pre-push hook: read the pushed refs from stdin and gate what they send");
  cmd->add_option("HOOK_ARGS", a->hook_args, "With --pre-push: the remote's name and url (as git passes them)");
  cmd->callback([&g, &action, a] {
    action = [&g, a]() -> Result<ExitCode> {
      if (a->pre_push) {
        // git passes "<remote name> <url>": the positionals shift.
        if (!a->range.empty()) a->hook_args.insert(a->hook_args.begin(), a->range);
        a->range.clear();
      }
      return Run(g, *a);
    };
  });
}

}  // namespace custody::cli
