// Fuzzes the snippet tokenizer and winnowing on arbitrary bytes: tokens in
// order, within the text, lines non-decreasing; every fingerprint position
// a valid run start; and the winnowing guarantee that a text shares a
// fingerprint with itself shifted into other text.
//
//   build-fuzz/fuzz/snippets_fuzzer fuzz/corpus/snippets -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>

#include "custody/snippets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto tokens = custody::SnippetTokens(text);
  uint32_t last_end = 0, last_line = 1;
  for (const auto& t : tokens) {
    if (t.begin < last_end || t.end <= t.begin || t.end > size || t.line < last_line) __builtin_trap();
    last_end = t.end;
    last_line = t.line;
  }
  auto fps = custody::SnippetFingerprints(tokens);
  for (const auto& [h, pos] : fps) {
    if (pos + custody::kSnippetK > tokens.size()) __builtin_trap();
  }
  if (tokens.size() >= custody::kSnippetK + custody::kSnippetW - 1) {
    auto shifted = custody::SnippetFingerprints(custody::SnippetTokens("x = 1 ;\n" + text));
    bool shared = false;
    for (const auto& a : fps) {
      for (const auto& b : shifted) shared = shared || a.first == b.first;
      if (shared) break;
    }
    if (!shared) __builtin_trap();
  }
  return 0;
}
