#include "custody/ed25519.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "custody/encoding.h"
#include "custody/hash.h"

namespace custody {
namespace {

constexpr size_t kRawKeySize = 32;
constexpr size_t kSignatureSize = 64;
// PEM key blocks are a few hundred bytes; anything far larger is not a key
// and must not reach OpenSSL's int-sized length parameters.
constexpr size_t kMaxPemSize = 64 * 1024;

// Takes the oldest OpenSSL error off this thread's queue as text, and empties
// the queue so a later call does not report a stale error.
std::string TakeOpenSslError() {
  unsigned long code = ERR_get_error();  // NOLINT(runtime/int): OpenSSL's type
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

// A read-only BIO over `data`; null when `data` is too large.
BioPtr ReadBio(std::string_view data) {
  if (data.size() > kMaxPemSize) return nullptr;
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

// The DER prefixes of an Ed25519 key in its only RFC 8410 encodings:
// SubjectPublicKeyInfo, and a PKCS#8 v1 PrivateKeyInfo without attributes.
// Each is followed by the 32 raw key bytes.
constexpr std::string_view kSpkiPrefix{"\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12};
constexpr std::string_view kPkcs8Prefix{
    "\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20", 16};

// The raw key inside a PEM block that is exactly `label` around
// `der_prefix` + 32 bytes; nullopt for anything else (other labels, headers,
// trailing text, other algorithms), which then goes to OpenSSL's decoders.
// Why: OpenSSL 3's generic decoder chain costs ~4.5M instructions per key,
// more than the rest of a `custody record` together once libgit2 is fast
// (docs/PERFORMANCE.md "Hook"), while both formats here are fixed-size.
std::optional<std::string> RawFromFixedPem(std::string_view pem, std::string_view label,
                                           std::string_view der_prefix) {
  const std::string begin = "-----BEGIN " + std::string(label) + "-----";
  const std::string end = "-----END " + std::string(label) + "-----";
  size_t start = pem.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || pem.compare(start, begin.size(), begin) != 0) {
    return std::nullopt;
  }
  size_t body = start + begin.size();
  size_t stop = pem.find(end, body);
  if (stop == std::string_view::npos ||
      pem.find_first_not_of(" \t\r\n", stop + end.size()) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string b64;
  for (char c : pem.substr(body, stop - body)) {
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    if (c == ':') return std::nullopt;  // RFC 1421 headers (encrypted PEM)
    b64.push_back(c);
  }
  Result<std::string> der = Base64Decode(b64);
  if (!der.ok() || der->size() != der_prefix.size() + kRawKeySize ||
      der->compare(0, der_prefix.size(), der_prefix) != 0) {
    if (der.ok()) OPENSSL_cleanse(der->data(), der->size());
    return std::nullopt;
  }
  std::string raw = der->substr(der_prefix.size());
  OPENSSL_cleanse(der->data(), der->size());
  return raw;
}

// Everything written to `bio` so far.
std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);  // NOLINT(runtime/int)
  if (n <= 0 || data == nullptr) return std::string();
  return std::string(data, static_cast<size_t>(n));
}

// Refuses to decrypt: without this OpenSSL's default callback would prompt
// for a passphrase on the terminal, which a library must never do.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return -1; }

// The 32 raw public-key bytes of an Ed25519 EVP_PKEY.
Result<std::string> RawPublicKeyOf(EVP_PKEY* pkey) {
  std::string raw(kRawKeySize, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != kRawKeySize) {
    return Status::Internal("public key", "cannot extract raw key: " + TakeOpenSslError());
  }
  return raw;
}

}  // namespace

std::string KeyIdFromRawPublicKey(std::string_view raw_public_key) {
  return Sha256Hex(raw_public_key);
}

// ---------------------------------------------------------------- PublicKey

// Holds the OpenSSL key built once from the raw bytes. It is never modified
// after construction, so copies of a PublicKey share it across threads.
struct PublicKey::Impl {
  explicit Impl(PkeyPtr k) : pkey(std::move(k)) {}
  PkeyPtr pkey;
};

PublicKey::PublicKey() = default;
PublicKey::~PublicKey() = default;
PublicKey::PublicKey(const PublicKey&) = default;
PublicKey& PublicKey::operator=(const PublicKey&) = default;
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;

Result<PublicKey> PublicKey::FromRaw(std::string_view raw) {
  if (raw.size() != kRawKeySize) {
    return Status::InvalidArgument("public key",
                                   "must be 32 bytes, got " + std::to_string(raw.size()));
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), raw.size()));
  if (!pkey) {
    return Status::InvalidArgument("public key", "rejected by OpenSSL: " + TakeOpenSslError());
  }
  PublicKey key;
  key.raw_.assign(raw);
  key.key_id_ = KeyIdFromRawPublicKey(raw);
  key.impl_ = std::make_shared<const Impl>(std::move(pkey));
  return key;
}

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  if (std::optional<std::string> raw = RawFromFixedPem(pem, "PUBLIC KEY", kSpkiPrefix)) {
    return PublicKey::FromRaw(*raw);
  }
  BioPtr bio = ReadBio(pem);
  if (!bio) return Status::InvalidArgument("public key", "PEM text is too large");
  PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pkey) {
    return Status::InvalidArgument("public key",
                                   "not a PEM \"PUBLIC KEY\" block: " + TakeOpenSslError());
  }
  if (EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) {
    return Status::InvalidArgument("public key", std::string("is not Ed25519 (algorithm ") +
                                                     EVP_PKEY_get0_type_name(pkey.get()) + ")");
  }
  CUSTODY_ASSIGN_OR_RETURN(std::string raw, RawPublicKeyOf(pkey.get()));
  PublicKey key;
  key.key_id_ = KeyIdFromRawPublicKey(raw);
  key.raw_ = std::move(raw);
  key.impl_ = std::make_shared<const Impl>(std::move(pkey));
  return key;
}

