// Baselines, JSON and SARIF output of scan reports.
#include <algorithm>
#include <map>

#include "custody/scan_run.h"

namespace custody {
namespace {

using json = nlohmann::json;

bool IsHex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string_view SarifLevel(Severity s) {
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh: return "error";
    case Severity::kMedium: return "warning";
    default: return "note";
  }
}

// SARIF artifact URIs are URI references: escape what would break one.
std::string UriEncode(std::string_view path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (c <= 0x20 || c >= 0x7f || c == '%' || c == '#' || c == '?' || c == '[' || c == ']' ||
        c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' ||
        c == '|' || c == '}') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

json FindingJson(const Finding& f) {
  json j = {{"rule_id", f.rule_id},
            {"category", CategoryName(f.category)},
            {"severity", SeverityName(f.severity)},
            {"cwe", f.cwe},
            {"path", f.path},
            {"line", f.line},
            {"column", f.column},
            {"end_line", f.end_line},
            {"end_column", f.end_column},
            {"message", f.message},
            {"evidence", f.evidence},
            {"fingerprint", f.fingerprint},
            {"frameworks", f.frameworks},
            {"remediation", f.remediation}};
  if (!f.commit.empty()) j["commit"] = f.commit;
  if (f.placeholder) j["placeholder"] = true;
  return j;
}

}  // namespace

Result<std::set<std::string>> ParseBaseline(std::string_view text, const std::string& path) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument(path, "not a baseline (expected a JSON object; docs/scan.md)");
  }
  std::set<std::string> out;
  auto add = [&](const json& v) -> Status {
    if (!v.is_string() || !IsHex64(v.get<std::string>())) {
      return Status::InvalidArgument(path, "fingerprints must be 64 lowercase hex digits");
    }
    out.insert(v.get<std::string>());
    return Status::OK();
  };
  if (auto it = j.find("fingerprints"); it != j.end()) {
    if (!it->is_array()) return Status::InvalidArgument(path, "fingerprints must be an array");
    for (const auto& v : *it) CUSTODY_RETURN_IF_ERROR(add(v));
    return out;
  }
  if (auto it = j.find("findings"); it != j.end() && it->is_array()) {
    for (const auto& f : *it) {
      if (!f.is_object() || !f.contains("fingerprint")) {
        return Status::InvalidArgument(path, "a finding without a fingerprint");
      }
      CUSTODY_RETURN_IF_ERROR(add(f["fingerprint"]));
    }
    return out;
  }
  return Status::InvalidArgument(path, "neither a baseline nor a custody scan --json report");
}

std::string SerializeBaseline(const std::vector<Finding>& findings) {
  std::set<std::string> fps;
  for (const auto& f : findings) fps.insert(f.fingerprint);
  json j = {{"version", 1}, {"tool", "custody"}, {"fingerprints", fps}};
  return j.dump(2) + "\n";
}

size_t ApplyBaseline(const std::set<std::string>& baseline, std::vector<Finding>* findings) {
  size_t before = findings->size();
  findings->erase(std::remove_if(findings->begin(), findings->end(),
                                 [&](const Finding& f) { return baseline.count(f.fingerprint) > 0; }),
                  findings->end());
  return before - findings->size();
}

json ReportJson(const ScanReport& report) {
  json findings = json::array();
  for (const auto& f : report.findings) findings.push_back(FindingJson(f));
  return {{"version", 1},
          {"tool", "custody"},
          {"mode", report.mode},
          {"findings", findings},
          {"stats",
           {{"files_scanned", report.files_scanned},
            {"bytes_scanned", report.bytes_scanned},
            {"skipped_binary", report.skipped_binary},
            {"skipped_large", report.skipped_large},
            {"skipped_ignored", report.skipped_ignored},
            {"suppressed_baseline", report.suppressed_baseline}}},
          {"notes", report.notes}};
}

std::string SecuritySeverity(Severity s) {
  switch (s) {
    case Severity::kCritical: return "9.5";
    case Severity::kHigh: return "8.0";
    case Severity::kMedium: return "5.5";
    case Severity::kLow: return "2.0";
    case Severity::kInfo: return "0.5";
  }
  return "0.5";
}

json ReportSarif(const ScanReport& report, const std::vector<ScanRule>& rules, bool all_rules) {
  std::set<std::string> used;
  for (const auto& f : report.findings) used.insert(f.rule_id);
  json jrules = json::array();
  std::map<std::string, size_t> index;
  for (const auto& r : rules) {
    if (!all_rules && used.count(r.id) == 0) continue;
    std::string help = r.remediation.empty() ? r.description : r.remediation;
    json tags = json::array({"security", std::string(CategoryName(r.category))});
    if (!r.cwe.empty()) tags.push_back("external/cwe/" + [&] {
      std::string c = r.cwe;
      std::transform(c.begin(), c.end(), c.begin(), ::tolower);
      return c;
    }());
    for (const auto& t : r.tags) tags.push_back(t);
    for (const auto& t : r.frameworks) tags.push_back(t);
    std::string desc = r.description.substr(0, 1000);
    json jr = {{"id", r.id},
               {"name", r.id},
               {"shortDescription", {{"text", desc}}},
               {"fullDescription", {{"text", desc}}},
               {"help", {{"text", help.substr(0, 4000)}, {"markdown", help.substr(0, 4000)}}},
               {"defaultConfiguration", {{"level", SarifLevel(r.severity)}}},
               {"properties",
                {{"tags", tags},
                 {"precision", r.category == RuleCategory::kSecret ? "high" : "medium"},
                 {"security-severity", SecuritySeverity(r.severity)}}}};
    index[r.id] = jrules.size();
    jrules.push_back(std::move(jr));
  }
  json results = json::array();
  for (const auto& f : report.findings) {
    json region = {{"startLine", std::max<uint32_t>(f.line, 1)},
                   {"startColumn", std::max<uint32_t>(f.column, 1)},
                   {"endLine", std::max<uint32_t>(f.end_line, std::max<uint32_t>(f.line, 1))},
                   {"endColumn", std::max<uint32_t>(f.end_column + 1, 1)}};
    json res = {{"ruleId", f.rule_id},
                {"level", SarifLevel(f.severity)},
                {"message", {{"text", f.message + (f.evidence.empty() ? "" : ": " + f.evidence)}}},
                {"locations",
                 json::array({{{"physicalLocation",
                                {{"artifactLocation", {{"uri", UriEncode(f.path)}, {"uriBaseId", "%SRCROOT%"}}},
                                 {"region", region}}}}})},
                {"partialFingerprints",
                 {{"primaryLocationLineHash", f.fingerprint}, {"custodyFingerprint/v1", f.fingerprint}}}};
    if (auto it = index.find(f.rule_id); it != index.end()) res["ruleIndex"] = it->second;
    json props = {{"severity", SeverityName(f.severity)}, {"category", CategoryName(f.category)}};
    if (!f.commit.empty()) props["commit"] = f.commit;
    res["properties"] = props;
    results.push_back(std::move(res));
  }
  json run = {{"tool",
               {{"driver",
                 {{"name", "custody"},
                  {"semanticVersion", "0.1.0"},
                  {"rules", jrules}}}}},
              {"originalUriBaseIds", {{"%SRCROOT%", {{"uri", "file:///"}}}}},
              {"results", results},
              {"automationDetails", {{"id", "custody/scan/" + report.mode + "/"}}}};
  run.erase("originalUriBaseIds");
  return {{"$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", json::array({run})}};
}

}  // namespace custody
