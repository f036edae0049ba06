// The npm family: package-lock.json / npm-shrinkwrap.json (v1, v2, v3),
// yarn.lock (v1 and berry), pnpm-lock.yaml (v5 to v9) and package.json.
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <set>

#include "deps/deps_internal.h"
#include "deps/json_tree.h"

namespace custody::deps {
namespace {

Package Npm(std::string name, std::string version, bool pinned, bool direct, bool dev,
            std::string_view path, uint32_t line) {
  Package p;
  p.ecosystem = Ecosystem::kNpm;
  p.name = std::move(name);
  p.version = std::move(version);
  p.pinned = pinned;
  p.direct = direct;
  p.dev = dev;
  p.file = std::string(path);
  p.line = line;
  return p;
}

// "name@range" (name may be scoped: "@s/n@1") -> {name, range}.
std::pair<std::string_view, std::string_view> SplitSpec(std::string_view spec) {
  size_t at = spec.find('@', 1);
  if (at == std::string_view::npos) return {spec, {}};
  return {spec.substr(0, at), spec.substr(at + 1)};
}

// A dependency spec that names no registry package: a path, a link or a
// workspace of the same repository.
bool IsLocalSpec(std::string_view v) {
  return StartsWith(v, "file:") || StartsWith(v, "link:") || StartsWith(v, "workspace:") ||
         StartsWith(v, "portal:") || StartsWith(v, "./") || StartsWith(v, "../") ||
         StartsWith(v, "/") || StartsWith(v, "~/");
}

constexpr const char* kSections[] = {"dependencies", "devDependencies", "optionalDependencies",
                                     "peerDependencies"};

// Fills `declared` from the dependency maps of a package.json-shaped object.
void CollectDeclared(const JsonValue& root, NpmDeclared* declared) {
  for (const char* section : kSections) {
    const JsonValue* deps = root.Find(section);
    if (deps == nullptr || !deps->is_object()) continue;
    bool dev = std::string_view(section) == "devDependencies";
    for (const auto& [name, spec] : deps->members) {
      auto [it, inserted] = declared->emplace(name, dev);
      if (!inserted && !dev) it->second = false;
    }
  }
}

// The declarations of the package.json beside `path`; nullopt without one.
// A package.json that does not parse counts as absent here: it is reported
// on its own when the tree is listed.
Result<std::optional<NpmDeclared>> SiblingPackageJson(const ManifestReader& read,
                                                      std::string_view path) {
  CUSTODY_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadSibling(read, path, "package.json"));
  if (!text) return std::optional<NpmDeclared>();
  Result<JsonValue> root = ParseJsonTree(*text, "package.json");
  if (!root.ok() || !root->is_object()) return std::optional<NpmDeclared>();
  NpmDeclared declared;
  CollectDeclared(*root, &declared);
  return std::optional<NpmDeclared>(std::move(declared));
}

// "npm:real@1.2.3" (an alias) -> real name and version; otherwise unchanged.
void Unalias(std::string* name, std::string* version) {
  if (!StartsWith(*version, "npm:")) return;
  auto [real, v] = SplitSpec(std::string_view(*version).substr(4));
  std::string real_name(real), real_version(v);
  *name = std::move(real_name);
  *version = std::move(real_version);
}

bool PinnedNpm(std::string_view v) { return IsExactSemver(v); }

Status LockV1(std::string_view path, const JsonValue& deps, const NpmDeclared* declared,
              bool top, std::vector<Package>* out) {
  for (const auto& [key, e] : deps.members) {
    if (!e.is_object()) return ErrorAt(path, e.line, "\"" + key + "\": expected an object");
    std::string name = key;
    std::string version(e.GetString("version"));
    if (version.empty()) return ErrorAt(path, e.line, "\"" + key + "\": no version");
    Unalias(&name, &version);
    bool direct = top && declared != nullptr && declared->count(key) != 0;
    bool dev = e.GetBool("dev");
    bool local = IsLocalSpec(version);
    if (!local) {
      bool pinned = PinnedNpm(version);
      out->push_back(Npm(std::move(name), std::move(version), pinned, direct, dev, path, e.line));
    }
    if (const JsonValue* nested = e.Find("dependencies"); nested != nullptr) {
      if (!nested->is_object()) return ErrorAt(path, nested->line, "dependencies: expected an object");
      CUSTODY_RETURN_IF_ERROR(LockV1(path, *nested, nullptr, false, out));
    }
  }
  return Status::OK();
}

}  // namespace

