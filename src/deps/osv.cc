// OSV records: JSON parsing, the compact index, and matching by the
// schema's evaluation algorithm (docs/osv.md).
#include "custody/osv.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "common/lazy_lib.h"
#include "custody/versions.h"
#include "evidence/bounded_json.h"

namespace custody {
namespace {

using nlohmann::json;
using internal::JsonTypeName;

// --- JSON record parsing ---------------------------------------------------

Status Bad(std::string_view source, const std::string& field, const std::string& why) {
  return Status::InvalidArgument(std::string(source), field + ": " + why);
}

Status GetString(const json& obj, const char* key, std::string_view source, const std::string& at,
                 std::string* out, bool required = false) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) return Bad(source, at + key, "missing");
    return Status::OK();
  }
  if (!it->is_string()) return Bad(source, at + key, std::string("expected a string, got ") + JsonTypeName(*it));
  *out = it->get<std::string>();
  return Status::OK();
}

Status GetStrings(const json& obj, const char* key, std::string_view source, const std::string& at,
                  std::vector<std::string>* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::OK();
  if (!it->is_array()) return Bad(source, at + key, std::string("expected an array, got ") + JsonTypeName(*it));
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    if (!v.is_string()) {
      return Bad(source, at + key + "[" + std::to_string(i) + "]",
                 std::string("expected a string, got ") + JsonTypeName(v));
    }
    out->push_back(v.get<std::string>());
  }
  return Status::OK();
}

Status ParseRange(const json& r, std::string_view source, const std::string& at, OsvRange* out) {
  if (!r.is_object()) return Bad(source, at, std::string("expected an object, got ") + JsonTypeName(r));
  std::string type;
  CUSTODY_RETURN_IF_ERROR(GetString(r, "type", source, at + ".", &type, true));
  if (type == "SEMVER") out->type = OsvRangeType::kSemver;
  else if (type == "ECOSYSTEM") out->type = OsvRangeType::kEcosystem;
  else if (type == "GIT") out->type = OsvRangeType::kGit;
  else return Bad(source, at + ".type", "unknown range type \"" + type + "\"");
  CUSTODY_RETURN_IF_ERROR(GetString(r, "repo", source, at + ".", &out->repo));
  auto ev = r.find("events");
  if (ev == r.end() || !ev->is_array()) return Bad(source, at + ".events", "missing or not an array");
  bool fixed = false, last = false;
  for (size_t i = 0; i < ev->size(); ++i) {
    std::string eat = at + ".events[" + std::to_string(i) + "]";
    const json& e = (*ev)[i];
    if (!e.is_object()) return Bad(source, eat, std::string("expected an object, got ") + JsonTypeName(e));
    OsvEvent event;
    int keys = 0;
    for (auto [name, kind] : {std::pair{"introduced", OsvEvent::Kind::kIntroduced},
                              std::pair{"fixed", OsvEvent::Kind::kFixed},
                              std::pair{"last_affected", OsvEvent::Kind::kLastAffected},
                              std::pair{"limit", OsvEvent::Kind::kLimit}}) {
      auto it = e.find(name);
      if (it == e.end()) continue;
      if (!it->is_string()) {
        return Bad(source, eat + "." + name, std::string("expected a string, got ") + JsonTypeName(*it));
      }
      ++keys;
      event.kind = kind;
      event.version = it->get<std::string>();
    }
    if (keys != 1) {
      return Bad(source, eat, "an event has exactly one of introduced, fixed, last_affected, limit");
    }
    fixed |= event.kind == OsvEvent::Kind::kFixed;
    last |= event.kind == OsvEvent::Kind::kLastAffected;
    out->events.push_back(std::move(event));
  }
  if (fixed && last) return Bad(source, at + ".events", "fixed and last_affected in one range");
  return Status::OK();
}

