#include "custody/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <map>

namespace custody {
namespace {

constexpr int kSchemaVersion = 1;
constexpr int kScanChunk = 2048;

// The schema. Entries are the log; everything else is an index (commits,
// files, refs) or derived state (nodes, tree) that verification recomputes.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS entries(
  idx INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  envelope BLOB NOT NULL,
  kind TEXT NOT NULL,
  predicate_type TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  signer TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_id ON entries(id);
CREATE INDEX IF NOT EXISTS entries_kind ON entries(kind, idx);
CREATE INDEX IF NOT EXISTS entries_time ON entries(recorded_at);
CREATE TABLE IF NOT EXISTS entry_commits(commit_sha TEXT NOT NULL, idx INTEGER NOT NULL,
  PRIMARY KEY(commit_sha, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entry_files(path TEXT NOT NULL, idx INTEGER NOT NULL,
  PRIMARY KEY(path, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entry_refs(ref TEXT NOT NULL, idx INTEGER NOT NULL,
  PRIMARY KEY(ref, idx)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entry_commits_by_idx ON entry_commits(idx);
CREATE INDEX IF NOT EXISTS entry_files_by_idx ON entry_files(idx);
CREATE INDEX IF NOT EXISTS entry_refs_by_idx ON entry_refs(idx);
CREATE TABLE IF NOT EXISTS nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL,
  hash BLOB NOT NULL, PRIMARY KEY(level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints(size INTEGER PRIMARY KEY, root BLOB NOT NULL,
  note TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS prompts(ref TEXT PRIMARY KEY, salt BLOB NOT NULL, key BLOB NOT NULL,
  nonce BLOB NOT NULL, ciphertext BLOB NOT NULL, created_at INTEGER NOT NULL);
)sql";

class Db;

// A prepared statement; finalised on destruction.
class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3_stmt* s) : s_(s) {}
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  sqlite3_stmt* get() const { return s_; }

  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  std::string Text(int col) const {
    const void* p = sqlite3_column_blob(s_, col);
    int n = sqlite3_column_bytes(s_, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }

 private:
  sqlite3_stmt* s_ = nullptr;
};

class Db {
 public:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~Db() {
    ReleaseStatements();
    sqlite3_close_v2(db_);
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Converts an SQLite result code into a Status naming the database file.
  Status Error(int rc, std::string_view what) const {
    std::string msg = std::string(what) + ": " + sqlite3_errmsg(db_);
    switch (rc & 0xFF) {
      case SQLITE_NOTADB:
      case SQLITE_CORRUPT:
        return Status::Corruption(path_, msg + " (the ledger database is damaged; restore it "
                                               "from a backup)");
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Status::Unavailable(path_, msg + " (another custody process holds the ledger)");
      case SQLITE_FULL:
        return Status::IOError(path_, msg + " (disk full)");
      case SQLITE_READONLY:
      case SQLITE_PERM:
      case SQLITE_CANTOPEN:
        return Status::PermissionDenied(path_, msg);
      case SQLITE_CONSTRAINT:
        return Status::Corruption(path_, msg);
      default:
        return Status::IOError(path_, msg);
    }
  }

  Result<Stmt> Prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql, -1, &s, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "prepare");
    return Stmt(s);
  }

  Status Exec(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) return Error(rc, "exec");
    return Status::OK();
  }

  // Runs a statement that returns no rows.
  Status Done(Stmt& s, std::string_view what) {
    int rc = sqlite3_step(s.get());
    if (rc != SQLITE_DONE) return Error(rc, what);
    return Status::OK();
  }

  sqlite3* raw() const { return db_; }
  const std::string& path() const { return path_; }

  // A prepared statement kept for the life of the connection, reset and
  // with its bindings cleared. Hot paths (appends, node reads) run the same
  // few statements thousands of times; preparing costs more than running.
  // `sql` must be a string literal (its address is the cache key).
  Result<Stmt*> Cached(const char* sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      CUSTODY_ASSIGN_OR_RETURN(Stmt s, Prepare(sql));
      it = cache_.emplace(sql, std::move(s)).first;
    }
    sqlite3_reset(it->second.get());
    sqlite3_clear_bindings(it->second.get());
    return &it->second;
  }
  // Finalises cached statements; must run before the connection closes.
  void ReleaseStatements() { cache_.clear(); }

 private:
  sqlite3* db_;
  std::string path_;
  std::map<const char*, Stmt> cache_;
};

std::string EncodeHashes(const std::vector<merkle::Hash>& hashes) {
  std::string out;
  for (auto& h : hashes) out += DigestBytes(h);
  return out;
}

Result<merkle::Hash> ToHash(const std::string& bytes, const std::string& where) {
  if (bytes.size() != 32) return Status::Corruption(where, "hash is not 32 bytes");
  merkle::Hash h;
  std::memcpy(h.data(), bytes.data(), 32);
  return h;
}

// Reading helpers shared by the store and its write transaction.
Result<merkle::Hash> ReadNode(Db& db, int level, uint64_t index) {
  CUSTODY_ASSIGN_OR_RETURN(Stmt * s, db.Cached("SELECT hash FROM nodes WHERE level=? AND idx=?"));
  s->Bind(1, level);
  s->Bind(2, static_cast<int64_t>(index));
  int rc = sqlite3_step(s->get());
  Result<merkle::Hash> out = Status::Internal("", "");
  if (rc == SQLITE_ROW) {
    out = ToHash(s->Text(0), db.path() + ": node " + std::to_string(level) + "/" +
                                 std::to_string(index));
  } else if (rc == SQLITE_DONE) {
    out = Status::NotFound(db.path(), "tree node level " + std::to_string(level) + " index " +
                                          std::to_string(index) + " is missing");
  } else {
    out = db.Error(rc, "read node");
  }
  sqlite3_reset(s->get());
  return out;
}

Result<TreeState> ReadTreeState(Db& db) {
  CUSTODY_ASSIGN_OR_RETURN(
      Stmt s, db.Prepare("SELECT key, value FROM meta WHERE key IN ('tree_size','tree_hashes')"));
  TreeState st;
  std::string hashes;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    if (s.Text(0) == "tree_size") {
      st.size = static_cast<uint64_t>(std::stoull(s.Text(1)));
    } else {
      hashes = s.Text(1);
    }
  }
  if (rc != SQLITE_DONE) return db.Error(rc, "read tree state");
  if (hashes.size() % 32 != 0) return Status::Corruption(db.path(), "tree state is damaged");
  for (size_t i = 0; i < hashes.size(); i += 32) {
    merkle::Hash h;
    std::memcpy(h.data(), hashes.data() + i, 32);
    st.hashes.push_back(h);
  }
  return st;
}

// Reads the list-valued index columns of one entry.
Status ReadEntryLists(Db& db, StoredEntry& e) {
  struct Table {
    const char* sql;
    std::vector<std::string>* out;
  };
  Table tables[] = {
      {"SELECT commit_sha FROM entry_commits WHERE idx=? ORDER BY commit_sha", &e.commits},
      {"SELECT path FROM entry_files WHERE idx=? ORDER BY path", &e.files},
      {"SELECT ref FROM entry_refs WHERE idx=? ORDER BY ref", &e.refs},
  };
  for (auto& t : tables) {
    CUSTODY_ASSIGN_OR_RETURN(Stmt s, db.Prepare(t.sql));
    s.Bind(1, static_cast<int64_t>(e.index));
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) t.out->push_back(s.Text(0));
    if (rc != SQLITE_DONE) return db.Error(rc, "read entry index");
  }
  return Status::OK();
}

constexpr const char* kEntryColumns =
    "SELECT idx, id, envelope, kind, predicate_type, recorded_at, signer FROM entries ";

StoredEntry RowToEntry(const Stmt& s) {
  StoredEntry e;
  e.index = static_cast<uint64_t>(s.Int(0));
  e.id = s.Text(1);
  e.envelope = s.Text(2);
  e.kind = s.Text(3);
  e.predicate_type = s.Text(4);
  e.recorded_at = s.Int(5);
  e.signer = s.Text(6);
  return e;
}

class SqliteWriteTxn : public WriteTxn {
 public:
  explicit SqliteWriteTxn(Db* db) : db_(db) {}
  ~SqliteWriteTxn() override {
    if (!done_) (void)db_->Exec("ROLLBACK");
  }

