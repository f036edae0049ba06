// The built-in prompt redactor.
#include <cctype>
#include <cmath>

#include "custody/capture.h"

namespace custody {
namespace {

double Entropy(std::string_view s) {
  int counts[256] = {0};
  for (unsigned char c : s) counts[c]++;
  double h = 0;
  for (int c : counts) {
    if (c == 0) continue;
    double p = static_cast<double>(c) / static_cast<double>(s.size());
    h -= p * std::log2(p);
  }
  return h;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsB64Url(char c) { return IsAlnum(c) || c == '_' || c == '-'; }

// Length of the run of characters satisfying `pred` starting at `i`.
template <typename Pred>
size_t Run(std::string_view s, size_t i, Pred pred) {
  size_t j = i;
  while (j < s.size() && pred(s[j])) ++j;
  return j - i;
}

bool StartsWith(std::string_view s, size_t i, std::string_view prefix) {
  return s.substr(i, prefix.size()) == prefix;
}

bool ContainsSecretWord(std::string_view ident) {
  std::string l(ident);
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* k : {"password", "passwd", "pwd", "secret", "token", "apikey", "api_key"}) {
    if (l.find(k) != std::string::npos) return true;
  }
  return false;
}

// Hand-written matchers rather than std::regex: libstdc++'s regex recurses
// once per character matched and overflows the stack on long inputs, and a
// hook must never crash on what an agent sends.
class BuiltinRedactor : public Redactor {
 public:
  std::string Redact(std::string_view text) const override {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
      size_t n = 0;
      const char* kind = nullptr;
      bool boundary = i == 0 || !IsWordChar(text[i - 1]);
      if (StartsWith(text, i, "-----BEGIN")) {
        size_t eol = text.find("-----", i + 10);
        if (eol != std::string_view::npos &&
            text.substr(i, eol - i).find("PRIVATE KEY") != std::string_view::npos) {
          size_t end = text.find("-----END", eol + 5);
          size_t stop = end == std::string_view::npos ? text.size() : text.find("-----", end + 8);
          n = (stop == std::string_view::npos ? text.size() : stop + 5) - i;
          kind = "private-key";
        }
      } else if (boundary && StartsWith(text, i, "eyJ")) {
        size_t a = Run(text, i, IsB64Url);
        if (a >= 11 && i + a < text.size() && text[i + a] == '.' &&
            StartsWith(text, i + a + 1, "eyJ")) {
          size_t b = Run(text, i + a + 1, IsB64Url);
          if (b >= 11 && i + a + 1 + b < text.size() && text[i + a + 1 + b] == '.') {
            size_t c = Run(text, i + a + b + 2, IsB64Url);
            if (c >= 8) {
              n = a + b + c + 2;
              kind = "jwt";
            }
          }
        }
      } else if (boundary && (StartsWith(text, i, "ghp_") || StartsWith(text, i, "gho_") ||
                              StartsWith(text, i, "ghu_") || StartsWith(text, i, "ghs_") ||
                              StartsWith(text, i, "ghr_"))) {
        size_t r = Run(text, i + 4, IsAlnum);
        if (r >= 30) n = 4 + r, kind = "github-token";
      } else if (boundary && StartsWith(text, i, "github_pat_")) {
        size_t r = Run(text, i + 11, IsWordChar);
        if (r >= 30) n = 11 + r, kind = "github-token";
      } else if (boundary && (StartsWith(text, i, "AKIA") || StartsWith(text, i, "ASIA"))) {
        size_t r = Run(text, i + 4, [](char c) { return std::isdigit((unsigned char)c) ||
                                                        std::isupper((unsigned char)c); });
        if (r == 16 && (i + 20 == text.size() || !IsWordChar(text[i + 20]))) {
          n = 20, kind = "aws-access-key-id";
        }
      } else if (boundary && StartsWith(text, i, "xox") && i + 4 < text.size() &&
                 std::string_view("abposr").find(text[i + 3]) != std::string_view::npos &&
                 text[i + 4] == '-') {
        size_t r = Run(text, i + 5, [](char c) { return IsAlnum(c) || c == '-'; });
        if (r >= 10) n = 5 + r, kind = "slack-token";
      } else if (boundary && StartsWith(text, i, "sk-")) {
        size_t r = Run(text, i + 3, IsB64Url);
        if (r >= 20) n = 3 + r, kind = "api-key";
      } else if (boundary && std::isalpha(static_cast<unsigned char>(text[i]))) {
        // NAME = value, NAME: value, where NAME holds a secret word.
        size_t id = Run(text, i, IsWordChar);
        if (ContainsSecretWord(text.substr(i, id))) {
          size_t k = i + id;
          while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) ++k;
          if (k < text.size() && (text[k] == '=' || text[k] == ':')) {
            ++k;
            while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) ++k;
            size_t v;
            if (k < text.size() && (text[k] == '"' || text[k] == '\'')) {
              size_t close = text.find(text[k], k + 1);
              v = close == std::string_view::npos ? 0 : close + 1 - k;
            } else {
              v = Run(text, k, [](char c) {
                return !std::isspace(static_cast<unsigned char>(c)) && c != '"' && c != '\'' &&
                       c != ',' && c != ';';
              });
            }
            if (v >= 3) {
              out.append(text.substr(i, k - i));
              out += "[REDACTED:password]";
              i = k + v;
              continue;
            }
          }
          out.append(text.substr(i, id));  // not an assignment: keep the word whole
          i += id;
          continue;
        }
      }
      if (kind != nullptr) {
        out += "[REDACTED:";
        out += kind;
        out += ']';
        i += n;
      } else {
        out += text[i++];
      }
    }
    return RedactHighEntropy(out);
  }

 private:
  // Words of 32+ token characters with mixed classes and entropy above 4
  // bits per character: keys and tokens of shapes the rules above miss.
  static std::string RedactHighEntropy(const std::string& in) {
    std::string out;
    size_t i = 0;
    auto tok = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=' ||
             c == '_' || c == '-';
    };
    while (i < in.size()) {
      if (!tok(in[i])) {
        out += in[i++];
        continue;
      }
      size_t j = i;
      while (j < in.size() && tok(in[j])) ++j;
      std::string_view w(in.data() + i, j - i);
      bool digit = false, upper = false, lower = false;
      for (char c : w) {
        digit |= std::isdigit(static_cast<unsigned char>(c)) != 0;
        upper |= std::isupper(static_cast<unsigned char>(c)) != 0;
        lower |= std::islower(static_cast<unsigned char>(c)) != 0;
      }
      // Paths and dashed identifiers are long but low in entropy per char.
      if (w.size() >= 32 && digit && (upper || lower) && Entropy(w) > 4.0 &&
          w.find("REDACTED") == std::string_view::npos) {
        out += "[REDACTED:high-entropy]";
      } else {
        out.append(w);
      }
      i = j;
    }
    return out;
  }

};

}  // namespace

std::unique_ptr<Redactor> NewBuiltinRedactor() { return std::make_unique<BuiltinRedactor>(); }

}  // namespace custody
