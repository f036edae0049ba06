// The gate and the evidence it reads (include/custody/gate.h, docs/gate.md).
#include "custody/gate.h"

#include <algorithm>
#include <set>

#include "custody/dsse.h"
#include "custody/hash.h"
#include "custody/project.h"
#include "custody/time.h"

namespace custody {
namespace {

using json = nlohmann::json;

std::string Short(const std::string& id) { return id.substr(0, 12); }

template <typename T, typename F>
std::vector<std::pair<const EvidenceItem*, T>> Parsed(const CommitEvidence& e, std::string_view kind, F parse,
                                                       std::vector<EvidenceProblem>* problems) {
  std::vector<std::pair<const EvidenceItem*, T>> out;
  for (const EvidenceItem& item : e.items) {
    if (item.kind != kind) continue;
    auto r = parse(item.statement);
    if (!r.ok()) {
      if (problems != nullptr) {
        problems->push_back({item.source + " entry " + Short(item.id), r.status().ToString()});
      }
      continue;
    }
    out.emplace_back(&item, std::move(r).value());
  }
  return out;
}

bool HasRole(const std::vector<TrustedKey>& signers, const std::vector<Role>& roles) {
  for (const TrustedKey& k : signers) {
    if (std::find(roles.begin(), roles.end(), k.role) != roles.end()) return true;
  }
  return false;
}

std::string RolesText(const std::vector<Role>& roles) {
  std::string s;
  for (Role r : roles) s += (s.empty() ? "" : "/") + std::string(RoleName(r));
  return s;
}

}  // namespace

// ---- evidence ---------------------------------------------------------------

Status EvidenceReader::Add(const std::string& line, const std::string& source, const std::string& where,
                           std::map<std::string, bool>* seen, CommitEvidence* out) {
  std::string id = Sha256Hex(line);
  if (seen->count(id)) return Status::OK();
  (*seen)[id] = true;
  auto env = ParseEnvelope(line);
  if (!env.ok()) {
    out->problems.push_back({where, env.status().ToString()});
    return Status::OK();
  }
  auto verified = VerifyEnvelope(*env, keyring_);
  if (!verified.ok()) {
    out->problems.push_back({where, verified.status().ToString()});
    return Status::OK();
  }
  auto st = ParseStatement(verified->payload);
  if (!st.ok()) {
    out->problems.push_back({where, st.status().ToString()});
    return Status::OK();
  }
  EvidenceItem item;
  item.kind = KindOfPredicateType(st->predicate_type);
  item.id = std::move(id);
  item.source = source;
  item.envelope = line;
  item.statement = std::move(st).value();
  item.signers = std::move(verified->signers);
  out->items.push_back(std::move(item));
  return Status::OK();
}

Result<CommitEvidence> EvidenceReader::ForCommit(const std::string& commit) {
  CommitEvidence out;
  out.commit = commit;
  std::map<std::string, bool> seen;
  for (std::string_view ref : {kNotesRef, kRemoteNotesRef}) {
    CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> lines, repo_.ReadNoteLines(ref, commit));
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string where = std::string(ref) + " note of " + Short(commit) + ", line " + std::to_string(i + 1);
      CUSTODY_RETURN_IF_ERROR(Add(lines[i], ref == kNotesRef ? "notes" : "remote notes", where, &seen, &out));
    }
  }
  if (store_ != nullptr) {
    EntryQuery q;
    q.commit = commit;
    CUSTODY_ASSIGN_OR_RETURN(std::vector<StoredEntry> entries, store_->Query(q));
    for (const StoredEntry& e : entries) {
      CUSTODY_RETURN_IF_ERROR(Add(e.envelope, "ledger", "ledger entry " + std::to_string(e.index), &seen, &out));
    }
  }
  return out;
}

Result<std::optional<EvidenceItem>> EvidenceReader::Checkpoint(const CommitEvidence& e, const std::string& id) {
  for (const EvidenceItem& item : e.items) {
    if (item.id == id && item.kind == "generation") return std::optional<EvidenceItem>(item);
  }
  if (store_ == nullptr) return std::optional<EvidenceItem>();
  auto entry = store_->FindEntry(id);
  if (!entry.ok()) {
    if (entry.status().code() == Code::kNotFound || entry.status().code() == Code::kInvalidArgument) {
      return std::optional<EvidenceItem>();
    }
    return entry.status();
  }
  CommitEvidence one;
  std::map<std::string, bool> seen;
  CUSTODY_RETURN_IF_ERROR(Add(entry->envelope, "ledger", "ledger entry " + std::to_string(entry->index), &seen, &one));
  if (one.items.empty() || one.items.front().kind != "generation") return std::optional<EvidenceItem>();
  return std::optional<EvidenceItem>(std::move(one.items.front()));
}

