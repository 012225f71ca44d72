/* MD5 and SHA-256 of HTTP bodies from libcrypto, loaded on first use
 * (common/lazylib.h). libcurl (OpenSSL flavour, as Debian builds it) has
 * mapped libcrypto.so.3 already by the time a body arrives, so opening it
 * costs a reference count, not another library in memory; linking it into
 * vigild would map it into every process, also those that never check
 * HTTP. */
#pragma once

#include "check/http_verdict.h"

/* NULL (logged once) when libcrypto cannot be loaded. */
const struct http_hash_ops *http_hash_ops(void);