Result<OsvRecord> ParseRecordValue(const json& j, std::string_view source, const std::string& at) {
  if (!j.is_object()) return Bad(source, at.empty() ? "record" : at, std::string("expected an object, got ") + JsonTypeName(j));
  OsvRecord r;
  std::string p = at.empty() ? "" : at + ".";
  CUSTODY_RETURN_IF_ERROR(GetString(j, "id", source, p, &r.id, true));
  if (r.id.empty()) return Bad(source, p + "id", "empty");
  CUSTODY_RETURN_IF_ERROR(GetString(j, "modified", source, p, &r.modified));
  CUSTODY_RETURN_IF_ERROR(GetString(j, "published", source, p, &r.published));
  CUSTODY_RETURN_IF_ERROR(GetString(j, "withdrawn", source, p, &r.withdrawn));
  CUSTODY_RETURN_IF_ERROR(GetString(j, "summary", source, p, &r.summary));
  if (r.summary.empty()) {
    // Records without a summary: the first line of details stands in.
    std::string details;
    CUSTODY_RETURN_IF_ERROR(GetString(j, "details", source, p, &details));
    r.summary = details.substr(0, std::min(details.find('\n'), size_t{200}));
  }
  CUSTODY_RETURN_IF_ERROR(GetStrings(j, "aliases", source, p, &r.aliases));
  auto parse_severity = [&](const json& obj, const std::string& sat, std::vector<OsvSeverity>* out) -> Status {
    auto sev = obj.find("severity");
    if (sev == obj.end() || sev->is_null()) return Status::OK();
    if (!sev->is_array()) return Bad(source, sat + "severity", std::string("expected an array, got ") + JsonTypeName(*sev));
    for (size_t i = 0; i < sev->size(); ++i) {
      std::string eat = sat + "severity[" + std::to_string(i) + "].";
      const json& s = (*sev)[i];
      if (!s.is_object()) return Bad(source, eat, "expected an object");
      OsvSeverity os;
      CUSTODY_RETURN_IF_ERROR(GetString(s, "type", source, eat, &os.type, true));
      CUSTODY_RETURN_IF_ERROR(GetString(s, "score", source, eat, &os.score, true));
      out->push_back(std::move(os));
    }
    return Status::OK();
  };
  CUSTODY_RETURN_IF_ERROR(parse_severity(j, p, &r.severity));
  if (auto ds = j.find("database_specific"); ds != j.end() && ds->is_object()) {
    if (auto s = ds->find("severity"); s != ds->end() && s->is_string()) r.database_severity = s->get<std::string>();
  }
  auto aff = j.find("affected");
  if (aff != j.end() && !aff->is_null()) {
    if (!aff->is_array()) return Bad(source, p + "affected", std::string("expected an array, got ") + JsonTypeName(*aff));
    for (size_t i = 0; i < aff->size(); ++i) {
      std::string aat = p + "affected[" + std::to_string(i) + "]";
      const json& a = (*aff)[i];
      if (!a.is_object()) return Bad(source, aat, std::string("expected an object, got ") + JsonTypeName(a));
      OsvAffected oa;
      if (auto pkg = a.find("package"); pkg != a.end() && !pkg->is_null()) {
        if (!pkg->is_object()) return Bad(source, aat + ".package", "expected an object");
        CUSTODY_RETURN_IF_ERROR(GetString(*pkg, "ecosystem", source, aat + ".package.", &oa.ecosystem, true));
        CUSTODY_RETURN_IF_ERROR(GetString(*pkg, "name", source, aat + ".package.", &oa.name, true));
        oa.known = ParseEcosystem(oa.ecosystem);
        // Only the OSV spelling counts here, not custody's short names
        // (ParseEcosystem accepts both): "maven" is not an OSV ecosystem.
        if (oa.known && EcosystemOsvName(*oa.known) != oa.ecosystem.substr(0, oa.ecosystem.find(':'))) {
          oa.known.reset();
        }
      }
      if (auto rs = a.find("ranges"); rs != a.end() && !rs->is_null()) {
        if (!rs->is_array()) return Bad(source, aat + ".ranges", "expected an array");
        for (size_t k = 0; k < rs->size(); ++k) {
          OsvRange range;
          CUSTODY_RETURN_IF_ERROR(ParseRange((*rs)[k], source, aat + ".ranges[" + std::to_string(k) + "]", &range));
          oa.ranges.push_back(std::move(range));
        }
      }
      CUSTODY_RETURN_IF_ERROR(GetStrings(a, "versions", source, aat + ".", &oa.versions));
      // A per-package severity applies to the whole record here (custody
      // reports one severity per finding).
      if (r.severity.empty()) CUSTODY_RETURN_IF_ERROR(parse_severity(a, aat + ".", &r.severity));
      if (r.database_severity.empty()) {
        if (auto ds = a.find("database_specific"); ds != a.end() && ds->is_object()) {
          if (auto s = ds->find("severity"); s != ds->end() && s->is_string()) r.database_severity = s->get<std::string>();
        }
      }
      r.affected.push_back(std::move(oa));
    }
  }
  return r;
}

// --- Binary index ----------------------------------------------------------

constexpr char kMagic[8] = {'C', 'U', 'S', 'T', 'O', 'S', 'V', '1'};
constexpr size_t kHeaderSize = 8 + 4 * 8;

