// Fuzzes the git-ai authorship/3.0.0 note parser (notes on refs/notes/ai
// come from other people's clones). Beyond "no crash, no sanitizer report",
// it checks that the export of a parsed note parses again to the same
// attribution content, and traps otherwise.
//
//   build-fuzz/fuzz/gitai_note_fuzzer fuzz/corpus/gitai_note -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "custody/interop.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string commit(40, 'c');
  custody::Result<custody::Attribution> a = custody::ParseGitAiNote(text, commit);
  if (!a.ok()) return 0;
  std::string again = custody::ExportGitAiNote(*a, "Fuzz <fuzz@example.invalid>");
  custody::Result<custody::Attribution> b = custody::ParseGitAiNote(again, commit);
  if (!b.ok()) __builtin_trap();
  if (custody::ExportGitAiNote(*b, "Fuzz <fuzz@example.invalid>") != again) __builtin_trap();
  return 0;
}
