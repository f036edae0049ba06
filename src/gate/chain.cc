// The chain of custody of one commit (include/custody/gate.h, docs/gate.md).
#include <set>

#include "custody/gate.h"
#include "custody/project.h"
#include "custody/time.h"

namespace custody {
namespace {

using json = nlohmann::json;

std::string Str(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

json Nested(const json& o, const char* a, const char* b) {
  auto it = o.find(a);
  if (it == o.end() || !it->is_object()) return nullptr;
  auto jt = it->find(b);
  return jt == it->end() ? json(nullptr) : *jt;
}

json CheckOf(const ValidationRecord& v, const std::vector<std::string>& names) {
  json out = json::array();
  for (const CheckRun& c : v.checks) {
    for (const std::string& n : names) {
      if (c.name != n) continue;
      json j = {{"check", c.name}, {"tool", c.tool}, {"status", c.status}, {"findings", c.findings}};
      if (!c.ruleset_digest.empty()) j["rule_set"] = {{"sha256", c.ruleset_digest}, {"rules", c.rules}};
      if (!c.detail.empty()) j["detail"] = c.detail;
      out.push_back(std::move(j));
    }
  }
  return out;
}

}  // namespace

Result<json> BuildCommitChain(const ChainInput& in) {
  const GateInput& gi = in.gate;
  Repo& repo = *gi.repo;
  const Policy& policy = *gi.policy;
  EvidenceReader reader(repo, *gi.keyring, gi.store);
  CUSTODY_ASSIGN_OR_RETURN(CommitInfo info, repo.GetCommit(in.commit));
  CUSTODY_ASSIGN_OR_RETURN(CommitEvidence ev, reader.ForCommit(in.commit));
  std::vector<EvidenceProblem> problems = ev.problems;
  std::optional<Attribution> attribution = AttributionOf(ev, &problems);

  json chain = json::object();
  chain["commit"] = {{"id", info.id},
                     {"subject", info.message.substr(0, info.message.find('\n'))},
                     {"author", info.author.name + " <" + info.author.email + ">"},
                     {"authored", FormatRfc3339(info.author_time * 1000000000)},
                     {"parents", info.parents}};

  // ---- generated
  RiskLevel commit_risk = RiskLevel::kLow;
  json attribution_json = nullptr;
  json generated = json::array();
  if (attribution) {
    LineCounts t = attribution->Totals();
    attribution_json = {{"method", attribution->method},
                        {"lines", {{"ai", t.ai}, {"ai_edited", t.ai_edited}, {"ai_unverified", t.ai_unverified},
                                   {"human", t.human}}},
                        {"unverified_agent", attribution->unverified ? json(attribution->unverified->name) : json()}};
    std::map<std::string, std::set<std::string>> files_of;  // checkpoint -> paths
    for (const FileAttribution& f : attribution->files) {
      CUSTODY_ASSIGN_OR_RETURN(PathPolicy pp, ExplainPath(policy, f.path));
      if (static_cast<int>(pp.risk) > static_cast<int>(commit_risk)) commit_risk = pp.risk;
      for (const AttributedRange& r : f.ranges) {
        if (!r.checkpoint.empty()) files_of[r.checkpoint].insert(f.path);
      }
    }
    for (const auto& [id, cp] : attribution->checkpoints) {
      RiskLevel risk = RiskLevel::kLow;
      json paths = json::array();
      for (const std::string& p : files_of[id]) {
        CUSTODY_ASSIGN_OR_RETURN(PathPolicy pp, ExplainPath(policy, p));
        if (static_cast<int>(pp.risk) > static_cast<int>(risk)) risk = pp.risk;
        paths.push_back(p);
      }
      json g = {{"checkpoint", id},
                {"agent", cp.agent},
                {"model", cp.model},
                {"lines", cp.counts.ai + cp.counts.ai_edited},
                {"files", paths}};
      json context = {{"project", policy.project_name},
                      {"environment", nullptr},
                      {"risk_level", std::string(RiskLevelName(risk))}};
      std::optional<EvidenceItem> gen;
      if (id.size() == 64) {
        CUSTODY_ASSIGN_OR_RETURN(gen, reader.Checkpoint(ev, id));
      }
      if (gen) {
        const json& p = gen->statement.predicate;
        g["timestamp"] = Str(p, "timestamp");
        g["agent_version"] = Nested(p, "agent", "version");
        g["model_version"] = Nested(p, "model", "version");
        g["session"] = Nested(p, "session", "id");
        g["signed_by"] = gen->signers.empty() ? json() : json(gen->signers.front().name);
        json prompt = nullptr;
        if (auto pr = p.find("prompt"); pr != p.end() && pr->is_object()) {
          prompt = {{"storage", Str(*pr, "storage")}, {"digest", Nested(*pr, "digest", "sha256")},
                    {"ref", Str(*pr, "ref")}, {"text", nullptr}};
          if (in.prompt_text) {
            if (auto text = in.prompt_text(Str(*pr, "ref"))) prompt["text"] = *text;
          }
        }
        g["prompt"] = prompt;
        g["constraints_applied"] = p.value("constraints", json::array());
        g["constraint_files"] = p.value("constraintFiles", json::array());
        // Where the generation ran: how it was captured and under which
        // agent permissions (custody does not see more of the machine).
        std::string method = Str(p, "method");
        context["environment"] = {{"kind", method == "hook" ? "agent-session" : "manual-record"},
                                  {"hook_event", Nested(p, "hook", "event")},
                                  {"tool", Nested(p, "hook", "tool")},
                                  {"permission_mode", p.contains("permissionMode") ? p["permissionMode"] : json()}};
        g["refused"] = p.value("refused", json::array());
        g["constraint_violations"] = p.value("constraintViolations", json::array());
      } else {
        g["timestamp"] = nullptr;
        g["model_version"] = nullptr;
        g["prompt"] = nullptr;
        g["constraints_applied"] = nullptr;
        g["missing"] = "the checkpoint is neither in the note nor in the ledger";
      }
      g["developer_context"] = std::move(context);
      generated.push_back(std::move(g));
    }
  }
  chain["attribution"] = attribution_json;
  chain["generated"] = std::move(generated);
  chain["risk_level"] = std::string(RiskLevelName(commit_risk));

  // ---- validated
  auto validations = ValidationsOf(ev, &problems);
  const ValidationRecord* stale = nullptr;
  const ValidationRecord* v = CurrentValidation(validations, info, policy.sha256, &stale);
  const ValidationRecord* shown = v != nullptr ? v : stale;
  auto overrides = OverridesOf(ev, &problems);
  if (shown != nullptr) {
    json by_severity = json::object();
    int64_t secrets = 0, approved = 0;
    json findings = json::array();
    for (const PolicyFinding& f : shown->findings) {
      json o = nullptr;
      for (const auto& [item, ov] : overrides) {
        if (ov.fingerprint == f.fingerprint && OverrideCounts(*item, ov, policy.override_roles, gi.now_unix_nanos)) {
          o = {{"by", item->signers.empty() ? ov.by : item->signers.front().name},
               {"justification", ov.justification},
               {"expires", ov.expires_unix_nanos ? json(FormatRfc3339(ov.expires_unix_nanos)) : json()}};
        }
      }
      if (f.category == CheckCategory::kSecrets) {
        ++secrets;
        by_severity[f.severity] = by_severity.value(f.severity, 0) + 1;
        if (!o.is_null()) ++approved;
      }
      findings.push_back({{"fingerprint", f.fingerprint}, {"check", f.check}, {"rule", f.rule},
                          {"category", std::string(CheckCategoryName(f.category))}, {"severity", f.severity},
                          {"path", f.path}, {"line", f.line}, {"message", f.message}, {"evidence", f.evidence},
                          {"verdict", std::string(CheckActionName(f.action))}, {"override", o}});
    }
    chain["validated"] = {
        {"validation_timestamp", FormatRfc3339(shown->timestamp_unix_nanos)},
        {"validator_version", "custody " + shown->validator_version},
        {"validated_by", shown->validated_by},
        {"verdict", shown->verdict},
        {"scope", shown->scope},
        {"policy", {{"sha256", shown->policy_sha256}, {"current", v != nullptr}}},
        {"static_analysis", CheckOf(*shown, {"static-analysis"})},
        {"security_scan",
         {{"checks", CheckOf(*shown, {"secrets-scan"})},
          {"findings", secrets},
          {"by_severity", by_severity},
          {"reviewed_and_approved", approved}}},
        {"dependency_audit", CheckOf(*shown, {"dependencies", "vulnerabilities"})},
        {"compliance_checks", CheckOf(*shown, {"constraints", "licenses", "snippets", "provenance"})},
        {"findings", std::move(findings)}};
  } else {
    chain["validated"] = nullptr;
  }

  // ---- reviewed
  json reviewed = json::array();
  for (const auto& [item, r] : ReviewsOf(ev, &problems)) {
    if (r.commit != in.commit) continue;
    reviewed.push_back({{"reviewer", item->signers.empty() ? r.reviewer : item->signers.front().name},
                        {"role", item->signers.empty() ? r.role : std::string(RoleName(item->signers.front().role))},
                        {"review_timestamp", FormatRfc3339(r.timestamp_unix_nanos)},
                        {"review_notes", r.notes},
                        {"approval_status", r.decision == "approve" ? "approved" : "rejected"}});
  }
  chain["reviewed"] = std::move(reviewed);

  // ---- deployed: each deployment whose commit includes this one, the first
  // per environment (a later one re-deploys what that one shipped).
  std::vector<std::pair<const EvidenceItem*, DeploymentRecord>> deployments;
  std::vector<CommitEvidence> sources;
  CUSTODY_ASSIGN_OR_RETURN(CommitEvidence ledger_deps, reader.LedgerItems("deployment"));
  sources.push_back(std::move(ledger_deps));
  CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> noted, repo.ListNotedCommits(kNotesRef));
  CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> remote_noted, repo.ListNotedCommits(kRemoteNotesRef));
  noted.insert(noted.end(), remote_noted.begin(), remote_noted.end());
  std::set<std::string> seen_commits;
  if (gi.store == nullptr) {
    for (const std::string& c : noted) {
      if (!seen_commits.insert(c).second) continue;
      CUSTODY_ASSIGN_OR_RETURN(CommitEvidence e, reader.ForCommit(c));
      sources.push_back(std::move(e));
    }
  }
  std::map<std::string, std::pair<int64_t, json>> first_by_env;
  std::set<std::string> ids;
  for (const CommitEvidence& src : sources) {
    for (const auto& [item, d] : DeploymentsOf(src, nullptr)) {
      if (!ids.insert(item->id).second) continue;
      auto included = repo.IsAncestor(in.commit, d.commit);
      if (!included.ok() || !*included) continue;
      json j = {{"commit_hash", d.commit},
                {"branch", d.branch},
                {"deployment_timestamp", FormatRfc3339(d.timestamp_unix_nanos)},
                {"deployment_environment", d.environment},
                {"deployer", item->signers.empty() ? d.deployer : item->signers.front().name},
                {"artifact", d.artifact_sha256.empty() ? json() : json("sha256:" + d.artifact_sha256)},
                {"gate_passed", d.gate_passed},
                {"forced", d.forced},
                {"justification", d.forced ? json(d.justification) : json()}};
      auto& slot = first_by_env[d.environment];
      if (slot.second.is_null() || d.timestamp_unix_nanos < slot.first) slot = {d.timestamp_unix_nanos, j};
    }
  }
  json deployed = json::array();
  for (auto& [env, tj] : first_by_env) deployed.push_back(tj.second);
  chain["deployed"] = std::move(deployed);

  // ---- the gate on this commit alone
  CUSTODY_ASSIGN_OR_RETURN(GateReport gate, RunGateOnCommits(gi, in.commit, {in.commit}));
  json gj = GateJson(gate);
  chain["gate"] = {{"passed", gate.passed()}, {"failures", gj["commits"][0]["failures"]},
                   {"agent_authored", gj["commits"][0]["agentAuthored"]}};
  json pj = json::array();
  for (const EvidenceProblem& p : problems) pj.push_back(p.where + ": " + p.message);
  chain["problems"] = std::move(pj);
  return chain;
}

}  // namespace custody