Result<CommitEvidence> EvidenceReader::LedgerItems(std::string_view kind) {
  CommitEvidence out;
  if (store_ == nullptr) return out;
  EntryQuery q;
  q.kind = std::string(kind);
  CUSTODY_ASSIGN_OR_RETURN(std::vector<StoredEntry> entries, store_->Query(q));
  std::map<std::string, bool> seen;
  for (const StoredEntry& e : entries) {
    CUSTODY_RETURN_IF_ERROR(Add(e.envelope, "ledger", "ledger entry " + std::to_string(e.index), &seen, &out));
  }
  return out;
}

std::vector<std::pair<const EvidenceItem*, ValidationRecord>> ValidationsOf(const CommitEvidence& e,
                                                                             std::vector<EvidenceProblem>* p) {
  return Parsed<ValidationRecord>(e, "validation", ParseValidationStatement, p);
}
std::vector<std::pair<const EvidenceItem*, ReviewRecord>> ReviewsOf(const CommitEvidence& e,
                                                                     std::vector<EvidenceProblem>* p) {
  return Parsed<ReviewRecord>(e, "review", ParseReviewStatement, p);
}
std::vector<std::pair<const EvidenceItem*, OverrideRecord>> OverridesOf(const CommitEvidence& e,
                                                                         std::vector<EvidenceProblem>* p) {
  return Parsed<OverrideRecord>(e, "override", ParseOverrideStatement, p);
}
std::vector<std::pair<const EvidenceItem*, DeploymentRecord>> DeploymentsOf(const CommitEvidence& e,
                                                                             std::vector<EvidenceProblem>* p) {
  return Parsed<DeploymentRecord>(e, "deployment", ParseDeploymentStatement, p);
}

std::optional<Attribution> AttributionOf(const CommitEvidence& e, std::vector<EvidenceProblem>* problems) {
  auto all = Parsed<Attribution>(e, "attribution", AttributionFromStatement, problems);
  std::optional<Attribution> best;
  for (auto& [item, a] : all) {
    if (a.commit != e.commit) continue;  // a note carried over from a rewritten commit
    if (!best || a.timestamp_unix_nanos >= best->timestamp_unix_nanos) best = a;
  }
  return best;
}

const ValidationRecord* CurrentValidation(
    const std::vector<std::pair<const EvidenceItem*, ValidationRecord>>& validations, const CommitInfo& c,
    const std::string& policy_sha256, const ValidationRecord** stale) {
  const ValidationRecord* best = nullptr;
  const ValidationRecord* old = nullptr;
  std::string parent = c.parents.empty() ? "" : c.parents.front();
  for (const auto& [item, v] : validations) {
    bool about = (v.target == "commit" && v.commit == c.id) ||
                 (v.target == "staged" && v.tree == c.tree && v.parent == parent);
    if (!about) continue;
    const ValidationRecord*& slot = v.policy_sha256 == policy_sha256 ? best : old;
    if (slot == nullptr || v.timestamp_unix_nanos >= slot->timestamp_unix_nanos) slot = &v;
  }
  if (stale != nullptr) *stale = best == nullptr ? old : nullptr;
  return best;
}

Result<std::vector<std::string>> AuthorKeyIds(EvidenceReader& reader, const CommitEvidence& ev,
                                              const Attribution& attribution) {
  std::set<std::string> keys;
  for (const EvidenceItem& item : ev.items) {
    if (item.kind != "attribution") continue;
    for (const TrustedKey& k : item.signers) keys.insert(k.key.key_id());
  }
  for (const auto& [id, cp] : attribution.checkpoints) {
    if (id.size() != 64) continue;
    CUSTODY_ASSIGN_OR_RETURN(std::optional<EvidenceItem> gen, reader.Checkpoint(ev, id));
    if (!gen) continue;
    for (const TrustedKey& k : gen->signers) keys.insert(k.key.key_id());
  }
  return std::vector<std::string>(keys.begin(), keys.end());
}

