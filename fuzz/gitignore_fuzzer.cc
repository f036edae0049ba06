// Fuzzes the gitignore parser and matcher (src/scan/gitignore.h): an ignore
// file from a cloned repository is untrusted input. The input is an ignore
// file, a NUL byte, then '\n'-separated paths (a trailing '/' marks a
// directory). Checks beyond "no crash": GitignoreList::Match, with its
// literal and "*suffix" shortcuts, agrees with plain WildMatch over the
// patterns, last one first; and the case-folded match of a path agrees with
// the case-folded match of its lowercase copy.
//
//   build-fuzz/fuzz/gitignore_fuzzer fuzz/corpus/gitignore -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scan/gitignore.h"

namespace {

using custody::GitignoreList;
using custody::GitignorePattern;

const GitignorePattern* Reference(const GitignoreList& list, std::string_view path, bool is_dir,
                                  unsigned flags) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto& ps = list.patterns();
  for (size_t i = ps.size(); i-- > 0;) {
    const GitignorePattern& p = ps[i];
    if (p.dir_only && !is_dir) continue;
    if (p.basename) {
      if (custody::WildMatch(p.glob, name, flags & custody::kWildCasefold)) return &p;
      continue;
    }
    const std::string& base = list.base();
    if (path.size() <= base.size()) continue;
    std::string_view head = path.substr(0, base.size());
    bool same = true;
    for (size_t k = 0; k < base.size(); ++k) {
      char a = head[k], b = base[k];
      if (flags & custody::kWildCasefold) {
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a + 32);
        if (b >= 'A' && b <= 'Z') b = static_cast<char>(b + 32);
      }
      if (a != b) same = false;
    }
    if (!same) continue;
    if (custody::WildMatch(p.glob, path.substr(base.size()),
                           custody::kWildPathname | (flags & custody::kWildCasefold))) {
      return &p;
    }
  }
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  std::string_view text = in.substr(0, nul);
  std::string_view rest = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);
  // A base directory for some inputs: the first path's directory part.
  std::string base;
  if (!rest.empty() && (rest[0] & 1) != 0) base = "sub/dir/";
  GitignoreList list = GitignoreList::Parse(text, base, "fuzz/.gitignore");
  int n = 0;
  while (!rest.empty() && n++ < 64) {
    size_t nl = rest.find('\n');
    std::string path(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    bool is_dir = !path.empty() && path.back() == '/';
    if (is_dir) path.pop_back();
    if (path.find('\0') != std::string::npos) continue;  // paths hold no NUL
    if (!base.empty()) path = base + path;
    for (unsigned flags : {0u, custody::kWildCasefold}) {
      const GitignorePattern* got = list.Match(path, is_dir, flags);
      if (got != Reference(list, path, is_dir, flags)) std::abort();
    }
    std::string lower = path;
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    // Folding is symmetric for everything but classes and quoted letters
    // (git compares those as written), so only check patterns without them.
    bool simple = true;
    for (const auto& p : list.patterns()) {
      if (p.glob.find_first_of("[\\") != std::string::npos) simple = false;
    }
    if (simple && list.Match(path, is_dir, custody::kWildCasefold) !=
                      list.Match(lower, is_dir, custody::kWildCasefold)) {
      std::abort();
    }
  }
  return 0;
}
