#include "custody/hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cassert>

#include "custody/encoding.h"

namespace custody {

namespace {

// OpenSSL 3's one-shot SHA256() looks the algorithm up and allocates a
// context on every call, about 4x the cost of hashing a short input; the
// ledger hashes millions of short inputs, so keep one fetched algorithm and
// one context per thread.
const EVP_MD* Sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct ThreadCtx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~ThreadCtx() { EVP_MD_CTX_free(ctx); }
};

}  // namespace

Digest Sha256Concat(std::string_view a, std::string_view b) {
  thread_local ThreadCtx t;
  Digest d;
  unsigned int len = 0;
  EVP_DigestInit_ex(t.ctx, Sha256Md(), nullptr);
  EVP_DigestUpdate(t.ctx, a.data(), a.size());
  if (!b.empty()) EVP_DigestUpdate(t.ctx, b.data(), b.size());
  EVP_DigestFinal_ex(t.ctx, d.data(), &len);
  return d;
}

Digest Sha256(std::string_view data) { return Sha256Concat(data, {}); }

std::string DigestHex(const Digest& d) { return HexEncode(DigestBytes(d)); }

std::string Sha256Hex(std::string_view data) { return DigestHex(Sha256(data)); }

Digest HmacSha256(std::string_view key, std::string_view data) {
  Digest d;
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), d.data(), &len);
  assert(len == d.size());
  return d;
}

struct Sha256Hasher::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {
  EVP_DigestInit_ex(impl_->ctx, Sha256Md(), nullptr);
}
Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(std::string_view data) { Update(data.data(), data.size()); }
void Sha256Hasher::Update(const void* data, size_t n) {
  EVP_DigestUpdate(impl_->ctx, data, n);
}

Digest Sha256Hasher::Finish() {
  Digest d;
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, d.data(), &len);
  EVP_DigestInit_ex(impl_->ctx, Sha256Md(), nullptr);
  return d;
}

uint64_t Fnv1a64(std::string_view data, bool lower_ascii) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) {
    if (lower_ascii && c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace custody