bool OverrideCounts(const EvidenceItem& item, const OverrideRecord& o, const std::vector<Role>& roles,
                    int64_t now) {
  if (!HasRole(item.signers, roles)) return false;
  return o.expires_unix_nanos == 0 || o.expires_unix_nanos > now;
}

// ---- the gate ---------------------------------------------------------------

namespace {

class Gate {
 public:
  explicit Gate(const GateInput& in) : in_(in), reader_(*in.repo, *in.keyring, in.store) {}

  Result<GateCommit> Check(const std::string& commit) {
    Repo& repo = *in_.repo;
    const Policy& policy = *in_.policy;
    GateCommit g;
    g.commit = commit;
    CUSTODY_ASSIGN_OR_RETURN(CommitInfo info, repo.GetCommit(commit));
    g.subject = info.message.substr(0, info.message.find('\n'));
    g.author = info.author.name + " <" + info.author.email + ">";
    g.merge = info.parents.size() > 1;
    CUSTODY_ASSIGN_OR_RETURN(CommitEvidence ev, reader_.ForCommit(commit));
    std::string c = Short(commit);
    for (const EvidenceProblem& p : ev.problems) {
      g.failures.push_back({"signature", p.where + ": " + p.message,
                            "remove the damaged or untrusted line from the note (git notes --ref custody edit " + c +
                                "), or trust the signer's key in .custody/keys",
                            "", 0, ""});
    }
    if (g.merge) {
      g.notes.push_back("merge commit: its parents' commits are gated one by one");
      return g;
    }
    std::vector<EvidenceProblem> parse_problems;
    std::optional<Attribution> attribution = AttributionOf(ev, &parse_problems);
    for (const EvidenceProblem& p : parse_problems) {
      g.failures.push_back({"signature", p.where + ": " + p.message,
                            "re-record it: custody attribute " + c, "", 0, ""});
    }
    parse_problems.clear();
    if (!attribution) {
      g.failures.push_back({"attribution", "no attribution record: which lines an agent wrote is unknown",
                            "custody attribute " + c + " && git push origin refs/notes/custody", "", 0, ""});
      return g;
    }
    LineCounts totals = attribution->Totals();
    g.ai_lines = totals.AiTotal();
    g.human_lines = totals.human;
    g.agent_authored = g.ai_lines > 0;
    std::set<std::string> agents, models;
    for (const auto& [id, cp] : attribution->checkpoints) {
      if (!cp.agent.empty()) agents.insert(cp.agent);
      if (!cp.model.empty()) models.insert(cp.model);
    }
    if (attribution->unverified) agents.insert(attribution->unverified->name);
    g.agents.assign(agents.begin(), agents.end());
    g.models.assign(models.begin(), models.end());

    // Risk and approvals of the touched paths.
    std::map<std::string, ApprovalRequirement> required;  // by source
    std::set<std::string> ai_paths;
    for (const FileAttribution& f : attribution->files) {
      CUSTODY_ASSIGN_OR_RETURN(PathPolicy pp, ExplainPath(policy, f.path));
      if (static_cast<int>(pp.risk) > static_cast<int>(g.risk)) g.risk = pp.risk;
      if (f.counts.AiTotal() == 0) continue;
      ai_paths.insert(f.path);
      for (const ApprovalRequirement& r : pp.approvals) {
        if (r.count <= 0) continue;
        auto& slot = required[r.source];
        if (r.count > slot.count) slot = r;
      }
    }
    if (!g.agent_authored) {
      g.notes.push_back("no AI-written lines: validation and approvals are not required");
      return g;
    }

    // Provenance: every checkpoint the AI lines name is present and signed.
    std::set<std::string> author_keys;
    for (const EvidenceItem& item : ev.items) {
      if (item.kind != "attribution") continue;
      for (const TrustedKey& k : item.signers) author_keys.insert(k.key.key_id());
    }
    for (const auto& [id, cp] : attribution->checkpoints) {
      if (id.size() != 64) continue;  // imported (git-ai, Agent Trace): foreign ids, no envelope to check
      CUSTODY_ASSIGN_OR_RETURN(std::optional<EvidenceItem> gen, reader_.Checkpoint(ev, id));
      if (!gen) {
        g.failures.push_back({"provenance",
                              "checkpoint " + Short(id) + " (" + cp.agent + ", " + cp.model + ", " +
                                  std::to_string(cp.counts.ai + cp.counts.ai_edited) +
                                  " lines) is neither in the note nor in the ledger",
                              "on the machine that recorded it: custody attribute " + c +
                                  " && git push origin refs/notes/custody",
                              "", 0, ""});
        continue;
      }
      for (const TrustedKey& k : gen->signers) author_keys.insert(k.key.key_id());
    }
    if (totals.ai_unverified > 0) {
      g.notes.push_back(std::to_string(totals.ai_unverified) + " line(s) attributed to " +
                        (attribution->unverified ? attribution->unverified->name : std::string("an agent")) +
                        " by commit metadata only (no checkpoint): the validation's provenance finding decides");
    }

    // Validation under the policy in force.
    auto validations = ValidationsOf(ev, &parse_problems);
    const ValidationRecord* stale = nullptr;
    const ValidationRecord* v = CurrentValidation(validations, info, policy.sha256, &stale);
    auto overrides = OverridesOf(ev, &parse_problems);
    auto reviews = ReviewsOf(ev, &parse_problems);
    for (const EvidenceProblem& p : parse_problems) {
      g.failures.push_back({"signature", p.where + ": " + p.message, "re-record it", "", 0, ""});
    }
    bool needs_review = false;
    if (v == nullptr) {
      if (stale != nullptr) {
        g.failures.push_back({"stale-validation",
                              "the validation was made under policy " + stale->policy_sha256.substr(0, 12) +
                                  ", not the policy in force (" + policy.sha256.substr(0, 12) + ")",
                              "custody check " + c, "", 0, ""});
      } else {
        g.failures.push_back({"validation", "no validation: the AI-written lines were never checked",
                              "custody check " + c, "", 0, ""});
      }
    } else {
      g.validation = v->verdict;
      for (const auto& [item, val] : validations) {
        if (&val == v) g.validation_id = item->id;
      }
      for (const PolicyFinding& f : v->findings) {
        if (f.action == CheckAction::kReport) continue;
        bool overridden = false;
        for (const auto& [item, o] : overrides) {
          if (o.fingerprint == f.fingerprint &&
              OverrideCounts(*item, o, policy.override_roles, in_.now_unix_nanos)) {
            overridden = true;
          }
        }
        if (overridden) {
          ++g.overridden;
          continue;
        }
        if (f.action == CheckAction::kReview) {
          needs_review = true;
          continue;
        }
        g.failures.push_back({"blocking-finding",
                              f.path + ":" + std::to_string(f.line) + ": " + f.rule + ": " + f.message,
                              "fix it and commit again, or: custody override " + f.fingerprint.substr(0, 16) +
                                  " --justification \"…\" (a " + RolesText(policy.override_roles) + " key)",
                              f.path, f.line, f.fingerprint});
      }
    }
    if (needs_review && required.empty()) {
      required["findings to review"] = {1, {Role::kReviewer}, "findings to review"};
    }

    // Reviews: the latest decision of each reviewer key counts.
    std::map<std::string, std::pair<const EvidenceItem*, const ReviewRecord*>> latest;  // by keyid
    for (const auto& [item, r] : reviews) {
      if (r.commit != commit) continue;
      for (const TrustedKey& k : item->signers) {
        auto& slot = latest[k.key.key_id()];
        if (slot.second == nullptr || r.timestamp_unix_nanos >= slot.second->timestamp_unix_nanos) {
          slot = {item, &r};
        }
      }
    }
    std::vector<const TrustedKey*> approvers;
    for (const auto& [keyid, pr] : latest) {
      const TrustedKey* key = nullptr;
      for (const TrustedKey& k : pr.first->signers) {
        if (k.key.key_id() == keyid) key = &k;
      }
      if (key == nullptr) continue;
      if (policy.separation_of_duties && author_keys.count(keyid)) {
        g.notes.push_back("review by " + key->name + " does not count: the same key recorded the AI changes "
                          "(separation_of_duties)");
        continue;
      }
      // Only keys of a role some requirement names may approve or reject.
      bool may_review = required.empty() ? key->role == Role::kReviewer : false;
      for (const auto& [source, req] : required) {
        may_review = may_review || std::find(req.roles.begin(), req.roles.end(), key->role) != req.roles.end();
      }
      if (!may_review) {
        g.notes.push_back("review by " + key->name + " does not count: a " + std::string(RoleName(key->role)) +
                          " key, not one the policy asks approvals of");
        continue;
      }
      if (pr.second->decision == "reject") {
        g.failures.push_back({"rejected",
                              key->name + " rejected it: " + (pr.second->notes.empty() ? "(no notes)" : pr.second->notes),
                              "address the review, then: custody review " + c + " --approve (same reviewer)",
                              "", 0, ""});
        continue;
      }
      approvers.push_back(key);
    }
    for (auto& [source, req] : required) {
      int n = 0;
      for (const TrustedKey* k : approvers) {
        if (std::find(req.roles.begin(), req.roles.end(), k->role) != req.roles.end()) ++n;
      }
      g.required.push_back(req);
      g.approvals = std::max(g.approvals, n);
      if (n < req.count) {
        g.failures.push_back({"approvals",
                              source + " needs " + std::to_string(req.count) + " approval(s) by a " +
                                  RolesText(req.roles) + " key; has " + std::to_string(n),
                              "custody review " + c + " --approve --notes \"…\" (by a " + RolesText(req.roles) +
                                  " key other than the author's)",
                              "", 0, ""});
      }
    }
    for (const TrustedKey* k : approvers) g.reviewers.push_back(k->name);
    return g;
  }

