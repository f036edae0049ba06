// Prompt redaction with the scanner's secret rules (secret_redactor.h).
#include "custody/secret_redactor.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <utility>
#include <vector>

#include "custody/scan.h"

namespace custody {
namespace {

struct Span {
  size_t begin, end;
  std::string rule;
};

class SecretScannerRedactor : public Redactor {
 public:
  Status Init(const std::string& cache_dir) {
    CUSTODY_ASSIGN_OR_RETURN(RuleSet all, DefaultRuleSet(cache_dir));
    RuleSet secrets;
    secrets.allowlists = all.allowlists;
    for (auto& r : all.rules) {
      if (r.category == RuleCategory::kSecret) secrets.Add(std::move(r));
    }
    ScanOptions options;
    options.cache_dir = cache_dir;
    options.report_placeholders = true;
    options.limits.max_findings_per_rule = 100000;
    // The scanner reports where a match starts, not where its secret group
    // lies; the filter sees the secret itself, as a view into the scanned
    // text, and records its span.
    options.post_filter = [this](const ScanRule& rule, const Finding&, std::string_view secret) {
      if (current_ != nullptr && !secret.empty() && secret.data() >= text_.data() &&
          secret.data() + secret.size() <= text_.data() + text_.size()) {
        size_t b = static_cast<size_t>(secret.data() - text_.data());
        current_->push_back({b, b + secret.size(), rule.id});
      }
      return true;
    };
    CUSTODY_ASSIGN_OR_RETURN(scanner_, Scanner::Compile(secrets, std::move(options)));
    CUSTODY_ASSIGN_OR_RETURN(session_, scanner_->NewSession());
    builtin_ = NewBuiltinRedactor();
    return Status::OK();
  }

  std::string Redact(std::string_view text) const override {
    std::vector<Span> spans;
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::vector<Finding> findings;
      text_ = text;
      current_ = &spans;
      // A buffer the scanner refuses (over its size limit) falls through to
      // the built-in redactor alone.
      (void)scanner_->Scan(*session_, text, "prompt.txt", "", &findings);
      current_ = nullptr;
      text_ = {};
    }
    // Longest first among equal starts, then merge overlaps so every byte of
    // every secret is covered exactly once.
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    std::string out;
    size_t pos = 0;
    for (size_t i = 0; i < spans.size();) {
      Span s = spans[i++];
      while (i < spans.size() && spans[i].begin < s.end) s.end = std::max(s.end, spans[i++].end);
      if (s.begin < pos) continue;
      out.append(text.substr(pos, s.begin - pos));
      out += "[REDACTED:" + s.rule + "]";
      pos = s.end;
    }
    out.append(text.substr(pos));
    return builtin_->Redact(out);
  }

 private:
  std::unique_ptr<Scanner> scanner_;
  std::unique_ptr<Redactor> builtin_;
  mutable std::mutex mu_;
  // Set only while Redact holds mu_: the text being scanned and where the
  // post filter puts the spans it sees.
  std::unique_ptr<ScanSession> session_;
  mutable std::string_view text_;
  mutable std::vector<Span>* current_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<Redactor>> NewSecretScannerRedactor(const std::string& cache_dir) {
  auto r = std::make_unique<SecretScannerRedactor>();
  CUSTODY_RETURN_IF_ERROR(r->Init(cache_dir));
  return std::unique_ptr<Redactor>(std::move(r));
}

std::string DefaultScanCacheDir() {
  if (const char* dir = std::getenv("CUSTODY_CACHE_DIR"); dir != nullptr && *dir != '\0') {
    return std::string(dir) + "/scan";
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg == '/') {
    return std::string(xdg) + "/custody/scan";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') {
    return std::string(home) + "/.cache/custody/scan";
  }
  return "";
}

}  // namespace custody
