// SPDX licence expressions: parser, printer, categories, the alias table of
// non-SPDX spellings, and the policy evaluation.
#include <algorithm>
#include <cctype>
#include <utility>

#include "custody/license.h"
#include "deps/license_data.h"

namespace custody {
namespace {
using deps_internal::AsciiLower;

constexpr int kMaxDepth = 64;

bool IdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == ':';
}

struct Token {
  enum Kind { kWord, kLParen, kRParen, kEnd } kind;
  std::string text;
  bool plus = false;
  int col = 0;
};

Status ErrAt(int col, const std::string& what) {
  return Status::InvalidArgument("col " + std::to_string(col), what);
}

Result<std::vector<Token>> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    int col = static_cast<int>(i) + 1;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '(') {
      out.push_back({Token::kLParen, "(", false, col});
      ++i;
    } else if (c == ')') {
      out.push_back({Token::kRParen, ")", false, col});
      ++i;
    } else if (IdChar(c)) {
      size_t j = i;
      while (j < s.size() && IdChar(s[j])) ++j;
      Token t{Token::kWord, std::string(s.substr(i, j - i)), false, col};
      if (j < s.size() && s[j] == '+') {
        t.plus = true;
        ++j;
      }
      out.push_back(std::move(t));
      i = j;
    } else {
      std::string shown = (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                              ? "byte " + std::to_string(static_cast<unsigned char>(c))
                              : "'" + std::string(1, c) + "'";
      return ErrAt(col, "unexpected " + shown + " (ids are letters, digits, '-' and '.')");
    }
  }
  out.push_back({Token::kEnd, "", false, static_cast<int>(s.size()) + 1});
  return out;
}

bool IsOp(const Token& t, const char* op) { return t.kind == Token::kWord && AsciiLower(t.text) == AsciiLower(op); }

bool StartsWithNoCase(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && AsciiLower(s.substr(0, p.size())) == AsciiLower(p);
}
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

