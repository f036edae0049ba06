#include "custody/ledger.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/test_util.h"
#include "custody/dsse.h"
#include "custody/encoding.h"
#include "custody/predicates.h"
#include "custody/sqlite_store.h"

namespace custody {
namespace {

// Forwards to a real store, letting a test rewrite what scans return (the
// view an attacker with write access to the database file would create).
class TamperingStore : public Store {
 public:
  explicit TamperingStore(Store* base) : base_(base) {}
  std::function<bool(StoredEntry&)> edit;  // return false to drop the entry
  std::function<void(std::vector<StoredCheckpoint>&)> edit_checkpoints;
  std::function<Status(int, uint64_t, merkle::Hash&)> edit_node;

  Result<std::unique_ptr<WriteTxn>> BeginWrite() override { return base_->BeginWrite(); }
  Result<std::optional<std::string>> GetMeta(const std::string& k) override {
    return base_->GetMeta(k);
  }
  Status SetMeta(const std::string& k, const std::string& v) override { return base_->SetMeta(k, v); }
  Result<uint64_t> EntryCount() override { return base_->EntryCount(); }
  Result<TreeState> GetTreeState() override { return base_->GetTreeState(); }
  Result<merkle::Hash> GetNode(int level, uint64_t index) override {
    auto h = base_->GetNode(level, index);
    if (h.ok() && edit_node) CUSTODY_RETURN_IF_ERROR(edit_node(level, index, *h));
    return h;
  }
  Result<StoredEntry> GetEntry(uint64_t i) override { return base_->GetEntry(i); }
  Result<StoredEntry> FindEntry(const std::string& p) override { return base_->FindEntry(p); }
  Status ScanEntries(uint64_t b, uint64_t e,
                     const std::function<Status(const StoredEntry&)>& fn) override {
    return base_->ScanEntries(b, e, [&](const StoredEntry& in) {
      StoredEntry copy = in;
      if (edit && !edit(copy)) return Status::OK();
      return fn(copy);
    });
  }
  Result<std::vector<StoredEntry>> Query(const EntryQuery& q) override { return base_->Query(q); }
  Result<std::vector<StoredCheckpoint>> ListCheckpoints(uint64_t m, uint64_t l) override {
    auto r = base_->ListCheckpoints(m, l);
    if (r.ok() && edit_checkpoints) edit_checkpoints(*r);
    return r;
  }
  Result<std::optional<StoredCheckpoint>> LatestCheckpoint() override {
    return base_->LatestCheckpoint();
  }
  Result<StoredPrompt> GetPrompt(const std::string& r) override { return base_->GetPrompt(r); }
  Status ErasePrompt(const std::string& r) override { return base_->ErasePrompt(r); }

 private:
  Store* base_;
};

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenSqliteStore(":memory:", {.create = true});
    ASSERT_OK(s);
    store_ = std::move(s).value();
    ASSERT_OK(Ledger::EnsureOrigin(*store_, "custody/test"));
    auto k = PrivateKey::Generate();
    ASSERT_OK(k);
    key_ = std::make_unique<PrivateKey>(std::move(k).value());
    ASSERT_OK(keyring_.Add({"alice", Role::kDeveloper, key_->public_key(), "", ""}));
  }

  std::string Envelope(int n, const PrivateKey* key = nullptr) {
    GenerationRecord r;
    r.agent = "claude-code";
    r.model = "m";
    r.method = "manual";
    r.files = {{"f" + std::to_string(n) + ".cc", Sha256Hex(std::to_string(n))}};
    auto env = SignEnvelope(kInTotoPayloadType, SerializeStatement(MakeGenerationStatement(r, "")),
                            key ? *key : *key_);
    EXPECT_OK(env);
    return SerializeEnvelope(*env);
  }

  void AppendN(Ledger& ledger, int n, int batch = 1) {
    for (int i = 0; i < n; i += batch) {
      std::vector<std::string> envs;
      for (int j = i; j < std::min(n, i + batch); ++j) envs.push_back(Envelope(j));
      ASSERT_OK(ledger.Append(envs, {"alice", key_.get()}, 1000 + i));
    }
  }