Status ParsePackageLock(std::string_view path, std::string_view text, const ManifestReader& read,
                        std::vector<Package>* out) {
  CUSTODY_ASSIGN_OR_RETURN(JsonValue root, ParseJsonTree(text, path));
  if (!root.is_object()) return ErrorAt(path, root.line, "expected a JSON object");
  const JsonValue* packages = root.Find("packages");
  if (packages != nullptr) {
    if (!packages->is_object()) return ErrorAt(path, packages->line, "packages: expected an object");
    NpmDeclared declared;
    bool have_declared = false;
    if (const JsonValue* self = packages->Find(""); self != nullptr && self->is_object()) {
      CollectDeclared(*self, &declared);
      have_declared = true;
    } else {
      CUSTODY_ASSIGN_OR_RETURN(std::optional<NpmDeclared> sib, SiblingPackageJson(read, path));
      if (sib) {
        declared = std::move(*sib);
        have_declared = true;
      }
    }
    constexpr std::string_view kNm = "node_modules/";
    for (const auto& [key, e] : packages->members) {
      if (key.empty()) continue;
      if (!e.is_object()) return ErrorAt(path, e.line, "\"" + key + "\": expected an object");
      size_t pos = key.rfind(kNm);
      // Keys without node_modules/ are the workspaces' own folders; links
      // point at them.
      if (pos == std::string::npos || (pos != 0 && key[pos - 1] != '/')) continue;
      if (e.GetBool("link")) continue;
      std::string installed_as = key.substr(pos + kNm.size());
      if (installed_as.empty()) return ErrorAt(path, e.line, "\"" + key + "\": no package name");
      std::string name(e.GetString("name"));
      if (name.empty()) name = installed_as;
      std::string version(e.GetString("version"));
      if (version.empty()) continue;  // an optional package not installed here
      bool direct = pos == 0 && have_declared && declared.count(installed_as) != 0;
      bool pinned = PinnedNpm(version);
      out->push_back(Npm(std::move(name), std::move(version), pinned, direct, e.GetBool("dev"),
                         path, e.line));
    }
    return Status::OK();
  }
  const JsonValue* deps = root.Find("dependencies");
  if (deps == nullptr) {
    // An empty project's lock has neither.
    if (root.Find("lockfileVersion") != nullptr) return Status::OK();
    return ErrorAt(path, 1, "no \"packages\" or \"dependencies\" (not an npm lockfile?)");
  }
  if (!deps->is_object()) return ErrorAt(path, deps->line, "dependencies: expected an object");
  CUSTODY_ASSIGN_OR_RETURN(std::optional<NpmDeclared> declared, SiblingPackageJson(read, path));
  return LockV1(path, *deps, declared ? &*declared : nullptr, true, out);
}

Status ParsePackageJson(std::string_view path, std::string_view text, const ManifestReader&,
                        std::vector<Package>* out) {
  CUSTODY_ASSIGN_OR_RETURN(JsonValue root, ParseJsonTree(text, path));
  if (!root.is_object()) return ErrorAt(path, root.line, "expected a JSON object");
  for (const char* section : kSections) {
    const JsonValue* deps = root.Find(section);
    if (deps == nullptr) continue;
    if (!deps->is_object()) return ErrorAt(path, deps->line, std::string(section) + ": expected an object");
    bool dev = std::string_view(section) == "devDependencies";
    for (const auto& [key, spec] : deps->members) {
      if (!spec.is_string()) {
        return ErrorAt(path, spec.line, std::string(section) + "." + key + ": expected a version string");
      }
      std::string name = key, version = spec.str;
      if (IsLocalSpec(version)) continue;
      Unalias(&name, &version);
      bool pinned = PinnedNpm(version);
      out->push_back(Npm(std::move(name), std::move(version), pinned, true, dev, path, spec.line));
    }
  }
  return Status::OK();
}

