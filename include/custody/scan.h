// The scanner: one engine for every text rule (secrets, weak crypto, insecure
// patterns, hidden behaviour).
//
// Rules are data. A RuleSet is filled from custody rule packs (TOML, format in
// docs/rules.md), from gitleaks configuration files as they are, and from the
// packs compiled into the library (DefaultRuleSet). Scanner::Compile turns a
// RuleSet into ONE Vectorscan database holding every rule's regex and every
// keyword (as caseless literals). Scanning a buffer is a single Vectorscan
// pass in block mode; each candidate hit is then confirmed, and its capture
// groups extracted, by RE2 on a bounded window around the hit. Only then do
// the false-positive controls run: keywords near the match, Shannon entropy,
// rule and global allowlists, stopwords, placeholder detection, inline
// suppression comments and the egress allowlist.
//
// Rules whose regex Vectorscan rejects but RE2 accepts fall back to RE2-only
// (prefiltered by their keywords when they have some, else by a scan of the
// whole buffer) and are listed in Scanner::notes(); a regex neither engine
// accepts makes Compile fail naming the rule and the reason.
//
// Threads: a compiled Scanner is immutable and may be shared by any number
// of threads. Each thread needs its own ScanSession (Vectorscan scratch and
// buffers); a session is not thread-safe. Memory and time per buffer are
// bounded by ScanLimits whatever the input (huge lines, minified files,
// binary data).
#ifndef CUSTODY_SCAN_H_
#define CUSTODY_SCAN_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "custody/status.h"

namespace custody {

enum class Severity { kInfo = 0, kLow, kMedium, kHigh, kCritical };
enum class RuleCategory { kSecret, kCrypto, kInsecure, kBehaviour };

// "info" .. "critical"; ParseSeverity is case-insensitive and returns
// InvalidArgument naming the accepted words otherwise.
std::string_view SeverityName(Severity s);
Result<Severity> ParseSeverity(std::string_view name);
std::string_view CategoryName(RuleCategory c);
Result<RuleCategory> ParseCategory(std::string_view name);

// An allowlist (gitleaks semantics): a match is dropped when the allowlist
// applies to it. With condition "or" any one criterion that is set suffices;
// with "and" every criterion that is set must hold. Regexes are RE2.
struct ScanAllowlist {
  std::string description;
  enum class Target { kSecret, kMatch, kLine } regex_target = Target::kSecret;
  std::vector<std::string> regexes;
  std::vector<std::string> paths;      // regexes on the repo-relative path
  std::vector<std::string> stopwords;  // case-insensitive substrings of the secret
  std::vector<std::string> commits;    // full or abbreviated commit ids
  bool condition_and = false;
  // Global allowlists only: the rule ids it is limited to (empty: all).
  std::vector<std::string> target_rules;

  friend bool operator==(const ScanAllowlist&, const ScanAllowlist&) = default;
};

// One positive or negative example of a rule, run by the rule tests.
struct RuleExample {
  std::string text;
  std::string path = "example.txt";
  bool match = true;

  friend bool operator==(const RuleExample&, const RuleExample&) = default;
};

// One part of a gitleaks composite rule (`[[rules.required]]`): the rule
// `id` must also match in the same buffer, near the primary match. Distances
// compare the start lines and start columns (1-based) of the two matches.
struct RequiredRule {
  std::string id;
  int within_lines = -1;    // ≥ 0: |line difference| ≤ this; -1: any line
  int within_columns = -1;  // ≥ 0: the same line and |column difference| ≤ this
                            // (columns restart on each line); -1: any column

