// Agent Trace (spec v0.1.0) records: export of attributions, and a
// validating parser for import.
#include <map>
#include <nlohmann/json.hpp>

#include "custody/hash.h"
#include "custody/interop.h"
#include "custody/project.h"
#include "custody/time.h"

namespace custody {
namespace {

constexpr size_t kMaxRecord = 16u << 20;

// models.dev ids are "provider/model"; custody records the model alone.
std::string ModelId(const std::string& model) {
  if (model.empty() || model.find('/') != std::string::npos) return model;
  auto starts = [&](const char* p) { return model.rfind(p, 0) == 0; };
  if (starts("claude")) return "anthropic/" + model;
  if (starts("gpt") || starts("o1") || starts("o3") || starts("o4") || starts("codex"))
    return "openai/" + model;
  if (starts("gemini")) return "google/" + model;
  return model;
}

std::string UuidFrom(const std::string& seed) {
  std::string h = Sha256Hex(seed).substr(0, 32);
  // Version 4 layout (random-looking bits from the digest), variant 10xx.
  h[12] = '4';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

bool IsUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

std::string ExportAgentTrace(const Attribution& a) {
  nlohmann::ordered_json rec;
  rec["version"] = "0.1.0";
  rec["id"] = UuidFrom(a.commit + ":" + AttributionContentDigest(a));
  rec["timestamp"] = FormatRfc3339(a.timestamp_unix_nanos);
  rec["vcs"] = {{"type", "git"}, {"revision", a.commit}};
  rec["tool"] = {{"name", "custody"}, {"version", std::string(kVersion)}};
  rec["files"] = nlohmann::json::array();
  for (const auto& f : a.files) {
    // One conversation per (contributor, checkpoint).
    std::map<std::pair<std::string, std::string>, nlohmann::ordered_json> convs;
    std::vector<std::pair<std::string, std::string>> order;
    for (const auto& r : f.ranges) {
      std::string type = r.kind == LineKind::kHuman      ? "human"
                         : r.kind == LineKind::kAiEdited ? "mixed"
                                                         : "ai";
      auto key = std::make_pair(type, r.checkpoint);
      if (!convs.count(key)) {
        nlohmann::ordered_json c;
        nlohmann::ordered_json contributor = {{"type", type}};
        auto ck = a.checkpoints.find(r.checkpoint);
        if (ck != a.checkpoints.end() && !ck->second.model.empty()) {
          contributor["model_id"] = ModelId(ck->second.model);
        }
        c["contributor"] = contributor;
        c["ranges"] = nlohmann::json::array();
        if (!r.checkpoint.empty()) {
          c["related"] = nlohmann::json::array(
              {{{"type", "custody-checkpoint"}, {"url", "custody:checkpoint/" + r.checkpoint}}});
        }
        convs[key] = std::move(c);
        order.push_back(key);
      }
      convs[key]["ranges"].push_back({{"start_line", r.start}, {"end_line", r.end}});
    }
    nlohmann::ordered_json jf = {{"path", f.path}, {"conversations", nlohmann::json::array()}};
    for (const auto& k : order) jf["conversations"].push_back(convs[k]);
    rec["files"].push_back(std::move(jf));
  }
  LineCounts t = a.Totals();
  rec["metadata"] = {{"dev.custody",
                      {{"method", a.method},
                       {"counts",
                        {{"ai", t.ai},
                         {"aiEdited", t.ai_edited},
                         {"aiUnverified", t.ai_unverified},
                         {"human", t.human}}}}}};
  if (a.unverified) rec["metadata"]["dev.custody"]["unverifiedAgent"] = a.unverified->name;
  return rec.dump();
}

Result<AgentTraceRecord> ParseAgentTrace(std::string_view text) {
  auto bad = [](const std::string& where, const std::string& what) {
    return Status::InvalidArgument("agent trace", where + ": " + what);
  };
  if (text.size() > kMaxRecord) return bad("record", "larger than 16 MiB");
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad("record", "not valid JSON");
  if (!j.is_object()) return bad("record", "not a JSON object");
  auto str = [&](const nlohmann::json& o, const char* k, bool required,
                 const std::string& where, std::string* out) -> Status {
    auto it = o.find(k);
    if (it == o.end()) {
      return required ? bad(where + k, "missing") : Status::OK();
    }
    if (!it->is_string()) return bad(where + k, "not a string");
    *out = it->get<std::string>();
    return Status::OK();
  };
  AgentTraceRecord r;
  CUSTODY_RETURN_IF_ERROR(str(j, "version", true, "", &r.version));
  CUSTODY_RETURN_IF_ERROR(str(j, "id", true, "", &r.id));
  CUSTODY_RETURN_IF_ERROR(str(j, "timestamp", true, "", &r.timestamp));
  if (r.version.empty() || r.version.find_first_not_of("0123456789.-+abcdefghijklmnopqrstuvwxyz") !=
                               std::string::npos) {
    return bad("version", "not a semantic version");
  }
  if (!IsUuid(r.id)) return bad("id", "not a UUID");
  if (!ParseRfc3339(r.timestamp).ok()) return bad("timestamp", "not an RFC 3339 time");
  if (auto v = j.find("vcs"); v != j.end()) {
    if (!v->is_object()) return bad("vcs", "not an object");
    CUSTODY_RETURN_IF_ERROR(str(*v, "type", true, "vcs.", &r.vcs_type));
    CUSTODY_RETURN_IF_ERROR(str(*v, "revision", true, "vcs.", &r.revision));
  }
  if (auto t = j.find("tool"); t != j.end()) {
    if (!t->is_object()) return bad("tool", "not an object");
    CUSTODY_RETURN_IF_ERROR(str(*t, "name", false, "tool.", &r.tool_name));
    CUSTODY_RETURN_IF_ERROR(str(*t, "version", false, "tool.", &r.tool_version));
  }
  auto fs = j.find("files");
  if (fs == j.end() || !fs->is_array()) return bad("files", "missing or not an array");
  for (size_t i = 0; i < fs->size(); ++i) {
    std::string wf = "files[" + std::to_string(i) + "].";
    const auto& jf = (*fs)[i];
    if (!jf.is_object()) return bad(wf.substr(0, wf.size() - 1), "not an object");
    TraceFile f;
    CUSTODY_RETURN_IF_ERROR(str(jf, "path", true, wf, &f.path));
    if (f.path.empty()) return bad(wf + "path", "empty");
    auto cs = jf.find("conversations");
    if (cs == jf.end() || !cs->is_array()) return bad(wf + "conversations", "missing or not an array");
    for (size_t k = 0; k < cs->size(); ++k) {
      std::string wc = wf + "conversations[" + std::to_string(k) + "].";
      const auto& jc = (*cs)[k];
      if (!jc.is_object()) return bad(wc.substr(0, wc.size() - 1), "not an object");
      TraceConversation c;
      c.contributor = "unknown";
      if (auto ct = jc.find("contributor"); ct != jc.end()) {
        if (!ct->is_object()) return bad(wc + "contributor", "not an object");
        CUSTODY_RETURN_IF_ERROR(str(*ct, "type", true, wc + "contributor.", &c.contributor));
        CUSTODY_RETURN_IF_ERROR(str(*ct, "model_id", false, wc + "contributor.", &c.model_id));
        if (c.contributor != "human" && c.contributor != "ai" && c.contributor != "mixed" &&
            c.contributor != "unknown") {
          return bad(wc + "contributor.type", "not human, ai, mixed or unknown");
        }
      }
      auto rs = jc.find("ranges");
      if (rs == jc.end() || !rs->is_array()) return bad(wc + "ranges", "missing or not an array");
      for (size_t m = 0; m < rs->size(); ++m) {
        std::string wr = wc + "ranges[" + std::to_string(m) + "]";
        const auto& jr = (*rs)[m];
        if (!jr.is_object()) return bad(wr, "not an object");
        auto s = jr.find("start_line"), e = jr.find("end_line");
        if (s == jr.end() || !s->is_number_integer()) return bad(wr + ".start_line", "not an integer");
        if (e == jr.end() || !e->is_number_integer()) return bad(wr + ".end_line", "not an integer");
        int64_t sl = s->get<int64_t>(), el = e->get<int64_t>();
        if (sl < 1 || el < sl || el > 100'000'000) {
          return bad(wr, "needs 1 <= start_line <= end_line");
        }
        c.ranges.push_back({static_cast<int>(sl), static_cast<int>(el)});
      }
      f.conversations.push_back(std::move(c));
    }
    r.files.push_back(std::move(f));
  }
  return r;
}

Result<Attribution> AttributionFromAgentTrace(const AgentTraceRecord& r) {
  if (r.revision.empty() || (r.vcs_type != "git" && !r.vcs_type.empty())) {
    return Status::InvalidArgument("agent trace " + r.id, "names no git revision (vcs.revision)");
  }
  Attribution a;
  a.commit = r.revision;
  a.method = "import:agent-trace";
  if (auto t = ParseRfc3339(r.timestamp); t.ok()) a.timestamp_unix_nanos = *t;
  std::map<std::string, FileAttribution> files;
  for (const auto& f : r.files) {
    FileAttribution& fa = files[f.path];
    fa.path = f.path;
    for (const auto& c : f.conversations) {
      if (c.contributor == "unknown") continue;
      LineKind kind = c.contributor == "human"   ? LineKind::kHuman
                      : c.contributor == "mixed" ? LineKind::kAiEdited
                                                 : LineKind::kAi;
      std::string ck;
      if (kind != LineKind::kHuman) {
        ck = "agent-trace:" + r.id + (c.model_id.empty() ? "" : ":" + c.model_id);
        CheckpointRef& ref = a.checkpoints[ck];
        ref.id = ck;
        ref.agent = r.tool_name;
        ref.model = c.model_id;
      }
      for (const auto& rg : c.ranges) {
        fa.ranges.push_back({rg.start_line, rg.end_line, kind, ck});
        fa.counts.Add(kind, rg.end_line - rg.start_line + 1);
        if (!ck.empty()) a.checkpoints[ck].counts.Add(kind, rg.end_line - rg.start_line + 1);
      }
    }
  }
  for (auto& [p, fa] : files) {
    std::sort(fa.ranges.begin(), fa.ranges.end(),
              [](const AttributedRange& x, const AttributedRange& y) { return x.start < y.start; });
    for (size_t i = 1; i < fa.ranges.size(); ++i) {
      if (fa.ranges[i].start <= fa.ranges[i - 1].end) {
        return Status::InvalidArgument("agent trace " + r.id, p + ": overlapping ranges");
      }
    }
    if (!fa.ranges.empty()) a.files.push_back(std::move(fa));
  }
  return a;
}

}  // namespace custody