  VerifyReport VerifyWith(Store* store, VerifyOptions opt = {}) {
    Ledger l(store);
    auto r = l.Verify(keyring_, opt);
    EXPECT_OK(r);
    return r.ok() ? *r : VerifyReport{};
  }

  static bool Mentions(const VerifyReport& r, const std::string& text) {
    for (const auto& p : r.problems) {
      if (p.message.find(text) != std::string::npos) return true;
    }
    return false;
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<PrivateKey> key_;
  Keyring keyring_;
};

TEST_F(LedgerTest, UntouchedLedgerVerifies) {
  Ledger ledger(store_.get());
  AppendN(ledger, 37, 5);
  VerifyReport r = VerifyWith(store_.get());
  EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems[0].message);
  EXPECT_EQ(r.entries, 37u);
  EXPECT_EQ(r.signatures, 37u);
  EXPECT_EQ(r.checkpoints, 8u);
  auto root = merkle::RootAt(*store_, 37);
  ASSERT_OK(root);
  EXPECT_EQ(r.root, *root);
}

TEST_F(LedgerTest, AppendAssignsConsecutiveIndicesAndIds) {
  Ledger ledger(store_.get());
  std::string e0 = Envelope(0), e1 = Envelope(1);
  auto out = ledger.Append({e0, e1}, {"alice", key_.get()}, 5);
  ASSERT_OK(out);
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].index, 0u);
  EXPECT_EQ((*out)[1].index, 1u);
  EXPECT_EQ((*out)[1].id, Sha256Hex(e1));
  auto stored = store_->GetEntry(1);
  ASSERT_OK(stored);
  EXPECT_EQ(stored->kind, "generation");
  EXPECT_EQ(stored->files, std::vector<std::string>{"f1.cc"});
  EXPECT_EQ(stored->signer, key_->public_key().key_id());
}

TEST_F(LedgerTest, BadEnvelopeRejectsTheWholeBatch) {
  Ledger ledger(store_.get());
  auto out = ledger.Append({Envelope(0), "{\"payload\":"}, {"alice", key_.get()}, 5);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("envelope 2 of 2"), std::string::npos);
  EXPECT_EQ(*store_->EntryCount(), 0u);
}

TEST_F(LedgerTest, NonInTotoPayloadIsRejected) {
  Ledger ledger(store_.get());
  auto env = SignEnvelope("text/plain", "hello", *key_);
  ASSERT_OK(env);
  auto out = ledger.Append({SerializeEnvelope(*env)}, {"alice", key_.get()}, 5);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("payloadType"), std::string::npos);
}

TEST_F(LedgerTest, FlippedByteIsNamed) {
  Ledger ledger(store_.get());
  AppendN(ledger, 10);
  TamperingStore t(store_.get());
  t.edit = [](StoredEntry& e) {
    if (e.index == 4) e.envelope[20] ^= 0x01;
    return true;
  };
  VerifyReport r = VerifyWith(&t);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Mentions(r, "entry 4: "));
  EXPECT_FALSE(Mentions(r, "entry 3: "));
}

TEST_F(LedgerTest, DeletedEntryIsNamed) {
  Ledger ledger(store_.get());
  AppendN(ledger, 10);
  TamperingStore t(store_.get());
  t.edit = [](StoredEntry& e) { return e.index != 6; };
  VerifyReport r = VerifyWith(&t);
  EXPECT_TRUE(Mentions(r, "entry 6 is missing"));
}

TEST_F(LedgerTest, ReorderedEntriesAreNamed) {
  Ledger ledger(store_.get());
  AppendN(ledger, 10);
  auto e2 = store_->GetEntry(2), e3 = store_->GetEntry(3);
  ASSERT_OK(e2);
  ASSERT_OK(e3);
  TamperingStore t(store_.get());
  t.edit = [&](StoredEntry& e) {
    if (e.index == 2) e.envelope = e3->envelope, e.id = e3->id;
    else if (e.index == 3) e.envelope = e2->envelope, e.id = e2->id;
    return true;
  };
  VerifyReport r = VerifyWith(&t);
  EXPECT_TRUE(Mentions(r, "entry 2: envelope does not match the leaf hash"));
  EXPECT_TRUE(Mentions(r, "entry 3: envelope does not match the leaf hash"));
}

