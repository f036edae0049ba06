// The scan engine: one Vectorscan database for all rules, RE2 on bounded
// windows around the hits, then the false-positive controls.
//
// Speed comes from doing almost nothing per byte beyond the Vectorscan pass:
// the callback only appends a hit to its rule's window list (merging
// neighbours), line numbers are computed only once a match is confirmed,
// and RE2 only ever looks at windows around hits.
#include <fcntl.h>
#include <hs/hs.h>
#include <re2/re2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "custody/hash.h"
#include "custody/scan.h"
#include "scan/scan_internal.h"

namespace custody {
namespace {

constexpr size_t kContext = 256;  // bytes of line context RE2 may see past a window

struct CompiledAllow {
  const ScanAllowlist* spec = nullptr;
  std::vector<std::unique_ptr<RE2>> regexes;
  std::vector<std::unique_ptr<RE2>> paths;
};

// The RE2 side of a rule. Built on the rule's first use in a scan (see
// Ready): a run sees hits of only a few of the hundreds of rules, and
// compiling every rule's regexes up front was close to half the CPU of a
// short scan. Never changes once built.
struct RuleRegexes {
  std::unique_ptr<RE2> re;                  // null for path-only rules
  std::vector<std::unique_ptr<RE2>> paths;  // `paths` (languages: CompiledRule::path_langs)
  std::vector<CompiledAllow> allows;
};

struct CompiledRule {
  const ScanRule* rule = nullptr;
  int secret_group = 0;
  int groups = 0;  // capturing groups of the regex (known before it is compiled)
  // Set once, under `once`, by Ready (or eagerly by Compile); `lazy_error`
  // says why when it could not be built. Read only after call_once.
  std::unique_ptr<std::once_flag> once = std::make_unique<std::once_flag>();
  mutable std::unique_ptr<RuleRegexes> res;
  mutable std::string lazy_error;
  std::vector<const CompiledAllow*> global_allows;  // global allowlists that apply
  std::vector<uint32_t> keyword_ids;                // into Impl::keywords
  bool in_hs = false;
  size_t back = 0;  // how far before a hit's end the match may start
  // Languages (bits in KnownLanguages() order) of a rule that applies only
  // to files of those languages; 0 for rules any file may need. Such rules
  // live in per-language databases, not the common one.
  uint32_t lang_mask = 0;
  // Every language of the rule, in the same bits: the rule applies to a file
  // whose scan_internal::LanguageMask shares one (or that one of its `paths`
  // matches). The mask answers what the languages' path regexes would, so
  // they are never compiled.
  uint32_t path_langs = 0;
  // Another rule's `required` names this one: gitleaks runs required rules
  // on the whole fragment without their keyword check, so no keyword gate.
  bool as_required = false;
  std::vector<std::pair<uint32_t, const RequiredRule*>> required;  // resolved ScanRule::required
};

std::unique_ptr<RE2> MakeRe2(const std::string& pattern, const ScanLimits& limits, bool multiline,
                             std::string* error) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(limits.re2_max_mem);
  // Bytes, like Vectorscan without HS_FLAG_UTF8: invalid UTF-8 in files
  // must not change what matches. Unicode classes need UTF-8 (such rules
  // run RE2-only anyway).
  bool unicode = pattern.find("\\p") != std::string::npos || pattern.find("\\P") != std::string::npos;
  o.set_encoding(unicode ? RE2::Options::EncodingUTF8 : RE2::Options::EncodingLatin1);
  auto re = std::make_unique<RE2>(multiline ? "(?m)" + pattern : pattern, o);
  if (!re->ok()) {
    *error = re->error();
    return nullptr;
  }
  return re;
}

Status CompileAllow(const ScanAllowlist& a, const ScanLimits& limits, const std::string& where,
                    CompiledAllow* out) {
  out->spec = &a;
  std::string err;
  for (const auto& r : a.regexes) {
    auto re = MakeRe2(r, limits, false, &err);
    if (!re) return Status::InvalidArgument(where, "allowlist regex: " + err);
    out->regexes.push_back(std::move(re));
  }
  for (const auto& r : a.paths) {
    auto re = MakeRe2(r, limits, false, &err);
    if (!re) return Status::InvalidArgument(where, "allowlist path: " + err);
    out->paths.push_back(std::move(re));
  }
  return Status::OK();
}

// Go RE2 spellings Vectorscan does not take, rewritten; nullopt when the
// pattern needs no change.
std::string TranslateForHs(const std::string& re) {
  std::string out;
  out.reserve(re.size());
  for (size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\' && i + 1 < re.size()) {
      out += re[i];
      out += re[++i];
      continue;
    }
    // Named groups: (?P<n>…) → (?<n>…) is accepted by both, but keep
    // Vectorscan away from RE2-only flag letters.
    if (re.compare(i, 4, "(?U)") == 0) {  // ungreedy: irrelevant for hit positions
      i += 3;
      continue;
    }
    out += re[i];
  }
  return out;
}

// What Vectorscan looks for on the rule's behalf (ScanRule::prefilter).
std::string HsPattern(const ScanRule& r) {
  return TranslateForHs(r.prefilter.empty() ? r.regex : r.prefilter);
}

std::string RuleWhere(const ScanRule& r) {
  return (r.origin.empty() ? std::string("rules") : r.origin) + ": rule " + r.id;
}

// Compiles the RE2 regexes of `r` into `out`, failing with the messages
// Scanner::Compile documents, in the order it checks them; `*groups` gets
// the number of capturing groups of the rule's regex.
Status BuildRegexes(const ScanRule& r, const ScanLimits& limits, RuleRegexes* out, int* groups) {
  std::string where = RuleWhere(r);
  std::string err;
  *groups = 0;
  if (!r.regex.empty()) {
    out->re = MakeRe2(r.regex, limits, true, &err);
    if (!out->re) return Status::InvalidArgument(where, "invalid regex: " + err);
    *groups = out->re->NumberOfCapturingGroups();
    int secret_group = r.secret_group < 0 ? (*groups > 0 ? 1 : 0) : r.secret_group;
    if (secret_group > *groups) {
      return Status::InvalidArgument(where, "secret group " + std::to_string(secret_group) +
                                                " but the regex has " + std::to_string(*groups));
    }
  }
  for (const auto& p : r.paths) {
    auto re = MakeRe2(p, limits, false, &err);
    if (!re) return Status::InvalidArgument(where, "invalid path regex: " + err);
    out->paths.push_back(std::move(re));
  }
  for (const auto& lang : r.languages) {
    if (scan_internal::LanguagePathRegex(lang).empty()) {
      return Status::InvalidArgument(where, "unknown language \"" + lang + "\"");
    }
  }
  for (const auto& a : r.allowlists) {
    CompiledAllow ca;
    CUSTODY_RETURN_IF_ERROR(CompileAllow(a, limits, where, &ca));
    out->allows.push_back(std::move(ca));
  }
  return Status::OK();
}