bool ValidRefTail(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

void Append(LicenseExpr& into, LicenseExpr child) {
  if (child.kind == into.kind) {
    for (auto& c : child.children) into.children.push_back(std::move(c));
  } else {
    into.children.push_back(std::move(child));
  }
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

  Result<LicenseExpr> Parse() {
    if (t_[0].kind == Token::kEnd) return ErrAt(1, "empty expression");
    CUSTODY_ASSIGN_OR_RETURN(LicenseExpr e, Or(0));
    if (t_[p_].kind != Token::kEnd) {
      if (t_[p_].kind == Token::kRParen) return ErrAt(t_[p_].col, "')' without a matching '('");
      return ErrAt(t_[p_].col, "expected AND, OR or WITH before '" + t_[p_].text + "'");
    }
    return e;
  }

 private:
  Result<LicenseExpr> Or(int depth) {
    CUSTODY_ASSIGN_OR_RETURN(LicenseExpr first, And(depth));
    if (!IsOp(t_[p_], "OR")) return first;
    LicenseExpr e;
    e.kind = LicenseExpr::Kind::kOr;
    Append(e, std::move(first));
    while (IsOp(t_[p_], "OR")) {
      ++p_;
      CUSTODY_ASSIGN_OR_RETURN(LicenseExpr next, And(depth));
      Append(e, std::move(next));
    }
    return e;
  }

  Result<LicenseExpr> And(int depth) {
    CUSTODY_ASSIGN_OR_RETURN(LicenseExpr first, Primary(depth));
    if (!IsOp(t_[p_], "AND")) return first;
    LicenseExpr e;
    e.kind = LicenseExpr::Kind::kAnd;
    Append(e, std::move(first));
    while (IsOp(t_[p_], "AND")) {
      ++p_;
      CUSTODY_ASSIGN_OR_RETURN(LicenseExpr next, Primary(depth));
      Append(e, std::move(next));
    }
    return e;
  }

  Result<LicenseExpr> Primary(int depth) {
    const Token& t = t_[p_];
    if (t.kind == Token::kLParen) {
      if (depth >= kMaxDepth) return ErrAt(t.col, "parentheses nested too deeply");
      ++p_;
      CUSTODY_ASSIGN_OR_RETURN(LicenseExpr inner, Or(depth + 1));
      if (t_[p_].kind != Token::kRParen) return ErrAt(t_[p_].col, "expected ')' to close the '(' at col " + std::to_string(t.col));
      ++p_;
      return inner;
    }
    if (t.kind == Token::kEnd) return ErrAt(t.col, "expected a licence id, found the end");
    if (t.kind == Token::kRParen) return ErrAt(t.col, "expected a licence id, found ')'");
    if (IsOp(t, "AND") || IsOp(t, "OR") || IsOp(t, "WITH")) {
      return ErrAt(t.col, "expected a licence id, found the operator " + t.text);
    }
    ++p_;
    CUSTODY_ASSIGN_OR_RETURN(LicenseExpr leaf, Leaf(t));
    if (IsOp(t_[p_], "WITH")) {
      ++p_;
      const Token& x = t_[p_];
      if (x.kind != Token::kWord || IsOp(x, "AND") || IsOp(x, "OR") || IsOp(x, "WITH")) {
        return ErrAt(x.col, "expected an exception id after WITH");
      }
      ++p_;
      if (x.plus) return ErrAt(x.col, "'+' after the exception " + x.text);
      std::string exc;
      if (StartsWithNoCase(x.text, "AdditionRef-") && ValidRefTail(x.text.substr(12))) {
        exc = "AdditionRef-" + x.text.substr(12);
      } else {
        std::string_view canon = FindLicenseException(x.text);
        if (canon.empty()) return ErrAt(x.col, "unknown licence exception '" + x.text + "'");
        exc = std::string(canon);
      }
      if (leaf.kind != LicenseExpr::Kind::kLicense && leaf.kind != LicenseExpr::Kind::kRef) {
        return ErrAt(x.col, "WITH applies to one licence id");
      }
      if (!leaf.exception.empty()) {
        return ErrAt(x.col, t.text + " already carries the exception " + leaf.exception);
      }
      leaf.exception = std::move(exc);
    }
    return leaf;
  }

  // One id (with its '+'), deprecated ids replaced.
  Result<LicenseExpr> Leaf(const Token& t) {
    LicenseExpr e;
    const std::string& w = t.text;
    if (StartsWithNoCase(w, "LicenseRef-") || StartsWithNoCase(w, "DocumentRef-")) {
      e.kind = LicenseExpr::Kind::kRef;
      if (StartsWithNoCase(w, "DocumentRef-")) {
        size_t colon = w.find(':');
        if (colon == std::string::npos || !ValidRefTail(w.substr(12, colon - 12)) ||
            !StartsWithNoCase(std::string_view(w).substr(colon + 1), "LicenseRef-") ||
            !ValidRefTail(w.substr(colon + 12))) {
          return ErrAt(t.col, "expected DocumentRef-<id>:LicenseRef-<id>, found '" + w + "'");
        }
        e.id = "DocumentRef-" + w.substr(12, colon - 12) + ":LicenseRef-" + w.substr(colon + 12);
      } else {
        if (!ValidRefTail(w.substr(11))) return ErrAt(t.col, "malformed LicenseRef '" + w + "'");
        e.id = "LicenseRef-" + w.substr(11);
      }
      e.or_later = t.plus;
      return e;
    }
    if (w.find(':') != std::string::npos) return ErrAt(t.col, "':' is only allowed in DocumentRef-");
    const LicenseInfo* info = nullptr;
    bool plus = t.plus;
    if (plus) {
      info = FindLicense(w + "+");  // GPL-2.0+ is itself a (deprecated) id
      if (info) plus = false;
    }
    if (!info) info = FindLicense(w);
    if (!info) return ErrAt(t.col, "unknown licence id '" + w + "' (not on the SPDX list; use LicenseRef-)");
    if (info->deprecated && !info->replacement.empty()) {
      // The replacement is "id" or "id WITH exception", both list entries.
      std::string_view r = info->replacement;
      size_t sp = r.find(" WITH ");
      const LicenseInfo* rep = FindLicense(r.substr(0, sp));
      if (rep) {
        info = rep;
        if (sp != std::string_view::npos) e.exception = std::string(r.substr(sp + 6));
      }
    }
    std::string id(info->id);
    if (plus) {
      if (EndsWith(id, "-only") && FindLicense(id.substr(0, id.size() - 5) + "-or-later")) {
        id = std::string(FindLicense(id.substr(0, id.size() - 5) + "-or-later")->id);
        plus = false;
      } else if (EndsWith(id, "-or-later")) {
        plus = false;
      }
    }
    e.kind = LicenseExpr::Kind::kLicense;
    e.id = std::move(id);
    e.or_later = plus;
    return e;
  }

  std::vector<Token> t_;
  size_t p_ = 0;
};

int Strength(LicenseCategory c) {
  switch (c) {
    case LicenseCategory::kWeakCopyleft: return 1;
    case LicenseCategory::kStrongCopyleft: return 2;
    case LicenseCategory::kNetworkCopyleft: return 3;
    default: return 0;
  }
}

int Demand(LicenseCategory c) { return static_cast<int>(c); }

LicenseCategory LeafCategory(const LicenseExpr& e) {
  if (e.kind != LicenseExpr::Kind::kLicense) return LicenseCategory::kUnknown;
  const LicenseInfo* info = FindLicense(e.id);
  LicenseCategory c = info ? info->category : LicenseCategory::kUnknown;
  // Exceptions on GNU-style licences grant linking permissions (Classpath,
  // GCC runtime, Autoconf, ...): the result behaves as weak copyleft.
  if (!e.exception.empty() && c == LicenseCategory::kStrongCopyleft) c = LicenseCategory::kWeakCopyleft;
  return c;
}

// ---- aliases ---------------------------------------------------------------

std::string StripZeros(std::string n) {
  while (n.size() > 2 && EndsWith(n, ".0")) n.resize(n.size() - 2);
  return n;
}

// A loose key for a licence name: lower case, punctuation gone, filler words
// dropped, versions without trailing ".0", GNU names shortened. Sets *plus
// for "+", "or later", "or any later version".
std::string AliasKey(std::string_view raw, bool* plus) {
  std::string s;
  char prev = 0;
  for (char c : raw) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool alnum = std::isalnum(static_cast<unsigned char>(l));
    if (l == '+') {
      s += " + ";
    } else if (alnum || l == '.') {
      if (std::isalpha(static_cast<unsigned char>(prev)) && std::isdigit(static_cast<unsigned char>(l))) s += ' ';
      s += l;
    } else {
      s += ' ';
    }
    prev = l;
  }
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) {
      std::string w = s.substr(i, j - i);
      while (!w.empty() && w.back() == '.') w.pop_back();
      while (!w.empty() && w.front() == '.') w.erase(w.begin());
      if (!w.empty()) words.push_back(w);
    }
    i = j;
  }
  static const char* kDrop[] = {"the", "license", "licence", "licensed", "licenses", "licences", "version",
                                "v", "ver", "vers", "software", "only", "under", "terms", "of", "osi",
                                "approved", "a", "an", "open", "source"};
  std::vector<std::string> kept;
  for (size_t k = 0; k < words.size(); ++k) {
    std::string w = words[k];
    if (w == "+" ) { *plus = true; continue; }
    if ((w == "or" || w == "and") && k + 1 < words.size() &&
        (words[k + 1] == "later" || words[k + 1] == "any" || words[k + 1] == "newer" || words[k + 1] == "above")) {
      *plus = true;
      break;
    }
    if (w == "later" || w == "newer") { *plus = true; continue; }
    if (std::find(std::begin(kDrop), std::end(kDrop), w) != std::end(kDrop)) continue;
    if (w.size() > 1 && w.back() == 'v' && k + 1 < words.size() && std::isdigit(static_cast<unsigned char>(words[k + 1][0]))) {
      w.pop_back();  // "gplv 3" -> "gpl 3"
    }
    if (std::isdigit(static_cast<unsigned char>(w[0]))) w = StripZeros(w);
    kept.push_back(w);
  }
  std::string key;
  for (auto& w : kept) key += (key.empty() ? "" : " ") + w;
  static const std::pair<const char*, const char*> kPhrases[] = {
      {"gnu affero general public", "agpl"}, {"affero general public", "agpl"}, {"affero gpl", "agpl"},
      {"gnu lesser general public", "lgpl"}, {"gnu library general public", "lgpl"},
      {"lesser general public", "lgpl"}, {"library general public", "lgpl"}, {"gnu lesser gpl", "lgpl"},
      {"gnu general public", "gpl"}, {"general public", "gpl"}, {"gnu gpl", "gpl"}, {"gnu lgpl", "lgpl"},
      {"gnu agpl", "agpl"}, {"mozilla public", "mpl"}, {"eclipse public", "epl"},
      {"common development and distribution", "cddl"},
      // Filler words ("software", "of", "open", ...) are already gone here.
      {"python foundation", "psf"}, {"apache foundation", "apache"}, {"sil font", "ofl"},
      {"creative commons", "cc"}, {"european union public", "eupl"}, {"university illinois ncsa", "ncsa"},
      {"universal permissive", "upl"}, {"microsoft public", "ms pl"}, {"microsoft reciprocal", "ms rl"},
      {"server side public", "sspl"}, {"business source", "busl"}, {"mit no attribution", "mit 0"},
      {"zero clause bsd", "0bsd"}, {"historical permission notice and disclaimer", "hpnd"}};
  for (auto& [from, to] : kPhrases) {
    size_t at = 0;
    std::string f = from;
    while ((at = key.find(f, at)) != std::string::npos) {
      bool left = at == 0 || key[at - 1] == ' ';
      bool right = at + f.size() == key.size() || key[at + f.size()] == ' ';
      if (left && right) {
        key.replace(at, f.size(), to);
        at += std::string(to).size();
      } else {
        at += f.size();
      }
    }
  }
  return key;
}

