#include "custody/merkle.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <string>

namespace custody::merkle {

namespace {

Hash Sha256Concat(const void* a, size_t a_len, const void* b, size_t b_len) {
  return custody::Sha256Concat(std::string_view(static_cast<const char*>(a), a_len),
                               std::string_view(static_cast<const char*>(b), b_len));
}

// floor(log2(x)) for x > 0.
int FloorLog2(uint64_t x) { return std::bit_width(x) - 1; }

// The largest power of two strictly smaller than n (n >= 2): the RFC 9162
// split point k.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// MTH(D[begin:end]) for a range that occurs in the RFC 9162 recursion over
// D[0:size]: either a perfect node, or a right-edge range whose start is
// aligned to a power of two >= its length. Such a range splits greedily into
// perfect nodes of strictly decreasing size (the set bits of end - begin),
// and its MTH folds those nodes from the right.
Result<Hash> RangeHash(NodeReader& reader, uint64_t begin, uint64_t end) {
  assert(begin < end);
  Hash nodes[64];
  int count = 0;
  uint64_t pos = begin;
  while (pos < end) {
    int level = FloorLog2(end - pos);
    if (pos != 0) level = std::min(level, std::countr_zero(pos));
    Result<Hash> node = reader.GetNode(level, pos >> level);
    if (!node.ok()) return node.status();
    nodes[count++] = *node;
    pos += uint64_t{1} << level;
  }
  Hash hash = nodes[count - 1];
  for (int i = count - 2; i >= 0; --i) hash = HashChildren(nodes[i], hash);
  return hash;
}

std::string Short(const Hash& h) { return DigestHex(h).substr(0, 16); }

}  // namespace

Hash HashLeaf(std::string_view entry) {
  static constexpr uint8_t kLeafPrefix = 0x00;
  return Sha256Concat(&kLeafPrefix, 1, entry.data(), entry.size());
}

Hash HashChildren(const Hash& left, const Hash& right) {
  uint8_t buf[1 + 2 * sizeof(Hash)];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), left.size());
  std::memcpy(buf + 1 + left.size(), right.data(), right.size());
  return Sha256Concat(buf, sizeof(buf), nullptr, 0);
}

Hash EmptyRoot() {
  static const Hash kEmpty = Sha256Concat(nullptr, 0, nullptr, 0);
  return kEmpty;
}

NodeReader::~NodeReader() = default;

void MemNodeStore::AppendLeafHash(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  for (size_t level = 0; levels_[level].size() % 2 == 0; ++level) {
    if (level + 1 == levels_.size()) levels_.emplace_back();
    const std::vector<Hash>& row = levels_[level];
    Hash parent = HashChildren(row[row.size() - 2], row.back());
    levels_[level + 1].push_back(parent);
  }
}

Result<Hash> MemNodeStore::GetNode(int level, uint64_t index) {
  if (level < 0 || static_cast<size_t>(level) >= levels_.size() || index >= levels_[level].size()) {
    return Status::NotFound("merkle node",
                            "level " + std::to_string(level) + " index " + std::to_string(index) +
                                " is not stored (tree size " + std::to_string(size()) + ")");
  }
  return levels_[level][index];
}

Result<CompactRange> CompactRange::FromState(uint64_t size, std::vector<Hash> hashes) {
  if (hashes.size() != static_cast<size_t>(std::popcount(size))) {
    return Status::InvalidArgument("compact range", "size " + std::to_string(size) + " needs " +
                                                        std::to_string(std::popcount(size)) +
                                                        " hashes, got " +
                                                        std::to_string(hashes.size()));
  }
  CompactRange range;
  range.size_ = size;
  range.hashes_ = std::move(hashes);
  return range;
}

void CompactRange::Append(const Hash& leaf_hash, std::vector<NodeRef>* completed) {
  assert(size_ != UINT64_MAX && "tree is full");
  if (completed != nullptr) completed->push_back({0, size_, leaf_hash});
  hashes_.push_back(leaf_hash);
  const uint64_t new_size = size_ + 1;
  // Each trailing zero bit of the new size is one pair of equal-sized
  // subtrees that now merge.
  const int merges = std::countr_zero(new_size);
  for (int level = 1; level <= merges; ++level) {
    const Hash right = hashes_.back();
    hashes_.pop_back();
    Hash& left = hashes_.back();
    left = HashChildren(left, right);
    if (completed != nullptr) {
      completed->push_back({level, (new_size >> level) - 1, left});
    }
  }
  size_ = new_size;
}

Hash CompactRange::Root() const {
  if (hashes_.empty()) return EmptyRoot();
  Hash hash = hashes_.back();
  for (size_t i = hashes_.size() - 1; i-- > 0;) {
    hash = HashChildren(hashes_[i], hash);
  }
  return hash;
}

Result<Hash> RootAt(NodeReader& reader, uint64_t size) {
  if (size == 0) return EmptyRoot();
  return RangeHash(reader, 0, size);
}

