// custody attribute: line attribution of commits (post-commit and
// post-rewrite git hooks, and recomputation by content for any commit).
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/attribution_cli.h"
#include "cli/cli.h"
#include "custody/attribution.h"
#include "custody/gate.h"
#include "custody/interop.h"
#include "custody/working_log.h"

namespace custody::cli {

Result<std::unique_ptr<WorkingLog>> OpenProjectWorkingLog(Project& project) {
  std::string path = JoinPath(project.paths().ledger_dir, "worklog.db");
  auto log = OpenWorkingLog(path, /*create=*/false);
  // No working log yet: no agent has written anything through a hook.
  if (!log.ok() && log.status().code() == Code::kNotFound) {
    return std::unique_ptr<WorkingLog>();
  }
  return log;
}

std::string GapsPath(Project& project) { return JoinPath(project.paths().ledger_dir, "gaps.jsonl"); }

namespace {

struct Outcome {
  Attribution attribution;
  std::string state;  // "recorded", "unchanged", "dry-run"
  std::string entry;  // ledger id when recorded
};

// Test-only fault injection (docs/attribution.md): CUSTODY_TEST_FAULT=disk-full
// makes the ledger write of an attribution fail as a full disk would, so the
// e2e tests can show a failing hook never fails the commit.
Status InjectedFault(Env& env) {
  auto f = env.GetEnvVar("CUSTODY_TEST_FAULT");
  if (f && *f == "disk-full") {
    return Status::IOError("ledger", "No space left on device (simulated by CUSTODY_TEST_FAULT)");
  }
  return Status::OK();
}

class Attributor {
 public:
  explicit Attributor(Project& p) : p_(p) {}

  Status Open() {
    CUSTODY_ASSIGN_OR_RETURN(keyring_, p_.LoadKeyring());
    CUSTODY_ASSIGN_OR_RETURN(log_, OpenProjectWorkingLog(p_));
    return Status::OK();
  }

  const Keyring& keyring() const { return keyring_; }

  // Adds the AI lines of the attributions of `commits` to the carried maps.
  Status Carry(const std::vector<std::string>& commits) {
    for (const auto& c : commits) {
      CUSTODY_ASSIGN_OR_RETURN(StoredAttribution s, ReadAttribution(p_.repo(), keyring_, c));
      if (!s.latest) continue;
      CUSTODY_RETURN_IF_ERROR(AddOriginsFromAttribution(p_.repo(), *s.latest, &ai_, &edited_));
      carried_from_.push_back(c);
    }
    return Status::OK();
  }
  void ResetCarry() {
    ai_.clear();
    edited_.clear();
    carried_from_.clear();
  }

  Result<Outcome> Attribute(const std::string& commit, const std::string& method, bool dry_run) {
    AttributeOptions opt;
    opt.log = log_.get();
    opt.carried = &ai_;
    opt.carried_edited = &edited_;
    opt.carried_from = carried_from_;
    opt.method = method;
    opt.now_unix_nanos = p_.env().NowUnixNanos();
    Outcome out;
    CUSTODY_ASSIGN_OR_RETURN(out.attribution, ComputeAttribution(p_.repo(), commit, opt));
    // Recording the same content again would only grow the ledger and the
    // note (rebase runs post-commit and then post-rewrite for each commit).
    CUSTODY_ASSIGN_OR_RETURN(StoredAttribution existing,
                             ReadAttribution(p_.repo(), keyring_, out.attribution.commit));
    if (existing.latest && AttributionContentDigest(*existing.latest) ==
                               AttributionContentDigest(out.attribution)) {
      out.state = "unchanged";
      if (!dry_run) CUSTODY_RETURN_IF_ERROR(AttachCommitEvidence(p_, out.attribution.commit, out.attribution).status());
      return out;
    }
    if (dry_run) {
      out.state = "dry-run";
      return out;
    }
    CUSTODY_RETURN_IF_ERROR(InjectedFault(p_.env()));
    CUSTODY_ASSIGN_OR_RETURN(auto appended, p_.Record({MakeAttributionStatement(out.attribution)}));
    out.state = "recorded";
    out.entry = appended.at(0).id;
    // The checkpoints behind the AI lines and a staged validation travel in
    // the note too, so a fresh clone can check provenance (gate.h).
    CUSTODY_RETURN_IF_ERROR(AttachCommitEvidence(p_, out.attribution.commit, out.attribution).status());
    return out;
  }

