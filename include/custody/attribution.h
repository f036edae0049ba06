// Line attribution: which lines a commit added were written by an AI agent
// (and by which generation checkpoint), which by a human, and which were
// written by an agent and then edited by a human (docs/attribution.md).
//
// Attribution is computed from content, never from commit ids: every added
// line of a commit is looked up by LineHash in the working log (and in
// origins carried over from earlier attributions), so it can be recomputed
// for any commit after amend, rebase, squash or cherry-pick. The result is a
// signed in-toto statement of predicate type kAttributionPredicateType whose
// subject is the commit (gitCommit digest); docs/formats.md documents it.
//
// Pure computation over a borrowed Repo and WorkingLog; no global state. Not
// thread-safe (Repo is not); use one Repo per thread.
#ifndef CUSTODY_ATTRIBUTION_H_
#define CUSTODY_ATTRIBUTION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "custody/keys.h"
#include "custody/repo.h"
#include "custody/statement.h"
#include "custody/status.h"
#include "custody/working_log.h"

namespace custody {

inline constexpr std::string_view kAttributionPredicateType =
    "https://custody.dev/attestation/attribution/v0.1";

// How a line came to be. kBlank lines (empty after NormaliseLine) carry no
// authorship and are only counted.
enum class LineKind { kHuman, kAi, kAiEdited, kAiUnverified, kBlank };

// "human", "ai", "ai-edited", "ai-unverified", "blank".
std::string_view LineKindName(LineKind kind);
// The inverse of LineKindName; nullopt for anything else.
std::optional<LineKind> ParseLineKind(std::string_view name);
// True for the three AI kinds.
bool IsAiKind(LineKind kind);

struct LineCounts {
  int64_t ai = 0, human = 0, ai_edited = 0, ai_unverified = 0, blank = 0;
  int64_t Attributed() const { return ai + human + ai_edited + ai_unverified; }
  int64_t AiTotal() const { return ai + ai_edited + ai_unverified; }
  void Add(LineKind kind, int64_t n = 1);
  void Add(const LineCounts& other);
};

// A generation checkpoint an attribution refers to.
struct CheckpointRef {
  std::string id;  // ledger entry id (64 hex), or a foreign key for imports
  int64_t index = -1;
  std::string agent;
  std::string model;
  std::string session_id;
  LineCounts counts;  // the commit's lines attributed to it (ai, ai_edited)
};

// Lines start..end (1-based, inclusive) of the file as the commit has it.
struct AttributedRange {
  int start = 0;
  int end = 0;
  LineKind kind = LineKind::kHuman;
  std::string checkpoint;  // set for kAi and kAiEdited
};

struct FileAttribution {
  std::string path;
  std::vector<AttributedRange> ranges;  // sorted, non-overlapping, blank lines omitted
  LineCounts counts;
};

// An agent named only by commit metadata (author, Co-authored-by trailers,
// "Generated with ..." lines): its lines are "ai-unverified".
struct UnverifiedAgent {
  std::string name;      // "aider", "github-copilot", "claude-code", "codex"
  std::string evidence;  // the author or trailer line that named it
};

// The attribution of one commit: the lines it added, per file.
struct Attribution {
  std::string commit;
  std::vector<std::string> parents;
  std::string method;  // "post-commit", "post-rewrite", "recompute", "import:git-ai", ...
  int64_t timestamp_unix_nanos = 0;
  std::vector<FileAttribution> files;            // sorted by path
  std::map<std::string, CheckpointRef> checkpoints;  // by id
  std::optional<UnverifiedAgent> unverified;
  std::vector<std::string> carried_from;  // commits whose attribution supplied origins
  LineCounts Totals() const;
  // The range of `path` containing `line`, or null when the line was not
  // added by this commit (or is blank).
  const AttributedRange* Find(std::string_view path, int line) const;
};

// Origins by DigestBytes(LineHash(line)), as WorkingLog::Lookup returns
// them; also the shape of origins carried over from earlier attributions.
using OriginMap = std::unordered_map<std::string, std::vector<LineOrigin>>;

// The agent a commit's metadata names, if any: Aider (author "... (aider)",
// Co-authored-by: aider ... / ...@aider.chat), GitHub Copilot (author
// Copilot, Co-authored-by: Copilot <...Copilot@users.noreply.github.com>),
// Claude Code (Co-Authored-By: Claude <noreply@anthropic.com>, "Generated
// with [Claude Code]"), Codex (author or Co-authored-by naming Codex /
// codex@openai.com). Case-insensitive; nullopt for none.
std::optional<UnverifiedAgent> DetectAgentFromCommit(const CommitInfo& commit);

// Token similarity of two lines in [0, 1]: the Sørensen–Dice coefficient of
// their token multisets. Tokens are the words (runs of [A-Za-z0-9_]); single
// punctuation characters count only when a line has no word at all. 1 for
// equal token lists; 0 when either line has no token.
double TokenSimilarity(std::string_view a, std::string_view b);

// True when NormaliseLine(line) has no letter or digit ("}", "});", "*/"):
// such lines are too common to be attributed by their hash alone.
bool IsTrivialLine(std::string_view line);

struct AttributeOptions {
  WorkingLog* log = nullptr;          // may be null (no working log)
  const OriginMap* carried = nullptr;  // AI lines carried over; may be null
  // Lines earlier attributions knew as AI-then-edited; may be null.
  const OriginMap* carried_edited = nullptr;
  std::vector<std::string> carried_from;
  std::string method = "recompute";
  int64_t now_unix_nanos = 0;
  // Origins recorded later than the commit's committer time plus this are
  // ignored (an agent cannot have written a line after it was committed).
  int64_t clock_skew_seconds = 300;
};

// Attributes every line `commit` adds against its first parent (all lines
// of a root commit), per the rules in docs/attribution.md. Errors from the
// repository or the working log are returned as they are.
Result<Attribution> ComputeAttribution(Repo& repo, const std::string& commit,
                                       const AttributeOptions& options);

// The signed-statement form (subject: {"name":"commit","digest":{"gitCommit":id}}).
Statement MakeAttributionStatement(const Attribution& attribution);
// Reads an attribution statement back. InvalidArgument naming the field
// ("attribution: predicate.files[2].ranges[0].end: ...") when it is not one.
Result<Attribution> AttributionFromStatement(const Statement& statement);
// A digest of what an attribution says about the lines (files, ranges,
// checkpoints, unverified agent), ignoring method, time and carried_from:
// equal digests mean recording again would add nothing.
std::string AttributionContentDigest(const Attribution& attribution);

// What ReadAttribution found.
struct StoredAttribution {
  std::optional<Attribution> latest;  // the newest verified one about the commit
  std::vector<std::string> warnings;  // envelopes skipped (unsigned, untrusted, malformed)
};

// The newest attribution about `commit` in its notes on refs/notes/custody
// and the fetched remote notes ref, counting only envelopes signed by a key
// in `keyring`. "Newest" = latest predicate timestamp.
Result<StoredAttribution> ReadAttribution(Repo& repo, const Keyring& keyring,
                                          const std::string& commit);

// Adds the AI lines of `attribution` (kAi ranges with a checkpoint) to `ai`
// and its AI-then-edited lines to `edited`, read from the files of its
// commit: this is how attribution survives where the working log is missing
// (a CI clone with fetched notes) or a rewrite changed the commit ids. The
// origins carry timestamp 0 (known to predate any later commit). Files the
// commit no longer has are skipped.
Status AddOriginsFromAttribution(Repo& repo, const Attribution& attribution, OriginMap* ai,
                                 OriginMap* edited);

}  // namespace custody

#endif  // CUSTODY_ATTRIBUTION_H_