// The regexes of `c`, compiled by the first caller (any thread; later
// callers wait for it and then share the result). Null when they do not
// compile, with the reason in c.lazy_error: Compile checked them, or the
// cache entry it loaded says they were checked, so this means a damaged
// cache.
const RuleRegexes* Ready(const CompiledRule& c, const ScanLimits& limits) {
  std::call_once(*c.once, [&] {
    auto res = std::make_unique<RuleRegexes>();
    int groups = 0;
    Status s = BuildRegexes(*c.rule, limits, res.get(), &groups);
    if (!s.ok()) {
      c.lazy_error = s.ToString();
    } else if (groups != c.groups) {
      c.lazy_error =
          RuleWhere(*c.rule) + ": the cache disagrees with the regex (run with --no-cache)";
    } else {
      c.res = std::move(res);
    }
  });
  return c.res.get();
}

}  // namespace

struct Scanner::Impl {
  ScanOptions options;
  std::vector<ScanRule> rules;
  std::vector<ScanAllowlist> global_specs;
  std::vector<CompiledAllow> global_allows;
  std::vector<CompiledRule> compiled;
  std::vector<std::string> keywords;          // literals in the database (RE2-only rules)
  std::vector<std::vector<uint32_t>> kw_rules;  // keyword id -> RE2-only rules using it
  std::vector<uint32_t> re2_full_rules;       // RE2-only rules without keywords
  std::vector<uint32_t> path_only_rules;
  bool composite = false;  // some rule has `required` or `skip_report`
  std::unordered_map<std::string, uint32_t> rule_index;  // id -> rule, when `composite`
  hs_database_t* db = nullptr;  // every rule without a lang_mask, and the keywords
  std::vector<CompileNote> notes;
  std::string cache_key;

  // The language-specific rules (a third of the default packs: weak crypto
  // and insecure calls per language) are compiled into one small database
  // per set of languages a file can be, so a file is scanned against the
  // common database plus only its own language's rules: scanning every file
  // against every language's rules cost ~40 % of the throughput.
  uint32_t class_langs = 0;  // union of the rules' lang_masks (scan_internal::LanguageMask)
  struct ClassDb {
    hs_database_t* db = nullptr;
    std::vector<uint32_t> re2_full;  // members, when the class would not compile
    ClassDb() = default;
    ClassDb(const ClassDb&) = delete;
    ClassDb& operator=(const ClassDb&) = delete;
    ~ClassDb() {
      if (db != nullptr) hs_free_database(db);
    }
  };
  // Built on first need (a tree holds only a few languages); the mutex
  // guards the map, whose values never move or change once inserted.
  mutable std::mutex class_mu;
  mutable std::unordered_map<uint32_t, std::unique_ptr<ClassDb>> class_dbs;

  ~Impl() {
    if (db != nullptr) hs_free_database(db);
  }
};

namespace {

class SessionImpl final : public ScanSession {
 public:
  ~SessionImpl() override {
    if (scratch != nullptr) hs_free_scratch(scratch);
  }
  hs_scratch_t* scratch = nullptr;
  // Per buffer (reset by Scan): candidate windows per rule, and which rules
  // have any.
  std::vector<std::vector<std::pair<uint64_t, uint64_t>>> ranges;
  std::vector<uint32_t> raw_hits;
  std::vector<uint32_t> touched;
  std::vector<uint64_t> newlines;  // offsets of '\n', built on first need
  bool newlines_built = false;
  const Scanner::Impl* impl = nullptr;
  std::string lower_buf;
  // Databases `scratch` has been sized for besides the common one.
  std::vector<const hs_database_t*> scratch_dbs;
  // The language classes this session has scanned (entries of
  // Impl::class_dbs, which never move or change once inserted).
  std::vector<std::pair<uint32_t, const Scanner::Impl::ClassDb*>> class_dbs;
};

struct HsContext {
  SessionImpl* s;
  const Scanner::Impl* impl;
};

void AddRange(SessionImpl* s, uint32_t rule, uint64_t lo, uint64_t hi) {
  auto& r = s->ranges[rule];
  if (r.empty()) s->touched.push_back(rule);
  if (!r.empty() && lo <= r.back().second && lo >= r.back().first) {
    r.back().second = std::max(r.back().second, hi);
  } else {
    r.emplace_back(lo, hi);
  }
}

int OnHit(unsigned int id, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/,
          void* ctx) {
  auto* c = static_cast<HsContext*>(ctx);
  SessionImpl* s = c->s;
  const Scanner::Impl* impl = c->impl;
  size_t nrules = impl->compiled.size();
  if (id < nrules) {
    if (++s->raw_hits[id] > impl->options.limits.max_raw_hits_per_rule) return 0;
    size_t back = impl->compiled[id].back;
    AddRange(s, id, to > back ? to - back : 0, to);
    return 0;
  }
  // A keyword of RE2-only rules: open a window around it for each of them.
  uint32_t kw = id - static_cast<uint32_t>(nrules);
  for (uint32_t r : impl->kw_rules[kw]) {
    if (++s->raw_hits[r] > impl->options.limits.max_raw_hits_per_rule) continue;
    size_t back = impl->options.limits.window;
    AddRange(s, r, to > back ? to - back : 0, to + back);
  }
  return 0;
}

void BuildNewlines(SessionImpl* s, std::string_view data) {
  if (s->newlines_built) return;
  s->newlines_built = true;
  const char* p = data.data();
  const char* end = p + data.size();
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (nl == nullptr) break;
    const char* q = static_cast<const char*>(nl);
    s->newlines.push_back(static_cast<uint64_t>(q - data.data()));
    p = q + 1;
  }
}

