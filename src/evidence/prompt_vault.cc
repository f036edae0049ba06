#include "custody/prompt_vault.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "custody/encoding.h"
#include "custody/hash.h"

namespace custody {
namespace {

constexpr int kKeyBytes = 32;
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

Result<std::string> RandomBytes(int n) {
  std::string out(static_cast<size_t>(n), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), n) != 1) {
    return Status::Internal("prompt vault", "OpenSSL random generator failed");
  }
  return out;
}

// The record reference doubles as GCM associated data, so a ciphertext
// cannot be moved to another record.
Result<std::string> Encrypt(const std::string& key, const std::string& nonce,
                            const std::string& aad, std::string_view plain) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  std::string out(plain.size() + kTagBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key.data()),
                         reinterpret_cast<const unsigned char*>(nonce.data())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o, &len, reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), o + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, o + plain.size()) != 1) {
    return Status::Internal("prompt vault", "encryption failed");
  }
  return out;
}

}  // namespace

Result<SealedPrompt> SealPrompt(std::string_view text, std::string_view storage,
                                int64_t now_unix_nanos) {
  if (storage != "full" && storage != "digest") {
    return Status::InvalidArgument("prompt storage",
                                   "\"" + std::string(storage) + "\" is not full or digest");
  }
  SealedPrompt s;
  CUSTODY_ASSIGN_OR_RETURN(std::string salt, RandomBytes(16));
  CUSTODY_ASSIGN_OR_RETURN(std::string ref_bytes, RandomBytes(16));
  std::string ref = HexEncode(ref_bytes);
  s.ref.digest_sha256 = Sha256Hex(salt + std::string(text));
  s.ref.ref = ref;
  s.ref.storage = std::string(storage);
  s.record.ref = ref;
  s.record.salt = salt;
  s.record.created_at = now_unix_nanos;
  if (storage == "full") {
    CUSTODY_ASSIGN_OR_RETURN(s.record.key, RandomBytes(kKeyBytes));
    CUSTODY_ASSIGN_OR_RETURN(s.record.nonce, RandomBytes(kNonceBytes));
    CUSTODY_ASSIGN_OR_RETURN(s.record.ciphertext, Encrypt(s.record.key, s.record.nonce, ref, text));
  }
  return s;
}

Result<std::string> OpenPrompt(const StoredPrompt& r) {
  if (r.key.empty() || r.ciphertext.empty()) {
    return Status::NotFound("prompt " + r.ref, "text not kept (digest only, or erased)");
  }
  if (r.key.size() != kKeyBytes || r.nonce.size() != kNonceBytes ||
      r.ciphertext.size() < static_cast<size_t>(kTagBytes)) {
    return Status::Corruption("prompt " + r.ref, "malformed encrypted record");
  }
  size_t n = r.ciphertext.size() - kTagBytes;
  std::string out(n, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  std::string tag = r.ciphertext.substr(n);
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(r.key.data()),
                         reinterpret_cast<const unsigned char*>(r.nonce.data())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(r.ref.data()),
                        static_cast<int>(r.ref.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), o, &len,
                        reinterpret_cast<const unsigned char*>(r.ciphertext.data()),
                        static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), o + len, &len) != 1) {
    return Status::Corruption("prompt " + r.ref, "encrypted text fails authentication");
  }
  return out;
}

Status CheckPromptDigest(const StoredPrompt& r, std::string_view text,
                         std::string_view digest_hex) {
  if (Sha256Hex(r.salt + std::string(text)) != digest_hex) {
    return Status::Corruption("prompt " + r.ref, "text does not match the signed digest");
  }
  return Status::OK();
}

}  // namespace custody
