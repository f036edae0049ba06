// Declared licences in installed package metadata (npm package.json, Python
// dist-info METADATA, Cargo.toml, Maven pom.xml) and the tree walk that
// finds them together with LICENSE/COPYING files.
#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "custody/license.h"
#include "deps/license_data.h"

namespace custody {
namespace {
using deps_internal::AsciiLower;

constexpr int kMaxDepth = 24;

int LineOf(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

int ColOf(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t nl = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  if (offset == 0 || nl == std::string_view::npos) return static_cast<int>(offset) + 1;
  return static_cast<int>(offset - nl);
}

std::string Loc(std::string_view path, int line) { return std::string(path) + ":" + std::to_string(line); }

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// The line of the first `"key"` that is followed by ':' in a JSON text.
int JsonKeyLine(std::string_view text, std::string_view key) {
  std::string q = "\"" + std::string(key) + "\"";
  size_t at = 0;
  while ((at = text.find(q, at)) != std::string_view::npos) {
    size_t k = at + q.size();
    while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
    if (k < text.size() && text[k] == ':') return LineOf(text, at);
    at = k;
  }
  return 0;
}

// Joins declared names with OR (dual licensing, as npm's legacy "licenses"
// array and repeated classifiers mean in practice).
DeclaredExpr JoinOr(const std::vector<std::string>& names) {
  if (names.size() == 1) return InterpretDeclaredLicense(names[0]);
  std::string raw;
  LicenseExpr all;
  all.kind = LicenseExpr::Kind::kOr;
  bool ok = !names.empty();
  std::string notes;
  for (const auto& n : names) {
    raw += (raw.empty() ? "" : " OR ") + n;
    DeclaredExpr d = InterpretDeclaredLicense(n);
    if (!d.expr) {
      ok = false;
      notes += (notes.empty() ? "" : "; ") + n + ": " + d.note;
      continue;
    }
    if (d.expr->kind == LicenseExpr::Kind::kOr) {
      for (auto& c : d.expr->children) all.children.push_back(std::move(c));
    } else {
      all.children.push_back(std::move(*d.expr));
    }
  }
  DeclaredExpr out;
  out.raw = raw;
  if (ok) {
    out.expr = std::move(all);
  } else {
    out.note = notes;
  }
  return out;
}

bool IsLicenseFileName(std::string_view name) {
  std::string l = AsciiLower(name);
  for (std::string_view p : {"license", "licence", "copying", "unlicense"}) {
    if (l.rfind(p, 0) == 0) {
      std::string rest = l.substr(p.size());
      if (rest.empty() || rest[0] == '.' || rest[0] == '-' || rest[0] == '_') {
        // Skip code that happens to be named license.js / licence.py.
        for (std::string_view ext : {".js", ".ts", ".py", ".rs", ".go", ".java", ".c", ".h", ".json", ".d.ts", ".pyc"}) {
          if (rest.size() >= ext.size() && rest.compare(rest.size() - ext.size(), ext.size(), ext) == 0) return false;
        }
        return true;
      }
    }
  }
  return false;
}

// Maven POMs: blank out the elements whose children must not be read as the
// project's own (parent, dependencies, build, profiles, ...), keeping
// newlines so offsets still give line numbers.
void Mask(std::string& s, std::string_view tag) {
  std::string open = "<" + std::string(tag), close = "</" + std::string(tag) + ">";
  size_t at = 0;
  while ((at = s.find(open, at)) != std::string::npos) {
    char after = at + open.size() < s.size() ? s[at + open.size()] : '\0';
    if (after != '>' && after != ' ' && after != '\n' && after != '\t' && after != '\r') {
      at += open.size();
      continue;
    }
    size_t end = s.find(close, at);
    end = end == std::string::npos ? s.size() : end + close.size();
    for (size_t i = at; i < end; ++i) {
      if (s[i] != '\n') s[i] = ' ';
    }
    at = end;
  }
}

std::string XmlUnescape(std::string s) {
  static const std::pair<const char*, const char*> kEnt[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
  for (auto& [from, to] : kEnt) {
    size_t at = 0;
    while ((at = s.find(from, at)) != std::string::npos) {
      s.replace(at, std::strlen(from), to);
      at += std::strlen(to);
    }
  }
  return s;
}

// The text of the first <tag>...</tag> in s[from, to), with its offset.
std::optional<std::pair<std::string, size_t>> XmlChild(std::string_view s, std::string_view tag, size_t from,
                                                       size_t to) {
  std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  size_t a = s.find(open, from);
  if (a == std::string_view::npos || a >= to) return std::nullopt;
  size_t b = s.find(close, a);
  if (b == std::string_view::npos || b > to) return std::nullopt;
  std::string v(s.substr(a + open.size(), b - a - open.size()));
  if (v.rfind("<![CDATA[", 0) == 0 && v.size() >= 12) v = v.substr(9, v.size() - 12);
  return std::make_pair(XmlUnescape(Trim(v)), a);
}

// Licence URLs commonly given instead of a name in POMs.
std::string IdFromUrl(std::string_view url) {
  std::string u = AsciiLower(url);
  static const std::pair<const char*, const char*> kUrls[] = {
      {"apache.org/licenses/license-2.0", "Apache-2.0"}, {"opensource.org/licenses/mit", "MIT"},
      {"opensource.org/licenses/apache-2.0", "Apache-2.0"}, {"opensource.org/licenses/bsd-3-clause", "BSD-3-Clause"},
      {"opensource.org/licenses/bsd-2-clause", "BSD-2-Clause"}, {"gnu.org/licenses/gpl-3.0", "GPL-3.0-only"},
      {"gnu.org/licenses/gpl-2.0", "GPL-2.0-only"}, {"gnu.org/licenses/lgpl-2.1", "LGPL-2.1-only"},
      {"gnu.org/licenses/lgpl-3.0", "LGPL-3.0-only"}, {"gnu.org/licenses/agpl-3.0", "AGPL-3.0-only"},
      {"mozilla.org/mpl/2.0", "MPL-2.0"}, {"eclipse.org/legal/epl-2.0", "EPL-2.0"},
      {"eclipse.org/legal/epl-v20", "EPL-2.0"}, {"eclipse.org/legal/epl-v10", "EPL-1.0"},
      {"eclipse.org/org/documents/edl-v10", "BSD-3-Clause"}, {"creativecommons.org/publicdomain/zero/1.0", "CC0-1.0"}};
  for (auto& [frag, id] : kUrls) {
    if (u.find(frag) != std::string::npos) return id;
  }
  return "";
}

}  // namespace

Result<PackageLicense> ReadNpmPackageJson(std::string_view path, std::string_view text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    size_t off = e.byte == 0 ? 0 : e.byte - 1;
    std::string what = e.what();
    size_t cut = what.find("parse error");
    return Status::InvalidArgument(Loc(path, LineOf(text, off)) + ":" + std::to_string(ColOf(text, off)),
                                   cut == std::string::npos ? what : what.substr(cut));
  }
  if (!j.is_object()) return Status::InvalidArgument(Loc(path, 1), "package.json is not a JSON object");
  PackageLicense p;
  p.ecosystem = "npm";
  p.file = std::string(path);
  if (j.contains("name") && j["name"].is_string()) p.package = j["name"].get<std::string>();
  if (j.contains("version") && j["version"].is_string()) p.version = j["version"].get<std::string>();
  std::vector<std::string> names;
  auto name_of = [](const nlohmann::json& v) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.contains("type") && v["type"].is_string()) return v["type"].get<std::string>();
    return "";
  };
  if (j.contains("license")) {
    p.line = JsonKeyLine(text, "license");
    std::string n = name_of(j["license"]);
    if (n.empty()) {
      return Status::InvalidArgument(Loc(path, p.line), "\"license\" is neither a string nor {\"type\": ...}");
    }
    names.push_back(n);
  } else if (j.contains("licenses")) {
    p.line = JsonKeyLine(text, "licenses");
    const auto& arr = j["licenses"];
    if (!arr.is_array()) {
      std::string n = name_of(arr);
      if (n.empty()) return Status::InvalidArgument(Loc(path, p.line), "\"licenses\" is not an array");
      names.push_back(n);
    } else {
      for (const auto& v : arr) {
        std::string n = name_of(v);
        if (n.empty()) return Status::InvalidArgument(Loc(path, p.line), "an entry of \"licenses\" has no type");
        names.push_back(n);
      }
    }
  }
  if (names.empty()) {
    p.declared.note = "no licence declared";
  } else {
    p.declared = JoinOr(names);
    std::string low = AsciiLower(p.declared.raw);
    if (low.rfind("see license in ", 0) == 0) p.license_file = Trim(p.declared.raw.substr(15));
  }
  return p;
}