  Result<merkle::Hash> GetNode(int level, uint64_t index) override {
    return ReadNode(*db_, level, index);
  }
  Result<TreeState> GetTreeState() override { return ReadTreeState(*db_); }

  Status PutEntry(const StoredEntry& e) override {
    CUSTODY_ASSIGN_OR_RETURN(Stmt * s, db_->Cached(
        "INSERT INTO entries(idx,id,envelope,kind,predicate_type,recorded_at,signer) "
        "VALUES(?,?,?,?,?,?,?)"));
    s->Bind(1, static_cast<int64_t>(e.index));
    s->Bind(2, e.id);
    s->BindBlob(3, e.envelope);
    s->Bind(4, e.kind);
    s->Bind(5, e.predicate_type);
    s->Bind(6, e.recorded_at);
    s->Bind(7, e.signer);
    CUSTODY_RETURN_IF_ERROR(db_->Done(*s, "insert entry"));
    struct List {
      const char* sql;
      const std::vector<std::string>* values;
    };
    List lists[] = {
        {"INSERT OR IGNORE INTO entry_commits(commit_sha, idx) VALUES(?,?)", &e.commits},
        {"INSERT OR IGNORE INTO entry_files(path, idx) VALUES(?,?)", &e.files},
        {"INSERT OR IGNORE INTO entry_refs(ref, idx) VALUES(?,?)", &e.refs},
    };
    for (auto& l : lists) {
      if (l.values->empty()) continue;
      CUSTODY_ASSIGN_OR_RETURN(Stmt * li, db_->Cached(l.sql));
      for (auto& v : *l.values) {
        li->Bind(1, v);
        li->Bind(2, static_cast<int64_t>(e.index));
        CUSTODY_RETURN_IF_ERROR(db_->Done(*li, "insert entry index"));
        sqlite3_reset(li->get());
      }
    }
    return Status::OK();
  }

