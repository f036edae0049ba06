#include "custody/sqlite_store.h"

#include <gtest/gtest.h>

#include "common/test_util.h"
#include "custody/env.h"
#include "custody/hash.h"

namespace custody {
namespace {

StoredEntry MakeEntry(uint64_t idx, std::string kind, std::vector<std::string> files = {},
                      std::vector<std::string> commits = {}) {
  StoredEntry e;
  e.index = idx;
  e.envelope = "{\"n\":" + std::to_string(idx) + "}";
  e.id = Sha256Hex(e.envelope);
  e.kind = std::move(kind);
  e.predicate_type = "https://custody.dev/attestation/" + e.kind + "/v0.1";
  e.recorded_at = 1000 + static_cast<int64_t>(idx);
  e.signer = "k";
  e.files = std::move(files);
  e.commits = std::move(commits);
  return e;
}

std::unique_ptr<Store> MemStore() {
  auto s = OpenSqliteStore(":memory:", {.create = true});
  EXPECT_OK(s);
  return std::move(s).value();
}

TEST(SqliteStoreTest, CommitMakesEntriesVisible) {
  auto store = MemStore();
  {
    auto txn = store->BeginWrite();
    ASSERT_OK(txn);
    ASSERT_OK((*txn)->PutEntry(MakeEntry(0, "generation", {"a.cc"})));
    ASSERT_OK((*txn)->PutEntry(MakeEntry(1, "attribution", {}, {"abcdef0123"})));
    ASSERT_OK((*txn)->PutTreeState({2, {Sha256("x")}}));
    ASSERT_OK((*txn)->Commit());
  }
  EXPECT_EQ(*store->EntryCount(), 2u);
  auto e = store->GetEntry(0);
  ASSERT_OK(e);
  EXPECT_EQ(e->kind, "generation");
  EXPECT_EQ(e->files, std::vector<std::string>{"a.cc"});
  auto st = store->GetTreeState();
  ASSERT_OK(st);
  EXPECT_EQ(st->size, 2u);
  ASSERT_EQ(st->hashes.size(), 1u);
  EXPECT_EQ(st->hashes[0], Sha256("x"));
}

TEST(SqliteStoreTest, DroppedTransactionRollsBack) {
  auto store = MemStore();
  {
    auto txn = store->BeginWrite();
    ASSERT_OK(txn);
    ASSERT_OK((*txn)->PutEntry(MakeEntry(0, "generation")));
  }
  EXPECT_EQ(*store->EntryCount(), 0u);
}

TEST(SqliteStoreTest, QueryFilters) {
  auto store = MemStore();
  auto txn = store->BeginWrite();
  ASSERT_OK(txn);
  ASSERT_OK((*txn)->PutEntry(MakeEntry(0, "generation", {"a.cc"})));
  ASSERT_OK((*txn)->PutEntry(MakeEntry(1, "generation", {"b.cc"})));
  ASSERT_OK((*txn)->PutEntry(MakeEntry(2, "attribution", {}, {"abcdef0123"})));
  ASSERT_OK((*txn)->Commit());

  auto gens = store->Query({.kind = "generation"});
  ASSERT_OK(gens);
  EXPECT_EQ(gens->size(), 2u);
  auto late = store->Query({.since = 1001});
  ASSERT_OK(late);
  EXPECT_EQ(late->size(), 2u);
  auto by_commit = store->Query({.commit = "abcdef"});
  ASSERT_OK(by_commit);
  ASSERT_EQ(by_commit->size(), 1u);
  EXPECT_EQ((*by_commit)[0].index, 2u);
  auto by_file = store->Query({.file = "b.cc"});
  ASSERT_OK(by_file);
  ASSERT_EQ(by_file->size(), 1u);
  EXPECT_EQ((*by_file)[0].index, 1u);
}

TEST(SqliteStoreTest, FindEntryByPrefix) {
  auto store = MemStore();
  auto txn = store->BeginWrite();
  ASSERT_OK(txn);
  StoredEntry e = MakeEntry(0, "generation");
  ASSERT_OK((*txn)->PutEntry(e));
  ASSERT_OK((*txn)->Commit());
  auto f = store->FindEntry(e.id.substr(0, 8));
  ASSERT_OK(f);
  EXPECT_EQ(f->index, 0u);
  EXPECT_EQ(store->FindEntry("0000").status().code(), Code::kNotFound);
  EXPECT_EQ(store->FindEntry("xyz!").status().code(), Code::kInvalidArgument);
}

TEST(SqliteStoreTest, ScanIsChunkedAndOrdered) {
  auto store = MemStore();
  auto txn = store->BeginWrite();
  ASSERT_OK(txn);
  for (uint64_t i = 0; i < 5000; ++i) ASSERT_OK((*txn)->PutEntry(MakeEntry(i, "generation")));
  ASSERT_OK((*txn)->Commit());
  uint64_t next = 0;
  ASSERT_OK(store->ScanEntries(0, UINT64_MAX, [&](const StoredEntry& e) {
    EXPECT_EQ(e.index, next);
    ++next;
    return Status::OK();
  }));
  EXPECT_EQ(next, 5000u);
}

TEST(SqliteStoreTest, PromptsCanBeErased) {
  auto store = MemStore();
  auto txn = store->BeginWrite();
  ASSERT_OK(txn);
  ASSERT_OK((*txn)->PutPrompt({"r1", "salt", "key", "nonce", "ct", 5}));
  ASSERT_OK((*txn)->Commit());
  ASSERT_OK(store->ErasePrompt("r1"));
  auto p = store->GetPrompt("r1");
  ASSERT_OK(p);
  EXPECT_EQ(p->salt, "salt");
  EXPECT_TRUE(p->key.empty());
  EXPECT_TRUE(p->ciphertext.empty());
}

// Real files: a damaged database must be reported, named and left alone.
TEST(SqliteStoreTest, NotADatabaseIsCorruption) {
  testing::ScopedTempDir dir;
  std::string path = JoinPath(dir.path(), "ledger.db");
  std::string junk(4096, 'x');
  ASSERT_OK(Env::Default()->WriteFileAtomic(path, junk));
  auto s = OpenSqliteStore(path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kCorruption);
  EXPECT_NE(s.status().message().find(path), std::string::npos);
  EXPECT_EQ(*Env::Default()->ReadFile(path), junk);
}

TEST(SqliteStoreTest, MissingWithoutCreateIsNotFound) {
  testing::ScopedTempDir dir;
  auto s = OpenSqliteStore(JoinPath(dir.path(), "nope.db"));
  EXPECT_EQ(s.status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace custody
