// The Python family: requirements files (with -r/-c includes), pyproject.toml
// (PEP 621, PEP 735 groups and Poetry), Pipfile, and the poetry.lock,
// Pipfile.lock and uv.lock lockfiles. Names are PEP 503-normalised.
#include <toml++/toml.h>

#include <algorithm>
#include <map>
#include <set>

#include "deps/deps_internal.h"
#include "deps/json_tree.h"

namespace custody::deps {
namespace {

Package Py(std::string_view name, std::string version, bool pinned, bool direct, bool dev,
           std::string_view path, uint32_t line) {
  Package p;
  p.ecosystem = Ecosystem::kPyPI;
  p.name = NormalizePackageName(Ecosystem::kPyPI, name);
  p.version = std::move(version);
  p.pinned = pinned;
  p.direct = direct;
  p.dev = dev;
  p.file = std::string(path);
  p.line = line;
  return p;
}

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

// A PEP 508 requirement, as much as custody needs of it.
struct Requirement {
  std::string name;
  std::string spec;  // version specifier as written ("==1.0", ">=2,<3"), or ""
  std::string url;   // "name @ URL" form
};

// Parses "name[extras] spec ; marker" or "name[extras] @ url ; marker".
// Returns an error message, or "" on success.
std::string ParsePep508(std::string_view s, Requirement* r) {
  s = Trim(s);
  size_t i = 0;
  while (i < s.size() && NameChar(s[i])) ++i;
  if (i == 0) return "expected a package name";
  r->name = std::string(s.substr(0, i));
  char first = r->name.front(), last = r->name.back();
  if (!NameChar(first) || first == '.' || first == '-' || first == '_' || last == '.' ||
      last == '-' || last == '_') {
    return "invalid package name \"" + r->name + "\"";
  }
  std::string_view rest = Trim(s.substr(i));
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return "unterminated extras";
    rest = Trim(rest.substr(close + 1));
  }
  if (!rest.empty() && rest.front() == '@') {
    std::string_view url = Trim(rest.substr(1));
    // The marker follows " ;" after a URL (a ';' inside a URL is kept).
    size_t semi = url.find(" ;");
    if (semi != std::string_view::npos) url = url.substr(0, semi);
    if (url.empty()) return "expected a URL after '@'";
    r->url = std::string(Trim(url));
    return "";
  }
  size_t semi = rest.find(';');
  std::string_view spec = Trim(rest.substr(0, semi));
  if (!spec.empty() && spec.front() == '(') {
    if (spec.back() != ')') return "unbalanced '(' in the version specifier";
    spec = Trim(spec.substr(1, spec.size() - 2));
  }
  if (!spec.empty()) {
    char c = spec.front();
    if (c != '=' && c != '<' && c != '>' && c != '!' && c != '~') {
      return "unexpected \"" + std::string(spec) + "\" after the package name";
    }
  }
  r->spec = std::string(spec);
  return "";
}

// "==1.2.3" and "===1.2.3" are one version; anything else is a range.
bool ExactVersion(std::string_view spec, std::string* version) {
  std::string_view v;
  if (StartsWith(spec, "===")) {
    v = spec.substr(3);
  } else if (StartsWith(spec, "==")) {
    v = spec.substr(2);
  } else {
    return false;
  }
  v = Trim(v);
  if (v.empty() || v.find_first_of("*,<>!~= ") != std::string_view::npos) return false;
  *version = std::string(v);
  return true;
}

Package FromRequirement(const Requirement& r, bool dev, std::string_view path, uint32_t line) {
  std::string version;
  if (!r.url.empty()) {
    // A VCS or archive URL: the ref after '@' (git+https://h/r.git@v1.2) is
    // the closest thing to a version.
    std::string_view u = r.url;
    size_t hash = u.find('#');
    std::string_view body = u.substr(0, hash);
    size_t at = body.rfind('@');
    size_t scheme = body.find("://");
    if (at != std::string_view::npos && scheme != std::string_view::npos && at > scheme + 3 &&
        body.find('/', at) == std::string_view::npos) {
      version = std::string(body.substr(at + 1));
    }
    return Py(r.name, version.empty() ? r.url : version, false, true, dev, path, line);
  }
  if (ExactVersion(r.spec, &version)) return Py(r.name, version, true, true, dev, path, line);
  return Py(r.name, r.spec, false, true, dev, path, line);
}

// requirements-dev.txt, requirements/test.txt, dev-requirements.txt ...:
// a word of the path (split at "/-_.") names a development need.
bool DevByPath(std::string_view path) {
  static const std::set<std::string> kWords = {"dev", "develop", "development", "test", "tests",
                                               "testing", "lint", "docs", "doc", "typing", "ci"};
  std::string lower = Lower(path), word;
  for (size_t i = 0; i <= lower.size(); ++i) {
    char c = i < lower.size() ? lower[i] : '/';
    if (c == '/' || c == '-' || c == '_' || c == '.') {
      if (kWords.count(word) != 0) return true;
      word.clear();
    } else {
      word += c;
    }
  }
  return false;
}

// "git+https://...", "https://...": the line starts with a URL scheme.
bool StartsWithScheme(std::string_view t) {
  size_t colon = t.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = t[i];
    if (!((c >= 'a' && c <= 'z') || c == '+')) return false;
  }
  return true;
}