  friend bool operator==(const RequiredRule&, const RequiredRule&) = default;
};

struct ScanRule {
  std::string id;
  std::string description;
  RuleCategory category = RuleCategory::kSecret;
  Severity severity = Severity::kHigh;
  std::string cwe;        // "CWE-798", or empty
  std::string regex;      // RE2 syntax; empty only for path-only gitleaks rules
  // Optional: the pattern Vectorscan looks for instead of `regex`, for a
  // regex whose own literals are too common (a keyword, then up to 80 bytes,
  // then the rare call). Contract: wherever `regex` matches, `prefilter`
  // matches text ending at the same offset (typically a tail of the regex).
  // The window before each hit is still `regex`'s maximum width, and RE2
  // still confirms with `regex`, so findings are the same; a prefilter that
  // breaks the contract loses matches (the rule-example tests check it).
  std::string prefilter;
  int secret_group = -1;  // -1: 1 when the regex has a group, else 0
  std::vector<std::string> keywords;  // lowercase
  double entropy = 0;                 // minimum bits/char of the secret; 0: none
  std::vector<std::string> paths;     // regexes on the path; empty: every file
  std::vector<std::string> languages;
  std::string remediation;
  std::vector<std::string> frameworks;
  std::vector<std::string> tags;
  bool placeholder_check = true;
  // The secret group is a URL or host name: the finding is dropped when the
  // host is in the egress allowlist (ScanOptions::allow_domains).
  bool egress = false;
  std::vector<ScanAllowlist> allowlists;
  // Composite rule: a match is reported only when every rule listed matches
  // too (each at least once, within its distance); the finding's message
  // names them. Scanner::Compile refuses an id that is not in the set.
  std::vector<RequiredRule> required;
  // The rule's matches serve only as the `required` part of other rules and
  // are never reported themselves (gitleaks `skipReport`).
  bool skip_report = false;
  std::vector<RuleExample> examples;
  std::string origin;  // "FILE:LINE" of the rule's table, for messages

  friend bool operator==(const ScanRule&, const ScanRule&) = default;
};

struct RuleSet {
  std::vector<ScanRule> rules;
  std::vector<ScanAllowlist> allowlists;  // global
  // Things the loaders accepted but do not honour (e.g. gitleaks composite
  // rules), one line each naming the place.
  std::vector<std::string> warnings;

  // Adds `rule`, replacing an earlier rule with the same id (so a later file
  // overrides a default pack's rule).
  void Add(ScanRule rule);
  // Removes the rule with that id; false when absent.
  bool Remove(std::string_view id);
};

// Parses a custody rule pack and adds its rules to `set` (replacing rules
// with the same ids). `path` is used in messages only. InvalidArgument
// "PATH:LINE:COL: problem" for bad TOML, a missing or wrongly typed field, an
// unknown category/severity or a malformed id. Regexes are checked once, by
// Scanner::Compile (compiling each twice would double the start-up cost);
// its messages start with the rule's "PATH:LINE:COL".
Status LoadCustodyRules(std::string_view text, const std::string& path, RuleSet* set);

// Reads a file from disk for the gitleaks `[extend] path` (tests and the
// fuzzer pass in-memory readers).
using FileReader = std::function<Result<std::string>(const std::string& path)>;

// Parses a gitleaks configuration file (TOML, as gitleaks reads it) and adds
// its rules and global allowlists to `set`. `[extend] useDefault = true`
// first adds DefaultRuleSet()'s secret rules; `[extend] path` loads that file
// (relative to this one's directory, at most 4 levels deep) through `read`;
// `disabledRules` drops those ids of the extended rules. As in gitleaks, a
// rule whose id the extended rules already have is merged into that rule:
// its description, regex, secretGroup, entropy and path replace the base's
// when given, its keywords, tags, allowlists and required rules are added.
// A rule left with neither regex nor path is an error, except under
// useDefault, whose ids are custody's rather than gitleaks': such a rule is
// skipped with a warning in `set->warnings`. Errors as for LoadCustodyRules.
Status LoadGitleaksConfig(std::string_view text, const std::string& path, const FileReader& read,
                          RuleSet* set);

// Loads a rules file or every `*.toml` of a directory (sorted by name).
// A file is read as gitleaks configuration when it has no top-level
// `version` key and its rules carry no `category`, else as a custody pack.
Status LoadRulesPath(const std::string& path, RuleSet* set);

// The rule packs of `rules/` compiled into the binary (empty when the build
// had none), and their file names.
Result<RuleSet> DefaultRuleSet();
// The same rule set, parsed once and then kept in `cache_dir` (as
// ScanOptions::cache_dir; "" caches nothing) under a digest of the packs:
// later calls read it back instead of parsing the TOML again. A missing,
// stale or damaged cache file is ignored and written anew (best effort: a
// cache that cannot be written is not an error).
Result<RuleSet> DefaultRuleSet(const std::string& cache_dir);
std::vector<std::string> DefaultRulePackNames();

// A finding. `evidence` never holds a secret in clear: for secret rules it is
// the first 4 characters (only when the secret is ≥ 16 long), "…" and the
// length; for other categories it is the matched code, cut to 80 bytes.
struct Finding {
  std::string rule_id;
  RuleCategory category = RuleCategory::kSecret;
  Severity severity = Severity::kHigh;
  std::string cwe;
  std::string path;  // repo-relative, '/'-separated
  uint32_t line = 0, column = 0;  // 1-based; column counts bytes
  uint32_t end_line = 0, end_column = 0;  // end_column: 1-based, inclusive
  std::string message;
  std::string evidence;
  std::string fingerprint;  // 64 hex: SHA-256(rule id, path, secret)
  std::string commit;       // diff/history modes; empty in the working tree
  std::vector<std::string> frameworks;
  std::vector<std::string> tags;
  std::string remediation;
  bool placeholder = false;  // reported only with ScanOptions::report_placeholders
  uint64_t offset = 0;       // byte offset of the match in the scanned buffer
};

struct ScanLimits {
  size_t max_raw_hits_per_rule = 20000;  // Vectorscan reports per rule per buffer
  size_t max_findings_per_rule = 100;    // confirmed findings per rule per buffer
  size_t window = 4096;                  // bytes before a hit RE2 may look at
  size_t max_buffer = 64 << 20;          // larger buffers: InvalidArgument
  int64_t re2_max_mem = 8 << 20;         // per compiled RE2
};

struct ScanOptions {
  ScanLimits limits;
  // Placeholders (example keys, xxxx, ${VAR}, <token> …) are dropped unless
  // this is set, in which case they are reported with severity info.
  bool report_placeholders = false;
  // Domains network calls may reach (policy `[egress] allow_domains`); a
  // domain also allows its subdomains.
  std::vector<std::string> allow_domains;
  // Extra filter run last on each finding (return false to drop it).
  std::function<bool(const ScanRule&, const Finding&, std::string_view secret)> post_filter;
  // false: no Vectorscan; every rule runs RE2 over the whole buffer. The
  // reference matcher the tests compare the real engine against (slow).
  bool use_vectorscan = true;
  // When set, the compiled Vectorscan database is cached in this directory
  // (created if needed), keyed by a digest of the rules and the Vectorscan
  // version, so later compiles of the same rules load it instead of
  // compiling again. A missing, stale or damaged cache is ignored.
  std::string cache_dir;
};

// How a rule was compiled, when not simply into the Vectorscan database.
struct CompileNote {
  std::string rule_id;
  std::string origin;
  std::string reason;  // Vectorscan's message
};

class ScanSession;

class Scanner {
 public:
  // Compiles every rule of `rules`. InvalidArgument "ORIGIN: rule ID: reason"
  // when a regex (or an allowlist regex) is invalid for RE2, when a rule id
  // repeats, or when a rule has neither regex nor paths.
  static Result<std::unique_ptr<Scanner>> Compile(const RuleSet& rules, ScanOptions options);
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // A new per-thread session. Internal on allocation failure.
  Result<std::unique_ptr<ScanSession>> NewSession() const;

