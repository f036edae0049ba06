// Go (go.mod, go.sum), Cargo (Cargo.toml, Cargo.lock), RubyGems
// (Gemfile.lock), Maven (pom.xml), Gradle (gradle.lockfile), Packagist
// (composer.json, composer.lock) and NuGet (packages.lock.json).
#include <tinyxml2.h>
#include <toml++/toml.h>

#include <algorithm>
#include <map>
#include <set>

#include "deps/deps_internal.h"
#include "deps/json_tree.h"

namespace custody::deps {
namespace {

Package Make(Ecosystem e, std::string name, std::string version, bool pinned, bool direct, bool dev,
             std::string_view path, uint32_t line) {
  Package p;
  p.ecosystem = e;
  p.name = std::move(name);
  p.version = std::move(version);
  p.pinned = pinned;
  p.direct = direct;
  p.dev = dev;
  p.file = std::string(path);
  p.line = line;
  return p;
}

// Whitespace-separated fields of a line.
std::vector<std::string_view> Fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}

std::string GoUnquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '`') && s.back() == s.front()) {
    return std::string(s.substr(1, s.size() - 2));
  }
  return std::string(s);
}

bool LocalGoPath(std::string_view p) {
  return StartsWith(p, "./") || StartsWith(p, "../") || StartsWith(p, "/") || p == "." || p == "..";
}

Result<toml::table> ParseToml(std::string_view path, std::string_view text) {
  try {
    return toml::parse(text, std::string(path));
  } catch (const toml::parse_error& e) {
    return ErrorAt(path, static_cast<uint32_t>(e.source().begin.line), e.description(),
                   static_cast<uint32_t>(e.source().begin.column));
  }
}

uint32_t LineOf(const toml::node& n) { return static_cast<uint32_t>(n.source().begin.line); }

}  // namespace

// ---- Go ------------------------------------------------------------------

Status ParseGoMod(std::string_view path, std::string_view text, const ManifestReader&,
                  std::vector<Package>* out) {
  struct Req {
    std::string mod, version;
    bool indirect = false;
    uint32_t line = 0;
  };
  std::vector<Req> reqs;
  // module (and optional version) -> replacement module and version ("" for
  // a local directory).
  struct Repl {
    std::string mod, version;
    bool local = false;
  };
  std::map<std::pair<std::string, std::string>, Repl> replaces;
  std::vector<std::string_view> lines = SplitLines(text);
  std::string block;  // "require", "replace", ... inside "( ... )"
  for (size_t i = 0; i < lines.size(); ++i) {
    uint32_t n = static_cast<uint32_t>(i + 1);
    std::string_view line = lines[i];
    bool indirect = false;
    size_t comment = line.find("//");
    if (comment != std::string_view::npos) {
      std::string_view c = Trim(line.substr(comment + 2));
      indirect = StartsWith(c, "indirect");
      line = line.substr(0, comment);
    }
    std::vector<std::string_view> f = Fields(line);
    if (f.empty()) continue;
    std::string verb;
    std::vector<std::string_view> args;
    if (!block.empty()) {
      if (f.size() == 1 && f[0] == ")") {
        block.clear();
        continue;
      }
      verb = block;
      args = f;
    } else {
      verb = std::string(f[0]);
      args.assign(f.begin() + 1, f.end());
      if (args.size() == 1 && args[0] == "(") {
        block = verb;
        continue;
      }
    }
    if (verb == "require") {
      if (args.size() != 2) return ErrorAt(path, n, "require: expected MODULE VERSION");
      reqs.push_back({GoUnquote(args[0]), GoUnquote(args[1]), indirect, n});
    } else if (verb == "replace") {
      // OLD [VERSION] => NEW [VERSION]
      auto arrow = std::find(args.begin(), args.end(), "=>");
      if (arrow == args.end()) return ErrorAt(path, n, "replace: expected '=>'");
      size_t left = static_cast<size_t>(arrow - args.begin());
      size_t right = args.size() - left - 1;
      if (left < 1 || left > 2 || right < 1 || right > 2) {
        return ErrorAt(path, n, "replace: expected OLD [VERSION] => NEW [VERSION]");
      }
      Repl r;
      r.mod = GoUnquote(args[left + 1]);
      if (right == 2) r.version = GoUnquote(args[left + 2]);
      r.local = LocalGoPath(r.mod);
      if (!r.local && r.version.empty()) return ErrorAt(path, n, "replace: a module replacement needs a version");
      replaces[{GoUnquote(args[0]), left == 2 ? GoUnquote(args[1]) : std::string()}] = r;
    } else if (verb == "module" || verb == "go" || verb == "toolchain" || verb == "exclude" ||
               verb == "retract" || verb == "godebug" || verb == "tool" || verb == "ignore") {
      continue;
    } else {
      return ErrorAt(path, n, "unknown directive \"" + verb + "\"");
    }
  }
  if (!block.empty()) return ErrorAt(path, static_cast<uint32_t>(lines.size()), block + " block is not closed");
  for (const Req& r : reqs) {
    std::string mod = r.mod, version = r.version;
    auto it = replaces.find({mod, version});
    if (it == replaces.end()) it = replaces.find({mod, std::string()});
    if (it != replaces.end()) {
      if (it->second.local) continue;  // replaced by a directory of the repository
      mod = it->second.mod;
      version = it->second.version;
    }
    out->push_back(Make(Ecosystem::kGo, mod, version, true, !r.indirect, false, path, r.line));
  }
  return Status::OK();
}