 private:
  Project& p_;
  Keyring keyring_;
  std::unique_ptr<WorkingLog> log_;
  OriginMap ai_, edited_;
  std::vector<std::string> carried_from_;
};

std::string CountsText(const LineCounts& c) {
  return "ai " + std::to_string(c.ai) + ", ai-edited " + std::to_string(c.ai_edited) +
         ", ai-unverified " + std::to_string(c.ai_unverified) + ", human " +
         std::to_string(c.human);
}

nlohmann::json OutcomeJson(const Outcome& o) {
  LineCounts t = o.attribution.Totals();
  nlohmann::json j = {{"commit", o.attribution.commit},
                      {"state", o.state},
                      {"counts",
                       {{"ai", t.ai},
                        {"aiEdited", t.ai_edited},
                        {"aiUnverified", t.ai_unverified},
                        {"human", t.human},
                        {"blank", t.blank}}}};
  if (!o.entry.empty()) j["entry"] = o.entry;
  if (o.attribution.unverified) j["unverifiedAgent"] = o.attribution.unverified->name;
  return j;
}

// Records `s` (a failure inside a git hook) as a gap. Never fails: the
// commit has happened and must not be reported as failed.
void ReportHookFailure(const Globals& g, Project* project, const std::string& source,
                       const std::string& commit, const Status& s) {
  std::string where = "gap not recorded: no repository";
  if (project != nullptr) {
    Gap gap;
    gap.time_unix_nanos = project->env().NowUnixNanos();
    gap.source = source;
    gap.commit = commit;
    gap.reason = s.ToString();
    Status gs = project->env().CreateDirs(project->paths().ledger_dir, 0700);
    if (gs.ok()) gs = AppendGap(&project->env(), GapsPath(*project), gap);
    where = gs.ok() ? "recorded as a gap; see custody gaps" : "gap not recorded: " + gs.ToString();
  }
  Err("custody: warning: attribution of " + (commit.empty() ? std::string("HEAD") : commit.substr(0, 12)) +
      " not recorded: " + s.ToString() + " (" + where + ")");
}

Result<ExitCode> RunHook(const Globals& g, const std::string& hook, const std::vector<std::string>& args) {
  std::string source = "git:" + hook;
  auto opened = OpenProject(g);
  if (!opened.ok()) {
    ReportHookFailure(g, nullptr, source, "", opened.status());
    return ExitCode::kOk;
  }
  Project& p = **opened;
  if (hook == "post-commit") {
    std::string commit;
    Status s = [&]() -> Status {
      CUSTODY_ASSIGN_OR_RETURN(auto head, p.repo().HeadCommit());
      if (!head) return Status::OK();
      commit = *head;
      Attributor a(p);
      CUSTODY_RETURN_IF_ERROR(a.Open());
      return a.Attribute(commit, "post-commit", false).status();
    }();
    if (!s.ok()) ReportHookFailure(g, &p, source, commit, s);
    return ExitCode::kOk;
  }
  // post-rewrite: stdin holds "OLD NEW [EXTRA]" lines; several olds map to
  // one new commit on squash and fixup.
  std::string kind = args.empty() ? "rebase" : args[0];
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> olds;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string o, n;
    if (!(in >> o >> n)) continue;
    if (!olds.count(n)) order.push_back(n);
    olds[n].push_back(o);
  }
  Attributor a(p);
  Status s = a.Open();
  if (!s.ok()) {
    for (const auto& n : order) ReportHookFailure(g, &p, source, n, s);
    return ExitCode::kOk;
  }
  for (const auto& n : order) {
    Status one = [&]() -> Status {
      a.ResetCarry();
      CUSTODY_RETURN_IF_ERROR(a.Carry(olds[n]));
      return a.Attribute(n, "post-rewrite:" + kind, false).status();
    }();
    if (!one.ok()) ReportHookFailure(g, &p, source, n, one);
  }
  return ExitCode::kOk;
}

}  // namespace