Result<PackageLicense> ReadPythonMetadata(std::string_view path, std::string_view text) {
  PackageLicense p;
  p.ecosystem = "pypi";
  p.file = std::string(path);
  std::string expression, license;
  int expression_line = 0, license_line = 0, classifier_line = 0;
  std::vector<std::string> classifiers;
  std::string* last = nullptr;
  int line_no = 0;
  size_t start = 0;
  bool any_header = false;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    start = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // the body (description) follows
    if (line[0] == ' ' || line[0] == '\t') {
      if (!last) return Status::InvalidArgument(Loc(path, line_no), "continuation line before any header");
      std::string_view cont = line;
      size_t k = 0;
      while (k < cont.size() && (cont[k] == ' ' || cont[k] == '\t')) ++k;
      cont.remove_prefix(k);
      if (!cont.empty() && cont[0] == '|') cont.remove_prefix(1);
      *last += "\n" + std::string(cont);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Status::InvalidArgument(Loc(path, line_no) + ":1", "expected 'Header: value'");
    }
    any_header = true;
    std::string key = AsciiLower(Trim(line.substr(0, colon)));
    std::string value = Trim(line.substr(colon + 1));
    last = nullptr;
    if (key == "name") {
      p.package = value;
    } else if (key == "version") {
      p.version = value;
    } else if (key == "license-expression") {
      expression = value;
      expression_line = line_no;
      last = &expression;
    } else if (key == "license") {
      license = value;
      license_line = line_no;
      last = &license;
    } else if (key == "license-file") {
      if (p.license_file.empty()) p.license_file = value;
    } else if (key == "classifier" && value.rfind("License ::", 0) == 0) {
      if (!classifier_line) classifier_line = line_no;
      classifiers.push_back(value);
    }
  }
  if (!any_header) return Status::InvalidArgument(Loc(path, 1), "no metadata headers");
  std::string lic = Trim(license);
  std::string llow = AsciiLower(lic);
  bool license_usable = !lic.empty() && llow != "unknown" && llow != "none" && lic.find('\n') == std::string::npos &&
                        lic.size() <= 200;
  if (!Trim(expression).empty()) {
    p.declared = InterpretDeclaredLicense(expression);
    p.line = expression_line;
  } else if (license_usable) {
    p.declared = InterpretDeclaredLicense(lic);
    p.line = license_line;
    if (!p.declared.expr && !classifiers.empty()) {
      DeclaredExpr c = JoinOr(classifiers);
      if (c.expr) {
        p.declared = c;
        p.line = classifier_line;
      }
    }
  } else if (!classifiers.empty()) {
    p.declared = JoinOr(classifiers);
    p.line = classifier_line;
  } else if (!lic.empty() && llow != "unknown") {
    // The whole licence text pasted into License: identify it.
    LicenseMatch m = IdentifyLicenseText(lic);
    p.line = license_line;
    p.declared.raw = lic.substr(0, std::min<size_t>(lic.size(), 80));
    if (m.kind == LicenseMatch::Kind::kExact || m.kind == LicenseMatch::Kind::kNear ||
        m.kind == LicenseMatch::Kind::kIdentifier) {
      auto e = ParseLicenseExpression(m.id);
      if (e.ok()) {
        p.declared.expr = std::move(e).value();
        p.declared.note = "licence text in License: identified as " + m.id;
      }
    }
    if (!p.declared.expr) p.declared.note = "licence text in License: not identified";
  } else {
    p.declared.note = "no licence declared";
  }
  return p;
}

