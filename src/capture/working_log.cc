#include "custody/working_log.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_set>

#include "custody/sqlite_store.h"

namespace custody {
namespace {

constexpr int kSchemaVersion = 1;
constexpr size_t kPromptSummaryMax = 120;
// How long one write waits for another process's write lock before it gives
// up. Hooks of 8+ parallel tool uses queue on the lock; each transaction is
// short, so minutes of waiting would mean a stuck process, not contention.
constexpr int kBusyTimeoutMs = 15000;

// The checkpoint metadata is stored once per checkpoint; each line row only
// names its hash, checkpoint and path, so a 500-line Write costs 500 small
// rows, and Lookup is one index probe per hash.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints(
  id TEXT PRIMARY KEY,
  idx INTEGER NOT NULL,
  agent TEXT NOT NULL,
  model TEXT NOT NULL,
  session_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  prompt_summary TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lines(
  hash BLOB NOT NULL,
  checkpoint_id TEXT NOT NULL,
  path TEXT NOT NULL,
  PRIMARY KEY(hash, checkpoint_id, path)) WITHOUT ROWID;
)sql";

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string TruncateUtf8(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

class SqliteWorkingLog : public WorkingLog {
 public:
  SqliteWorkingLog(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteWorkingLog() override {
    for (auto& [sql, s] : cache_) sqlite3_finalize(s);
    sqlite3_close_v2(db_);
  }
  SqliteWorkingLog(const SqliteWorkingLog&) = delete;
  SqliteWorkingLog& operator=(const SqliteWorkingLog&) = delete;

  Status Error(int rc, std::string_view what) const {
    std::string msg = std::string(what) + ": " + sqlite3_errmsg(db_);
    switch (rc & 0xFF) {
      case SQLITE_NOTADB:
      case SQLITE_CORRUPT:
        return Status::Corruption(path_, msg + " (the working log is damaged; move it aside: it "
                                               "only indexes signed ledger entries)");
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Status::Unavailable(path_, msg + " (another custody process holds the working log)");
      case SQLITE_FULL:
        return Status::IOError(path_, msg + " (disk full)");
      case SQLITE_READONLY:
      case SQLITE_PERM:
      case SQLITE_CANTOPEN:
        return Status::PermissionDenied(path_, msg);
      default:
        return Status::IOError(path_, msg);
    }
  }

  Status Exec(const char* sql, std::string_view what) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) return Error(rc, what);
    return Status::OK();
  }

  // Prepared statements kept for the connection's life; `sql` must be a
  // literal (its address is the key).
  Result<sqlite3_stmt*> Cached(const char* sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* s = nullptr;
      int rc = sqlite3_prepare_v2(db_, sql, -1, &s, nullptr);
      if (rc != SQLITE_OK) return Error(rc, "prepare");
      it = cache_.emplace(sql, s).first;
    }
    sqlite3_reset(it->second);
    sqlite3_clear_bindings(it->second);
    return it->second;
  }

  // Switching a new file to WAL needs an exclusive lock, and SQLite answers
  // BUSY at once, without the busy handler, when taking it could deadlock
  // with another connection's open: parallel hooks racing on a fresh
  // working log lost one in ~50 runs of WorkingLogTest.
  // ConcurrentProcessesLoseNothing. Retry for up to the busy timeout; once
  // the file is in WAL mode the pragma is a no-op.
  Status SetWalMode() {
    int rc = SQLITE_OK;
    for (int waited_ms = 0;; waited_ms += 5) {
      rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
      if ((rc & 0xFF) != SQLITE_BUSY || waited_ms >= kBusyTimeoutMs) break;
      ::usleep(5000);
    }
    return rc == SQLITE_OK ? Status::OK() : Error(rc, "set WAL mode");
  }

