// False-positive controls that look at text only: entropy, placeholders,
// inline suppressions, redaction, binary sniffing, egress hosts.
#include <algorithm>
#include <array>
#include <cmath>
#include <cctype>
#include <cstring>
#include <initializer_list>

#include "custody/hash.h"
#include "custody/scan.h"
#include "scan/scan_internal.h"

namespace custody {
namespace scan_internal {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const std::vector<std::string>& KnownLanguages() {
  static const std::vector<std::string> kLanguages = {
      "python", "javascript", "typescript", "java", "go",   "csharp", "ruby",
      "php",    "c",          "cpp",        "shell", "rust", "kotlin"};
  return kLanguages;
}

std::string LanguagePathRegex(std::string_view language) {
  std::string l = Lower(language);
  if (l == "python") return R"(\.pyw?$)";
  if (l == "javascript") return R"(\.(js|mjs|cjs|jsx)$)";
  if (l == "typescript") return R"(\.(ts|tsx|mts|cts)$)";
  if (l == "java") return R"(\.java$)";
  if (l == "go") return R"(\.go$)";
  if (l == "csharp") return R"(\.cs$)";
  if (l == "ruby") return R"((\.(rb|rake|gemspec)$|(^|/)(Gemfile|Rakefile)$))";
  if (l == "php") return R"(\.(php[0-9]?|phtml)$)";
  if (l == "c") return R"(\.[ch]$)";
  if (l == "cpp") return R"(\.(cc|cpp|cxx|c\+\+|hh|hpp|hxx|h|ipp|inl)$)";
  if (l == "shell") return R"((\.(sh|bash|zsh|ksh)$|(^|/)(install|configure|postinst|preinst)$))";
  if (l == "rust") return R"(\.rs$)";
  if (l == "kotlin") return R"(\.kts?$)";
  return "";
}

uint32_t LanguageMask(std::string_view path) {
  // Each LanguagePathRegex is a suffix: `\.EXT$` with EXT free of '.' and
  // '/', or `(^|/)NAME$`. So a path matches exactly when the text after its
  // last '.' is one of the EXTs, or its last component is one of the NAMEs.
  std::string_view base = path.substr(path.rfind('/') + 1);  // npos + 1 == 0
  size_t dot = path.rfind('.');
  bool has_ext = dot != std::string_view::npos;
  std::string_view ext = has_ext ? path.substr(dot + 1) : std::string_view();
  auto ext_in = [&](std::initializer_list<std::string_view> l) {
    return has_ext && std::find(l.begin(), l.end(), ext) != l.end();
  };
  auto base_in = [&](std::initializer_list<std::string_view> l) {
    return std::find(l.begin(), l.end(), base) != l.end();
  };
  bool php = ext_in({"php", "phtml"}) || (has_ext && ext.size() == 4 && ext.substr(0, 3) == "php" &&
                                          ext[3] >= '0' && ext[3] <= '9');
  // KnownLanguages() order.
  const bool is[] = {
      ext_in({"py", "pyw"}),
      ext_in({"js", "mjs", "cjs", "jsx"}),
      ext_in({"ts", "tsx", "mts", "cts"}),
      ext_in({"java"}),
      ext_in({"go"}),
      ext_in({"cs"}),
      ext_in({"rb", "rake", "gemspec"}) || base_in({"Gemfile", "Rakefile"}),
      php,
      ext_in({"c", "h"}),
      ext_in({"cc", "cpp", "cxx", "c++", "hh", "hpp", "hxx", "h", "ipp", "inl"}),
      ext_in({"sh", "bash", "zsh", "ksh"}) ||
          base_in({"install", "configure", "postinst", "preinst"}),
      ext_in({"rs"}),
      ext_in({"kt", "kts"}),
  };
  uint32_t mask = 0;
  for (size_t i = 0; i < std::size(is); ++i) mask |= is[i] ? 1u << i : 0u;
  return mask;
}

std::string HostOf(std::string_view s) {
  size_t scheme = s.find("://");
  if (scheme != std::string_view::npos) {
    s.remove_prefix(scheme + 3);
  } else if (s.substr(0, 2) == "//") {
    s.remove_prefix(2);
  }
  size_t end = s.find_first_of("/?#\"'` \t\r\n)]>,;");
  s = s.substr(0, end);
  size_t at = s.rfind('@');
  if (at != std::string_view::npos) s.remove_prefix(at + 1);
  if (!s.empty() && s.front() == '[') {  // IPv6 literal
    size_t close = s.find(']');
    return Lower(s.substr(0, close == std::string_view::npos ? s.size() : close + 1));
  }
  size_t colon = s.find(':');
  if (colon != std::string_view::npos) s = s.substr(0, colon);
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return Lower(s);
}

bool HostAllowed(std::string_view url_or_host, const std::vector<std::string>& domains) {
  std::string host = HostOf(url_or_host);
  if (host.empty()) return false;
  for (const auto& d0 : domains) {
    std::string d = Lower(d0);
    while (!d.empty() && d.front() == '.') d.erase(0, 1);
    if (d.substr(0, 2) == "*.") d.erase(0, 2);
    if (d.empty()) continue;
    if (host == d) return true;
    if (host.size() > d.size() && host.compare(host.size() - d.size(), d.size(), d) == 0 &&
        host[host.size() - d.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

std::string CodeEvidence(std::string_view match) {
  constexpr size_t kMax = 80;
  std::string out;
  for (size_t i = 0; i < match.size() && i < kMax; ++i) {
    auto c = static_cast<unsigned char>(match[i]);
    out += (c < 0x20 || c == 0x7f) ? ' ' : static_cast<char>(c);
  }
  if (match.size() > kMax) {
    // Do not cut a UTF-8 sequence in half.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    out += "…";
  }
  return out;
}

std::string Fingerprint(std::string_view rule_id, std::string_view path, std::string_view secret) {
  std::string in;
  in.reserve(rule_id.size() + path.size() + secret.size() + 2);
  in.append(rule_id).push_back('\0');
  in.append(path).push_back('\0');
  in.append(secret);
  return Sha256Hex(in);
}

}  // namespace scan_internal

double ShannonEntropy(std::string_view s) {
  if (s.empty()) return 0;
  std::array<uint32_t, 256> counts{};
  for (unsigned char c : s) ++counts[c];
  double n = static_cast<double>(s.size()), h = 0;
  for (uint32_t k : counts) {
    if (k == 0) continue;
    double p = k / n;
    h -= p * std::log2(p);
  }
  return h;
}

namespace {

// Documented example credentials of vendors' own docs (never real).
constexpr std::string_view kKnownExamples[] = {
    "akiaiosfodnn7example",
    "wjalrxutnfemi/k7mdeng/bpxrficyexamplekey",
    "je7mtgbclwbf/2tk6iwf/bpxrficyexamplekey",
    "4ec39hqlyjwdarjtt1zdp7dc",  // Stripe docs test key
    "sflkxwrjsmekkf2qt4fwpmejf36pok6yjv_adqssw5c",  // jwt.io signature
    "xoxb-not-a-real-token",
    "ghp_16c7e42f292c6912e7710c838347ae178b4a",  // GitHub docs
};

constexpr std::string_view kPlaceholderWords[] = {
    "example", "placeholder", "your_", "your-", "yourapi", "yourkey", "yoursecret", "yourtoken",
    "changeme", "change_me", "change-me", "dummy", "redacted", "insert_", "insert-", "replace_me",
    "replaceme", "replace-me", "xxxx", "****", "....", "${", "{{", "%(", "os.environ",
    "process.env", "getenv", "env[", "env.", "<your", "todo", "fixme", "notreal", "not_real",
    "not-real", "sample_", "fake_", "fake-", "secret_here", "key_here", "token_here", "here>",
};

bool AscendingRun(std::string_view s, size_t run) {
  size_t n = 1;
  for (size_t i = 1; i < s.size(); ++i) {
    bool alnum = std::isalnum(static_cast<unsigned char>(s[i])) != 0;
    n = (alnum && s[i] == s[i - 1] + 1) ? n + 1 : 1;
    if (n >= run) return true;
  }
  return false;
}

bool RepeatRun(std::string_view s, size_t run) {
  size_t n = 1;
  for (size_t i = 1; i < s.size(); ++i) {
    n = s[i] == s[i - 1] ? n + 1 : 1;
    if (n >= run) return true;
  }
  return false;
}

}  // namespace

bool LooksLikePlaceholder(std::string_view secret) {
  if (secret.empty()) return true;
  std::string low = scan_internal::Lower(secret);
  for (auto k : kKnownExamples) {
    if (low.find(k) != std::string::npos) return true;
  }
  for (auto w : kPlaceholderWords) {
    if (low.find(w) != std::string::npos) return true;
  }
  // <token>, [API_KEY], $TOKEN, ALL_CAPS_NAME: names, not values.
  if (secret.size() >= 3 && ((secret.front() == '<' && secret.back() == '>') ||
                             (secret.front() == '[' && secret.back() == ']'))) {
    return true;
  }
  if (secret.front() == '$') return true;
  bool all_caps_name = secret.size() >= 4 && std::all_of(secret.begin(), secret.end(), [](char c) {
                         return (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9');
                       }) && secret.find('_') != std::string_view::npos;
  if (all_caps_name) return true;
  if (RepeatRun(secret, 6) || AscendingRun(low, 6)) return true;
  if (secret.size() >= 8) {
    std::array<bool, 256> seen{};
    int distinct = 0;
    for (unsigned char c : secret) distinct += !seen[c], seen[c] = true;
    if (distinct <= 3) return true;
  }
  return false;
}

bool HasInlineAllow(std::string_view line) {
  static constexpr std::string_view kMarkers[] = {"custody:allow", "gitleaks:allow", "nosec",
                                                  "pragma: allowlist secret"};
  for (auto m : kMarkers) {
    if (line.find(m) != std::string_view::npos) return true;
  }
  // Case variants seen in the wild: NOSEC, # NoSec.
  if (line.size() < 4096) {
    std::string low = scan_internal::Lower(line);
    return low.find("nosec") != std::string::npos || low.find("custody:allow") != std::string::npos;
  }
  return false;
}

std::string RedactSecret(std::string_view secret) {
  std::string out;
  if (secret.size() >= 16) {
    for (size_t i = 0; i < 4; ++i) {
      auto c = static_cast<unsigned char>(secret[i]);
      out += (c < 0x20 || c >= 0x7f) ? '?' : static_cast<char>(c);
    }
  }
  out += "…(" + std::to_string(secret.size()) + " chars)";
  return out;
}

bool LooksBinary(std::string_view data) {
  return std::memchr(data.data(), '\0', std::min<size_t>(data.size(), 8000)) != nullptr;
}

}  // namespace custody
