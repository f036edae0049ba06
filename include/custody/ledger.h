// Ledger: the append-only, tamper-evident log of signed envelopes.
//
// Leaves are SHA-256(0x00 || envelope bytes) and the tree is RFC 9162's.
// Every append is one Store transaction that writes the entries, the Merkle
// nodes they complete, the new compact range and a C2SP checkpoint signed by
// the appender, so a crash leaves either the whole batch with its signed
// tree head or nothing. Verification trusts nothing derived: it recomputes
// every leaf, node and root from the raw envelopes and checks them against
// the stored tree and every signed checkpoint.
//
// A Ledger borrows its Store (which must outlive it) and is used from one
// thread at a time; Verify uses worker threads internally.
#ifndef CUSTODY_LEDGER_H_
#define CUSTODY_LEDGER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "custody/ed25519.h"
#include "custody/keys.h"
#include "custody/merkle.h"
#include "custody/status.h"
#include "custody/store.h"

namespace custody {

// Who signs the checkpoints of an append: a key and the name it signs under
// (the name appears in the signed note and is how verifiers find the key).
struct LogSigner {
  std::string key_name;
  const PrivateKey* key = nullptr;  // borrowed
};

struct AppendedEntry {
  uint64_t index = 0;
  std::string id;  // lowercase hex SHA-256 of the envelope bytes
};

// The inclusion proof of one entry against the latest signed checkpoint.
struct EntryProof {
  uint64_t index = 0;
  uint64_t tree_size = 0;
  merkle::Hash leaf_hash{};
  merkle::Hash root{};
  std::vector<merkle::Hash> path;
  std::string checkpoint;  // the signed note the root comes from
};

struct VerifyOptions {
  // A checkpoint (signed note) seen earlier, e.g. by the last successful
  // verify: the current log must extend it.
  std::optional<std::string> last_seen_checkpoint;
  // Worker threads for signature checks; 0 = number of cores.
  int threads = 0;
  // Called now and then with (entries done, entries total).
  std::function<void(uint64_t, uint64_t)> progress;
  // Stop collecting problems after this many (verification still fails).
  size_t max_problems = 50;
};

// One thing wrong with the ledger. `entry` names the log index when the
// problem belongs to one entry.
struct VerifyProblem {
  std::optional<uint64_t> entry;
  std::string message;
};

struct VerifyReport {
  uint64_t entries = 0;
  uint64_t signatures = 0;
  uint64_t checkpoints = 0;
  merkle::Hash root{};
  std::string latest_checkpoint;  // signed note of the largest checkpoint
  std::vector<VerifyProblem> problems;
  bool truncated = false;  // more problems than max_problems
  bool ok() const { return problems.empty(); }
};

class Ledger {
 public:
  // `store` must outlive the Ledger.
  explicit Ledger(Store* store) : store_(store) {}
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Sets the log's origin line (the first line of its checkpoints) if none
  // is set yet; returns the origin in force.
  static Result<std::string> EnsureOrigin(Store& store, const std::string& origin);

  // The origin, or Corruption when the store has none.
  Result<std::string> Origin();

  // Appends serialised envelopes as one batch. Each must parse as a DSSE
  // envelope whose payload is an in-toto statement (InvalidArgument naming
  // the batch position otherwise, and nothing is written). Returns the index
  // and id of each, in order. `now_unix_nanos` is the recorded time.
  // `prompts` (encrypted prompt records the statements refer to) are stored
  // in the same transaction.
  Result<std::vector<AppendedEntry>> Append(const std::vector<std::string>& envelopes,
                                            const LogSigner& signer, int64_t now_unix_nanos,
                                            const std::vector<StoredPrompt>& prompts = {});

  // Inclusion proof of entry `index` against the latest checkpoint.
  Result<EntryProof> Prove(uint64_t index);

  // Recomputes everything from the raw envelopes. The returned report lists
  // every problem found (tampered, missing, reordered or untrusted entries;
  // checkpoints that are unsigned, untrusted or disagree with the entries;
  // a log that does not extend `last_seen_checkpoint`). A non-OK Status
  // means verification could not run at all (e.g. the store is unreadable).
  Result<VerifyReport> Verify(const Keyring& keyring, const VerifyOptions& options);

 private:
  Store* store_;
};

}  // namespace custody

#endif  // CUSTODY_LEDGER_H_