TEST_F(LedgerTest, ReplacedSignatureIsNamed) {
  Ledger ledger(store_.get());
  AppendN(ledger, 4);
  auto e1 = store_->GetEntry(1);
  ASSERT_OK(e1);
  auto other = ParseEnvelope(e1->envelope);
  ASSERT_OK(other);
  TamperingStore t(store_.get());
  t.edit = [&](StoredEntry& e) {
    if (e.index == 2) {
      auto env = ParseEnvelope(e.envelope);
      env->signatures[0].sig = other->signatures[0].sig;
      e.envelope = SerializeEnvelope(*env);
      e.id = Sha256Hex(e.envelope);
    }
    return true;
  };
  VerifyReport r = VerifyWith(&t);
  EXPECT_TRUE(Mentions(r, "entry 2: ")) << r.problems[0].message;
  EXPECT_TRUE(Mentions(r, "does not verify"));
}

TEST_F(LedgerTest, UntrustedSignerIsNamed) {
  Ledger ledger(store_.get());
  AppendN(ledger, 2);
  auto mallory = PrivateKey::Generate();
  ASSERT_OK(mallory);
  ASSERT_OK(ledger.Append({Envelope(9, &*mallory)}, {"alice", key_.get()}, 5));
  VerifyReport r = VerifyWith(store_.get());
  EXPECT_EQ(r.problems.size(), 1u);
  EXPECT_TRUE(Mentions(r, "entry 2: "));
  EXPECT_TRUE(Mentions(r, "trusted"));
}

TEST_F(LedgerTest, AlteredIndexColumnsAreNamed) {
  Ledger ledger(store_.get());
  AppendN(ledger, 3);
  TamperingStore t(store_.get());
  t.edit = [](StoredEntry& e) {
    if (e.index == 1) e.commits = {std::string(40, 'd')};
    if (e.index == 2) e.files = {"other.cc"};
    return true;
  };
  VerifyReport r = VerifyWith(&t);
  EXPECT_TRUE(Mentions(r, "entry 1: stored index (commits)"));
  EXPECT_TRUE(Mentions(r, "entry 2: stored index (files)"));
  EXPECT_EQ(r.problems.size(), 2u);
}

TEST_F(LedgerTest, CheckpointByUnknownKeyIsRejected) {
  Ledger ledger(store_.get());
  auto mallory = PrivateKey::Generate();
  ASSERT_OK(mallory);
  ASSERT_OK(ledger.Append({Envelope(0)}, {"mallory", &*mallory}, 5));
  VerifyReport r = VerifyWith(store_.get());
  EXPECT_TRUE(Mentions(r, "checkpoint at size 1: no signature by a trusted key"));
}

TEST_F(LedgerTest, RewrittenNodesAreCaught) {
  Ledger ledger(store_.get());
  AppendN(ledger, 8);
  TamperingStore t(store_.get());
  t.edit_node = [](int level, uint64_t index, merkle::Hash& h) {
    if (level == 1 && index == 2) h[0] ^= 1;
    return Status::OK();
  };
  VerifyReport r = VerifyWith(&t);
  EXPECT_TRUE(Mentions(r, "tree node 1/2"));
}

TEST_F(LedgerTest, TruncatedLogIsCaughtByLastSeenCheckpoint) {
  Ledger ledger(store_.get());
  AppendN(ledger, 6);
  VerifyReport first = VerifyWith(store_.get());
  ASSERT_TRUE(first.ok());
  TamperingStore t(store_.get());
  t.edit = [](StoredEntry& e) { return e.index < 4; };
  t.edit_checkpoints = [](std::vector<StoredCheckpoint>& cps) {
    std::erase_if(cps, [](const StoredCheckpoint& c) { return c.size > 4; });
  };
  VerifyReport r = VerifyWith(&t, {.last_seen_checkpoint = first.latest_checkpoint});
  EXPECT_TRUE(Mentions(r, "entries were removed")) << (r.problems.empty() ? "ok" : r.problems[0].message);
}