// Keeps the packages appended since `from` in line order (TOML tables
// iterate by key, not in file order).
void SortByLine(std::vector<Package>* out, size_t from) {
  std::stable_sort(out->begin() + static_cast<std::ptrdiff_t>(from), out->end(),
                   [](const Package& a, const Package& b) { return a.line < b.line; });
}

// "#egg=name" of a URL.
std::string EggName(std::string_view url) {
  size_t egg = url.find("#egg=");
  if (egg == std::string_view::npos) egg = url.find("&egg=");
  if (egg == std::string_view::npos) return "";
  std::string_view n = url.substr(egg + 5);
  size_t end = 0;
  while (end < n.size() && NameChar(n[end])) ++end;
  return std::string(n.substr(0, end));
}

struct ReqState {
  const ManifestReader* read;
  std::set<std::string> visiting;  // include cycle guard
  int depth = 0;
  int files_read = 0;  // includes read in all, against diamonds that branch
};

Status ParseRequirementsFile(std::string_view path, std::string_view text, bool constraints_only,
                             ReqState* st, std::vector<Package>* out) {
  std::vector<std::string_view> lines = SplitLines(text);
  bool dev = DevByPath(path);
  // pip-compile output: "    # via" comments after a requirement say who
  // needs it; "-r requirements.in" among them marks it direct.
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t last = kNone;  // index in `out` of the last requirement of this file
  bool in_via = false, last_has_via = false, last_via_direct = false;
  auto close_via = [&] {
    if (last != kNone && last_has_via) (*out)[last].direct = last_via_direct;
  };
  auto emit = [&](Package p) {
    close_via();
    out->push_back(std::move(p));
    last = out->size() - 1;
    last_has_via = false;
    last_via_direct = false;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    uint32_t n = static_cast<uint32_t>(i + 1);
    std::string logical(lines[i]);
    // Backslash continuations join lines; the requirement keeps its first line.
    while (!logical.empty() && logical.back() == '\\' && i + 1 < lines.size()) {
      logical.pop_back();
      logical += ' ';
      logical += lines[++i];
    }
    std::string_view t = Trim(logical);
    if (t.empty()) continue;
    if (t.front() == '#') {
      std::string_view c = Trim(t.substr(1));
      if (StartsWith(c, "via")) {
        in_via = true;
        last_has_via = true;
        c = Trim(c.substr(3));
      }
      if (in_via && last != kNone && StartsWith(c, "-r ")) last_via_direct = true;
      continue;
    }
    in_via = false;
    // Inline comments start at " #".
    size_t hash = t.find(" #");
    if (hash != std::string_view::npos) t = Trim(t.substr(0, hash));

    if (t.front() == '-') {
      // Options: includes, editables, index settings.
      auto option = [&](std::string_view shrt, std::string_view lng, std::string_view* arg) {
        for (std::string_view o : {shrt, lng}) {
          if (o.empty() || !StartsWith(t, o)) continue;
          std::string_view rest = t.substr(o.size());
          if (!rest.empty() && rest.front() == '=') rest.remove_prefix(1);
          else if (!rest.empty() && rest.front() != ' ' && o.size() > 2) continue;
          *arg = Trim(rest);
          return true;
        }
        return false;
      };
      std::string_view arg;
      bool req = option("-r", "--requirement", &arg);
      bool con = !req && option("-c", "--constraint", &arg);
      if (req || con) {
        if (arg.empty()) return ErrorAt(path, n, "include needs a file name", 1);
        if (StartsWith(arg, "http://") || StartsWith(arg, "https://")) {
          return ErrorAt(path, n, std::string(arg) + ": remote includes are not read", 1);
        }
        std::optional<std::string> inc = JoinRelative(DirOf(path), arg);
        if (!inc) return ErrorAt(path, n, std::string(arg) + ": include outside the tree", 1);
        if (st->read == nullptr || !*st->read) {
          return Status::NotFound(std::string(path) + ":" + std::to_string(n),
                                  *inc + ": includes cannot be read here");
        }
        if (st->visiting.count(*inc) != 0) continue;  // a cycle: already being read
        if (st->depth >= 16) return ErrorAt(path, n, "includes nested too deep", 1);
        if (++st->files_read > 256) return ErrorAt(path, n, "more than 256 includes", 1);
        Result<std::string> itext = (*st->read)(*inc);
        if (!itext.ok()) {
          if (itext.status().code() == Code::kNotFound) {
            return Status::NotFound(std::string(path) + ":" + std::to_string(n),
                                    *inc + ": included file not found");
          }
          return itext.status();
        }
        st->visiting.insert(*inc);
        ++st->depth;
        // Constraints pin versions but install nothing: parsed for errors,
        // not reported.
        std::vector<Package> included;
        Status s = ParseRequirementsFile(*inc, *itext, constraints_only || con, st, &included);
        --st->depth;
        st->visiting.erase(*inc);
        CUSTODY_RETURN_IF_ERROR(s);
        close_via();
        last = kNone;
        if (!constraints_only && !con) {
          for (Package& p : included) out->push_back(std::move(p));
        }
        continue;
      }
      if (option("-e", "--editable", &arg)) {
        std::string egg = EggName(arg);
        if (!egg.empty() && arg.find("://") != std::string_view::npos && !constraints_only) {
          Requirement r;
          r.name = egg;
          r.url = std::string(arg);
          emit(FromRequirement(r, dev, path, n));
        }
        continue;  // a local editable path is the project's own code
      }
      continue;  // -i, --index-url, --hash on its own line, -f, --pre ...
    }
    // Per-requirement options (--hash=..., --config-settings) follow it.
    size_t opt = t.find(" --");
    if (opt != std::string_view::npos) t = Trim(t.substr(0, opt));
    if (StartsWithScheme(t)) {
      // A bare URL: "https://h/pkg-1.0.tar.gz#egg=pkg", "git+https://h/r.git#egg=r".
      std::string egg = EggName(t);
      if (egg.empty()) return ErrorAt(path, n, "URL requirement without #egg=NAME", 1);
      Requirement r;
      r.name = egg;
      r.url = std::string(t);
      if (!constraints_only) emit(FromRequirement(r, dev, path, n));
      continue;
    }
    if (t.front() == '.' || t.front() == '/') continue;  // a local directory or archive
    Requirement r;
    std::string err = ParsePep508(t, &r);
    if (!err.empty()) return ErrorAt(path, n, err, 1);
    if (constraints_only) continue;
    emit(FromRequirement(r, dev, path, n));
  }
  close_via();
  return Status::OK();
}