 private:
  const GateInput& in_;
  EvidenceReader reader_;
};

}  // namespace

Result<GateReport> RunGateOnCommits(const GateInput& in, const std::string& label,
                                    const std::vector<std::string>& commits) {
  if (in.repo == nullptr || in.policy == nullptr || in.keyring == nullptr) {
    return Status::InvalidArgument("gate", "repository, policy and keyring are required");
  }
  GateReport report;
  report.range = label;
  report.policy_sha256 = in.policy->sha256;
  Gate gate(in);
  for (const std::string& c : commits) {
    CUSTODY_ASSIGN_OR_RETURN(GateCommit g, gate.Check(c));
    report.failures += static_cast<int64_t>(g.failures.size());
    report.commits.push_back(std::move(g));
  }
  return report;
}

Result<GateReport> RunGate(const GateInput& in, std::string_view range) {
  if (in.repo == nullptr) return Status::InvalidArgument("gate", "no repository");
  CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> commits, in.repo->RevList(range));
  return RunGateOnCommits(in, std::string(range), commits);
}

// ---- output -------------------------------------------------------------------

json GateJson(const GateReport& r) {
  json commits = json::array();
  int64_t agent_commits = 0;
  for (const GateCommit& g : r.commits) {
    json failures = json::array();
    for (const GateFailure& f : g.failures) {
      json j = {{"reason", f.reason}, {"message", f.message}, {"resolve", f.resolve}};
      if (!f.path.empty()) j["location"] = {{"path", f.path}, {"line", f.line}};
      if (!f.fingerprint.empty()) j["fingerprint"] = f.fingerprint;
      failures.push_back(std::move(j));
    }
    json required = json::array();
    for (const ApprovalRequirement& a : g.required) {
      json roles = json::array();
      for (Role role : a.roles) roles.push_back(std::string(RoleName(role)));
      required.push_back({{"count", a.count}, {"roles", roles}, {"source", a.source}});
    }
    agent_commits += g.agent_authored;
    commits.push_back({{"commit", g.commit},
                       {"subject", g.subject},
                       {"author", g.author},
                       {"merge", g.merge},
                       {"agentAuthored", g.agent_authored},
                       {"lines", {{"ai", g.ai_lines}, {"human", g.human_lines}}},
                       {"agents", g.agents},
                       {"models", g.models},
                       {"risk", std::string(RiskLevelName(g.risk))},
                       {"validation", g.validation.empty() ? json(nullptr) : json(g.validation)},
                       {"overridden", g.overridden},
                       {"approvals", {{"have", g.approvals}, {"required", required}, {"reviewers", g.reviewers}}},
                       {"passed", g.passed()},
                       {"failures", std::move(failures)},
                       {"notes", g.notes}});
  }
  return {{"version", 1},
          {"range", r.range},
          {"policy", {{"digest", {{"sha256", r.policy_sha256}}}}},
          {"passed", r.passed()},
          {"failures", r.failures},
          {"agentAuthored", agent_commits > 0},
          {"agentAuthoredCommits", agent_commits},
          {"commits", std::move(commits)}};
}

