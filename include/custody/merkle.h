// RFC 9162 (Certificate Transparency v2) Merkle trees: hashing, a streaming
// compact range, proof construction from stored perfect-subtree nodes, and
// proof verification.
//
// Terminology: a *perfect node* (level, index) is the root of the perfect
// subtree of 2^level leaves covering leaves [index << level,
// (index + 1) << level); level 0 holds the leaf hashes. Every tree hash the
// RFC defines, MTH(D[0:n]), and every hash in its proofs is either a perfect
// node or a right-edge combination of O(log n) perfect nodes, so a log only
// has to store perfect nodes (which never change once written).
//
// The free functions are pure and thread-safe. NodeReader implementations
// define their own thread-safety; MemNodeStore and CompactRange are plain
// values, safe to use from one thread at a time (or to share read-only).
#ifndef CUSTODY_MERKLE_H_
#define CUSTODY_MERKLE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "custody/hash.h"
#include "custody/status.h"

namespace custody::merkle {

using Hash = custody::Digest;

// SHA-256(0x00 || entry): the RFC 9162 leaf hash.
Hash HashLeaf(std::string_view entry);
// SHA-256(0x01 || left || right): the RFC 9162 interior node hash.
Hash HashChildren(const Hash& left, const Hash& right);
// SHA-256(""): MTH of the empty tree.
Hash EmptyRoot();

// Read access to stored perfect nodes. GetNode(level, index) returns the hash
// of the perfect node (level, index) (see the file comment), or NotFound if
// the store does not hold it; any other error is passed through to the
// caller of RootAt/InclusionProof/ConsistencyProof unchanged.
class NodeReader {
 public:
  virtual ~NodeReader();
  virtual Result<Hash> GetNode(int level, uint64_t index) = 0;
};

// An in-memory NodeReader holding every perfect node of a growing tree, one
// vector per level. For tests and small in-memory logs; memory is ~2 hashes
// per leaf.
class MemNodeStore : public NodeReader {
 public:
  MemNodeStore() = default;

  // Appends the next leaf hash and materialises every parent node that the
  // append completes.
  void AppendLeafHash(const Hash& leaf_hash);
  // Number of leaves appended so far.
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }

  // OK with the node, or NotFound if (level, index) is not complete yet.
  Result<Hash> GetNode(int level, uint64_t index) override;

 private:
  std::vector<std::vector<Hash>> levels_;
};

// One perfect node, as reported by CompactRange::Append.
struct NodeRef {
  int level;
  uint64_t index;
  Hash hash;
};

// The compact range [0, size) of a growing tree: the roots of its maximal
// perfect subtrees, left to right (largest first), popcount(size) hashes in
// all. Append is O(1) amortised and O(log n) worst case; memory is O(log n).
class CompactRange {
 public:
  // The empty range (size 0).
  CompactRange() = default;

  // Rebuilds a range from size() and hashes() saved earlier. InvalidArgument
  // if hashes.size() != popcount(size).
  static Result<CompactRange> FromState(uint64_t size, std::vector<Hash> hashes);

  // Appends leaf number size() with hash `leaf_hash`. If `completed` is not
  // null, appends to it every perfect node this append completes, in
  // ascending level order: the leaf itself (level 0) first, then each parent
  // that became complete. Persisting exactly these after every append stores
  // every perfect node of the tree.
  void Append(const Hash& leaf_hash, std::vector<NodeRef>* completed = nullptr);

  uint64_t size() const { return size_; }
  // MTH(D[0:size]); EmptyRoot() when size is 0.
  Hash Root() const;
  // The perfect-subtree roots, largest (leftmost) first.
  const std::vector<Hash>& hashes() const { return hashes_; }

 private:
  uint64_t size_ = 0;
  std::vector<Hash> hashes_;
};

// MTH(D[0:size]) read from perfect nodes: at most popcount(size) reads.
// EmptyRoot() for size 0; errors from the reader are returned unchanged.
Result<Hash> RootAt(NodeReader& reader, uint64_t size);

// The RFC 9162 §2.1.3.1 inclusion proof PATH(index, D[0:size]), ordered from
// the leaf's sibling up to the root's child. Uses O(log size) node reads.
// InvalidArgument if index >= size; reader errors are returned unchanged.
Result<std::vector<Hash>> InclusionProof(NodeReader& reader, uint64_t index, uint64_t size);

// The RFC 9162 §2.1.4.1 consistency proof PROOF(old_size, D[0:new_size]).
// Empty when old_size is 0 or equals new_size. Uses O(log new_size) node
// reads. InvalidArgument if old_size > new_size; reader errors unchanged.
Result<std::vector<Hash>> ConsistencyProof(NodeReader& reader, uint64_t old_size,
                                           uint64_t new_size);

// Verifies an inclusion proof exactly as RFC 9162 §2.1.3.2 specifies. OK if
// `proof` shows that `leaf_hash` is leaf `index` of a tree of `size` leaves
// with root `root`. InvalidArgument if index >= size; Corruption if the proof
// has the wrong length or does not lead to `root`.
//
// As with every RFC 9162 verifier, a proof binds the leaf to `root`; the
// (index, size) pair is checked only as far as it fixes the proof's shape,
// so callers must take `size` and `root` from the same signed checkpoint.
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root);

// Verifies a consistency proof exactly as RFC 9162 §2.1.4.2 specifies: OK if
// the tree of `old_size` leaves with `old_root` is a prefix of the tree of
// `new_size` leaves with `new_root`. Edge cases the RFC leaves implicit:
//   - old_size == new_size: the proof must be empty and the roots equal;
//   - old_size == 0: the proof must be empty and old_root must be
//     EmptyRoot() (every tree extends the empty tree).
// InvalidArgument if old_size > new_size; Corruption on any mismatch.
Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, const std::vector<Hash>& proof);

}  // namespace custody::merkle

#endif  // CUSTODY_MERKLE_H_
