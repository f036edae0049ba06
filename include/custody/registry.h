// Does a package exist, and is its name a typosquat of a well-known one?
//
// Models invent package names; a dependency check that says "clean" for a
// name that does not exist is the failure this header exists to prevent.
// Two answers live here:
//
//  * NameIndex: an offline index of every name an ecosystem's registry holds
//    (imported from a names list with `custody registry import`). The file
//    is memory-mapped and searched in place: a lookup is a binary search,
//    microseconds even for millions of names; the file is the sorted names
//    plus a 4-byte offset each (docs/registry.md gives the layout).
//  * TyposquatChecker: compares a name with a set of well-known names
//    (custody ships lists per ecosystem, data/popular/, documented in
//    docs/registry.md) and reports the package the author probably meant:
//    edit distance 1, transposition, separator and case confusion,
//    homoglyphs, scope confusion (`@scope/x` vs `x`) and affix games
//    (`-js`, `python-`, `py`). The cost depends on the length of the name,
//    not on the number of known names: the checker generates the candidate
//    spellings and looks each up.
//
// Names are compared after NormalizePackageName. NameIndex and
// TyposquatChecker are immutable after construction and thread-safe.
#ifndef CUSTODY_REGISTRY_H_
#define CUSTODY_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "custody/package.h"
#include "custody/status.h"

namespace custody {

// The form of `name` the ecosystem's registry treats as the same package:
// PyPI per PEP 503 (lower case, runs of "-", "_", "." become "-"); Cargo
// lower case with "_" as "-"; Packagist and NuGet lower case; npm,
// RubyGems, Go module paths and Maven coordinates unchanged (those
// registries are case-sensitive).
std::string NormalizePackageName(Ecosystem ecosystem, std::string_view name);

// Read-only set of names.
class NameSet {
 public:
  virtual ~NameSet() = default;
  // `normalized` must already be NormalizePackageName'd.
  virtual bool Contains(std::string_view normalized) const = 0;
  virtual size_t size() const = 0;
};

// Names held in memory (a shipped popular list, a test's names).
class MemoryNameSet final : public NameSet {
 public:
  // Normalises every name; duplicates collapse.
  MemoryNameSet(Ecosystem ecosystem, const std::vector<std::string>& names);
  bool Contains(std::string_view normalized) const override;
  size_t size() const override { return names_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> names_;
};

// An on-disk, memory-mapped index of one ecosystem's registry names.
class NameIndex final : public NameSet {
 public:
  // Writes the index of `names` (normalised, sorted, deduplicated) to
  // `path` atomically (temp file + rename). IOError naming the path when it
  // cannot be written; InvalidArgument for a name that is empty, longer than
  // 1,024 bytes or holds whitespace or control bytes (the names list is
  // then malformed: the message says which entry).
  static Status Write(Ecosystem ecosystem, std::vector<std::string> names, const std::string& path);

  // Maps `path`. NotFound when it does not exist; Corruption "PATH: ..."
  // when it is not an index or is truncated or out of order.
  static Result<std::unique_ptr<NameIndex>> Open(const std::string& path);

  ~NameIndex() override;
  NameIndex(const NameIndex&) = delete;
  NameIndex& operator=(const NameIndex&) = delete;

  bool Contains(std::string_view normalized) const override;
  size_t size() const override { return count_; }
  Ecosystem ecosystem() const { return ecosystem_; }
  // The i-th name in sorted order (i < size()).
  std::string_view at(size_t i) const;

 private:
  NameIndex() = default;
  const char* map_ = nullptr;
  size_t map_size_ = 0;
  const uint32_t* offsets_ = nullptr;  // count_ + 1 entries into blob_
  const char* blob_ = nullptr;
  size_t count_ = 0;
  Ecosystem ecosystem_ = Ecosystem::kNpm;
};

// What `custody registry import` reports.
struct NameImportStats {
  size_t lines = 0;    // lines read, comments and blanks included
  size_t names = 0;    // distinct names in the index written
  uint64_t bytes = 0;  // size of the index file
};

// Reads a names list (one name per line; blank lines and lines starting
// with '#' ignored; a trailing "\r" dropped) and writes its index to
// `index_path`. InvalidArgument "LIST:LINE: ..." for a malformed name.
Result<NameImportStats> ImportNameList(Ecosystem ecosystem, std::string_view list_text,
                                       const std::string& list_path, const std::string& index_path);

// Where indexes live for this user: $CUSTODY_REGISTRY_DIR, else
// $CUSTODY_CACHE_DIR/registry, $XDG_CACHE_HOME/custody/registry or
// ~/.cache/custody/registry; empty when none is set.
std::string DefaultRegistryDir();
// "<dir>/<EcosystemName>.names".
std::string NameIndexPath(const std::string& dir, Ecosystem ecosystem);

// The popular names custody ships for `ecosystem` (data/popular/*.txt),
// as written there (not normalised); empty for ecosystems without a list.
const std::vector<std::string>& ShippedPopularNames(Ecosystem ecosystem);

// One way a name resembles a well-known one.
enum class SquatTechnique {
  kCase,           // differs only in letter case
  kSeparator,      // differs only in "-", "_", "." (or their absence)
  kScope,          // "@scope/x" for the well-known "x" (or another scope)
  kAffix,          // the well-known name plus or minus "-js", "python-", "py", ...
  kHomoglyph,      // look-alike characters: 0/o, 1/l/i, rn/m, vv/w, ...
  kTransposition,  // two adjacent characters swapped
  kEditDistance,   // one character added, removed or replaced
};
std::string_view SquatTechniqueName(SquatTechnique t);

struct SquatMatch {
  std::string intended;  // the well-known name, normalised
  SquatTechnique technique = SquatTechnique::kEditDistance;
};

class TyposquatChecker {
 public:
  // `known` is borrowed and must outlive the checker.
  TyposquatChecker(Ecosystem ecosystem, const NameSet& known);

  // The well-known names `name` imitates, the closest technique first (the
  // order of SquatTechnique), at most one match per intended name; empty
  // when `name` is itself well known or resembles none. Cost: O(L^2) set
  // look-ups for a name of L characters, whatever the set's size.
  std::vector<SquatMatch> Check(std::string_view name) const;

 private:
  Ecosystem ecosystem_;
  const NameSet& known_;
};

}  // namespace custody

#endif  // CUSTODY_REGISTRY_H_
