// Interop with other provenance formats (docs/attribution.md "Interop"):
//
//  * git-ai's authorship log "authorship/3.0.0", the note git-ai keeps on
//    refs/notes/ai: an attestation section (a path line, then indented
//    "  <key> <ranges>" lines), a line "---", then JSON metadata
//    (schema_version, git_ai_version, base_commit_sha, prompts, sessions,
//    humans). Keys: "s_<14 hex>::t_<14 hex>" (session::trace; session =
//    SHA-256("<tool>:<conversation id>")[0..14]), "h_<14 hex>" (a known
//    human) and bare 16-hex legacy prompt keys.
//  * Agent Trace (cursor/agent-trace spec v0.1.0) trace records, JSON.
//
// Parsers accept untrusted text: they never throw or crash, bound their
// input and report "line N: ..." / "field: ..." errors. Pure functions;
// thread-safe.
#ifndef CUSTODY_INTEROP_H_
#define CUSTODY_INTEROP_H_

#include <string>
#include <string_view>
#include <vector>

#include "custody/attribution.h"
#include "custody/status.h"

namespace custody {

inline constexpr std::string_view kGitAiNotesRef = "refs/notes/ai";
inline constexpr std::string_view kGitAiSchema = "authorship/3.0.0";

// The git-ai authorship note for `attribution`. AI and AI-then-edited lines
// go under their checkpoint's session key (trace key "t_" + the first 14 hex
// of the checkpoint id, or the original trace key of an imported one);
// ai-unverified lines under a session of the named agent; human lines under
// an "h_" key of `human_author` ("Name <email>"). Tool names follow git-ai
// ("claude", "cursor", "codex", "gemini", "copilot").
std::string ExportGitAiNote(const Attribution& attribution, const std::string& human_author);

// Parses a git-ai note about `commit` into an attribution (method
// "import:git-ai"): session and legacy-prompt ranges become "ai" lines whose
// checkpoint is "git-ai:<key>", "h_" ranges "human" lines; untracked lines
// are absent. Counts are range lengths (git-ai does not mark blank lines).
// InvalidArgument "git-ai note: line N: ..." on malformed input; more than
// 4 MiB is rejected.
Result<Attribution> ParseGitAiNote(std::string_view text, const std::string& commit);

// One range of an Agent Trace conversation.
struct TraceRange {
  int start_line = 0;
  int end_line = 0;
};
struct TraceConversation {
  std::string contributor;  // "human", "ai", "mixed", "unknown"
  std::string model_id;     // "provider/model"; may be empty
  std::vector<TraceRange> ranges;
};
struct TraceFile {
  std::string path;
  std::vector<TraceConversation> conversations;
};
struct AgentTraceRecord {
  std::string version;
  std::string id;
  std::string timestamp;
  std::string vcs_type, revision;  // may be empty
  std::string tool_name, tool_version;
  std::vector<TraceFile> files;
};

// The Agent Trace record (one JSON object) of an attribution: per file one
// conversation per checkpoint (contributor "ai", or "mixed" for
// AI-then-edited lines), one for ai-unverified lines ("ai", no model) and
// one for human lines; vcs = git + the commit; metadata under "dev.custody".
// The id is a UUID derived from the commit and the attribution's content,
// so exporting twice gives the same record.
std::string ExportAgentTrace(const Attribution& attribution);

// Parses and validates one Agent Trace record (required: version, id,
// timestamp, files; ranges 1 <= start_line <= end_line; contributor type one
// of the four). Unknown fields are ignored. InvalidArgument
// "agent trace: <field path>: ..." otherwise.
Result<AgentTraceRecord> ParseAgentTrace(std::string_view json);

// The attribution an Agent Trace record states (method
// "import:agent-trace"; "ai" -> ai, "mixed" -> ai-edited, "human" -> human,
// "unknown" skipped; checkpoint "agent-trace:<record id>[:<model>]").
// InvalidArgument when the record names no git revision.
Result<Attribution> AttributionFromAgentTrace(const AgentTraceRecord& record);

}  // namespace custody

#endif  // CUSTODY_INTEROP_H_
