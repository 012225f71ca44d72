/* HMAC-MD5 with libcrypto linked in: for the unit tests and the fuzzer. */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vrrp/ah.h"

void vrrp_hmac_md5_openssl(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len, uint8_t out[16])
{
        unsigned n = 16;

        HMAC(EVP_md5(), key, (int)key_len, data, len, out, &n);
}
