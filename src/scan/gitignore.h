// Git's ignore rules (gitignore(5)) for the working-tree walk of ScanTree,
// read once per directory as the walk descends instead of asking libgit2
// about every path (which re-probes the .gitignore files of every parent
// directory for each path it is asked about).
//
// WildMatch is git's wildmatch: `*`, `?` and `[...]` do not match '/' in
// pathname mode, `**` between slashes matches any number of directories,
// `\` quotes the next character, `[!...]`/`[^...]`, ranges and `[:class:]`.
// GitignoreList is one ignore file (a .gitignore, info/exclude or
// core.excludesFile) parsed as git parses it: comments, `!` negation, `\`
// escapes, trailing spaces dropped unless quoted, CR before LF dropped, a
// UTF-8 BOM skipped, trailing `/` for directories only, and a `/` anywhere
// but at the end anchoring the pattern to the file's directory.
// IgnoreTree holds the lists in force during a walk: per-directory levels,
// each linked to its parent's, over the global lists; the deepest matching
// list decides and, within a list, the last matching pattern — git's order.
//
// The rule that nothing under an excluded directory can be re-included is
// the walk's: it does not descend into a directory IgnoreTree excludes.
//
// Internal to src/scan (unit tests may include it). All types are values;
// const methods may be called from several threads at once.
#ifndef CUSTODY_SCAN_GITIGNORE_H_
#define CUSTODY_SCAN_GITIGNORE_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace custody {

// Flags of WildMatch.
inline constexpr unsigned kWildPathname = 1;  // `*`, `?`, `[...]` never match '/'
inline constexpr unsigned kWildCasefold = 2;  // ASCII letters match either case

// True when all of `text` matches the glob `pattern` (git's wildmatch with
// `flags`). Runs in time polynomial in the lengths (the abort rules of
// git's implementation); recursion depth is bounded by the number of `*`
// runs in the pattern.
bool WildMatch(std::string_view pattern, std::string_view text, unsigned flags);

// One pattern line of an ignore file.
struct GitignorePattern {
  std::string glob;       // without `!`, the trailing `/` and a leading `/`
  uint32_t line = 0;      // 1-based line in its file
  bool negate = false;    // `!pattern`: re-includes
  bool dir_only = false;  // `pattern/`: matches directories only
  bool basename = false;  // no `/`: matches the last path component at any depth
  enum class Kind : uint8_t { kGlob, kLiteral, kEndsWith } kind = Kind::kGlob;
};

// The patterns of one ignore file.
class GitignoreList {
 public:
  GitignoreList() = default;
  // Parses `text`. `base` is the directory the patterns are relative to:
  // "" for the top of the work tree (and for info/exclude and
  // core.excludesFile), else "dir/sub/" with the trailing slash. `source`
  // names the file (for diagnostics, as `git check-ignore -v` prints it).
  // Never fails: a line git would treat as a pattern is one.
  static GitignoreList Parse(std::string_view text, std::string base, std::string source);

  // The last pattern matching `path` (relative to the top of the work tree,
  // '/'-separated, no trailing slash; `is_dir` when it names a directory),
  // or nullptr. A matching pattern may be a negation (not ignored).
  const GitignorePattern* Match(std::string_view path, bool is_dir, unsigned flags) const;

  const std::string& base() const { return base_; }
  const std::string& source() const { return source_; }
  const std::vector<GitignorePattern>& patterns() const { return patterns_; }
  bool empty() const { return patterns_.empty(); }

 private:
  std::string base_, source_;
  std::vector<GitignorePattern> patterns_;
};

// The ignore lists of a walk. Levels are added as the walk reads each
// directory's .gitignore and are never removed (a level is small and a walk
// meets few .gitignore files), so a directory waiting on the walk's stack
// keeps a valid level id, and a Verdict stays valid while the tree lives.
// Not thread-safe while levels are added.
class IgnoreTree {
 public:
  static constexpr int kNoLevel = -1;

  // `flags` for every match (kWildCasefold for core.ignoreCase).
  explicit IgnoreTree(unsigned flags = 0) : flags_(flags) {}
  // A list that applies everywhere, below every level; add the weakest
  // first (git: core.excludesFile, then info/exclude).
  void AddGlobal(GitignoreList list);
  // A directory's .gitignore whose parent directory is at level `parent`
  // (kNoLevel for the top); returns the new level's id. Empty lists are
  // not stored: the parent's id comes back.
  int AddLevel(int parent, GitignoreList list);

  struct Verdict {
    const GitignoreList* list = nullptr;       // nullptr: no pattern matched
    const GitignorePattern* pattern = nullptr;
    bool ignored() const { return pattern != nullptr && !pattern->negate; }
  };
  // What decides about `path` (as GitignoreList::Match) in a directory at
  // `level`: the deepest level's last matching pattern, then the globals.
  Verdict Check(int level, std::string_view path, bool is_dir) const;

  bool empty() const { return levels_.empty() && globals_.empty(); }

 private:
  struct Level {
    int parent;
    GitignoreList list;
  };
  unsigned flags_;
  std::deque<Level> levels_;  // a deque: Verdict pointers stay valid
  std::vector<GitignoreList> globals_;  // weakest first
};

}  // namespace custody

#endif  // CUSTODY_SCAN_GITIGNORE_H_