  // Scans `data` as the file `path` (repo-relative) and appends findings,
  // in order of offset, to `out`. `commit` (may be empty) is copied into
  // each finding and checked against allowlist commits. `line_map`, when not
  // null, maps 0-based line indexes of `data` to the line numbers to report
  // (diff mode scans only added lines). Binary data (a NUL in the first
  // 8000 bytes) is not scanned: the return value tells (false = skipped).
  Result<bool> Scan(ScanSession& session, std::string_view data, std::string_view path,
                    std::string_view commit, std::vector<Finding>* out,
                    const std::vector<uint32_t>* line_map = nullptr) const;

  const std::vector<CompileNote>& notes() const;
  const std::vector<ScanRule>& rules() const;
  size_t rule_count() const;

  struct Impl;

 private:
  explicit Scanner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Per-thread state for Scanner::Scan. Create with Scanner::NewSession; must
// not outlive its Scanner.
class ScanSession {
 public:
  virtual ~ScanSession() = default;

 protected:
  ScanSession() = default;
};

// Helpers exposed for tests and for the rule-pack tests.
double ShannonEntropy(std::string_view s);
// True when `secret` (or the line around it) looks like a documentation
// placeholder rather than a credential: a known example key, "EXAMPLE",
// runs like xxxx or 1234…, <token>, ${VAR}, {{ var }}, your-api-key, env
// lookups (os.environ, process.env, getenv).
bool LooksLikePlaceholder(std::string_view secret);
// True when `line` carries an inline suppression: custody:allow,
// gitleaks:allow, nosec, or "pragma: allowlist secret".
bool HasInlineAllow(std::string_view line);
// "AKIA…(20 chars)" — see Finding::evidence.
std::string RedactSecret(std::string_view secret);
// True when `data` looks binary (a NUL byte in its first 8000 bytes, git's test).
bool LooksBinary(std::string_view data);

}  // namespace custody

#endif  // CUSTODY_SCAN_H_
