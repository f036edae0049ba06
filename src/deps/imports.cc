#include "custody/imports.h"

#include <re2/re2.h>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_set>

#include "custody/registry.h"

namespace custody {
namespace deps_internal {
std::string_view EmbeddedData(std::string_view name);
}  // namespace deps_internal

namespace {

constexpr size_t kMaxImports = 10000;

struct Tables {
  std::unordered_set<std::string> python_stdlib;
  std::unordered_set<std::string> node_builtins;
  std::map<std::string, std::vector<std::string>> python_modules;  // module -> dists
};

void ForEachDataLine(std::string_view text, const std::function<void(std::string_view)>& f) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line[0] != '#') f(line);
  }
}

const Tables& GetTables() {
  static const Tables* t = [] {
    auto* t = new Tables();
    ForEachDataLine(deps_internal::EmbeddedData("imports/python_stdlib"),
                    [&](std::string_view l) { t->python_stdlib.emplace(l); });
    ForEachDataLine(deps_internal::EmbeddedData("imports/node_builtins"),
                    [&](std::string_view l) { t->node_builtins.emplace(l); });
    ForEachDataLine(deps_internal::EmbeddedData("imports/python_modules"), [&](std::string_view l) {
      std::vector<std::string> words;
      size_t p = 0;
      while (p < l.size()) {
        size_t sp = l.find(' ', p);
        if (sp == std::string_view::npos) sp = l.size();
        if (sp > p) words.emplace_back(l.substr(p, sp - p));
        p = sp + 1;
      }
      if (words.size() >= 2) {
        std::string m = words[0];
        words.erase(words.begin());
        t->python_modules[m] = std::move(words);
      }
    });
    return t;
  }();
  return *t;
}

bool EndsWith(std::string_view s, std::string_view suf) {
  return s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf;
}

size_t Indent(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsIdent(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string TopLevel(std::string_view dotted) {
  return std::string(dotted.substr(0, std::min(dotted.find('.'), dotted.size())));
}

void PythonImports(std::string_view text, std::vector<ImportRef>* out) {
  static const RE2 kDynamic(R"((?:importlib\.import_module|__import__)\(\s*["']([A-Za-z_][\w.]*)["'])");
  uint32_t lineno = 0;
  size_t pos = 0;
  std::string_view doc;  // the open triple quote, when inside one
  std::vector<size_t> try_indents;
  while (pos <= text.size() && out->size() < kMaxImports) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++lineno;
    if (!doc.empty()) {
      if (line.find(doc) != std::string_view::npos) doc = {};
      continue;
    }
    std::string_view t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    size_t ind = Indent(line);
    while (!try_indents.empty() && ind <= try_indents.back()) try_indents.pop_back();
    for (std::string_view q : {std::string_view("\"\"\""), std::string_view("'''")}) {
      size_t at = t.find(q);
      if (at != std::string_view::npos && t.find(q, at + 3) == std::string_view::npos) {
        // A docstring or multi-line string opens here; imports before it on
        // this line are still code.
        doc = q;
        t = t.substr(0, at);
        break;
      }
    }
    if (t == "try:") {
      try_indents.push_back(ind);
      continue;
    }
    bool optional = !try_indents.empty();
    size_t start = 0;
    while (start <= t.size()) {
      size_t semi = t.find(';', start);
      if (semi == std::string_view::npos) semi = t.size();
      std::string_view stmt = Trim(t.substr(start, semi - start));
      start = semi + 1;
      if (stmt.substr(0, 7) == "import " || stmt.substr(0, 7) == "import\t") {
        std::string_view rest = stmt.substr(7);
        size_t p = 0;
        while (p <= rest.size()) {
          size_t comma = rest.find(',', p);
          if (comma == std::string_view::npos) comma = rest.size();
          std::string_view item = Trim(rest.substr(p, comma - p));
          p = comma + 1;
          if (size_t sp = item.find_first_of(" \t"); sp != std::string_view::npos) item = item.substr(0, sp);
          while (!item.empty() && (item.front() == '(')) item.remove_prefix(1);
          std::string top = TopLevel(item);
          if (IsIdent(top)) out->push_back({top, lineno, optional});
        }
      } else if (stmt.substr(0, 5) == "from " || stmt.substr(0, 5) == "from\t") {
        std::string_view rest = Trim(stmt.substr(5));
        size_t sp = rest.find_first_of(" \t");
        if (sp == std::string_view::npos) continue;
        std::string_view mod = rest.substr(0, sp);
        if (Trim(rest.substr(sp)).substr(0, 6) != "import") continue;
        if (mod.empty() || mod[0] == '.') continue;  // relative: the package itself
        std::string top = TopLevel(mod);
        if (IsIdent(top)) out->push_back({top, lineno, optional});
      }
    }
    re2::StringPiece input(line.data(), line.size());
    std::string m;
    while (RE2::FindAndConsume(&input, kDynamic, &m)) out->push_back({TopLevel(m), lineno, optional});
  }
}

