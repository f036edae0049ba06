// The policy event: the signed record that a policy version was adopted.
#include <algorithm>

#include "custody/dsse.h"
#include "custody/policy.h"
#include "custody/project.h"
#include "custody/time.h"

namespace custody {
namespace {

bool IsHex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

Statement MakePolicyStatement(const PolicyEvent& e) {
  Statement st;
  st.predicate_type = std::string(kPolicyPredicateType);
  ResourceDescriptor rd;
  rd.name = e.path;
  rd.digest["sha256"] = e.sha256;
  st.subject.push_back(std::move(rd));
  nlohmann::json p = nlohmann::json::object();
  p["action"] = e.previous_sha256.empty() ? "adopt" : "change";
  p["policy"] = {{"path", e.path}, {"digest", {{"sha256", e.sha256}}}, {"content", e.content}};
  if (!e.previous_sha256.empty()) {
    p["previous"] = {{"digest", {{"sha256", e.previous_sha256}}}};
    if (!e.previous_entry.empty()) {
      p["previous"]["entry"] = e.previous_entry;
      p["refersTo"] = nlohmann::json::array({e.previous_entry});
    }
  }
  if (!e.project_name.empty()) p["project"] = e.project_name;
  p["frameworks"] = e.frameworks;
  if (!e.adopted_by.empty()) p["adoptedBy"] = e.adopted_by;
  p["timestamp"] = FormatRfc3339(e.timestamp_unix_nanos);
  p["recorder"] = {{"name", "custody"}, {"version", e.recorder_version}};
  st.predicate = std::move(p);
  return st;
}

Result<PolicyEvent> ParsePolicyStatement(const Statement& st) {
  auto bad = [](const std::string& field, const std::string& problem) {
    return Status::InvalidArgument("policy statement", field + ": " + problem);
  };
  if (st.predicate_type.rfind("https://custody.dev/attestation/policy/", 0) != 0) {
    return bad("predicateType", "\"" + st.predicate_type + "\" is not a policy predicate");
  }
  const nlohmann::json& p = st.predicate;
  if (!p.is_object()) return bad("predicate", "missing");
  auto str = [](const nlohmann::json& o, const char* k) -> const std::string* {
    if (!o.is_object()) return nullptr;
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
  };
  auto pol = p.find("policy");
  if (pol == p.end() || !pol->is_object()) return bad("predicate.policy", "must be an object");
  PolicyEvent e;
  if (const std::string* s = str(*pol, "path")) e.path = *s;
  auto digest = pol->find("digest");
  const std::string* sha = digest != pol->end() ? str(*digest, "sha256") : nullptr;
  if (sha == nullptr || !IsHex64(*sha)) {
    return bad("predicate.policy.digest.sha256", "must be 64 lowercase hex digits");
  }
  e.sha256 = *sha;
  if (const std::string* s = str(*pol, "content")) e.content = *s;
  if (auto prev = p.find("previous"); prev != p.end()) {
    auto pd = prev->is_object() ? prev->find("digest") : prev->end();
    const std::string* ps = prev->is_object() && pd != prev->end() ? str(*pd, "sha256") : nullptr;
    if (ps == nullptr || !IsHex64(*ps)) {
      return bad("predicate.previous.digest.sha256", "must be 64 lowercase hex digits");
    }
    e.previous_sha256 = *ps;
    if (const std::string* s = str(*prev, "entry")) e.previous_entry = *s;
  }
  if (const std::string* s = str(p, "project")) e.project_name = *s;
  if (auto f = p.find("frameworks"); f != p.end() && f->is_array()) {
    for (const auto& v : *f) {
      if (v.is_string()) e.frameworks.push_back(v.get<std::string>());
    }
  }
  if (const std::string* s = str(p, "adoptedBy")) e.adopted_by = *s;
  if (const std::string* s = str(p, "timestamp")) {
    auto t = ParseRfc3339(*s);
    if (t.ok()) e.timestamp_unix_nanos = *t;
  }
  if (auto r = p.find("recorder"); r != p.end()) {
    if (const std::string* s = str(*r, "version")) e.recorder_version = *s;
  }
  return e;
}

Result<std::optional<AdoptedPolicy>> LastAdoptedPolicy(Project& project) {
  CUSTODY_ASSIGN_OR_RETURN(Store * store, project.GetStore());
  EntryQuery q;
  q.kind = "policy";
  CUSTODY_ASSIGN_OR_RETURN(std::vector<StoredEntry> entries, store->Query(q));
  // The newest entry that decodes; a damaged one is verify's to report.
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    auto env = ParseEnvelope(it->envelope);
    if (!env.ok()) continue;
    auto st = ParseStatement(env->payload);
    if (!st.ok()) continue;
    auto ev = ParsePolicyStatement(*st);
    if (!ev.ok()) continue;
    return std::optional<AdoptedPolicy>(AdoptedPolicy{*it, std::move(ev).value()});
  }
  return std::optional<AdoptedPolicy>();
}

Result<PolicyAdoption> AdoptPolicy(Project& project) {
  const std::string& path = project.paths().policy_path;
  CUSTODY_ASSIGN_OR_RETURN(std::string text, project.env().ReadFile(path));
  CUSTODY_ASSIGN_OR_RETURN(Policy policy, ParsePolicy(text, path));
  CUSTODY_ASSIGN_OR_RETURN(auto last, LastAdoptedPolicy(project));
  PolicyAdoption out;
  out.sha256 = policy.sha256;
  if (last && last->event.sha256 == policy.sha256) {
    out.entry = {last->entry.index, last->entry.id};
    out.previous_sha256 = last->event.previous_sha256;
    return out;
  }
  CUSTODY_ASSIGN_OR_RETURN(Keyring keyring, project.LoadKeyring());
  CUSTODY_ASSIGN_OR_RETURN(SigningIdentity id, project.LoadSigningIdentity(keyring));
  PolicyEvent e;
  e.sha256 = policy.sha256;
  e.content = text;
  if (last) {
    e.previous_sha256 = last->event.sha256;
    e.previous_entry = last->entry.id;
  }
  e.project_name = policy.project_name;
  e.frameworks = policy.frameworks;
  e.adopted_by = id.trusted.name;
  e.timestamp_unix_nanos = project.env().NowUnixNanos();
  e.recorder_version = std::string(kVersion);
  CUSTODY_ASSIGN_OR_RETURN(auto appended, project.Record({MakePolicyStatement(e)}));
  out.recorded = true;
  out.entry = appended.at(0);
  out.previous_sha256 = e.previous_sha256;
  return out;
}

}  // namespace custody