Status ParseGoSum(std::string_view path, std::string_view text, const ManifestReader& read,
                  std::vector<Package>* out) {
  // Direct modules come from the go.mod beside it.
  std::set<std::string> direct;
  bool have_mod = false;
  CUSTODY_ASSIGN_OR_RETURN(std::optional<std::string> mod, ReadSibling(read, path, "go.mod"));
  if (mod) {
    std::vector<Package> declared;
    if (ParseGoMod("go.mod", *mod, nullptr, &declared).ok()) {
      have_mod = true;
      for (const Package& p : declared) {
        if (p.direct) direct.insert(p.name + "@" + p.version);
      }
    }
  }
  (void)have_mod;
  std::set<std::string> seen;
  std::vector<std::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    uint32_t n = static_cast<uint32_t>(i + 1);
    std::vector<std::string_view> f = Fields(lines[i]);
    if (f.empty()) continue;
    if (f.size() != 3 || !StartsWith(f[2], "h1:")) {
      return ErrorAt(path, n, "expected MODULE VERSION h1:HASH");
    }
    std::string_view version = f[1];
    // "v1.2.3/go.mod" hashes only the go.mod that version resolution read;
    // the module's code is not in the build.
    if (version.size() > 7 && version.substr(version.size() - 7) == "/go.mod") continue;
    std::string key = std::string(f[0]) + "@" + std::string(version);
    if (!seen.insert(key).second) continue;
    out->push_back(Make(Ecosystem::kGo, std::string(f[0]), std::string(version), true,
                        direct.count(key) != 0, false, path, n));
  }
  return Status::OK();
}

// ---- Cargo ---------------------------------------------------------------

