// Git's ignore rules: wildmatch and the parsing of ignore files follow git's
// dir.c and wildmatch.c (git 2.39) so that a walk ignores what `git status`
// and `git check-ignore --no-index` ignore (gitignore_test.cc compares them).
#include "scan/gitignore.h"

#include <cstring>

namespace custody {
namespace {

enum class Wild { kMatch, kNoMatch, kAbortAll, kAbortToStarStar };

// ASCII-only character tests, as git's sane ctype (no locale).
bool IsUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(unsigned char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(unsigned char c) { return IsUpper(c) || IsLower(c); }
bool IsAlnum(unsigned char c) { return IsAlpha(c) || IsDigit(c); }
bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsPrint(unsigned char c) { return c >= 0x20 && c <= 0x7e; }
bool IsGraph(unsigned char c) { return IsPrint(c) && !IsSpace(c); }
bool IsPunct(unsigned char c) { return IsGraph(c) && !IsAlnum(c); }
bool IsXdigit(unsigned char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsCntrl(unsigned char c) { return c < 0x20 || c == 0x7f; }
unsigned char Lower(unsigned char c) { return IsUpper(c) ? static_cast<unsigned char>(c + 32) : c; }
unsigned char Upper(unsigned char c) { return IsLower(c) ? static_cast<unsigned char>(c - 32) : c; }
bool IsGlobSpecial(unsigned char c) { return c == '*' || c == '?' || c == '[' || c == '\\'; }

// A view with a NUL sentinel past the end, so the matcher reads like git's
// C (patterns and paths hold no NUL: ignore lines are cut at one).
class Str {
 public:
  explicit Str(std::string_view s) : s_(s) {}
  unsigned char operator[](size_t i) const {
    return i < s_.size() ? static_cast<unsigned char>(s_[i]) : 0;
  }
  size_t size() const { return s_.size(); }
  std::string_view substr(size_t i, size_t n) const { return s_.substr(i, n); }
  // Index of the first '/' at or after i, or npos.
  size_t Slash(size_t i) const { return i < s_.size() ? s_.find('/', i) : std::string_view::npos; }

 private:
  std::string_view s_;
};

// Matches a `[...]` class at pattern index `p` (just after '[') against t.
// On return `p` is at the closing ']'. kAbortAll for an unterminated class
// or an unknown [:name:].
Wild MatchClass(const Str& pat, size_t& p, unsigned char t, unsigned flags, bool* matched_out) {
  unsigned char pc = pat[p];
  if (pc == '^') pc = '!';
  bool negated = pc == '!';
  if (negated) pc = pat[++p];
  unsigned char prev = 0;
  bool matched = false;
  do {
    if (pc == 0) return Wild::kAbortAll;
    if (pc == '\\') {
      pc = pat[++p];
      if (pc == 0) return Wild::kAbortAll;
      if (t == pc) matched = true;
    } else if (pc == '-' && prev != 0 && pat[p + 1] != 0 && pat[p + 1] != ']') {
      pc = pat[++p];
      if (pc == '\\') {
        pc = pat[++p];
        if (pc == 0) return Wild::kAbortAll;
      }
      if (t <= pc && t >= prev) {
        matched = true;
      } else if ((flags & kWildCasefold) && IsLower(t)) {
        unsigned char up = Upper(t);
        if (up <= pc && up >= prev) matched = true;
      }
      pc = 0;  // a range cannot start another one
    } else if (pc == '[' && pat[p + 1] == ':') {
      size_t s = p + 2;
      size_t e = s;
      while (pat[e] != 0 && pat[e] != ']') ++e;
      if (pat[e] == 0) return Wild::kAbortAll;
      if (e == s || pat[e - 1] != ':') {
        // "[:" without ":]": a plain '[' of the set; the set goes on after it.
        if (t == '[') matched = true;
      } else {
        std::string_view cls = pat.substr(s, e - 1 - s);
        bool in;
        if (cls == "alnum") in = IsAlnum(t);
        else if (cls == "alpha") in = IsAlpha(t);
        else if (cls == "blank") in = t == ' ' || t == '\t';
        else if (cls == "cntrl") in = IsCntrl(t);
        else if (cls == "digit") in = IsDigit(t);
        else if (cls == "graph") in = IsGraph(t);
        else if (cls == "lower") in = IsLower(t);
        else if (cls == "print") in = IsPrint(t);
        else if (cls == "punct") in = IsPunct(t);
        else if (cls == "space") in = IsSpace(t);
        else if (cls == "upper") in = IsUpper(t) || ((flags & kWildCasefold) && IsLower(t));
        else if (cls == "xdigit") in = IsXdigit(t);
        else return Wild::kAbortAll;  // an unknown class name
        if (in) matched = true;
        p = e;
        pc = 0;  // a class cannot start a range
      }
    } else if (t == pc) {
      matched = true;
    }
    prev = pc;
    pc = pat[++p];
  } while (pc != ']');
  *matched_out = matched != negated;
  return Wild::kMatch;
}

Wild DoWild(const Str& pat, size_t p, const Str& text, size_t t, unsigned flags) {
  for (; pat[p] != 0; ++t, ++p) {
    unsigned char pc = pat[p];
    unsigned char tc = text[t];
    if (tc == 0 && pc != '*') return Wild::kAbortAll;
    if (flags & kWildCasefold) {
      tc = Lower(tc);
      pc = Lower(pc);
    }
    switch (pc) {
      case '\\':
        // The next character literally (a trailing '\' matches nothing).
        // (git compares the quoted character as written, even with casefold.)
        pc = pat[++p];
        if (tc != pc) return Wild::kNoMatch;
        continue;
      default:
        if (tc != pc) return Wild::kNoMatch;
        continue;
      case '?':
        if ((flags & kWildPathname) && tc == '/') return Wild::kNoMatch;
        continue;
      case '*': {
        bool match_slash;
        if (pat[++p] == '*') {
          size_t before = p - 1;  // the first '*'
          while (pat[++p] == '*') {
          }
          if (!(flags & kWildPathname)) {
            match_slash = true;  // without pathname mode "**" is '*'
          } else if ((before == 0 || pat[before - 1] == '/') &&
              (pat[p] == 0 || pat[p] == '/' || (pat[p] == '\\' && pat[p + 1] == '/'))) {
            // A chain "**/**/..." matches what one "**/" does; taking it as
            // one keeps a long chain from doubling the time per link.
            while (pat[p] == '/' && pat[p + 1] == '*' && pat[p + 2] == '*') {
              size_t next = p + 3;
              while (pat[next] == '*') ++next;
              if (pat[next] != '/' && pat[next] != 0) break;
              p = next;
            }
            // "**/" may match no directory at all: "a/**/b" matches "a/b".
            // An abort there holds for every later start too.
            if (pat[p] == '/') {
              Wild m = DoWild(pat, p + 1, text, t, flags);
              if (m == Wild::kMatch || m == Wild::kAbortAll) return m;
            }
            match_slash = true;
          } else {
            // Not between slashes: a plain '*'.
            match_slash = false;
          }
        } else {
          match_slash = !(flags & kWildPathname);
        }
        if (pat[p] == 0) {
          // A trailing "**" matches the rest; a trailing '*' only within the last component.
          if (!match_slash && text.Slash(t) != std::string_view::npos) return Wild::kNoMatch;
          return Wild::kMatch;
        }
        if (!match_slash && pat[p] == '/') {
          // "*/": the rest of this component, then the slash (the loop consumes it).
          size_t slash = text.Slash(t);
          if (slash == std::string_view::npos) return Wild::kNoMatch;
          t = slash;
          break;
        }
        for (;;) {
          if (tc == 0) break;
          // Skip ahead to the next occurrence of a literal that follows the star.
          if (!IsGlobSpecial(pat[p])) {
            unsigned char want = pat[p];
            if (flags & kWildCasefold) want = Lower(want);
            while ((tc = text[t]) != 0 && (match_slash || tc != '/')) {
              if (flags & kWildCasefold) tc = Lower(tc);
              if (tc == want) break;
              ++t;
            }
            if (tc != want) return Wild::kNoMatch;
          }
          Wild m = DoWild(pat, p, text, t, flags);
          if (m != Wild::kNoMatch) {
            if (!match_slash || m != Wild::kAbortToStarStar) return m;
          } else if (!match_slash && tc == '/') {
            return Wild::kAbortToStarStar;
          }
          tc = text[++t];
          if (flags & kWildCasefold) tc = Lower(tc);
        }
        return Wild::kAbortAll;
      }
      case '[': {
        ++p;
        bool matched = false;
        Wild w = MatchClass(pat, p, tc, flags, &matched);
        if (w != Wild::kMatch) return w;
        if (!matched || ((flags & kWildPathname) && tc == '/')) return Wild::kNoMatch;
        continue;
      }
    }
  }
  return text[t] != 0 ? Wild::kNoMatch : Wild::kMatch;
}

// git's trim_trailing_spaces: unquoted trailing spaces go; tabs stay.
void TrimTrailingSpaces(std::string* s) {
  size_t last_space = std::string::npos;
  for (size_t i = 0; i < s->size(); ++i) {
    char c = (*s)[i];
    if (c == ' ') {
      if (last_space == std::string::npos) last_space = i;
    } else if (c == '\\') {
      if (++i == s->size()) return;  // a lone trailing backslash: keep all
      last_space = std::string::npos;
    } else {
      last_space = std::string::npos;
    }
  }
  if (last_space != std::string::npos) s->resize(last_space);
}

bool HasGlobSpecial(std::string_view s) {
  for (char c : s) {
    if (IsGlobSpecial(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

bool EqualFold(std::string_view a, std::string_view b, bool fold) {
  if (a.size() != b.size()) return false;
  if (!fold) return a == b;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(static_cast<unsigned char>(a[i])) != Lower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool WildMatch(std::string_view pattern, std::string_view text, unsigned flags) {
  return DoWild(Str(pattern), 0, Str(text), 0, flags) == Wild::kMatch;
}

GitignoreList GitignoreList::Parse(std::string_view text, std::string base, std::string source) {
  GitignoreList list;
  list.base_ = std::move(base);
  list.source_ = std::move(source);
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  uint32_t lineno = 0;
  while (!text.empty()) {
    ++lineno;
    size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (raw.empty() || raw[0] == '#') continue;
    // git adds a missing final newline first, so a last "x\r" loses its CR too.
    if (raw.back() == '\r') raw.remove_suffix(1);
    // git handles each line as a C string: it ends at a NUL.
    if (size_t z = raw.find('\0'); z != std::string_view::npos) raw = raw.substr(0, z);
    std::string p(raw);
    TrimTrailingSpaces(&p);
    GitignorePattern pat;
    pat.line = lineno;
    size_t start = 0;
    if (!p.empty() && p[0] == '!') {
      pat.negate = true;
      start = 1;
    }
    std::string_view body(p);
    body.remove_prefix(start);
    if (!body.empty() && body.back() == '/') {
      pat.dir_only = true;
      body.remove_suffix(1);
    }
    pat.basename = body.find('/') == std::string_view::npos;
    if (!pat.basename && body[0] == '/') body.remove_prefix(1);
    pat.glob = std::string(body);
    if (!HasGlobSpecial(pat.glob)) {
      pat.kind = GitignorePattern::Kind::kLiteral;
    } else if (pat.basename && pat.glob.size() > 1 && pat.glob[0] == '*' &&
               !HasGlobSpecial(std::string_view(pat.glob).substr(1))) {
      pat.kind = GitignorePattern::Kind::kEndsWith;
    }
    list.patterns_.push_back(std::move(pat));
  }
  return list;
}

const GitignorePattern* GitignoreList::Match(std::string_view path, bool is_dir,
                                             unsigned flags) const {
  if (patterns_.empty()) return nullptr;
  const bool fold = (flags & kWildCasefold) != 0;
  std::string_view name = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  // The part below this list's directory, for anchored patterns.
  bool under_base = path.size() > base_.size() && EqualFold(path.substr(0, base_.size()), base_, fold);
  std::string_view rest = under_base ? path.substr(base_.size()) : std::string_view();
  for (size_t i = patterns_.size(); i-- > 0;) {
    const GitignorePattern& p = patterns_[i];
    if (p.dir_only && !is_dir) continue;
    if (p.basename) {
      bool m;
      switch (p.kind) {
        case GitignorePattern::Kind::kLiteral:
          m = EqualFold(name, p.glob, fold);
          break;
        case GitignorePattern::Kind::kEndsWith:
          m = name.size() >= p.glob.size() - 1 &&
              EqualFold(name.substr(name.size() - (p.glob.size() - 1)),
                        std::string_view(p.glob).substr(1), fold);
          break;
        default:
          m = WildMatch(p.glob, name, flags & kWildCasefold);
      }
      if (m) return &p;
      continue;
    }
    if (!under_base) continue;
    bool m = p.kind == GitignorePattern::Kind::kLiteral
                 ? EqualFold(rest, p.glob, fold)
                 : WildMatch(p.glob, rest, kWildPathname | (flags & kWildCasefold));
    if (m) return &p;
  }
  return nullptr;
}

void IgnoreTree::AddGlobal(GitignoreList list) {
  if (!list.empty()) globals_.push_back(std::move(list));
}

int IgnoreTree::AddLevel(int parent, GitignoreList list) {
  if (list.empty()) return parent;
  levels_.push_back(Level{parent, std::move(list)});
  return static_cast<int>(levels_.size()) - 1;
}

IgnoreTree::Verdict IgnoreTree::Check(int level, std::string_view path, bool is_dir) const {
  for (int l = level; l != kNoLevel; l = levels_[static_cast<size_t>(l)].parent) {
    const GitignoreList& list = levels_[static_cast<size_t>(l)].list;
    if (const GitignorePattern* p = list.Match(path, is_dir, flags_)) return Verdict{&list, p};
  }
  for (size_t i = globals_.size(); i-- > 0;) {
    if (const GitignorePattern* p = globals_[i].Match(path, is_dir, flags_)) {
      return Verdict{&globals_[i], p};
    }
  }
  return Verdict{};
}

}  // namespace custody
