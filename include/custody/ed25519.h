// Ed25519 keys, signing and verification through OpenSSL 3 (pure Ed25519,
// RFC 8032; no pre-hashing).
//
// A PrivateKey owns its OpenSSL key object and is not copyable; signing with
// one key from several threads is safe (OpenSSL's Ed25519 is stateless per
// call). PublicKey is a cheap value (32 raw bytes plus an OpenSSL key built
// once when the key is made and shared by copies); Verify is thread-safe.
#ifndef CUSTODY_ED25519_H_
#define CUSTODY_ED25519_H_

#include <memory>
#include <string>
#include <string_view>

#include "custody/status.h"

namespace custody {

// The keyid custody uses everywhere (DSSE signatures, key files): lowercase
// hex SHA-256 of the 32-byte raw public key.
std::string KeyIdFromRawPublicKey(std::string_view raw_public_key);

class PublicKey {
 public:
  PublicKey();
  ~PublicKey();
  PublicKey(const PublicKey&);
  PublicKey& operator=(const PublicKey&);
  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;

  // From 32 raw bytes. InvalidArgument if the length is wrong or OpenSSL
  // rejects the point.
  static Result<PublicKey> FromRaw(std::string_view raw);
  // From a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) block.
  static Result<PublicKey> FromPem(std::string_view pem);

  const std::string& raw() const { return raw_; }
  // KeyIdFromRawPublicKey(raw()).
  const std::string& key_id() const { return key_id_; }
  std::string ToPem() const;
  // OK when `signature` (64 bytes) is a valid signature of `message`;
  // PermissionDenied("signature", "does not verify") otherwise.
  Status Verify(std::string_view message, std::string_view signature) const;

 private:
  struct Impl;
  std::string raw_;
  std::string key_id_;
  std::shared_ptr<const Impl> impl_;  // shared: immutable OpenSSL key, cheap copies
};

class PrivateKey {
 public:
  ~PrivateKey();
  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;

  // A fresh key from OpenSSL's CSPRNG.
  static Result<PrivateKey> Generate();
  // From the 32-byte RFC 8032 seed.
  static Result<PrivateKey> FromSeed(std::string_view seed);
  // From a PEM "PRIVATE KEY" (PKCS#8) block, as `openssl genpkey -algorithm
  // ed25519` writes it.
  static Result<PrivateKey> FromPem(std::string_view pem);

  // PKCS#8 PEM, unencrypted (the file holding it is 0600).
  std::string ToPem() const;
  const PublicKey& public_key() const { return public_key_; }
  // The 64-byte signature of `message`.
  Result<std::string> Sign(std::string_view message) const;

 private:
  PrivateKey();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  PublicKey public_key_;
};

}  // namespace custody

#endif  // CUSTODY_ED25519_H_