std::string GateText(const GateReport& r, bool verbose) {
  std::string out;
  int64_t failed = 0, agent = 0;
  for (const GateCommit& g : r.commits) {
    failed += !g.passed();
    agent += g.agent_authored;
    if (g.passed() && !verbose) continue;
    out += (g.passed() ? "pass " : "FAIL ") + Short(g.commit) + " " + g.subject;
    if (g.agent_authored) {
      out += "  [AI: " + std::to_string(g.ai_lines) + " lines";
      for (const std::string& a : g.agents) out += ", " + a;
      out += "]";
    }
    out += "\n";
    for (const GateFailure& f : g.failures) {
      out += "  " + f.reason + ": " + f.message + "\n    resolve: " + f.resolve + "\n";
    }
    if (verbose) {
      for (const std::string& n : g.notes) out += "  note: " + n + "\n";
    }
  }
  out += "gate " + r.range + ": " + std::to_string(r.commits.size()) + " commit(s), " + std::to_string(agent) +
         " agent-authored, " + std::to_string(failed) + " failing, " + std::to_string(r.failures) +
         " failure(s): " + (r.passed() ? "PASS" : "FAIL") + "\n";
  return out;
}

namespace {
// Markdown table cells: no pipes or newlines.
std::string Cell(std::string s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') {
      out += "\\|";
    } else if (ch == '\n' || ch == '\r') {
      out += ' ';
    } else {
      out += ch;
    }
  }
  return out;
}
}  // namespace

