#include "custody/sbom.h"

#include <openssl/rand.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "custody/encoding.h"
#include "custody/registry.h"

namespace custody {
namespace {

// purl components are percent-encoded (purl spec: RFC 3986 unreserved kept).
std::string PurlEscape(std::string_view s) { return PercentEncode(s); }

std::string Segments(std::string_view path) {
  std::string o;
  size_t p = 0;
  while (p <= path.size()) {
    size_t s = path.find('/', p);
    if (s == std::string_view::npos) s = path.size();
    if (!o.empty()) o.push_back('/');
    o += PurlEscape(path.substr(p, s - p));
    p = s + 1;
  }
  return o;
}

std::string RandomUuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) return "urn:uuid:00000000-0000-4000-8000-000000000000";
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char s[64];
  std::snprintf(s, sizeof s, "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return s;
}

}  // namespace

std::string PackageUrl(const Package& p) {
  std::string type, path;
  const std::string& n = p.name;
  switch (p.ecosystem) {
    case Ecosystem::kNpm:
      type = "npm";
      path = n.size() > 1 && n[0] == '@' && n.find('/') != std::string::npos
                 ? PurlEscape(n.substr(0, n.find('/'))) + "/" + PurlEscape(n.substr(n.find('/') + 1))
                 : PurlEscape(n);
      break;
    case Ecosystem::kPyPI:
      type = "pypi";
      path = PurlEscape(NormalizePackageName(Ecosystem::kPyPI, n));
      break;
    case Ecosystem::kGo:
      type = "golang";
      path = Segments(n);
      break;
    case Ecosystem::kCargo:
      type = "cargo";
      path = PurlEscape(n);
      break;
    case Ecosystem::kRubyGems:
      type = "gem";
      path = PurlEscape(n);
      break;
    case Ecosystem::kMaven: {
      type = "maven";
      size_t colon = n.find(':');
      path = colon == std::string::npos ? PurlEscape(n) : PurlEscape(n.substr(0, colon)) + "/" + PurlEscape(n.substr(colon + 1));
      break;
    }
    case Ecosystem::kPackagist:
      type = "composer";
      path = Segments(NormalizePackageName(Ecosystem::kPackagist, n));
      break;
    case Ecosystem::kNuGet:
      type = "nuget";
      path = PurlEscape(n);
      break;
  }
  std::string purl = "pkg:" + type + "/" + path;
  if (p.pinned && !p.version.empty()) purl += "@" + PurlEscape(p.version);
  return purl;
}

std::string CycloneDxJson(const SbomMeta& meta, const std::vector<SbomComponent>& components) {
  nlohmann::ordered_json bom;
  bom["bomFormat"] = "CycloneDX";
  bom["specVersion"] = "1.6";
  bom["serialNumber"] = meta.serial_number.empty() ? RandomUuid() : meta.serial_number;
  bom["version"] = 1;
  nlohmann::ordered_json md;
  if (!meta.timestamp.empty()) md["timestamp"] = meta.timestamp;
  md["tools"]["components"] = nlohmann::ordered_json::array(
      {{{"type", "application"}, {"name", "custody"}, {"version", meta.tool_version}}});
  nlohmann::ordered_json root = {{"type", "application"},
                                 {"bom-ref", "project"},
                                 {"name", meta.project_name.empty() ? "project" : meta.project_name}};
  if (!meta.commit.empty()) {
    root["version"] = meta.commit;
    root["properties"] = nlohmann::ordered_json::array({{{"name", "custody:commit"}, {"value", meta.commit}}});
  }
  md["component"] = root;
  bom["metadata"] = md;
  std::map<std::string, size_t> index;  // purl -> position
  nlohmann::ordered_json comps = nlohmann::ordered_json::array();
  std::vector<std::string> refs;
  for (const auto& c : components) {
    std::string purl = PackageUrl(c.package);
    std::string where = c.package.file + (c.package.line > 0 ? ":" + std::to_string(c.package.line) : "");
    if (auto it = index.find(purl); it != index.end()) {
      for (auto& prop : comps[it->second]["properties"]) {
        if (prop["name"] == "custody:declared-in" && !where.empty()) prop["value"] = prop["value"].get<std::string>() + " " + where;
      }
      continue;
    }
    index[purl] = comps.size();
    refs.push_back(purl);
    nlohmann::ordered_json j;
    j["type"] = "library";
    j["bom-ref"] = purl;
    std::string name = c.package.name, group;
    if (c.package.ecosystem == Ecosystem::kMaven && name.find(':') != std::string::npos) {
      group = name.substr(0, name.find(':'));
      name = name.substr(name.find(':') + 1);
    } else if (c.package.ecosystem == Ecosystem::kNpm && name.size() > 1 && name[0] == '@' &&
               name.find('/') != std::string::npos) {
      group = name.substr(0, name.find('/'));
      name = name.substr(name.find('/') + 1);
    }
    if (!group.empty()) j["group"] = group;
    j["name"] = name;
    if (!c.package.version.empty()) j["version"] = c.package.version;
    j["scope"] = c.package.dev ? "optional" : "required";
    j["purl"] = purl;
    if (!c.license.empty()) j["licenses"] = nlohmann::ordered_json::array({{{"expression", c.license}}});
    nlohmann::ordered_json props = nlohmann::ordered_json::array();
    props.push_back({{"name", "custody:ecosystem"}, {"value", EcosystemName(c.package.ecosystem)}});
    props.push_back({{"name", "custody:declared-in"}, {"value", where}});
    props.push_back({{"name", "custody:direct"}, {"value", c.package.direct ? "true" : "false"}});
    props.push_back({{"name", "custody:dev"}, {"value", c.package.dev ? "true" : "false"}});
    if (c.provenance) {
      const SbomProvenance& pv = *c.provenance;
      props.push_back({{"name", "custody:provenance:origin"}, {"value", pv.origin}});
      if (!pv.commit.empty()) props.push_back({{"name", "custody:provenance:commit"}, {"value", pv.commit}});
      if (!pv.author.empty()) props.push_back({{"name", "custody:provenance:author"}, {"value", pv.author}});
      if (!pv.agent.empty()) props.push_back({{"name", "custody:provenance:agent"}, {"value", pv.agent}});
      if (!pv.model.empty()) props.push_back({{"name", "custody:provenance:model"}, {"value", pv.model}});
      if (!pv.checkpoint.empty()) {
        props.push_back({{"name", "custody:provenance:checkpoint"}, {"value", pv.checkpoint}});
      }
    } else {
      props.push_back({{"name", "custody:provenance:origin"}, {"value", "unknown"}});
    }
    j["properties"] = props;
    comps.push_back(j);
  }
  bom["components"] = comps;
  nlohmann::ordered_json deps = nlohmann::ordered_json::array();
  deps.push_back({{"ref", "project"}, {"dependsOn", refs}});
  bom["dependencies"] = deps;
  return bom.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace custody
