// SHA-256 (through OpenSSL 3) and HMAC-SHA-256.
//
// Digests are 32 raw bytes in a std::array; HexEncode() gives the printable
// form used in every format custody writes. Sha256Hasher is a streaming
// hasher owned by one thread at a time; the free functions are thread-safe.
#ifndef CUSTODY_HASH_H_
#define CUSTODY_HASH_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace custody {

using Digest = std::array<uint8_t, 32>;

// SHA-256 of `data`.
Digest Sha256(std::string_view data);
// SHA-256(a || b) without building the concatenation (Merkle leaves and
// nodes hash a one-byte prefix and their content). Thread-safe.
Digest Sha256Concat(std::string_view a, std::string_view b);
// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// FNV-1a-style 64-bit hash of `data` (ASCII letters folded to lower case
// when `lower_ascii`): FNV-1a's xor-then-multiply by the 64-bit FNV prime,
// from the offset basis 1469598103934665603 (not FNV's 14695981039346656037;
// the name index format fixes this value). Not cryptographic: for hash
// tables and fingerprints; stable across platforms.
uint64_t Fnv1a64(std::string_view data, bool lower_ascii = false);
// HMAC-SHA-256 of `data` under `key`.
Digest HmacSha256(std::string_view key, std::string_view data);

// The digest as a 32-byte string (for APIs that take bytes).
inline std::string DigestBytes(const Digest& d) {
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}
// Lowercase hex of a digest.
std::string DigestHex(const Digest& d);

// Incremental SHA-256, for hashing data that arrives in pieces (files,
// prefixed leaves). Not copyable.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view data);
  void Update(const void* data, size_t n);
  // Returns the digest; the hasher is reset and can be reused.
  Digest Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace custody

#endif  // CUSTODY_HASH_H_