void RegisterAttribute(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "attribute",
      "Attribute the lines commits added to AI checkpoints or humans, by content, and record\n"
      "a signed attribution statement (ledger + the commit's note). REV may be a commit or a\n"
      "range A..B: use it after cherry-pick, merge --squash or a server-side squash merge.\n"
      "Lines are matched against the working log and against the attribution notes of\n"
      "other commits (--carry-from; default: every commit with an attribution note).\n"
      "--hook is what the git hooks run; it never fails the commit (failures become gaps).");
  auto revs = std::make_shared<std::vector<std::string>>();
  auto hook = std::make_shared<std::string>();
  auto carry = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  auto dry = std::make_shared<bool>(false);
  cmd->add_option("REV", *revs, "Commits or ranges (default HEAD)");
  cmd->add_option("--hook", *hook, "Run as the git hook post-commit or post-rewrite")
      ->check(CLI::IsMember({"post-commit", "post-rewrite"}));
  cmd->add_option("--carry-from", *carry,
                  "Only these commits/ranges supply earlier attributions (repeatable)");
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->add_flag("--dry-run", *dry, "Compute and print, record nothing");
  cmd->callback([&g, &action, revs, hook, carry, json, dry] {
    action = [&g, revs, hook, carry, json, dry]() -> Result<ExitCode> {
      if (!hook->empty()) return RunHook(g, *hook, *revs);
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      Repo& repo = project->repo();
      std::vector<std::string> targets;
      for (const auto& r : revs->empty() ? std::vector<std::string>{"HEAD"} : *revs) {
        if (r.find("..") != std::string::npos) {
          CUSTODY_ASSIGN_OR_RETURN(auto list, repo.RevList(r));
          targets.insert(targets.end(), list.begin(), list.end());
        } else {
          CUSTODY_ASSIGN_OR_RETURN(std::string c, repo.ResolveCommit(r));
          targets.push_back(c);
        }
      }
      std::vector<std::string> sources;
      if (carry->empty()) {
        std::set<std::string> noted;
        for (std::string_view ref : {kNotesRef, kRemoteNotesRef}) {
          CUSTODY_ASSIGN_OR_RETURN(auto list, repo.ListNotedCommits(ref));
          noted.insert(list.begin(), list.end());
        }
        sources.assign(noted.begin(), noted.end());
      } else {
        for (const auto& r : *carry) {
          if (r.find("..") != std::string::npos) {
            CUSTODY_ASSIGN_OR_RETURN(auto list, repo.RevList(r));
            sources.insert(sources.end(), list.begin(), list.end());
          } else {
            CUSTODY_ASSIGN_OR_RETURN(std::string c, repo.ResolveCommit(r));
            sources.push_back(c);
          }
        }
      }
      Attributor a(*project);
      CUSTODY_RETURN_IF_ERROR(a.Open());
      std::set<std::string> target_set(targets.begin(), targets.end());
      std::vector<std::string> carry_sources;
      for (const auto& s : sources) {
        // A commit's own earlier attribution must not vouch for itself.
        if (!target_set.count(s)) carry_sources.push_back(s);
      }
      CUSTODY_RETURN_IF_ERROR(a.Carry(carry_sources));
      nlohmann::json out = nlohmann::json::array();
      for (const auto& c : targets) {
        CUSTODY_ASSIGN_OR_RETURN(Outcome o, a.Attribute(c, "recompute", *dry));
        if (*json) {
          out.push_back(OutcomeJson(o));
        } else {
          std::string extra = o.attribution.unverified
                                  ? "  (unverified: " + o.attribution.unverified->name + ")"
                                  : "";
          Out(c.substr(0, 12) + "  " + o.state + "  " + CountsText(o.attribution.Totals()) + extra);
        }
      }
      if (*json) OutJson(out);
      return ExitCode::kOk;
    };
  });
}