Result<std::vector<Hash>> InclusionProof(NodeReader& reader, uint64_t index, uint64_t size) {
  if (index >= size) {
    return Status::InvalidArgument(
        "inclusion proof",
        "leaf index " + std::to_string(index) + " is not below tree size " + std::to_string(size));
  }
  // Walk PATH(index, D[0:size]) from the root down; the proof lists the
  // siblings bottom-up. Only a right sibling on the tree's right edge can be
  // non-perfect, and after the first step left everything is perfect, so this
  // costs O(log size) reads in total.
  std::vector<Hash> proof;
  uint64_t begin = 0;
  uint64_t end = size;
  while (end - begin > 1) {
    const uint64_t k = SplitPoint(end - begin);
    const bool go_left = index < begin + k;
    Result<Hash> sibling =
        go_left ? RangeHash(reader, begin + k, end) : RangeHash(reader, begin, begin + k);
    if (!sibling.ok()) return sibling.status();
    if (go_left) {
      end = begin + k;
    } else {
      begin += k;
    }
    proof.push_back(*sibling);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::vector<Hash>> ConsistencyProof(NodeReader& reader, uint64_t old_size,
                                           uint64_t new_size) {
  if (old_size > new_size) {
    return Status::InvalidArgument(
        "consistency proof",
        "old size " + std::to_string(old_size) + " exceeds new size " + std::to_string(new_size));
  }
  std::vector<Hash> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  // SUBPROOF(m, D[begin:end], whole) unrolled: `m` is the old size relative
  // to `begin`; `whole` stays true while D[begin:end] starts at leaf 0, i.e.
  // while the verifier already knows MTH(D[begin:begin+m]) as the old root.
  uint64_t m = old_size;
  uint64_t begin = 0;
  uint64_t end = new_size;
  bool whole = true;
  while (m != end - begin) {
    const uint64_t k = SplitPoint(end - begin);
    const bool go_left = m <= k;
    Result<Hash> sibling =
        go_left ? RangeHash(reader, begin + k, end) : RangeHash(reader, begin, begin + k);
    if (!sibling.ok()) return sibling.status();
    if (go_left) {
      end = begin + k;
    } else {
      begin += k;
      m -= k;
      whole = false;
    }
    proof.push_back(*sibling);
  }
  if (!whole) {
    Result<Hash> node = RangeHash(reader, begin, end);
    if (!node.ok()) return node.status();
    proof.push_back(*node);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root) {
  const std::string where =
      "leaf " + std::to_string(index) + " of tree size " + std::to_string(size);
  if (index >= size) {
    return Status::InvalidArgument("inclusion proof", where + ": index is not below the size");
  }
  // RFC 9162 §2.1.3.2, step by step.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) {
      return Status::Corruption("inclusion proof",
                                where + ": too many hashes (" + std::to_string(proof.size()) + ")");
    }
    if ((fn & 1) != 0 || fn == sn) {
      r = HashChildren(p, r);
      // The inner shift of step 3b.2: it skips the levels where this node is
      // the right edge's lone child. (Runs zero times when LSB(fn) is set.)
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Status::Corruption("inclusion proof",
                              where + ": too few hashes (" + std::to_string(proof.size()) + ")");
  }
  if (r != root) {
    return Status::Corruption("inclusion proof", where + ": computed root " + Short(r) +
                                                     "... does not match expected root " +
                                                     Short(root) + "...");
  }
  return Status::OK();
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, const std::vector<Hash>& proof) {
  const std::string where = "sizes " + std::to_string(old_size) + " -> " + std::to_string(new_size);
  if (old_size > new_size) {
    return Status::InvalidArgument("consistency proof",
                                   where + ": the old size exceeds the new size");
  }
  if (old_size == new_size || old_size == 0) {
    if (!proof.empty()) {
      return Status::Corruption("consistency proof", where + ": expected an empty proof, got " +
                                                         std::to_string(proof.size()) + " hashes");
    }
    if (old_size == new_size && old_root != new_root) {
      return Status::Corruption("consistency proof", where + ": equal sizes but different roots " +
                                                         Short(old_root) + "... and " +
                                                         Short(new_root) + "...");
    }
    if (old_size == 0 && old_root != EmptyRoot()) {
      return Status::Corruption("consistency proof",
                                where + ": the old root is not the empty-tree hash");
    }
    return Status::OK();
  }
  // RFC 9162 §2.1.4.2, step by step.
  if (proof.empty()) {
    return Status::Corruption("consistency proof", where + ": empty proof");
  }
  // Step 2: a power-of-two old tree is itself a node of the new tree, so the
  // proof omits it and the verifier supplies old_root as the first hash.
  const bool prepend = std::has_single_bit(old_size);
  auto path_at = [&](size_t i) -> const Hash& {
    if (prepend) return i == 0 ? old_root : proof[i - 1];
    return proof[i];
  };
  const size_t path_len = proof.size() + (prepend ? 1 : 0);
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path_at(0);
  Hash sr = path_at(0);
  for (size_t i = 1; i < path_len; ++i) {
    const Hash& c = path_at(i);
    if (sn == 0) {
      return Status::Corruption("consistency proof",
                                where + ": too many hashes (" + std::to_string(proof.size()) + ")");
    }
    if ((fn & 1) != 0 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      // Step 6b.3, the inner shift (zero iterations when LSB(fn) is set).
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Status::Corruption("consistency proof",
                              where + ": too few hashes (" + std::to_string(proof.size()) + ")");
  }
  if (fr != old_root) {
    return Status::Corruption("consistency proof", where + ": computed old root " + Short(fr) +
                                                       "... does not match " + Short(old_root) +
                                                       "...");
  }
  if (sr != new_root) {
    return Status::Corruption("consistency proof", where + ": computed new root " + Short(sr) +
                                                       "... does not match " + Short(new_root) +
                                                       "...");
  }
  return Status::OK();
}

}  // namespace custody::merkle
