// Fuzzes the cursor hook payload parser (capture.h ParseCursorPayload), which
// reads whatever the agent writes to the hook's stdin; checks in hook_fuzzer.h.
//
//   build-fuzz/fuzz/hook_cursor_fuzzer fuzz/corpus/hook_cursor -max_total_time=60
#include "hook_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return custody::fuzz::FuzzHookPayload(custody::ParseCursorPayload, data, size);
}
