// Fuzzes the policy parser on arbitrary text (ParsePolicy), then explains a
// few paths under every policy that loads. Beyond "no crash, no sanitizer
// report" it checks the contracts: a failed parse reports at least one error
// and its status carries the first; every error names the file and a line;
// explain never lowers a check below the risk level's action.
//
//   build-fuzz/fuzz/policy_fuzzer fuzz/corpus/policy -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "custody/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<custody::PolicyError> errors;
  auto p = custody::ParsePolicy(text, "fuzz.toml", &errors);
  if (!p.ok()) {
    if (errors.empty()) __builtin_trap();
    if (p.status().message().rfind(errors[0].message, 0) != 0) __builtin_trap();
    for (const auto& e : errors) {
      if (e.message.rfind("fuzz.toml:", 0) != 0 || e.pos.line < 1) __builtin_trap();
    }
    return 0;
  }
  if (!errors.empty()) __builtin_trap();
  for (const char* path : {"src/auth/login.py", "a", "docs/x/y/z.md", "./lib/.hidden"}) {
    auto e = custody::ExplainPath(*p, path);
    if (!e.ok()) __builtin_trap();
    const auto& base = p->checks[static_cast<int>(e->risk)];
    for (int i = 0; i < custody::kCheckCategoryCount; ++i) {
      if (e->checks[i] < base[i]) __builtin_trap();
    }
  }
  (void)custody::PolicyTemplate(p->project_name);
  return 0;
}