struct Alias {
  const char* key;
  const char* spdx;  // "" for ambiguous names
  const char* note;
};

const Alias kAliases[] = {
    {"mit", "MIT", ""}, {"expat", "MIT", ""}, {"mit expat", "MIT", ""}, {"x11", "X11", ""},
    {"mit 0", "MIT-0", ""},
    {"apache 2", "Apache-2.0", ""}, {"asl 2", "Apache-2.0", ""}, {"al 2", "Apache-2.0", ""},
    {"apache", "Apache-2.0", "version not given; Apache-2.0 assumed"},
    {"asl", "Apache-2.0", "version not given; Apache-2.0 assumed"},
    {"apache 1.1", "Apache-1.1", ""}, {"apache 1", "Apache-1.0", ""},
    {"bsd", "", "ambiguous: BSD-2-Clause or BSD-3-Clause"},
    {"bsd 2 clause", "BSD-2-Clause", ""}, {"bsd 2", "BSD-2-Clause", ""}, {"2 clause bsd", "BSD-2-Clause", ""},
    {"simplified bsd", "BSD-2-Clause", ""}, {"freebsd", "BSD-2-Clause", ""}, {"bsd simplified", "BSD-2-Clause", ""},
    {"bsd 3 clause", "BSD-3-Clause", ""}, {"bsd 3", "BSD-3-Clause", ""}, {"3 clause bsd", "BSD-3-Clause", ""},
    {"new bsd", "BSD-3-Clause", ""}, {"modified bsd", "BSD-3-Clause", ""}, {"revised bsd", "BSD-3-Clause", ""},
    {"bsd new", "BSD-3-Clause", ""}, {"bsd 4 clause", "BSD-4-Clause", ""}, {"0bsd", "0BSD", ""},
    {"isc", "ISC", ""}, {"iscl", "ISC", ""}, {"isc iscl", "ISC", ""}, {"zlib", "Zlib", ""},
    {"zlib libpng", "Zlib", ""}, {"unlicense", "Unlicense", ""}, {"wtfpl", "WTFPL", ""},
    {"cc0", "CC0-1.0", ""}, {"cc0 1", "CC0-1.0", ""}, {"cc 0", "CC0-1.0", ""}, {"cc zero", "CC0-1.0", ""},
    {"public domain", "", "public domain is not an SPDX licence"},
    {"psf", "PSF-2.0", ""}, {"psfl", "PSF-2.0", ""}, {"psf 2", "PSF-2.0", ""}, {"python", "Python-2.0", ""},
    {"gpl", "", "ambiguous: GPL version not given"},
    {"gpl 1", "GPL-1.0-only", ""}, {"gpl 2", "GPL-2.0-only", ""}, {"gpl 3", "GPL-3.0-only", ""},
    {"lgpl", "", "ambiguous: LGPL version not given"},
    {"lgpl 2", "LGPL-2.0-only", ""}, {"lgpl 2.1", "LGPL-2.1-only", ""}, {"lgpl 3", "LGPL-3.0-only", ""},
    {"agpl", "", "ambiguous: AGPL version not given"},
    {"agpl 3", "AGPL-3.0-only", ""}, {"agpl 1", "AGPL-1.0-only", ""},
    {"mpl", "", "ambiguous: MPL version not given"},
    {"mpl 2", "MPL-2.0", ""}, {"mpl 1.1", "MPL-1.1", ""}, {"mpl 1", "MPL-1.0", ""},
    {"epl", "", "ambiguous: EPL version not given"},
    {"epl 1", "EPL-1.0", ""}, {"epl 2", "EPL-2.0", ""}, {"cddl", "CDDL-1.0", "version not given; CDDL-1.0 assumed"},
    {"cddl 1", "CDDL-1.0", ""}, {"cddl 1.1", "CDDL-1.1", ""}, {"boost", "BSL-1.0", ""}, {"boost 1", "BSL-1.0", ""},
    {"bsl 1", "BSL-1.0", ""}, {"artistic 2", "Artistic-2.0", ""}, {"artistic", "", "ambiguous: Artistic-1.0 or -2.0"},
    {"ms pl", "MS-PL", ""}, {"ms rl", "MS-RL", ""}, {"upl 1", "UPL-1.0", ""}, {"upl", "UPL-1.0", ""},
    {"eupl 1.1", "EUPL-1.1", ""}, {"eupl 1.2", "EUPL-1.2", ""}, {"ofl 1.1", "OFL-1.1", ""},
    {"cc by 4", "CC-BY-4.0", ""}, {"cc by 3", "CC-BY-3.0", ""}, {"cc by sa 4", "CC-BY-SA-4.0", ""},
    {"cc by sa 3", "CC-BY-SA-3.0", ""}, {"cc by nc 4", "CC-BY-NC-4.0", ""},
    {"postgresql", "PostgreSQL", ""}, {"ncsa", "NCSA", ""}, {"json", "JSON", ""}, {"hpnd", "HPND", ""},
    {"busl 1.1", "BUSL-1.1", ""}, {"sspl", "SSPL-1.0", ""}, {"sspl 1", "SSPL-1.0", ""},
    {"elastic 2", "Elastic-2.0", ""}, {"blueoak 1", "BlueOak-1.0.0", ""}, {"blue oak model 1", "BlueOak-1.0.0", ""},
};