Result<PackageLicense> ReadCargoToml(std::string_view path, std::string_view text) {
  toml::table root;
  try {
    root = toml::parse(text, std::string(path));
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    return Status::InvalidArgument(Loc(path, static_cast<int>(src.begin.line)) + ":" + std::to_string(src.begin.column),
                                   std::string(e.description()));
  }
  PackageLicense p;
  p.ecosystem = "cargo";
  p.file = std::string(path);
  const toml::table* pkg = root["package"].as_table();
  if (!pkg) {
    // A workspace root declares no package of its own.
    p.declared.note = "no [package] table";
    return p;
  }
  if (auto n = (*pkg)["name"].value<std::string>()) p.package = *n;
  if (auto v = (*pkg)["version"].value<std::string>()) p.version = *v;
  if (auto lf = (*pkg)["license-file"].value<std::string>()) p.license_file = *lf;
  const toml::node* lic = pkg->get("license");
  if (!lic) {
    p.declared.note = p.license_file.empty() ? "no licence declared" : "licence given in a file: " + p.license_file;
    if (const toml::node* f = pkg->get("license-file")) p.line = static_cast<int>(f->source().begin.line);
    return p;
  }
  p.line = static_cast<int>(lic->source().begin.line);
  if (auto s = lic->value<std::string>()) {
    p.declared = InterpretDeclaredLicense(*s);
  } else if (lic->is_table() && lic->as_table()->get("workspace")) {
    p.declared.note = "inherited from the workspace (license.workspace = true)";
  } else {
    return Status::InvalidArgument(Loc(path, p.line), "package.license is not a string");
  }
  return p;
}

