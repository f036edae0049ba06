// Fuzzes both rule loaders on arbitrary text: the custody rule format
// (LoadCustodyRules) and gitleaks configuration files (LoadGitleaksConfig,
// with an [extend] path reader that serves the input itself, so extension
// chains are exercised up to the depth limit). When a file loads, its rules
// are compiled (small sets only, to keep each run fast). Beyond "no crash, no
// sanitizer report" it checks that a failed load leaves no rules behind.
//
//   build-fuzz/fuzz/rules_fuzzer fuzz/corpus/rules -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>

#include "custody/scan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  custody::RuleSet custody_set;
  custody::Status s = custody::LoadCustodyRules(text, "fuzz.toml", &custody_set);
  if (!s.ok() && !custody_set.rules.empty()) __builtin_trap();
  custody::FileReader reader = [&](const std::string&) -> custody::Result<std::string> { return text; };
  custody::RuleSet gl_set;
  custody::Status g = custody::LoadGitleaksConfig(text, "dir/gitleaks.toml", reader, &gl_set);
  for (custody::RuleSet* set : {&custody_set, &gl_set}) {
    if (set->rules.empty() || set->rules.size() > 8 || size > 4096) continue;
    auto sc = custody::Scanner::Compile(*set, {});
    if (!sc.ok()) continue;
    auto session = (*sc)->NewSession();
    if (!session.ok()) continue;
    std::vector<custody::Finding> out;
    (void)(*sc)->Scan(**session, text, "fuzz.txt", "", &out);
  }
  (void)g;
  return 0;
}