// 0-based line index and 0-based column of `off`.
std::pair<uint32_t, uint32_t> LineCol(const SessionImpl* s, uint64_t off) {
  auto it = std::lower_bound(s->newlines.begin(), s->newlines.end(), off);
  auto line = static_cast<uint32_t>(it - s->newlines.begin());
  uint64_t start = line == 0 ? 0 : s->newlines[line - 1] + 1;
  return {line, static_cast<uint32_t>(off - start)};
}

uint64_t LineStart(std::string_view data, uint64_t off, size_t limit) {
  uint64_t lo = off > limit ? off - limit : 0;
  for (uint64_t i = off; i > lo; --i) {
    if (data[i - 1] == '\n') return i;
  }
  return lo;
}

uint64_t LineEnd(std::string_view data, uint64_t off, size_t limit) {
  uint64_t hi = limit >= data.size() - std::min<uint64_t>(off, data.size()) ? data.size() : off + limit;
  for (uint64_t i = off; i < hi; ++i) {
    if (data[i] == '\n') return i;
  }
  return hi;
}

bool ContainsLower(std::string_view hay_lower, std::string_view needle_lower) {
  return hay_lower.find(needle_lower) != std::string_view::npos;
}

bool AllowHits(const CompiledAllow& a, std::string_view secret, std::string_view match,
               std::string_view line, std::string_view path, std::string_view commit) {
  int set = 0, hit = 0;
  const ScanAllowlist& spec = *a.spec;
  if (!spec.commits.empty()) {
    ++set;
    bool any = false;
    for (const auto& c : spec.commits) {
      if (!commit.empty() && !c.empty() && commit.substr(0, c.size()) == c) any = true;
    }
    hit += any;
  }
  if (!a.paths.empty()) {
    ++set;
    bool any = false;
    for (const auto& re : a.paths) any = any || RE2::PartialMatch(path, *re);
    hit += any;
  }
  if (!a.regexes.empty()) {
    ++set;
    std::string_view target = spec.regex_target == ScanAllowlist::Target::kSecret ? secret
                              : spec.regex_target == ScanAllowlist::Target::kMatch ? match
                                                                                   : line;
    bool any = false;
    for (const auto& re : a.regexes) any = any || RE2::PartialMatch(target, *re);
    hit += any;
  }
  if (!spec.stopwords.empty()) {
    ++set;
    std::string low = scan_internal::Lower(secret);
    bool any = false;
    for (const auto& w : spec.stopwords) any = any || ContainsLower(low, w);
    hit += any;
  }
  if (set == 0) return false;
  return spec.condition_and ? hit == set : hit > 0;
}

}  // namespace

namespace {

// Everything the compiled database and the RE2-only routing depend on, and
// every input of the RE2 compiles that Compile checks (a cache entry vouches
// that they all compiled, so they can wait for their first use).
std::string CacheKey(const Scanner::Impl& impl) {
  std::string in = "custody-scan-cache-v3\n";
  in += hs_version();
  in += '\n';
  in += std::to_string(impl.options.limits.window) + (impl.options.use_vectorscan ? "v" : "r");
  in += std::to_string(impl.options.limits.re2_max_mem);
  // Length-prefixed, so no two different inputs give the same text.
  auto add = [&in](std::string_view s) {
    in += std::to_string(s.size());
    in += ':';
    in += s;
  };
  auto add_list = [&](const std::vector<std::string>& v) {
    in += std::to_string(v.size());
    in += '[';
    for (const auto& x : v) add(x);
  };
  auto add_allow = [&](const ScanAllowlist& a) {
    add_list(a.regexes);
    add_list(a.paths);
  };
  for (const auto& a : impl.global_specs) add_allow(a);
  for (const auto& r : impl.rules) {
    in += '\0';
    add(r.id);
    add(r.regex);
    add(r.prefilter);
    add_list(r.keywords);
    in += std::to_string(r.secret_group);
    add_list(r.paths);
    add_list(r.languages);
    in += std::to_string(r.allowlists.size());
    for (const auto& a : r.allowlists) add_allow(a);
  }
  return Sha256Hex(in);
}

std::string CachePath(const Scanner::Impl& impl, const std::string& key) {
  return impl.options.cache_dir + "/scan-" + key.substr(0, 32) + ".hsdb";
}

// Cache file: "custody-hsdb 1\n", the key, '\n', u64 length of a JSON
// header (routing), the header, then hs_serialize_database bytes. Any
// mismatch or damage means "not cached".
// The whole of a cache file (one open, fstat and read, rather than a
// stream's character-wise copy of a multi-megabyte database); false when it
// cannot be read.
bool ReadCacheFile(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  return fd >= 0 && scan_internal::ReadOpenFile(fd, uint64_t{1} << 30, /*allow_short=*/false, out);
}

bool LoadCache(Scanner::Impl* impl, const std::string& key) {
  std::string file;
  if (!ReadCacheFile(CachePath(*impl, key), &file)) return false;
  std::string head = "custody-hsdb 1\n" + key + '\n';
  if (file.size() < head.size() + sizeof(uint64_t) || file.compare(0, head.size(), head) != 0) {
    return false;
  }
  uint64_t hlen = 0;
  std::memcpy(&hlen, file.data() + head.size(), sizeof hlen);
  size_t at = head.size() + sizeof hlen;
  if (hlen > file.size() - at) return false;
  std::string_view header(file.data() + at, hlen);
  std::string_view db(file.data() + at + hlen, file.size() - at - hlen);
  nlohmann::json h = nlohmann::json::parse(header, nullptr, false);
  if (h.is_discarded() || !h.is_object()) return false;
  try {
    auto in_hs = h.at("in_hs").get<std::vector<int>>();
    auto back = h.at("back").get<std::vector<size_t>>();
    auto groups = h.at("groups").get<std::vector<int>>();
    if (in_hs.size() != impl->compiled.size() || back.size() != impl->compiled.size() ||
        groups.size() != impl->compiled.size()) {
      return false;
    }
    auto keywords = h.at("keywords").get<std::vector<std::string>>();
    auto kw_rules = h.at("kw_rules").get<std::vector<std::vector<uint32_t>>>();
    auto full = h.at("re2_full").get<std::vector<uint32_t>>();
    if (kw_rules.size() != keywords.size()) return false;
    for (const auto& v : kw_rules) {
      for (uint32_t r : v) {
        if (r >= impl->compiled.size()) return false;
      }
    }
    for (uint32_t r : full) {
      if (r >= impl->compiled.size()) return false;
    }
    std::vector<CompileNote> notes;
    for (const auto& n : h.at("notes")) {
      notes.push_back(
          {n.at(0).get<std::string>(), n.at(1).get<std::string>(), n.at(2).get<std::string>()});
    }
    hs_database_t* hdb = nullptr;
    if (!db.empty() && hs_deserialize_database(db.data(), db.size(), &hdb) != HS_SUCCESS) return false;
    for (size_t i = 0; i < in_hs.size(); ++i) {
      impl->compiled[i].in_hs = in_hs[i] != 0;
      impl->compiled[i].back = back[i];
      impl->compiled[i].groups = groups[i];
    }
    impl->keywords = std::move(keywords);
    impl->kw_rules = std::move(kw_rules);
    impl->re2_full_rules = std::move(full);
    impl->notes.insert(impl->notes.end(), notes.begin(), notes.end());
    impl->db = hdb;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  return true;
}

// Best effort: a cache file that cannot be written only costs time next run.
void WriteCacheFile(const std::string& dir, const std::string& path, const std::string& head,
                    const char* bytes, size_t len) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << head;
    if (bytes != nullptr) out.write(bytes, static_cast<std::streamsize>(len));
    out.flush();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

// A language class's database: "custody-hsdb-class 1\n", the key, '\n',
// the class mask in decimal, '\n', then hs_serialize_database bytes.
std::string ClassCachePath(const Scanner::Impl& impl, uint32_t mask) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "%08x", mask);
  return impl.options.cache_dir + "/scan-" + impl.cache_key.substr(0, 32) + "-c" + hex + ".hsdb";
}

