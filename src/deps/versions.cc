// Version ordering per ecosystem. Each parser turns a version string into a
// vector of Parts whose layout is private to that ecosystem's comparator:
//
//   SemVer family  [core numbers (kind 0)...] [prerelease ids: kind 1 numeric,
//                  kind 2 alphanumeric]
//   PyPI           one flat key compared lexicographically (see ParsePep440)
//   Maven          ComparableVersion's item tree, flattened in pre-order
//   RubyGems       Gem::Version canonical segments (kind 1 number, 2 string)
//   Packagist      PHP version_compare tokens of the Composer-normalised form
#include "custody/versions.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>

namespace custody {
namespace {

using Part = Version::Part;

Status Invalid(Ecosystem e, std::string_view text, std::string_view why) {
  std::string t(text.substr(0, 120));
  for (char& c : t) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  return Status::InvalidArgument("version \"" + t + "\"",
                                 "not a valid " + std::string(EcosystemName(e)) + " version (" +
                                     std::string(why) + ")");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
std::string LowerStr(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Decimal digits to uint64; nullopt on overflow or non-digits.
std::optional<uint64_t> ToU64(std::string_view d) {
  if (d.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : d) {
    if (!IsDigit(c)) return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

// Digit strings of any length, compared as numbers.
std::string StripZeros(std::string_view d) {
  size_t i = 0;
  while (i + 1 < d.size() && d[i] == '0') ++i;
  return std::string(d.substr(i));
}
int CompareDigits(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int ComparePart(const Part& a, const Part& b) {
  if (int c = Cmp(a.kind, b.kind)) return c;
  if (int c = Cmp(a.num, b.num)) return c;
  return Cmp(a.str, b.str);
}

int CompareFlat(const std::vector<Part>& a, const std::vector<Part>& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = ComparePart(a[i], b[i])) return c;
  }
  return Cmp(a.size(), b.size());
}

// ---------------------------------------------------------------------------
// SemVer 2.0 and its relatives.

struct SemverRules {
  bool allow_v = false;        // leading "v" (npm loose, Go)
  bool allow_eq = false;       // leading "=" (npm loose)
  size_t min_core = 3;
  size_t max_core = 3;         // NuGet: 4
  size_t pad_core = 3;         // missing core numbers read as 0 up to this
  bool leading_zeros = false;  // NuGet accepts "01.02"
  bool fold_case = false;      // NuGet compares labels case-insensitively
};

SemverRules RulesFor(Ecosystem e) {
  SemverRules r;
  switch (e) {
    case Ecosystem::kNpm:
      r.allow_v = r.allow_eq = true;
      break;
    case Ecosystem::kGo:
      // golang.org/x/mod/semver accepts "v1" and "v1.2" as shorthands.
      r.allow_v = true;
      r.min_core = 1;
      break;
    case Ecosystem::kNuGet:
      r.min_core = 1;
      r.max_core = 4;
      r.pad_core = 4;
      r.leading_zeros = true;
      r.fold_case = true;
      break;
    default:
      break;
  }
  return r;
}

Result<Version> ParseSemver(Ecosystem e, std::string_view text) {
  SemverRules r = RulesFor(e);
  std::string_view s = text;
  if (e == Ecosystem::kNpm || e == Ecosystem::kNuGet) s = Trim(s);
  if (r.allow_eq && !s.empty() && s[0] == '=') s.remove_prefix(1);
  if (r.allow_v && !s.empty() && (s[0] == 'v' || (e == Ecosystem::kNpm && s[0] == 'V'))) {
    s.remove_prefix(1);
  }
  Version v;
  v.ecosystem = e;
  v.text = std::string(text);
  size_t i = 0;
  size_t core = 0;
  while (true) {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    std::string_view num = s.substr(start, i - start);
    if (num.empty()) return Invalid(e, text, "expected a number at offset " + std::to_string(start));
    if (!r.leading_zeros && num.size() > 1 && num[0] == '0') {
      return Invalid(e, text, "leading zero in a numeric component");
    }
    auto n = ToU64(num);
    if (!n) return Invalid(e, text, "number too large");
    v.parts.push_back(Part{0, *n, {}});
    ++core;
    if (i < s.size() && s[i] == '.' && core < r.max_core) {
      ++i;
      continue;
    }
    break;
  }
  if (core < r.min_core) return Invalid(e, text, "needs " + std::to_string(r.min_core) + " numeric components");
  bool has_pre = false;
  if (i < s.size() && s[i] == '-') {
    // Go shorthands ("v1.2") take no prerelease or build.
    if (core < 3 && e == Ecosystem::kGo) return Invalid(e, text, "a shorthand version takes no prerelease");
    has_pre = true;
  }
  while (core < r.pad_core) {
    v.parts.push_back(Part{0, 0, {}});
    ++core;
  }
  if (has_pre) {
    ++i;
    while (true) {
      size_t start = i;
      while (i < s.size() && (IsAlnum(s[i]) || s[i] == '-')) ++i;
      std::string_view id = s.substr(start, i - start);
      if (id.empty()) return Invalid(e, text, "empty prerelease identifier");
      bool numeric = std::all_of(id.begin(), id.end(), IsDigit);
      if (numeric) {
        if (!r.leading_zeros && id.size() > 1 && id[0] == '0') {
          return Invalid(e, text, "leading zero in a numeric prerelease identifier");
        }
        auto n = ToU64(id);
        if (!n) return Invalid(e, text, "number too large");
        v.parts.push_back(Part{1, *n, {}});
      } else {
        v.parts.push_back(Part{2, 0, r.fold_case ? LowerStr(id) : std::string(id)});
      }
      if (i < s.size() && s[i] == '.') {
        ++i;
        continue;
      }
      break;
    }
  }
  if (i < s.size() && s[i] == '+') {
    if (core < 3 && e == Ecosystem::kGo) return Invalid(e, text, "a shorthand version takes no build");
    ++i;
    // Build metadata (Go's "+incompatible" included) never affects order.
    while (true) {
      size_t start = i;
      while (i < s.size() && (IsAlnum(s[i]) || s[i] == '-')) ++i;
      if (i == start) return Invalid(e, text, "empty build identifier");
      if (i < s.size() && s[i] == '.') {
        ++i;
        continue;
      }
      break;
    }
  }
  if (i != s.size()) return Invalid(e, text, "unexpected character at offset " + std::to_string(i));
  return v;
}

size_t CoreCount(Ecosystem e) { return e == Ecosystem::kNuGet ? 4 : 3; }

int CompareSemver(const Version& a, const Version& b) {
  size_t core = CoreCount(a.ecosystem);
  for (size_t i = 0; i < core; ++i) {
    if (int c = Cmp(a.parts[i].num, b.parts[i].num)) return c;
  }
  bool a_pre = a.parts.size() > core;
  bool b_pre = b.parts.size() > core;
  if (a_pre != b_pre) return a_pre ? -1 : 1;  // a prerelease precedes its release
  size_t n = std::min(a.parts.size(), b.parts.size());
  for (size_t i = core; i < n; ++i) {
    if (int c = ComparePart(a.parts[i], b.parts[i])) return c;
  }
  return Cmp(a.parts.size(), b.parts.size());
}

std::string NormalizeSemver(const Version& v) {
  size_t core = CoreCount(v.ecosystem);
  // NuGet's normalised form drops a zero fourth component.
  size_t print = core == 4 && v.parts[3].num == 0 ? 3 : core;
  std::string out;
  for (size_t i = 0; i < print; ++i) {
    if (i) out += '.';
    out += std::to_string(v.parts[i].num);
  }
  for (size_t i = core; i < v.parts.size(); ++i) {
    out += i == core ? '-' : '.';
    out += v.parts[i].kind == 1 ? std::to_string(v.parts[i].num) : v.parts[i].str;
  }
  return out;
}

// ---------------------------------------------------------------------------
// PEP 440. The flat key follows packaging's _cmpkey:
//   epoch, release numbers (trailing zeros dropped), a kind-0 separator,
//   pre   (kind 0 = "-inf" for a bare dev release, 1..3 = a/b/rc, 4 = none),
//   post  (kind 0 = none, 1 = N),
//   dev   (kind 0 = N, 1 = none),
//   local segments (kind 1 string, kind 2 number), absent when there is none.

const RE2& Pep440Re() {
  static const RE2* re = new RE2(
      R"((?i)v?(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*))"
      R"(([-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?)"
      R"(((?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?)"
      R"(([-_.]?(dev)[-_.]?([0-9]+)?)?)"
      R"((?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?)");
  return *re;
}

Result<Version> ParsePep440(std::string_view text) {
  const Ecosystem e = Ecosystem::kPyPI;
  std::string_view s = Trim(text);
  std::string epoch, release, pre, pre_l, pre_n, post, post_n1, post_l, post_n2, dev, dev_l, dev_n,
      local;
  if (!RE2::FullMatch(re2::StringPiece(s.data(), s.size()), Pep440Re(), &epoch, &release, &pre,
                      &pre_l, &pre_n, &post, &post_n1, &post_l, &post_n2, &dev, &dev_l, &dev_n,
                      &local)) {
    return Invalid(e, text, "does not match PEP 440");
  }
  Version v;
  v.ecosystem = e;
  v.text = std::string(text);
  auto num = [&](const std::string& d) -> std::optional<uint64_t> {
    if (d.empty()) return 0;
    return ToU64(d);
  };
  auto ep = num(epoch);
  if (!ep) return Invalid(e, text, "number too large");
  v.parts.push_back(Part{1, *ep, {}});
  std::vector<uint64_t> rel;
  size_t start = 0;
  while (start <= release.size()) {
    size_t dot = release.find('.', start);
    if (dot == std::string::npos) dot = release.size();
    auto n = ToU64(std::string_view(release).substr(start, dot - start));
    if (!n) return Invalid(e, text, "number too large");
    rel.push_back(*n);
    start = dot + 1;
  }
  size_t keep = rel.size();
  while (keep > 0 && rel[keep - 1] == 0) --keep;
  for (size_t i = 0; i < keep; ++i) v.parts.push_back(Part{1, rel[i], {}});
  v.parts.push_back(Part{0, 0, {}});
  bool has_pre = !pre.empty(), has_post = !post.empty(), has_dev = !dev.empty();
  if (has_pre) {
    std::string l = LowerStr(pre_l);
    int k = (l == "a" || l == "alpha") ? 1 : (l == "b" || l == "beta") ? 2 : 3;
    auto n = num(pre_n);
    if (!n) return Invalid(e, text, "number too large");
    v.parts.push_back(Part{k, *n, {}});
  } else if (!has_post && has_dev) {
    v.parts.push_back(Part{0, 0, {}});
  } else {
    v.parts.push_back(Part{4, 0, {}});
  }
  if (has_post) {
    auto n = num(!post_n1.empty() ? post_n1 : post_n2);
    if (!n) return Invalid(e, text, "number too large");
    v.parts.push_back(Part{1, *n, {}});
  } else {
    v.parts.push_back(Part{0, 0, {}});
  }
  if (has_dev) {
    auto n = num(dev_n);
    if (!n) return Invalid(e, text, "number too large");
    v.parts.push_back(Part{0, *n, {}});
  } else {
    v.parts.push_back(Part{1, 0, {}});
  }
  v.normalized = release;  // NormalizePep440 finishes the canonical form
  if (!local.empty()) {
    size_t b = 0;
    while (b <= local.size()) {
      size_t end = local.find_first_of("-_.", b);
      if (end == std::string::npos) end = local.size();
      std::string seg = LowerStr(std::string_view(local).substr(b, end - b));
      if (std::all_of(seg.begin(), seg.end(), IsDigit)) {
        auto n = ToU64(seg);
        if (!n) return Invalid(e, text, "number too large");
        v.parts.push_back(Part{2, *n, {}});
      } else {
        v.parts.push_back(Part{1, 0, seg});
      }
      b = end + 1;
    }
  }
  return v;
}

std::string NormalizePep440(const Version& v) {
  std::string out;
  size_t i = 0;
  if (v.parts[0].num != 0) out += std::to_string(v.parts[0].num) + "!";
  ++i;
  while (v.parts[i].kind != 0) ++i;  // release numbers are kind 1
  // `normalized` holds the release as written; renumber it without zeros.
  const std::string& release = v.normalized;
  size_t start = 0;
  bool first = true;
  while (start <= release.size()) {
    size_t dot = release.find('.', start);
    if (dot == std::string::npos) dot = release.size();
    auto n = ToU64(std::string_view(release).substr(start, dot - start));
    if (!first) out += '.';
    out += std::to_string(n.value_or(0));
    first = false;
    start = dot + 1;
  }
  ++i;
  const Part& pre = v.parts[i++];
  if (pre.kind >= 1 && pre.kind <= 3) {
    out += pre.kind == 1 ? "a" : pre.kind == 2 ? "b" : "rc";
    out += std::to_string(pre.num);
  }
  const Part& post = v.parts[i++];
  if (post.kind == 1) out += ".post" + std::to_string(post.num);
  const Part& dev = v.parts[i++];
  if (dev.kind == 0) out += ".dev" + std::to_string(dev.num);
  for (size_t j = i; j < v.parts.size(); ++j) {
    out += j == i ? '+' : '.';
    out += v.parts[j].kind == 2 ? std::to_string(v.parts[j].num) : v.parts[j].str;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Maven ComparableVersion (maven-artifact 3.x). Items are integers, strings
// (qualifiers) and lists; "-" opens a sublist, and a switch between digits
// and letters acts as a separator. Trailing "null" items (0, "", "ga",
// "final", "release", empty lists) are dropped from each list.

constexpr int32_t kMvnInt = 1, kMvnString = 2, kMvnList = 3;

struct MvnItem {
  int32_t kind = kMvnList;
  std::string value;  // digits without leading zeros, or the qualifier
  std::vector<std::unique_ptr<MvnItem>> items;
};

std::unique_ptr<MvnItem> MvnParseItem(bool digit, std::string_view buf, bool followed_by_digit) {
  auto it = std::make_unique<MvnItem>();
  if (digit) {
    it->kind = kMvnInt;
    it->value = StripZeros(buf);
    return it;
  }
  it->kind = kMvnString;
  std::string v(buf);
  if (followed_by_digit && v.size() == 1) {
    if (v == "a") v = "alpha";
    else if (v == "b") v = "beta";
    else if (v == "m") v = "milestone";
  }
  if (v == "ga" || v == "final" || v == "release") v = "";
  else if (v == "cr") v = "rc";
  it->value = v;
  return it;
}

bool MvnIsNull(const MvnItem& it) {
  switch (it.kind) {
    case kMvnInt: return it.value == "0";
    case kMvnString: return it.value.empty();
    default: return it.items.empty();
  }
}

void MvnNormalize(MvnItem* list) {
  for (auto& child : list->items) {
    if (child->kind == kMvnList) MvnNormalize(child.get());
  }
  for (size_t i = list->items.size(); i-- > 0;) {
    if (MvnIsNull(*list->items[i])) {
      list->items.erase(list->items.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (list->items[i]->kind != kMvnList) {
      break;
    }
  }
}

void MvnFlatten(const MvnItem& it, std::vector<Part>* out) {
  size_t at = out->size();
  out->push_back(Part{it.kind, 0, it.value});
  for (const auto& c : it.items) MvnFlatten(*c, out);
  (*out)[at].num = out->size() - at;  // subtree size, to skip siblings
}

Version ParseMaven(std::string_view text) {
  std::string s = LowerStr(text);
  auto root = std::make_unique<MvnItem>();
  MvnItem* list = root.get();
  auto push_list = [&]() {
    auto child = std::make_unique<MvnItem>();
    MvnItem* raw = child.get();
    list->items.push_back(std::move(child));
    list = raw;
  };
  auto zero = []() {
    auto z = std::make_unique<MvnItem>();
    z->kind = kMvnInt;
    z->value = "0";
    return z;
  };
  bool is_digit = false;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (i == start) list->items.push_back(zero());
      else list->items.push_back(MvnParseItem(is_digit, std::string_view(s).substr(start, i - start), false));
      start = i + 1;
    } else if (c == '-') {
      if (i == start) list->items.push_back(zero());
      else list->items.push_back(MvnParseItem(is_digit, std::string_view(s).substr(start, i - start), false));
      start = i + 1;
      push_list();
    } else if (IsDigit(c)) {
      if (!is_digit && i > start) {
        // "1.0.0.X1" < "1.0.0-X2": a qualifier followed by digits opens a list.
        if (!list->items.empty()) push_list();
        list->items.push_back(MvnParseItem(false, std::string_view(s).substr(start, i - start), true));
        start = i;
        push_list();
      }
      is_digit = true;
    } else {
      if (is_digit && i > start) {
        list->items.push_back(MvnParseItem(true, std::string_view(s).substr(start, i - start), false));
        start = i;
        push_list();
      }
      is_digit = false;
    }
  }
  if (s.size() > start) {
    if (!is_digit && !list->items.empty()) push_list();
    list->items.push_back(MvnParseItem(is_digit, std::string_view(s).substr(start), false));
  }
  MvnNormalize(root.get());
  Version v;
  v.ecosystem = Ecosystem::kMaven;
  v.text = std::string(text);
  MvnFlatten(*root, &v.parts);
  return v;
}

// "0".."6" for the known qualifiers, "7-<q>" after them (string order).
std::string MvnComparable(const std::string& q) {
  static const char* kQualifiers[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
  for (size_t i = 0; i < 7; ++i) {
    if (q == kQualifiers[i]) return std::to_string(i);
  }
  return "7-" + q;
}

// Compares the item at a[ia] with b[ib]; ib == npos stands for Maven's null.
constexpr size_t kNull = static_cast<size_t>(-1);

int MvnCompare(const std::vector<Part>& a, size_t ia, const std::vector<Part>& b, size_t ib);

int MvnCompareNull(const std::vector<Part>& a, size_t ia) {
  const Part& p = a[ia];
  switch (p.kind) {
    case kMvnInt: return p.str == "0" ? 0 : 1;
    case kMvnString: return Cmp(MvnComparable(p.str), std::string("5"));
    default: {
      size_t end = ia + p.num;
      for (size_t j = ia + 1; j < end; j += a[j].num) {
        if (int c = MvnCompareNull(a, j)) return c;
      }
      return 0;
    }
  }
}

int MvnCompare(const std::vector<Part>& a, size_t ia, const std::vector<Part>& b, size_t ib) {
  if (ib == kNull) return MvnCompareNull(a, ia);
  const Part& x = a[ia];
  const Part& y = b[ib];
  switch (x.kind) {
    case kMvnInt:
      if (y.kind == kMvnInt) return CompareDigits(x.str, y.str);
      return 1;  // an integer is newer than a qualifier or a sublist
    case kMvnString:
      if (y.kind == kMvnInt) return -1;
      if (y.kind == kMvnString) return Cmp(MvnComparable(x.str), MvnComparable(y.str));
      return -1;
    default: {
      if (y.kind == kMvnInt) return -1;
      if (y.kind == kMvnString) return 1;
      size_t ea = ia + x.num, eb = ib + y.num;
      size_t ja = ia + 1, jb = ib + 1;
      while (ja < ea || jb < eb) {
        int c;
        if (ja >= ea) c = -MvnCompareNull(b, jb);
        else c = MvnCompare(a, ja, b, jb < eb ? jb : kNull);
        if (c) return c;
        if (ja < ea) ja += a[ja].num;
        if (jb < eb) jb += b[jb].num;
      }
      return 0;
    }
  }
}

// ---------------------------------------------------------------------------
// RubyGems Gem::Version.

const RE2& GemRe() {
  static const RE2* re =
      new RE2(R"(\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?\s*)");
  return *re;
}

Result<Version> ParseGem(std::string_view text) {
  const Ecosystem e = Ecosystem::kRubyGems;
  if (!RE2::FullMatch(re2::StringPiece(text.data(), text.size()), GemRe())) {
    return Invalid(e, text, "does not match Gem::Version's pattern");
  }
  std::string s;
  for (char c : Trim(text)) {
    if (c == '-') s += ".pre.";
    else s += c;
  }
  std::vector<Part> segs;
  for (size_t i = 0; i < s.size();) {
    if (IsDigit(s[i])) {
      size_t j = i;
      while (j < s.size() && IsDigit(s[j])) ++j;
      auto n = ToU64(std::string_view(s).substr(i, j - i));
      if (!n) return Invalid(e, text, "number too large");
      segs.push_back(Part{1, *n, {}});
      i = j;
    } else if (IsAlpha(s[i])) {
      size_t j = i;
      while (j < s.size() && IsAlpha(s[j])) ++j;
      segs.push_back(Part{2, 0, s.substr(i, j - i)});
      i = j;
    } else {
      ++i;
    }
  }
  // canonical_segments: trailing zeros dropped from the release part and
  // from the prerelease part separately.
  size_t split = segs.size();
  for (size_t i = 0; i < segs.size(); ++i) {
    if (segs[i].kind == 2) {
      split = i;
      break;
    }
  }
  Version v;
  v.ecosystem = e;
  v.text = std::string(text);
  size_t end = split;
  while (end > 0 && segs[end - 1].kind == 1 && segs[end - 1].num == 0) --end;
  for (size_t i = 0; i < end; ++i) v.parts.push_back(segs[i]);
  end = segs.size();
  while (end > split && segs[end - 1].kind == 1 && segs[end - 1].num == 0) --end;
  for (size_t i = split; i < end; ++i) v.parts.push_back(segs[i]);
  return v;
}

int CompareGem(const Version& a, const Version& b) {
  size_t n = std::max(a.parts.size(), b.parts.size());
  static const Part kZero{1, 0, {}};
  for (size_t i = 0; i < n; ++i) {
    const Part& x = i < a.parts.size() ? a.parts[i] : kZero;
    const Part& y = i < b.parts.size() ? b.parts[i] : kZero;
    if (x == y) continue;
    if (x.kind != y.kind) return x.kind == 2 ? -1 : 1;  // a string precedes a number
    if (x.kind == 1) return Cmp(x.num, y.num);
    return Cmp(x.str, y.str);
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Packagist: Composer's VersionParser::normalize, then PHP version_compare.

const RE2& ComposerClassicRe() {
  static const RE2* re = new RE2(
      R"((?i)v?([0-9]{1,5})(\.[0-9]+)?(\.[0-9]+)?(\.[0-9]+)?)"
      R"((?:[._-]?(?:(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?[0-9]+)*)?)?([.-]?dev)?))");
  return *re;
}
const RE2& ComposerDateRe() {
  static const RE2* re = new RE2(
      R"((?i)v?([0-9]{4}(?:[.:-]?[0-9]{2}){1,6}(?:[.:-]?[0-9]{1,3}){0,2}))"
      R"((?:[._-]?(?:(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?[0-9]+)*)?)?([.-]?dev)?))");
  return *re;
}

std::string ExpandStability(const std::string& s) {
  if (s == "a") return "alpha";
  if (s == "b") return "beta";
  if (s == "p" || s == "pl") return "patch";
  if (s == "rc") return "RC";
  return s;
}

Result<std::string> ComposerNormalize(std::string_view text) {
  const Ecosystem e = Ecosystem::kPackagist;
  std::string s(Trim(text));
  if (s.empty()) return Invalid(e, text, "empty");
  // Stability flags ("1.0.0@beta") only steer the solver.
  if (size_t at = s.rfind('@'); at != std::string::npos) {
    std::string flag = LowerStr(s.substr(at + 1));
    if (flag == "stable" || flag == "rc" || flag == "beta" || flag == "alpha" || flag == "dev") {
      s.resize(at);
    }
  }
  std::string lower = LowerStr(s);
  if (lower == "master" || lower == "trunk" || lower == "default" || lower == "dev-master" ||
      lower == "dev-trunk" || lower == "dev-default") {
    return std::string("9999999-dev");
  }
  if (lower.rfind("dev-", 0) == 0) return "dev-" + s.substr(4);
  if (size_t plus = s.find('+'); plus != std::string::npos) s.resize(plus);  // build metadata
  std::string m1, m2, m3, m4, stab, stab_n, dev;
  std::string out;
  re2::StringPiece in(s);
  if (RE2::FullMatch(in, ComposerClassicRe(), &m1, &m2, &m3, &m4, &stab, &stab_n, &dev)) {
    out = m1 + (m2.empty() ? ".0" : m2) + (m3.empty() ? ".0" : m3) + (m4.empty() ? ".0" : m4);
  } else if (std::string date; RE2::FullMatch(in, ComposerDateRe(), &date, &stab, &stab_n, &dev)) {
    for (char c : date) out += IsDigit(c) ? c : '.';
  } else {
    return Invalid(e, text, "not a Composer version");
  }
  stab = LowerStr(stab);
  if (!stab.empty()) {
    if (stab == "stable") return out;
    size_t k = stab_n.find_first_not_of(".-");
    out += "-" + ExpandStability(stab) + (k == std::string::npos ? "" : stab_n.substr(k));
  }
  if (!dev.empty()) out += "-dev";
  return out;
}

// PHP's special forms, matched by prefix in this order ("patch" is "p").
int PhpSpecialOrder(std::string_view t) {
  static const std::pair<const char*, int> kForms[] = {{"dev", 0}, {"alpha", 1}, {"a", 1},
                                                       {"beta", 2}, {"b", 2},    {"RC", 3},
                                                       {"rc", 3},  {"#", 4},     {"pl", 5},
                                                       {"p", 5}};
  for (const auto& [name, order] : kForms) {
    std::string_view n(name);
    if (t.substr(0, n.size()) == n) return order;
  }
  return -1;
}

Result<Version> ParseComposer(std::string_view text) {
  CUSTODY_ASSIGN_OR_RETURN(std::string norm, ComposerNormalize(text));
  // php_canonicalize_version: "-", "_", "+" and any other non-alphanumeric
  // become ".", and a switch between digits and non-digits inserts one.
  std::string canon;
  for (size_t i = 0; i < norm.size(); ++i) {
    char c = norm[i];
    if (i == 0) {
      canon += c;
      continue;
    }
    char lp = norm[i - 1];
    auto isdig = [](char x) { return IsDigit(x); };
    auto isndig = [](char x) { return !IsDigit(x) && x != '.'; };
    if (c == '-' || c == '_' || c == '+') {
      if (canon.back() != '.') canon += '.';
    } else if ((isndig(lp) && isdig(c)) || (isdig(lp) && isndig(c))) {
      if (canon.back() != '.') canon += '.';
      canon += c;
    } else if (!IsAlnum(c) && c != '.') {
      if (canon.back() != '.') canon += '.';
    } else {
      canon += c;
    }
  }
  Version v;
  v.ecosystem = Ecosystem::kPackagist;
  v.text = std::string(text);
  size_t b = 0;
  while (b <= canon.size()) {
    size_t end = canon.find('.', b);
    if (end == std::string::npos) end = canon.size();
    std::string tok = canon.substr(b, end - b);
    b = end + 1;
    if (tok.empty()) continue;
    if (IsDigit(tok[0])) {
      v.parts.push_back(Part{1, 0, StripZeros(tok.substr(0, tok.find_first_not_of("0123456789")))});
    } else {
      v.parts.push_back(Part{2, static_cast<uint64_t>(PhpSpecialOrder(tok) + 1), tok});
    }
  }
  v.normalized = norm;
  return v;
}

int PhpTokenOrder(const Part& p) { return p.kind == 1 ? 4 : static_cast<int>(p.num) - 1; }

int CompareComposer(const Version& a, const Version& b) {
  size_t na = a.parts.size(), nb = b.parts.size();
  size_t n = std::min(na, nb);
  for (size_t i = 0; i < n; ++i) {
    const Part& x = a.parts[i];
    const Part& y = b.parts[i];
    int c;
    if (x.kind == 1 && y.kind == 1) c = CompareDigits(x.str, y.str);
    else c = Cmp(PhpTokenOrder(x), PhpTokenOrder(y));
    if (c) return c;
  }
  if (na > n) return a.parts[n].kind == 1 ? 1 : Cmp(PhpTokenOrder(a.parts[n]), 4);
  if (nb > n) return b.parts[n].kind == 1 ? -1 : Cmp(4, PhpTokenOrder(b.parts[n]));
  return 0;
}

}  // namespace

Result<Version> ParseVersion(Ecosystem ecosystem, std::string_view text) {
  if (Trim(text).empty()) return Invalid(ecosystem, text, "empty");
  if (text.size() > 256) return Invalid(ecosystem, text, "longer than 256 bytes");
  switch (ecosystem) {
    case Ecosystem::kNpm:
    case Ecosystem::kCargo:
    case Ecosystem::kGo:
    case Ecosystem::kNuGet:
      return ParseSemver(ecosystem, text);
    case Ecosystem::kPyPI:
      return ParsePep440(text);
    case Ecosystem::kMaven:
      return ParseMaven(text);
    case Ecosystem::kRubyGems:
      return ParseGem(text);
    case Ecosystem::kPackagist:
      return ParseComposer(text);
  }
  return Invalid(ecosystem, text, "unknown ecosystem");
}

int CompareParsed(const Version& a, const Version& b) {
  switch (a.ecosystem) {
    case Ecosystem::kNpm:
    case Ecosystem::kCargo:
    case Ecosystem::kGo:
    case Ecosystem::kNuGet:
      return CompareSemver(a, b);
    case Ecosystem::kPyPI:
      return CompareFlat(a.parts, b.parts);
    case Ecosystem::kMaven:
      return MvnCompare(a.parts, 0, b.parts, 0);
    case Ecosystem::kRubyGems:
      return CompareGem(a, b);
    case Ecosystem::kPackagist:
      return CompareComposer(a, b);
  }
  return 0;
}

int CompareVersions(Ecosystem ecosystem, std::string_view a, std::string_view b) {
  auto va = ParseVersion(ecosystem, a);
  auto vb = ParseVersion(ecosystem, b);
  if (va.ok() && vb.ok()) return CompareParsed(*va, *vb);
  if (va.ok()) return 1;
  if (vb.ok()) return -1;
  return Cmp(a, b);
}

std::string NormalizeVersion(Ecosystem ecosystem, std::string_view text) {
  auto v = ParseVersion(ecosystem, text);
  if (!v.ok()) return "";
  switch (ecosystem) {
    case Ecosystem::kNpm:
    case Ecosystem::kCargo:
    case Ecosystem::kGo:
    case Ecosystem::kNuGet:
      return NormalizeSemver(*v);
    case Ecosystem::kPyPI:
      return NormalizePep440(*v);
    case Ecosystem::kMaven:
      return LowerStr(text);  // ComparableVersion does not trim either
    case Ecosystem::kPackagist:
      return v->normalized;
    case Ecosystem::kRubyGems:
      return std::string(Trim(text));
  }
  return "";
}

}  // namespace custody