void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
void PutStr(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

// Bounds-checked reader over the index bytes.
class Reader {
 public:
  Reader(std::string_view data, size_t pos) : data_(data), pos_(pos) {}
  bool ok() const { return ok_; }
  size_t pos() const { return pos_; }
  uint64_t U64() {
    if (!ok_ || data_.size() - pos_ < 8 || pos_ > data_.size()) return Fail();
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return v;
  }
  uint8_t Byte() {
    if (!ok_ || pos_ >= data_.size()) return static_cast<uint8_t>(Fail());
    return static_cast<uint8_t>(data_[pos_++]);
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = Byte();
      if (!ok_) return 0;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return Fail();
  }
  std::string_view Str() {
    uint64_t n = Varint();
    if (!ok_ || n > data_.size() - pos_) {
      Fail();
      return {};
    }
    std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  // A count of items that each take at least one byte.
  uint64_t Count() {
    uint64_t n = Varint();
    if (ok_ && n > data_.size() - pos_) return Fail();
    return n;
  }

 private:
  uint64_t Fail() {
    ok_ = false;
    return 0;
  }
  std::string_view data_;
  size_t pos_;
  bool ok_ = true;
};

std::string Key(Ecosystem e, std::string_view normalized_name) {
  std::string k(1, static_cast<char>(static_cast<uint8_t>(e)));
  k.append(normalized_name);
  return k;
}

// --- Matching ----------------------------------------------------------------

// The ordering a range type uses for a package of `e`: ECOSYSTEM ranges use
// the ecosystem's own; SEMVER ranges SemVer 2.0 (Go's dialect for Go, whose
// package versions carry a "v"; npm's tolerant reading elsewhere).
Ecosystem OrderFor(Ecosystem e, OsvRangeType t) {
  if (t == OsvRangeType::kEcosystem) return e;
  switch (e) {
    case Ecosystem::kGo:
    case Ecosystem::kCargo:
    case Ecosystem::kNuGet:
    case Ecosystem::kNpm:
      return e;
    default:
      return Ecosystem::kNpm;
  }
}

struct DecodedRange {
  OsvRangeType type;
  std::vector<OsvEvent> events;
};
struct DecodedEntry {
  uint64_t record = 0;
  std::vector<std::string_view> versions;
  std::vector<DecodedRange> ranges;
};

// Evaluates one range for `v` (the schema's algorithm): events sorted by
// version, "introduced" switches affected on, "fixed" (at or below v) and
// "last_affected" (below v) switch it off; a "limit" at or below v ends it.
// Returns nullopt when an event does not parse. `fixed_above` gets the
// lowest fixed version above v when v is affected.
std::optional<bool> InRange(Ecosystem order, const Version& v, const DecodedRange& r,
                            std::optional<std::string>* fixed_above) {
  struct Ev {
    OsvEvent::Kind kind;
    bool zero;
    Version ver;
    const std::string* text;
  };
  std::vector<Ev> evs;
  evs.reserve(r.events.size());
  for (const auto& e : r.events) {
    if (e.kind == OsvEvent::Kind::kIntroduced && e.version == "0") {
      evs.push_back(Ev{e.kind, true, {}, &e.version});
      continue;
    }
    if (e.kind == OsvEvent::Kind::kLimit && e.version == "*") continue;
    auto pv = ParseVersion(order, e.version);
    if (!pv.ok()) return std::nullopt;
    evs.push_back(Ev{e.kind, false, std::move(*pv), &e.version});
  }
  std::stable_sort(evs.begin(), evs.end(), [](const Ev& a, const Ev& b) {
    if (a.zero || b.zero) return a.zero && !b.zero;
    return CompareParsed(a.ver, b.ver) < 0;
  });
  bool affected = false;
  for (const Ev& e : evs) {
    switch (e.kind) {
      case OsvEvent::Kind::kIntroduced:
        if (e.zero || CompareParsed(v, e.ver) >= 0) affected = true;
        break;
      case OsvEvent::Kind::kFixed:
        if (CompareParsed(v, e.ver) >= 0) affected = false;
        break;
      case OsvEvent::Kind::kLastAffected:
        if (CompareParsed(v, e.ver) > 0) affected = false;
        break;
      case OsvEvent::Kind::kLimit:
        break;
    }
  }
  for (const Ev& e : evs) {
    if (e.kind == OsvEvent::Kind::kLimit && CompareParsed(v, e.ver) >= 0) affected = false;
  }
  if (affected) {
    for (const Ev& e : evs) {
      if (e.kind == OsvEvent::Kind::kFixed && CompareParsed(e.ver, v) > 0) {
        *fixed_above = *e.text;
        break;
      }
    }
  }
  return affected;
}

// --- CVSS --------------------------------------------------------------------

double RoundUp(double x) {
  // CVSS v3.1 Roundup: avoids floating-point artefacts such as 4.000000001.
  int64_t i = static_cast<int64_t>(std::llround(x * 100000.0));
  if (i % 10000 == 0) return static_cast<double>(i) / 100000.0;
  return (std::floor(static_cast<double>(i) / 10000.0) + 1.0) / 10.0;
}

}  // namespace

Result<OsvRecord> ParseOsvRecord(std::string_view text, std::string_view source) {
  CUSTODY_ASSIGN_OR_RETURN(json j, internal::ParseBoundedJson(text, source));
  return ParseRecordValue(j, source, "");
}

Result<double> CvssV3BaseScore(std::string_view vector) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("CVSS vector \"" + std::string(vector.substr(0, 120)) + "\"", why);
  };
  if (vector.rfind("CVSS:3.0/", 0) != 0 && vector.rfind("CVSS:3.1/", 0) != 0) {
    return bad("not a CVSS v3 vector (expected the prefix CVSS:3.0/ or CVSS:3.1/)");
  }
  std::map<std::string, std::string> m;
  std::string_view rest = vector.substr(9);
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view kv = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    size_t colon = kv.find(':');
    if (colon == std::string_view::npos) return bad("metric \"" + std::string(kv) + "\" has no value");
    std::string k(kv.substr(0, colon));
    if (!m.emplace(k, std::string(kv.substr(colon + 1))).second) return bad("metric " + k + " repeated");
  }
  auto pick = [&](const char* metric, std::initializer_list<std::pair<const char*, double>> vals,
                  double* out) -> Status {
    auto it = m.find(metric);
    if (it == m.end()) return bad(std::string("base metric ") + metric + " missing");
    for (const auto& [name, w] : vals) {
      if (it->second == name) {
        *out = w;
        return Status::OK();
      }
    }
    return bad(std::string("unknown value ") + metric + ":" + it->second);
  };
  double av, ac, ui, c, i, a, scope_changed;
  CUSTODY_RETURN_IF_ERROR(pick("AV", {{"N", 0.85}, {"A", 0.62}, {"L", 0.55}, {"P", 0.2}}, &av));
  CUSTODY_RETURN_IF_ERROR(pick("AC", {{"L", 0.77}, {"H", 0.44}}, &ac));
  CUSTODY_RETURN_IF_ERROR(pick("UI", {{"N", 0.85}, {"R", 0.62}}, &ui));
  CUSTODY_RETURN_IF_ERROR(pick("S", {{"U", 0}, {"C", 1}}, &scope_changed));
  CUSTODY_RETURN_IF_ERROR(pick("C", {{"H", 0.56}, {"L", 0.22}, {"N", 0}}, &c));
  CUSTODY_RETURN_IF_ERROR(pick("I", {{"H", 0.56}, {"L", 0.22}, {"N", 0}}, &i));
  CUSTODY_RETURN_IF_ERROR(pick("A", {{"H", 0.56}, {"L", 0.22}, {"N", 0}}, &a));
  bool changed = scope_changed > 0.5;
  double pr;
  CUSTODY_RETURN_IF_ERROR(pick("PR", {{"N", 0.85}, {"L", changed ? 0.68 : 0.62}, {"H", changed ? 0.5 : 0.27}}, &pr));
  double iss = 1 - (1 - c) * (1 - i) * (1 - a);
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double expl = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0.0;
  return changed ? RoundUp(std::min(1.08 * (impact + expl), 10.0)) : RoundUp(std::min(impact + expl, 10.0));
}

