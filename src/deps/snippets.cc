#include "custody/snippets.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <unordered_map>

#include "custody/hash.h"

namespace custody {
namespace {

constexpr size_t kMaxTokens = 4000000;
constexpr int kMaxPostings = 200;  // a run found in more files than this is boilerplate
constexpr const char* kFormat = "custody-corpus 1";

bool IdentStart(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80; }
bool IdentChar(unsigned char c) { return IdentStart(c) || (c >= '0' && c <= '9'); }

std::vector<uint64_t> RunHashes(const std::vector<SnippetToken>& t) {
  std::vector<uint64_t> out;
  if (t.size() < kSnippetK) return out;
  out.reserve(t.size() - kSnippetK + 1);
  for (size_t i = 0; i + kSnippetK <= t.size(); ++i) {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t k = 0; k < kSnippetK; ++k) h = (h ^ t[i + k].hash) * 0x100000001b3ull + (h >> 29);
    out.push_back(h);
  }
  return out;
}

std::string Blob64(const std::vector<SnippetToken>& t) {
  std::string b(t.size() * 8, '\0');
  for (size_t i = 0; i < t.size(); ++i) std::memcpy(&b[i * 8], &t[i].hash, 8);
  return b;
}
std::string BlobLines(const std::vector<SnippetToken>& t) {
  std::string b(t.size() * 4, '\0');
  for (size_t i = 0; i < t.size(); ++i) std::memcpy(&b[i * 4], &t[i].line, 4);
  return b;
}

}  // namespace

