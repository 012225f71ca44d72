#include "check/http_hash.h"

#include <openssl/evp.h>
#include <stdio.h>

#include "common/lazylib.h"

static struct {
        EVP_MD_CTX *(*ctx_new)(void);
        void (*ctx_free)(EVP_MD_CTX *);
        int (*init)(EVP_MD_CTX *, const EVP_MD *, ENGINE *);
        int (*update)(EVP_MD_CTX *, const void *, size_t);
        int (*final)(EVP_MD_CTX *, unsigned char *, unsigned int *);
        const EVP_MD *(*md5)(void);
        const EVP_MD *(*sha256)(void);
} lc;

typedef __typeof__(lc) lc_t;
static const struct lazysym crypto_syms[] = {
        LAZYSYM(lc_t, ctx_new, "EVP_MD_CTX_new"),     LAZYSYM(lc_t, ctx_free, "EVP_MD_CTX_free"),
        LAZYSYM(lc_t, init, "EVP_DigestInit_ex"),     LAZYSYM(lc_t, update, "EVP_DigestUpdate"),
        LAZYSYM(lc_t, final, "EVP_DigestFinal_ex"),   LAZYSYM(lc_t, md5, "EVP_md5"),
        LAZYSYM(lc_t, sha256, "EVP_sha256"),
};
static struct lazylib crypto_lib = LAZYLIB("libcrypto.so.3", "HTTP_GET digest", crypto_syms, lc);

static void *begin(bool sha256)
{
        EVP_MD_CTX *c = lc.ctx_new();

        if (c && lc.init(c, sha256 ? lc.sha256() : lc.md5(), NULL) != 1) {
                lc.ctx_free(c);
                c = NULL;
        }
        return c;
}

static void update(void *ctx, const void *data, size_t len)
{
        lc.update(ctx, data, len);
}

static void end(void *ctx, char hex[HTTP_DIGEST_HEX_MAX + 1])
{
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned n = 0;

        hex[0] = '\0';
        if (lc.final(ctx, md, &n) != 1 || n * 2 > HTTP_DIGEST_HEX_MAX)
                n = 0;
        for (unsigned i = 0; i < n; i++)
                snprintf(hex + 2 * i, 3, "%02x", md[i]);
        lc.ctx_free(ctx);
}

static const struct http_hash_ops ops = { begin, update, end };

const struct http_hash_ops *http_hash_ops(void)
{
        return lazylib_get(&crypto_lib) ? &ops : NULL;
}
