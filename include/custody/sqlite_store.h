// The embedded SQLite Store (WAL mode, synchronous=FULL).
//
// The database normally lives in `<git common dir>/custody/ledger.db`. Many
// processes may open it at once: readers never block, and writers queue on
// SQLite's write lock (BEGIN IMMEDIATE with a busy timeout), so concurrent
// git hooks lose nothing. A committed append survives SIGKILL and power loss.
#ifndef CUSTODY_SQLITE_STORE_H_
#define CUSTODY_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "custody/env.h"
#include "custody/status.h"
#include "custody/store.h"

namespace custody {

struct SqliteStoreOptions {
  // Create the database (and its schema) when missing. Without it a missing
  // file is NotFound ("run custody init").
  bool create = false;
  // How long a writer waits for another process's write lock.
  int busy_timeout_ms = 60'000;
};

// Opens (or creates) the store at `path`; ":memory:" gives a private
// in-memory store for tests. Corruption when the file is not a custody
// ledger (not SQLite, or a different schema), naming the path.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteStoreOptions& options = {});

// Call before creating the SQLite database `path` (any custody database in
// WAL mode). A WAL can outlive its database file (a crash before the
// checkpoint; the working log keeps its WAL across closes), and SQLite would
// replay the pages of a `path`-wal left behind by a deleted database into a
// new file of the same name. When `path`
// does not exist this takes the lock file `path`.create-lock, removes a
// stale -wal and -shm, and returns the lock: hold it until the new database
// is created, so a process creating it at the same moment cannot remove the
// fresh WAL of another. Returns null when `path` exists; IOError when the
// lock cannot be taken.
Result<std::unique_ptr<FileLock>> PrepareSqliteCreate(const std::string& path);

}  // namespace custody

#endif  // CUSTODY_SQLITE_STORE_H_