  // Creates the schema (when `create`) and checks the file is a working log.
  Status Init(bool create) {
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    // Leave the WAL for the next process instead of checkpointing it at
    // every close: a hook is a short process, and the close-time checkpoint
    // (two fdatasyncs) plus re-creating the WAL (a directory fsync) were
    // most of its disk waits. SQLite still checkpoints once the WAL passes
    // 1000 pages. The ledger keeps its checkpoint on close so that
    // ledger.db alone is always complete at rest (people copy that file);
    // the working log is an index that nobody copies.
    sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    // The first statement reads the header: a file that is not a database
    // fails here as SQLITE_NOTADB and is reported, never recreated.
    CUSTODY_RETURN_IF_ERROR(Exec("PRAGMA schema_version", "open"));
    if (path_ != ":memory:") {
      CUSTODY_RETURN_IF_ERROR(SetWalMode());
      // NORMAL in WAL mode keeps the database consistent across a crash; a
      // power loss may drop the newest rows, which are an index of signed
      // ledger entries and can be rebuilt from them.
      CUSTODY_RETURN_IF_ERROR(Exec("PRAGMA synchronous=NORMAL", "set synchronous"));
    }
    if (create) {
      return WithWriteTxn([&]() -> Status {
        CUSTODY_RETURN_IF_ERROR(Exec(kSchema, "create schema"));
        CUSTODY_ASSIGN_OR_RETURN(
            sqlite3_stmt * s,
            Cached("INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', ?)"));
        sqlite3_bind_text(s, 1, std::to_string(kSchemaVersion).c_str(), -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(s);
        if (rc != SQLITE_DONE) return Error(rc, "write schema version");
        return Status::OK();
      });
    }
    return CheckSchema();
  }

  Status CheckSchema() {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v2(db_, "SELECT value FROM meta WHERE key='schema_version'", -1, &s,
                                nullptr);
    if (rc != SQLITE_OK) {
      Status st = Error(rc, "read schema version");
      if ((rc & 0xFF) == SQLITE_ERROR) {
        st = Status::Corruption(path_, "not a custody working log (no meta table)");
      }
      sqlite3_finalize(s);
      return st;
    }
    rc = sqlite3_step(s);
    Status st;
    if (rc == SQLITE_ROW) {
      const unsigned char* v = sqlite3_column_text(s, 0);
      std::string version = v ? reinterpret_cast<const char*>(v) : "";
      if (version != std::to_string(kSchemaVersion)) {
        st = Status::Corruption(path_, "working log schema version " + version +
                                           " is not supported (expected " +
                                           std::to_string(kSchemaVersion) + ")");
      }
    } else if (rc == SQLITE_DONE) {
      st = Status::Corruption(path_, "not a custody working log (no schema version)");
    } else {
      st = Error(rc, "read schema version");
    }
    sqlite3_finalize(s);
    return st;
  }

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT. BEGIN IMMEDIATE takes the
  // write lock up front, so two writers never deadlock upgrading read locks;
  // the busy handler waits for the lock, and a BUSY that still escapes (the
  // WAL being checkpointed or recovered) is retried with a short backoff.
  template <typename F>
  Status WithWriteTxn(F&& body) {
    Status last;
    for (int attempt = 0; attempt < 50; ++attempt) {
      int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
      if (rc == SQLITE_OK) {
        Status s = body();
        if (s.ok()) {
          rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
          if (rc == SQLITE_OK) return Status::OK();
          s = Error(rc, "commit");
        }
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        if (s.code() != Code::kUnavailable) return s;
        last = s;
      } else {
        last = Error(rc, "begin write");
        if ((rc & 0xFF) != SQLITE_BUSY && (rc & 0xFF) != SQLITE_LOCKED) return last;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5 + attempt * 5));
    }
    return last;
  }

