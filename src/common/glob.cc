// Path globs (glob.h).
#include "custody/glob.h"

#include <string>
#include <vector>

namespace custody {
namespace {

bool GlobSegment(std::string_view p, std::string_view s) {
  // Iterative wildcard match with one backtrack point (no exponential cases).
  size_t pi = 0, si = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '[') {
      size_t end = p.find(']', pi + 2);
      if (end != std::string_view::npos) {
        bool neg = p[pi + 1] == '!' || p[pi + 1] == '^';
        size_t k = pi + 1 + (neg ? 1 : 0);
        bool hit = false;
        for (; k < end; ++k) {
          if (k + 2 < end && p[k + 1] == '-') {
            if (s[si] >= p[k] && s[si] <= p[k + 2]) hit = true;
            k += 2;
          } else if (p[k] == s[si]) {
            hit = true;
          }
        }
        if (hit != neg) {
          pi = end + 1;
          ++si;
          continue;
        }
      } else if (p[pi] == s[si]) {
        ++pi;
        ++si;
        continue;
      }
    } else if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si]) && p[pi] != '*') {
      ++pi;
      ++si;
      continue;
    } else if (pi < p.size() && p[pi] == '*') {
      star_p = pi++;
      star_s = si;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::vector<std::string_view> Segments(std::string_view s) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t slash = s.find('/', pos);
    if (slash == std::string_view::npos) slash = s.size();
    if (slash > pos) out.push_back(s.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

// Matches pattern segments against path segments; "**" takes zero or more.
// Memoised over (pattern index, path index) so "**/**/**" stays linear.
bool MatchSegs(const std::vector<std::string_view>& p, const std::vector<std::string_view>& s) {
  std::vector<std::vector<char>> memo(p.size() + 1, std::vector<char>(s.size() + 1, -1));
  auto rec = [&](auto&& self, size_t i, size_t j) -> bool {
    char& m = memo[i][j];
    if (m != -1) return m;
    bool r;
    if (i == p.size()) {
      r = j == s.size();
    } else if (p[i] == "**") {
      r = self(self, i + 1, j) || (j < s.size() && self(self, i, j + 1));
    } else {
      r = j < s.size() && GlobSegment(p[i], s[j]) && self(self, i + 1, j + 1);
    }
    m = r;
    return r;
  };
  return rec(rec, 0, 0);
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view path) {
  std::string pat(pattern);
  if (!pat.empty() && pat.back() == '/') pat += "**";
  while (pat.rfind("./", 0) == 0) pat.erase(0, 2);
  if (!pat.empty() && pat[0] == '/') pat.erase(0, 1);
  return MatchSegs(Segments(pat), Segments(path));
}

Status ValidateGlob(std::string_view pattern) {
  if (pattern.empty()) return Status::InvalidArgument("glob", "empty pattern");
  if (pattern.find('\\') != std::string_view::npos) {
    return Status::InvalidArgument(std::string(pattern),
                                   "backslash in a glob (paths use '/'; no escapes)");
  }
  if (pattern.find('\0') != std::string_view::npos || pattern.find('\n') != std::string_view::npos) {
    return Status::InvalidArgument("glob", "control character in a pattern");
  }
  size_t pos = 0;
  while (pos <= pattern.size()) {
    size_t slash = pattern.find('/', pos);
    if (slash == std::string_view::npos) slash = pattern.size();
    std::string_view seg = pattern.substr(pos, slash - pos);
    if (seg == "..") {
      return Status::InvalidArgument(std::string(pattern),
                                     "\"..\" segment (globs are relative to the work tree top)");
    }
    if (seg != "**" && seg.find("**") != std::string_view::npos) {
      return Status::InvalidArgument(std::string(pattern),
                                     "\"**\" must be a whole path segment (e.g. \"src/**/x.py\")");
    }
    for (size_t i = 0; i < seg.size(); ++i) {
      if (seg[i] != '[') continue;
      size_t close = seg.find(']', i + 2);
      if (close == std::string_view::npos) {
        return Status::InvalidArgument(std::string(pattern), "unclosed '[' character class");
      }
      i = close;
    }
    pos = slash + 1;
  }
  return Status::OK();
}

}  // namespace custody
