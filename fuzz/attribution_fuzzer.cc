// Fuzzes the attribution predicate reader: statements in fetched notes are
// outside input. Statement bytes -> ParseStatement -> AttributionFromStatement;
// a parsed attribution must serialise and read back to the same content.
//
//   build-fuzz/fuzz/attribution_fuzzer fuzz/corpus/attribution -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "custody/attribution.h"
#include "custody/statement.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  custody::Result<custody::Statement> st = custody::ParseStatement(text);
  if (!st.ok()) return 0;
  custody::Result<custody::Attribution> a = custody::AttributionFromStatement(*st);
  if (!a.ok()) return 0;
  custody::Result<custody::Attribution> b =
      custody::AttributionFromStatement(custody::MakeAttributionStatement(*a));
  if (!b.ok()) __builtin_trap();
  if (custody::AttributionContentDigest(*a) != custody::AttributionContentDigest(*b)) {
    __builtin_trap();
  }
  return 0;
}