std::string GateMarkdown(const GateReport& r) {
  int64_t agent = 0, failed = 0;
  for (const GateCommit& g : r.commits) {
    agent += g.agent_authored;
    failed += !g.passed();
  }
  std::string md = std::string("### custody gate: ") + (r.passed() ? "✅ passed" : "❌ failed") + "\n\n";
  md += "`" + Cell(r.range) + "`: " + std::to_string(r.commits.size()) + " commit(s), " + std::to_string(agent) +
        " agent-authored, " + std::to_string(failed) + " failing (policy `" + r.policy_sha256.substr(0, 12) +
        "`).\n\n";
  md += "| commit | subject | AI lines | agents | risk | validation | approvals | result |\n";
  md += "|---|---|---|---|---|---|---|---|\n";
  for (const GateCommit& g : r.commits) {
    std::string agents;
    for (const std::string& a : g.agents) agents += (agents.empty() ? "" : ", ") + a;
    int need = 0;
    for (const auto& a : g.required) need = std::max(need, a.count);
    md += "| `" + Short(g.commit) + "` | " + Cell(g.subject) + " | " + std::to_string(g.ai_lines) + " | " +
          Cell(agents) + " | " + std::string(RiskLevelName(g.risk)) + " | " +
          (g.validation.empty() ? "—" : g.validation) + " | " + std::to_string(g.approvals) + "/" +
          std::to_string(need) + " | " + (g.passed() ? "✅" : "❌") + " |\n";
  }
  if (!r.passed()) {
    md += "\n#### What to do\n\n";
    for (const GateCommit& g : r.commits) {
      for (const GateFailure& f : g.failures) {
        md += "- `" + Short(g.commit) + "` **" + f.reason + "**: " + Cell(f.message) + "  \n  resolve: `" +
              Cell(f.resolve) + "`\n";
      }
    }
  }
  return md;
}

