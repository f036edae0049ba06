// Typosquat candidates are generated from the checked name and looked up in
// the set of well-known names, never the other way round: the cost is
// independent of how many names are known (a million-name index answers as
// fast as the shipped list of a few thousand).
#include <algorithm>
#include <array>
#include <map>

#include "custody/registry.h"

namespace custody {
namespace {

// Affixes people add to or drop from a real package's name to make a fake
// one look official ("requests-python", "pyrequests", "lodash-js").
constexpr std::array<std::string_view, 14> kPrefixes = {
    "python-", "python", "py-", "py", "node-", "nodejs-", "js-", "go-", "golang-",
    "ruby-",   "rb-",    "php-", "rust-", "lib"};
constexpr std::array<std::string_view, 18> kSuffixes = {
    "-python", "python", "-py", "py", "-js", ".js", "js", "-node", "-nodejs",
    "-go",     "-golang", "-rs", "-rb", "-php", "-lib", "lib", "-cli", "-dev"};

// Look-alike spellings, both directions.
constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kHomoglyphs = {{
    {"0", "o"}, {"o", "0"}, {"1", "l"}, {"l", "1"}, {"1", "i"}, {"i", "1"},
    {"l", "i"}, {"i", "l"}, {"rn", "m"}, {"m", "rn"}, {"vv", "w"}, {"w", "vv"},
}};

bool IsSeparator(char c) { return c == '-' || c == '_' || c == '.'; }

// Characters a registry name may hold, for edit-distance candidates.
std::string_view Alphabet(Ecosystem e) {
  switch (e) {
    case Ecosystem::kPyPI:
    case Ecosystem::kCargo:
      return "abcdefghijklmnopqrstuvwxyz0123456789-";
    case Ecosystem::kGo:
    case Ecosystem::kMaven:
      return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
    default:
      return "abcdefghijklmnopqrstuvwxyz0123456789-_.";
  }
}

// Registries whose names differ by case are different packages ("Lodash" is
// not "lodash" on npm), so a case-only difference is a squat there.
bool CaseSensitiveRegistry(Ecosystem e) { return e == Ecosystem::kNpm || e == Ecosystem::kRubyGems; }

class Collector {
 public:
  Collector(Ecosystem e, const NameSet& known, std::string self) : e_(e), known_(known), self_(std::move(self)) {}

  // Looks `candidate` up (after normalising it) and records a match.
  void Try(std::string_view candidate, SquatTechnique t) {
    if (candidate.empty()) return;
    buf_ = NormalizePackageName(e_, candidate);
    if (buf_ == self_ || !known_.Contains(buf_)) return;
    auto [it, added] = found_.emplace(buf_, t);
    if (!added && t < it->second) it->second = t;
  }

  std::vector<SquatMatch> Take() {
    std::vector<SquatMatch> out;
    for (auto& [name, t] : found_) out.push_back({name, t});
    std::stable_sort(out.begin(), out.end(),
                     [](const SquatMatch& a, const SquatMatch& b) { return a.technique < b.technique; });
    return out;
  }