std::string PublicKey::ToPem() const {
  if (!impl_) return std::string();
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), impl_->pkey.get()) != 1) {
    ERR_clear_error();
    return std::string();
  }
  return BioContents(bio.get());
}

Status PublicKey::Verify(std::string_view message, std::string_view signature) const {
  if (!impl_) return Status::InvalidArgument("public key", "is empty");
  if (signature.size() != kSignatureSize) {
    return Status::PermissionDenied(
        "signature", "does not verify (is " + std::to_string(signature.size()) + " bytes, not 64)");
  }
  // An EVP_MD_CTX is per call (it is mutable state); the EVP_PKEY is shared.
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return Status::Internal("signature", "out of memory");
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, impl_->pkey.get()) != 1) {
    return Status::Internal("signature", "cannot start verification: " + TakeOpenSslError());
  }
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size());
  if (rc != 1) {
    ERR_clear_error();
    return Status::PermissionDenied("signature", "does not verify");
  }
  return Status::OK();
}

// --------------------------------------------------------------- PrivateKey

// OpenSSL keeps the secret inside the EVP_PKEY (and clears it on free).
struct PrivateKey::Impl {
  PkeyPtr pkey;
};

PrivateKey::PrivateKey() = default;
PrivateKey::~PrivateKey() = default;
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;

namespace {

// Completes a PrivateKey around `pkey` (which must be Ed25519): derives the
// public half once so public_key() is a plain accessor.
Status FillPublic(EVP_PKEY* pkey, PublicKey* out) {
  CUSTODY_ASSIGN_OR_RETURN(std::string raw, RawPublicKeyOf(pkey));
  CUSTODY_ASSIGN_OR_RETURN(*out, PublicKey::FromRaw(raw));
  return Status::OK();
}

}  // namespace

Result<PrivateKey> PrivateKey::Generate() {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw_pkey = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw_pkey) != 1) {
    return Status::Internal("private key", "generation failed: " + TakeOpenSslError());
  }
  PrivateKey key;
  key.impl_ = std::make_unique<Impl>();
  key.impl_->pkey.reset(raw_pkey);
  CUSTODY_RETURN_IF_ERROR(FillPublic(raw_pkey, &key.public_key_));
  return key;
}

Result<PrivateKey> PrivateKey::FromSeed(std::string_view seed) {
  if (seed.size() != kRawKeySize) {
    return Status::InvalidArgument("private key",
                                   "seed must be 32 bytes, got " + std::to_string(seed.size()));
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size()));
  if (!pkey) {
    return Status::InvalidArgument("private key", "rejected by OpenSSL: " + TakeOpenSslError());
  }
  PrivateKey key;
  key.impl_ = std::make_unique<Impl>();
  key.impl_->pkey = std::move(pkey);
  CUSTODY_RETURN_IF_ERROR(FillPublic(key.impl_->pkey.get(), &key.public_key_));
  return key;
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  PkeyPtr pkey;
  if (std::optional<std::string> seed = RawFromFixedPem(pem, "PRIVATE KEY", kPkcs8Prefix)) {
    pkey.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                            reinterpret_cast<const unsigned char*>(seed->data()),
                                            seed->size()));
    OPENSSL_cleanse(seed->data(), seed->size());
  }
  if (!pkey) {
    BioPtr bio = ReadBio(pem);
    if (!bio) return Status::InvalidArgument("private key", "PEM text is too large");
    pkey.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  }
  if (!pkey) {
    return Status::InvalidArgument(
        "private key",
        "not an unencrypted PEM \"PRIVATE KEY\" (PKCS#8) block: " + TakeOpenSslError());
  }
  if (EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) {
    return Status::InvalidArgument("private key", std::string("is not Ed25519 (algorithm ") +
                                                      EVP_PKEY_get0_type_name(pkey.get()) + ")");
  }
  PrivateKey key;
  key.impl_ = std::make_unique<Impl>();
  key.impl_->pkey = std::move(pkey);
  CUSTODY_RETURN_IF_ERROR(FillPublic(key.impl_->pkey.get(), &key.public_key_));
  return key;
}

std::string PrivateKey::ToPem() const {
  if (!impl_) return std::string();
  // A secure-memory BIO clears its buffer when freed, so the only copy of
  // the encoded secret left behind is the returned string.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    ERR_clear_error();
    return std::string();
  }
  return BioContents(bio.get());
}

Result<std::string> PrivateKey::Sign(std::string_view message) const {
  if (!impl_) return Status::InvalidArgument("private key", "is empty (moved from)");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return Status::Internal("sign", "out of memory");
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->pkey.get()) != 1) {
    return Status::Internal("sign", "cannot start signing: " + TakeOpenSslError());
  }
  std::string sig(kSignatureSize, '\0');
  size_t len = sig.size();
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      len != kSignatureSize) {
    return Status::Internal("sign", "signing failed: " + TakeOpenSslError());
  }
  return sig;
}

}  // namespace custody