// toml++ throws on parse errors; they stop here (STYLE.md rule 14).
Result<toml::table> ParseToml(std::string_view path, std::string_view text) {
  try {
    return toml::parse(text, std::string(path));
  } catch (const toml::parse_error& e) {
    return ErrorAt(path, static_cast<uint32_t>(e.source().begin.line), e.description(),
                   static_cast<uint32_t>(e.source().begin.column));
  }
}

uint32_t LineOf(const toml::node& n) { return static_cast<uint32_t>(n.source().begin.line); }

bool DevGroup(std::string_view group) {
  std::string g = Lower(group);
  return g.find("dev") != std::string::npos || g.find("test") != std::string::npos ||
         g.find("lint") != std::string::npos || g.find("doc") != std::string::npos ||
         g.find("typing") != std::string::npos;
}

// A PEP 508 string array (project.dependencies, an optional-dependencies
// extra, a dependency group).
Status Pep508Array(std::string_view path, const toml::node& node, std::string_view what, bool dev,
                   std::vector<Package>* out) {
  const toml::array* arr = node.as_array();
  if (arr == nullptr) return ErrorAt(path, LineOf(node), std::string(what) + ": expected an array");
  for (const toml::node& el : *arr) {
    if (el.is_table()) continue;  // {include-group = "..."} (PEP 735)
    const auto* s = el.as_string();
    if (s == nullptr) return ErrorAt(path, LineOf(el), std::string(what) + ": expected strings");
    Requirement r;
    std::string err = ParsePep508(s->get(), &r);
    if (!err.empty()) return ErrorAt(path, LineOf(el), std::string(what) + ": " + err);
    out->push_back(FromRequirement(r, dev, path, LineOf(el)));
  }
  return Status::OK();
}