std::string_view CvssRating(double s) {
  if (s <= 0.0) return "NONE";
  if (s < 4.0) return "LOW";
  if (s < 7.0) return "MEDIUM";
  if (s < 9.0) return "HIGH";
  return "CRITICAL";
}


std::string DefaultOsvDbPath(Env* env) {
  if (auto d = env->GetEnvVar("CUSTODY_CACHE_DIR"); d && !d->empty()) return *d + "/osv/osv.db";
  if (auto x = env->GetEnvVar("XDG_CACHE_HOME"); x && !x->empty() && (*x)[0] == '/') {
    return *x + "/custody/osv/osv.db";
  }
  if (auto h = env->GetEnvVar("HOME"); h && !h->empty() && (*h)[0] == '/') {
    return *h + "/.cache/custody/osv/osv.db";
  }
  return "";
}

// --- Builder -------------------------------------------------------------------

void OsvDatabaseBuilder::Add(OsvRecord record, OsvImportStats* stats) {
  OsvImportStats ignore;
  if (stats == nullptr) stats = &ignore;
  if (!record.withdrawn.empty()) {
    ++stats->withdrawn;
    records_.erase(record.id);
    return;
  }
  for (auto& a : record.affected) {
    size_t before = a.ranges.size();
    std::erase_if(a.ranges, [](const OsvRange& r) { return r.type == OsvRangeType::kGit; });
    stats->git_ranges += before - a.ranges.size();
  }
  size_t before = record.affected.size();
  std::erase_if(record.affected, [](const OsvAffected& a) { return !a.known.has_value(); });
  stats->unknown_ecosystem += before - record.affected.size();
  auto it = records_.find(record.id);
  if (it != records_.end() && it->second.modified > record.modified) return;
  ++stats->records;
  std::string id = record.id;
  records_[id] = std::move(record);
}

Status OsvDatabaseBuilder::AddJson(std::string_view text, std::string_view source, OsvImportStats* stats) {
  CUSTODY_ASSIGN_OR_RETURN(json j, internal::ParseBoundedJson(text, source));
  if (stats) ++stats->files;
  if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      CUSTODY_ASSIGN_OR_RETURN(OsvRecord r, ParseRecordValue(j[i], source, "[" + std::to_string(i) + "]"));
      Add(std::move(r), stats);
    }
    return Status::OK();
  }
  CUSTODY_ASSIGN_OR_RETURN(OsvRecord r, ParseRecordValue(j, source, ""));
  Add(std::move(r), stats);
  return Status::OK();
}

