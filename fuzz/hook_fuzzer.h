// The body shared by the four agent hook payload fuzzers (hook_<agent>_fuzzer.cc),
// which differ only in the parser they drive. Beyond "no crash, no sanitizer
// report": a parsed event names the agent and an event, every write names a
// path, and the shell-command and patch parsers reached from payloads are
// fuzzed too.
#ifndef CUSTODY_FUZZ_HOOK_FUZZER_H_
#define CUSTODY_FUZZ_HOOK_FUZZER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "custody/capture.h"

namespace custody::fuzz {

using HookParser = Result<HookEvent> (*)(std::string_view payload, std::string_view event_hint);

inline int FuzzHookPayload(HookParser parse, const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto ev = parse(input, "");
  if (ev.ok() && (ev->agent.empty() || ev->event.empty())) __builtin_trap();
  if (ev.ok()) {
    (void)ShellWriteTargets(ev->shell_command);
    for (const auto& w : ev->writes) {
      if (w.path.empty()) __builtin_trap();
    }
  }
  (void)ShellWriteTargets(input.substr(0, 4096));
  (void)ParseApplyPatch(input);
  return 0;
}

}  // namespace custody::fuzz

#endif  // CUSTODY_FUZZ_HOOK_FUZZER_H_