std::vector<SnippetToken> SnippetTokens(std::string_view text) {
  std::vector<SnippetToken> out;
  size_t i = 0, n = text.size();
  uint32_t line = 1;
  while (i < n && out.size() < kMaxTokens) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && text[i + 1] == '/') {
      while (i < n && text[i] != '\n') ++i;
      continue;
    }
    if (c == '#') {
      while (i < n && text[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      i += 2;
      while (i < n && !(text[i] == '*' && i + 1 < n && text[i + 1] == '/')) {
        line += text[i] == '\n';
        ++i;
      }
      i = std::min(n, i + 2);
      continue;
    }
    size_t start = i;
    uint32_t start_line = line;
    bool lower = false;
    if (IdentStart(c)) {
      while (i < n && IdentChar(static_cast<unsigned char>(text[i]))) ++i;
      lower = true;
    } else if (c >= '0' && c <= '9') {
      while (i < n && (IdentChar(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    } else if (c == '"' || c == '\'' || c == '`') {
      ++i;
      bool closed = false;
      while (i < n) {
        if (text[i] == static_cast<char>(c)) {
          closed = true;
          break;
        }
        if (text[i] == '\\' && i + 1 < n && text[i + 1] != '\n') ++i;
        if (text[i] == '\n') {
          if (c != '`') break;  // unterminated: the string ends with its line
          ++line;
        }
        ++i;
      }
      if (closed) ++i;
    } else {
      ++i;
    }
    SnippetToken t;
    t.hash = Fnv1a64(text.substr(start, i - start), lower);
    t.begin = static_cast<uint32_t>(start);
    t.end = static_cast<uint32_t>(i);
    t.line = start_line;
    out.push_back(t);
  }
  return out;
}

std::vector<std::pair<uint64_t, uint32_t>> SnippetFingerprints(const std::vector<SnippetToken>& tokens) {
  std::vector<uint64_t> h = RunHashes(tokens);
  std::vector<std::pair<uint64_t, uint32_t>> out;
  if (h.empty()) return out;
  if (h.size() < kSnippetW) {
    auto it = std::min_element(h.begin(), h.end());
    out.emplace_back(*it, static_cast<uint32_t>(it - h.begin()));
    return out;
  }
  size_t last = SIZE_MAX;
  for (size_t w = 0; w + kSnippetW <= h.size(); ++w) {
    // The rightmost minimum of the window (the paper's robust winnowing).
    size_t m = w;
    for (size_t k = w + 1; k < w + kSnippetW; ++k) {
      if (h[k] <= h[m]) m = k;
    }
    if (m != last) {
      out.emplace_back(h[m], static_cast<uint32_t>(m));
      last = m;
    }
  }
  return out;
}

struct SnippetCorpus::Impl {
  sqlite3* db = nullptr;
  std::string path;
  ~Impl() {
    if (db != nullptr) sqlite3_close(db);
  }
  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err != nullptr ? err : sqlite3_errmsg(db);
      sqlite3_free(err);
      return Status::IOError(path, m);
    }
    return Status::OK();
  }
  Status Err(const char* what) const { return Status::IOError(path, std::string(what) + ": " + sqlite3_errmsg(db)); }
};

SnippetCorpus::~SnippetCorpus() = default;

Result<std::unique_ptr<SnippetCorpus>> SnippetCorpus::Open(const std::string& path, bool create) {
  std::unique_ptr<SnippetCorpus> c(new SnippetCorpus());
  c->impl_ = std::make_unique<Impl>();
  Impl& im = *c->impl_;
  im.path = path;
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &im.db, flags, nullptr) != SQLITE_OK) {
    if (!create) return Status::NotFound(path, "no snippet corpus (custody corpus add DIR --license SPDX)");
    return im.Err("cannot open");
  }
  sqlite3_busy_timeout(im.db, 5000);
  // Reference data, rebuilt from its sources at will: a crash may lose the
  // last files added, never corrupt the database.
  sqlite3_exec(im.db, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
  // A file that is not SQLite fails here, on the first read.
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(im.db, "SELECT count(*) FROM sqlite_master", -1, &st, nullptr) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return Status::Corruption(path, "not a snippet corpus database");
  }
  int tables = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (tables == 0) {
    if (!create) return Status::NotFound(path, "no snippet corpus (custody corpus add DIR --license SPDX)");
    CUSTODY_RETURN_IF_ERROR(im.Exec(
        "PRAGMA journal_mode=WAL;"
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE files(id INTEGER PRIMARY KEY, name TEXT NOT NULL, license TEXT NOT NULL,"
        " sha256 TEXT NOT NULL UNIQUE, tokens BLOB NOT NULL, lines BLOB NOT NULL);"
        "CREATE TABLE fp(hash INTEGER NOT NULL, file INTEGER NOT NULL, pos INTEGER NOT NULL);"
        "CREATE INDEX fp_hash ON fp(hash);"));
    std::string ins = std::string("INSERT INTO meta VALUES('format','") + kFormat + "')";
    CUSTODY_RETURN_IF_ERROR(im.Exec(ins.c_str()));
    return c;
  }
  if (sqlite3_prepare_v2(im.db, "SELECT value FROM meta WHERE key='format'", -1, &st, nullptr) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_ROW ||
      std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) != kFormat) {
    sqlite3_finalize(st);
    return Status::Corruption(path, "not a custody snippet corpus (or another format version)");
  }
  sqlite3_finalize(st);
  return c;
}

Status SnippetCorpus::Begin() { return impl_->Exec("BEGIN"); }
Status SnippetCorpus::Commit() { return impl_->Exec("COMMIT"); }

Result<bool> SnippetCorpus::Add(std::string_view name, std::string_view license, std::string_view text) {
  Impl& im = *impl_;
  std::vector<SnippetToken> tokens = SnippetTokens(text);
  if (tokens.size() < kSnippetK) return false;
  std::string sha = Sha256Hex(text);
  // One transaction per file unless the caller holds one (Begin/Commit).
  bool own_txn = sqlite3_get_autocommit(im.db) != 0;
  if (own_txn) CUSTODY_RETURN_IF_ERROR(im.Exec("BEGIN"));
  auto result = AddTokens(im, name, license, sha, tokens);
  if (own_txn) {
    Status end = im.Exec(result.ok() ? "COMMIT" : "ROLLBACK");
    if (result.ok() && !end.ok()) return end;
  }
  return result;
}

