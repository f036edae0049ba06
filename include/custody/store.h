// Store: where the ledger keeps envelopes, Merkle nodes, signed checkpoints,
// the index tables later queries need, and encrypted prompt texts.
//
// The Store is deliberately dumb: it knows rows, not Merkle rules. The Ledger
// (ledger.h) does the tree arithmetic inside one WriteTxn, so an append is
// one transaction: either the entries, their nodes, the new tree state and
// the signed checkpoint all land, or none does.
//
// Implementations: SQLite (sqlite_store.h, embedded default) and, later,
// PostgreSQL. A Store object may be used from one thread at a time; several
// processes may open the same store, and BeginWrite() serialises writers
// across them.
#ifndef CUSTODY_STORE_H_
#define CUSTODY_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "custody/merkle.h"
#include "custody/status.h"

namespace custody {

// One ledger entry as stored. `envelope` holds the exact bytes that were
// hashed into the leaf; everything else is an index derived from it at
// append time (and recomputed, never trusted, by verification).
struct StoredEntry {
  uint64_t index = 0;
  std::string id;              // lowercase hex SHA-256 of `envelope`
  std::string envelope;        // serialised DSSE envelope (one JSON line)
  std::string kind;            // short predicate kind, e.g. "generation"
  std::string predicate_type;  // the statement's predicateType URI
  int64_t recorded_at = 0;     // unix nanos when appended
  std::string signer;          // keyid of the first signature
  std::vector<std::string> commits;  // gitCommit subjects / referenced commits
  std::vector<std::string> files;    // file subjects (repo-relative paths)
  std::vector<std::string> refs;     // ids of entries this one refers to
};

// A signed checkpoint as stored: the tree of `size` entries has `root`.
struct StoredCheckpoint {
  uint64_t size = 0;
  merkle::Hash root{};
  std::string note;  // the full C2SP signed note text
  int64_t created_at = 0;
};

// The compact range of the whole tree (see merkle::CompactRange).
struct TreeState {
  uint64_t size = 0;
  std::vector<merkle::Hash> hashes;
};

// Filters for Store::Query; unset fields do not filter. Results come in
// index order, at most `limit` (0 = no limit).
struct EntryQuery {
  std::optional<std::string> kind;
  std::optional<int64_t> since;  // recorded_at >= since
  std::optional<std::string> commit;
  std::optional<std::string> file;
  std::optional<std::string> ref;
  uint64_t limit = 0;
};

// An encrypted prompt text (see DESIGN.md "Prompts are personal data too").
// Erasing deletes key and ciphertext and keeps the salt, so the salted digest
// in the signed statement still verifies and can no longer be opened.
struct StoredPrompt {
  std::string ref;
  std::string salt;
  std::string key;         // empty once erased
  std::string nonce;
  std::string ciphertext;  // empty for digest-only storage or once erased
  int64_t created_at = 0;
};

// An open write transaction holding the store's single writer lock. Nothing
// is visible to readers until Commit(); destroying it without Commit() rolls
// everything back.
class WriteTxn : public merkle::NodeReader {
 public:
  ~WriteTxn() override = default;
  virtual Result<TreeState> GetTreeState() = 0;
  // `e.index` must equal the current number of entries.
  virtual Status PutEntry(const StoredEntry& e) = 0;
  virtual Status PutNodes(const std::vector<merkle::NodeRef>& nodes) = 0;
  virtual Status PutTreeState(const TreeState& state) = 0;
  virtual Status PutCheckpoint(const StoredCheckpoint& cp) = 0;
  virtual Status PutPrompt(const StoredPrompt& p) = 0;
  virtual Status Commit() = 0;
};

class Store : public merkle::NodeReader {
 public:
  ~Store() override = default;

  // Waits (bounded) for the writer lock. Unavailable when another writer
  // holds it for too long.
  virtual Result<std::unique_ptr<WriteTxn>> BeginWrite() = 0;

  // A value from the store's metadata (origin, schema version), or nullopt.
  virtual Result<std::optional<std::string>> GetMeta(const std::string& key) = 0;
  virtual Status SetMeta(const std::string& key, const std::string& value) = 0;

  virtual Result<uint64_t> EntryCount() = 0;
  virtual Result<TreeState> GetTreeState() = 0;
  // NotFound when there is no entry with that index.
  virtual Result<StoredEntry> GetEntry(uint64_t index) = 0;
  // Looks an entry up by a unique prefix (≥ 4 hex digits) of its id.
  // NotFound, or InvalidArgument when the prefix is ambiguous.
  virtual Result<StoredEntry> FindEntry(const std::string& id_prefix) = 0;
  // Calls `fn` for each entry with begin <= index < end, in index order, as
  // stored, index lists included (gaps are passed through so verification
  // sees them). Reads in bounded chunks: memory does not grow with the log.
  // Stops at the first non-OK status `fn` returns and returns it.
  virtual Status ScanEntries(uint64_t begin, uint64_t end,
                             const std::function<Status(const StoredEntry&)>& fn) = 0;
  virtual Result<std::vector<StoredEntry>> Query(const EntryQuery& q) = 0;

  // Up to `limit` checkpoints with size >= min_size, smallest first (paged so
  // that verification of a long log keeps memory flat).
  virtual Result<std::vector<StoredCheckpoint>> ListCheckpoints(uint64_t min_size,
                                                                uint64_t limit) = 0;
  virtual Result<std::optional<StoredCheckpoint>> LatestCheckpoint() = 0;

  virtual Result<StoredPrompt> GetPrompt(const std::string& ref) = 0;
  // Crypto-shreds a prompt: deletes its key and ciphertext.
  virtual Status ErasePrompt(const std::string& ref) = 0;
};

}  // namespace custody

#endif  // CUSTODY_STORE_H_