// Poetry's version constraints: "1.2.3" alone is exact, as is "==1.2.3".
bool PoetryExact(std::string_view v, std::string* version) {
  if (ExactVersion(v, version)) return true;
  if (v.empty() || !(v.front() >= '0' && v.front() <= '9')) return false;
  for (char c : v) {
    if (!((c >= '0' && c <= '9') || c == '.' || (c >= 'a' && c <= 'z'))) return false;
  }
  *version = std::string(v);
  return true;
}

// A Poetry or Pipfile dependency table: name = "spec" | {version=..., git=...}.
Status DependencyTable(std::string_view path, const toml::table& table, std::string_view what,
                       bool dev, bool poetry, std::vector<Package>* out) {
  for (const auto& [key, value] : table) {
    std::string name(key.str());
    if (poetry && name == "python") continue;
    uint32_t line = LineOf(value);
    const toml::node* v = &value;
    if (const toml::array* alts = value.as_array(); alts != nullptr) {
      // Poetry's multiple constraints: [{version=..., python=...}, ...]
      if (alts->empty()) continue;
      v = alts->get(0);
    }
    std::string spec;
    bool local = false, has_version = false;
    if (const auto* s = v->as_string(); s != nullptr) {
      spec = s->get();
      has_version = true;
    } else if (const toml::table* t = v->as_table(); t != nullptr) {
      if (const auto* ver = (*t)["version"].as_string(); ver != nullptr) {
        spec = ver->get();
        has_version = true;
      } else if ((*t)["path"] || (*t)["file"]) {
        local = true;
      } else if (const auto* git = (*t)["git"].as_string(); git != nullptr) {
        std::string ref;
        for (const char* k : {"rev", "tag", "ref", "branch"}) {
          if (const auto* r = (*t)[k].as_string(); r != nullptr) {
            ref = r->get();
            break;
          }
        }
        out->push_back(Py(name, ref.empty() ? git->get() : ref, false, true, dev, path, line));
        continue;
      } else if (const auto* url = (*t)["url"].as_string(); url != nullptr) {
        out->push_back(Py(name, url->get(), false, true, dev, path, line));
        continue;
      }
    } else {
      return ErrorAt(path, line, std::string(what) + "." + name + ": expected a string or a table");
    }
    if (local) continue;
    if (!has_version) spec = "*";
    std::string exact;
    bool pinned = poetry ? PoetryExact(spec, &exact) : ExactVersion(spec, &exact);
    if (spec == "*") pinned = false;
    out->push_back(Py(name, pinned ? exact : spec, pinned, true, dev, path, line));
  }
  return Status::OK();
}

// Normalised names a sibling manifest declares -> declared only for dev.
using PyDeclared = std::map<std::string, bool>;

void Declare(const std::vector<Package>& pkgs, PyDeclared* out) {
  for (const Package& p : pkgs) {
    auto [it, inserted] = out->emplace(p.name, p.dev);
    if (!inserted && !p.dev) it->second = false;
  }
}