Result<PackageLicense> ReadMavenPom(std::string_view path, std::string_view text) {
  std::string s(text);
  // Comments first (a commented-out <licenses> must not count).
  size_t at = 0;
  while ((at = s.find("<!--", at)) != std::string::npos) {
    size_t end = s.find("-->", at + 4);
    if (end == std::string::npos) {
      return Status::InvalidArgument(Loc(path, LineOf(text, at)) + ":" + std::to_string(ColOf(text, at)),
                                     "unterminated comment");
    }
    for (size_t i = at; i < end + 3; ++i) {
      if (s[i] != '\n') s[i] = ' ';
    }
    at = end + 3;
  }
  size_t proj = s.find("<project");
  if (proj == std::string::npos) return Status::InvalidArgument(Loc(path, 1), "no <project> element (not a Maven POM)");
  PackageLicense p;
  p.ecosystem = "maven";
  p.file = std::string(path);
  std::string top = s;
  for (std::string_view tag : {"parent", "dependencies", "dependencyManagement", "build", "profiles", "reporting",
                               "modules", "licenses", "developers", "contributors", "organization", "scm",
                               "distributionManagement", "repositories", "pluginRepositories", "properties"}) {
    Mask(top, tag);
  }
  std::string group, artifact;
  if (auto g = XmlChild(top, "groupId", proj, top.size())) group = g->first;
  if (auto a = XmlChild(top, "artifactId", proj, top.size())) artifact = a->first;
  if (auto v = XmlChild(top, "version", proj, top.size())) p.version = v->first;
  if (group.empty()) {
    // Inherited from <parent>.
    size_t par = s.find("<parent>", proj);
    size_t pend = par == std::string::npos ? std::string::npos : s.find("</parent>", par);
    if (par != std::string::npos && pend != std::string::npos) {
      if (auto g = XmlChild(s, "groupId", par, pend)) group = g->first;
      if (p.version.empty()) {
        if (auto v = XmlChild(s, "version", par, pend)) p.version = v->first;
      }
    }
  }
  p.package = group.empty() ? artifact : group + ":" + artifact;
  size_t ls = s.find("<licenses>", proj);
  if (ls == std::string::npos) {
    p.declared.note = "no <licenses> (may be inherited from the parent POM)";
    return p;
  }
  size_t le = s.find("</licenses>", ls);
  if (le == std::string::npos) {
    return Status::InvalidArgument(Loc(path, LineOf(text, ls)) + ":" + std::to_string(ColOf(text, ls)),
                                   "<licenses> is not closed");
  }
  p.line = LineOf(text, ls);
  std::vector<std::string> names;
  size_t cur = ls;
  while (true) {
    size_t a = s.find("<license>", cur);
    if (a == std::string::npos || a > le) break;
    size_t b = s.find("</license>", a);
    if (b == std::string::npos || b > le) {
      return Status::InvalidArgument(Loc(path, LineOf(text, a)) + ":" + std::to_string(ColOf(text, a)),
                                     "<license> is not closed");
    }
    std::string name, url;
    if (auto n = XmlChild(s, "name", a, b)) name = n->first;
    if (auto u = XmlChild(s, "url", a, b)) url = u->first;
    if (p.line == LineOf(text, ls)) p.line = LineOf(text, a);
    std::string chosen = name;
    if (!name.empty() && !InterpretDeclaredLicense(name).expr) {
      std::string from_url = IdFromUrl(url);
      if (!from_url.empty()) chosen = from_url;
    } else if (name.empty()) {
      chosen = IdFromUrl(url);
      if (chosen.empty()) chosen = url;
    }
    if (!chosen.empty()) names.push_back(chosen);
    cur = b;
  }
  if (names.empty()) {
    p.declared.note = "<licenses> lists no licence";
  } else {
    p.declared = JoinOr(names);
  }
  return p;
}