Result<bool> SnippetCorpus::AddTokens(Impl& im, std::string_view name, std::string_view license,
                                      const std::string& sha, const std::vector<SnippetToken>& tokens) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(im.db, "INSERT OR IGNORE INTO files(name, license, sha256, tokens, lines) VALUES(?,?,?,?,?)",
                         -1, &st, nullptr) != SQLITE_OK) {
    return im.Err("prepare");
  }
  std::string t64 = Blob64(tokens), lines = BlobLines(tokens);
  sqlite3_bind_text(st, 1, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, license.data(), static_cast<int>(license.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, sha.data(), static_cast<int>(sha.size()), SQLITE_TRANSIENT);
  sqlite3_bind_blob(st, 4, t64.data(), static_cast<int>(t64.size()), SQLITE_STATIC);
  sqlite3_bind_blob(st, 5, lines.data(), static_cast<int>(lines.size()), SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return im.Err("insert file");
  if (sqlite3_changes(im.db) == 0) return false;  // same text already indexed
  sqlite3_int64 id = sqlite3_last_insert_rowid(im.db);
  if (sqlite3_prepare_v2(im.db, "INSERT INTO fp(hash, file, pos) VALUES(?,?,?)", -1, &st, nullptr) != SQLITE_OK) {
    return im.Err("prepare");
  }
  for (const auto& [h, pos] : SnippetFingerprints(tokens)) {
    sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(h));
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, pos);
    if (sqlite3_step(st) != SQLITE_DONE) {
      sqlite3_finalize(st);
      return im.Err("insert fingerprint");
    }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return true;
}