// The declarations of sibling `name` parsed with `fn`; nullopt when absent
// or unparsable (it is reported on its own then).
Result<std::optional<PyDeclared>> SiblingDeclared(const ManifestReader& read, std::string_view path,
                                                  std::string_view name, ParseFn fn) {
  CUSTODY_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadSibling(read, path, name));
  if (!text) return std::optional<PyDeclared>();
  std::vector<Package> pkgs;
  if (!fn(name, *text, nullptr, &pkgs).ok()) return std::optional<PyDeclared>();
  PyDeclared d;
  Declare(pkgs, &d);
  return std::optional<PyDeclared>(std::move(d));
}

}  // namespace

Status ParseRequirements(std::string_view path, std::string_view text, const ManifestReader& read,
                         std::vector<Package>* out) {
  ReqState st;
  st.read = &read;
  st.visiting.insert(std::string(path));
  return ParseRequirementsFile(path, text, false, &st, out);
}

Status ParsePyproject(std::string_view path, std::string_view text, const ManifestReader&,
                      std::vector<Package>* out) {
  CUSTODY_ASSIGN_OR_RETURN(toml::table root, ParseToml(path, text));
  size_t from = out->size();
  if (const toml::table* project = root["project"].as_table(); project != nullptr) {
    if (const toml::node* deps = project->get("dependencies"); deps != nullptr) {
      CUSTODY_RETURN_IF_ERROR(Pep508Array(path, *deps, "project.dependencies", false, out));
    }
    if (const toml::node* opt = project->get("optional-dependencies"); opt != nullptr) {
      const toml::table* t = opt->as_table();
      if (t == nullptr) return ErrorAt(path, LineOf(*opt), "project.optional-dependencies: expected a table");
      for (const auto& [extra, arr] : *t) {
        std::string what = "project.optional-dependencies." + std::string(extra.str());
        CUSTODY_RETURN_IF_ERROR(Pep508Array(path, arr, what, DevGroup(extra.str()), out));
      }
    }
  }
  if (const toml::node* groups = root.get("dependency-groups"); groups != nullptr) {
    const toml::table* t = groups->as_table();
    if (t == nullptr) return ErrorAt(path, LineOf(*groups), "dependency-groups: expected a table");
    for (const auto& [group, arr] : *t) {
      CUSTODY_RETURN_IF_ERROR(
          Pep508Array(path, arr, "dependency-groups." + std::string(group.str()), true, out));
    }
  }
  if (const toml::table* poetry = root["tool"]["poetry"].as_table(); poetry != nullptr) {
    if (const toml::table* t = (*poetry)["dependencies"].as_table(); t != nullptr) {
      CUSTODY_RETURN_IF_ERROR(DependencyTable(path, *t, "tool.poetry.dependencies", false, true, out));
    }
    if (const toml::table* t = (*poetry)["dev-dependencies"].as_table(); t != nullptr) {
      CUSTODY_RETURN_IF_ERROR(DependencyTable(path, *t, "tool.poetry.dev-dependencies", true, true, out));
    }
    if (const toml::table* g = (*poetry)["group"].as_table(); g != nullptr) {
      for (const auto& [name, group] : *g) {
        const toml::table* deps = group.is_table() ? (*group.as_table())["dependencies"].as_table() : nullptr;
        if (deps == nullptr) continue;
        std::string what = "tool.poetry.group." + std::string(name.str()) + ".dependencies";
        CUSTODY_RETURN_IF_ERROR(DependencyTable(path, *deps, what, name.str() != "main", true, out));
      }
    }
  }
  SortByLine(out, from);
  return Status::OK();
}

Status ParsePipfile(std::string_view path, std::string_view text, const ManifestReader&,
                    std::vector<Package>* out) {
  CUSTODY_ASSIGN_OR_RETURN(toml::table root, ParseToml(path, text));
  size_t from = out->size();
  if (const toml::table* t = root["packages"].as_table(); t != nullptr) {
    CUSTODY_RETURN_IF_ERROR(DependencyTable(path, *t, "packages", false, false, out));
  }
  if (const toml::table* t = root["dev-packages"].as_table(); t != nullptr) {
    CUSTODY_RETURN_IF_ERROR(DependencyTable(path, *t, "dev-packages", true, false, out));
  }
  SortByLine(out, from);
  return Status::OK();
}