std::string ClassCacheHead(const Scanner::Impl& impl, uint32_t mask) {
  return "custody-hsdb-class 1\n" + impl.cache_key + "\n" + std::to_string(mask) + "\n";
}

hs_database_t* LoadClassCache(const Scanner::Impl& impl, uint32_t mask) {
  std::string data;
  if (!ReadCacheFile(ClassCachePath(impl, mask), &data)) return nullptr;
  std::string head = ClassCacheHead(impl, mask);
  if (data.size() <= head.size() || data.compare(0, head.size(), head) != 0) return nullptr;
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(data.data() + head.size(), data.size() - head.size(), &db) != HS_SUCCESS) {
    return nullptr;
  }
  return db;
}

// The database of the rules for files whose languages are `mask`, built
// (or read from the cache) on first use.
const Scanner::Impl::ClassDb& ClassDbFor(const Scanner::Impl& impl, uint32_t mask) {
  std::lock_guard<std::mutex> lock(impl.class_mu);
  auto it = impl.class_dbs.find(mask);
  if (it != impl.class_dbs.end()) return *it->second;
  auto cdb = std::make_unique<Scanner::Impl::ClassDb>();
  std::vector<uint32_t> members;
  for (size_t i = 0; i < impl.compiled.size(); ++i) {
    const CompiledRule& c = impl.compiled[i];
    if (c.in_hs && (c.lang_mask & mask) != 0) members.push_back(static_cast<uint32_t>(i));
  }
  bool cache = !impl.options.cache_dir.empty();
  if (!members.empty() && cache) cdb->db = LoadClassCache(impl, mask);
  if (!members.empty() && cdb->db == nullptr) {
    std::vector<std::string> exprs;
    std::vector<const char*> ptrs;
    std::vector<unsigned> flags, ids;
    for (uint32_t i : members) exprs.push_back(HsPattern(*impl.compiled[i].rule));
    for (size_t k = 0; k < members.size(); ++k) {
      ptrs.push_back(exprs[k].c_str());
      flags.push_back(HS_FLAG_MULTILINE);
      ids.push_back(members[k]);
    }
    hs_compile_error_t* cerr = nullptr;
    if (hs_compile_multi(ptrs.data(), flags.data(), ids.data(), static_cast<unsigned>(ptrs.size()),
                         HS_MODE_BLOCK, nullptr, &cdb->db, &cerr) != HS_SUCCESS) {
      // Each pattern passed hs_expression_info alone, so this is a limit of
      // the combination; RE2 over the whole buffer keeps the results.
      hs_free_compile_error(cerr);
      cdb->db = nullptr;
      cdb->re2_full = members;
    } else if (cache) {
      char* bytes = nullptr;
      size_t len = 0;
      if (hs_serialize_database(cdb->db, &bytes, &len) == HS_SUCCESS) {
        WriteCacheFile(impl.options.cache_dir, ClassCachePath(impl, mask), ClassCacheHead(impl, mask),
                       bytes, len);
        std::free(bytes);
      }
    }
  }
  const Scanner::Impl::ClassDb& ref = *cdb;
  impl.class_dbs.emplace(mask, std::move(cdb));
  return ref;
}

// Best effort: a cache that cannot be written only costs time next run.
void SaveCache(const Scanner::Impl& impl, const std::string& key) {
  std::error_code ec;
  std::filesystem::create_directories(impl.options.cache_dir, ec);
  nlohmann::json h;
  std::vector<int> in_hs;
  std::vector<size_t> back;
  std::vector<int> groups;
  for (const auto& c : impl.compiled) {
    in_hs.push_back(c.in_hs ? 1 : 0);
    back.push_back(c.back);
    groups.push_back(c.groups);
  }
  h["in_hs"] = in_hs;
  h["back"] = back;
  h["groups"] = groups;
  h["keywords"] = impl.keywords;
  h["kw_rules"] = impl.kw_rules;
  h["re2_full"] = impl.re2_full_rules;
  h["notes"] = nlohmann::json::array();
  for (const auto& n : impl.notes) h["notes"].push_back({n.rule_id, n.origin, n.reason});
  std::string header = h.dump();
  char* bytes = nullptr;
  size_t len = 0;
  if (impl.db != nullptr && hs_serialize_database(impl.db, &bytes, &len) != HS_SUCCESS) return;
  std::string head = "custody-hsdb 1\n" + key + '\n';
  uint64_t hlen = header.size();
  head.append(reinterpret_cast<const char*>(&hlen), sizeof hlen);
  head += header;
  WriteCacheFile(impl.options.cache_dir, CachePath(impl, key), head, bytes, len);
  std::free(bytes);
}

}  // namespace