// ---- yarn.lock ---------------------------------------------------------

namespace {

std::string Unquote(std::string_view s) {
  s = Trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return std::string(s);
}

// `a@^1, "a@~1.2"` -> the specifiers, unquoted.
std::vector<std::string> SplitSpecs(std::string_view header) {
  std::vector<std::string> specs;
  std::string cur;
  bool quoted = false;
  for (char c : header) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      specs.push_back(std::string(Trim(cur)));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!Trim(cur).empty()) specs.push_back(std::string(Trim(cur)));
  return specs;
}

struct YarnEntry {
  std::string spec_name;  // the name the specifier uses (an alias, maybe)
  std::string name;       // the package actually locked
  std::string version;
  uint32_t line = 0;
};

void EmitYarn(std::string_view path, const std::vector<YarnEntry>& entries,
              const std::optional<NpmDeclared>& declared, std::vector<Package>* out) {
  for (const YarnEntry& e : entries) {
    bool direct = false, dev = false;
    if (declared) {
      auto it = declared->find(e.spec_name);
      if (it != declared->end()) {
        direct = true;
        dev = it->second;
      }
    }
    out->push_back(Npm(e.name, e.version, PinnedNpm(e.version), direct, dev, path, e.line));
  }
}

Status YarnV1(std::string_view path, std::string_view text, std::vector<YarnEntry>* entries) {
  std::vector<std::string_view> lines = SplitLines(text);
  bool in_entry = false, have_version = false, local = false;
  uint32_t entry_line = 0;
  YarnEntry cur;
  auto finish = [&]() -> Status {
    if (!in_entry) return Status::OK();
    if (!have_version) return ErrorAt(path, entry_line, "entry has no version");
    if (!local) entries->push_back(cur);
    return Status::OK();
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    uint32_t n = static_cast<uint32_t>(i + 1);
    std::string_view t = Trim(line);
    if (t.empty() || t.front() == '#') continue;
    size_t indent = line.find_first_not_of(' ');
    if (indent == 0) {
      CUSTODY_RETURN_IF_ERROR(finish());
      if (t.back() != ':') return ErrorAt(path, n, "expected an entry header ending in ':'", 1);
      std::vector<std::string> specs = SplitSpecs(t.substr(0, t.size() - 1));
      if (specs.empty()) return ErrorAt(path, n, "empty entry header", 1);
      auto [spec_name, range] = SplitSpec(specs.front());
      if (spec_name.empty() || range.empty()) {
        return ErrorAt(path, n, "\"" + specs.front() + "\": expected name@range", 1);
      }
      cur = YarnEntry();
      cur.spec_name = std::string(spec_name);
      cur.name = cur.spec_name;
      // "alias@npm:real@^1" locks the package `real`.
      if (StartsWith(range, "npm:")) cur.name = std::string(SplitSpec(range.substr(4)).first);
      local = IsLocalSpec(range);
      cur.line = n;
      entry_line = n;
      in_entry = true;
      have_version = false;
      continue;
    }
    if (!in_entry) return ErrorAt(path, n, "indented line outside an entry", 1);
    if (indent == 2 && StartsWith(t, "version")) {
      std::string_view rest = t.substr(7);
      if (!rest.empty() && rest.front() == ':') rest.remove_prefix(1);
      if (rest.empty() || (rest.front() != ' ' && rest.front() != '"')) continue;  // "versions"?
      cur.version = Unquote(rest);
      if (cur.version.empty()) return ErrorAt(path, n, "empty version", static_cast<uint32_t>(indent + 1));
      have_version = true;
    }
  }
  return finish();
}

uint32_t LineOf(const YAML::Node& n) { return static_cast<uint32_t>(n.Mark().line + 1); }

std::string Scalar(const YAML::Node& n) {
  return n && n.IsScalar() ? n.Scalar() : std::string();
}