  Status PutNodes(const std::vector<merkle::NodeRef>& nodes) override {
    CUSTODY_ASSIGN_OR_RETURN(Stmt * s, db_->Cached("INSERT INTO nodes(level,idx,hash) VALUES(?,?,?)"));
    for (auto& n : nodes) {
      s->Bind(1, n.level);
      s->Bind(2, static_cast<int64_t>(n.index));
      s->BindBlob(3, DigestBytes(n.hash));
      CUSTODY_RETURN_IF_ERROR(db_->Done(*s, "insert node"));
      sqlite3_reset(s->get());
    }
    return Status::OK();
  }

  Status PutTreeState(const TreeState& st) override {
    CUSTODY_ASSIGN_OR_RETURN(Stmt s,
                             db_->Prepare("INSERT OR REPLACE INTO meta(key,value) VALUES(?,?)"));
    s.Bind(1, std::string("tree_size"));
    s.Bind(2, std::to_string(st.size));
    CUSTODY_RETURN_IF_ERROR(db_->Done(s, "write tree state"));
    sqlite3_reset(s.get());
    s.Bind(1, std::string("tree_hashes"));
    s.BindBlob(2, EncodeHashes(st.hashes));
    return db_->Done(s, "write tree state");
  }

  Status PutCheckpoint(const StoredCheckpoint& cp) override {
    CUSTODY_ASSIGN_OR_RETURN(
        Stmt s,
        db_->Prepare("INSERT INTO checkpoints(size,root,note,created_at) VALUES(?,?,?,?)"));
    s.Bind(1, static_cast<int64_t>(cp.size));
    s.BindBlob(2, DigestBytes(cp.root));
    s.Bind(3, cp.note);
    s.Bind(4, cp.created_at);
    return db_->Done(s, "insert checkpoint");
  }