Scanner::Scanner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Scanner::~Scanner() = default;
const std::vector<CompileNote>& Scanner::notes() const { return impl_->notes; }
const std::vector<ScanRule>& Scanner::rules() const { return impl_->rules; }
size_t Scanner::rule_count() const { return impl_->rules.size(); }

Result<std::unique_ptr<Scanner>> Scanner::Compile(const RuleSet& set, ScanOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->rules = set.rules;
  impl->global_specs = set.allowlists;
  const ScanLimits& limits = impl->options.limits;
  for (const auto& a : impl->global_specs) {
    CompiledAllow ca;
    CUSTODY_RETURN_IF_ERROR(CompileAllow(a, limits, "global allowlist", &ca));
    impl->global_allows.push_back(std::move(ca));
  }
  std::unordered_map<std::string, uint32_t> kw_index;
  std::unordered_map<std::string, size_t> seen;
  impl->compiled.resize(impl->rules.size());
  for (size_t i = 0; i < impl->rules.size(); ++i) impl->compiled[i].rule = &impl->rules[i];

  // The database (and which rules run RE2-only) depends only on the
  // patterns: a cache keyed by their digest skips seconds of compiling on
  // every run after the first. A cache entry also means every regex of the
  // rules compiled when it was written (the key covers them all), so the
  // RE2 side of each rule is then compiled only when a scan first needs it.
  std::string cache_key = CacheKey(*impl);
  impl->cache_key = cache_key;
  bool loaded = !impl->options.cache_dir.empty() && LoadCache(impl.get(), cache_key);
  for (size_t i = 0; i < impl->rules.size(); ++i) {
    const ScanRule& r = impl->rules[i];
    CompiledRule& c = impl->compiled[i];
    std::string where = RuleWhere(r);
    if (!seen.emplace(r.id, i).second) return Status::InvalidArgument(where, "id repeats");
    if (r.regex.empty()) {
      if (r.paths.empty()) return Status::InvalidArgument(where, "needs a regex or paths");
      impl->path_only_rules.push_back(static_cast<uint32_t>(i));
    }
    if (!loaded) {
      auto res = std::make_unique<RuleRegexes>();
      CUSTODY_RETURN_IF_ERROR(BuildRegexes(r, limits, res.get(), &c.groups));
      std::call_once(*c.once, [&] { c.res = std::move(res); });
    }
    c.secret_group = r.secret_group < 0 ? (c.groups > 0 ? 1 : 0) : r.secret_group;
    if (c.secret_group > c.groups) {  // only from a damaged cache; BuildRegexes checked it
      return Status::InvalidArgument(where, "secret group " + std::to_string(c.secret_group) +
                                                " but the regex has " + std::to_string(c.groups));
    }
    for (const auto& lang : r.languages) {
      if (scan_internal::LanguagePathRegex(lang).empty()) {
        return Status::InvalidArgument(where, "unknown language \"" + lang + "\"");
      }
      const auto& langs = scan_internal::KnownLanguages();
      auto at = std::find(langs.begin(), langs.end(), scan_internal::Lower(lang));
      uint32_t bit = 1u << static_cast<unsigned>(at - langs.begin());
      c.path_langs |= bit;
      if (r.paths.empty() && !r.regex.empty()) c.lang_mask |= bit;
    }
    for (const auto& g : impl->global_allows) {
      const auto& targets = g.spec->target_rules;
      if (targets.empty() || std::find(targets.begin(), targets.end(), r.id) != targets.end()) {
        c.global_allows.push_back(&g);
      }
    }
  }
  for (size_t i = 0; i < impl->rules.size(); ++i) {
    const ScanRule& r = impl->rules[i];
    if (r.skip_report) impl->composite = true;
    for (const RequiredRule& q : r.required) {
      auto it = seen.find(q.id);
      if (it == seen.end()) {
        return Status::InvalidArgument(RuleWhere(r), "required rule \"" + q.id + "\" is not in the rule set");
      }
      if (it->second == i) return Status::InvalidArgument(RuleWhere(r), "requires itself");
      impl->compiled[i].required.emplace_back(static_cast<uint32_t>(it->second), &q);
      impl->compiled[it->second].as_required = true;
      impl->composite = true;
    }
  }
  if (impl->composite) {
    for (size_t i = 0; i < impl->rules.size(); ++i) impl->rule_index.emplace(impl->rules[i].id, static_cast<uint32_t>(i));
  }

  if (!loaded) {
    // Ask Vectorscan about each pattern first, so a rejection names its rule;
    // those rules run RE2-only.
    std::vector<std::string> exprs;
    std::vector<unsigned> flags, ids;
    for (size_t i = 0; i < impl->compiled.size(); ++i) {
      CompiledRule& c = impl->compiled[i];
      if (c.rule->regex.empty()) continue;
      if (!impl->options.use_vectorscan) {
        impl->re2_full_rules.push_back(static_cast<uint32_t>(i));
        continue;
      }
      if (c.rule->regex.find("\\p") != std::string::npos || c.rule->regex.find("\\P") != std::string::npos) {
        // Unicode classes: Vectorscan would need UTF-8 mode, which is
        // undefined on the invalid UTF-8 that real files hold.
        impl->notes.push_back({c.rule->id, c.rule->origin, "Unicode property classes (\\p) need RE2"});
        continue;
      }
      std::string hs_re = TranslateForHs(c.rule->regex);
      hs_expr_info_t* info = nullptr;
      hs_compile_error_t* cerr = nullptr;
      unsigned f = HS_FLAG_MULTILINE;
      if (hs_expression_info(hs_re.c_str(), f, &info, &cerr) != HS_SUCCESS) {
        impl->notes.push_back({c.rule->id, c.rule->origin, cerr != nullptr ? cerr->message : "rejected"});
        hs_free_compile_error(cerr);
        continue;
      }
      bool empty_ok = info->min_width == 0;
      c.back = info->max_width == UINT_MAX ? limits.window : std::min<size_t>(info->max_width, limits.window);
      std::free(info);
      if (empty_ok) {
        impl->notes.push_back({c.rule->id, c.rule->origin, "the pattern can match the empty string"});
        continue;
      }
      if (!c.rule->prefilter.empty()) {
        // The window stays the regex's width (c.back, above); only the
        // pattern that finds the hits changes. A prefilter is the rule
        // author's promise, so one Vectorscan cannot use is an error, not
        // a silent fallback to the slow pattern.
        hs_re = HsPattern(*c.rule);
        if (hs_expression_info(hs_re.c_str(), f, &info, &cerr) != HS_SUCCESS) {
          std::string why = cerr != nullptr ? cerr->message : "rejected";
          hs_free_compile_error(cerr);
          return Status::InvalidArgument(RuleWhere(*c.rule), "prefilter: " + why);
        }
        bool pf_empty = info->min_width == 0;
        std::free(info);
        if (pf_empty) {
          return Status::InvalidArgument(RuleWhere(*c.rule), "prefilter can match the empty string");
        }
      }
      c.in_hs = true;
      if (c.lang_mask != 0) continue;  // in its languages' databases
      exprs.push_back(hs_re);
      flags.push_back(f);
      ids.push_back(static_cast<unsigned>(i));
    }
    for (size_t i = 0; i < impl->compiled.size() && impl->options.use_vectorscan; ++i) {
      CompiledRule& c = impl->compiled[i];
      if (c.rule->regex.empty() || c.in_hs) continue;
      if (c.rule->keywords.empty()) {
        impl->re2_full_rules.push_back(static_cast<uint32_t>(i));
        continue;
      }
      for (const auto& k : c.rule->keywords) {
        auto [it, added] = kw_index.emplace(k, static_cast<uint32_t>(impl->keywords.size()));
        if (added) {
          impl->keywords.push_back(k);
          impl->kw_rules.emplace_back();
        }
        impl->kw_rules[it->second].push_back(static_cast<uint32_t>(i));
      }
    }
    for (size_t k = 0; k < impl->keywords.size(); ++k) {
      std::string lit;
      for (unsigned char ch : impl->keywords[k]) {
        char buf[5];
        std::snprintf(buf, sizeof buf, "\\x%02x", ch);
        lit += buf;
      }
      exprs.push_back(lit);
      flags.push_back(HS_FLAG_CASELESS);
      ids.push_back(static_cast<unsigned>(impl->compiled.size() + k));
    }
    // Whole-database compile; a pattern that fails only here (e.g. too
    // large) moves to RE2-only and the rest is compiled again.
    while (!exprs.empty()) {
      std::vector<const char*> ptrs;
      for (const auto& e : exprs) ptrs.push_back(e.c_str());
      hs_compile_error_t* cerr = nullptr;
      hs_database_t* db = nullptr;
      hs_error_t rc = hs_compile_multi(ptrs.data(), flags.data(), ids.data(),
                                       static_cast<unsigned>(ptrs.size()), HS_MODE_BLOCK, nullptr, &db, &cerr);
      if (rc == HS_SUCCESS) {
        impl->db = db;
        break;
      }
      int bad = cerr != nullptr ? cerr->expression : -1;
      std::string msg = cerr != nullptr ? cerr->message : "compile failed";
      hs_free_compile_error(cerr);
      if (bad < 0 || static_cast<size_t>(bad) >= exprs.size() || ids[bad] >= impl->compiled.size()) {
        return Status::Internal("vectorscan", "database compile failed: " + msg);
      }
      CompiledRule& c = impl->compiled[ids[bad]];
      c.in_hs = false;
      impl->notes.push_back({c.rule->id, c.rule->origin, msg});
      exprs.erase(exprs.begin() + bad);
      flags.erase(flags.begin() + bad);
      ids.erase(ids.begin() + bad);
      if (c.rule->keywords.empty()) {
        impl->re2_full_rules.push_back(static_cast<uint32_t>(&c - impl->compiled.data()));
      } else {
        // Its keywords must be literals of the database now.
        uint32_t ri = static_cast<uint32_t>(&c - impl->compiled.data());
        for (const auto& k : c.rule->keywords) {
          auto [it, added] = kw_index.emplace(k, static_cast<uint32_t>(impl->keywords.size()));
          if (added) {
            impl->keywords.push_back(k);
            impl->kw_rules.emplace_back();
            std::string lit;
            for (unsigned char ch : k) {
              char buf[5];
              std::snprintf(buf, sizeof buf, "\\x%02x", ch);
              lit += buf;
            }
            exprs.push_back(lit);
            flags.push_back(HS_FLAG_CASELESS);
            ids.push_back(static_cast<unsigned>(impl->compiled.size() + it->second));
          }
          impl->kw_rules[it->second].push_back(ri);
        }
      }
    }
    if (!impl->options.cache_dir.empty()) SaveCache(*impl, cache_key);
  }
  for (const CompiledRule& c : impl->compiled) {
    if (c.in_hs) impl->class_langs |= c.lang_mask;
  }
  return std::unique_ptr<Scanner>(new Scanner(std::move(impl)));
}