// Comments blanked out (newlines kept, so offsets keep their lines);
// `in_string`, when given, marks the bytes inside string literals, so an
// import written in a comment or a string is never taken for code.
std::string StripCComments(std::string_view text, std::vector<bool>* in_string = nullptr) {
  std::string out(text);
  if (in_string != nullptr) in_string->assign(text.size(), false);
  size_t i = 0, n = text.size();
  while (i < n) {
    char c = text[i];
    if (c == '/' && i + 1 < n && text[i + 1] == '/') {
      while (i < n && text[i] != '\n') out[i++] = ' ';
    } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      out[i] = out[i + 1] = ' ';
      i += 2;
      while (i < n && !(text[i] == '*' && i + 1 < n && text[i + 1] == '/')) {
        if (text[i] != '\n') out[i] = ' ';
        ++i;
      }
      if (i + 1 < n) {
        out[i] = out[i + 1] = ' ';
        i += 2;
      } else {
        i = n;
      }
    } else if (c == '"' || c == '\'' || c == '`') {
      ++i;
      while (i < n && text[i] != c) {
        if (text[i] == '\\') {
          if (in_string != nullptr) (*in_string)[i] = true;
          ++i;
        }
        if (c != '`' && i < n && text[i] == '\n') break;  // unterminated: stop at the line's end
        if (in_string != nullptr && i < n) (*in_string)[i] = true;
        ++i;
      }
      ++i;
    } else {
      ++i;
    }
  }
  return out;
}

void JsImports(std::string_view text, std::vector<ImportRef>* out) {
  std::vector<bool> in_string;
  std::string code = StripCComments(text, &in_string);
  static const RE2 kPattern(
      R"re((?:^|[^\w$.])((?:import\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s*)?|export\s+(?:type\s+)?[\w$*{}\s,]+?\s+from\s*|(?:require|import)\s*\(\s*)["']([^"'\n]+)["']))re");
  re2::StringPiece whole(code);
  re2::StringPiece groups[3];
  size_t pos = 0;
  size_t scan_from = 0;
  uint32_t line = 1;
  while (pos < code.size() && out->size() < kMaxImports &&
         kPattern.Match(whole, pos, code.size(), RE2::UNANCHORED, groups, 3)) {
    size_t kw = static_cast<size_t>(groups[1].data() - code.data());
    size_t mod = static_cast<size_t>(groups[2].data() - code.data());
    pos = mod + groups[2].size();
    if (in_string[kw]) continue;  // "import x from 'y'" inside a string literal
    for (size_t i = scan_from; i < mod; ++i) line += code[i] == '\n';
    scan_from = mod;
    out->push_back({std::string(groups[2].data(), groups[2].size()), line, false});
  }
}