  Status PutPrompt(const StoredPrompt& p) override {
    CUSTODY_ASSIGN_OR_RETURN(
        Stmt s, db_->Prepare("INSERT INTO prompts(ref,salt,key,nonce,ciphertext,created_at) "
                             "VALUES(?,?,?,?,?,?)"));
    s.Bind(1, p.ref);
    s.BindBlob(2, p.salt);
    s.BindBlob(3, p.key);
    s.BindBlob(4, p.nonce);
    s.BindBlob(5, p.ciphertext);
    s.Bind(6, p.created_at);
    return db_->Done(s, "insert prompt");
  }

  Status Commit() override {
    CUSTODY_RETURN_IF_ERROR(db_->Exec("COMMIT"));
    done_ = true;
    return Status::OK();
  }

 private:
  Db* db_;
  bool done_ = false;
};

class SqliteStore : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Db> db) : db_(std::move(db)) {}

  Result<std::unique_ptr<WriteTxn>> BeginWrite() override {
    // IMMEDIATE takes the write lock now, so the tree state we read inside
    // the transaction cannot change under us.
    CUSTODY_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
    return std::unique_ptr<WriteTxn>(new SqliteWriteTxn(db_.get()));
  }

  Result<std::optional<std::string>> GetMeta(const std::string& key) override {
    CUSTODY_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT value FROM meta WHERE key=?"));
    s.Bind(1, key);
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) return std::optional<std::string>(s.Text(0));
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    return db_->Error(rc, "read meta");
  }

  Status SetMeta(const std::string& key, const std::string& value) override {
    CUSTODY_ASSIGN_OR_RETURN(Stmt s,
                             db_->Prepare("INSERT OR REPLACE INTO meta(key,value) VALUES(?,?)"));
    s.Bind(1, key);
    s.Bind(2, value);
    return db_->Done(s, "write meta");
  }

  Result<uint64_t> EntryCount() override {
    CUSTODY_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT count(*) FROM entries"));
    int rc = sqlite3_step(s.get());
    if (rc != SQLITE_ROW) return db_->Error(rc, "count entries");
    return static_cast<uint64_t>(s.Int(0));
  }

  Result<TreeState> GetTreeState() override { return ReadTreeState(*db_); }

  Result<merkle::Hash> GetNode(int level, uint64_t index) override {
    return ReadNode(*db_, level, index);
  }

  Result<StoredEntry> GetEntry(uint64_t index) override {
    CUSTODY_ASSIGN_OR_RETURN(Stmt s,
                             db_->Prepare((std::string(kEntryColumns) + "WHERE idx=?").c_str()));
    s.Bind(1, static_cast<int64_t>(index));
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE) {
      return Status::NotFound("entry " + std::to_string(index), "no such entry in the ledger");
    }
    if (rc != SQLITE_ROW) return db_->Error(rc, "read entry");
    StoredEntry e = RowToEntry(s);
    CUSTODY_RETURN_IF_ERROR(ReadEntryLists(*db_, e));
    return e;
  }

  Result<StoredEntry> FindEntry(const std::string& prefix) override {
    if (prefix.size() < 4 || prefix.size() > 64 ||
        prefix.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return Status::InvalidArgument(
          "\"" + prefix + "\"", "not an entry id (give 4 to 64 lowercase hex digits, or #INDEX)");
    }
    CUSTODY_ASSIGN_OR_RETURN(
        Stmt s, db_->Prepare((std::string(kEntryColumns) +
                              "WHERE id >= ?1 AND id < ?1 || 'g' ORDER BY idx LIMIT 2")
                                 .c_str()));
    s.Bind(1, prefix);
    std::vector<StoredEntry> found;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) found.push_back(RowToEntry(s));
    if (rc != SQLITE_DONE) return db_->Error(rc, "find entry");
    if (found.empty()) return Status::NotFound(prefix, "no entry with this id");
    if (found.size() > 1 && found[0].id != found[1].id) {
      return Status::InvalidArgument(prefix, "ambiguous id prefix (give more digits)");
    }
    CUSTODY_RETURN_IF_ERROR(ReadEntryLists(*db_, found[0]));
    return found[0];
  }

  Status ScanEntries(uint64_t begin, uint64_t end,
                     const std::function<Status(const StoredEntry&)>& fn) override {
    CUSTODY_ASSIGN_OR_RETURN(
        Stmt s, db_->Prepare((std::string(kEntryColumns) +
                              "WHERE idx >= ? AND idx < ? ORDER BY idx LIMIT ?")
                                 .c_str()));
    // Chunked so that memory stays flat and no read transaction is open
    // while `fn` runs.
    int64_t next = static_cast<int64_t>(begin);
    std::vector<StoredEntry> chunk;
    for (;;) {
      s.Bind(1, next);
      s.Bind(2, static_cast<int64_t>(std::min<uint64_t>(end, INT64_MAX)));
      s.Bind(3, kScanChunk);
      chunk.clear();
      int rc;
      while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) chunk.push_back(RowToEntry(s));
      if (rc != SQLITE_DONE) return db_->Error(rc, "scan entries");
      sqlite3_reset(s.get());
      if (chunk.empty()) return Status::OK();
      CUSTODY_RETURN_IF_ERROR(ReadChunkLists(chunk));
      for (const auto& e : chunk) CUSTODY_RETURN_IF_ERROR(fn(e));
      next = static_cast<int64_t>(chunk.back().index) + 1;
      if (chunk.size() < static_cast<size_t>(kScanChunk)) return Status::OK();
    }
  }

  Result<std::vector<StoredEntry>> Query(const EntryQuery& q) override {
    std::string sql = kEntryColumns;
    sql += "WHERE 1=1";
    if (q.kind) sql += " AND kind = :kind";
    if (q.since) sql += " AND recorded_at >= :since";
    if (q.commit) {
      sql += " AND idx IN (SELECT idx FROM entry_commits WHERE commit_sha >= :commit AND "
             "commit_sha < :commit || 'g')";
    }
    if (q.file) sql += " AND idx IN (SELECT idx FROM entry_files WHERE path = :file)";
    if (q.ref) sql += " AND idx IN (SELECT idx FROM entry_refs WHERE ref = :ref)";
    sql += " ORDER BY idx";
    if (q.limit) sql += " LIMIT " + std::to_string(q.limit);
    CUSTODY_ASSIGN_OR_RETURN(Stmt s, db_->Prepare(sql.c_str()));
    auto bind = [&](const char* name, const std::string& v) {
      int i = sqlite3_bind_parameter_index(s.get(), name);
      if (i > 0) s.Bind(i, v);
    };
    if (q.kind) bind(":kind", *q.kind);
    if (q.since) {
      s.Bind(sqlite3_bind_parameter_index(s.get(), ":since"), *q.since);
    }
    if (q.commit) bind(":commit", *q.commit);
    if (q.file) bind(":file", *q.file);
    if (q.ref) bind(":ref", *q.ref);
    std::vector<StoredEntry> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(RowToEntry(s));
    if (rc != SQLITE_DONE) return db_->Error(rc, "query entries");
    for (auto& e : out) CUSTODY_RETURN_IF_ERROR(ReadEntryLists(*db_, e));
    return out;
  }

  Result<std::vector<StoredCheckpoint>> ListCheckpoints(uint64_t min_size,
                                                        uint64_t limit) override {
    CUSTODY_ASSIGN_OR_RETURN(
        Stmt s, db_->Prepare("SELECT size, root, note, created_at FROM checkpoints "
                             "WHERE size >= ? ORDER BY size LIMIT ?"));
    s.Bind(1, static_cast<int64_t>(std::min<uint64_t>(min_size, INT64_MAX)));
    s.Bind(2, static_cast<int64_t>(std::min<uint64_t>(limit, INT64_MAX)));
    std::vector<StoredCheckpoint> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      CUSTODY_ASSIGN_OR_RETURN(StoredCheckpoint cp, RowToCheckpoint(s));
      out.push_back(std::move(cp));
    }
    if (rc != SQLITE_DONE) return db_->Error(rc, "list checkpoints");
    return out;
  }

  Result<std::optional<StoredCheckpoint>> LatestCheckpoint() override {
    CUSTODY_ASSIGN_OR_RETURN(
        Stmt s, db_->Prepare("SELECT size, root, note, created_at FROM checkpoints "
                             "ORDER BY size DESC LIMIT 1"));
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE) return std::optional<StoredCheckpoint>();
    if (rc != SQLITE_ROW) return db_->Error(rc, "read checkpoint");
    CUSTODY_ASSIGN_OR_RETURN(StoredCheckpoint cp, RowToCheckpoint(s));
    return std::optional<StoredCheckpoint>(std::move(cp));
  }

  Result<StoredPrompt> GetPrompt(const std::string& ref) override {
    CUSTODY_ASSIGN_OR_RETURN(
        Stmt s, db_->Prepare(
                    "SELECT ref,salt,key,nonce,ciphertext,created_at FROM prompts WHERE ref=?"));
    s.Bind(1, ref);
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE) return Status::NotFound("prompt " + ref, "not stored in this ledger");
    if (rc != SQLITE_ROW) return db_->Error(rc, "read prompt");
    StoredPrompt p;
    p.ref = s.Text(0);
    p.salt = s.Text(1);
    p.key = s.Text(2);
    p.nonce = s.Text(3);
    p.ciphertext = s.Text(4);
    p.created_at = s.Int(5);
    return p;
  }

  Status ErasePrompt(const std::string& ref) override {
    CUSTODY_ASSIGN_OR_RETURN(
        Stmt s, db_->Prepare("UPDATE prompts SET key=x'', ciphertext=x'' WHERE ref=?"));
    s.Bind(1, ref);
    CUSTODY_RETURN_IF_ERROR(db_->Done(s, "erase prompt"));
    if (sqlite3_changes(db_->raw()) == 0) {
      return Status::NotFound("prompt " + ref, "not stored in this ledger");
    }
    return Status::OK();
  }

 private:
  // Fills the index lists of a chunk of consecutive rows with one range
  // query per list table.
  Status ReadChunkLists(std::vector<StoredEntry>& chunk) {
    struct Table {
      const char* sql;
      std::vector<std::string> StoredEntry::*list;
    };
    static const Table kTables[] = {
        {"SELECT idx, commit_sha FROM entry_commits WHERE idx BETWEEN ? AND ? ORDER BY idx, "
         "commit_sha",
         &StoredEntry::commits},
        {"SELECT idx, path FROM entry_files WHERE idx BETWEEN ? AND ? ORDER BY idx, path",
         &StoredEntry::files},
        {"SELECT idx, ref FROM entry_refs WHERE idx BETWEEN ? AND ? ORDER BY idx, ref",
         &StoredEntry::refs},
    };
    for (const auto& t : kTables) {
      CUSTODY_ASSIGN_OR_RETURN(Stmt s, db_->Prepare(t.sql));
      s.Bind(1, static_cast<int64_t>(chunk.front().index));
      s.Bind(2, static_cast<int64_t>(chunk.back().index));
      size_t pos = 0;
      int rc;
      while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        auto idx = static_cast<uint64_t>(s.Int(0));
        while (pos < chunk.size() && chunk[pos].index < idx) ++pos;
        // Rows for an index with no entry (left behind by a deletion) are
        // dropped here; verification sees the entry as missing instead.
        if (pos < chunk.size() && chunk[pos].index == idx) {
          (chunk[pos].*t.list).push_back(s.Text(1));
        }
      }
      if (rc != SQLITE_DONE) return db_->Error(rc, "scan entry index");
    }
    return Status::OK();
  }

  Result<StoredCheckpoint> RowToCheckpoint(const Stmt& s) {
    StoredCheckpoint cp;
    cp.size = static_cast<uint64_t>(s.Int(0));
    CUSTODY_ASSIGN_OR_RETURN(
        cp.root, ToHash(s.Text(1), db_->path() + ": checkpoint " + std::to_string(cp.size)));
    cp.note = s.Text(2);
    cp.created_at = s.Int(3);
    return cp;
  }

  std::unique_ptr<Db> db_;
};

}  // namespace