std::optional<DeclaredExpr> TryAlias(std::string_view raw) {
  bool plus = false;
  std::string key = AliasKey(raw, &plus);
  for (const Alias& a : kAliases) {
    if (key != a.key) continue;
    DeclaredExpr d;
    d.raw = std::string(raw);
    if (*a.spdx == '\0') {
      d.note = a.note;
      return d;
    }
    std::string id = a.spdx;
    if (plus) {
      if (EndsWith(id, "-only")) {
        id = id.substr(0, id.size() - 5) + "-or-later";
      } else {
        id += "+";
      }
    }
    auto e = ParseLicenseExpression(id);
    if (!e.ok()) return std::nullopt;
    d.expr = std::move(e).value();
    d.note = std::string("alias of ") + LicenseExprToString(*d.expr);
    if (*a.note) d.note += std::string("; ") + a.note;
    return d;
  }
  return std::nullopt;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Splits on any of `seps` (case-insensitive, whole separators).
std::vector<std::string> SplitOn(std::string_view s, std::initializer_list<std::string_view> seps) {
  std::vector<std::string> parts;
  std::string low = AsciiLower(s);
  size_t start = 0, i = 0;
  while (i < s.size()) {
    bool hit = false;
    for (auto sep : seps) {
      if (low.compare(i, sep.size(), sep) == 0) {
        parts.push_back(Trim(s.substr(start, i - start)));
        i += sep.size();
        start = i;
        hit = true;
        break;
      }
    }
    if (!hit) ++i;
  }
  parts.push_back(Trim(s.substr(start)));
  return parts;
}

std::string Family(std::string_view id) {
  std::string l = AsciiLower(id);
  if (EndsWith(l, "-only")) l.resize(l.size() - 5);
  else if (EndsWith(l, "-or-later")) l.resize(l.size() - 9);
  else if (EndsWith(l, "+")) l.resize(l.size() - 1);
  return l;
}

Result<std::vector<std::string>> PolicyFamilies(const std::vector<std::string>& ids, const char* what) {
  std::vector<std::string> out;
  for (const auto& raw : ids) {
    std::string id = Trim(raw);
    if (id.empty()) continue;
    if (StartsWithNoCase(id, "LicenseRef-") || StartsWithNoCase(id, "DocumentRef-")) {
      out.push_back(AsciiLower(id));
      continue;
    }
    auto e = ParseLicenseExpression(id);
    if (!e.ok() || e->kind != LicenseExpr::Kind::kLicense) {
      return Status::InvalidArgument(std::string("licenses.") + what,
                                     "'" + id + "' is not an SPDX licence id" + (e.ok() ? "" : ": " + e.status().ToString()));
    }
    out.push_back(Family(e->id));
  }
  return out;
}

bool IsProprietaryName(std::string_view s) {
  std::string l = AsciiLower(Trim(s));
  return l == "proprietary" || l == "unlicensed" || l == "closed" || l == "commercial" ||
         StartsWithNoCase(l, "licenseref-");
}

struct PolicyCtx {
  std::vector<std::string> deny, allow;
  const LicensePolicy* p = nullptr;
  int project_strength = -1;  // -1: no project licence
};

LicenseVerdict EvalLeaf(const LicenseExpr& e, const PolicyCtx& c) {
  LicenseVerdict v;
  std::string fam = e.kind == LicenseExpr::Kind::kRef ? AsciiLower(e.id) : Family(e.id);
  std::string name = LicenseExprToString(e);
  auto in = [&](const std::vector<std::string>& list) { return std::find(list.begin(), list.end(), fam) != list.end(); };
  if (in(c.deny)) {
    v.allowed = false;
    v.reasons.push_back(name + ": denied by licenses.deny");
    return v;
  }
  bool listed = in(c.allow);
  if (!c.allow.empty() && !listed) {
    v.allowed = false;
    v.reasons.push_back(name + ": not in licenses.allow");
    return v;
  }
  if (listed) return v;
  LicenseCategory cat = LeafCategory(e);
  for (LicenseCategory d : c.p->deny_categories) {
    if (d == cat) {
      v.allowed = false;
      v.reasons.push_back(name + ": category " + std::string(LicenseCategoryName(cat)) + " is denied");
      return v;
    }
  }
  int s = Strength(cat);
  if (c.project_strength >= 0 && s >= 2 && s > c.project_strength) {
    v.allowed = false;
    v.reasons.push_back(name + ": " + std::string(LicenseCategoryName(cat)) + " licence in a project licensed " +
                        c.p->project_license + " (blocking)");
    return v;
  }
  if (cat == LicenseCategory::kUnknown) {
    if (c.p->unknown == UnknownLicenseAction::kDeny) {
      v.allowed = false;
      v.reasons.push_back(name + ": unknown licence category (licenses.unknown = deny)");
    } else if (c.p->unknown == UnknownLicenseAction::kWarn) {
      v.warn = true;
      v.reasons.push_back(name + ": unknown licence category");
    }
  }
  return v;
}

LicenseVerdict EvalNode(const LicenseExpr& e, const PolicyCtx& c) {
  if (e.kind == LicenseExpr::Kind::kLicense || e.kind == LicenseExpr::Kind::kRef) return EvalLeaf(e, c);
  std::vector<LicenseVerdict> kids;
  for (const auto& ch : e.children) kids.push_back(EvalNode(ch, c));
  LicenseVerdict v;
  if (e.kind == LicenseExpr::Kind::kAnd) {
    for (auto& k : kids) {
      v.allowed = v.allowed && k.allowed;
      v.warn = v.warn || k.warn;
      for (auto& r : k.reasons) v.reasons.push_back(r);
    }
    return v;
  }
  // OR: the licensee picks the best branch: an allowed one without a warning,
  // else an allowed one, else none (all reasons reported).
  for (auto& k : kids) {
    if (k.allowed && !k.warn) return k;
  }
  for (auto& k : kids) {
    if (k.allowed) return k;
  }
  v.allowed = false;
  for (auto& k : kids) {
    for (auto& r : k.reasons) v.reasons.push_back(r);
  }
  return v;
}

}  // namespace