  Status Add(const LineOrigin& origin, const std::vector<std::string>& lines) override {
    if (origin.checkpoint_id.empty()) {
      return Status::InvalidArgument(path_, "working log row without a checkpoint id");
    }
    // Hash outside the transaction so the write lock is held only for the
    // inserts; duplicates within one call collapse here.
    std::vector<std::string> hashes;
    hashes.reserve(lines.size());
    std::unordered_set<std::string> seen;
    for (const auto& line : lines) {
      if (NormaliseLine(line).empty()) continue;
      std::string h = DigestBytes(LineHash(line));
      if (seen.insert(h).second) hashes.push_back(std::move(h));
    }
    std::string summary = TruncateUtf8(origin.prompt_summary, kPromptSummaryMax);
    return WithWriteTxn([&]() -> Status {
      CUSTODY_ASSIGN_OR_RETURN(
          sqlite3_stmt * c,
          Cached("INSERT OR IGNORE INTO checkpoints(id, idx, agent, model, session_id, ts, "
                 "prompt_summary) VALUES(?,?,?,?,?,?,?)"));
      sqlite3_bind_text(c, 1, origin.checkpoint_id.data(),
                        static_cast<int>(origin.checkpoint_id.size()), SQLITE_STATIC);
      sqlite3_bind_int64(c, 2, origin.checkpoint_index);
      sqlite3_bind_text(c, 3, origin.agent.data(), static_cast<int>(origin.agent.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(c, 4, origin.model.data(), static_cast<int>(origin.model.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(c, 5, origin.session_id.data(), static_cast<int>(origin.session_id.size()),
                        SQLITE_STATIC);
      sqlite3_bind_int64(c, 6, origin.timestamp_unix_nanos);
      sqlite3_bind_text(c, 7, summary.data(), static_cast<int>(summary.size()), SQLITE_STATIC);
      int rc = sqlite3_step(c);
      sqlite3_reset(c);
      if (rc != SQLITE_DONE) return Error(rc, "add checkpoint");
      CUSTODY_ASSIGN_OR_RETURN(
          sqlite3_stmt * l,
          Cached("INSERT OR IGNORE INTO lines(hash, checkpoint_id, path) VALUES(?,?,?)"));
      for (const auto& h : hashes) {
        sqlite3_reset(l);
        sqlite3_bind_blob(l, 1, h.data(), static_cast<int>(h.size()), SQLITE_STATIC);
        sqlite3_bind_text(l, 2, origin.checkpoint_id.data(),
                          static_cast<int>(origin.checkpoint_id.size()), SQLITE_STATIC);
        sqlite3_bind_text(l, 3, origin.path.data(), static_cast<int>(origin.path.size()),
                          SQLITE_STATIC);
        rc = sqlite3_step(l);
        if (rc != SQLITE_DONE) {
          sqlite3_reset(l);
          return Error(rc, "add line");
        }
      }
      sqlite3_reset(l);
      return Status::OK();
    });
  }

  Result<std::unordered_map<std::string, std::vector<LineOrigin>>> Lookup(
      const std::vector<Digest>& hashes) override {
    std::unordered_map<std::string, std::vector<LineOrigin>> out;
    // One read transaction gives every probe the same snapshot.
    CUSTODY_RETURN_IF_ERROR(Exec("BEGIN", "begin read"));
    Status st = LookupInTxn(hashes, out);
    sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (!st.ok()) return st;
    return out;
  }

  Status LookupInTxn(const std::vector<Digest>& hashes,
                     std::unordered_map<std::string, std::vector<LineOrigin>>& out) {
    CUSTODY_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached("SELECT c.id, c.idx, c.agent, c.model, c.session_id, l.path, c.ts, "
               "c.prompt_summary FROM lines l JOIN checkpoints c ON c.id = l.checkpoint_id "
               "WHERE l.hash = ? ORDER BY c.ts DESC, c.idx DESC, l.path"));
    auto text = [&](int col) {
      const void* p = sqlite3_column_blob(s, col);
      int n = sqlite3_column_bytes(s, col);
      return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
    };
    for (const auto& d : hashes) {
      std::string key = DigestBytes(d);
      if (out.count(key)) continue;
      sqlite3_reset(s);
      sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
      std::vector<LineOrigin> origins;
      int rc;
      while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        LineOrigin o;
        o.checkpoint_id = text(0);
        o.checkpoint_index = sqlite3_column_int64(s, 1);
        o.agent = text(2);
        o.model = text(3);
        o.session_id = text(4);
        o.path = text(5);
        o.timestamp_unix_nanos = sqlite3_column_int64(s, 6);
        o.prompt_summary = text(7);
        origins.push_back(std::move(o));
      }
      if (rc != SQLITE_DONE) {
        sqlite3_reset(s);
        return Error(rc, "look up line");
      }
      if (!origins.empty()) out.emplace(std::move(key), std::move(origins));
    }
    sqlite3_reset(s);
    return Status::OK();
  }

  Result<int64_t> CountCheckpoints() override {
    CUSTODY_ASSIGN_OR_RETURN(sqlite3_stmt * s, Cached("SELECT count(*) FROM checkpoints"));
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
      Status st = Error(rc, "count checkpoints");
      sqlite3_reset(s);
      return st;
    }
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return n;
  }

 private:
  sqlite3* db_;
  std::string path_;
  std::map<const char*, sqlite3_stmt*> cache_;
};

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

// The POSIX append: one write(2) of the whole line on an O_APPEND descriptor
// is atomic with respect to other appenders on a local file system, so
// concurrent hooks never interleave bytes of two gaps.
Status PosixAppend(const std::string& path, const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    int e = errno;
    std::string msg = std::string("cannot open for append: ") + std::strerror(e);
    if (e == EACCES || e == EPERM || e == EROFS) return Status::PermissionDenied(path, msg);
    if (e == ENOENT) return Status::NotFound(path, msg + " (the directory does not exist)");
    return Status::IOError(path, msg);
  }
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return Status::IOError(path, std::string("append failed: ") + std::strerror(e));
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    return Status::IOError(path, std::string("fsync failed: ") + std::strerror(e));
  }
  if (::close(fd) != 0) {
    return Status::IOError(path, std::string("close failed: ") + std::strerror(errno));
  }
  return Status::OK();
}

}  // namespace

