// Fuzzes the claude hook payload parser (capture.h ParseClaudePayload), which
// reads whatever the agent writes to the hook's stdin. Beyond "no crash, no
// sanitizer report": a parsed event names the agent and an event, and a
// payload the parser rejects never comes back as an event.
//
//   build-fuzz/fuzz/hook_claude_fuzzer fuzz/corpus/hook_claude -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "custody/capture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto ev = custody::ParseClaudePayload(input, "");
  if (ev.ok() && (ev->agent.empty() || ev->event.empty())) __builtin_trap();
  // Shell commands and patches inside payloads are parsed too.
  if (ev.ok()) {
    (void)custody::ShellWriteTargets(ev->shell_command);
    for (const auto& w : ev->writes) {
      if (w.path.empty()) __builtin_trap();
    }
  }
  (void)custody::ShellWriteTargets(input.substr(0, 4096));
  (void)custody::ParseApplyPatch(input);
  return 0;
}
