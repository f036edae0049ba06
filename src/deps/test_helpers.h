// Helpers of the src/deps unit tests: fixtures under testdata/ and readers
// that serve files from there or from memory.
#ifndef CUSTODY_DEPS_TEST_HELPERS_H_
#define CUSTODY_DEPS_TEST_HELPERS_H_

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "custody/deps.h"

namespace custody::deps_testing {

inline std::string ReadTestdata(const std::string& rel) {
  std::ifstream in(std::string(CUSTODY_DEPS_TESTDATA) + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Reads files of testdata/<root>/ (NotFound when missing).
inline ManifestReader TestdataReader(const std::string& root) {
  return [root](const std::string& p) -> Result<std::string> {
    std::ifstream in(std::string(CUSTODY_DEPS_TESTDATA) + "/" + root + "/" + p, std::ios::binary);
    if (!in) return Status::NotFound(p, "no such file");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
}

inline ManifestReader MapReader(std::map<std::string, std::string> files) {
  return [files = std::move(files)](const std::string& p) -> Result<std::string> {
    auto it = files.find(p);
    if (it == files.end()) return Status::NotFound(p, "no such file");
    return it->second;
  };
}

inline const Package* FindPackage(const std::vector<Package>& pkgs, std::string_view name,
                                  std::string_view version = {}) {
  for (const Package& p : pkgs) {
    if (p.name == name && (version.empty() || p.version == version)) return &p;
  }
  return nullptr;
}

// "name version direct/transitive prod/dev file:line" per package, for
// readable whole-list comparisons.
inline std::vector<std::string> Describe(const std::vector<Package>& pkgs) {
  std::vector<std::string> out;
  for (const Package& p : pkgs) {
    out.push_back(p.name + " " + p.version + (p.pinned ? "" : " (range)") +
                  (p.direct ? " direct" : " transitive") + (p.dev ? " dev " : " prod ") + p.file +
                  ":" + std::to_string(p.line));
  }
  return out;
}

}  // namespace custody::deps_testing

#endif  // CUSTODY_DEPS_TEST_HELPERS_H_
