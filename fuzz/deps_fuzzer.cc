// Fuzzes every manifest and lockfile parser (custody/deps.h). The first byte
// picks the file name, and so the format; the rest is the file's text. The
// reader serves that same text for every sibling or include, so includes
// recurse until the cycle guard or the depth limit stops them. Beyond "no
// crash, no sanitizer report, no exception" it checks that every package
// reported names a file and carries a name.
//
//   build-fuzz/fuzz/deps_fuzzer fuzz/corpus/deps -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>

#include "custody/deps.h"

namespace {

constexpr const char* kNames[] = {
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",      "pnpm-lock.yaml",
    "package.json",      "requirements.txt",    "pyproject.toml", "poetry.lock",
    "Pipfile",           "Pipfile.lock",        "uv.lock",        "go.mod",
    "go.sum",            "Cargo.toml",          "Cargo.lock",     "Gemfile.lock",
    "pom.xml",           "gradle.lockfile",     "composer.json",  "composer.lock",
    "packages.lock.json",
};
constexpr size_t kCount = sizeof(kNames) / sizeof(kNames[0]);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string path = std::string("dir/") + kNames[data[0] % kCount];
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  custody::ManifestReader read = [&](const std::string&) -> custody::Result<std::string> {
    return text;
  };
  auto r = custody::ParseManifest(path, text, read);
  if (r.ok()) {
    for (const custody::Package& p : *r) {
      if (p.file.empty() || p.name.empty()) __builtin_trap();
    }
    (void)custody::DiffDependencies(*r, *r);
  } else if (r.status().message().empty()) {
    __builtin_trap();
  }
  return 0;
}
