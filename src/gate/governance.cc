// The validation, override, review and deployment predicates
// (include/custody/governance.h, docs/formats.md §9–12).
#include "custody/governance.h"

#include "custody/time.h"

namespace custody {
namespace {

using json = nlohmann::json;

bool IsHex(const std::string& s, size_t n) {
  return s.size() == n && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}
bool IsCommitId(const std::string& s) { return IsHex(s, 40) || IsHex(s, 64); }

ResourceDescriptor CommitSubject(const std::string& commit) {
  ResourceDescriptor rd;
  rd.name = "commit";
  rd.digest["gitCommit"] = commit;
  return rd;
}

json Recorder(const std::string& version) { return {{"name", "custody"}, {"version", version}}; }

// Reads predicate fields with one error style: "KIND statement: FIELD: problem".
class Reader {
 public:
  Reader(std::string kind, const json& p) : kind_(std::move(kind)), p_(p) {}
  Status Bad(const std::string& field, const std::string& problem) const {
    return Status::InvalidArgument(kind_ + " statement", "predicate." + field + ": " + problem);
  }
  // Optional string: "" when absent; error when present but not a string.
  Result<std::string> Str(const json& o, const char* key, const std::string& field) const {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return std::string();
    if (!it->is_string()) return Bad(field, "must be a string");
    return it->get<std::string>();
  }
  Result<std::string> Str(const char* key) const { return Str(p_, key, key); }
  Result<std::string> Required(const char* key) const {
    CUSTODY_ASSIGN_OR_RETURN(std::string s, Str(key));
    if (s.empty()) return Bad(key, "is required");
    return s;
  }
  Result<int64_t> Int(const json& o, const char* key, const std::string& field) const {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return int64_t{0};
    if (!it->is_number_integer()) return Bad(field, "must be an integer");
    return it->get<int64_t>();
  }
  Result<int64_t> Int(const char* key) const { return Int(p_, key, key); }
  Result<bool> Bool(const char* key) const {
    auto it = p_.find(key);
    if (it == p_.end() || it->is_null()) return false;
    if (!it->is_boolean()) return Bad(key, "must be true or false");
    return it->get<bool>();
  }
  Result<int64_t> Time(const char* key, bool required) const {
    CUSTODY_ASSIGN_OR_RETURN(std::string s, Str(key));
    if (s.empty()) {
      if (required) return Bad(key, "is required");
      return int64_t{0};
    }
    auto t = ParseRfc3339(s);
    if (!t.ok()) return Bad(key, "\"" + s + "\" is not an RFC 3339 time");
    return *t;
  }
  Result<std::string> CommitField(const char* key, bool required) const {
    CUSTODY_ASSIGN_OR_RETURN(std::string s, Str(key));
    if (s.empty() && !required) return s;
    if (!IsCommitId(s)) return Bad(key, "must be a full lowercase hex commit id");
    return s;
  }
  Result<std::vector<std::string>> Strings(const char* key) const {
    std::vector<std::string> out;
    auto it = p_.find(key);
    if (it == p_.end() || it->is_null()) return out;
    if (!it->is_array()) return Bad(key, "must be an array of strings");
    for (const auto& v : *it) {
      if (!v.is_string()) return Bad(key, "must be an array of strings");
      out.push_back(v.get<std::string>());
    }
    return out;
  }
  std::string RecorderVersion() const {
    auto it = p_.find("recorder");
    if (it != p_.end() && it->is_object()) {
      auto v = it->find("version");
      if (v != it->end() && v->is_string()) return v->get<std::string>();
    }
    return "";
  }
  const json& p() const { return p_; }

