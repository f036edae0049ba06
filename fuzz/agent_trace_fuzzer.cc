// Fuzzes the Agent Trace record parser and its conversion to an
// attribution (records come from other tools). Checks that a record custody
// exports from a parsed one parses again.
//
//   build-fuzz/fuzz/agent_trace_fuzzer fuzz/corpus/agent_trace -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "custody/interop.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  custody::Result<custody::AgentTraceRecord> r = custody::ParseAgentTrace(text);
  if (!r.ok()) return 0;
  custody::Result<custody::Attribution> a = custody::AttributionFromAgentTrace(*r);
  if (!a.ok()) return 0;
  if (!custody::ParseAgentTrace(custody::ExportAgentTrace(*a)).ok()) __builtin_trap();
  return 0;
}
