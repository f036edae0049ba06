// Copied licensed code: does AI-written code reproduce code from a reference
// corpus (training-data leakage)?
//
// `custody corpus add DIR --license SPDX` indexes reference code; matching
// reports every stretch of at least 150 characters of a checked file that
// also occurs in an indexed file, with that file and its licence.
//
// Method (docs/snippets.md): the text is cut into tokens with whitespace and
// comments dropped (so re-indenting, re-wrapping or re-commenting copied
// code does not hide it); every run of kSnippetK tokens is hashed; winnowing
// (Schleimer, Wilkerson, Aiken 2003) keeps the minimum hash of each window
// of kSnippetW consecutive runs as the file's fingerprints. Any shared
// stretch of kSnippetK + kSnippetW - 1 tokens or more is guaranteed to share
// a fingerprint; a shared fingerprint is then extended token by token in
// both directions to the exact extent of the copy.
//
// A SnippetCorpus is one SQLite file; it is not safe for concurrent use
// from several threads, but several processes may read it.
#ifndef CUSTODY_SNIPPETS_H_
#define CUSTODY_SNIPPETS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "custody/status.h"

namespace custody {

inline constexpr size_t kSnippetK = 12;  // tokens per hashed run
inline constexpr size_t kSnippetW = 8;   // runs per winnowing window

struct SnippetToken {
  uint64_t hash = 0;   // of the token's text (identifiers lower-cased)
  uint32_t begin = 0;  // byte offsets in the text
  uint32_t end = 0;
  uint32_t line = 0;   // 1-based
};

// The tokens of `text`: identifiers, numbers, string literals (whole) and
// single punctuation characters; whitespace and comments (//, /* */, #)
// dropped. At most 4,000,000 tokens (larger texts are cut there).
std::vector<SnippetToken> SnippetTokens(std::string_view text);

// The winnowed fingerprints of `tokens`: (hash of the kSnippetK-token run
// starting at token `pos`, pos), in token order.
std::vector<std::pair<uint64_t, uint32_t>> SnippetFingerprints(const std::vector<SnippetToken>& tokens);

struct SnippetMatch {
  std::string source;   // indexed file, as `corpus add` stored it (origin/relative path)
  std::string license;  // its SPDX expression
  uint32_t line = 0;        // first and last line of the copy in the checked text
  uint32_t end_line = 0;
  uint32_t source_line = 0;  // the same in the indexed file
  uint32_t source_end_line = 0;
  uint32_t chars = 0;   // length of the copied stretch in the checked text, bytes
  uint32_t tokens = 0;
  uint32_t token = 0;   // index of the copy's first token in the checked text
};

struct SnippetCorpusStats {
  uint64_t files = 0;
  uint64_t fingerprints = 0;
  uint64_t tokens = 0;
};

class SnippetCorpus {
 public:
  // Opens (`create`: creating if missing) the corpus database at `path`.
  // NotFound when it does not exist and !create; Corruption when the file
  // is not a corpus database.
  static Result<std::unique_ptr<SnippetCorpus>> Open(const std::string& path, bool create);
  ~SnippetCorpus();
  SnippetCorpus(const SnippetCorpus&) = delete;
  SnippetCorpus& operator=(const SnippetCorpus&) = delete;

  // Indexes `text` as `name` under `license` (an SPDX expression). A text
  // already indexed (same SHA-256) is not added twice; returns whether it
  // was added. Texts with fewer than kSnippetK tokens are skipped (false).
  Result<bool> Add(std::string_view name, std::string_view license, std::string_view text);

  // Groups many Add calls in one transaction (much faster); Commit ends it.
  Status Begin();
  Status Commit();

  // The stretches of `text` of at least `min_chars` bytes that also occur
  // in an indexed file, in order of position, overlapping ones merged
  // (the longest source kept).
  Result<std::vector<SnippetMatch>> Match(std::string_view text, uint32_t min_chars = 150) const;

  Result<SnippetCorpusStats> Stats() const;

 private:
  SnippetCorpus() = default;
  struct Impl;
  static Result<bool> AddTokens(Impl& im, std::string_view name, std::string_view license, const std::string& sha,
                                const std::vector<SnippetToken>& tokens);
  std::unique_ptr<Impl> impl_;
};

// $CUSTODY_CORPUS_DB, else corpus.db in $CUSTODY_CACHE_DIR,
// $XDG_CACHE_HOME/custody or ~/.cache/custody; empty when none is set.
std::string DefaultCorpusPath();

}  // namespace custody

#endif  // CUSTODY_SNIPPETS_H_