 private:
  std::string kind_;
  const json& p_;
};

Status CheckType(const Statement& st, std::string_view want, const char* kind) {
  std::string prefix(want.substr(0, want.rfind('/') + 1));
  if (st.predicate_type.rfind(prefix, 0) != 0) {
    return Status::InvalidArgument(std::string(kind) + " statement",
                                   "predicateType \"" + st.predicate_type + "\" is not a " + kind + " predicate");
  }
  if (!st.predicate.is_object()) {
    return Status::InvalidArgument(std::string(kind) + " statement", "predicate: must be an object");
  }
  return Status::OK();
}

}  // namespace

json PolicyFindingJson(const PolicyFinding& f) {
  return {{"fingerprint", f.fingerprint},
          {"check", f.check},
          {"rule", f.rule},
          {"category", std::string(CheckCategoryName(f.category))},
          {"severity", f.severity},
          {"path", f.path},
          {"line", f.line},
          {"message", f.message},
          {"evidence", f.evidence},
          {"action", std::string(CheckActionName(f.action))},
          {"risk", std::string(RiskLevelName(f.risk))},
          {"ai", f.ai}};
}

std::string VerdictOf(const std::vector<PolicyFinding>& findings) {
  bool review = false;
  for (const auto& f : findings) {
    if (f.action == CheckAction::kBlock) return "block";
    review = review || f.action == CheckAction::kReview;
  }
  return review ? "review" : "pass";
}

// ---- validation -------------------------------------------------------------

Statement MakeValidationStatement(const ValidationRecord& r) {
  Statement st;
  st.predicate_type = std::string(kValidationPredicateType);
  if (r.target == "staged") {
    ResourceDescriptor rd;
    rd.name = "staged";
    rd.digest["gitTree"] = r.tree;
    st.subject.push_back(std::move(rd));
  } else {
    st.subject.push_back(CommitSubject(r.commit));
  }
  json checks = json::array();
  for (const CheckRun& c : r.checks) {
    json j = {{"name", c.name}, {"tool", c.tool}, {"version", c.version}, {"status", c.status},
              {"findings", c.findings}};
    if (!c.ruleset_digest.empty()) j["ruleSet"] = {{"digest", {{"sha256", c.ruleset_digest}}}, {"rules", c.rules}};
    if (!c.detail.empty()) j["detail"] = c.detail;
    checks.push_back(std::move(j));
  }
  json findings = json::array();
  json by_severity = json::object(), by_action = json::object();
  for (const PolicyFinding& f : r.findings) {
    findings.push_back(PolicyFindingJson(f));
    by_severity[f.severity] = by_severity.value(f.severity, 0) + 1;
    std::string a(CheckActionName(f.action));
    by_action[a] = by_action.value(a, 0) + 1;
  }
  json p = {{"target", {{"kind", r.target}, {"tree", r.tree}}},
            {"scope", r.scope},
            {"checks", std::move(checks)},
            {"findings", std::move(findings)},
            {"counts", {{"bySeverity", by_severity}, {"byAction", by_action}}},
            {"verdict", r.verdict},
            {"policy", {{"path", r.policy_path}, {"digest", {{"sha256", r.policy_sha256}}}}},
            {"lines", {{"ai", r.ai_lines}, {"human", r.human_lines}, {"checked", r.checked_lines}}},
            {"timestamp", FormatRfc3339(r.timestamp_unix_nanos)},
            {"validator", Recorder(r.validator_version)}};
  if (r.target != "staged") p["target"]["commit"] = r.commit;
  if (!r.parent.empty()) p["target"]["parent"] = r.parent;
  if (!r.validated_by.empty()) p["validatedBy"] = r.validated_by;
  st.predicate = std::move(p);
  return st;
}

Result<ValidationRecord> ParseValidationStatement(const Statement& st) {
  CUSTODY_RETURN_IF_ERROR(CheckType(st, kValidationPredicateType, "validation"));
  Reader rd("validation", st.predicate);
  const json& p = st.predicate;
  ValidationRecord r;
  auto target = p.find("target");
  if (target == p.end() || !target->is_object()) return rd.Bad("target", "must be an object");
  CUSTODY_ASSIGN_OR_RETURN(r.target, rd.Str(*target, "kind", "target.kind"));
  if (r.target != "commit" && r.target != "staged") {
    return rd.Bad("target.kind", "\"" + r.target + "\" (allowed: commit, staged)");
  }
  CUSTODY_ASSIGN_OR_RETURN(r.commit, rd.Str(*target, "commit", "target.commit"));
  CUSTODY_ASSIGN_OR_RETURN(r.tree, rd.Str(*target, "tree", "target.tree"));
  CUSTODY_ASSIGN_OR_RETURN(r.parent, rd.Str(*target, "parent", "target.parent"));
  if (r.target == "commit" && !IsCommitId(r.commit)) {
    return rd.Bad("target.commit", "must be a full lowercase hex commit id");
  }
  if (!IsCommitId(r.tree)) return rd.Bad("target.tree", "must be a full lowercase hex tree id");
  CUSTODY_ASSIGN_OR_RETURN(r.scope, rd.Str("scope"));
  CUSTODY_ASSIGN_OR_RETURN(r.verdict, rd.Str("verdict"));
  if (r.verdict != "pass" && r.verdict != "review" && r.verdict != "block") {
    return rd.Bad("verdict", "\"" + r.verdict + "\" (allowed: pass, review, block)");
  }
  auto checks = p.find("checks");
  if (checks != p.end() && checks->is_array()) {
    for (size_t i = 0; i < checks->size(); ++i) {
      const json& c = (*checks)[i];
      if (!c.is_object()) return rd.Bad("checks[" + std::to_string(i) + "]", "must be an object");
      CheckRun run;
      std::string f = "checks[" + std::to_string(i) + "].";
      CUSTODY_ASSIGN_OR_RETURN(run.name, rd.Str(c, "name", f + "name"));
      CUSTODY_ASSIGN_OR_RETURN(run.tool, rd.Str(c, "tool", f + "tool"));
      CUSTODY_ASSIGN_OR_RETURN(run.version, rd.Str(c, "version", f + "version"));
      CUSTODY_ASSIGN_OR_RETURN(run.status, rd.Str(c, "status", f + "status"));
      CUSTODY_ASSIGN_OR_RETURN(run.detail, rd.Str(c, "detail", f + "detail"));
      CUSTODY_ASSIGN_OR_RETURN(run.findings, rd.Int(c, "findings", f + "findings"));
      if (auto rs = c.find("ruleSet"); rs != c.end() && rs->is_object()) {
        CUSTODY_ASSIGN_OR_RETURN(run.rules, rd.Int(*rs, "rules", f + "ruleSet.rules"));
        if (auto dg = rs->find("digest"); dg != rs->end() && dg->is_object()) {
          CUSTODY_ASSIGN_OR_RETURN(run.ruleset_digest, rd.Str(*dg, "sha256", f + "ruleSet.digest.sha256"));
        }
      }
      r.checks.push_back(std::move(run));
    }
  }
  auto findings = p.find("findings");
  if (findings != p.end()) {
    if (!findings->is_array()) return rd.Bad("findings", "must be an array");
    for (size_t i = 0; i < findings->size(); ++i) {
      const json& j = (*findings)[i];
      std::string f = "findings[" + std::to_string(i) + "].";
      if (!j.is_object()) return rd.Bad("findings[" + std::to_string(i) + "]", "must be an object");
      PolicyFinding pf;
      CUSTODY_ASSIGN_OR_RETURN(pf.fingerprint, rd.Str(j, "fingerprint", f + "fingerprint"));
      if (!IsHex(pf.fingerprint, 64)) return rd.Bad(f + "fingerprint", "must be 64 lowercase hex digits");
      CUSTODY_ASSIGN_OR_RETURN(pf.check, rd.Str(j, "check", f + "check"));
      CUSTODY_ASSIGN_OR_RETURN(pf.rule, rd.Str(j, "rule", f + "rule"));
      CUSTODY_ASSIGN_OR_RETURN(std::string cat, rd.Str(j, "category", f + "category"));
      auto c = ParseCheckCategory(cat);
      if (!c) return rd.Bad(f + "category", "\"" + cat + "\" is not a check category");
      pf.category = *c;
      CUSTODY_ASSIGN_OR_RETURN(pf.severity, rd.Str(j, "severity", f + "severity"));
      CUSTODY_ASSIGN_OR_RETURN(pf.path, rd.Str(j, "path", f + "path"));
      CUSTODY_ASSIGN_OR_RETURN(int64_t line, rd.Int(j, "line", f + "line"));
      pf.line = static_cast<int>(line);
      CUSTODY_ASSIGN_OR_RETURN(pf.message, rd.Str(j, "message", f + "message"));
      CUSTODY_ASSIGN_OR_RETURN(pf.evidence, rd.Str(j, "evidence", f + "evidence"));
      CUSTODY_ASSIGN_OR_RETURN(std::string act, rd.Str(j, "action", f + "action"));
      auto a = ParseCheckAction(act);
      if (!a) return rd.Bad(f + "action", "\"" + act + "\" (allowed: report, review, block)");
      pf.action = *a;
      CUSTODY_ASSIGN_OR_RETURN(std::string risk, rd.Str(j, "risk", f + "risk"));
      if (auto lvl = ParseRiskLevel(risk)) pf.risk = *lvl;
      auto ai = j.find("ai");
      pf.ai = ai == j.end() || !ai->is_boolean() || ai->get<bool>();
      r.findings.push_back(std::move(pf));
    }
  }
  if (auto pol = p.find("policy"); pol != p.end() && pol->is_object()) {
    CUSTODY_ASSIGN_OR_RETURN(r.policy_path, rd.Str(*pol, "path", "policy.path"));
    if (auto dg = pol->find("digest"); dg != pol->end() && dg->is_object()) {
      CUSTODY_ASSIGN_OR_RETURN(r.policy_sha256, rd.Str(*dg, "sha256", "policy.digest.sha256"));
    }
  }
  if (auto lines = p.find("lines"); lines != p.end() && lines->is_object()) {
    CUSTODY_ASSIGN_OR_RETURN(r.ai_lines, rd.Int(*lines, "ai", "lines.ai"));
    CUSTODY_ASSIGN_OR_RETURN(r.human_lines, rd.Int(*lines, "human", "lines.human"));
    CUSTODY_ASSIGN_OR_RETURN(r.checked_lines, rd.Int(*lines, "checked", "lines.checked"));
  }
  CUSTODY_ASSIGN_OR_RETURN(r.timestamp_unix_nanos, rd.Time("timestamp", true));
  if (auto v = p.find("validator"); v != p.end() && v->is_object()) {
    CUSTODY_ASSIGN_OR_RETURN(r.validator_version, rd.Str(*v, "version", "validator.version"));
  }
  CUSTODY_ASSIGN_OR_RETURN(r.validated_by, rd.Str("validatedBy"));
  return r;
}

// ---- override ---------------------------------------------------------------

Statement MakeOverrideStatement(const OverrideRecord& r) {
  Statement st;
  st.predicate_type = std::string(kOverridePredicateType);
  ResourceDescriptor fp;
  fp.name = "finding";
  fp.digest["sha256"] = r.fingerprint;
  st.subject.push_back(std::move(fp));
  for (const std::string& c : r.commits) st.subject.push_back(CommitSubject(c));
  json p = {{"fingerprint", r.fingerprint},
            {"justification", r.justification},
            {"by", r.by},
            {"role", r.role},
            {"commits", r.commits},
            {"timestamp", FormatRfc3339(r.timestamp_unix_nanos)},
            {"recorder", Recorder(r.recorder_version)}};
  if (r.expires_unix_nanos != 0) p["expires"] = FormatRfc3339(r.expires_unix_nanos);
  if (!r.rule.empty()) p["finding"] = {{"rule", r.rule}, {"path", r.path}, {"line", r.line}};
  st.predicate = std::move(p);
  return st;
}

Result<OverrideRecord> ParseOverrideStatement(const Statement& st) {
  CUSTODY_RETURN_IF_ERROR(CheckType(st, kOverridePredicateType, "override"));
  Reader rd("override", st.predicate);
  OverrideRecord r;
  CUSTODY_ASSIGN_OR_RETURN(r.fingerprint, rd.Required("fingerprint"));
  if (!IsHex(r.fingerprint, 64)) return rd.Bad("fingerprint", "must be 64 lowercase hex digits");
  CUSTODY_ASSIGN_OR_RETURN(r.justification, rd.Required("justification"));
  CUSTODY_ASSIGN_OR_RETURN(r.by, rd.Str("by"));
  CUSTODY_ASSIGN_OR_RETURN(r.role, rd.Str("role"));
  CUSTODY_ASSIGN_OR_RETURN(r.commits, rd.Strings("commits"));
  CUSTODY_ASSIGN_OR_RETURN(r.timestamp_unix_nanos, rd.Time("timestamp", true));
  CUSTODY_ASSIGN_OR_RETURN(r.expires_unix_nanos, rd.Time("expires", false));
  if (auto f = rd.p().find("finding"); f != rd.p().end() && f->is_object()) {
    CUSTODY_ASSIGN_OR_RETURN(r.rule, rd.Str(*f, "rule", "finding.rule"));
    CUSTODY_ASSIGN_OR_RETURN(r.path, rd.Str(*f, "path", "finding.path"));
    CUSTODY_ASSIGN_OR_RETURN(int64_t line, rd.Int(*f, "line", "finding.line"));
    r.line = static_cast<int>(line);
  }
  r.recorder_version = rd.RecorderVersion();
  return r;
}

// ---- review -----------------------------------------------------------------

Statement MakeReviewStatement(const ReviewRecord& r) {
  Statement st;
  st.predicate_type = std::string(kReviewPredicateType);
  st.subject.push_back(CommitSubject(r.commit));
  json p = {{"commit", r.commit},
            {"decision", r.decision},
            {"notes", r.notes},
            {"reviewer", r.reviewer},
            {"role", r.role},
            {"context",
             {{"checkpoints", r.checkpoints}, {"aiHunks", r.ai_hunks}, {"findingsShown", r.findings_shown}}},
            {"timestamp", FormatRfc3339(r.timestamp_unix_nanos)},
            {"recorder", Recorder(r.recorder_version)}};
  if (!r.validation_entry.empty()) p["context"]["validation"] = r.validation_entry;
  st.predicate = std::move(p);
  return st;
}

Result<ReviewRecord> ParseReviewStatement(const Statement& st) {
  CUSTODY_RETURN_IF_ERROR(CheckType(st, kReviewPredicateType, "review"));
  Reader rd("review", st.predicate);
  ReviewRecord r;
  CUSTODY_ASSIGN_OR_RETURN(r.commit, rd.CommitField("commit", true));
  CUSTODY_ASSIGN_OR_RETURN(r.decision, rd.Required("decision"));
  if (r.decision != "approve" && r.decision != "reject") {
    return rd.Bad("decision", "\"" + r.decision + "\" (allowed: approve, reject)");
  }
  CUSTODY_ASSIGN_OR_RETURN(r.notes, rd.Str("notes"));
  CUSTODY_ASSIGN_OR_RETURN(r.reviewer, rd.Str("reviewer"));
  CUSTODY_ASSIGN_OR_RETURN(r.role, rd.Str("role"));
  CUSTODY_ASSIGN_OR_RETURN(r.timestamp_unix_nanos, rd.Time("timestamp", true));
  if (auto c = rd.p().find("context"); c != rd.p().end() && c->is_object()) {
    if (auto cp = c->find("checkpoints"); cp != c->end() && cp->is_array()) {
      for (const auto& v : *cp) {
        if (v.is_string()) r.checkpoints.push_back(v.get<std::string>());
      }
    }
    CUSTODY_ASSIGN_OR_RETURN(r.validation_entry, rd.Str(*c, "validation", "context.validation"));
    CUSTODY_ASSIGN_OR_RETURN(r.ai_hunks, rd.Int(*c, "aiHunks", "context.aiHunks"));
    CUSTODY_ASSIGN_OR_RETURN(r.findings_shown, rd.Int(*c, "findingsShown", "context.findingsShown"));
  }
  r.recorder_version = rd.RecorderVersion();
  return r;
}

// ---- deployment -------------------------------------------------------------

Statement MakeDeploymentStatement(const DeploymentRecord& r) {
  Statement st;
  st.predicate_type = std::string(kDeploymentPredicateType);
  st.subject.push_back(CommitSubject(r.commit));
  if (!r.artifact_sha256.empty()) {
    ResourceDescriptor a;
    a.name = "artifact";
    a.digest["sha256"] = r.artifact_sha256;
    st.subject.push_back(std::move(a));
  }
  json p = {{"environment", r.environment},
            {"commit", r.commit},
            {"branch", r.branch},
            {"gate",
             {{"range", r.range},
              {"commits", r.commits_checked},
              {"passed", r.gate_passed},
              {"failures", r.gate_failures}}},
            {"forced", r.forced},
            {"deployer", r.deployer},
            {"role", r.role},
            {"timestamp", FormatRfc3339(r.timestamp_unix_nanos)},
            {"recorder", Recorder(r.recorder_version)}};
  if (!r.artifact_sha256.empty()) p["artifact"] = {{"digest", {{"sha256", r.artifact_sha256}}}};
  if (r.forced) p["justification"] = r.justification;
  if (!r.previous_commit.empty()) {
    p["previous"] = {{"commit", r.previous_commit}};
    if (!r.previous_entry.empty()) {
      p["previous"]["entry"] = r.previous_entry;
      p["refersTo"] = json::array({r.previous_entry});
    }
  }
  st.predicate = std::move(p);
  return st;
}

Result<DeploymentRecord> ParseDeploymentStatement(const Statement& st) {
  CUSTODY_RETURN_IF_ERROR(CheckType(st, kDeploymentPredicateType, "deployment"));
  Reader rd("deployment", st.predicate);
  const json& p = st.predicate;
  DeploymentRecord r;
  CUSTODY_ASSIGN_OR_RETURN(r.environment, rd.Required("environment"));
  CUSTODY_ASSIGN_OR_RETURN(r.commit, rd.CommitField("commit", true));
  CUSTODY_ASSIGN_OR_RETURN(r.branch, rd.Str("branch"));
  CUSTODY_ASSIGN_OR_RETURN(r.forced, rd.Bool("forced"));
  CUSTODY_ASSIGN_OR_RETURN(r.justification, rd.Str("justification"));
  if (r.forced && r.justification.empty()) return rd.Bad("justification", "is required when forced");
  CUSTODY_ASSIGN_OR_RETURN(r.deployer, rd.Str("deployer"));
  CUSTODY_ASSIGN_OR_RETURN(r.role, rd.Str("role"));
  CUSTODY_ASSIGN_OR_RETURN(r.timestamp_unix_nanos, rd.Time("timestamp", true));
  if (auto g = p.find("gate"); g != p.end() && g->is_object()) {
    CUSTODY_ASSIGN_OR_RETURN(r.range, rd.Str(*g, "range", "gate.range"));
    CUSTODY_ASSIGN_OR_RETURN(r.commits_checked, rd.Int(*g, "commits", "gate.commits"));
    CUSTODY_ASSIGN_OR_RETURN(r.gate_failures, rd.Int(*g, "failures", "gate.failures"));
    auto passed = g->find("passed");
    r.gate_passed = passed != g->end() && passed->is_boolean() && passed->get<bool>();
  }
  if (auto a = p.find("artifact"); a != p.end() && a->is_object()) {
    if (auto dg = a->find("digest"); dg != a->end() && dg->is_object()) {
      CUSTODY_ASSIGN_OR_RETURN(r.artifact_sha256, rd.Str(*dg, "sha256", "artifact.digest.sha256"));
    }
  }
  if (auto prev = p.find("previous"); prev != p.end() && prev->is_object()) {
    CUSTODY_ASSIGN_OR_RETURN(r.previous_commit, rd.Str(*prev, "commit", "previous.commit"));
    CUSTODY_ASSIGN_OR_RETURN(r.previous_entry, rd.Str(*prev, "entry", "previous.entry"));
  }
  r.recorder_version = rd.RecorderVersion();
  return r;
}

}  // namespace custody