Result<LicenseExpr> ParseLicenseExpression(std::string_view text) {
  CUSTODY_ASSIGN_OR_RETURN(std::vector<Token> toks, Lex(text));
  Parser p(std::move(toks));
  return p.Parse();
}

std::string LicenseExprToString(const LicenseExpr& e) {
  switch (e.kind) {
    case LicenseExpr::Kind::kLicense:
    case LicenseExpr::Kind::kRef: {
      std::string s = e.id;
      if (e.or_later) s += "+";
      if (!e.exception.empty()) s += " WITH " + e.exception;
      return s;
    }
    case LicenseExpr::Kind::kAnd:
    case LicenseExpr::Kind::kOr: {
      bool is_and = e.kind == LicenseExpr::Kind::kAnd;
      std::string s;
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i) s += is_and ? " AND " : " OR ";
        const auto& ch = e.children[i];
        bool paren = is_and && ch.kind == LicenseExpr::Kind::kOr;
        s += paren ? "(" + LicenseExprToString(ch) + ")" : LicenseExprToString(ch);
      }
      return s;
    }
  }
  return "";
}

LicenseCategory ExprCategory(const LicenseExpr& e) {
  if (e.kind == LicenseExpr::Kind::kLicense || e.kind == LicenseExpr::Kind::kRef) return LeafCategory(e);
  bool is_and = e.kind == LicenseExpr::Kind::kAnd;
  LicenseCategory best = is_and ? LicenseCategory::kPublicDomain : LicenseCategory::kUnknown;
  for (const auto& ch : e.children) {
    LicenseCategory c = ExprCategory(ch);
    if (is_and ? Demand(c) > Demand(best) : Demand(c) < Demand(best)) best = c;
  }
  return best;
}