json GateSarif(const GateReport& r) {
  struct RuleText {
    const char* id;
    const char* text;
  };
  static constexpr RuleText kRules[] = {
      {"attribution", "Commit has no attribution record"},
      {"provenance", "AI-written lines without a signed generation checkpoint"},
      {"validation", "AI-written lines were never checked"},
      {"stale-validation", "Validation predates the policy in force"},
      {"blocking-finding", "Blocking finding without an override"},
      {"approvals", "Approvals required by the policy are missing"},
      {"rejected", "A reviewer rejected the change"},
      {"signature", "Evidence that does not verify with a trusted key"},
  };
  json rules = json::array();
  for (const RuleText& t : kRules) {
    rules.push_back({{"id", std::string("custody/gate/") + t.id},
                     {"name", t.id},
                     {"shortDescription", {{"text", t.text}}},
                     {"properties", {{"tags", {"custody", "ai-governance"}}}}});
  }
  json results = json::array();
  for (const GateCommit& g : r.commits) {
    for (const GateFailure& f : g.failures) {
      // Code scanning needs a file location: the failure's own, else the
      // policy that asks for it.
      std::string path = f.path.empty() ? ".custody/policy.toml" : f.path;
      int line = f.line > 0 ? f.line : 1;
      json result = {{"ruleId", "custody/gate/" + f.reason},
                     {"level", f.reason == "approvals" ? "warning" : "error"},
                     {"message", {{"text", Short(g.commit) + ": " + f.message + " — resolve: " + f.resolve}}},
                     {"locations",
                      json::array({{{"physicalLocation",
                                     {{"artifactLocation", {{"uri", path}}}, {"region", {{"startLine", line}}}}}}})},
                     {"partialFingerprints",
                      {{"custodyGate/v1", Sha256Hex(g.commit + "\n" + f.reason + "\n" + f.message).substr(0, 32)}}},
                     {"properties", {{"commit", g.commit}, {"resolve", f.resolve}}}};
      results.push_back(std::move(result));
    }
  }
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", json::array({{{"tool",
                                  {{"driver",
                                    {{"name", "custody"},
                                     {"informationUri", "https://custody.dev"},
                                     {"semanticVersion", std::string(kVersion)},
                                     {"rules", rules}}}}},
                                 {"results", results},
                                 {"properties", {{"range", r.range}, {"passed", r.passed()}}}}})}};
}

// ---- attach -------------------------------------------------------------------

Result<int> AttachCommitEvidence(Project& project, const std::string& commit, const Attribution& attribution) {
  Repo& repo = project.repo();
  auto opened = project.GetStore();
  if (!opened.ok()) {
    // No ledger here (a CI clone): nothing local to attach.
    if (opened.status().code() == Code::kNotFound) return 0;
    return opened.status();
  }
  Store* store = *opened;
  std::vector<std::string> lines;
  for (const auto& [id, cp] : attribution.checkpoints) {
    if (id.size() != 64) continue;
    auto e = store->FindEntry(id);
    if (e.ok() && e->kind == "generation") lines.push_back(e->envelope);
  }
  CUSTODY_ASSIGN_OR_RETURN(CommitInfo info, repo.GetCommit(commit));
  EntryQuery q;
  q.kind = "validation";
  // A staged check runs just before its commit; a day is generous.
  q.since = project.env().NowUnixNanos() - int64_t{86400} * 1000000000;
  CUSTODY_ASSIGN_OR_RETURN(std::vector<StoredEntry> entries, store->Query(q));
  std::string parent = info.parents.empty() ? "" : info.parents.front();
  std::set<std::string> fingerprints;
  for (const StoredEntry& e : entries) {
    auto env = ParseEnvelope(e.envelope);
    if (!env.ok()) continue;
    auto st = ParseStatement(env->payload);
    if (!st.ok()) continue;
    auto v = ParseValidationStatement(*st);
    if (!v.ok() || v->target != "staged" || v->tree != info.tree || v->parent != parent) continue;
    lines.push_back(e.envelope);
    for (const PolicyFinding& f : v->findings) fingerprints.insert(f.fingerprint);
  }
  // Overrides recorded before the commit existed travel with it too.
  if (!fingerprints.empty()) {
    EntryQuery oq;
    oq.kind = "override";
    CUSTODY_ASSIGN_OR_RETURN(std::vector<StoredEntry> overrides, store->Query(oq));
    for (const StoredEntry& e : overrides) {
      auto env = ParseEnvelope(e.envelope);
      if (!env.ok()) continue;
      auto st = ParseStatement(env->payload);
      if (!st.ok()) continue;
      auto o = ParseOverrideStatement(*st);
      if (o.ok() && fingerprints.count(o->fingerprint)) lines.push_back(e.envelope);
    }
  }
  if (lines.empty()) return 0;
  CUSTODY_ASSIGN_OR_RETURN(GitIdentity who, repo.DefaultIdentity());
  CUSTODY_RETURN_IF_ERROR(repo.AppendNoteLines(kNotesRef, commit, lines, who));
  return static_cast<int>(lines.size());
}

}  // namespace custody