namespace {

Status CargoDeps(std::string_view path, const toml::node& node, std::string_view what, bool dev,
                 std::vector<Package>* out) {
  const toml::table* t = node.as_table();
  if (t == nullptr) return ErrorAt(path, LineOf(node), std::string(what) + ": expected a table");
  for (const auto& [key, v] : *t) {
    std::string name(key.str());
    uint32_t line = LineOf(v);
    std::string spec;
    if (const auto* s = v.as_string(); s != nullptr) {
      spec = s->get();
    } else if (const toml::table* d = v.as_table(); d != nullptr) {
      if ((*d)["path"] && !(*d)["version"]) continue;  // a crate of this repository
      if (const auto* real = (*d)["package"].as_string(); real != nullptr) name = real->get();
      if (const auto* ver = (*d)["version"].as_string(); ver != nullptr) {
        spec = ver->get();
      } else if (const auto* git = (*d)["git"].as_string(); git != nullptr) {
        spec = git->get();
        for (const char* k : {"rev", "tag", "branch"}) {
          if (const auto* r = (*d)[k].as_string(); r != nullptr) {
            spec = r->get();
            break;
          }
        }
      } else if ((*d)["workspace"].value_or(false)) {
        spec = "workspace";
      } else {
        spec = "*";
      }
    } else {
      return ErrorAt(path, line, std::string(what) + "." + name + ": expected a string or a table");
    }
    // "=1.2.3" is Cargo's exact requirement; a bare "1.2.3" means ^1.2.3.
    bool pinned = StartsWith(spec, "=") && IsExactSemver(Trim(std::string_view(spec).substr(1)));
    std::string version = pinned ? std::string(Trim(std::string_view(spec).substr(1))) : spec;
    out->push_back(Make(Ecosystem::kCargo, name, version, pinned, true, dev, path, line));
  }
  return Status::OK();
}

Status CargoSections(std::string_view path, const toml::table& t, std::string_view prefix,
                     std::vector<Package>* out) {
  for (const char* section : {"dependencies", "dev-dependencies", "build-dependencies"}) {
    if (const toml::node* n = t.get(section); n != nullptr) {
      CUSTODY_RETURN_IF_ERROR(CargoDeps(path, *n, std::string(prefix) + section,
                                        std::string_view(section) == "dev-dependencies", out));
    }
  }
  return Status::OK();
}

}  // namespace

Status ParseCargoToml(std::string_view path, std::string_view text, const ManifestReader&,
                      std::vector<Package>* out) {
  CUSTODY_ASSIGN_OR_RETURN(toml::table root, ParseToml(path, text));
  size_t from = out->size();
  CUSTODY_RETURN_IF_ERROR(CargoSections(path, root, "", out));
  if (const toml::table* targets = root["target"].as_table(); targets != nullptr) {
    for (const auto& [cfg, t] : *targets) {
      if (const toml::table* tt = t.as_table(); tt != nullptr) {
        CUSTODY_RETURN_IF_ERROR(CargoSections(path, *tt, "target." + std::string(cfg.str()) + ".", out));
      }
    }
  }
  if (const toml::node* ws = root["workspace"]["dependencies"].node(); ws != nullptr) {
    CUSTODY_RETURN_IF_ERROR(CargoDeps(path, *ws, "workspace.dependencies", false, out));
  }
  std::stable_sort(out->begin() + static_cast<std::ptrdiff_t>(from), out->end(),
                   [](const Package& a, const Package& b) { return a.line < b.line; });
  return Status::OK();
}

Status ParseCargoLock(std::string_view path, std::string_view text, const ManifestReader&,
                      std::vector<Package>* out) {
  CUSTODY_ASSIGN_OR_RETURN(toml::table root, ParseToml(path, text));
  const toml::node* pkgs = root.get("package");
  if (pkgs == nullptr) return Status::OK();
  const toml::array* arr = pkgs->as_array();
  if (arr == nullptr) return ErrorAt(path, LineOf(*pkgs), "package: expected [[package]] tables");
  struct Entry {
    std::string name, version;
    uint32_t line;
    bool local;
  };
  std::vector<Entry> entries;
  std::set<std::string> direct;  // "name" or "name version" of a local crate's dependencies
  for (const toml::node& n : *arr) {
    const toml::table* t = n.as_table();
    if (t == nullptr) return ErrorAt(path, LineOf(n), "package: expected a table");
    const auto* name = (*t)["name"].as_string();
    const auto* version = (*t)["version"].as_string();
    if (name == nullptr || version == nullptr) {
      return ErrorAt(path, LineOf(n), "[[package]] needs a name and a version");
    }
    // Crates without a source are the workspace's own.
    bool local = (*t)["source"].node() == nullptr;
    entries.push_back({name->get(), version->get(), LineOf(*(*t)["name"].node()), local});
    if (!local) continue;
    if (const toml::array* deps = (*t)["dependencies"].as_array(); deps != nullptr) {
      for (const toml::node& d : *deps) {
        const auto* s = d.as_string();
        if (s == nullptr) return ErrorAt(path, LineOf(d), "dependencies: expected strings");
        std::vector<std::string_view> f = Fields(s->get());
        if (f.empty()) continue;
        direct.insert(std::string(f[0]));
        if (f.size() >= 2) direct.insert(std::string(f[0]) + " " + std::string(f[1]));
      }
    }
  }
  // "name" alone in a dependency list means the only version of that name.
  std::map<std::string, int> versions_of;
  for (const Entry& e : entries) ++versions_of[e.name];
  for (const Entry& e : entries) {
    if (e.local) continue;
    bool is_direct = direct.count(e.name + " " + e.version) != 0 ||
                     (versions_of[e.name] == 1 && direct.count(e.name) != 0);
    out->push_back(Make(Ecosystem::kCargo, e.name, e.version, true, is_direct, false, path, e.line));
  }
  return Status::OK();
}

