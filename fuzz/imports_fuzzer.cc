// Fuzzes the import extractors (Python, JS/TS, Go) and the undeclared-import
// check on arbitrary text: no crash, no sanitizer report, every reported
// line within the text, and the 10,000-import bound held.
//
//   build-fuzz/fuzz/imports_fuzzer fuzz/corpus/imports -max_total_time=60
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "custody/imports.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto lines = static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n') + 1);
  for (auto lang : {custody::SourceLanguage::kPython, custody::SourceLanguage::kJavaScript,
                    custody::SourceLanguage::kGo}) {
    auto refs = custody::ExtractImports(lang, text);
    if (refs.size() > 10000) __builtin_trap();
    for (const auto& r : refs) {
      if (r.line == 0 || r.line > lines) __builtin_trap();
      (void)custody::PackageForImport(lang, r.module);
    }
  }
  custody::ImportContext ctx;
  for (const char* path : {"a.py", "b.ts", "c.go"}) (void)custody::FindUndeclaredImports(path, text, ctx);
  return 0;
}
