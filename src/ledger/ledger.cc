#include "custody/ledger.h"

#include <algorithm>
#include <thread>

#include "custody/checkpoint.h"
#include "custody/dsse.h"
#include "custody/encoding.h"
#include "custody/hash.h"
#include "custody/predicates.h"
#include "custody/statement.h"

namespace custody {
namespace {

constexpr size_t kVerifyChunk = 1024;
constexpr uint64_t kCheckpointPage = 256;

std::string EntryName(uint64_t index) { return "entry " + std::to_string(index); }

std::string ShortHex(const std::string& hex) { return hex.substr(0, 12); }

// What the parallel part of verification learns about one entry.
struct EntryCheck {
  merkle::Hash leaf{};
  std::vector<std::string> problems;
  uint64_t signatures = 0;
};

EntryCheck CheckEntry(const StoredEntry& e, const Keyring& keyring) {
  EntryCheck c;
  c.leaf = merkle::HashLeaf(e.envelope);
  if (Sha256Hex(e.envelope) != e.id) {
    c.problems.push_back("stored id " + ShortHex(e.id) +
                         " is not the digest of the envelope bytes (envelope changed)");
  }
  auto env = ParseEnvelope(e.envelope);
  if (!env.ok()) {
    c.problems.push_back("envelope does not parse: " + env.status().message());
    return c;
  }
  auto verified = VerifyEnvelope(*env, keyring);
  if (!verified.ok()) {
    c.problems.push_back(verified.status().message());
  } else {
    c.signatures = verified->signers.size();
  }
  auto st = ParseStatement(env->payload);
  if (!st.ok()) {
    c.problems.push_back(st.status().message());
    return c;
  }
  // The index columns answer `custody log --commit/--file/--kind`; they
  // must say exactly what the signed statement says.
  StatementIndex ix = IndexStatement(*st);
  std::vector<std::string> wrong;
  if (st->predicate_type != e.predicate_type || ix.kind != e.kind) wrong.push_back("kind");
  if (ix.commits != e.commits) wrong.push_back("commits");
  if (ix.files != e.files) wrong.push_back("files");
  if (ix.refs != e.refs) wrong.push_back("references");
  if (env->signatures.empty() || env->signatures[0].keyid != e.signer) wrong.push_back("signer");
  if (!wrong.empty()) {
    std::string what;
    for (const auto& w : wrong) what += (what.empty() ? "" : ", ") + w;
    c.problems.push_back("stored index (" + what +
                         ") disagrees with the signed statement (queries would mislead)");
  }
  return c;
}

// Checks a checkpoint note's signature against the keyring and its origin.
// Returns "" when it is valid, else the reason.
std::string CheckCheckpointNote(const std::string& note, const std::string& origin,
                                const Keyring& keyring, SignedCheckpoint* out) {
  auto parsed = ParseSignedCheckpoint(note);
  if (!parsed.ok()) return "does not parse: " + parsed.status().message();
  if (parsed->checkpoint.origin != origin) {
    return "origin \"" + parsed->checkpoint.origin + "\" is not this log's (\"" + origin + "\")";
  }
  std::string why = "no signature by a trusted key";
  for (const auto& sig : parsed->signatures) {
    const TrustedKey* k = keyring.FindByName(sig.name);
    if (k == nullptr) continue;
    Status s = VerifyCheckpoint(*parsed, k->name, k->key);
    if (s.ok()) {
      if (out) *out = std::move(parsed).value();
      return "";
    }
    why = s.message();
    // The parser's messages start with "checkpoint: "; the caller names it.
    if (why.rfind("checkpoint: ", 0) == 0) why.erase(0, 12);
  }
  return why;
}

}  // namespace

Result<std::string> Ledger::EnsureOrigin(Store& store, const std::string& origin) {
  CUSTODY_ASSIGN_OR_RETURN(auto existing, store.GetMeta("origin"));
  if (existing) return *existing;
  CUSTODY_RETURN_IF_ERROR(store.SetMeta("origin", origin));
  return origin;
}

Result<std::string> Ledger::Origin() {
  CUSTODY_ASSIGN_OR_RETURN(auto origin, store_->GetMeta("origin"));
  if (!origin || origin->empty()) {
    return Status::Corruption("ledger", "has no origin (was it created by custody init?)");
  }
  return *origin;
}

Result<std::vector<AppendedEntry>> Ledger::Append(const std::vector<std::string>& envelopes,
                                                  const LogSigner& signer,
                                                  int64_t now_unix_nanos,
                                                  const std::vector<StoredPrompt>& prompts) {
  if (signer.key == nullptr) return Status::InvalidArgument("ledger", "append without a key");
  CUSTODY_ASSIGN_OR_RETURN(std::string origin, Origin());

  // Validate and index everything before taking the write lock: a bad
  // envelope rejects the whole batch and nothing is written.
  std::vector<StoredEntry> entries;
  entries.reserve(envelopes.size());
  for (size_t i = 0; i < envelopes.size(); ++i) {
    std::string where = "envelope " + std::to_string(i + 1) + " of " +
                        std::to_string(envelopes.size());
    auto env = ParseEnvelope(envelopes[i]);
    if (!env.ok()) return env.status().WithPrefix(where);
    if (!IsInTotoPayloadType(env->payload_type)) {
      return Status::InvalidArgument(where, "payloadType \"" + env->payload_type +
                                                "\" is not an in-toto type");
    }
    auto st = ParseStatement(env->payload);
    if (!st.ok()) return st.status().WithPrefix(where);
    StatementIndex ix = IndexStatement(*st);
    StoredEntry e;
    e.id = Sha256Hex(envelopes[i]);
    e.envelope = envelopes[i];
    e.kind = ix.kind;
    e.predicate_type = st->predicate_type;
    e.recorded_at = now_unix_nanos;
    e.signer = env->signatures.empty() ? "" : env->signatures[0].keyid;
    e.files = std::move(ix.files);
    e.commits = std::move(ix.commits);
    e.refs = std::move(ix.refs);
    entries.push_back(std::move(e));
  }
  if (entries.empty()) return std::vector<AppendedEntry>{};

  CUSTODY_ASSIGN_OR_RETURN(auto txn, store_->BeginWrite());
  CUSTODY_ASSIGN_OR_RETURN(TreeState state, txn->GetTreeState());
  CUSTODY_ASSIGN_OR_RETURN(merkle::CompactRange range,
                           merkle::CompactRange::FromState(state.size, state.hashes));
  std::vector<merkle::NodeRef> nodes;
  std::vector<AppendedEntry> out;
  for (auto& e : entries) {
    e.index = range.size();
    CUSTODY_RETURN_IF_ERROR(txn->PutEntry(e));
    range.Append(merkle::HashLeaf(e.envelope), &nodes);
    out.push_back({e.index, e.id});
  }
  for (const auto& p : prompts) CUSTODY_RETURN_IF_ERROR(txn->PutPrompt(p));
  CUSTODY_RETURN_IF_ERROR(txn->PutNodes(nodes));
  CUSTODY_RETURN_IF_ERROR(txn->PutTreeState({range.size(), range.hashes()}));
  Checkpoint cp{origin, range.size(), range.Root(), {}};
  CUSTODY_ASSIGN_OR_RETURN(std::string note, SignCheckpoint(cp, signer.key_name, *signer.key));
  CUSTODY_RETURN_IF_ERROR(txn->PutCheckpoint({range.size(), range.Root(), note, now_unix_nanos}));
  CUSTODY_RETURN_IF_ERROR(txn->Commit());
  return out;
}

Result<EntryProof> Ledger::Prove(uint64_t index) {
  CUSTODY_ASSIGN_OR_RETURN(auto latest, store_->LatestCheckpoint());
  if (!latest || index >= latest->size) {
    return Status::NotFound(EntryName(index), "not covered by a signed checkpoint yet");
  }
  EntryProof p;
  p.index = index;
  p.tree_size = latest->size;
  p.root = latest->root;
  p.checkpoint = latest->note;
  CUSTODY_ASSIGN_OR_RETURN(StoredEntry e, store_->GetEntry(index));
  p.leaf_hash = merkle::HashLeaf(e.envelope);
  CUSTODY_ASSIGN_OR_RETURN(p.path, merkle::InclusionProof(*store_, index, latest->size));
  CUSTODY_RETURN_IF_ERROR(
      merkle::VerifyInclusion(index, p.tree_size, p.leaf_hash, p.path, p.root)
          .WithPrefix(EntryName(index) + ": inclusion proof"));
  return p;
}

Result<VerifyReport> Ledger::Verify(const Keyring& keyring, const VerifyOptions& opt) {
  VerifyReport report;
  auto problem = [&](std::optional<uint64_t> entry, std::string msg) {
    if (report.problems.size() >= opt.max_problems) {
      report.truncated = true;
      return;
    }
    report.problems.push_back({entry, std::move(msg)});
  };

  CUSTODY_ASSIGN_OR_RETURN(std::string origin, Origin());
  CUSTODY_ASSIGN_OR_RETURN(uint64_t total, store_->EntryCount());

  // The checkpoint seen last time, which the log must still extend.
  std::optional<SignedCheckpoint> last_seen;
  if (opt.last_seen_checkpoint) {
    SignedCheckpoint sc;
    std::string why = CheckCheckpointNote(*opt.last_seen_checkpoint, origin, keyring, &sc);
    if (!why.empty()) {
      problem(std::nullopt, "last verified checkpoint: " + why);
    } else {
      last_seen = std::move(sc);
    }
  }

  merkle::CompactRange range;
  // Once a leaf is known to differ, every checkpoint and node above it must
  // differ too; those are counted and reported once, after the cause.
  std::optional<uint64_t> first_bad_leaf;
  uint64_t consequent_checkpoints = 0, consequent_nodes = 0;
  bool tree_intact = true;  // false once an entry is missing: later roots can't match
  uint64_t expected = 0;

  // Checkpoints are merged with the entry stream page by page.
  std::vector<StoredCheckpoint> cps;
  size_t cp_pos = 0;
  uint64_t cp_next_min = 0;
  bool cps_done = false;
  auto peek_cp = [&]() -> Result<const StoredCheckpoint*> {
    if (cp_pos == cps.size() && !cps_done) {
      CUSTODY_ASSIGN_OR_RETURN(cps, store_->ListCheckpoints(cp_next_min, kCheckpointPage));
      cp_pos = 0;
      if (cps.size() < kCheckpointPage) cps_done = true;
      if (!cps.empty()) cp_next_min = cps.back().size + 1;
    }
    if (cp_pos == cps.size()) return static_cast<const StoredCheckpoint*>(nullptr);
    return &cps[cp_pos];
  };
  std::optional<StoredCheckpoint> latest_cp;
  auto check_cp = [&](const StoredCheckpoint& cp) {
    ++report.checkpoints;
    std::string name = "checkpoint at size " + std::to_string(cp.size);
    SignedCheckpoint sc;
    std::string why = CheckCheckpointNote(cp.note, origin, keyring, &sc);
    if (!why.empty()) {
      problem(std::nullopt, name + ": " + why);
    } else if (sc.checkpoint.size != cp.size) {
      problem(std::nullopt, name + ": the signed note is for size " +
                                std::to_string(sc.checkpoint.size) + " (the row was altered)");
    } else if (sc.checkpoint.root != cp.root) {
      problem(std::nullopt, name + ": the stored root differs from the signed note's root " +
                                DigestHex(sc.checkpoint.root).substr(0, 16) +
                                " (the row was altered)");
    }
    // The signed root is the one that counts; the row's copy is checked
    // against it above.
    const merkle::Hash& root = why.empty() ? sc.checkpoint.root : cp.root;
    if (tree_intact && cp.size == range.size() && root != range.Root()) {
      if (first_bad_leaf) {
        ++consequent_checkpoints;
      } else {
        problem(std::nullopt, name + ": signed root " + DigestHex(root).substr(0, 16) +
                                " does not match the root recomputed from entries 0.." +
                                std::to_string(cp.size - 1) +
                                " (entries were changed, removed or reordered)");
      }
    }
    latest_cp = cp;
  };
  // Checks every checkpoint whose size is the current tree size.
  auto check_cps_here = [&]() -> Status {
    for (;;) {
      CUSTODY_ASSIGN_OR_RETURN(const StoredCheckpoint* cp, peek_cp());
      if (cp == nullptr || cp->size > range.size()) return Status::OK();
      check_cp(*cp);
      ++cp_pos;
    }
  };
  merkle::Hash last_seen_root{};
  bool last_seen_checked = false;
  auto check_last_seen_here = [&]() {
    if (last_seen && !last_seen_checked && last_seen->checkpoint.size == range.size()) {
      last_seen_checked = true;
      last_seen_root = range.Root();
      if (tree_intact && last_seen_root != last_seen->checkpoint.root) {
        problem(std::nullopt,
                "the log no longer extends the checkpoint verified earlier (size " +
                    std::to_string(last_seen->checkpoint.size) +
                    "): history before it was rewritten");
      }
    }
  };
  CUSTODY_RETURN_IF_ERROR(check_cps_here());  // a size-0 checkpoint, if any
  check_last_seen_here();

  unsigned threads = opt.threads > 0 ? static_cast<unsigned>(opt.threads)
                                     : std::max(1u, std::thread::hardware_concurrency());
  std::vector<StoredEntry> chunk;
  chunk.reserve(kVerifyChunk);
  std::vector<EntryCheck> checks;

  auto process = [&]() -> Status {
    checks.assign(chunk.size(), EntryCheck{});
    // Signature checks dominate the cost; split them across cores.
    unsigned n = std::min<unsigned>(threads, static_cast<unsigned>(chunk.size()));
    if (n <= 1) {
      for (size_t i = 0; i < chunk.size(); ++i) checks[i] = CheckEntry(chunk[i], keyring);
    } else {
      std::vector<std::thread> workers;
      for (unsigned t = 0; t < n; ++t) {
        workers.emplace_back([&, t] {
          for (size_t i = t; i < chunk.size(); i += n) checks[i] = CheckEntry(chunk[i], keyring);
        });
      }
      for (auto& w : workers) w.join();
    }
    std::vector<merkle::NodeRef> completed;
    for (size_t i = 0; i < chunk.size(); ++i) {
      const StoredEntry& e = chunk[i];
      const EntryCheck& c = checks[i];
      if (e.index != expected) {
        if (e.index > expected) {
          problem(expected, e.index - expected == 1
                                ? EntryName(expected) + " is missing (deleted from the log)"
                                : "entries " + std::to_string(expected) + ".." +
                                      std::to_string(e.index - 1) +
                                      " are missing (deleted from the log)");
        }
        tree_intact = false;
        expected = e.index;
      }
      for (const auto& p : c.problems) problem(e.index, EntryName(e.index) + ": " + p);
      report.signatures += c.signatures;
      if (tree_intact) {
        auto stored = store_->GetNode(0, e.index);
        if (!stored.ok() || *stored != c.leaf) {
          if (!first_bad_leaf) first_bad_leaf = e.index;
          problem(e.index, EntryName(e.index) +
                               ": envelope does not match the leaf hash in the tree (it was "
                               "changed, replaced or moved)");
        }
        completed.clear();
        range.Append(c.leaf, &completed);
        for (const auto& node : completed) {
          if (node.level == 0) continue;
          auto s = store_->GetNode(node.level, node.index);
          if ((!s.ok() || *s != node.hash) && first_bad_leaf) {
            ++consequent_nodes;
          } else if (!s.ok() || *s != node.hash) {
            problem(std::nullopt, "tree node " + std::to_string(node.level) + "/" +
                                      std::to_string(node.index) +
                                      " does not match the entries beneath it");
          }
        }
        CUSTODY_RETURN_IF_ERROR(check_cps_here());
        check_last_seen_here();
      }
      ++expected;
      ++report.entries;
    }
    if (opt.progress) opt.progress(report.entries, total);
    chunk.clear();
    return Status::OK();
  };

  CUSTODY_RETURN_IF_ERROR(store_->ScanEntries(0, UINT64_MAX, [&](const StoredEntry& e) {
    chunk.push_back(e);
    if (chunk.size() == kVerifyChunk) return process();
    return Status::OK();
  }));
  if (!chunk.empty()) CUSTODY_RETURN_IF_ERROR(process());

  // Whatever checkpoints remain claim more entries than the log holds.
  for (;;) {
    CUSTODY_ASSIGN_OR_RETURN(const StoredCheckpoint* cp, peek_cp());
    if (cp == nullptr) break;
    if (tree_intact) {
      problem(std::nullopt, "checkpoint at size " + std::to_string(cp->size) +
                                " covers more entries than the log holds (" +
                                std::to_string(expected) + "): entries were removed from the end");
    }
    check_cp(*cp);
    ++cp_pos;
  }

  if (consequent_checkpoints + consequent_nodes > 0) {
    problem(std::nullopt, "because of the change at entry " + std::to_string(*first_bad_leaf) +
                              ", " + std::to_string(consequent_checkpoints) +
                              " signed checkpoints and " + std::to_string(consequent_nodes) +
                              " tree nodes above it no longer match");
  }
  if (tree_intact) {
    report.root = range.Root();
    CUSTODY_ASSIGN_OR_RETURN(TreeState st, store_->GetTreeState());
    if ((st.size != range.size() || st.hashes != range.hashes()) && !first_bad_leaf) {
      problem(std::nullopt, "stored tree head (size " + std::to_string(st.size) +
                                ") does not match the tree recomputed from the entries");
    }
    if (range.size() > 0 && (!latest_cp || latest_cp->size < range.size())) {
      uint64_t from = latest_cp ? latest_cp->size : 0;
      problem(from, "entries " + std::to_string(from) + ".." + std::to_string(range.size() - 1) +
                        " are not covered by any signed checkpoint (added outside custody)");
    }
  }
  if (latest_cp) report.latest_checkpoint = latest_cp->note;

  if (last_seen && !last_seen_checked && tree_intact) {
    problem(std::nullopt, "the log has " + std::to_string(range.size()) +
                              " entries but a checkpoint verified earlier had " +
                              std::to_string(last_seen->checkpoint.size) +
                              ": entries were removed");
  } else if (last_seen && tree_intact && report.problems.empty()) {
    // Also check the stored nodes prove consistency, as a client holding
    // only the old checkpoint would.
    auto proof = merkle::ConsistencyProof(*store_, last_seen->checkpoint.size, range.size());
    Status s = proof.ok() ? merkle::VerifyConsistency(last_seen->checkpoint.size, range.size(),
                                                      last_seen->checkpoint.root, range.Root(),
                                                      *proof)
                          : proof.status();
    if (!s.ok()) problem(std::nullopt, "consistency proof from the earlier checkpoint: " + s.message());
  }
  return report;
}

}  // namespace custody