// ---- RubyGems --------------------------------------------------------------

Status ParseGemfileLock(std::string_view path, std::string_view text, const ManifestReader&,
                        std::vector<Package>* out) {
  std::vector<std::string_view> lines = SplitLines(text);
  std::set<std::string> direct;
  // First pass: DEPENDENCIES (it follows the specs).
  std::string section;
  for (std::string_view line : lines) {
    if (!line.empty() && line.front() != ' ') {
      section = std::string(Trim(line));
      continue;
    }
    if (section == "DEPENDENCIES" && StartsWith(line, "  ") && line.size() > 2 && line[2] != ' ') {
      std::vector<std::string_view> f = Fields(line);
      if (f.empty()) continue;
      std::string name(f[0]);
      if (!name.empty() && name.back() == '!') name.pop_back();  // from a GIT or PATH source
      direct.insert(name);
    }
  }
  section.clear();
  bool in_specs = false, path_source = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    uint32_t n = static_cast<uint32_t>(i + 1);
    std::string_view line = lines[i];
    if (Trim(line).empty()) continue;
    if (line.front() != ' ') {
      section = std::string(Trim(line));
      in_specs = false;
      path_source = section == "PATH";
      continue;
    }
    if (section != "GEM" && section != "GIT" && section != "PATH" && section != "PLUGIN SOURCE") continue;
    if (StartsWith(line, "  ") && line.size() > 2 && line[2] != ' ') {
      in_specs = Trim(line) == "specs:";
      continue;
    }
    // Specs are indented four spaces; their own dependencies six.
    if (!in_specs || !StartsWith(line, "    ") || (line.size() > 4 && line[4] == ' ')) continue;
    std::string_view t = Trim(line);
    size_t open = t.find(" (");
    if (open == std::string_view::npos || t.back() != ')') {
      return ErrorAt(path, n, "expected \"name (version)\" in specs", 5);
    }
    std::string name(t.substr(0, open));
    std::string_view version = t.substr(open + 2, t.size() - open - 3);
    // "1.16.3-x86_64-linux": the platform follows the first '-'.
    size_t dash = version.find('-');
    if (dash != std::string_view::npos) version = version.substr(0, dash);
    if (name.empty() || version.empty()) return ErrorAt(path, n, "empty name or version", 5);
    if (path_source) continue;  // a gem of this repository
    out->push_back(Make(Ecosystem::kRubyGems, name, std::string(version), true,
                        direct.count(name) != 0, false, path, n));
  }
  return Status::OK();
}

// ---- Maven -----------------------------------------------------------------

