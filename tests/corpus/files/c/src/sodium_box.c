#include <sodium.h>
#include <string.h>

static const unsigned char nonce[crypto_secretbox_NONCEBYTES] = {0};

int seal(unsigned char *c, const unsigned char *m, unsigned long long mlen, const unsigned char *k) {
  return crypto_secretbox_easy(c, m, mlen, nonce, k);
}

int seal_good(unsigned char *c, unsigned char *n, const unsigned char *m, unsigned long long mlen,
              const unsigned char *k) {
  randombytes_buf(n, crypto_secretbox_NONCEBYTES);
  return crypto_secretbox_easy(c, m, mlen, n, k);
}