Result<std::vector<SnippetMatch>> SnippetCorpus::Match(std::string_view text, uint32_t min_chars) const {
  const Impl& im = *impl_;
  std::vector<SnippetToken> q = SnippetTokens(text);
  std::vector<SnippetMatch> out;
  if (q.size() < kSnippetK) return out;
  struct Source {
    std::string name, license;
    std::vector<uint64_t> tokens;
    std::vector<uint32_t> lines;
  };
  std::unordered_map<int64_t, Source> sources;
  sqlite3_stmt* fp = nullptr;
  sqlite3_stmt* file = nullptr;
  if (sqlite3_prepare_v2(im.db, "SELECT file, pos FROM fp WHERE hash=? LIMIT ?", -1, &fp, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(im.db, "SELECT name, license, tokens, lines FROM files WHERE id=?", -1, &file, nullptr) !=
          SQLITE_OK) {
    sqlite3_finalize(fp);
    return im.Err("prepare");
  }
  struct Raw {
    size_t qb, qe;  // token range in q, [qb, qe)
    int64_t file;
    size_t sb;
  };
  std::vector<Raw> raws;
  // Extended matches already found, per (file, diagonal), so the other
  // fingerprints of the same copy are not extended again.
  std::map<std::pair<int64_t, int64_t>, size_t> covered;  // -> qe of the last match there
  Status failed = Status::OK();
  for (const auto& [h, qpos] : SnippetFingerprints(q)) {
    sqlite3_bind_int64(fp, 1, static_cast<sqlite3_int64>(h));
    sqlite3_bind_int(fp, 2, kMaxPostings + 1);
    std::vector<std::pair<int64_t, size_t>> hits;
    while (sqlite3_step(fp) == SQLITE_ROW) {
      hits.emplace_back(sqlite3_column_int64(fp, 0), static_cast<size_t>(sqlite3_column_int64(fp, 1)));
    }
    sqlite3_reset(fp);
    if (hits.size() > static_cast<size_t>(kMaxPostings)) continue;
    for (const auto& [fid, spos] : hits) {
      auto diag = std::make_pair(fid, static_cast<int64_t>(qpos) - static_cast<int64_t>(spos));
      if (auto it = covered.find(diag); it != covered.end() && qpos < it->second) continue;
      auto sit = sources.find(fid);
      if (sit == sources.end()) {
        sqlite3_bind_int64(file, 1, fid);
        Source s;
        if (sqlite3_step(file) == SQLITE_ROW) {
          s.name = reinterpret_cast<const char*>(sqlite3_column_text(file, 0));
          s.license = reinterpret_cast<const char*>(sqlite3_column_text(file, 1));
          size_t tb = static_cast<size_t>(sqlite3_column_bytes(file, 2));
          size_t lb = static_cast<size_t>(sqlite3_column_bytes(file, 3));
          s.tokens.resize(tb / 8);
          s.lines.resize(lb / 4);
          if (tb > 0) std::memcpy(s.tokens.data(), sqlite3_column_blob(file, 2), s.tokens.size() * 8);
          if (lb > 0) std::memcpy(s.lines.data(), sqlite3_column_blob(file, 3), s.lines.size() * 4);
        }
        sqlite3_reset(file);
        if (s.tokens.size() != s.lines.size()) {
          failed = Status::Corruption(im.path, "file " + std::to_string(fid) + ": token and line tables differ");
          break;
        }
        sit = sources.emplace(fid, std::move(s)).first;
      }
      const Source& s = sit->second;
      if (spos + kSnippetK > s.tokens.size()) continue;
      // A hash collision is possible: check the run itself, then extend.
      size_t qb = qpos, sb = spos, qe = qpos, se = spos;
      while (qe < q.size() && se < s.tokens.size() && q[qe].hash == s.tokens[se]) ++qe, ++se;
      if (qe - qb < kSnippetK) continue;
      while (qb > 0 && sb > 0 && q[qb - 1].hash == s.tokens[sb - 1]) --qb, --sb;
      covered[diag] = qe;
      raws.push_back({qb, qe, fid, sb});
    }
    if (!failed.ok()) break;
  }
  sqlite3_finalize(fp);
  sqlite3_finalize(file);
  if (!failed.ok()) return failed;
  for (const Raw& r : raws) {
    uint32_t chars = q[r.qe - 1].end - q[r.qb].begin;
    if (chars < min_chars) continue;
    const Source& s = sources[r.file];
    SnippetMatch m;
    m.source = s.name;
    m.license = s.license;
    m.line = q[r.qb].line;
    m.end_line = q[r.qe - 1].line;
    m.source_line = s.lines[r.sb];
    m.source_end_line = s.lines[r.sb + (r.qe - r.qb) - 1];
    m.chars = chars;
    m.tokens = static_cast<uint32_t>(r.qe - r.qb);
    m.token = static_cast<uint32_t>(r.qb);
    out.push_back(std::move(m));
  }
  // Longest first, then drop matches inside a longer one already kept.
  std::sort(out.begin(), out.end(), [](const SnippetMatch& a, const SnippetMatch& b) {
    return a.tokens != b.tokens ? a.tokens > b.tokens : a.source < b.source;
  });
  std::vector<SnippetMatch> kept;
  for (auto& m : out) {
    bool inside = false;
    for (const auto& k : kept) {
      if (m.token >= k.token && m.token + m.tokens <= k.token + k.tokens) inside = true;
    }
    if (!inside) kept.push_back(std::move(m));
  }
  std::sort(kept.begin(), kept.end(), [](const SnippetMatch& a, const SnippetMatch& b) {
    return a.token != b.token ? a.token < b.token : a.source < b.source;
  });
  return kept;
}

Result<SnippetCorpusStats> SnippetCorpus::Stats() const {
  const Impl& im = *impl_;
  SnippetCorpusStats s;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(im.db,
                         "SELECT (SELECT count(*) FROM files), (SELECT count(*) FROM fp),"
                         " (SELECT coalesce(sum(length(tokens)),0)/8 FROM files)",
                         -1, &st, nullptr) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return im.Err("stats");
  }
  s.files = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
  s.fingerprints = static_cast<uint64_t>(sqlite3_column_int64(st, 1));
  s.tokens = static_cast<uint64_t>(sqlite3_column_int64(st, 2));
  sqlite3_finalize(st);
  return s;
}

std::string DefaultCorpusPath() {
  if (const char* p = std::getenv("CUSTODY_CORPUS_DB"); p != nullptr && *p != '\0') return p;
  if (const char* d = std::getenv("CUSTODY_CACHE_DIR"); d != nullptr && *d != '\0') return std::string(d) + "/corpus.db";
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x == '/') {
    return std::string(x) + "/custody/corpus.db";
  }
  if (const char* h = std::getenv("HOME"); h != nullptr && *h == '/') return std::string(h) + "/.cache/custody/corpus.db";
  return "";
}

}  // namespace custody