namespace {

// libarchive, opened on the first zip export read (common/lazy_lib.h says why).
struct ArchiveApi {
  decltype(&::archive_read_new) read_new = nullptr;
  decltype(&::archive_read_free) read_free = nullptr;
  decltype(&::archive_read_support_format_zip) read_support_format_zip = nullptr;
  decltype(&::archive_read_support_filter_none) read_support_filter_none = nullptr;
  decltype(&::archive_read_open_memory) read_open_memory = nullptr;
  decltype(&::archive_read_next_header) read_next_header = nullptr;
  decltype(&::archive_read_data) read_data = nullptr;
  decltype(&::archive_error_string) error_string = nullptr;
  decltype(&::archive_entry_pathname) entry_pathname = nullptr;
  decltype(&::archive_entry_filetype) entry_filetype = nullptr;
  decltype(&::archive_entry_size_is_set) entry_size_is_set = nullptr;
  decltype(&::archive_entry_size) entry_size = nullptr;
};

Result<const ArchiveApi*> Archive() {
  return LoadLibraryApi<ArchiveApi>("libarchive.so.13", [](void* h, ArchiveApi* a, Status* st) {
#define CUSTODY_ARCHIVE_FN(f) a->f = LibraryFunction<decltype(a->f)>(h, "libarchive.so.13", "archive_" #f, st)
    CUSTODY_ARCHIVE_FN(read_new);
    CUSTODY_ARCHIVE_FN(read_free);
    CUSTODY_ARCHIVE_FN(read_support_format_zip);
    CUSTODY_ARCHIVE_FN(read_support_filter_none);
    CUSTODY_ARCHIVE_FN(read_open_memory);
    CUSTODY_ARCHIVE_FN(read_next_header);
    CUSTODY_ARCHIVE_FN(read_data);
    CUSTODY_ARCHIVE_FN(error_string);
    CUSTODY_ARCHIVE_FN(entry_pathname);
    CUSTODY_ARCHIVE_FN(entry_filetype);
    CUSTODY_ARCHIVE_FN(entry_size_is_set);
    CUSTODY_ARCHIVE_FN(entry_size);
#undef CUSTODY_ARCHIVE_FN
  });
}

}  // namespace

Status OsvDatabaseBuilder::AddZip(std::string_view data, std::string_view source, OsvImportStats* stats) {
  CUSTODY_ASSIGN_OR_RETURN(const ArchiveApi* la, Archive());
  struct ArchiveCloser {
    const ArchiveApi* la;
    void operator()(archive* a) const { la->read_free(a); }
  };
  std::unique_ptr<archive, ArchiveCloser> ar(la->read_new(), ArchiveCloser{la});
  if (!ar) return Status::Internal(std::string(source), "libarchive: out of memory");
  la->read_support_format_zip(ar.get());
  la->read_support_filter_none(ar.get());
  if (la->read_open_memory(ar.get(), data.data(), data.size()) != ARCHIVE_OK) {
    return Status::InvalidArgument(std::string(source), std::string("not a zip archive (") +
                                                            la->error_string(ar.get()) + ")");
  }
  archive_entry* entry = nullptr;
  while (true) {
    int rc = la->read_next_header(ar.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      const char* err = la->error_string(ar.get());
      return Status::InvalidArgument(std::string(source), std::string("damaged zip archive (") +
                                                              (err ? err : "unknown error") + ")");
    }
    const char* path = la->entry_pathname(entry);
    std::string name = path ? path : "";
    if (la->entry_filetype(entry) != AE_IFREG || name.size() < 5 ||
        name.compare(name.size() - 5, 5, ".json") != 0) {
      continue;
    }
    if (la->entry_size_is_set(entry) && la->entry_size(entry) > static_cast<la_int64_t>(internal::kMaxJsonBytes)) {
      return Status::InvalidArgument(std::string(source) + "!" + name, "entry larger than 16 MiB");
    }
    std::string body;
    char buf[65536];
    while (true) {
      la_ssize_t n = la->read_data(ar.get(), buf, sizeof buf);
      if (n == 0) break;
      if (n < 0) {
        const char* err = la->error_string(ar.get());
        return Status::InvalidArgument(std::string(source) + "!" + name,
                                       std::string("cannot read entry (") + (err ? err : "unknown error") + ")");
      }
      body.append(buf, static_cast<size_t>(n));
      if (body.size() > internal::kMaxJsonBytes) {
        return Status::InvalidArgument(std::string(source) + "!" + name, "entry larger than 16 MiB");
      }
    }
    CUSTODY_RETURN_IF_ERROR(AddJson(body, std::string(source) + "!" + name, stats));
  }
  return Status::OK();
}

