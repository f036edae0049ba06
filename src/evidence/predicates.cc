#include "custody/predicates.h"

#include <algorithm>

#include "custody/time.h"

namespace custody {
namespace {

constexpr std::string_view kCustodyPrefix = "https://custody.dev/attestation/";

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool IsHexId(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::string KindOfPredicateType(std::string_view t) {
  if (t.substr(0, kCustodyPrefix.size()) == kCustodyPrefix) {
    std::string_view rest = t.substr(kCustodyPrefix.size());
    size_t slash = rest.find('/');
    std::string_view kind = rest.substr(0, slash);
    static constexpr std::string_view kKinds[] = {"generation", "attribution", "validation",
                                                  "override",   "review",      "deployment",
                                                  "incident",   "policy",      "key"};
    for (auto k : kKinds) {
      if (kind == k && slash != std::string_view::npos) return std::string(k);
    }
    return "other";
  }
  if (t == "https://slsa.dev/provenance/v1") return "slsa-provenance";
  if (t.rfind("https://in-toto.io/attestation/test-result/", 0) == 0) return "test-result";
  if (t.rfind("https://in-toto.io/attestation/vulns/", 0) == 0) return "vulns";
  return "other";
}

StatementIndex IndexStatement(const Statement& st) {
  StatementIndex ix;
  ix.kind = KindOfPredicateType(st.predicate_type);
  for (const auto& s : st.subject) {
    auto commit = s.digest.find("gitCommit");
    if (commit != s.digest.end()) {
      ix.commits.push_back(commit->second);
    } else if (!s.name.empty()) {
      ix.files.push_back(s.name);
    }
  }
  // Predicates refer to other entries through "checkpoints" (lists of entry
  // ids, e.g. attribution) and "refersTo"; index both so later queries find
  // everything that mentions an entry.
  if (st.predicate.is_object()) {
    for (const char* field : {"checkpoints", "refersTo"}) {
      auto it = st.predicate.find(field);
      if (it == st.predicate.end() || !it->is_array()) continue;
      for (const auto& v : *it) {
        if (v.is_string() && IsHexId(v.get<std::string>())) ix.refs.push_back(v.get<std::string>());
      }
    }
  }
  SortUnique(ix.files);
  SortUnique(ix.commits);
  SortUnique(ix.refs);
  return ix;
}

Statement MakeGenerationStatement(const GenerationRecord& r, const std::string& fallback_commit) {
  Statement st;
  st.predicate_type = std::string(kGenerationPredicateType);
  for (const auto& f : r.files) {
    ResourceDescriptor rd;
    rd.name = f.path;
    rd.digest["sha256"] = f.sha256;
    st.subject.push_back(std::move(rd));
  }
  if (st.subject.empty()) {
    ResourceDescriptor rd;
    rd.name = "HEAD";
    rd.digest["gitCommit"] = fallback_commit;
    st.subject.push_back(std::move(rd));
  }

  nlohmann::json p = nlohmann::json::object();
  p["agent"] = {{"name", r.agent}};
  if (!r.agent_version.empty()) p["agent"]["version"] = r.agent_version;
  p["model"] = {{"name", r.model}};
  if (!r.model_version.empty()) p["model"]["version"] = r.model_version;
  if (!r.session_id.empty()) p["session"] = {{"id", r.session_id}};
  p["method"] = r.method;
  if (!r.prompt.ref.empty()) {
    p["prompt"] = {{"digest", {{"sha256", r.prompt.digest_sha256}}},
                   {"ref", r.prompt.ref},
                   {"storage", r.prompt.storage}};
  }
  p["constraints"] = nlohmann::json::array();
  for (const auto& c : r.constraints) p["constraints"].push_back(c);
  p["constraintFiles"] = nlohmann::json::array();
  for (const auto& f : r.constraint_files) {
    p["constraintFiles"].push_back({{"path", f.path}, {"digest", {{"sha256", f.sha256}}}});
  }
  p["timestamp"] = FormatRfc3339(r.timestamp_unix_nanos);
  p["recorder"] = {{"name", "custody"}, {"version", r.recorder_version}};
  if (!r.hook_event.empty() || !r.tool.empty()) {
    p["hook"] = {{"event", r.hook_event}};
    if (!r.tool.empty()) p["hook"]["tool"] = r.tool;
    if (!r.tool_use_id.empty()) p["hook"]["toolUseId"] = r.tool_use_id;
  }
  if (!r.permission_mode.empty()) p["permissionMode"] = r.permission_mode;
  if (!r.lines_written.empty()) {
    p["linesWritten"] = nlohmann::json::array();
    for (const auto& [path, n] : r.lines_written) {
      p["linesWritten"].push_back({{"path", path}, {"lines", n}});
    }
  }
  auto hits = [](const std::vector<ConstraintHit>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& h : v) {
      a.push_back({{"constraint", h.constraint}, {"pattern", h.pattern}, {"path", h.path}});
    }
    return a;
  };
  if (!r.refused.empty()) p["refused"] = hits(r.refused);
  if (!r.violations.empty()) p["constraintViolations"] = hits(r.violations);
  st.predicate = std::move(p);
  return st;
}

}  // namespace custody
