// Working log: which generation checkpoint wrote which line content.
//
// DESIGN.md "Attribution": agent hooks record, for every line an agent
// writes, a hash of the normalised line with the id of the signed generation
// checkpoint that wrote it. At commit time (and whenever `custody attribute`
// recomputes history) each added line is attributed by looking its hash up,
// so attribution follows content through amend, rebase, squash and
// cherry-pick. The working log is an index: every row is derived from a
// signed ledger entry, so a lost log loses convenience, never evidence.
//
// Storage: SQLite (WAL) at <git common dir>/custody/worklog.db, shared by all
// worktrees. Many hook processes may write at once (parallel tool uses);
// every write is one transaction, retried while another process holds the
// write lock.
//
// Gaps: events custody saw but could not record (a payload it could not
// parse, a ledger it could not open, a failure inside a git hook). They go to
// an append-only JSON Lines file, <git common dir>/custody/gaps.jsonl, written
// with one O_APPEND write per gap, so a gap can be kept even when the ledger or
// the working log is the thing that is broken. Later commands report them.
#ifndef CUSTODY_WORKING_LOG_H_
#define CUSTODY_WORKING_LOG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "custody/env.h"
#include "custody/hash.h"
#include "custody/status.h"

namespace custody {

// The content key of a line: leading and trailing ASCII whitespace (space,
// \t, \r, \n, \v, \f) removed; nothing else changes. Lines that normalise to
// empty carry no authorship and are never recorded or attributed.
std::string_view NormaliseLine(std::string_view line);

// SHA-256 of NormaliseLine(line).
Digest LineHash(std::string_view line);

// One checkpoint's claim on a line hash.
struct LineOrigin {
  std::string checkpoint_id;      // ledger entry id (64 hex) of the generation checkpoint
  int64_t checkpoint_index = -1;  // its ledger index
  std::string agent;              // e.g. "claude-code"
  std::string model;              // may be empty when the agent did not say
  std::string session_id;         // may be empty
  std::string path;               // repository-relative path the line was written to
  int64_t timestamp_unix_nanos = 0;
  std::string prompt_summary;     // <= 120 chars; empty when prompts are stored as digest only
};

class WorkingLog {
 public:
  virtual ~WorkingLog() = default;

  // Records that `origin` wrote `lines` (raw lines as written; blank lines
  // are skipped). One transaction: all rows or none.
  virtual Status Add(const LineOrigin& origin, const std::vector<std::string>& lines) = 0;

  // For each distinct hash in `hashes`, every origin recorded for it, newest
  // first (by timestamp, then checkpoint index). Hashes never written are
  // absent from the map. Cost depends on hashes.size() and the matches, not
  // on the size of the log.
  virtual Result<std::unordered_map<std::string, std::vector<LineOrigin>>> Lookup(
      const std::vector<Digest>& hashes) = 0;  // map key: DigestBytes(hash)

  // Number of distinct checkpoints recorded (for stats and benchmarks).
  virtual Result<int64_t> CountCheckpoints() = 0;
};

// Opens (creating when `create`) the working log at `path`. A corrupt file is
// kCorruption naming the path; it is never silently recreated.
Result<std::unique_ptr<WorkingLog>> OpenWorkingLog(const std::string& path, bool create);

// Something custody saw but could not record.
struct Gap {
  int64_t time_unix_nanos = 0;
  std::string source;   // "hook:claude-code:PostToolUse", "git:post-commit", ...
  std::string commit;   // hex commit id when the gap is about one, else empty
  std::string path;     // file concerned, when known
  std::string reason;   // one line, never containing prompt text or secrets
};

// Appends `gap` to the gaps file at `path` (created 0600 if missing) with a
// single O_APPEND write followed by fsync.
Status AppendGap(Env* env, const std::string& path, const Gap& gap);

// Every gap in the file, oldest first. Lines that do not parse are returned
// as gaps with source "gaps-file" and a reason naming the line number.
Result<std::vector<Gap>> ReadGaps(Env* env, const std::string& path);

}  // namespace custody

#endif  // CUSTODY_WORKING_LOG_H_