namespace {

std::string ChildText(const tinyxml2::XMLElement* e, const char* name) {
  const tinyxml2::XMLElement* c = e->FirstChildElement(name);
  if (c == nullptr || c->GetText() == nullptr) return "";
  return std::string(Trim(c->GetText()));
}

// Replaces ${name} from `props` (repeatedly, for properties built from
// properties); unknown names stay as written.
std::string Interpolate(std::string s, const std::map<std::string, std::string>& props) {
  for (int round = 0; round < 8; ++round) {
    size_t open = s.find("${");
    if (open == std::string::npos) break;
    std::string out;
    size_t i = 0;
    bool changed = false;
    while (i < s.size()) {
      size_t o = s.find("${", i);
      if (o == std::string::npos) {
        out += s.substr(i);
        break;
      }
      size_t c = s.find('}', o);
      if (c == std::string::npos) {
        out += s.substr(i);
        break;
      }
      out += s.substr(i, o - i);
      auto it = props.find(s.substr(o + 2, c - o - 2));
      if (it != props.end()) {
        out += it->second;
        changed = true;
      } else {
        out += s.substr(o, c - o + 1);
      }
      i = c + 1;
    }
    if (out.size() > 4096) break;  // a property bomb
    s = std::move(out);
    if (!changed) break;
  }
  return s;
}

bool MavenExact(std::string_view v) {
  if (v.empty()) return false;
  return v.find_first_of("[](),${}") == std::string_view::npos;
}

}  // namespace

Status ParsePom(std::string_view path, std::string_view text, const ManifestReader&,
                std::vector<Package>* out) {
  tinyxml2::XMLDocument doc;
  if (doc.Parse(text.data(), text.size()) != tinyxml2::XML_SUCCESS) {
    return ErrorAt(path, static_cast<uint32_t>(std::max(1, doc.ErrorLineNum())),
                   doc.ErrorName() != nullptr ? doc.ErrorName() : "invalid XML");
  }
  const tinyxml2::XMLElement* project = doc.RootElement();
  if (project == nullptr || std::string_view(project->Name()) != "project") {
    return ErrorAt(path, project != nullptr ? static_cast<uint32_t>(project->GetLineNum()) : 1,
                   "expected a <project> root element");
  }
  size_t from = out->size();
  std::map<std::string, std::string> props;
  const tinyxml2::XMLElement* parent = project->FirstChildElement("parent");
  std::string group = ChildText(project, "groupId"), version = ChildText(project, "version");
  if (parent != nullptr) {
    if (group.empty()) group = ChildText(parent, "groupId");
    if (version.empty()) version = ChildText(parent, "version");
    props["project.parent.version"] = ChildText(parent, "version");
    props["project.parent.groupId"] = ChildText(parent, "groupId");
  }
  props["project.groupId"] = group;
  props["pom.groupId"] = group;
  props["project.version"] = version;
  props["pom.version"] = version;
  props["version"] = version;
  props["project.artifactId"] = ChildText(project, "artifactId");
  if (const auto* p = project->FirstChildElement("properties"); p != nullptr) {
    for (const auto* e = p->FirstChildElement(); e != nullptr; e = e->NextSiblingElement()) {
      props[e->Name()] = e->GetText() != nullptr ? std::string(Trim(e->GetText())) : "";
    }
  }
  struct Dep {
    std::string group, artifact, version, scope;
    bool optional = false;
    uint32_t line = 0;
  };
  auto read_deps = [&](const tinyxml2::XMLElement* deps, std::vector<Dep>* into) -> Status {
    if (deps == nullptr) return Status::OK();
    for (const auto* d = deps->FirstChildElement("dependency"); d != nullptr;
         d = d->NextSiblingElement("dependency")) {
      Dep dep;
      dep.group = Interpolate(ChildText(d, "groupId"), props);
      dep.artifact = Interpolate(ChildText(d, "artifactId"), props);
      dep.version = Interpolate(ChildText(d, "version"), props);
      dep.scope = Interpolate(ChildText(d, "scope"), props);
      dep.optional = ChildText(d, "optional") == "true";
      dep.line = static_cast<uint32_t>(d->GetLineNum());
      if (dep.group.empty() || dep.artifact.empty()) {
        return ErrorAt(path, dep.line, "<dependency> needs groupId and artifactId");
      }
      into->push_back(std::move(dep));
    }
    return Status::OK();
  };
  std::vector<Dep> managed, deps;
  if (const auto* dm = project->FirstChildElement("dependencyManagement"); dm != nullptr) {
    CUSTODY_RETURN_IF_ERROR(read_deps(dm->FirstChildElement("dependencies"), &managed));
  }
  CUSTODY_RETURN_IF_ERROR(read_deps(project->FirstChildElement("dependencies"), &deps));
  std::map<std::string, const Dep*> managed_by_name;
  for (const Dep& m : managed) managed_by_name.emplace(m.group + ":" + m.artifact, &m);
  for (const Dep& d : deps) {
    std::string name = d.group + ":" + d.artifact;
    std::string v = d.version, scope = d.scope;
    if (auto it = managed_by_name.find(name); it != managed_by_name.end()) {
      if (v.empty()) v = it->second->version;
      if (scope.empty()) scope = it->second->scope;
    }
    if (scope == "system") continue;  // a file on the build machine
    bool dev = scope == "test";
    out->push_back(Make(Ecosystem::kMaven, name, v, MavenExact(v), true, dev, path, d.line));
  }
  // BOMs imported by dependencyManagement are artifacts the build fetches.
  for (const Dep& m : managed) {
    if (m.scope != "import") continue;
    out->push_back(Make(Ecosystem::kMaven, m.group + ":" + m.artifact, m.version, MavenExact(m.version),
                        true, false, path, m.line));
  }
  std::stable_sort(out->begin() + static_cast<std::ptrdiff_t>(from), out->end(),
                   [](const Package& a, const Package& b) { return a.line < b.line; });
  return Status::OK();
}