void GoImports(std::string_view text, std::vector<ImportRef>* out) {
  std::string code = StripCComments(text);
  uint32_t lineno = 0;
  size_t pos = 0;
  bool in_block = false;
  static const RE2 kSpec(R"re(^\s*(?:[\w.]+\s+)?"([^"]+)")re");
  static const RE2 kSingle(R"re(^\s*import\s+(?:[\w.]+\s+)?"([^"]+)")re");
  while (pos <= code.size() && out->size() < kMaxImports) {
    size_t nl = code.find('\n', pos);
    if (nl == std::string::npos) nl = code.size();
    std::string_view line(code.data() + pos, nl - pos);
    pos = nl + 1;
    ++lineno;
    std::string_view t = Trim(line);
    std::string m;
    if (in_block) {
      if (!t.empty() && t[0] == ')') {
        in_block = false;
        continue;
      }
      if (RE2::PartialMatch(line, kSpec, &m)) out->push_back({m, lineno, false});
      continue;
    }
    if (t.substr(0, 6) == "import") {
      std::string_view rest = Trim(t.substr(6));
      if (!rest.empty() && rest[0] == '(') {
        in_block = true;
        rest = Trim(rest.substr(1));
        if (!rest.empty() && RE2::PartialMatch(rest, kSpec, &m)) out->push_back({m, lineno, false});
        if (rest.find(')') != std::string_view::npos) in_block = false;
        continue;
      }
      if (RE2::PartialMatch(line, kSingle, &m)) out->push_back({m, lineno, false});
    }
  }
}

}  // namespace

std::optional<SourceLanguage> SourceLanguageForPath(std::string_view path) {
  for (const char* e : {".py", ".pyw"}) {
    if (EndsWith(path, e)) return SourceLanguage::kPython;
  }
  for (const char* e : {".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts"}) {
    if (EndsWith(path, e)) return SourceLanguage::kJavaScript;
  }
  if (EndsWith(path, ".go")) return SourceLanguage::kGo;
  return std::nullopt;
}

std::vector<ImportRef> ExtractImports(SourceLanguage language, std::string_view text) {
  std::vector<ImportRef> out;
  switch (language) {
    case SourceLanguage::kPython: PythonImports(text, &out); break;
    case SourceLanguage::kJavaScript: JsImports(text, &out); break;
    case SourceLanguage::kGo: GoImports(text, &out); break;
  }
  return out;
}

ImportNeed PackageForImport(SourceLanguage language, std::string_view module) {
  ImportNeed need;
  const Tables& t = GetTables();
  switch (language) {
    case SourceLanguage::kPython: {
      need.ecosystem = Ecosystem::kPyPI;
      std::string top = TopLevel(module);
      if (top.empty() || top == "__future__" || t.python_stdlib.count(top) != 0) {
        need.builtin = true;
        return need;
      }
      if (auto it = t.python_modules.find(top); it != t.python_modules.end()) need.packages = it->second;
      std::string self = NormalizePackageName(Ecosystem::kPyPI, top);
      if (std::find(need.packages.begin(), need.packages.end(), self) == need.packages.end()) {
        need.packages.push_back(self);
      }
      return need;
    }
    case SourceLanguage::kJavaScript: {
      need.ecosystem = Ecosystem::kNpm;
      std::string_view m = module;
      // Relative and absolute paths, subpath imports ("#x"), URLs and
      // protocol imports ("node:fs", "https://…", "virtual:…"), and path
      // aliases ("@/x", "~/x") name no package.
      if (m.empty() || m[0] == '.' || m[0] == '/' || m[0] == '#' || m[0] == '~' ||
          m.find(':') != std::string_view::npos || m.substr(0, 2) == "@/") {
        need.builtin = true;
        return need;
      }
      std::string pkg;
      if (m[0] == '@') {
        size_t slash = m.find('/');
        if (slash == std::string_view::npos) {
          need.builtin = true;
          return need;
        }
        size_t second = m.find('/', slash + 1);
        pkg = std::string(m.substr(0, second));
      } else {
        pkg = std::string(m.substr(0, m.find('/')));
      }
      if (t.node_builtins.count(std::string(m)) != 0 || t.node_builtins.count(pkg) != 0) {
        need.builtin = true;
        return need;
      }
      need.packages.push_back(NormalizePackageName(Ecosystem::kNpm, pkg));
      return need;
    }
    case SourceLanguage::kGo: {
      need.ecosystem = Ecosystem::kGo;
      std::string_view first = module.substr(0, module.find('/'));
      if (first.find('.') == std::string_view::npos) {
        need.builtin = true;  // the standard library (and "C")
        return need;
      }
      need.packages.emplace_back(module);
      return need;
    }
  }
  return need;
}

std::set<std::string> LocalPythonModules(const std::vector<std::string>& paths) {
  std::set<std::string> out;
  for (const auto& p : paths) {
    if (!EndsWith(p, ".py")) continue;
    size_t start = 0;
    while (true) {
      size_t slash = p.find('/', start);
      if (slash == std::string::npos) {
        std::string_view file = std::string_view(p).substr(start);
        file.remove_suffix(3);
        if (IsIdent(file)) out.emplace(file);
        break;
      }
      std::string_view dir = std::string_view(p).substr(start, slash - start);
      if (IsIdent(dir)) out.emplace(dir);
      start = slash + 1;
    }
  }
  return out;
}

std::vector<UndeclaredImport> FindUndeclaredImports(std::string_view path, std::string_view text,
                                                    const ImportContext& context,
                                                    const std::vector<uint32_t>* only_lines) {
  std::vector<UndeclaredImport> out;
  auto lang = SourceLanguageForPath(path);
  if (!lang) return out;
  std::set<std::string> seen;
  for (const ImportRef& ref : ExtractImports(*lang, text)) {
    if (ref.optional) continue;
    if (only_lines != nullptr && !std::binary_search(only_lines->begin(), only_lines->end(), ref.line)) continue;
    ImportNeed need = PackageForImport(*lang, ref.module);
    if (need.builtin || need.packages.empty()) continue;
    if (*lang == SourceLanguage::kPython && context.local_modules.count(TopLevel(ref.module)) != 0) continue;
    bool provided = false;
    if (*lang == SourceLanguage::kGo) {
      auto covers = [&](std::string_view mod) {
        return ref.module == mod || (ref.module.size() > mod.size() && ref.module.compare(0, mod.size(), mod) == 0 &&
                                     ref.module[mod.size()] == '/');
      };
      for (const auto& own : context.own_modules) provided = provided || covers(own);
      for (const auto& p : context.declared) {
        if (p.ecosystem == Ecosystem::kGo && covers(p.name)) provided = true;
      }
    } else {
      for (const auto& p : context.declared) {
        if (p.ecosystem != need.ecosystem) continue;
        std::string n = NormalizePackageName(p.ecosystem, p.name);
        if (std::find(need.packages.begin(), need.packages.end(), n) != need.packages.end()) provided = true;
      }
    }
    if (provided) continue;
    std::string key = need.packages[0];
    if (!seen.insert(key).second) continue;  // one report per package per file
    out.push_back({std::string(path), ref.line, ref.module, need.ecosystem, need.packages[0]});
  }
  return out;
}

}  // namespace custody
