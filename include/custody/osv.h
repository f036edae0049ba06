// OSV advisories: parsing OSV JSON records (schema 1.x), an offline index
// of them, and matching packages against it by the schema's evaluation
// rules.
//
// OsvRecord is a plain value. OsvDatabaseBuilder collects records (from
// JSON text, files, directories or the per-ecosystem zip export) and
// serialises the compact index documented in docs/osv.md. OsvDatabase is an
// immutable view of one serialised index; it owns its bytes, and Match is
// const and safe to call from several threads at once. The builder is not
// synchronised.
#ifndef CUSTODY_OSV_H_
#define CUSTODY_OSV_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custody/env.h"
#include "custody/package.h"
#include "custody/registry.h"
#include "custody/status.h"

namespace custody {

enum class OsvRangeType : uint8_t { kSemver = 0, kEcosystem = 1, kGit = 2 };

struct OsvEvent {
  enum class Kind : uint8_t { kIntroduced = 0, kFixed = 1, kLastAffected = 2, kLimit = 3 };
  Kind kind = Kind::kIntroduced;
  std::string version;  // "0" for introduced means "before every version"
};

struct OsvRange {
  OsvRangeType type = OsvRangeType::kEcosystem;
  std::string repo;  // GIT ranges only
  std::vector<OsvEvent> events;
};

// One entry of a record's `affected` array.
struct OsvAffected {
  std::string ecosystem;                // as written, e.g. "PyPI", "Debian:12"
  std::optional<Ecosystem> known;       // nullopt: an ecosystem custody does not order
  std::string name;                     // package.name as written
  std::vector<OsvRange> ranges;
  std::vector<std::string> versions;    // explicit affected versions
};

// One entry of `severity`: type "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu"
// ...; score is the vector string (or the type's own label).
struct OsvSeverity {
  std::string type;
  std::string score;
};

struct OsvRecord {
  std::string id;
  std::string modified;
  std::string published;
  std::string withdrawn;          // non-empty: the record was withdrawn
  std::string summary;
  std::vector<std::string> aliases;
  std::vector<OsvSeverity> severity;
  std::string database_severity;  // database_specific.severity ("HIGH", "MODERATE")
  std::vector<OsvAffected> affected;
};

// Parses one OSV record. `source` names the input in errors, which read
// "<source>:<line>:<col>: ..." for JSON syntax and "<source>: <field>: ..."
// for schema violations (a missing id, an event with two keys, fixed and
// last_affected in one range, unknown range type, wrong JSON types).
// Unknown fields are ignored, as the schema asks. Never throws.
Result<OsvRecord> ParseOsvRecord(std::string_view json, std::string_view source);

// The CVSS v3.0/v3.1 base score of a vector such as
// "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" (9.8). InvalidArgument
// naming the vector when a base metric is missing, repeated or unknown.
Result<double> CvssV3BaseScore(std::string_view vector);

// "NONE", "LOW", "MEDIUM", "HIGH" or "CRITICAL" for a CVSS base score.
std::string_view CvssRating(double score);

// Names are compared with NormalizePackageName (custody/registry.h).

// One advisory that affects one input package.
struct OsvFinding {
  size_t package_index = 0;        // into the vector given to Match
  Package package;
  std::string id;
  std::vector<std::string> aliases;
  std::string summary;
  std::string modified;
  std::string severity;            // rating: CRITICAL/HIGH/MEDIUM/LOW, or the
                                   // database's own label, or "" when unknown
  std::optional<double> score;     // CVSS v3 base score when a v3 vector is given
  std::string vector;              // the CVSS vector the score came from (v3, else v4)
  std::vector<std::string> fixed;  // lowest fixed version above the package's, per
                                   // affecting range (sorted, unique)
};

// What Match could not evaluate (it never fails on advisory content).
struct OsvMatchStats {
  size_t packages = 0;
  size_t packages_unpinned = 0;       // skipped: version is a requirement, not a version
  size_t packages_bad_version = 0;    // version does not parse (only `versions` lists apply)
  size_t ranges_unparsable = 0;       // a range event did not parse; that range was skipped
};

class OsvDatabase {
 public:
  OsvDatabase(const OsvDatabase&) = delete;
  OsvDatabase& operator=(const OsvDatabase&) = delete;

  // Opens a serialised index (OsvDatabaseBuilder::Serialize). Takes the
  // bytes; Corruption "<source>: ..." when the header or tables are damaged
  // (records are checked as they are read, so Match can fail too).
  static Result<std::unique_ptr<OsvDatabase>> Open(std::string data, std::string_view source);
  // Reads and opens the file at `path` through `env`.
  static Result<std::unique_ptr<OsvDatabase>> Load(Env* env, const std::string& path);

  size_t record_count() const { return record_count_; }
  size_t key_count() const { return key_count_; }

  // Every advisory affecting each pinned package of `packages`, in input
  // order and then by advisory id. Packages of the same (ecosystem, name)
  // share one lookup. Corruption when the index is damaged.
  Result<std::vector<OsvFinding>> Match(const std::vector<Package>& packages,
                                        OsvMatchStats* stats = nullptr) const;

  // All records again (affected entries of unknown ecosystems and GIT
  // ranges were dropped at import), for merging into a new build.
  Result<std::vector<OsvRecord>> Records() const;

 private:
  OsvDatabase() = default;
  std::string data_;
  std::string source_;
  uint64_t record_count_ = 0, key_count_ = 0, record_index_ = 0, key_index_ = 0;
};

// What an import read and left out.
struct OsvImportStats {
  size_t files = 0;              // JSON documents read
  size_t records = 0;            // records added (or replacing an older one)
  size_t withdrawn = 0;          // skipped: withdrawn
  size_t unknown_ecosystem = 0;  // affected entries dropped: ecosystem not ordered
  size_t git_ranges = 0;         // GIT ranges dropped: commit ranges need the repository
};

class OsvDatabaseBuilder {
 public:
  // Adds one record, replacing a record with the same id unless the one
  // held has a later `modified`. Withdrawn records remove the id.
  void Add(OsvRecord record, OsvImportStats* stats = nullptr);
  // Parses `json` (one record, or an array of records) and adds it.
  Status AddJson(std::string_view json, std::string_view source, OsvImportStats* stats = nullptr);
  // Adds every record of an OSV zip export held in `data` (entries ending
  // in ".json"); errors read "<source>!<entry>:<line>:<col>: ...".
  Status AddZip(std::string_view data, std::string_view source, OsvImportStats* stats = nullptr);
  // `path` is a JSON file, a zip file (by its magic bytes) or a directory,
  // walked recursively for *.json and *.zip files in name order.
  Status AddPath(Env* env, const std::string& path, OsvImportStats* stats = nullptr);

  size_t size() const { return records_.size(); }
  // The index bytes (format in docs/osv.md); deterministic for a given set
  // of records.
  std::string Serialize() const;

 private:
  std::map<std::string, OsvRecord> records_;  // by id
};

// Where `custody osv` keeps its index when --db is not given:
// $CUSTODY_CACHE_DIR/osv/osv.db, else $XDG_CACHE_HOME/custody/osv/osv.db,
// else ~/.cache/custody/osv/osv.db; empty when none of these is set.
std::string DefaultOsvDbPath(Env* env);

}  // namespace custody

#endif  // CUSTODY_OSV_H_
