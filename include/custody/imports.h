// Imports without a declaration: Python, JavaScript/TypeScript and Go
// imports in code that no manifest declares. Agents import what they never
// add to requirements.txt or package.json; the code then works on the
// agent's machine (where the package happened to be installed) and fails,
// or pulls whatever a registry serves under that name, everywhere else.
//
// The import-name -> package mapping is data (docs/imports.md): Python's
// standard library and Node's built-ins come from the interpreters
// themselves, and Python modules whose PyPI distribution has another name
// ("yaml" -> "pyyaml", "cv2" -> "opencv-python") from Debian's Contents
// index plus a short hand-written list. Go needs no table: a path whose
// first element has no dot is the standard library, anything else is
// provided by the go.mod requirement that is its longest prefix.
//
// Pure functions over text; thread-safe.
#ifndef CUSTODY_IMPORTS_H_
#define CUSTODY_IMPORTS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "custody/package.h"

namespace custody {

enum class SourceLanguage { kPython, kJavaScript, kGo };

// By extension: .py .pyw; .js .mjs .cjs .jsx .ts .tsx .mts .cts; .go.
// nullopt for anything else.
std::optional<SourceLanguage> SourceLanguageForPath(std::string_view path);

struct ImportRef {
  std::string module;  // as written: "yaml.composer" -> "yaml", "lodash/fp", "github.com/a/b/c"
  uint32_t line = 0;   // 1-based
  // Imported inside a Python `try:` block (the usual optional-dependency
  // idiom), so a missing package is expected to be handled.
  bool optional = false;
};

// The modules `text` imports, in order. Python: `import a.b, c`, `from a
// import b` (relative imports skipped), `importlib.import_module("a")`,
// `__import__("a")`; for Python the module is the top-level name. JS/TS:
// `import … from "m"`, `import "m"`, `export … from "m"`, `require("m")`,
// `import("m")` (also across lines); Go: single and grouped imports. Lines in
// comments and Python docstrings are skipped. Bounded: at most 10,000
// imports per file.
std::vector<ImportRef> ExtractImports(SourceLanguage language, std::string_view text);

// What providing `module` takes.
struct ImportNeed {
  Ecosystem ecosystem = Ecosystem::kPyPI;
  bool builtin = false;  // standard library / Node built-in / relative: nothing to declare
  // Normalised (NormalizePackageName) names of the packages any one of
  // which provides it, most likely first. For Go, the import path itself:
  // it is satisfied by any required module that is a path prefix of it.
  std::vector<std::string> packages;
};
ImportNeed PackageForImport(SourceLanguage language, std::string_view module);

struct UndeclaredImport {
  std::string file;
  uint32_t line = 0;
  std::string module;
  Ecosystem ecosystem = Ecosystem::kPyPI;
  std::string package;  // the most likely package to declare
};

// What a project declares and holds.
struct ImportContext {
  std::vector<Package> declared;         // from its manifests and lockfiles
  std::set<std::string> local_modules;   // LocalPythonModules of the tree
  std::vector<std::string> own_modules;  // Go: the tree's own module paths (go.mod `module`)
};

// Python top-level names the tree provides itself: "pkg" for every
// directory holding .py files at any depth below a root ("src/pkg/a.py"
// gives "pkg" and "src"), and "mod" for every "mod.py". Imports of these are
// never reported.
std::set<std::string> LocalPythonModules(const std::vector<std::string>& paths);

// The imports of `text` (file `path`) that nothing in `context` provides.
// With `only_lines` (sorted, 1-based), only imports on those lines count
// (the lines a change added). Optional (try:) imports are not reported.
std::vector<UndeclaredImport> FindUndeclaredImports(std::string_view path, std::string_view text,
                                                    const ImportContext& context,
                                                    const std::vector<uint32_t>* only_lines = nullptr);

}  // namespace custody

#endif  // CUSTODY_IMPORTS_H_