DeclaredExpr InterpretDeclaredLicense(std::string_view raw_in) {
  DeclaredExpr d;
  std::string raw = Trim(raw_in);
  d.raw = raw;
  if (raw.empty()) {
    d.note = "no licence declared";
    return d;
  }
  auto strict = ParseLicenseExpression(raw);
  if (strict.ok()) {
    d.expr = std::move(strict).value();
    return d;
  }
  std::string low = AsciiLower(raw);
  if (low == "unlicensed") {
    d.note = "UNLICENSED: proprietary, no licence granted";
    return d;
  }
  if (low.rfind("see license in", 0) == 0 || low.rfind("see licence in", 0) == 0) {
    d.note = "licence given in a file: " + Trim(raw.substr(14));
    return d;
  }
  // Trove classifiers: "License :: OSI Approved :: MIT License".
  std::string body = raw;
  size_t colons = body.rfind("::");
  if (colons != std::string::npos) body = Trim(body.substr(colons + 2));
  if (auto a = TryAlias(body)) {
    a->raw = raw;
    return *a;
  }
  // "GNU General Public License v3 (GPLv3)": the parenthesis, then the rest.
  size_t lp = body.find('('), rp = body.rfind(')');
  if (lp != std::string::npos && rp != std::string::npos && rp > lp) {
    std::string inner = body.substr(lp + 1, rp - lp - 1);
    std::string outer = Trim(body.substr(0, lp) + " " + body.substr(rp + 1));
    for (const std::string& cand : {inner, outer}) {
      auto pe = ParseLicenseExpression(cand);
      if (pe.ok() && pe->kind == LicenseExpr::Kind::kLicense) {
        d.expr = std::move(pe).value();
        d.note = "read from " + cand;
        return d;
      }
      if (auto a = TryAlias(cand)) {
        if (a->expr) {
          a->raw = raw;
          return *a;
        }
      }
    }
  }
  // Lists: "MIT/X11", "MIT or Apache 2.0", "GPLv2, LGPLv2.1" (all parts must
  // map; text with unbalanced parentheses is a broken expression, not a list).
  int depth = 0;
  bool balanced = true;
  for (char ch : body) {
    depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
    balanced = balanced && depth >= 0;
  }
  balanced = balanced && depth == 0;
  for (int pass = 0; balanced && pass < 2; ++pass) {
    auto parts = pass == 0 ? SplitOn(body, {" or ", "/", " | ", "||"}) : SplitOn(body, {" and ", ",", ";", " & "});
    if (parts.size() < 2) continue;
    LicenseExpr all;
    all.kind = pass == 0 ? LicenseExpr::Kind::kOr : LicenseExpr::Kind::kAnd;
    bool ok = true;
    for (const auto& part : parts) {
      if (part.empty()) { ok = false; break; }
      DeclaredExpr sub = InterpretDeclaredLicense(part);
      if (!sub.expr) { ok = false; break; }
      Append(all, std::move(*sub.expr));
    }
    if (ok) {
      d.note = "read as " + LicenseExprToString(all);
      d.expr = std::move(all);
      return d;
    }
  }
  d.note = "not an SPDX expression (" + strict.status().ToString() + ") and no known alias";
  return d;
}