Status OsvDatabaseBuilder::AddPath(Env* env, const std::string& path, OsvImportStats* stats) {
  if (auto names = env->ListDir(path); names.ok()) {
    for (const auto& n : *names) {
      if (n == "." || n == "..") continue;
      std::string child = path + "/" + n;
      bool is_dir = env->ListDir(child).ok();
      auto ends = [&](const char* suf) {
        size_t k = std::strlen(suf);
        return n.size() >= k && n.compare(n.size() - k, k, suf) == 0;
      };
      if (is_dir || ends(".json") || ends(".zip")) CUSTODY_RETURN_IF_ERROR(AddPath(env, child, stats));
    }
    return Status::OK();
  }
  CUSTODY_ASSIGN_OR_RETURN(std::string data, env->ReadFile(path));
  if (data.size() >= 4 && data.compare(0, 4, "PK\x03\x04") == 0) return AddZip(data, path, stats);
  if (data.size() >= 4 && data.compare(0, 4, "PK\x05\x06") == 0) return AddZip(data, path, stats);
  return AddJson(data, path, stats);
}

std::string OsvDatabaseBuilder::Serialize() const {
  std::string out(kHeaderSize, '\0');
  std::vector<uint64_t> record_offsets;
  std::map<std::string, std::vector<std::pair<uint64_t, const OsvAffected*>>> keys;
  uint64_t idx = 0;
  for (const auto& [id, r] : records_) {
    record_offsets.push_back(out.size());
    PutStr(&out, r.id);
    PutStr(&out, r.modified);
    PutStr(&out, r.published);
    PutStr(&out, r.summary);
    PutVarint(&out, r.aliases.size());
    for (const auto& a : r.aliases) PutStr(&out, a);
    PutVarint(&out, r.severity.size());
    for (const auto& s : r.severity) {
      PutStr(&out, s.type);
      PutStr(&out, s.score);
    }
    PutStr(&out, r.database_severity);
    for (const auto& a : r.affected) {
      keys[Key(*a.known, NormalizePackageName(*a.known, a.name))].push_back({idx, &a});
    }
    ++idx;
  }
  std::vector<uint64_t> key_offsets;
  for (const auto& [key, entries] : keys) {
    key_offsets.push_back(out.size());
    out.push_back(key[0]);
    PutStr(&out, std::string_view(key).substr(1));
    PutVarint(&out, entries.size());
    for (const auto& [rec, a] : entries) {
      PutVarint(&out, rec);
      PutStr(&out, a->name);
      PutVarint(&out, a->versions.size());
      for (const auto& v : a->versions) PutStr(&out, v);
      PutVarint(&out, a->ranges.size());
      for (const auto& r : a->ranges) {
        out.push_back(static_cast<char>(r.type));
        PutVarint(&out, r.events.size());
        for (const auto& e : r.events) {
          out.push_back(static_cast<char>(e.kind));
          PutStr(&out, e.version);
        }
      }
    }
  }
  uint64_t record_index = out.size();
  for (uint64_t o : record_offsets) PutU64(&out, o);
  uint64_t key_index = out.size();
  for (uint64_t o : key_offsets) PutU64(&out, o);
  std::string header(kMagic, 8);
  PutU64(&header, record_offsets.size());
  PutU64(&header, key_offsets.size());
  PutU64(&header, record_index);
  PutU64(&header, key_index);
  out.replace(0, kHeaderSize, header);
  return out;
}

// --- Database --------------------------------------------------------------------

Result<std::unique_ptr<OsvDatabase>> OsvDatabase::Open(std::string data, std::string_view source) {
  auto bad = [&](const std::string& why) {
    return Status::Corruption(std::string(source), why + " (re-run `custody osv import`)");
  };
  if (data.size() < kHeaderSize || std::memcmp(data.data(), kMagic, 8) != 0) {
    return bad("not a custody OSV index (bad magic)");
  }
  std::unique_ptr<OsvDatabase> db(new OsvDatabase());
  Reader r(data, 8);
  db->record_count_ = r.U64();
  db->key_count_ = r.U64();
  db->record_index_ = r.U64();
  db->key_index_ = r.U64();
  uint64_t n = data.size();
  if (db->record_index_ > n || db->key_index_ > n || db->record_count_ > (n - db->record_index_) / 8 ||
      db->key_count_ > (n - db->key_index_) / 8 || db->record_index_ + db->record_count_ * 8 > db->key_index_) {
    return bad("index tables out of bounds");
  }
  db->data_ = std::move(data);
  db->source_ = std::string(source);
  return db;
}

Result<std::unique_ptr<OsvDatabase>> OsvDatabase::Load(Env* env, const std::string& path) {
  auto data = env->ReadFile(path);
  if (!data.ok()) {
    if (data.status().code() == Code::kNotFound) {
      return Status::NotFound(path, "no OSV index (run `custody osv import DIR|ZIP` first)");
    }
    return data.status();
  }
  return Open(std::move(*data), path);
}

