// custody review COMMIT: the AI-written hunks with their context, then a
// signed approve or reject (docs/gate.md, "Review").
#include <memory>

#include "cli/cli.h"
#include "cli/governance_cli.h"
#include "custody/prompt_vault.h"
#include "custody/time.h"

namespace custody::cli {
namespace {

struct ReviewArgs {
  std::string rev;
  bool approve = false;
  bool reject = false;
  std::string notes;
  bool json = false;
  bool prompt = true;
};

std::string JStr(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump();
}

// Earlier changes to `path`: commits whose attribution names checkpoints
// that wrote it, with their validation verdict and review decisions.
Result<std::vector<std::string>> History(Governance& gv, const std::string& path, const std::string& commit,
                                         EvidenceReader& reader) {
  std::vector<std::string> out;
  if (gv.store == nullptr) return out;
  EntryQuery q;
  q.kind = "generation";
  q.file = path;
  CUSTODY_ASSIGN_OR_RETURN(std::vector<StoredEntry> gens, gv.store->Query(q));
  std::set<std::string> commits;
  for (auto it = gens.rbegin(); it != gens.rend() && commits.size() < 5; ++it) {
    EntryQuery a;
    a.kind = "attribution";
    a.ref = it->id;
    CUSTODY_ASSIGN_OR_RETURN(std::vector<StoredEntry> atts, gv.store->Query(a));
    for (const StoredEntry& e : atts) {
      for (const std::string& c : e.commits) {
        if (c != commit) commits.insert(c);
      }
    }
  }
  for (const std::string& c : commits) {
    auto info = gv.project->repo().GetCommit(c);
    if (!info.ok()) continue;  // rewritten away
    CUSTODY_ASSIGN_OR_RETURN(CommitEvidence ev, reader.ForCommit(c));
    auto vals = ValidationsOf(ev, nullptr);
    const ValidationRecord* stale = nullptr;
    const ValidationRecord* v = CurrentValidation(vals, *info, gv.policy.sha256, &stale);
    if (v == nullptr) v = stale;
    std::string line = c.substr(0, 12) + " " + FormatRfc3339(info->commit_time * 1000000000).substr(0, 10) + " " +
                       info->message.substr(0, info->message.find('\n')) + ": validation " +
                       (v ? v->verdict : std::string("none"));
    for (const auto& [item, r] : ReviewsOf(ev, nullptr)) {
      line += ", " + std::string(r.decision == "approve" ? "approved" : "rejected") + " by " +
              (item->signers.empty() ? r.reviewer : item->signers.front().name);
      if (r.decision == "reject" && !r.notes.empty()) line += " (\"" + r.notes + "\")";
    }
    out.push_back(line);
  }
  return out;
}

Result<ExitCode> Run(const Globals& g, const ReviewArgs& a) {
  if (a.approve && a.reject) return Status::InvalidArgument("review", "--approve and --reject exclude each other");
  if (a.reject && a.notes.empty()) return Status::InvalidArgument("--reject", "needs --notes saying what to change");
  CUSTODY_ASSIGN_OR_RETURN(Governance gv, OpenGovernance(g));
  Repo& repo = gv.project->repo();
  CUSTODY_ASSIGN_OR_RETURN(std::string commit, repo.ResolveCommit(a.rev.empty() ? "HEAD" : a.rev));
  EvidenceReader reader(repo, gv.keyring, gv.store);
  CUSTODY_ASSIGN_OR_RETURN(CommitEvidence ev, reader.ForCommit(commit));
  std::optional<Attribution> attribution = AttributionOf(ev, nullptr);

  ChainInput ci;
  ci.gate = {&repo, gv.store, &gv.policy, &gv.keyring, gv.project->env().NowUnixNanos()};
  ci.commit = commit;
  ci.prompt_text = PromptReader(gv.store, a.prompt);

  CUSTODY_ASSIGN_OR_RETURN(nlohmann::json chain, BuildCommitChain(ci));

  bool deciding = a.approve || a.reject;
  if (deciding) {
    CUSTODY_ASSIGN_OR_RETURN(SigningIdentity id, gv.project->LoadSigningIdentity(gv.keyring));
    // Which roles may review: those the policy asks approvals of (reviewer
    // by default).
    std::set<Role> roles;
    for (const ApprovalRule& r : gv.policy.approvals) roles.insert(r.roles.begin(), r.roles.end());
    for (const Constraint& c : gv.policy.constraints) {
      if (c.approvals) roles.insert(c.approvals->roles.begin(), c.approvals->roles.end());
    }
    if (roles.empty()) roles.insert(Role::kReviewer);
    if (!roles.count(id.trusted.role)) {
      std::string allowed;
      for (Role r : roles) allowed += (allowed.empty() ? "" : ", ") + std::string(RoleName(r));
      return Status::PermissionDenied("review", "key " + id.trusted.name + " has role " +
                                                    std::string(RoleName(id.trusted.role)) +
                                                    "; reviews count only from keys with role " + allowed);
    }
    if (gv.policy.separation_of_duties && attribution) {
      CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> authors, AuthorKeyIds(reader, ev, *attribution));
      if (std::find(authors.begin(), authors.end(), id.trusted.key.key_id()) != authors.end()) {
        return Status::PermissionDenied(
            "review", "key " + id.trusted.name + " recorded the AI changes of " + commit.substr(0, 12) +
                          "; with separation_of_duties the reviewer must be someone else");
      }
    }
    ReviewRecord r;
    r.commit = commit;
    r.decision = a.approve ? "approve" : "reject";
    r.notes = a.notes;
    r.reviewer = id.trusted.name;
    r.role = std::string(RoleName(id.trusted.role));
    for (const auto& gj : chain["generated"]) r.checkpoints.push_back(JStr(gj["checkpoint"]));
    if (!chain["validated"].is_null()) r.findings_shown = static_cast<int64_t>(chain["validated"]["findings"].size());
    auto vals = ValidationsOf(ev, nullptr);
    CUSTODY_ASSIGN_OR_RETURN(CommitInfo info, repo.GetCommit(commit));
    const ValidationRecord* v = CurrentValidation(vals, info, gv.policy.sha256, nullptr);
    for (const auto& [item, val] : vals) {
      if (&val == v) r.validation_entry = item->id;
    }
    if (attribution) {
      for (const FileAttribution& f : attribution->files) {
        int prev = -10;
        for (const AttributedRange& range : f.ranges) {
          if (IsAiKind(range.kind) && range.start > prev + 1) ++r.ai_hunks;
          if (IsAiKind(range.kind)) prev = range.end;
        }
      }
    }
    r.timestamp_unix_nanos = gv.project->env().NowUnixNanos();
    r.recorder_version = std::string(kVersion);
    CUSTODY_ASSIGN_OR_RETURN(auto appended, gv.project->Record({MakeReviewStatement(r)}));
    if (a.json) {
      OutJson({{"commit", commit},
               {"decision", r.decision},
               {"reviewer", r.reviewer},
               {"entry", {{"index", appended.at(0).index}, {"id", appended.at(0).id}}}});
    } else {
      Out(std::string(a.approve ? "approved " : "rejected ") + commit.substr(0, 12) + " as " + r.reviewer + " (" +
          r.role + "): ledger entry #" + std::to_string(appended.at(0).index) +
          " (git push origin refs/notes/custody shares it)");
    }
    return ExitCode::kOk;
  }

