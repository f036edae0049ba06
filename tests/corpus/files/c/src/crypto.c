#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char iv[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};

int digest_md5(const unsigned char *buf, size_t len, unsigned char *out) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
  EVP_DigestUpdate(ctx, buf, len);
  return EVP_DigestFinal_ex(ctx, out, NULL);
}

int digest_sha256(const unsigned char *buf, size_t len, unsigned char *out) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  EVP_DigestUpdate(ctx, buf, len);
  return EVP_DigestFinal_ex(ctx, out, NULL);
}

int encrypt_legacy(EVP_CIPHER_CTX *ctx, const unsigned char *key) {
  return EVP_EncryptInit_ex(ctx, EVP_des_ede3_cbc(), NULL, key, iv);
}

int encrypt_blocks(EVP_CIPHER_CTX *ctx, const unsigned char *key) {
  return EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL);
}

int encrypt_good(EVP_CIPHER_CTX *ctx, const unsigned char *key, unsigned char *nonce) {
  RAND_bytes(nonce, 12);
  return EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce);
}

void make_key(unsigned char *key, size_t n) {
  for (size_t i = 0; i < n; i++) {
    key[i] = rand() % 256;
  }
}

int dice(void) {
  return rand() % 6 + 1;
}

EVP_PKEY *weak_rsa(void) {
  EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
  EVP_PKEY_keygen_init(kctx);
  EVP_PKEY_CTX_set_rsa_keygen_bits(kctx, 1024);
  EVP_PKEY *pkey = NULL;
  EVP_PKEY_keygen(kctx, &pkey);
  return pkey;
}

void no_verify(SSL_CTX *ctx) {
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
}