// ---- Gradle ----------------------------------------------------------------

Status ParseGradleLock(std::string_view path, std::string_view text, const ManifestReader&,
                       std::vector<Package>* out) {
  std::vector<std::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    uint32_t n = static_cast<uint32_t>(i + 1);
    std::string_view t = Trim(lines[i]);
    if (t.empty() || t.front() == '#' || StartsWith(t, "empty=")) continue;
    size_t eq = t.find('=');
    std::string_view coord = t.substr(0, eq);
    std::string_view configs = eq == std::string_view::npos ? std::string_view() : t.substr(eq + 1);
    size_t c1 = coord.find(':');
    size_t c2 = c1 == std::string_view::npos ? c1 : coord.find(':', c1 + 1);
    if (c2 == std::string_view::npos || coord.find(':', c2 + 1) != std::string_view::npos ||
        c1 == 0 || c2 == c1 + 1 || c2 + 1 >= coord.size()) {
      return ErrorAt(path, n, "expected group:artifact:version=configurations", 1);
    }
    // Only in test configurations (testCompileClasspath, ...) means dev.
    bool dev = !configs.empty();
    size_t start = 0;
    while (start <= configs.size() && !configs.empty()) {
      size_t comma = configs.find(',', start);
      if (comma == std::string_view::npos) comma = configs.size();
      std::string cfg = Lower(configs.substr(start, comma - start));
      if (cfg.find("test") == std::string::npos) dev = false;
      start = comma + 1;
    }
    out->push_back(Make(Ecosystem::kMaven, std::string(coord.substr(0, c2)),
                        std::string(coord.substr(c2 + 1)), true, false, dev, path, n));
  }
  return Status::OK();
}

// ---- Packagist -------------------------------------------------------------

namespace {

// Platform requirements, not packages: php, hhvm, ext-*, lib-*, composer.
bool ComposerPlatform(std::string_view name) {
  return name.find('/') == std::string_view::npos;
}

}  // namespace

Status ParseComposerJson(std::string_view path, std::string_view text, const ManifestReader&,
                         std::vector<Package>* out) {
  CUSTODY_ASSIGN_OR_RETURN(JsonValue root, ParseJsonTree(text, path));
  if (!root.is_object()) return ErrorAt(path, root.line, "expected a JSON object");
  for (const char* section : {"require", "require-dev"}) {
    const JsonValue* deps = root.Find(section);
    if (deps == nullptr) continue;
    if (!deps->is_object()) return ErrorAt(path, deps->line, std::string(section) + ": expected an object");
    bool dev = std::string_view(section) == "require-dev";
    for (const auto& [name, spec] : deps->members) {
      if (!spec.is_string()) return ErrorAt(path, spec.line, std::string(section) + "." + name + ": expected a string");
      if (ComposerPlatform(name)) continue;
      std::string_view v = spec.str;
      bool pinned = IsExactSemver(StartsWith(v, "v") ? v.substr(1) : v);
      out->push_back(Make(Ecosystem::kPackagist, Lower(name), spec.str, pinned, true, dev, path, spec.line));
    }
  }
  return Status::OK();
}