 private:
  Ecosystem e_;
  const NameSet& known_;
  std::string self_;  // the checked name itself, never reported
  std::string buf_;
  std::map<std::string, SquatTechnique> found_;
};

void SeparatorCandidates(std::string_view n, Collector* c) {
  std::string s(n);
  for (size_t i = 0; i < n.size(); ++i) {
    if (!IsSeparator(n[i])) continue;
    // Drop it, or swap it for each other separator.
    c->Try(std::string(n.substr(0, i)) + std::string(n.substr(i + 1)), SquatTechnique::kSeparator);
    for (char r : {'-', '_', '.'}) {
      if (r == n[i]) continue;
      s[i] = r;
      c->Try(s, SquatTechnique::kSeparator);
      s[i] = n[i];
    }
  }
  std::string all;
  for (char ch : n) {
    if (!IsSeparator(ch)) all.push_back(ch);
  }
  if (all.size() != n.size()) c->Try(all, SquatTechnique::kSeparator);
  // A separator inserted into the well-known name ("lo-dash").
  for (size_t i = 1; i < n.size(); ++i) {
    if (IsSeparator(n[i - 1]) || IsSeparator(n[i])) continue;
    for (char r : {'-', '_', '.'}) {
      c->Try(std::string(n.substr(0, i)) + r + std::string(n.substr(i)), SquatTechnique::kSeparator);
    }
  }
}

void AffixCandidates(std::string_view n, Collector* c) {
  for (std::string_view p : kPrefixes) {
    if (n.size() > p.size() + 1 && n.substr(0, p.size()) == p) c->Try(n.substr(p.size()), SquatTechnique::kAffix);
    c->Try(std::string(p) + std::string(n), SquatTechnique::kAffix);
  }
  for (std::string_view s : kSuffixes) {
    if (n.size() > s.size() + 1 && n.substr(n.size() - s.size()) == s) {
      c->Try(n.substr(0, n.size() - s.size()), SquatTechnique::kAffix);
    }
    c->Try(std::string(n) + std::string(s), SquatTechnique::kAffix);
  }
}

void HomoglyphCandidates(std::string_view n, Collector* c) {
  for (const auto& [from, to] : kHomoglyphs) {
    for (size_t i = n.find(from); i != std::string_view::npos; i = n.find(from, i + 1)) {
      c->Try(std::string(n.substr(0, i)) + std::string(to) + std::string(n.substr(i + from.size())),
             SquatTechnique::kHomoglyph);
    }
  }
}

void EditCandidates(std::string_view n, std::string_view alphabet, Collector* c) {
  std::string s(n);
  for (size_t i = 0; i + 1 < n.size(); ++i) {
    if (n[i] == n[i + 1]) continue;
    std::swap(s[i], s[i + 1]);
    c->Try(s, SquatTechnique::kTransposition);
    std::swap(s[i], s[i + 1]);
  }
  for (size_t i = 0; i < n.size(); ++i) {
    c->Try(std::string(n.substr(0, i)) + std::string(n.substr(i + 1)), SquatTechnique::kEditDistance);
    for (char a : alphabet) {
      if (a == n[i]) continue;
      s[i] = a;
      c->Try(s, SquatTechnique::kEditDistance);
    }
    s[i] = n[i];
  }
  std::string ins;
  for (size_t i = 0; i <= n.size(); ++i) {
    for (char a : alphabet) {
      ins.assign(n.substr(0, i));
      ins.push_back(a);
      ins.append(n.substr(i));
      c->Try(ins, SquatTechnique::kEditDistance);
    }
  }
}

}  // namespace

std::string_view SquatTechniqueName(SquatTechnique t) {
  switch (t) {
    case SquatTechnique::kCase: return "case";
    case SquatTechnique::kSeparator: return "separator";
    case SquatTechnique::kScope: return "scope";
    case SquatTechnique::kAffix: return "affix";
    case SquatTechnique::kHomoglyph: return "homoglyph";
    case SquatTechnique::kTransposition: return "transposition";
    case SquatTechnique::kEditDistance: return "edit-distance";
  }
  return "unknown";
}

TyposquatChecker::TyposquatChecker(Ecosystem ecosystem, const NameSet& known)
    : ecosystem_(ecosystem), known_(known) {}

std::vector<SquatMatch> TyposquatChecker::Check(std::string_view name) const {
  std::string n = NormalizePackageName(ecosystem_, name);
  if (n.empty() || known_.Contains(n)) return {};  // well known itself
  Collector c(ecosystem_, known_, n);
  if (CaseSensitiveRegistry(ecosystem_)) {
    // On a case-sensitive registry "Lodash" is another package than
    // "lodash"; the rest of the checks compare lower case.
    std::string lower = n;
    for (char& ch : lower) ch = ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
    if (lower != n) {
      c.Try(lower, SquatTechnique::kCase);
      n = lower;
    }
  }
  std::string_view body = n;
  if (ecosystem_ == Ecosystem::kNpm && n[0] == '@') {
    size_t slash = n.find('/');
    if (slash != std::string::npos && slash + 1 < n.size()) {
      // "@evil/lodash" passes for "lodash"; the squat checks run on the
      // unscoped part as well.
      body = std::string_view(n).substr(slash + 1);
      c.Try(body, SquatTechnique::kScope);
    }
  }
  SeparatorCandidates(n, &c);
  AffixCandidates(body, &c);
  // One edit on a name of three characters or fewer reaches too many real,
  // unrelated packages ("ms" -> "qs", "mz") to mean anything.
  // Past 128 characters (npm's limit is 214) one edit would mean tens of
  // thousands of candidates for names no well-known package has.
  if (body.size() >= 4 && n.size() <= 128) {
    HomoglyphCandidates(n, &c);
    EditCandidates(n, Alphabet(ecosystem_), &c);
  }
  return c.Take();
}

}  // namespace custody