namespace {

struct RecordView {
  std::string_view id, modified, published, summary, database_severity;
  std::vector<std::string_view> aliases;
  std::vector<std::pair<std::string_view, std::string_view>> severity;
};

bool ReadRecord(std::string_view data, uint64_t off, RecordView* out) {
  if (off >= data.size()) return false;
  Reader r(data, off);
  out->id = r.Str();
  out->modified = r.Str();
  out->published = r.Str();
  out->summary = r.Str();
  uint64_t na = r.Count();
  for (uint64_t i = 0; i < na && r.ok(); ++i) out->aliases.push_back(r.Str());
  uint64_t ns = r.Count();
  for (uint64_t i = 0; i < ns && r.ok(); ++i) {
    std::string_view t = r.Str();
    std::string_view s = r.Str();
    out->severity.emplace_back(t, s);
  }
  out->database_severity = r.Str();
  return r.ok();
}

// Reads a key blob's header; returns false when damaged.
bool ReadKeyHeader(Reader* r, uint8_t* eco, std::string_view* name) {
  *eco = r->Byte();
  *name = r->Str();
  return r->ok();
}

bool ReadEntries(Reader* r, std::vector<DecodedEntry>* out, std::vector<std::string_view>* names) {
  uint64_t n = r->Count();
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    DecodedEntry e;
    e.record = r->Varint();
    names->push_back(r->Str());
    uint64_t nv = r->Count();
    for (uint64_t k = 0; k < nv && r->ok(); ++k) e.versions.push_back(r->Str());
    uint64_t nr = r->Count();
    for (uint64_t k = 0; k < nr && r->ok(); ++k) {
      DecodedRange dr;
      uint8_t t = r->Byte();
      if (t > 2) return false;
      dr.type = static_cast<OsvRangeType>(t);
      uint64_t ne = r->Count();
      for (uint64_t m = 0; m < ne && r->ok(); ++m) {
        uint8_t kind = r->Byte();
        if (kind > 3) return false;
        dr.events.push_back(OsvEvent{static_cast<OsvEvent::Kind>(kind), std::string(r->Str())});
      }
      e.ranges.push_back(std::move(dr));
    }
    out->push_back(std::move(e));
  }
  return r->ok();
}

void FillSeverity(const RecordView& rv, OsvFinding* f) {
  std::string v4;
  for (const auto& [type, score] : rv.severity) {
    if (type == "CVSS_V3" && !f->score) {
      if (auto s = CvssV3BaseScore(score); s.ok()) {
        f->score = *s;
        f->vector = std::string(score);
      }
    } else if (type == "CVSS_V4" && v4.empty()) {
      v4 = std::string(score);
    }
  }
  if (f->score) {
    f->severity = std::string(CvssRating(*f->score));
  } else {
    if (!v4.empty()) f->vector = v4;
    std::string s(rv.database_severity);
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (s == "MODERATE") s = "MEDIUM";
    f->severity = s;
  }
}

}  // namespace

