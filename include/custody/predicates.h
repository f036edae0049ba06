// The predicate types custody emits, and the mapping from a statement to the
// index columns the ledger stores (kind, files, commits, references).
//
// Every custody predicate type is a versioned URI under
// https://custody.dev/attestation/<kind>/v<major.minor>; docs/formats.md
// documents each field. Parsers of these predicates must ignore unknown
// fields (in-toto rule), so minor versions only add fields.
//
// Pure functions and plain structs; thread-safe.
#ifndef CUSTODY_PREDICATES_H_
#define CUSTODY_PREDICATES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "custody/statement.h"

namespace custody {

inline constexpr std::string_view kGenerationPredicateType =
    "https://custody.dev/attestation/generation/v0.1";

// The short kind of a predicate type: "generation", "attribution",
// "validation", "override", "review", "deployment", "incident", "policy",
// "key" for custody's own types (any version); "slsa-provenance",
// "test-result", "vulns" for the standard ones; "other" otherwise.
std::string KindOfPredicateType(std::string_view predicate_type);

// Index values of one statement, as the ledger stores them (store.h).
struct StatementIndex {
  std::string kind;
  std::vector<std::string> files;    // subject names that carry a file digest
  std::vector<std::string> commits;  // subject gitCommit digests
  std::vector<std::string> refs;     // entry ids the predicate refers to
};
StatementIndex IndexStatement(const Statement& statement);

// A file the agent wrote, as a generation subject.
struct GeneratedFile {
  std::string path;    // repository-relative, '/'-separated
  std::string sha256;  // lowercase hex of the content when recorded
};

// A digest of a file that constrained the generation (CLAUDE.md, AGENTS.md,
// policy.toml, ...).
struct ConstraintFile {
  std::string path;
  std::string sha256;
};

// How the prompt is kept: the statement carries only a salted digest and an
// opaque reference, never the text (DESIGN.md "Prompts are personal data").
struct PromptRef {
  std::string digest_sha256;  // hex SHA-256(salt || prompt)
  std::string ref;            // key of the encrypted record beside the ledger
  std::string storage;        // "full" (text kept, encrypted) or "digest"
};

// A forbid_ai constraint applied to one path: refused before the write, or
// (for agents without a pre-edit hook) violated by a write already made.
struct ConstraintHit {
  std::string constraint;  // "forbid_ai"
  std::string pattern;     // the glob that covers the path
  std::string path;        // repository-relative
};

// One generation checkpoint: what an agent produced and under what context.
struct GenerationRecord {
  std::string agent;          // e.g. "claude-code"
  std::string agent_version;  // optional
  std::string model;          // e.g. "claude-sonnet-4-5"
  std::string model_version;  // optional
  std::string session_id;     // optional
  std::string method;         // "manual" (custody record) or "hook"
  PromptRef prompt;           // empty ref and digest when no prompt was given
  std::vector<std::string> constraints;           // stated constraints, verbatim
  std::vector<ConstraintFile> constraint_files;   // policy + rules files in force
  std::vector<GeneratedFile> files;
  int64_t timestamp_unix_nanos = 0;
  std::string recorder_version;  // custody version that wrote it
  // Hook checkpoints (method "hook"); every field optional, each emitted
  // only when set (predicate v0.1 additions, docs/formats.md).
  std::string hook_event;       // the agent's event name ("PostToolUse", "afterFileEdit")
  std::string tool;             // the tool used ("Write", "Edit", "apply_patch", "Bash")
  std::string tool_use_id;
  std::string permission_mode;  // the agent's permission mode in force
  std::vector<std::pair<std::string, int64_t>> lines_written;  // path -> non-blank lines
  std::vector<ConstraintHit> refused;     // the attempt was refused (nothing written)
  std::vector<ConstraintHit> violations;  // written although a constraint covers it
};

// The in-toto statement for a generation record. Subjects are the files
// (name = path, digest.sha256); when there are none, `fallback_commit` (a
// 40- or 64-hex commit id) becomes the subject as {"name":"HEAD",
// "digest":{"gitCommit":...}} so the statement always has a subject.
Statement MakeGenerationStatement(const GenerationRecord& record,
                                  const std::string& fallback_commit);

}  // namespace custody

#endif  // CUSTODY_PREDICATES_H_
