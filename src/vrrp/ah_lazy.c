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

vrrp_hmac_md5_fn vrrp_hmac_md5_lazy(void)
{
        typedef __typeof__(lc) T;
        static const struct lazysym syms[] = { LAZYSYM(T, hmac, "HMAC"), LAZYSYM(T, md5, "EVP_md5") };
        static int loaded;

        if (!loaded)
                loaded = lazylib_load("libcrypto.so.3", syms, 2, &lc, "AH authentication") ? 1 : -1;
        return loaded == 1 ? hmac_md5 : NULL;
}