Status YarnBerry(std::string_view path, const YAML::Node& root, std::vector<YarnEntry>* entries) {
  if (!root.IsMap()) return ErrorAt(path, LineOf(root), "expected a mapping of entries");
  for (auto it = root.begin(); it != root.end(); ++it) {
    std::string key = Scalar(it->first);
    if (key == "__metadata") continue;
    const YAML::Node v = it->second;  // a copy: the iterator yields temporaries
    uint32_t line = LineOf(it->first);
    if (!v.IsMap()) return ErrorAt(path, line, "\"" + key + "\": expected a mapping");
    std::string resolution = Scalar(v["resolution"]);
    std::string version = Scalar(v["version"]);
    if (resolution.empty() || version.empty()) {
      return ErrorAt(path, line, "\"" + key + "\": needs resolution and version");
    }
    auto [name, how] = SplitSpec(resolution);
    // The project itself and its workspaces, links and portals are not
    // registry packages.
    if (StartsWith(how, "workspace:") || StartsWith(how, "link:") || StartsWith(how, "portal:") ||
        StartsWith(how, "file:")) {
      continue;
    }
    std::vector<std::string> specs = SplitSpecs(key);
    YarnEntry e;
    e.spec_name = specs.empty() ? std::string(name) : std::string(SplitSpec(specs.front()).first);
    e.name = std::string(name);
    e.version = version;
    e.line = line;
    entries->push_back(std::move(e));
  }
  return Status::OK();
}

bool IsBerry(std::string_view text) {
  for (std::string_view line : SplitLines(text)) {
    if (StartsWith(line, "__metadata:")) return true;
  }
  return false;
}

// Runs `fn` on the YAML document `text`, turning yaml-cpp's exceptions
// (parse errors and bad conversions) into InvalidArgument at their mark.
template <typename Fn>
Status WithYaml(std::string_view path, std::string_view text, Fn fn) {
  if (YamlTooDeep(text)) return ErrorAt(path, 1, "nesting too deep");
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return fn(root);
  } catch (const YAML::Exception& e) {
    std::string msg = e.msg.empty() ? std::string("invalid YAML") : e.msg;
    if (e.mark.is_null()) return ErrorAt(path, 1, msg);
    return ErrorAt(path, static_cast<uint32_t>(e.mark.line + 1), msg,
                   static_cast<uint32_t>(e.mark.column + 1));
  } catch (const std::exception& e) {
    return ErrorAt(path, 1, std::string("invalid YAML: ") + e.what());
  }
}

}  // namespace

Status ParseYarnLock(std::string_view path, std::string_view text, const ManifestReader& read,
                     std::vector<Package>* out) {
  std::vector<YarnEntry> entries;
  if (IsBerry(text)) {
    CUSTODY_RETURN_IF_ERROR(WithYaml(path, text, [&](const YAML::Node& root) {
      return YarnBerry(path, root, &entries);
    }));
  } else {
    CUSTODY_RETURN_IF_ERROR(YarnV1(path, text, &entries));
  }
  CUSTODY_ASSIGN_OR_RETURN(std::optional<NpmDeclared> declared, SiblingPackageJson(read, path));
  EmitYarn(path, entries, declared, out);
  return Status::OK();
}

// ---- pnpm-lock.yaml ------------------------------------------------------

namespace {

// "1.2.3(react@18.2.0)" or "1.2.3_react@18.2.0" -> "1.2.3".
std::string StripPeers(std::string_view v, bool old_style) {
  size_t cut = v.find('(');
  if (old_style) cut = std::min(cut, v.find('_'));
  return std::string(v.substr(0, cut));
}

}  // namespace

