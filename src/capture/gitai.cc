// git-ai authorship/3.0.0 notes: export from and import into attributions.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "custody/hash.h"
#include "custody/interop.h"
#include "custody/project.h"

namespace custody {
namespace {

constexpr size_t kMaxNote = 4u << 20;
constexpr std::string_view kGitAiPrefix = "git-ai:";

std::string ToGitAiTool(const std::string& agent) {
  if (agent == "claude-code") return "claude";
  if (agent == "github-copilot") return "copilot";
  if (agent == "gemini-cli") return "gemini";
  return agent.empty() ? "unknown" : agent;
}
std::string FromGitAiTool(const std::string& tool) {
  if (tool == "claude") return "claude-code";
  if (tool == "copilot") return "github-copilot";
  return tool;
}

std::string Hex14(std::string_view s) { return Sha256Hex(s).substr(0, 14); }

std::string RangesText(const std::vector<std::pair<int, int>>& rs) {
  std::string out;
  for (const auto& [a, b] : rs) {
    if (!out.empty()) out += ',';
    out += std::to_string(a);
    if (b != a) out += "-" + std::to_string(b);
  }
  return out;
}

bool IsLowerHex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// "s_<14>::t_<14>", "h_<14>" or a bare 16-hex legacy key.
bool ValidKey(std::string_view k) {
  if (k.size() == 16 && IsLowerHex(k)) return true;
  if (k.size() == 16 && k.substr(0, 2) == "h_" && IsLowerHex(k.substr(2))) return true;
  return k.size() == 34 && k.substr(0, 2) == "s_" && IsLowerHex(k.substr(2, 14)) &&
         k.substr(16, 4) == "::t_" && IsLowerHex(k.substr(20));
}

}  // namespace

std::string ExportGitAiNote(const Attribution& a, const std::string& human_author) {
  // key -> file -> ranges
  std::map<std::string, nlohmann::json> sessions;
  std::map<std::string, nlohmann::json> humans;
  std::map<std::string, nlohmann::json> prompts;
  std::string attest;
  std::string human_key = "h_" + Hex14("human:" + human_author);
  for (const auto& f : a.files) {
    std::map<std::string, std::vector<std::pair<int, int>>> by_key;
    std::vector<std::string> order;
    for (const auto& r : f.ranges) {
      std::string key;
      if (r.kind == LineKind::kHuman) {
        key = human_key;
        humans[key] = {{"author", human_author}};
      } else {
        std::string tool, id, model, trace;
        if (r.kind == LineKind::kAiUnverified) {
          tool = ToGitAiTool(a.unverified ? a.unverified->name : "unknown");
          id = "unverified:" + a.commit;
          model = "unknown";
          trace = "t_" + Hex14("unverified:" + a.commit);
        } else {
          auto c = a.checkpoints.find(r.checkpoint);
          tool = ToGitAiTool(c != a.checkpoints.end() ? c->second.agent : "");
          id = c != a.checkpoints.end() && !c->second.session_id.empty() ? c->second.session_id
                                                                         : r.checkpoint;
          model = c != a.checkpoints.end() && !c->second.model.empty() ? c->second.model
                                                                        : "unknown";
          std::string imported = r.checkpoint.rfind(kGitAiPrefix, 0) == 0
                                     ? r.checkpoint.substr(kGitAiPrefix.size())
                                     : std::string();
          if (imported.size() == 16 && ValidKey(imported)) {
            // A legacy prompt key keeps its form and its "prompts" record.
            key = imported;
            prompts[key] = {{"agent_id", {{"tool", tool}, {"id", id}, {"model", model}}}};
          } else if (imported.size() == 34 && ValidKey(imported)) {
            trace = imported.substr(18);  // the imported "t_..." part
          } else if (IsLowerHex(r.checkpoint) && r.checkpoint.size() >= 14) {
            trace = "t_" + r.checkpoint.substr(0, 14);
          } else {
            trace = "t_" + Hex14(r.checkpoint);
          }
        }
        if (key.empty()) {
          std::string session = "s_" + Hex14(tool + ":" + id);
          key = session + "::" + trace;
          sessions[session] = {{"agent_id", {{"tool", tool}, {"id", id}, {"model", model}}},
                               {"human_author", human_author}};
        }
      }
      if (!by_key.count(key)) order.push_back(key);
      by_key[key].emplace_back(r.start, r.end);
    }
    if (order.empty()) continue;
    attest += f.path + "\n";
    for (const auto& k : order) attest += "  " + k + " " + RangesText(by_key[k]) + "\n";
  }
  nlohmann::ordered_json meta;
  meta["schema_version"] = kGitAiSchema;
  meta["git_ai_version"] = "custody-" + std::string(kVersion);
  meta["base_commit_sha"] = a.commit;
  meta["prompts"] = nlohmann::json::object();
  for (const auto& [k, v] : prompts) meta["prompts"][k] = v;
  meta["sessions"] = nlohmann::json::object();
  for (const auto& [k, v] : sessions) meta["sessions"][k] = v;
  meta["humans"] = nlohmann::json::object();
  for (const auto& [k, v] : humans) meta["humans"][k] = v;
  return attest + "---\n" + meta.dump(2) + "\n";
}

Result<Attribution> ParseGitAiNote(std::string_view text, const std::string& commit) {
  auto bad = [](size_t line, const std::string& what) {
    return Status::InvalidArgument("git-ai note", "line " + std::to_string(line) + ": " + what);
  };
  if (text.size() > kMaxNote) return Status::InvalidArgument("git-ai note", "larger than 4 MiB");
  Attribution a;
  a.commit = commit;
  a.method = "import:git-ai";
  size_t pos = 0, line_no = 0;
  FileAttribution* file = nullptr;
  std::map<std::string, FileAttribution> files;
  bool divider = false;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "---") {
      divider = true;
      break;
    }
    if (line.empty()) continue;
    if (line.substr(0, 2) == "  ") {
      if (file == nullptr) return bad(line_no, "attestation entry before any file path");
      std::string_view rest = line.substr(2);
      size_t sp = rest.find(' ');
      if (sp == std::string_view::npos) return bad(line_no, "expected \"  <key> <ranges>\"");
      std::string key(rest.substr(0, sp));
      std::string_view ranges = rest.substr(sp + 1);
      if (!ValidKey(key)) return bad(line_no, "unknown key form \"" + key.substr(0, 40) + "\"");
      LineKind kind = key.substr(0, 2) == "h_" ? LineKind::kHuman : LineKind::kAi;
      size_t rp = 0;
      while (rp <= ranges.size()) {
        size_t comma = ranges.find(',', rp);
        if (comma == std::string_view::npos) comma = ranges.size();
        std::string part(ranges.substr(rp, comma - rp));
        rp = comma + 1;
        size_t dash = part.find('-');
        auto num = [](const std::string& s, int* out) {
          if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
            return false;
          *out = std::stoi(s);
          return *out >= 1;
        };
        int s = 0, e = 0;
        bool ok = dash == std::string::npos ? num(part, &s) && (e = s, true)
                                            : num(part.substr(0, dash), &s) &&
                                                  num(part.substr(dash + 1), &e) && e >= s;
        if (!ok) return bad(line_no, "bad line range \"" + part.substr(0, 40) + "\"");
        AttributedRange r;
        r.start = s;
        r.end = e;
        r.kind = kind;
        if (kind == LineKind::kAi) r.checkpoint = std::string(kGitAiPrefix) + key;
        file->ranges.push_back(std::move(r));
        file->counts.Add(kind, e - s + 1);
        if (comma == ranges.size()) break;
      }
    } else {
      std::string path(line);
      file = &files[path];
      file->path = path;
    }
  }
  if (!divider) return bad(line_no, "no \"---\" line before the metadata");
  nlohmann::json meta = nlohmann::json::parse(text.substr(std::min(pos, text.size())), nullptr,
                                              /*allow_exceptions=*/false);
  if (!meta.is_object()) return bad(line_no + 1, "metadata is not a JSON object");
  auto sv = meta.find("schema_version");
  if (sv == meta.end() || !sv->is_string() || sv->get<std::string>() != kGitAiSchema) {
    return bad(line_no + 1, "schema_version is not \"authorship/3.0.0\"");
  }
  // Checkpoint details from sessions (or legacy prompts).
  auto agent_of = [&](const nlohmann::json& rec, CheckpointRef* c) {
    if (!rec.is_object()) return;
    auto id = rec.find("agent_id");
    if (id == rec.end() || !id->is_object()) return;
    auto s = [&](const char* k) {
      auto it = id->find(k);
      return it != id->end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    c->agent = FromGitAiTool(s("tool"));
    c->model = s("model") == "unknown" ? "" : s("model");
    c->session_id = s("id");
  };
  for (auto& [path, f] : files) {
    std::sort(f.ranges.begin(), f.ranges.end(),
              [](const AttributedRange& x, const AttributedRange& y) { return x.start < y.start; });
    for (size_t i = 1; i < f.ranges.size(); ++i) {
      if (f.ranges[i].start <= f.ranges[i - 1].end) {
        return Status::InvalidArgument("git-ai note", path + ": overlapping line ranges");
      }
    }
    for (const auto& r : f.ranges) {
      if (r.checkpoint.empty() || a.checkpoints.count(r.checkpoint)) continue;
      CheckpointRef c;
      c.id = r.checkpoint;
      std::string key = r.checkpoint.substr(kGitAiPrefix.size());
      if (key.size() == 34) {
        auto ss = meta.find("sessions");
        if (ss != meta.end() && ss->is_object()) {
          auto rec = ss->find(key.substr(0, 16));
          if (rec != ss->end()) agent_of(*rec, &c);
        }
      } else {
        auto ps = meta.find("prompts");
        if (ps != meta.end() && ps->is_object()) {
          auto rec = ps->find(key);
          if (rec != ps->end()) agent_of(*rec, &c);
        }
      }
      a.checkpoints.emplace(c.id, c);
    }
    for (const auto& r : f.ranges) {
      if (!r.checkpoint.empty()) a.checkpoints[r.checkpoint].counts.Add(r.kind, r.end - r.start + 1);
    }
    a.files.push_back(std::move(f));
  }
  return a;
}

}  // namespace custody