void RegisterInterop(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "interop",
      "Convert attributions to and from other formats: git-ai authorship/3.0.0 notes on\n"
      "refs/notes/ai, and Agent Trace records (docs/attribution.md \"Interop\").");
  cmd->require_subcommand(1);
  auto* ex = cmd->add_subcommand(
      "export",
      "Print the attribution of each REV (commit or A..B) as git-ai notes or Agent Trace\n"
      "records (JSON Lines); --write-notes stores git-ai notes on refs/notes/ai instead.");
  auto format = std::make_shared<std::string>();
  auto revs = std::make_shared<std::vector<std::string>>();
  auto write = std::make_shared<bool>(false);
  ex->add_option("--format", *format, "git-ai or agent-trace")
      ->required()
      ->check(CLI::IsMember({"git-ai", "agent-trace"}));
  ex->add_option("REV", *revs, "Commits or ranges (default HEAD)");
  ex->add_flag("--write-notes", *write, "git-ai: write the notes to refs/notes/ai");
  ex->callback([&g, &action, format, revs, write] {
    action = [&g, format, revs, write]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      Repo& repo = project->repo();
      CUSTODY_ASSIGN_OR_RETURN(Keyring keyring, project->LoadKeyring());
      CUSTODY_ASSIGN_OR_RETURN(GitIdentity who, repo.DefaultIdentity());
      std::vector<std::string> targets;
      for (const auto& r : revs->empty() ? std::vector<std::string>{"HEAD"} : *revs) {
        if (r.find("..") != std::string::npos) {
          CUSTODY_ASSIGN_OR_RETURN(auto list, repo.RevList(r));
          targets.insert(targets.end(), list.begin(), list.end());
        } else {
          CUSTODY_ASSIGN_OR_RETURN(std::string c, repo.ResolveCommit(r));
          targets.push_back(c);
        }
      }
      for (const auto& c : targets) {
        CUSTODY_ASSIGN_OR_RETURN(StoredAttribution s, ReadAttribution(repo, keyring, c));
        if (!s.latest) {
          return Status::NotFound(c, "has no attribution (run custody attribute " +
                                         c.substr(0, 12) + ")");
        }
        if (*format == "agent-trace") {
          std::cout << ExportAgentTrace(*s.latest) << '\n';
          continue;
        }
        CUSTODY_ASSIGN_OR_RETURN(CommitInfo info, repo.GetCommit(c));
        std::string note =
            ExportGitAiNote(*s.latest, info.author.name + " <" + info.author.email + ">");
        if (*write) {
          CUSTODY_RETURN_IF_ERROR(repo.WriteNote(kGitAiNotesRef, c, note, who));
          if (!g.quiet) Err("wrote " + std::string(kGitAiNotesRef) + " note for " + c.substr(0, 12));
        } else {
          std::cout << note;
        }
      }
      return ExitCode::kOk;
    };
  });

  auto* im = cmd->add_subcommand(
      "import",
      "Record signed attribution statements from foreign claims: git-ai notes on\n"
      "refs/notes/ai for each REV (commit or A..B), or Agent Trace records (JSON or JSON\n"
      "Lines) from FILE ('-' = stdin). The statements say who imported them (method\n"
      "import:git-ai / import:agent-trace); the foreign tool's claims are not verified.");
  auto iformat = std::make_shared<std::string>();
  auto args = std::make_shared<std::vector<std::string>>();
  im->add_option("--format", *iformat, "git-ai or agent-trace")
      ->required()
      ->check(CLI::IsMember({"git-ai", "agent-trace"}));
  im->add_option("ARG", *args, "git-ai: commits or ranges (default HEAD); agent-trace: FILE");
  im->callback([&g, &action, iformat, args] {
    action = [&g, iformat, args]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      Repo& repo = project->repo();
      std::vector<Attribution> found;
      if (*iformat == "git-ai") {
        std::vector<std::string> targets;
        for (const auto& r : args->empty() ? std::vector<std::string>{"HEAD"} : *args) {
          if (r.find("..") != std::string::npos) {
            CUSTODY_ASSIGN_OR_RETURN(auto list, repo.RevList(r));
            targets.insert(targets.end(), list.begin(), list.end());
          } else {
            CUSTODY_ASSIGN_OR_RETURN(std::string c, repo.ResolveCommit(r));
            targets.push_back(c);
          }
        }
        for (const auto& c : targets) {
          CUSTODY_ASSIGN_OR_RETURN(auto note, repo.ReadNote(kGitAiNotesRef, c));
          if (!note) continue;
          auto a = ParseGitAiNote(*note, c);
          if (!a.ok()) return a.status().WithPrefix(std::string(kGitAiNotesRef) + " " + c.substr(0, 12));
          found.push_back(std::move(*a));
        }
      } else {
        if (args->size() != 1) return Status::InvalidArgument("import", "give one FILE");
        std::string text;
        if ((*args)[0] == "-") {
          text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        } else {
          CUSTODY_ASSIGN_OR_RETURN(text, project->env().ReadFile((*args)[0]));
        }
        // One record, or JSON Lines.
        std::vector<std::string> docs;
        if (auto one = ParseAgentTrace(text); one.ok()) {
          docs.push_back(text);
        } else {
          size_t pos = 0;
          while (pos < text.size()) {
            size_t nl = text.find('\n', pos);
            if (nl == std::string::npos) nl = text.size();
            std::string line = text.substr(pos, nl - pos);
            pos = nl + 1;
            if (!NormaliseLine(line).empty()) docs.push_back(line);
          }
        }
        for (size_t i = 0; i < docs.size(); ++i) {
          auto rec = ParseAgentTrace(docs[i]);
          if (!rec.ok()) return rec.status().WithPrefix((*args)[0] + ":" + std::to_string(i + 1));
          CUSTODY_ASSIGN_OR_RETURN(Attribution a, AttributionFromAgentTrace(*rec));
          CUSTODY_ASSIGN_OR_RETURN(a.commit, repo.ResolveCommit(a.commit));
          found.push_back(std::move(a));
        }
      }
      std::vector<Statement> statements;
      for (auto& a : found) {
        CUSTODY_ASSIGN_OR_RETURN(CommitInfo info, repo.GetCommit(a.commit));
        a.parents = info.parents;
        a.timestamp_unix_nanos = project->env().NowUnixNanos();
        statements.push_back(MakeAttributionStatement(a));
      }
      if (statements.empty()) {
        Err("nothing to import");
        return ExitCode::kOk;
      }
      CUSTODY_ASSIGN_OR_RETURN(auto appended, project->Record(statements));
      for (size_t i = 0; i < appended.size(); ++i) {
        Out(found[i].commit.substr(0, 12) + "  imported  " + appended[i].id);
      }
      return ExitCode::kOk;
    };
  });
}

}  // namespace custody::cli