  if (a.json) {
    OutJson(chain);
    return ExitCode::kOk;
  }
  const nlohmann::json& c = chain["commit"];
  Out("commit " + JStr(c["id"]) + "  " + JStr(c["subject"]));
  Out("author " + JStr(c["author"]) + "  " + JStr(c["authored"]));
  if (!attribution) {
    Out("attribution: none recorded (custody attribute " + commit.substr(0, 12) + ")");
  } else {
    const auto& l = chain["attribution"]["lines"];
    Out("lines  ai " + JStr(l["ai"]) + ", ai-edited " + JStr(l["ai_edited"]) + ", ai-unverified " +
        JStr(l["ai_unverified"]) + ", human " + JStr(l["human"]) + "   risk " + JStr(chain["risk_level"]));
  }
  for (const auto& gj : chain["generated"]) {
    Out("");
    Out("generation " + JStr(gj["checkpoint"]).substr(0, 12) + "  " + JStr(gj["agent"]) + " / " + JStr(gj["model"]) +
        (JStr(gj["model_version"]).empty() ? "" : " (" + JStr(gj["model_version"]) + ")") + "  " +
        JStr(gj["timestamp"]));
    if (gj.contains("missing")) Out("  " + JStr(gj["missing"]));
    const auto& pr = gj["prompt"];
    if (pr.is_object()) {
      if (!pr["text"].is_null()) {
        Out("  prompt: " + JStr(pr["text"]));
      } else {
        Out("  prompt: not shown (storage " + JStr(pr["storage"]) + ", digest sha256:" + JStr(pr["digest"]).substr(0, 16) +
            "…)");
      }
    }
    if (gj["constraints_applied"].is_array()) {
      for (const auto& k : gj["constraints_applied"]) Out("  constraint: " + JStr(k));
    }
    if (gj["constraint_files"].is_array()) {
      for (const auto& k : gj["constraint_files"]) {
        Out("  constraint file: " + JStr(k["path"]) + " sha256:" + JStr(k["digest"]["sha256"]).substr(0, 16) + "…");
      }
    }
    for (const auto& k : gj.value("constraint_violations", nlohmann::json::array())) {
      Out("  constraint violated: " + JStr(k["constraint"]) + " " + JStr(k["path"]));
    }
  }
  Out("");
  // Constraints in force on the AI-written paths.
  if (attribution) {
    for (const FileAttribution& f : attribution->files) {
      if (f.counts.AiTotal() == 0) continue;
      CUSTODY_ASSIGN_OR_RETURN(PathPolicy pp, ExplainPath(gv.policy, f.path));
      std::string line = "policy " + f.path + ": risk " + std::string(RiskLevelName(pp.risk));
      for (const std::string& k : pp.constraints) line += ", constraint " + k;
      for (const ApprovalRequirement& r : pp.approvals) {
        if (r.count > 0) line += ", " + std::to_string(r.count) + " approval(s) (" + r.source + ")";
      }
      Out(line);
    }
  }
  const auto& val = chain["validated"];
  if (val.is_null()) {
    Out("validation: none (custody check " + commit.substr(0, 12) + ")");
  } else {
    Out("validation: " + JStr(val["verdict"]) + " at " + JStr(val["validation_timestamp"]) + " by " +
        JStr(val["validated_by"]) + (val["policy"]["current"].get<bool>() ? "" : "  (STALE: an older policy)"));
    std::string checks;
    for (const char* section : {"static_analysis", "dependency_audit", "compliance_checks"}) {
      for (const auto& k : val[section]) checks += (checks.empty() ? "" : ", ") + JStr(k["check"]) + " " + JStr(k["status"]);
    }
    for (const auto& k : val["security_scan"]["checks"]) checks = JStr(k["check"]) + " " + JStr(k["status"]) + ", " + checks;
    Out("  checks: " + checks);
    for (const auto& f : val["findings"]) {
      std::string line = "  " + JStr(f["verdict"]) + " " + JStr(f["category"]) + " " + JStr(f["path"]) + ":" +
                         JStr(f["line"]) + " " + JStr(f["rule"]) + ": " + JStr(f["message"]);
      if (!f["override"].is_null()) {
        line += "  (overridden by " + JStr(f["override"]["by"]) + ": \"" + JStr(f["override"]["justification"]) + "\")";
      }
      Out(line);
    }
  }
  // The AI-written hunks.
  if (attribution) {
    CUSTODY_ASSIGN_OR_RETURN(std::vector<FileDiff> diffs, repo.DiffCommit(commit, ""));
    for (const FileDiff& f : diffs) {
      for (const DiffHunk& h : f.hunks) {
        bool any_ai = false;
        for (const DiffLine& l : h.added) {
          const AttributedRange* r = attribution->Find(f.path, l.line);
          any_ai = any_ai || (r != nullptr && IsAiKind(r->kind));
        }
        if (!any_ai) continue;
        Out("");
        std::string who;
        for (const DiffLine& l : h.added) {
          const AttributedRange* r = attribution->Find(f.path, l.line);
          if (r != nullptr && !r->checkpoint.empty()) {
            auto it = attribution->checkpoints.find(r->checkpoint);
            if (it != attribution->checkpoints.end()) {
              who = it->second.agent + " / " + it->second.model + ", checkpoint " + r->checkpoint.substr(0, 12);
            }
            break;
          }
        }
        Out("@@ " + f.path + " +" + std::to_string(h.new_start) + "," + std::to_string(h.new_lines) + " @@ " + who);
        for (const DiffLine& l : h.removed) Out("-      " + l.text);
        for (const DiffLine& l : h.added) {
          const AttributedRange* r = attribution->Find(f.path, l.line);
 bool blank = l.text.find_first_not_of(" \t\r") == std::string::npos;
          std::string mark = r == nullptr || blank ? "     " : r->kind == LineKind::kAi ? "AI   "
                                                    : r->kind == LineKind::kAiEdited ? "AI+h "
                                                    : r->kind == LineKind::kAiUnverified ? "AI?  " : "     ";
          Out("+" + mark + " " + l.text);
        }
      }
    }
    Out("");
    std::set<std::string> paths;
    for (const FileAttribution& f : attribution->files) {
      if (f.counts.AiTotal() > 0) paths.insert(f.path);
    }
    for (const std::string& p : paths) {
      CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> hist, History(gv, p, commit, reader));
      if (hist.empty()) continue;
      Out("earlier AI changes to " + p + ":");
      for (const std::string& h : hist) Out("  " + h);
    }
  }
  for (const auto& r : chain["reviewed"]) {
    Out("review: " + JStr(r["approval_status"]) + " by " + JStr(r["reviewer"]) + " at " + JStr(r["review_timestamp"]) +
        (JStr(r["review_notes"]).empty() ? "" : ": " + JStr(r["review_notes"])));
  }
  Out("");
  Out("decide: custody review " + commit.substr(0, 12) + " --approve [--notes TEXT] | --reject --notes TEXT");
  return ExitCode::kOk;
}

}  // namespace