Result<std::unique_ptr<ScanSession>> Scanner::NewSession() const {
  auto s = std::make_unique<SessionImpl>();
  s->impl = impl_.get();
  if (impl_->db != nullptr && hs_alloc_scratch(impl_->db, &s->scratch) != HS_SUCCESS) {
    return Status::Internal("vectorscan", "cannot allocate scratch space");
  }
  s->ranges.resize(impl_->compiled.size());
  s->raw_hits.assign(impl_->compiled.size(), 0);
  return std::unique_ptr<ScanSession>(std::move(s));
}

namespace {

bool Near(const Finding& primary, const Finding& part, const RequiredRule& q) {
  if (q.within_lines >= 0) {
    int64_t d = static_cast<int64_t>(primary.line) - static_cast<int64_t>(part.line);
    if (d < -q.within_lines || d > q.within_lines) return false;
  }
  if (q.within_columns >= 0) {
    if (primary.line != part.line) return false;
    int64_t d = static_cast<int64_t>(primary.column) - static_cast<int64_t>(part.column);
    if (d < -q.within_columns || d > q.within_columns) return false;
  }
  return true;
}

// Composite rules, over the findings one buffer added (from `first`): a
// primary finding stays only when each of its required rules has a finding
// near it, and findings of skip_report rules go.
void ResolveComposites(const Scanner::Impl& impl, size_t first, std::vector<Finding>* out) {
  if (first == out->size()) return;
  auto rule_of = [&](const Finding& f) -> int64_t {
    auto it = impl.rule_index.find(f.rule_id);
    return it == impl.rule_index.end() ? -1 : it->second;
  };
  std::unordered_map<uint32_t, std::vector<size_t>> by_rule;
  for (size_t k = first; k < out->size(); ++k) {
    int64_t r = rule_of((*out)[k]);
    if (r >= 0) by_rule[static_cast<uint32_t>(r)].push_back(k);
  }
  std::vector<bool> keep(out->size() - first, true);
  for (size_t k = first; k < out->size(); ++k) {
    int64_t r = rule_of((*out)[k]);
    if (r < 0) continue;
    const CompiledRule& c = impl.compiled[static_cast<size_t>(r)];
    if (c.rule->skip_report) keep[k - first] = false;
    if (c.required.empty() || !keep[k - first]) continue;
    Finding& f = (*out)[k];
    std::string parts;
    for (const auto& [ri, q] : c.required) {
      const Finding* hit = nullptr;
      auto parts_of = by_rule.find(ri);
      if (parts_of == by_rule.end()) {
        keep[k - first] = false;
        break;
      }
      for (size_t j : parts_of->second) {
        if (Near(f, (*out)[j], *q)) {
          hit = &(*out)[j];
          break;
        }
      }
      if (hit == nullptr) {
        keep[k - first] = false;
        break;
      }
      parts += (parts.empty() ? "" : ", ") + q->id + " at line " + std::to_string(hit->line);
    }
    if (keep[k - first]) f.message += " (with " + parts + ")";
  }
  size_t w = first;
  for (size_t k = first; k < out->size(); ++k) {
    if (!keep[k - first]) continue;
    if (w != k) (*out)[w] = std::move((*out)[k]);
    ++w;
  }
  out->resize(w);
}

}  // namespace