std::string_view NormaliseLine(std::string_view line) {
  size_t b = 0, e = line.size();
  while (b < e && IsSpace(line[b])) ++b;
  while (e > b && IsSpace(line[e - 1])) --e;
  return line.substr(b, e - b);
}

Digest LineHash(std::string_view line) { return Sha256(NormaliseLine(line)); }

Result<std::unique_ptr<WorkingLog>> OpenWorkingLog(const std::string& path, bool create) {
  std::unique_ptr<FileLock> creating;
  if (path != ":memory:") {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      if (!create) return Status::NotFound(path, "no working log (run `custody init`)");
      CUSTODY_ASSIGN_OR_RETURN(creating, PrepareSqliteCreate(path));
    } else if (!S_ISREG(st.st_mode)) {
      return Status::Corruption(path, "working log is not a regular file");
    }
  }
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status::IOError(path, "cannot open working log: " + msg);
  }
  auto log = std::make_unique<SqliteWorkingLog>(db, path);
  CUSTODY_RETURN_IF_ERROR(log->Init(create));
  return std::unique_ptr<WorkingLog>(std::move(log));
}

Status AppendGap(Env* env, const std::string& path, const Gap& gap) {
  nlohmann::json j;
  j["time"] = gap.time_unix_nanos;
  j["source"] = gap.source;
  if (!gap.commit.empty()) j["commit"] = gap.commit;
  if (!gap.path.empty()) j["path"] = gap.path;
  j["reason"] = OneLine(gap.reason);
  // `replace` keeps a gap whose text is not valid UTF-8 (a path from a bad
  // payload) instead of throwing.
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (env == Env::Default()) return PosixAppend(path, line);
  // Other Envs (the in-memory one of unit tests, wrappers) have no append
  // call: read, extend and replace under a lock, which is equally atomic.
  CUSTODY_ASSIGN_OR_RETURN(auto lock, env->LockFile(path + ".lock"));
  std::string data;
  if (env->FileExists(path)) {
    CUSTODY_ASSIGN_OR_RETURN(data, env->ReadFile(path));
  }
  data += line;
  return env->WriteFileAtomic(path, data, 0600);
}

Result<std::vector<Gap>> ReadGaps(Env* env, const std::string& path) {
  std::vector<Gap> out;
  if (!env->FileExists(path)) return out;
  CUSTODY_ASSIGN_OR_RETURN(std::string data, env->ReadFile(path));
  size_t pos = 0;
  int line_no = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    size_t end = nl == std::string::npos ? data.size() : nl;
    std::string_view line(data.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (NormaliseLine(line).empty()) continue;
    Gap g;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    bool ok = j.is_object() && j.contains("source") && j["source"].is_string() &&
              j.contains("reason") && j["reason"].is_string() &&
              (!j.contains("time") || j["time"].is_number_integer());
    for (const char* k : {"commit", "path"}) {
      if (ok && j.contains(k) && !j[k].is_string()) ok = false;
    }
    if (!ok) {
      g.source = "gaps-file";
      g.path = path;
      g.reason = path + ":" + std::to_string(line_no) + ": line is not a gap record" +
                 (nl == std::string::npos ? " (truncated last line)" : "");
      out.push_back(std::move(g));
      continue;
    }
    g.time_unix_nanos = j.value("time", int64_t{0});
    g.source = j["source"].get<std::string>();
    g.commit = j.value("commit", std::string());
    g.path = j.value("path", std::string());
    g.reason = j["reason"].get<std::string>();
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace custody