namespace {

struct Walker {
  Env& env;
  size_t max_files;
  LicenseScan out;
  size_t files = 0;

  bool Budget() { return files < max_files; }

  void LicenseFiles(const std::string& dir, const std::vector<std::string>& names, PackageLicense* pkg) {
    for (const auto& n : names) {
      if (!IsLicenseFileName(n) || !Budget()) continue;
      std::string path = dir + "/" + n;
      auto text = env.ReadFile(path);
      if (!text.ok()) continue;  // a directory named LICENSES/, or unreadable
      ++files;
      FoundLicenseFile f;
      f.path = path;
      f.match = IdentifyLicenseText(*text);
      if (pkg) {
        if (pkg->license_file.empty()) pkg->license_file = n;
        bool good = f.match.kind == LicenseMatch::Kind::kExact || f.match.kind == LicenseMatch::Kind::kNear;
        if (!pkg->declared.expr && good) {
          auto e = ParseLicenseExpression(f.match.id);
          if (e.ok()) {
            pkg->declared.expr = std::move(e).value();
            pkg->declared.note = "no usable declared licence; identified from " + n;
          }
        }
      }
      out.files.push_back(std::move(f));
    }
  }

  template <typename Reader>
  void Metadata(const std::string& dir, const std::string& file, const std::vector<std::string>& names,
                Reader reader) {
    if (!Budget()) return;
    std::string path = dir + "/" + file;
    auto text = env.ReadFile(path);
    if (!text.ok()) return;
    ++files;
    auto r = reader(path, *text);
    if (!r.ok()) {
      out.errors.push_back(r.status().ToString());
      return;
    }
    PackageLicense p = std::move(r).value();
    LicenseFiles(dir, names, &p);
    out.packages.push_back(std::move(p));
  }

