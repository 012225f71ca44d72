/* HMAC-MD5 from libcrypto, loaded the first time an AH instance needs it
 * (common/lazylib.h): most configurations never pay for libcrypto. */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/lazylib.h"
#include "vrrp/ah.h"

static struct {
        unsigned char *(*hmac)(const EVP_MD *, const void *, int, const unsigned char *, size_t, unsigned char *,
                               unsigned int *);
        const EVP_MD *(*md5)(void);
} lc;

static void hmac_md5(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len, uint8_t out[16])
{
        unsigned n = 16;

        lc.hmac(lc.md5(), key, (int)key_len, data, len, out, &n);
}

typedef __typeof__(lc) lc_t;
static const struct lazysym crypto_syms[] = { LAZYSYM(lc_t, hmac, "HMAC"), LAZYSYM(lc_t, md5, "EVP_md5") };
static struct lazylib crypto_lib = LAZYLIB("libcrypto.so.3", "AH authentication", crypto_syms, lc);

vrrp_hmac_md5_fn vrrp_hmac_md5_lazy(void)
{
        return lazylib_get(&crypto_lib) ? hmac_md5 : NULL;
}
