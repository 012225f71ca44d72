/* libFuzzer target: HTTP_GET's pure verdict (check/http_verdict.c) over
 * arbitrary answers, and the request builder (check/http_req.c) over
 * arbitrary paths and names. The input is a small header that sets up a
 * url (flags, status list, regex pattern and options, offsets), then the
 * body, fed in pieces of a chosen size as it would stream in. The digest
 * is a stand-in (FNV-1a, as hex) so the target needs no libcrypto; what is
 * fuzzed is the streaming, the buffer and PCRE2's use. What must hold:
 * the verdict is one of the url's named results, the bytes kept for the
 * regex are the body's first bytes, a built request is NUL-terminated and
 * starts with the scheme, and every libcurl code maps to a result. */
#include <curl/curl.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "check/http_req.h"
#include "check/http_verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fnv {
        uint64_t h;
        bool wide;
};

static void *fnv_begin(bool sha256)
{
        struct fnv *f = malloc(sizeof(*f));

        if (f)
                *f = (struct fnv){ 1469598103934665603ULL, sha256 };
        return f;
}

static void fnv_update(void *ctx, const void *data, size_t len)
{
        struct fnv *f = ctx;

        for (size_t i = 0; i < len; i++)
                f->h = (f->h ^ ((const uint8_t *)data)[i]) * 1099511628211ULL;
}

static void fnv_end(void *ctx, char hex[HTTP_DIGEST_HEX_MAX + 1])
{
        struct fnv *f = ctx;
        unsigned n = f->wide ? 64 : 32;

        for (unsigned i = 0; i < n; i++)
                hex[i] = "0123456789abcdef"[(f->h >> ((i % 16) * 4)) & 0xf];
        hex[n] = '\0';
        free(f);
}

static const struct http_hash_ops fnv_ops = { fnv_begin, fnv_update, fnv_end };

static const uint32_t opt_bits[8] = { PCRE2_CASELESS, PCRE2_MULTILINE, PCRE2_DOTALL,  PCRE2_EXTENDED,
                                      PCRE2_UNGREEDY, PCRE2_UTF,       PCRE2_FIRSTLINE, PCRE2_USE_OFFSET_LIMIT };

struct input {
        const uint8_t *p;
        size_t n;
};

static uint8_t take(struct input *in)
{
        uint8_t b = 0;

        if (in->n) {
                b = *in->p++;
                in->n--;
        }
        return b;
}

/* The url's set-up from the header; the pattern goes into re. */
static void setup_url(struct input *in, struct conf_url *u, char *re, size_t re_size)
{
        uint8_t flags = take(in), opts = take(in), re_len = take(in) % (uint8_t)re_size;

        memset(u, 0, sizeof(*u));
        u->path = "/";
        u->regex_no_match = flags & 1;
        if (flags & 2)
                u->digest = flags & 4 ? "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                                      : "0123456789abcdef0123456789abcdef";
        for (unsigned i = 0; i < 8; i++)
                if (opts & (1u << i))
                        u->regex_options |= opt_bits[i];
        u->nstatus = (flags >> 4) % 4;
        for (unsigned i = 0; i < u->nstatus; i++) {
                u->status[i].lo = (uint16_t)(100 + take(in) * 2);
                u->status[i].hi = (uint16_t)(u->status[i].lo + take(in));
        }
        u->regex_min_offset = take(in) % 64;
        u->regex_max_offset = take(in);
        if (flags & 8) {
                size_t n = re_len < in->n ? re_len : in->n;
                memcpy(re, in->p, n);
                re[n] = '\0';
                in->p += n;
                in->n -= n;
                u->regex = re;
        }
}

static void check_verdict(struct input *in, const struct conf_url *u)
{
        long status = 100 + take(in) * 2;
        size_t piece = (size_t)take(in) + 1;
        char detail[CHECK_DETAIL_MAX];
        struct http_body b;
        enum check_result r;

        if (http_body_begin(&b, u, &fnv_ops, true, false) < 0)
                abort();
        for (size_t off = 0; off < in->n; off += piece)
                if (http_body_feed(&b, in->p + off, in->n - off < piece ? in->n - off : piece) < 0)
                        abort();
        http_body_end(&b);
        if (b.total != in->n || b.len > HTTP_REGEX_BODY_MAX || (b.len && memcmp(b.buf, in->p, b.len)))
                abort();
        r = http_verdict(u, status, &b, detail, sizeof(detail));
        if (r != CHECK_OK && r != CHECK_HTTP_STATUS && r != CHECK_DIGEST_MISMATCH && r != CHECK_REGEX_MISMATCH)
                abort();
        if (r == CHECK_OK && !http_status_ok(u, status))
                abort();
        if (strnlen(detail, sizeof(detail)) == sizeof(detail))
                abort();
        http_body_free(&b);
}

/* The body's bytes as a path, a virtualhost and an SNI name. */
static void check_request(const struct input *in)
{
        char text[512];
        size_t n = in->n < sizeof(text) - 1 ? in->n : sizeof(text) - 1;
        struct sockaddr_storage ss = { 0 };
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        struct http_req rq;
        int e;

        memcpy(text, in->p, n);
        text[n] = '\0';
        s6->sin6_family = n % 2 ? AF_INET6 : AF_INET;
        s6->sin6_port = htons((uint16_t)n);
        e = http_req_build(&(struct http_req_in){ .tls = n % 3 == 0, .path = text, .vhost = n % 5 ? text : NULL,
                                                  .sni = n % 7 ? NULL : text, .dst = &ss,
                                                  .protocol = n % 4 ? "1.1" : "1.0C" },
                           &rq);
        if (e == 0 && strncmp(rq.url, "http", 4))
                abort();
        if (e != 0 && e != -ENAMETOOLONG)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct input in = { data, size };
        struct conf_url u;
        char re[64];
        struct http_ending end = { .code = size ? data[0] % (CURL_LAST + 1) : 0, .connected = size > 1 && data[1] & 1,
                                   .os_errno = size > 2 ? data[2] : 0, .local_failure = size > 3 && data[3] == 0xff };

        if (http_curl_result(&end) >= CHECK_RESULT_COUNT)
                abort();
        setup_url(&in, &u, re, sizeof(re));
        check_request(&in);
        check_verdict(&in, &u);
        return 0;
}