Status ParseComposerLock(std::string_view path, std::string_view text, const ManifestReader& read,
                         std::vector<Package>* out) {
  CUSTODY_ASSIGN_OR_RETURN(JsonValue root, ParseJsonTree(text, path));
  if (!root.is_object()) return ErrorAt(path, root.line, "expected a JSON object");
  std::set<std::string> direct;
  CUSTODY_ASSIGN_OR_RETURN(std::optional<std::string> manifest, ReadSibling(read, path, "composer.json"));
  if (manifest) {
    std::vector<Package> declared;
    if (ParseComposerJson("composer.json", *manifest, nullptr, &declared).ok()) {
      for (const Package& p : declared) direct.insert(p.name);
    }
  }
  for (const char* section : {"packages", "packages-dev"}) {
    const JsonValue* list = root.Find(section);
    if (list == nullptr || list->type == JsonValue::Type::kNull) continue;
    if (!list->is_array()) return ErrorAt(path, list->line, std::string(section) + ": expected an array");
    bool dev = std::string_view(section) == "packages-dev";
    for (const JsonValue& e : list->items) {
      if (!e.is_object()) return ErrorAt(path, e.line, std::string(section) + ": expected objects");
      const JsonValue* name = e.Find("name");
      std::string_view version = e.GetString("version");
      if (name == nullptr || !name->is_string() || version.empty()) {
        return ErrorAt(path, e.line, "package needs a name and a version");
      }
      std::string n = Lower(name->str);
      // "dev-main" and friends name a branch, not a release.
      bool pinned = !StartsWith(version, "dev-") && version.find(".x-dev") == std::string_view::npos;
      out->push_back(Make(Ecosystem::kPackagist, n, std::string(version), pinned, direct.count(n) != 0,
                          dev, path, name->line));
    }
  }
  return Status::OK();
}

// ---- NuGet -----------------------------------------------------------------

Status ParseNugetLock(std::string_view path, std::string_view text, const ManifestReader&,
                      std::vector<Package>* out) {
  CUSTODY_ASSIGN_OR_RETURN(JsonValue root, ParseJsonTree(text, path));
  if (!root.is_object()) return ErrorAt(path, root.line, "expected a JSON object");
  const JsonValue* frameworks = root.Find("dependencies");
  if (frameworks == nullptr) return ErrorAt(path, 1, "no \"dependencies\" (not a NuGet lock file?)");
  if (!frameworks->is_object()) return ErrorAt(path, frameworks->line, "dependencies: expected an object");
  // The same package locked for several target frameworks is one package;
  // it is direct when any framework says so.
  std::map<std::string, size_t> index;  // lower name@version -> position in out
  for (const auto& [tfm, pkgs] : frameworks->members) {
    if (!pkgs.is_object()) return ErrorAt(path, pkgs.line, "\"" + tfm + "\": expected an object");
    for (const auto& [name, e] : pkgs.members) {
      if (!e.is_object()) return ErrorAt(path, e.line, "\"" + name + "\": expected an object");
      std::string_view type = e.GetString("type");
      if (type == "Project") continue;  // another project of the solution
      std::string_view resolved = e.GetString("resolved");
      if (resolved.empty()) return ErrorAt(path, e.line, "\"" + name + "\": no resolved version");
      bool direct = type == "Direct";
      std::string key = Lower(name) + "@" + std::string(resolved);
      auto it = index.find(key);
      if (it != index.end()) {
        if (direct) (*out)[it->second].direct = true;
        continue;
      }
      index[key] = out->size();
      out->push_back(Make(Ecosystem::kNuGet, name, std::string(resolved), true, direct, false, path, e.line));
    }
  }
  return Status::OK();
}

}  // namespace custody::deps
