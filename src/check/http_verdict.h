/* HTTP_GET / SSL_GET's decisions, pure: whether a url's answer passes
 * (status in status_code, the body's digest, the regex over the body with
 * its offsets), the body accumulated as it streams in, and what a libcurl
 * ending means as a check_result (keepalived-reference.md §6.7). No I/O:
 * the digest's arithmetic comes through struct http_hash_ops (libcrypto in
 * the daemon, check/http_hash.c), the bytes from the caller. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/decide.h"
#include "conf/model.h"

/* MD5 is 32 hex digits, SHA-256 64: a url's digest picks by its length. */
#define HTTP_DIGEST_HEX_MAX 64
/* The body kept for the regex; beyond this the regex sees the first
 * HTTP_REGEX_BODY_MAX bytes only (the digest always covers all of it). */
#define HTTP_REGEX_BODY_MAX (1024 * 1024)

struct http_hash_ops {
        /* A running digest (sha256 false: MD5); NULL if it cannot be made. */
        void *(*begin)(bool sha256);
        void (*update)(void *ctx, const void *data, size_t len);
        /* Lowercase hex into hex, and the context is freed. */
        void (*end)(void *ctx, char hex[HTTP_DIGEST_HEX_MAX + 1]);
};

struct http_body {
        const struct http_hash_ops *hash;
        void *hash_ctx;                 /* NULL: no digest to compute */
        bool keep;                      /* the regex needs the bytes */
        uint8_t *buf;
        size_t len, cap;
        uint64_t total;                 /* bytes seen */
        char digest[HTTP_DIGEST_HEX_MAX + 1];   /* after http_body_end */
};

/* Ready for u's body: a digest if u has one (or always_digest, for
 * genhash; sha256 picks the kind then), the bytes kept if u has a regex.
 * 0, or -ENOMEM / -ENOSYS (no digest available). */
int http_body_begin(struct http_body *b, const struct conf_url *u, const struct http_hash_ops *hash,
                    bool always_digest, bool sha256);
/* More of the body. 0 or -ENOMEM. */
int http_body_feed(struct http_body *b, const void *data, size_t len);
/* The digest is final (b->digest); idempotent. */
void http_body_end(struct http_body *b);
void http_body_free(struct http_body *b);

/* status in u's status_code (200-299 when it has none). */
bool http_status_ok(const struct conf_url *u, long status);

/* The answer's verdict, in keepalived's order: status (detail "503"),
 * digest (detail: the digest received), regex. b must be ended. */
enum check_result http_verdict(const struct conf_url *u, long status, const struct http_body *b, char *detail,
                               size_t size);

/* u's regex over body: true when it passes (a match, or none with
 * regex_no_match). A pattern that does not compile fails. */
bool http_regex_passes(const struct conf_url *u, const uint8_t *body, size_t len);

/* How a libcurl transfer ended, as libcurl tells it. */
struct http_ending {
        int code;                       /* CURLcode */
        bool connected;                 /* the TCP connection was made */
        int os_errno;                   /* CURLINFO_OS_ERRNO */
        bool local_failure;             /* our socket callback failed (bind, fwmark, EMFILE) */
};

/* What a libcurl ending other than CURLE_OK means for the server:
 * refused/unreachable at connect, a timeout before or after connecting,
 * TLS, a reply cut short or malformed, or vigil's own trouble. */
enum check_result http_curl_result(const struct http_ending *e);