  void NodeModules(const std::string& dir, int depth) {
    if (depth > kMaxDepth || !Budget()) return;
    auto entries = env.ListDir(dir);
    if (!entries.ok()) return;
    for (const auto& e : *entries) {
      if (e.empty() || e[0] == '.') continue;
      std::string sub = dir + "/" + e;
      if (e[0] == '@') {
        auto scoped = env.ListDir(sub);
        if (!scoped.ok()) continue;
        for (const auto& s : *scoped) Package(sub + "/" + s, depth + 1);
      } else {
        Package(sub, depth + 1);
      }
    }
  }

  void Package(const std::string& dir, int depth) {
    auto names = env.ListDir(dir);
    if (!names.ok()) return;
    const auto& n = *names;
    if (std::find(n.begin(), n.end(), "package.json") != n.end()) Metadata(dir, "package.json", n, ReadNpmPackageJson);
    if (std::find(n.begin(), n.end(), "node_modules") != n.end()) NodeModules(dir + "/node_modules", depth + 1);
  }

  void DistInfo(const std::string& dir) {
    auto names = env.ListDir(dir);
    if (!names.ok()) return;
    std::vector<std::string> n = *names;
    if (std::find(n.begin(), n.end(), "METADATA") == n.end() && std::find(n.begin(), n.end(), "PKG-INFO") == n.end()) return;
    std::string meta = std::find(n.begin(), n.end(), "METADATA") != n.end() ? "METADATA" : "PKG-INFO";
    size_t before = out.packages.size();
    Metadata(dir, meta, n, ReadPythonMetadata);
    // PEP 639 puts licence files under <dist-info>/licenses/.
    if (out.packages.size() > before && std::find(n.begin(), n.end(), "licenses") != n.end()) {
      auto lic = env.ListDir(dir + "/licenses");
      if (lic.ok()) {
        std::vector<std::string> all;
        for (const auto& f : *lic) all.push_back(f);
        LicenseFiles(dir + "/licenses", all, &out.packages.back());
      }
    }
  }

  void Dir(const std::string& dir, int depth, bool root) {
    if (depth > kMaxDepth || !Budget()) return;
    auto entries = env.ListDir(dir);
    if (!entries.ok()) return;
    const auto& n = *entries;
    bool site_packages = std::any_of(n.begin(), n.end(), [](const std::string& e) {
      return e.size() > 10 && (e.compare(e.size() - 10, 10, ".dist-info") == 0);
    });
    bool has_cargo = std::find(n.begin(), n.end(), "Cargo.toml") != n.end();
    bool has_pom = std::find(n.begin(), n.end(), "pom.xml") != n.end();
    if (has_cargo) Metadata(dir, "Cargo.toml", n, ReadCargoToml);
    if (has_pom) Metadata(dir, "pom.xml", n, ReadMavenPom);
    if (root && !has_cargo && !has_pom) LicenseFiles(dir, n, nullptr);
    for (const auto& e : n) {
      if (e == ".git" || e == ".hg" || e == ".svn" || e == "__pycache__") continue;
      std::string sub = dir + "/" + e;
      if (e == "node_modules") {
        NodeModules(sub, depth + 1);
      } else if (e.size() > 10 && e.compare(e.size() - 10, 10, ".dist-info") == 0) {
        DistInfo(sub);
      } else if (e.size() > 9 && e.compare(e.size() - 9, 9, ".egg-info") == 0) {
        DistInfo(sub);
      } else if (!site_packages && (e[0] != '.' || e == ".venv")) {
        if (IsLicenseFileName(e) || e == "Cargo.toml" || e == "pom.xml") continue;
        Dir(sub, depth + 1, false);
      }
    }
  }
};

}  // namespace

Result<LicenseScan> ScanLicenses(Env& env, const std::string& root, size_t max_files) {
  auto top = env.ListDir(root);
  if (!top.ok()) return top.status();
  Walker w{env, max_files, {}, 0};
  w.Dir(root, 0, true);
  return std::move(w.out);
}

}  // namespace custody