Result<std::unique_ptr<FileLock>> PrepareSqliteCreate(const std::string& path) {
  struct stat st;
  if (path == ":memory:" || ::stat(path.c_str(), &st) == 0) return std::unique_ptr<FileLock>();
  CUSTODY_ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock,
                           Env::Default()->LockFile(path + ".create-lock"));
  if (::stat(path.c_str(), &st) != 0) {
    ::unlink((path + "-wal").c_str());
    ::unlink((path + "-shm").c_str());
  }
  return lock;
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteStoreOptions& options) {
  std::unique_ptr<FileLock> creating;
  if (options.create) {
    CUSTODY_ASSIGN_OR_RETURN(creating, PrepareSqliteCreate(path));
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  auto db = std::make_unique<Db>(raw, path);
  if (rc != SQLITE_OK) {
    if (!options.create && (rc & 0xFF) == SQLITE_CANTOPEN) {
      return Status::NotFound(path, "no ledger here (run custody init)");
    }
    return db->Error(rc, "open");
  }
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  // The first statements read the header: a file that is not SQLite fails
  // here, before anything is written to it.
  CUSTODY_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  CUSTODY_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
  CUSTODY_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  // Erased prompt keys must not linger in free pages.
  CUSTODY_RETURN_IF_ERROR(db->Exec("PRAGMA secure_delete=ON"));

  std::optional<std::string> version;
  {
    CUSTODY_ASSIGN_OR_RETURN(
        Stmt s, db->Prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'"));
    rc = sqlite3_step(s.get());
    if (rc != SQLITE_ROW) return db->Error(rc, "read schema");
    if (s.Int(0) == 1) {
      CUSTODY_ASSIGN_OR_RETURN(Stmt v,
                               db->Prepare("SELECT value FROM meta WHERE key='schema_version'"));
      if (sqlite3_step(v.get()) == SQLITE_ROW) version = v.Text(0);
    }
  }
  if (!version) {
    if (!options.create) {
      return Status::Corruption(path, "not a custody ledger (no schema version)");
    }
    CUSTODY_RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE"));
    Status s = db->Exec(kSchema);
    if (s.ok()) {
      s = db->Exec(("INSERT OR IGNORE INTO meta(key,value) VALUES('schema_version','" +
                    std::to_string(kSchemaVersion) + "')")
                       .c_str());
    }
    if (!s.ok()) {
      (void)db->Exec("ROLLBACK");
      return s;
    }
    CUSTODY_RETURN_IF_ERROR(db->Exec("COMMIT"));
  } else if (*version != std::to_string(kSchemaVersion)) {
    return Status::Corruption(path, "ledger schema version " + *version +
                                        " is not supported by this custody (expects " +
                                        std::to_string(kSchemaVersion) + ")");
  }
  return std::unique_ptr<Store>(new SqliteStore(std::move(db)));
}

}  // namespace custody