Result<LicenseVerdict> EvaluateLicense(const LicenseExpr& e, const LicensePolicy& p) {
  PolicyCtx c;
  c.p = &p;
  CUSTODY_ASSIGN_OR_RETURN(c.deny, PolicyFamilies(p.deny, "deny"));
  CUSTODY_ASSIGN_OR_RETURN(c.allow, PolicyFamilies(p.allow, "allow"));
  if (!Trim(p.project_license).empty()) {
    if (IsProprietaryName(p.project_license)) {
      c.project_strength = 0;
    } else {
      DeclaredExpr pe = InterpretDeclaredLicense(p.project_license);
      if (!pe.expr) {
        return Status::InvalidArgument("project licence", "'" + p.project_license + "': " + pe.note);
      }
      c.project_strength = Strength(ExprCategory(*pe.expr));
    }
  }
  return EvalNode(e, c);
}

LicenseVerdict EvaluateUnknownLicense(const LicensePolicy& p, std::string_view raw) {
  LicenseVerdict v;
  std::string what = raw.empty() ? std::string("no licence declared") : "'" + std::string(raw) + "' is not a known licence";
  if (p.unknown == UnknownLicenseAction::kDeny) {
    v.allowed = false;
    v.reasons.push_back(what + " (licenses.unknown = deny)");
  } else if (p.unknown == UnknownLicenseAction::kWarn) {
    v.warn = true;
    v.reasons.push_back(what);
  }
  return v;
}

bool Allowed(const LicenseExpr& e, const LicensePolicy& p) {
  auto v = EvaluateLicense(e, p);
  return v.ok() && v->allowed;
}

}  // namespace custody