Result<std::vector<OsvFinding>> OsvDatabase::Match(const std::vector<Package>& packages,
                                                   OsvMatchStats* stats) const {
  OsvMatchStats local;
  if (stats == nullptr) stats = &local;
  std::string_view data(data_);
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(source_, what + " damaged (re-run `custody osv import`)");
  };
  // Binary search of the sorted key table.
  auto find_key = [&](uint8_t eco, std::string_view name, uint64_t* pos) -> Result<bool> {
    uint64_t lo = 0, hi = key_count_;
    while (lo < hi) {
      uint64_t mid = lo + (hi - lo) / 2;
      Reader ir(data, key_index_ + mid * 8);
      uint64_t off = ir.U64();
      if (!ir.ok() || off >= data.size()) return corrupt("key table");
      Reader kr(data, off);
      uint8_t e;
      std::string_view n;
      if (!ReadKeyHeader(&kr, &e, &n)) return corrupt("key entry");
      int c = e != eco ? (e < eco ? -1 : 1) : n.compare(name);
      if (c == 0) {
        *pos = kr.pos();
        return true;
      }
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return false;
  };

  std::vector<OsvFinding> findings;
  for (size_t pi = 0; pi < packages.size(); ++pi) {
    const Package& p = packages[pi];
    ++stats->packages;
    if (!p.pinned) {
      ++stats->packages_unpinned;
      continue;
    }
    uint64_t pos = 0;
    CUSTODY_ASSIGN_OR_RETURN(bool found, find_key(static_cast<uint8_t>(p.ecosystem),
                                                  NormalizePackageName(p.ecosystem, p.name), &pos));
    auto eco_version = ParseVersion(p.ecosystem, p.version);
    if (!eco_version.ok()) ++stats->packages_bad_version;
    if (!found) continue;
    Reader r(data, pos);
    std::vector<DecodedEntry> entries;
    std::vector<std::string_view> names;
    if (!ReadEntries(&r, &entries, &names)) return corrupt("advisory entry");
    std::map<uint64_t, std::vector<std::string>> hits;  // record -> fixed versions
    std::optional<Version> semver_version;
    bool semver_tried = false;
    for (const auto& e : entries) {
      bool affected = false;
      std::vector<std::string> fixed;
      for (const auto& v : e.versions) {
        if (v == p.version) {
          affected = true;
          break;
        }
        // Equal under the ecosystem's order ("1.0" is "1.0.0" in PEP 440).
        if (eco_version.ok()) {
          auto lv = ParseVersion(p.ecosystem, v);
          if (lv.ok() && CompareParsed(*lv, *eco_version) == 0) {
            affected = true;
            break;
          }
        }
      }
      for (const auto& range : e.ranges) {
        if (range.type == OsvRangeType::kGit) continue;
        Ecosystem order = OrderFor(p.ecosystem, range.type);
        const Version* v = nullptr;
        if (order == p.ecosystem) {
          if (eco_version.ok()) v = &*eco_version;
        } else {
          if (!semver_tried) {
            semver_tried = true;
            if (auto sv = ParseVersion(order, p.version); sv.ok()) semver_version = std::move(*sv);
          }
          if (semver_version) v = &*semver_version;
        }
        if (v == nullptr) continue;
        std::optional<std::string> fix;
        auto in = InRange(order, *v, range, &fix);
        if (!in) {
          ++stats->ranges_unparsable;
          continue;
        }
        if (*in) {
          affected = true;
          if (fix) fixed.push_back(*fix);
        }
      }
      if (affected) {
        if (e.record >= record_count_) return corrupt("advisory entry");
        auto& f = hits[e.record];
        f.insert(f.end(), fixed.begin(), fixed.end());
      }
    }
    std::vector<OsvFinding> mine;
    for (auto& [rec, fixed] : hits) {
      Reader ir(data, record_index_ + rec * 8);
      uint64_t off = ir.U64();
      RecordView rv;
      if (!ir.ok() || !ReadRecord(data, off, &rv)) return corrupt("advisory record");
      OsvFinding f;
      f.package_index = pi;
      f.package = p;
      f.id = std::string(rv.id);
      for (auto a : rv.aliases) f.aliases.emplace_back(a);
      f.summary = std::string(rv.summary);
      f.modified = std::string(rv.modified);
      FillSeverity(rv, &f);
      std::sort(fixed.begin(), fixed.end(), [&](const std::string& a, const std::string& b) {
        return CompareVersions(p.ecosystem, a, b) < 0;
      });
      fixed.erase(std::unique(fixed.begin(), fixed.end()), fixed.end());
      f.fixed = std::move(fixed);
      mine.push_back(std::move(f));
    }
    std::sort(mine.begin(), mine.end(), [](const OsvFinding& a, const OsvFinding& b) { return a.id < b.id; });
    for (auto& f : mine) findings.push_back(std::move(f));
  }
  return findings;
}

Result<std::vector<OsvRecord>> OsvDatabase::Records() const {
  std::string_view data(data_);
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(source_, what + " damaged (re-run `custody osv import`)");
  };
  std::vector<OsvRecord> out;
  for (uint64_t i = 0; i < record_count_; ++i) {
    Reader ir(data, record_index_ + i * 8);
    uint64_t off = ir.U64();
    RecordView rv;
    if (!ir.ok() || !ReadRecord(data, off, &rv)) return corrupt("advisory record");
    OsvRecord r;
    r.id = rv.id;
    r.modified = rv.modified;
    r.published = rv.published;
    r.summary = rv.summary;
    for (auto a : rv.aliases) r.aliases.emplace_back(a);
    for (auto [t, s] : rv.severity) r.severity.push_back(OsvSeverity{std::string(t), std::string(s)});
    r.database_severity = rv.database_severity;
    out.push_back(std::move(r));
  }
  for (uint64_t k = 0; k < key_count_; ++k) {
    Reader ir(data, key_index_ + k * 8);
    uint64_t off = ir.U64();
    if (!ir.ok() || off >= data.size()) return corrupt("key table");
    Reader kr(data, off);
    uint8_t eco;
    std::string_view name;
    std::vector<DecodedEntry> entries;
    std::vector<std::string_view> names;
    if (!ReadKeyHeader(&kr, &eco, &name) || eco > static_cast<uint8_t>(Ecosystem::kNuGet) ||
        !ReadEntries(&kr, &entries, &names)) {
      return corrupt("key entry");
    }
    for (size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].record >= out.size()) return corrupt("advisory entry");
      OsvAffected a;
      a.known = static_cast<Ecosystem>(eco);
      a.ecosystem = std::string(EcosystemOsvName(*a.known));
      a.name = std::string(names[i]);
      for (auto v : entries[i].versions) a.versions.emplace_back(v);
      for (auto& dr : entries[i].ranges) a.ranges.push_back(OsvRange{dr.type, "", std::move(dr.events)});
      out[entries[i].record].affected.push_back(std::move(a));
    }
  }
  return out;
}

}  // namespace custody
