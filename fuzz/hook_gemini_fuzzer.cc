// Fuzzes the gemini hook payload parser (capture.h ParseGeminiPayload), which
// reads whatever the agent writes to the hook's stdin; checks in hook_fuzzer.h.
//
//   build-fuzz/fuzz/hook_gemini_fuzzer fuzz/corpus/hook_gemini -max_total_time=60
#include "hook_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return custody::fuzz::FuzzHookPayload(custody::ParseGeminiPayload, data, size);
}
