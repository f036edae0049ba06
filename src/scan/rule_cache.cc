// The parsed default rule packs, cached on disk: parsing ~330 kB of TOML
// was the second largest start-up cost of a scan, after compiling RE2.
//
// File: "custody-rules 1\n", the key, '\n', then the rule set in a plain
// binary form (little-endian u32 lengths and counts, strings as length +
// bytes). The key is a digest of the embedded packs' text, of the sources
// of their loader (both digested at build time, embed_rules.cmake) and of
// the layout of the rule types, so a changed pack, loader or ScanRule never
// reads an old file. Anything that does not parse back exactly is "not
// cached".
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "custody/hash.h"
#include "custody/scan.h"
#include "scan/embedded_rules.h"
#include "scan/scan_internal.h"

namespace custody {
namespace {

class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void I32(int32_t v) { U32(static_cast<uint32_t>(v)); }
  void F64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    U32(static_cast<uint32_t>(bits));
    U32(static_cast<uint32_t>(bits >> 32));
  }
  void Str(const std::string& s) {
    U32(static_cast<uint32_t>(s.size()));
    out_ += s;
  }
  void List(const std::vector<std::string>& v) {
    U32(static_cast<uint32_t>(v.size()));
    for (const auto& s : v) Str(s);
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

// Reads what Writer wrote; any read past the end sets the failure flag and
// yields zeros, so callers check ok() once at the end.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint8_t U8() {
    if (pos_ >= in_.size()) return Fail();
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(U8()) << (8 * i);
    return v;
  }
  int32_t I32() { return static_cast<int32_t>(U32()); }
  double F64() {
    uint64_t lo = U32();
    uint64_t hi = U32();
    uint64_t bits = lo | hi << 32;
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  void Str(std::string* s) {
    uint32_t n = U32();
    if (n > in_.size() - pos_) {
      Fail();
      return;
    }
    s->assign(in_.data() + pos_, n);
    pos_ += n;
  }
  // A count of items each at least `min_bytes` long: bounded by what is
  // left, so a damaged count cannot make a huge allocation.
  uint32_t Count(size_t min_bytes) {
    uint32_t n = U32();
    if (n > (in_.size() - pos_) / min_bytes) {
      Fail();
      return 0;
    }
    return n;
  }
  void List(std::vector<std::string>* v) {
    uint32_t n = Count(4);
    v->resize(n);
    for (auto& s : *v) Str(&s);
  }
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  uint8_t Fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void PutAllow(Writer& w, const ScanAllowlist& a) {
  w.Str(a.description);
  w.U8(static_cast<uint8_t>(a.regex_target));
  w.List(a.regexes);
  w.List(a.paths);
  w.List(a.stopwords);
  w.List(a.commits);
  w.U8(a.condition_and ? 1 : 0);
  w.List(a.target_rules);
}

bool GetAllow(Reader& r, ScanAllowlist* a) {
  r.Str(&a->description);
  uint8_t target = r.U8();
  if (target > static_cast<uint8_t>(ScanAllowlist::Target::kLine)) return false;
  a->regex_target = static_cast<ScanAllowlist::Target>(target);
  r.List(&a->regexes);
  r.List(&a->paths);
  r.List(&a->stopwords);
  r.List(&a->commits);
  a->condition_and = r.U8() != 0;
  r.List(&a->target_rules);
  return r.ok();
}

void PutAllows(Writer& w, const std::vector<ScanAllowlist>& v) {
  w.U32(static_cast<uint32_t>(v.size()));
  for (const auto& a : v) PutAllow(w, a);
}

bool GetAllows(Reader& r, std::vector<ScanAllowlist>* v) {
  v->resize(r.Count(1));
  for (auto& a : *v) {
    if (!GetAllow(r, &a)) return false;
  }
  return r.ok();
}

// The digest behind the cache file's name and key: the packs (digested
// at build time), and the sizes of the types written (a new field changes
// them, and with them the key, before anyone forgets to write it here).
std::string DefaultRulesKey() {
  std::string in = "custody-rules-cache-v1\n";
  in += std::to_string(sizeof(ScanRule)) + " " + std::to_string(sizeof(ScanAllowlist)) + " " +
        std::to_string(sizeof(RuleExample)) + " " + std::to_string(sizeof(RuleSet)) + "\n";
  in += scan_internal::kEmbeddedPacksDigest;
  return Sha256Hex(in);
}

bool ReadWhole(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  return fd >= 0 && scan_internal::ReadOpenFile(fd, uint64_t{256} << 20, /*allow_short=*/false, out);
}

}  // namespace

namespace scan_internal {

std::string SerializeRuleSet(const RuleSet& set) {
  Writer w;
  w.U32(static_cast<uint32_t>(set.rules.size()));
  for (const ScanRule& r : set.rules) {
    w.Str(r.id);
    w.Str(r.description);
    w.U8(static_cast<uint8_t>(r.category));
    w.U8(static_cast<uint8_t>(r.severity));
    w.Str(r.cwe);
    w.Str(r.regex);
    w.Str(r.prefilter);
    w.I32(r.secret_group);
    w.List(r.keywords);
    w.F64(r.entropy);
    w.List(r.paths);
    w.List(r.languages);
    w.Str(r.remediation);
    w.List(r.frameworks);
    w.List(r.tags);
    w.U8(r.placeholder_check ? 1 : 0);
    w.U8(r.egress ? 1 : 0);
    PutAllows(w, r.allowlists);
    w.U32(static_cast<uint32_t>(r.examples.size()));
    for (const RuleExample& x : r.examples) {
      w.Str(x.text);
      w.Str(x.path);
      w.U8(x.match ? 1 : 0);
    }
    w.Str(r.origin);
  }
  PutAllows(w, set.allowlists);
  w.List(set.warnings);
  return std::move(w.out());
}

bool ParseRuleSet(std::string_view data, RuleSet* set) {
  Reader rd(data);
  RuleSet out;
  out.rules.resize(rd.Count(16));
  for (ScanRule& r : out.rules) {
    rd.Str(&r.id);
    rd.Str(&r.description);
    uint8_t category = rd.U8();
    uint8_t severity = rd.U8();
    if (category > static_cast<uint8_t>(RuleCategory::kBehaviour) ||
        severity > static_cast<uint8_t>(Severity::kCritical)) {
      return false;
    }
    r.category = static_cast<RuleCategory>(category);
    r.severity = static_cast<Severity>(severity);
    rd.Str(&r.cwe);
    rd.Str(&r.regex);
    rd.Str(&r.prefilter);
    r.secret_group = rd.I32();
    rd.List(&r.keywords);
    r.entropy = rd.F64();
    rd.List(&r.paths);
    rd.List(&r.languages);
    rd.Str(&r.remediation);
    rd.List(&r.frameworks);
    rd.List(&r.tags);
    r.placeholder_check = rd.U8() != 0;
    r.egress = rd.U8() != 0;
    if (!GetAllows(rd, &r.allowlists)) return false;
    r.examples.resize(rd.Count(9));
    for (RuleExample& x : r.examples) {
      rd.Str(&x.text);
      rd.Str(&x.path);
      x.match = rd.U8() != 0;
    }
    rd.Str(&r.origin);
    if (!rd.ok()) return false;
  }
  if (!GetAllows(rd, &out.allowlists)) return false;
  rd.List(&out.warnings);
  if (!rd.ok() || !rd.at_end()) return false;
  *set = std::move(out);
  return true;
}

}  // namespace scan_internal

Result<RuleSet> DefaultRuleSet(const std::string& cache_dir) {
  if (cache_dir.empty()) return DefaultRuleSet();
  std::string key = DefaultRulesKey();
  std::string path = cache_dir + "/rules-" + key.substr(0, 32) + ".bin";
  std::string head = "custody-rules 1\n" + key + "\n";
  std::string file;
  RuleSet set;
  if (ReadWhole(path, &file) && file.compare(0, head.size(), head) == 0 &&
      scan_internal::ParseRuleSet(std::string_view(file).substr(head.size()), &set)) {
    return set;
  }
  CUSTODY_ASSIGN_OR_RETURN(set, DefaultRuleSet());
  // Best effort, as the database cache: a file that cannot be written only
  // costs the parse next time.
  std::error_code ec;
  std::filesystem::create_directories(cache_dir, ec);
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << head << scan_internal::SerializeRuleSet(set);
    out.flush();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return set;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
  return set;
}

}  // namespace custody