Status ParsePoetryLock(std::string_view path, std::string_view text, const ManifestReader& read,
                       std::vector<Package>* out) {
  CUSTODY_ASSIGN_OR_RETURN(toml::table root, ParseToml(path, text));
  CUSTODY_ASSIGN_OR_RETURN(std::optional<PyDeclared> declared,
                           SiblingDeclared(read, path, "pyproject.toml", ParsePyproject));
  const toml::node* pkgs = root.get("package");
  if (pkgs == nullptr) return Status::OK();
  const toml::array* arr = pkgs->as_array();
  if (arr == nullptr) return ErrorAt(path, LineOf(*pkgs), "package: expected [[package]] tables");
  for (const toml::node& n : *arr) {
    const toml::table* t = n.as_table();
    if (t == nullptr) return ErrorAt(path, LineOf(n), "package: expected a table");
    const auto* name = (*t)["name"].as_string();
    const auto* version = (*t)["version"].as_string();
    if (name == nullptr || version == nullptr) {
      return ErrorAt(path, LineOf(n), "[[package]] needs a name and a version");
    }
    uint32_t line = LineOf(*(*t)["name"].node());
    bool dev = false;
    if (const auto* cat = (*t)["category"].as_string(); cat != nullptr) dev = cat->get() == "dev";
    if (const toml::array* groups = (*t)["groups"].as_array(); groups != nullptr) {
      dev = true;
      for (const toml::node& g : *groups) {
        if (const auto* s = g.as_string(); s != nullptr && s->get() == "main") dev = false;
      }
    }
    Package p = Py(name->get(), version->get(), true, false, dev, path, line);
    if (declared) {
      auto it = declared->find(p.name);
      if (it != declared->end()) {
        p.direct = true;
        if ((*t)["category"].node() == nullptr && (*t)["groups"].node() == nullptr) p.dev = it->second;
      }
    }
    // Git and directory sources carry the version of their own metadata.
    if (const toml::table* src = (*t)["source"].as_table(); src != nullptr) {
      if (const auto* type = (*src)["type"].as_string(); type != nullptr) {
        if (type->get() == "directory" || type->get() == "file") continue;
        if (type->get() == "git") p.pinned = false;
      }
    }
    out->push_back(std::move(p));
  }
  return Status::OK();
}

Status ParsePipfileLock(std::string_view path, std::string_view text, const ManifestReader& read,
                        std::vector<Package>* out) {
  CUSTODY_ASSIGN_OR_RETURN(JsonValue root, ParseJsonTree(text, path));
  if (!root.is_object()) return ErrorAt(path, root.line, "expected a JSON object");
  CUSTODY_ASSIGN_OR_RETURN(std::optional<PyDeclared> declared,
                           SiblingDeclared(read, path, "Pipfile", ParsePipfile));
  for (const char* section : {"default", "develop"}) {
    const JsonValue* s = root.Find(section);
    if (s == nullptr) continue;
    if (!s->is_object()) return ErrorAt(path, s->line, std::string(section) + ": expected an object");
    bool dev = std::string_view(section) == "develop";
    for (const auto& [name, e] : s->members) {
      if (!e.is_object()) return ErrorAt(path, e.line, "\"" + name + "\": expected an object");
      std::string_view v = e.GetString("version");
      std::string exact;
      Package p;
      if (!v.empty()) {
        bool pinned = ExactVersion(v, &exact);
        p = Py(name, pinned ? exact : std::string(v), pinned, false, dev, path, e.line);
      } else if (!e.GetString("git").empty()) {
        std::string_view ref = e.GetString("ref");
        p = Py(name, std::string(ref.empty() ? e.GetString("git") : ref), false, false, dev, path, e.line);
      } else if (!e.GetString("path").empty() || !e.GetString("file").empty()) {
        continue;
      } else {
        return ErrorAt(path, e.line, "\"" + name + "\": no version");
      }
      if (declared) p.direct = declared->count(p.name) != 0;
      out->push_back(std::move(p));
    }
  }
  return Status::OK();
}