Result<bool> Scanner::Scan(ScanSession& session, std::string_view data, std::string_view path,
                           std::string_view commit, std::vector<Finding>* out,
                           const std::vector<uint32_t>* line_map) const {
  auto& s = static_cast<SessionImpl&>(session);
  const Impl& impl = *impl_;
  const ScanLimits& limits = impl.options.limits;
  if (s.impl != &impl) return Status::Internal("scan", "session belongs to another scanner");
  if (data.size() > limits.max_buffer) {
    return Status::InvalidArgument(std::string(path), "larger than the scan limit of " +
                                                          std::to_string(limits.max_buffer) + " bytes");
  }
  if (LooksBinary(data)) return false;
  for (uint32_t r : s.touched) {
    s.ranges[r].clear();
    s.raw_hits[r] = 0;
  }
  s.touched.clear();
  std::fill(s.raw_hits.begin(), s.raw_hits.end(), 0);
  s.newlines.clear();
  s.newlines_built = false;

  HsContext ctx{&s, &impl};
  const uint32_t file_langs = scan_internal::LanguageMask(path);
  auto run_hs = [&](const hs_database_t* db) -> Status {
    hs_error_t rc = hs_scan(db, data.data(), static_cast<unsigned>(data.size()), 0, s.scratch, OnHit, &ctx);
    if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
      return Status::Internal(std::string(path), "vectorscan scan failed (" + std::to_string(rc) + ")");
    }
    return Status::OK();
  };
  if (impl.db != nullptr && !data.empty()) CUSTODY_RETURN_IF_ERROR(run_hs(impl.db));
  if (impl.class_langs != 0 && !data.empty()) {
    uint32_t mask = file_langs & impl.class_langs;
    if (mask != 0) {
      // The session remembers the classes it has met, so the shared map
      // (and its mutex) is consulted once per class and thread, not per file.
      const Impl::ClassDb* found = nullptr;
      for (const auto& [m, db] : s.class_dbs) {
        if (m == mask) found = db;
      }
      if (found == nullptr) {
        found = &ClassDbFor(impl, mask);
        s.class_dbs.emplace_back(mask, found);
      }
      const Impl::ClassDb& cdb = *found;
      if (cdb.db != nullptr) {
        if (std::find(s.scratch_dbs.begin(), s.scratch_dbs.end(), cdb.db) == s.scratch_dbs.end()) {
          // One scratch serves every database once sized for each.
          if (hs_alloc_scratch(cdb.db, &s.scratch) != HS_SUCCESS) {
            return Status::Internal("vectorscan", "cannot allocate scratch space");
          }
          s.scratch_dbs.push_back(cdb.db);
        }
        CUSTODY_RETURN_IF_ERROR(run_hs(cdb.db));
      }
      for (uint32_t r : cdb.re2_full) {
        if (s.ranges[r].empty()) s.touched.push_back(r);
        s.ranges[r].assign(1, {0, data.size()});
      }
    }
  }
  for (uint32_t r : impl.re2_full_rules) {
    if (s.ranges[r].empty()) s.touched.push_back(r);
    s.ranges[r].assign(1, {0, data.size()});
  }

  size_t first_new = out->size();
  std::string path_s(path);
  auto applies = [&](const CompiledRule& c, const RuleRegexes& rx) {
    if (rx.paths.empty() && c.path_langs == 0) return true;
    if ((c.path_langs & file_langs) != 0) return true;
    for (const auto& re : rx.paths) {
      if (RE2::PartialMatch(path_s, *re)) return true;
    }
    return false;
  };
  auto emit = [&](const CompiledRule& c, const RuleRegexes& rx, uint64_t ms, uint64_t me,
                  std::string_view secret) -> bool {
    const ScanRule& rule = *c.rule;
    std::string_view match = data.substr(ms, me - ms);
    BuildNewlines(&s, data);
    // The match's lines from the newline index (no byte-wise walks: a
    // minified file can be one 20 MB line), then cut to kLineCap around the
    // match so allowlist regexes and inline markers stay cheap.
    constexpr uint64_t kLineCap = 4096;
    auto first_nl = std::lower_bound(s.newlines.begin(), s.newlines.end(), ms);
    uint64_t ls = first_nl == s.newlines.begin() ? 0 : *(first_nl - 1) + 1;
    uint64_t last = me > ms ? me - 1 : ms;
    auto end_nl = std::lower_bound(s.newlines.begin(), s.newlines.end(), last);
    uint64_t le = end_nl == s.newlines.end() ? data.size() : *end_nl;
    ls = std::max(ls, ms > kLineCap ? ms - kLineCap : 0);
    le = std::min(le, me + kLineCap);
    std::string_view lines = data.substr(ls, le - ls);
    std::string_view line = lines.substr(0, std::min<size_t>(lines.find('\n'), lines.size()));
    if (rule.entropy > 0 && ShannonEntropy(secret) < rule.entropy) return false;
    for (const auto& a : rx.allows) {
      if (AllowHits(a, secret, match, line, path, commit)) return false;
    }
    for (const auto* a : c.global_allows) {
      if (AllowHits(*a, secret, match, line, path, commit)) return false;
    }
    if (HasInlineAllow(lines)) return false;
    bool placeholder = rule.placeholder_check && LooksLikePlaceholder(secret);
    if (placeholder && !impl.options.report_placeholders) return false;
    if (rule.egress && scan_internal::HostAllowed(secret, impl.options.allow_domains)) return false;
    Finding f;
    f.rule_id = rule.id;
    f.category = rule.category;
    f.severity = placeholder ? Severity::kInfo : rule.severity;
    f.placeholder = placeholder;
    f.cwe = rule.cwe;
    f.path = path_s;
    auto [l0, c0] = LineCol(&s, ms);
    auto [l1, c1] = LineCol(&s, me > ms ? me - 1 : ms);
    auto map = [&](uint32_t l) {
      return line_map != nullptr && l < line_map->size() ? (*line_map)[l] : l + 1;
    };
    f.line = map(l0);
    f.column = c0 + 1;
    f.end_line = map(l1);
    f.end_column = c1 + 1;
    f.evidence = rule.category == RuleCategory::kSecret ? RedactSecret(secret)
                                                        : scan_internal::CodeEvidence(match);
    f.message = rule.description;
    if (placeholder) f.message += " (placeholder)";
    f.fingerprint = scan_internal::Fingerprint(rule.id, path_s, secret);
    f.commit = std::string(commit);
    f.frameworks = rule.frameworks;
    f.tags = rule.tags;
    f.remediation = rule.remediation;
    f.offset = ms;
    if (impl.options.post_filter && !impl.options.post_filter(rule, f, secret)) return false;
    out->push_back(std::move(f));
    return true;
  };

  std::vector<re2::StringPiece> groups;
  for (uint32_t ri : s.touched) {
    const CompiledRule& c = impl.compiled[ri];
    auto& ranges = s.ranges[ri];
    if (ranges.empty()) continue;
    const RuleRegexes* rx = Ready(c, limits);
    if (rx == nullptr) return Status::Internal(std::string(path), c.lazy_error);
    if (!applies(c, *rx)) continue;
    std::sort(ranges.begin(), ranges.end());
    size_t found = 0;
    uint64_t next_from = 0;  // never report overlapping matches of one rule
    groups.resize(static_cast<size_t>(c.secret_group) + 1);
    for (size_t k = 0; k < ranges.size() && found < limits.max_findings_per_rule; ++k) {
      uint64_t lo = std::max<uint64_t>(ranges[k].first, next_from);
      uint64_t hi = std::min<uint64_t>(ranges[k].second, data.size());
      // Merge following windows that overlap this one.
      while (k + 1 < ranges.size() && ranges[k + 1].first <= hi) {
        hi = std::max<uint64_t>(hi, std::min<uint64_t>(ranges[k + 1].second, data.size()));
        ++k;
      }
      if (lo > hi) continue;
      lo = LineStart(data, lo, kContext);
      lo = std::max(lo, next_from);
      hi = LineEnd(data, hi, kContext);
      size_t pos = lo;
      while (pos <= hi && found < limits.max_findings_per_rule) {
        if (!rx->re->Match(data, pos, hi, RE2::UNANCHORED, groups.data(),
                           static_cast<int>(groups.size()))) {
          break;
        }
        uint64_t ms = static_cast<uint64_t>(groups[0].data() - data.data());
        uint64_t me = ms + groups[0].size();
        pos = me > pos ? me : pos + 1;
        next_from = me;
        const re2::StringPiece& sg = groups[c.secret_group];
        if (sg.data() == nullptr || sg.empty()) continue;
        std::string_view secret(sg.data(), sg.size());
        if (!c.rule->keywords.empty() && !c.as_required) {
          // The keyword must be near: in the match's lines, within kContext.
          uint64_t wlo = LineStart(data, ms, kContext);
          uint64_t whi = LineEnd(data, me, kContext);
          s.lower_buf = scan_internal::Lower(data.substr(wlo, whi - wlo));
          bool any = false;
          for (const auto& kw : c.rule->keywords) any = any || ContainsLower(s.lower_buf, kw);
          if (!any) continue;
        }
        if (emit(c, *rx, ms, me, secret)) ++found;
      }
    }
  }
  for (uint32_t ri : impl.path_only_rules) {
    const CompiledRule& c = impl.compiled[ri];
    const RuleRegexes* rx = Ready(c, limits);
    if (rx == nullptr) return Status::Internal(std::string(path), c.lazy_error);
    if (applies(c, *rx)) emit(c, *rx, 0, 0, path_s);
  }
  if (impl.composite) ResolveComposites(impl, first_new, out);
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(first_new), out->end(),
            [](const Finding& a, const Finding& b) {
              return a.offset != b.offset ? a.offset < b.offset : a.rule_id < b.rule_id;
            });
  return true;
}

}  // namespace custody
