// Running the scanner over a working tree, a commit range or a whole git
// history, and writing what it found (JSON, SARIF 2.1.0, baselines).
//
// All three modes share one compiled Scanner (borrowed: it must outlive the
// call) and run on `threads` worker threads, each with its own ScanSession;
// the history mode also gives each worker its own Repo. Memory is bounded by
// the threads' buffers (at most max_file_size each), a bounded work queue
// and, in history mode, the ids of the blobs already seen — never by the
// size of the repository. Findings are returned sorted (path, line, rule) so
// output is deterministic whatever the thread timing.
#ifndef CUSTODY_SCAN_RUN_H_
#define CUSTODY_SCAN_RUN_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "custody/repo.h"
#include "custody/scan.h"
#include "custody/status.h"

namespace custody {

struct ScanProgress {
  uint64_t files = 0;  // files or blobs scanned so far
  uint64_t bytes = 0;
  uint64_t findings = 0;
};

struct ScanRunOptions {
  int threads = 0;                      // 0: all cores
  uint64_t max_file_size = 25 << 20;    // larger files are skipped with a note
  bool use_gitignore = true;            // tree mode inside a git work tree
  // Extra ignore patterns (gitignore syntax: `*.min.js`, `vendor/`,
  // `/build`, `!keep.txt`), e.g. the lines of `.custodyignore`.
  std::vector<std::string> ignore_patterns;
  // Called from one thread at most every `progress_interval_ms`.
  std::function<void(const ScanProgress&)> progress;
  int progress_interval_ms = 2000;
};

struct ScanReport {
  std::string mode;  // "tree", "diff" or "history"
  std::vector<Finding> findings;
  uint64_t files_scanned = 0;
  uint64_t bytes_scanned = 0;
  uint64_t skipped_binary = 0;
  uint64_t skipped_large = 0;
  uint64_t skipped_ignored = 0;
  uint64_t suppressed_baseline = 0;
  std::vector<std::string> notes;  // e.g. "big.bin: skipped (30 MB > 25 MB)"
};

// Gitignore-style matcher for ScanRunOptions::ignore_patterns; patterns are
// matched against repo-relative '/'-separated paths. Later patterns win;
// `!` re-includes.
class IgnoreMatcher {
 public:
  explicit IgnoreMatcher(const std::vector<std::string>& patterns);
  bool Ignored(std::string_view path, bool is_dir = false) const;
  bool empty() const { return rules_.empty(); }

 private:
  struct Pattern {
    std::string glob;
    bool negate = false, dir_only = false, anchored = false;
  };
  std::vector<Pattern> rules_;
};

// The non-comment lines of `<root>/.custodyignore`; empty when absent.
std::vector<std::string> ReadCustodyIgnore(const std::string& root);

// Scans files and directories under `paths` (absolute or relative to the
// process's cwd). Paths in findings are relative to `root` (the top of the
// work tree, or the scan path when not in a repository). Skips `.git`,
// ignored paths, binary files (NUL sniffing) and files over max_file_size.
// An unreadable file becomes a note, not an error; a missing path is
// NotFound.
Result<ScanReport> ScanTree(const Scanner& scanner, const std::string& root,
                            const std::vector<std::string>& paths, const ScanRunOptions& options);

// Scans only the lines added by the commits of `range` ("A..B" or one
// revision, as Repo::RevList); each finding carries its commit.
Result<ScanReport> ScanDiff(const Scanner& scanner, Repo& repo, std::string_view range,
                            const ScanRunOptions& options);

// Scans every blob reachable from any ref once; each finding carries the
// first commit that introduced the blob. `repo_path` is opened once per
// worker thread.
Result<ScanReport> ScanHistory(const Scanner& scanner, const std::string& repo_path,
                               const ScanRunOptions& options);

// ---- Baselines ------------------------------------------------------------
//
// A baseline is JSON: {"version": 1, "tool": "custody", "fingerprints":
// ["<64 hex>", ...]} (sorted, unique). LoadBaseline also accepts a report of
// `custody scan --json` (its findings' fingerprints). InvalidArgument
// "PATH: problem" for anything else.
Result<std::set<std::string>> ParseBaseline(std::string_view text, const std::string& path);
std::string SerializeBaseline(const std::vector<Finding>& findings);
// Drops findings whose fingerprint is in `baseline`; returns how many.
size_t ApplyBaseline(const std::set<std::string>& baseline, std::vector<Finding>* findings);

// ---- Output ---------------------------------------------------------------

// {"version":1, "mode", "findings":[...], "stats":{...}, "notes":[...]}; no
// secret in clear (findings carry redacted evidence only). docs/scan.md.
nlohmann::json ReportJson(const ScanReport& report);
// SARIF 2.1.0 for GitHub code scanning: one run, tool.driver.rules for the
// rules that have results (or all of `rules` when `all_rules`).
nlohmann::json ReportSarif(const ScanReport& report, const std::vector<ScanRule>& rules,
                           bool all_rules = false);
// The SARIF security-severity score of a severity ("9.5", "8.0", …).
std::string SecuritySeverity(Severity s);

}  // namespace custody

#endif  // CUSTODY_SCAN_RUN_H_