Status ParsePnpmLock(std::string_view path, std::string_view text, const ManifestReader&,
                     std::vector<Package>* out) {
  return WithYaml(path, text, [&](const YAML::Node& root) -> Status {
    if (!root.IsMap()) return ErrorAt(path, 1, "expected a mapping (not a pnpm lockfile?)");
    std::string lv = Scalar(root["lockfileVersion"]);
    if (lv.empty()) return ErrorAt(path, 1, "no lockfileVersion");
    double major = std::strtod(lv.c_str(), nullptr);
    bool old_style = major < 6;  // keys "/name/1.0.0" instead of "/name@1.0.0"

    // name@version -> declared only as a dev dependency.
    std::map<std::string, bool> direct;
    auto collect = [&](const YAML::Node& importer) {
      if (!importer.IsMap()) return;
      for (const char* section : {"dependencies", "devDependencies", "optionalDependencies"}) {
        YAML::Node deps = importer[section];
        if (!deps || !deps.IsMap()) continue;
        bool dev = std::string_view(section) == "devDependencies";
        for (auto it = deps.begin(); it != deps.end(); ++it) {
          std::string name = Scalar(it->first);
          std::string v = it->second.IsMap() ? Scalar(it->second["version"]) : Scalar(it->second);
          if (v.empty() || IsLocalSpec(v)) continue;
          std::string key = name + "@" + StripPeers(v, old_style);
          auto [d, inserted] = direct.emplace(key, dev);
          if (!inserted && !dev) d->second = false;
        }
      }
    };
    collect(root);  // v5 single-project locks
    if (YAML::Node importers = root["importers"]; importers && importers.IsMap()) {
      for (auto it = importers.begin(); it != importers.end(); ++it) collect(it->second);
    }

    // v9 moved the dependency graph to `snapshots` and dropped the dev
    // flags: a package is dev when no production dependency of an
    // importer reaches it.
    std::set<std::string> prod;
    const YAML::Node snapshots = root["snapshots"];
    bool reach = !old_style && snapshots && snapshots.IsMap();
    if (reach) {
      std::map<std::string, std::vector<std::string>> graph;
      for (auto it = snapshots.begin(); it != snapshots.end(); ++it) {
        std::string key = Scalar(it->first);
        const YAML::Node snap = it->second;
        std::vector<std::string>& edges = graph[StripPeers(key, false)];
        if (!snap.IsMap()) continue;
        for (const char* section : {"dependencies", "optionalDependencies"}) {
          const YAML::Node deps = snap[section];
          if (!deps || !deps.IsMap()) continue;
          for (auto d = deps.begin(); d != deps.end(); ++d) {
            edges.push_back(Scalar(d->first) + "@" + StripPeers(Scalar(d->second), false));
          }
        }
      }
      std::vector<std::string> queue;
      for (const auto& [key, dev_only] : direct) {
        if (!dev_only) queue.push_back(key);
      }
      while (!queue.empty()) {
        std::string k = std::move(queue.back());
        queue.pop_back();
        if (!prod.insert(k).second) continue;
        auto g = graph.find(k);
        if (g == graph.end()) continue;
        for (const std::string& e : g->second) queue.push_back(e);
      }
    }

    YAML::Node packages = root["packages"];
    if (!packages) return Status::OK();
    if (!packages.IsMap()) return ErrorAt(path, LineOf(packages), "packages: expected a mapping");
    for (auto it = packages.begin(); it != packages.end(); ++it) {
      std::string key = Scalar(it->first);
      uint32_t line = LineOf(it->first);
      const YAML::Node v = it->second;  // a copy: the iterator yields temporaries
      if (key.empty()) return ErrorAt(path, line, "empty package key");
      std::string name = v.IsMap() ? Scalar(v["name"]) : std::string();
      std::string version = v.IsMap() ? Scalar(v["version"]) : std::string();
      if (name.empty() || version.empty()) {
        std::string_view k = key;
        if (k.front() == '/') k.remove_prefix(1);
        size_t cut = k.find('(');
        k = k.substr(0, cut);
        size_t sep = old_style ? k.rfind('/') : k.find('@', 1);
        if (sep == std::string_view::npos || sep == 0 || sep + 1 >= k.size()) {
          return ErrorAt(path, line, "\"" + key + "\": expected name and version");
        }
        name = std::string(k.substr(0, sep));
        version = StripPeers(k.substr(sep + 1), old_style);
      }
      bool dev = v.IsMap() && Scalar(v["dev"]) == "true";
      if (reach) dev = prod.count(name + "@" + version) == 0;
      bool is_direct = false;
      if (auto d = direct.find(name + "@" + version); d != direct.end()) {
        is_direct = true;
        dev = dev || d->second;
      }
      bool pinned = PinnedNpm(version);
      out->push_back(Npm(std::move(name), std::move(version), pinned, is_direct, dev, path, line));
    }
    return Status::OK();
  });
}

}  // namespace custody::deps