void RegisterReview(CLI::App& app, Globals& g, Action& action) {
  auto a = std::make_shared<ReviewArgs>();
  CLI::App* cmd = app.add_subcommand(
      "review",
      "Review a commit with its context: for each AI-written hunk the diff with agent, model and\n"
      "prompt (as stored), the constraints in force, the checks that ran and the findings with\n"
      "their verdicts, and earlier AI changes to the same paths with their outcome. With\n"
      "--approve or --reject, record a signed review. Only keys of a role the policy asks\n"
      "approvals of count (reviewer by default); with separation_of_duties the key that recorded\n"
      "the AI changes cannot review them. Exit 6 when the signing key may not review.");
  cmd->add_option("COMMIT", a->rev, "The commit to review (default HEAD)");
  cmd->add_flag("--approve", a->approve, "Record an approval");
  cmd->add_flag("--reject", a->reject, "Record a rejection (needs --notes)");
  cmd->add_option("--notes", a->notes, "What the reviewer says (signed)");
  cmd->add_flag("--json", a->json, "JSON output: the commit's chain (custody show --json), or the recorded review");
  cmd->add_flag("!--no-prompt", a->prompt, "Do not print stored prompt texts");
  cmd->callback([&g, &action, a] { action = [&g, a]() { return Run(g, *a); }; });
}

}  // namespace custody::cli