TEST_F(LedgerTest, LastSeenCheckpointMustBeExtended) {
  Ledger ledger(store_.get());
  AppendN(ledger, 3);
  VerifyReport first = VerifyWith(store_.get());
  AppendN(ledger, 5);
  VerifyReport ok = VerifyWith(store_.get(), {.last_seen_checkpoint = first.latest_checkpoint});
  EXPECT_TRUE(ok.ok()) << (ok.problems.empty() ? "" : ok.problems[0].message);

  // A forked history: same size, different entries, validly re-signed.
  auto other = OpenSqliteStore(":memory:", {.create = true});
  ASSERT_OK(other);
  ASSERT_OK(Ledger::EnsureOrigin(**other, "custody/test"));
  Ledger fork(other->get());
  ASSERT_OK(fork.Append({Envelope(100), Envelope(101), Envelope(102)}, {"alice", key_.get()}, 1));
  VerifyReport r = VerifyWith(other->get(), {.last_seen_checkpoint = first.latest_checkpoint});
  EXPECT_TRUE(Mentions(r, "no longer extends the checkpoint verified earlier"));
}

// A failure anywhere inside an append leaves nothing behind.
class FailingTxnStore : public TamperingStore {
 public:
  using TamperingStore::TamperingStore;
  Result<std::unique_ptr<WriteTxn>> BeginWrite() override {
    CUSTODY_ASSIGN_OR_RETURN(auto txn, TamperingStore::BeginWrite());
    return std::unique_ptr<WriteTxn>(new FailingTxn(std::move(txn)));
  }

 private:
  class FailingTxn : public WriteTxn {
   public:
    explicit FailingTxn(std::unique_ptr<WriteTxn> t) : t_(std::move(t)) {}
    Result<merkle::Hash> GetNode(int l, uint64_t i) override { return t_->GetNode(l, i); }
    Result<TreeState> GetTreeState() override { return t_->GetTreeState(); }
    Status PutEntry(const StoredEntry& e) override { return t_->PutEntry(e); }
    Status PutNodes(const std::vector<merkle::NodeRef>& n) override { return t_->PutNodes(n); }
    Status PutTreeState(const TreeState& s) override { return t_->PutTreeState(s); }
    Status PutCheckpoint(const StoredCheckpoint&) override {
      return Status::IOError("ledger.db", "disk full (injected)");
    }
    Status PutPrompt(const StoredPrompt& p) override { return t_->PutPrompt(p); }
    Status Commit() override { return t_->Commit(); }

   private:
    std::unique_ptr<WriteTxn> t_;
  };
};

TEST_F(LedgerTest, FailedAppendLeavesNoTrace) {
  Ledger ledger(store_.get());
  AppendN(ledger, 3);
  FailingTxnStore failing(store_.get());
  Ledger broken(&failing);
  auto r = broken.Append({Envelope(7)}, {"alice", key_.get()}, 5);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kIOError);
  EXPECT_EQ(*store_->EntryCount(), 3u);
  EXPECT_TRUE(VerifyWith(store_.get()).ok());
  AppendN(ledger, 2);
  EXPECT_TRUE(VerifyWith(store_.get()).ok());
}

TEST_F(LedgerTest, ProofsVerifyForEveryEntry) {
  Ledger ledger(store_.get());
  AppendN(ledger, 21, 4);
  for (uint64_t i = 0; i < 21; ++i) {
    auto p = ledger.Prove(i);
    ASSERT_OK(p);
    EXPECT_EQ(p->tree_size, 21u);
    EXPECT_OK(merkle::VerifyInclusion(i, 21, p->leaf_hash, p->path, p->root));
  }
  EXPECT_EQ(ledger.Prove(21).status().code(), Code::kNotFound);
}

TEST_F(LedgerTest, PromptsAreStoredWithTheBatch) {
  Ledger ledger(store_.get());
  StoredPrompt p{"ref1", "salt", "k", "n", "c", 1};
  ASSERT_OK(ledger.Append({Envelope(0)}, {"alice", key_.get()}, 5, {p}));
  auto got = store_->GetPrompt("ref1");
  ASSERT_OK(got);
  EXPECT_EQ(got->ciphertext, "c");
}

}  // namespace
}  // namespace custody
