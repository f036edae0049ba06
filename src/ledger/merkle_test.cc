#include "custody/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/test_util.h"
#include "custody/encoding.h"
#include "custody/hash.h"

namespace custody::merkle {
namespace {

Hash H(std::string_view hex) {
  Result<std::string> bytes = HexDecode(hex);
  Hash h{};
  if (bytes.ok() && bytes->size() == h.size()) std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

std::vector<Hash> Hs(std::initializer_list<std::string_view> hexes) {
  std::vector<Hash> out;
  for (std::string_view hex : hexes) out.push_back(H(hex));
  return out;
}

// ---------------------------------------------------------------------------
// Reference vectors. Leaves, roots and proofs are the RFC 6962 vectors of
// Certificate Transparency, as carried in transparency-dev/merkle
// proof/verify_test.go (variables `leaves`, `roots`, `inclusionProofs` and
// `consistencyProofs`; the roots also appear in google/certificate-transparency
// cpp/merkletree/merkle_tree_test.cc). Leaf numbers there are 1-based.
// ---------------------------------------------------------------------------
const std::vector<std::string> kLeaves = {
    std::string(""),
    std::string("\x00", 1),
    std::string("\x10"),
    std::string("\x20\x21"),
    std::string("\x30\x31"),
    std::string("\x40\x41\x42\x43"),
    std::string("\x50\x51\x52\x53\x54\x55\x56\x57"),
    std::string("\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"),
};

// MTH(D[0:n]) for n = 1..8.
const std::vector<Hash> kRoots = Hs({
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
});

struct InclusionVector {
  uint64_t index;  // 0-based here
  uint64_t size;
  std::vector<Hash> proof;
};

const std::vector<InclusionVector> kInclusionVectors = {
    {0, 1, {}},
    {0, 8,
     Hs({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
         "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
         "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
    {5, 8,
     Hs({"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
         "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
    {2, 3, Hs({"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"})},
    {1, 5,
     Hs({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
         "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
         "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
};

struct ConsistencyVector {
  uint64_t old_size;
  uint64_t new_size;
  std::vector<Hash> proof;
};

const std::vector<ConsistencyVector> kConsistencyVectors = {
    {1, 1, {}},
    {1, 8,
     Hs({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
         "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
         "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
    {6, 8,
     Hs({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
         "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
    {2, 5,
     Hs({"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
         "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
    {6, 7,
     Hs({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
         "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
};

MemNodeStore ReferenceStore() {
  MemNodeStore store;
  for (const std::string& leaf : kLeaves) store.AppendLeafHash(HashLeaf(leaf));
  return store;
}

TEST(MerkleTest, HashPrimitivesMatchRfc6962) {
  EXPECT_EQ(DigestHex(EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // A one-leaf tree's root is its leaf hash.
  EXPECT_EQ(HashLeaf(kLeaves[0]), kRoots[0]);
  EXPECT_EQ(HashChildren(HashLeaf(kLeaves[0]), HashLeaf(kLeaves[1])), kRoots[1]);
  // Domain separation: a leaf and an interior node over the same bytes differ.
  Hash a = HashLeaf("a");
  EXPECT_NE(HashLeaf(DigestBytes(a) + DigestBytes(a)), HashChildren(a, a));
  // Large entries take the same path as small ones.
  std::string big(100000, 'x');
  EXPECT_EQ(HashLeaf(big), Sha256(std::string(1, '\0') + big));
}

TEST(MerkleTest, ReferenceRoots) {
  MemNodeStore store;
  CompactRange range;
  ASSERT_EQ(RootAt(store, 0).value(), EmptyRoot());
  EXPECT_EQ(range.Root(), EmptyRoot());
  for (size_t n = 1; n <= kLeaves.size(); ++n) {
    store.AppendLeafHash(HashLeaf(kLeaves[n - 1]));
    range.Append(HashLeaf(kLeaves[n - 1]));
    EXPECT_EQ(range.Root(), kRoots[n - 1]) << "size " << n;
  }
  for (size_t n = 1; n <= kLeaves.size(); ++n) {
    Result<Hash> root = RootAt(store, n);
    ASSERT_OK(root);
    EXPECT_EQ(*root, kRoots[n - 1]) << "size " << n;
  }
}

TEST(MerkleTest, ReferenceInclusionProofs) {
  MemNodeStore store = ReferenceStore();
  for (const InclusionVector& v : kInclusionVectors) {
    SCOPED_TRACE("index " + std::to_string(v.index) + " size " + std::to_string(v.size));
    Result<std::vector<Hash>> proof = InclusionProof(store, v.index, v.size);
    ASSERT_OK(proof);
    EXPECT_EQ(*proof, v.proof);
    EXPECT_OK(
        VerifyInclusion(v.index, v.size, HashLeaf(kLeaves[v.index]), v.proof, kRoots[v.size - 1]));
  }
}

TEST(MerkleTest, ReferenceConsistencyProofs) {
  MemNodeStore store = ReferenceStore();
  for (const ConsistencyVector& v : kConsistencyVectors) {
    SCOPED_TRACE("sizes " + std::to_string(v.old_size) + " -> " + std::to_string(v.new_size));
    Result<std::vector<Hash>> proof = ConsistencyProof(store, v.old_size, v.new_size);
    ASSERT_OK(proof);
    EXPECT_EQ(*proof, v.proof);
    EXPECT_OK(VerifyConsistency(v.old_size, v.new_size, kRoots[v.old_size - 1],
                                kRoots[v.new_size - 1], v.proof));
  }
}

// The edge cases of transparency-dev/merkle proof/verify_test.go
// TestVerifyConsistency, adapted where custody is stricter: from size 0 the
// old root must be the empty-tree hash.
TEST(MerkleTest, ConsistencyEdgeCases) {
  const Hash root1 = Sha256("don't care 1");
  const Hash root2 = Sha256("don't care 2");
  const Hash empty = EmptyRoot();
  const std::vector<Hash> none;
  const std::vector<Hash> one = {empty};
  EXPECT_FALSE(VerifyConsistency(0, 0, root1, root2, none).ok());
  EXPECT_FALSE(VerifyConsistency(1, 1, root1, root2, none).ok());
  EXPECT_OK(VerifyConsistency(0, 0, empty, empty, none));
  EXPECT_OK(VerifyConsistency(0, 1, empty, root2, none));
  EXPECT_FALSE(VerifyConsistency(0, 1, root1, root2, none).ok());  // custody: old root checked
  EXPECT_OK(VerifyConsistency(1, 1, root2, root2, none));
  EXPECT_EQ(VerifyConsistency(1, 0, root1, root2, none).code(), Code::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(2, 1, root1, root2, none).code(), Code::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(1, 2, root1, root2, none).code(), Code::kCorruption);
  EXPECT_FALSE(VerifyConsistency(0, 0, empty, root2, none).ok());
  EXPECT_FALSE(VerifyConsistency(1, 1, empty, root2, none).ok());
  EXPECT_FALSE(VerifyConsistency(0, 0, empty, empty, one).ok());
  EXPECT_FALSE(VerifyConsistency(0, 1, empty, empty, one).ok());
  EXPECT_FALSE(VerifyConsistency(1, 1, empty, empty, one).ok());
}

TEST(MerkleTest, InclusionEdgeCases) {
  const Hash leaf = HashLeaf("data");
  EXPECT_OK(VerifyInclusion(0, 1, leaf, {}, leaf));
  EXPECT_FALSE(VerifyInclusion(0, 1, leaf, {}, EmptyRoot()).ok());
  EXPECT_FALSE(VerifyInclusion(0, 1, EmptyRoot(), {}, leaf).ok());
  EXPECT_FALSE(VerifyInclusion(0, 1, leaf, {leaf}, leaf).ok());  // extra hash
  for (auto [index, size] : {std::pair<uint64_t, uint64_t>{0, 0}, {1, 0}, {2, 1}, {8, 7}}) {
    Status s = VerifyInclusion(index, size, leaf, {}, EmptyRoot());
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << index << "/" << size;
  }
}

TEST(MerkleTest, ProofArgumentErrors) {
  MemNodeStore store = ReferenceStore();
  EXPECT_EQ(InclusionProof(store, 0, 0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(InclusionProof(store, 8, 8).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(store, 5, 4).status().code(), Code::kInvalidArgument);
  // Sizes beyond what the store holds surface the reader's NotFound.
  EXPECT_EQ(InclusionProof(store, 0, 9).status().code(), Code::kNotFound);
  EXPECT_EQ(ConsistencyProof(store, 3, 9).status().code(), Code::kNotFound);
  EXPECT_EQ(RootAt(store, 9).status().code(), Code::kNotFound);
  ASSERT_OK(ConsistencyProof(store, 0, 8));
  EXPECT_TRUE(ConsistencyProof(store, 0, 8)->empty());
  EXPECT_TRUE(ConsistencyProof(store, 8, 8)->empty());
}

TEST(MerkleTest, CompactRangeFromState) {
  CompactRange range;
  for (int i = 0; i < 13; ++i) range.Append(HashLeaf(std::to_string(i)));
  EXPECT_EQ(range.hashes().size(), 3u);  // 13 = 8 + 4 + 1
  Result<CompactRange> restored = CompactRange::FromState(range.size(), range.hashes());
  ASSERT_OK(restored);
  EXPECT_EQ(restored->Root(), range.Root());
  restored->Append(HashLeaf("13"));
  range.Append(HashLeaf("13"));
  EXPECT_EQ(restored->Root(), range.Root());

  EXPECT_EQ(CompactRange::FromState(13, {}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(CompactRange::FromState(0, {EmptyRoot()}).status().code(), Code::kInvalidArgument);
  ASSERT_OK(CompactRange::FromState(0, {}));
  EXPECT_EQ(CompactRange::FromState(0, {})->Root(), EmptyRoot());
}

// A NodeReader over the nodes CompactRange::Append reported, counting reads.
class RecordingReader : public NodeReader {
 public:
  Result<Hash> GetNode(int level, uint64_t index) override {
    ++reads;
    auto it = nodes.find({level, index});
    if (it == nodes.end()) return Status::NotFound("node", "missing");
    return it->second;
  }
  std::map<std::pair<int, uint64_t>, Hash> nodes;
  int reads = 0;
};

TEST(MerkleTest, CompactRangeReportsEveryPerfectNodeOnce) {
  CompactRange range;
  MemNodeStore store;
  RecordingReader recorded;
  std::vector<NodeRef> completed;
  constexpr uint64_t kSize = 1000;
  for (uint64_t i = 0; i < kSize; ++i) {
    const Hash leaf = HashLeaf("entry " + std::to_string(i));
    completed.clear();
    range.Append(leaf, &completed);
    store.AppendLeafHash(leaf);
    ASSERT_FALSE(completed.empty());
    EXPECT_EQ(completed[0].level, 0);
    EXPECT_EQ(completed[0].index, i);
    EXPECT_EQ(completed.size(), static_cast<size_t>(std::countr_zero(i + 1)) + 1);
    for (const NodeRef& ref : completed) {
      EXPECT_TRUE(recorded.nodes.emplace(std::make_pair(ref.level, ref.index), ref.hash).second)
          << "node reported twice";
    }
  }
  // Exactly the perfect nodes, with the hashes MemNodeStore computed.
  size_t expected = 0;
  for (int level = 0; (kSize >> level) > 0; ++level) expected += kSize >> level;
  EXPECT_EQ(recorded.nodes.size(), expected);
  for (const auto& [key, hash] : recorded.nodes) {
    Result<Hash> want = store.GetNode(key.first, key.second);
    ASSERT_OK(want);
    EXPECT_EQ(*want, hash);
  }
  Result<Hash> root = RootAt(recorded, kSize);
  ASSERT_OK(root);
  EXPECT_EQ(*root, range.Root());
}

TEST(MerkleTest, ProofsUseLogarithmicReads) {
  RecordingReader reader;
  CompactRange range;
  std::vector<NodeRef> completed;
  constexpr uint64_t kSize = 5000;
  for (uint64_t i = 0; i < kSize; ++i) range.Append(HashLeaf(std::to_string(i)), &completed);
  for (const NodeRef& ref : completed) reader.nodes[{ref.level, ref.index}] = ref.hash;
  int worst = 0;
  for (uint64_t size : {uint64_t{1}, uint64_t{2}, uint64_t{1023}, uint64_t{4097}, kSize}) {
    const int bits = std::bit_width(size);
    for (uint64_t index = 0; index < size; index += 1 + size / 97) {
      reader.reads = 0;
      ASSERT_OK(InclusionProof(reader, index, size));
      EXPECT_LE(reader.reads, 2 * bits);
      worst = std::max(worst, reader.reads);
      reader.reads = 0;
      ASSERT_OK(ConsistencyProof(reader, index + 1, size));
      EXPECT_LE(reader.reads, 2 * bits + 1);
    }
    reader.reads = 0;
    ASSERT_OK(RootAt(reader, size));
    EXPECT_EQ(reader.reads, std::popcount(size));
  }
  EXPECT_GT(worst, 0);
}

// ---------------------------------------------------------------------------
// Property tests against a naive implementation of the RFC 9162 definitions
// (§2.1.1 MTH, §2.1.3.1 PATH, §2.1.4.1 SUBPROOF), built on custody::Sha256 so
// that it shares no code with merkle.cc. MTH is memoised; that changes only
// the cost, not the definition.
// ---------------------------------------------------------------------------
class NaiveTree {
 public:
  explicit NaiveTree(uint64_t n) : memo_(n + 1, std::vector<std::optional<Hash>>(n + 1)) {
    for (uint64_t i = 0; i < n; ++i) {
      leaves_.push_back(Sha256(std::string(1, '\0') + "leaf #" + std::to_string(i)));
    }
  }
  const Hash& leaf(uint64_t i) const { return leaves_[i]; }

  static uint64_t Split(uint64_t n) {  // largest power of two < n
    uint64_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }
  static Hash Node(const Hash& l, const Hash& r) {
    return Sha256(std::string(1, '\x01') + DigestBytes(l) + DigestBytes(r));
  }

  // MTH(D[a:b]).
  Hash Mth(uint64_t a, uint64_t b) {
    if (a == b) return Sha256("");
    std::optional<Hash>& slot = memo_[a][b];
    if (!slot) {
      const uint64_t n = b - a;
      slot = n == 1 ? leaves_[a] : Node(Mth(a, a + Split(n)), Mth(a + Split(n), b));
    }
    return *slot;
  }
  // PATH(m, D[a:b]).
  std::vector<Hash> Path(uint64_t m, uint64_t a, uint64_t b) {
    const uint64_t n = b - a;
    if (n == 1) return {};
    const uint64_t k = Split(n);
    std::vector<Hash> out;
    if (m < k) {
      out = Path(m, a, a + k);
      out.push_back(Mth(a + k, b));
    } else {
      out = Path(m - k, a + k, b);
      out.push_back(Mth(a, a + k));
    }
    return out;
  }
  // SUBPROOF(m, D[a:b], flag).
  std::vector<Hash> Subproof(uint64_t m, uint64_t a, uint64_t b, bool flag) {
    const uint64_t n = b - a;
    if (m == n) return flag ? std::vector<Hash>{} : std::vector<Hash>{Mth(a, b)};
    const uint64_t k = Split(n);
    std::vector<Hash> out;
    if (m <= k) {
      out = Subproof(m, a, a + k, flag);
      out.push_back(Mth(a + k, b));
    } else {
      out = Subproof(m - k, a + k, b, false);
      out.push_back(Mth(a, a + k));
    }
    return out;
  }

 private:
  std::vector<Hash> leaves_;
  std::vector<std::vector<std::optional<Hash>>> memo_;
};

constexpr uint64_t kMaxSize = 300;

struct PropertyFixture {
  PropertyFixture() : naive(kMaxSize) {
    for (uint64_t i = 0; i < kMaxSize; ++i) store.AppendLeafHash(naive.leaf(i));
  }
  NaiveTree naive;
  MemNodeStore store;
};

PropertyFixture& Fixture() {
  static PropertyFixture* fixture = new PropertyFixture();  // shared, never freed
  return *fixture;
}

Hash Flip(Hash h, int byte) {
  h[byte] ^= 0x20;
  return h;
}

TEST(MerklePropertyTest, RootsMatchNaiveForEverySize) {
  PropertyFixture& f = Fixture();
  CompactRange range;
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    range.Append(f.naive.leaf(n - 1));
    const Hash want = f.naive.Mth(0, n);
    ASSERT_EQ(range.Root(), want) << "size " << n;
    Result<Hash> root = RootAt(f.store, n);
    ASSERT_OK(root);
    ASSERT_EQ(*root, want) << "size " << n;
  }
}

TEST(MerklePropertyTest, InclusionProofsMatchNaiveAndVerify) {
  PropertyFixture& f = Fixture();
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    const Hash root = f.naive.Mth(0, n);
    for (uint64_t i = 0; i < n; ++i) {
      Result<std::vector<Hash>> proof = InclusionProof(f.store, i, n);
      ASSERT_OK(proof);
      ASSERT_EQ(*proof, f.naive.Path(i, 0, n)) << "index " << i << " size " << n;
      ASSERT_OK(VerifyInclusion(i, n, f.naive.leaf(i), *proof, root));
    }
  }
}

// Mutations of valid inclusion proofs must be rejected. Every (index, size)
// for sizes <= 64, then a deterministic sample up to kMaxSize.
TEST(MerklePropertyTest, MutatedInclusionProofsFail) {
  PropertyFixture& f = Fixture();
  int checked = 0;
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    const Hash root = f.naive.Mth(0, n);
    for (uint64_t i = 0; i < n; ++i) {
      if (n > 64 && (i * 7919 + n) % 23 != 0) continue;
      ++checked;
      const std::vector<Hash> proof = f.naive.Path(i, 0, n);
      const Hash leaf = f.naive.leaf(i);
      SCOPED_TRACE("index " + std::to_string(i) + " size " + std::to_string(n));
      for (size_t j = 0; j < proof.size(); ++j) {
        for (int byte : {0, 31}) {
          std::vector<Hash> bad = proof;
          bad[j] = Flip(bad[j], byte);
          EXPECT_EQ(VerifyInclusion(i, n, leaf, bad, root).code(), Code::kCorruption);
        }
      }
      if (!proof.empty()) {
        std::vector<Hash> dropped(proof.begin(), proof.end() - 1);
        EXPECT_FALSE(VerifyInclusion(i, n, leaf, dropped, root).ok());
        std::vector<Hash> dropped_front(proof.begin() + 1, proof.end());
        EXPECT_FALSE(VerifyInclusion(i, n, leaf, dropped_front, root).ok());
      }
      std::vector<Hash> added = proof;
      added.push_back(root);
      EXPECT_FALSE(VerifyInclusion(i, n, leaf, added, root).ok());
      std::vector<Hash> prepended = proof;
      prepended.insert(prepended.begin(), leaf);
      EXPECT_FALSE(VerifyInclusion(i, n, leaf, prepended, root).ok());
      EXPECT_FALSE(VerifyInclusion(i, n, Flip(leaf, 5), proof, root).ok());
      EXPECT_FALSE(VerifyInclusion(i, n, leaf, proof, Flip(root, 5)).ok());
      // A different leaf position changes which side some sibling is on.
      for (uint64_t other : {i - 1, i + 1, i ^ 2}) {
        if (other != i && other < n) {
          EXPECT_FALSE(VerifyInclusion(other, n, leaf, proof, root).ok()) << "as " << other;
        }
      }
      // A different size is rejected whenever it implies a different proof
      // length. (RFC 9162 verification cannot tell sizes apart that give the
      // same path shape, e.g. leaf 0 of sizes 5 and 6: it binds the leaf to
      // the root, and size and root come together from a signed checkpoint.)
      for (uint64_t other : {n - 1, n + 1, n * 2, n / 2}) {
        if (other == n || i >= other || other > kMaxSize) continue;
        if (f.naive.Path(i, 0, other).size() != proof.size()) {
          EXPECT_FALSE(VerifyInclusion(i, other, leaf, proof, root).ok()) << "size " << other;
        }
      }
    }
  }
  EXPECT_GT(checked, 2000);
}

TEST(MerklePropertyTest, ConsistencyProofsMatchNaiveAndVerify) {
  PropertyFixture& f = Fixture();
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    const Hash new_root = f.naive.Mth(0, n);
    for (uint64_t m = 0; m <= n; ++m) {
      Result<std::vector<Hash>> proof = ConsistencyProof(f.store, m, n);
      ASSERT_OK(proof);
      const std::vector<Hash> want = m == 0 ? std::vector<Hash>{} : f.naive.Subproof(m, 0, n, true);
      ASSERT_EQ(*proof, want) << "sizes " << m << " -> " << n;
      ASSERT_OK(VerifyConsistency(m, n, f.naive.Mth(0, m), new_root, *proof));
    }
  }
}

TEST(MerklePropertyTest, MutatedConsistencyProofsFail) {
  PropertyFixture& f = Fixture();
  int checked = 0;
  for (uint64_t n = 2; n <= kMaxSize; ++n) {
    const Hash new_root = f.naive.Mth(0, n);
    for (uint64_t m = 1; m < n; ++m) {
      if (n > 64 && (m * 7919 + n) % 29 != 0) continue;
      ++checked;
      const Hash old_root = f.naive.Mth(0, m);
      const std::vector<Hash> proof = f.naive.Subproof(m, 0, n, true);
      SCOPED_TRACE("sizes " + std::to_string(m) + " -> " + std::to_string(n));
      ASSERT_FALSE(proof.empty());
      for (size_t j = 0; j < proof.size(); ++j) {
        std::vector<Hash> bad = proof;
        bad[j] = Flip(bad[j], static_cast<int>(j % 32));
        EXPECT_EQ(VerifyConsistency(m, n, old_root, new_root, bad).code(), Code::kCorruption);
      }
      std::vector<Hash> truncated(proof.begin(), proof.end() - 1);
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, truncated).ok());
      for (const Hash& extra : {old_root, new_root, proof[0]}) {
        std::vector<Hash> added = proof;
        added.push_back(extra);
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, added).ok());
        std::vector<Hash> prepended = proof;
        prepended.insert(prepended.begin(), extra);
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, prepended).ok());
      }
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, {}).ok());
      EXPECT_FALSE(VerifyConsistency(m, n, Flip(old_root, 1), new_root, proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, Flip(new_root, 1), proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n, new_root, old_root, proof).ok());
      // A different old size is always rejected: fr must rebuild old_root.
      for (uint64_t m2 : {m - 1, m + 1, m ^ 2}) {
        if (m2 == m || m2 == 0 || m2 >= n) continue;
        EXPECT_FALSE(VerifyConsistency(m2, n, old_root, new_root, proof).ok()) << "old " << m2;
      }
      // A different new size is rejected whenever it implies a different
      // proof length; as with inclusion proofs, sizes giving the same proof
      // shape are indistinguishable to the RFC 9162 algorithm (e.g. 256 -> 299
      // and 256 -> 300), which is why sizes and roots come from checkpoints.
      for (uint64_t n2 : {n - 1, n + 1, n * 2, n / 2}) {
        if (n2 == n || n2 <= m || n2 > kMaxSize) continue;
        if (f.naive.Subproof(m, 0, n2, true).size() != proof.size()) {
          EXPECT_FALSE(VerifyConsistency(m, n2, old_root, new_root, proof).ok()) << "new " << n2;
        }
      }
    }
  }
  EXPECT_GT(checked, 2000);
}

// Larger trees, sampled: proofs from the store verify against CompactRange
// roots (the two code paths the ledger uses for appending and for serving).
TEST(MerklePropertyTest, LargeTreeSampledProofsVerify) {
  constexpr uint64_t kSize = 70001;
  MemNodeStore store;
  CompactRange range;
  std::vector<Hash> roots;  // roots at the checkpoint sizes below
  const std::set<uint64_t> sizes = {1, 2, 3, 65535, 65536, 65537, 69999, kSize};
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < kSize; ++i) {
    leaves.push_back(HashLeaf("large " + std::to_string(i)));
    store.AppendLeafHash(leaves.back());
    range.Append(leaves.back());
    if (sizes.count(range.size())) roots.push_back(range.Root());
  }
  std::vector<uint64_t> size_list(sizes.begin(), sizes.end());
  for (size_t a = 0; a < size_list.size(); ++a) {
    const uint64_t n = size_list[a];
    Result<Hash> root = RootAt(store, n);
    ASSERT_OK(root);
    ASSERT_EQ(*root, roots[a]);
    for (uint64_t i : {uint64_t{0}, n / 3, n / 2, n - 1}) {
      Result<std::vector<Hash>> proof = InclusionProof(store, i, n);
      ASSERT_OK(proof);
      EXPECT_OK(VerifyInclusion(i, n, leaves[i], *proof, roots[a]));
    }
    for (size_t b = 0; b <= a; ++b) {
      const uint64_t m = size_list[b];
      Result<std::vector<Hash>> proof = ConsistencyProof(store, m, n);
      ASSERT_OK(proof);
      EXPECT_OK(VerifyConsistency(m, n, roots[b], roots[a], *proof)) << m << " -> " << n;
    }
  }
}

}  // namespace
}  // namespace custody::merkle