Status ParseUvLock(std::string_view path, std::string_view text, const ManifestReader&,
                   std::vector<Package>* out) {
  CUSTODY_ASSIGN_OR_RETURN(toml::table root, ParseToml(path, text));
  const toml::node* pkgs = root.get("package");
  if (pkgs == nullptr) return Status::OK();
  const toml::array* arr = pkgs->as_array();
  if (arr == nullptr) return ErrorAt(path, LineOf(*pkgs), "package: expected [[package]] tables");

  struct Entry {
    std::string name, version;
    uint32_t line = 0;
    bool local = false;
    std::vector<std::string> deps;      // dependencies + optional-dependencies
    std::vector<std::string> dev_deps;  // dev-dependencies (groups)
  };
  std::vector<Entry> entries;
  auto names_of = [&](const toml::node* n, std::vector<std::string>* into) -> Status {
    if (n == nullptr) return Status::OK();
    const toml::array* a = n->as_array();
    if (a == nullptr) return ErrorAt(path, LineOf(*n), "expected an array of {name = ...}");
    for (const toml::node& d : *a) {
      const toml::table* dt = d.as_table();
      const auto* dn = dt != nullptr ? (*dt)["name"].as_string() : nullptr;
      if (dn == nullptr) return ErrorAt(path, LineOf(d), "dependency without a name");
      into->push_back(NormalizePackageName(Ecosystem::kPyPI, dn->get()));
    }
    return Status::OK();
  };
  for (const toml::node& n : *arr) {
    const toml::table* t = n.as_table();
    if (t == nullptr) return ErrorAt(path, LineOf(n), "package: expected a table");
    const auto* name = (*t)["name"].as_string();
    if (name == nullptr) return ErrorAt(path, LineOf(n), "[[package]] needs a name");
    Entry e;
    e.name = NormalizePackageName(Ecosystem::kPyPI, name->get());
    e.line = LineOf(*(*t)["name"].node());
    if (const toml::table* src = (*t)["source"].as_table(); src != nullptr) {
      for (const char* k : {"editable", "virtual", "directory", "path"}) {
        if ((*src)[k]) e.local = true;
      }
    }
    if (const auto* v = (*t)["version"].as_string(); v != nullptr) e.version = v->get();
    if (!e.local && e.version.empty()) return ErrorAt(path, e.line, e.name + ": no version");
    CUSTODY_RETURN_IF_ERROR(names_of((*t)["dependencies"].node(), &e.deps));
    for (const char* k : {"optional-dependencies", "dev-dependencies"}) {
      const toml::node* groups = (*t)[k].node();
      if (groups == nullptr) continue;
      const toml::table* gt = groups->as_table();
      if (gt == nullptr) return ErrorAt(path, LineOf(*groups), std::string(k) + ": expected a table");
      bool dev = std::string_view(k) == "dev-dependencies";
      for (const auto& [g, list] : *gt) {
        CUSTODY_RETURN_IF_ERROR(names_of(&list, dev ? &e.dev_deps : &e.deps));
      }
    }
    entries.push_back(std::move(e));
  }
  // Direct: named by a local (project or workspace member) package. Dev:
  // not reachable from the local packages' production dependencies.
  std::map<std::string, std::vector<const Entry*>> by_name;
  for (const Entry& e : entries) by_name[e.name].push_back(&e);
  std::set<std::string> direct, prod;
  std::vector<std::string> queue;
  for (const Entry& e : entries) {
    if (!e.local) continue;
    for (const std::string& d : e.deps) {
      direct.insert(d);
      queue.push_back(d);
    }
    for (const std::string& d : e.dev_deps) direct.insert(d);
  }
  while (!queue.empty()) {
    std::string n = std::move(queue.back());
    queue.pop_back();
    if (!prod.insert(n).second) continue;
    auto it = by_name.find(n);
    if (it == by_name.end()) continue;
    for (const Entry* e : it->second) {
      for (const std::string& d : e->deps) queue.push_back(d);
    }
  }
  bool any_local = direct.size() > 0 || std::any_of(entries.begin(), entries.end(),
                                                    [](const Entry& e) { return e.local; });
  for (const Entry& e : entries) {
    if (e.local) continue;
    bool dev = any_local && prod.count(e.name) == 0;
    out->push_back(Py(e.name, e.version, true, direct.count(e.name) != 0, dev, path, e.line));
  }
  return Status::OK();
}

}  // namespace custody::deps
