#include <mbedtls/des.h>
#include <mbedtls/md.h>
#include <mbedtls/md5.h>
#include <mbedtls/ssl.h>

void legacy_digest(const unsigned char *in, size_t len, unsigned char out[16]) {
  mbedtls_md5_context ctx;
  mbedtls_md5_init(&ctx);
  mbedtls_md5_update(&ctx, in, len);
  mbedtls_md5_finish(&ctx, out);
}

const mbedtls_md_info_t *good_md(void) {
  return mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
}

void lax(mbedtls_ssl_config *conf) {
  mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);
}
