#include "check/http_verdict.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/probe_addr.h"
#include "common/regex_api.h"

int http_body_begin(struct http_body *b, const struct conf_url *u, const struct http_hash_ops *hash,
                    bool always_digest, bool sha256)
{
        *b = (struct http_body){ .hash = hash, .keep = u && u->regex };
        if (u && u->digest)
                sha256 = strlen(u->digest) == 64;
        if ((u && u->digest) || always_digest) {
                if (!hash || !(b->hash_ctx = hash->begin(sha256)))
                        return -ENOSYS;
        }
        return 0;
}

static int keep_bytes(struct http_body *b, const void *data, size_t len)
{
        size_t room = HTTP_REGEX_BODY_MAX - b->len;

        if (len > room)
                len = room;
        if (!len)
                return 0;
        if (b->len + len > b->cap) {
                size_t cap = b->cap ? b->cap : 4096;
                uint8_t *n;
                while (cap < b->len + len)
                        cap *= 2;
                if (cap > HTTP_REGEX_BODY_MAX)
                        cap = HTTP_REGEX_BODY_MAX;
                if (!(n = realloc(b->buf, cap)))
                        return -ENOMEM;
                b->buf = n;
                b->cap = cap;
        }
        memcpy(b->buf + b->len, data, len);
        b->len += len;
        return 0;
}

int http_body_feed(struct http_body *b, const void *data, size_t len)
{
        b->total += len;
        if (b->hash_ctx && len)
                b->hash->update(b->hash_ctx, data, len);
        return b->keep ? keep_bytes(b, data, len) : 0;
}

void http_body_end(struct http_body *b)
{
        if (b->hash_ctx) {
                b->hash->end(b->hash_ctx, b->digest);
                b->hash_ctx = NULL;
        }
}

void http_body_free(struct http_body *b)
{
        http_body_end(b);
        free(b->buf);
        b->buf = NULL;
        b->len = b->cap = 0;
}

bool http_status_ok(const struct conf_url *u, long status)
{
        if (!u->nstatus)
                return status >= 200 && status <= 299;
        for (unsigned i = 0; i < u->nstatus; i++)
                if (status >= u->status[i].lo && status <= u->status[i].hi)
                        return true;
        return false;
}

static void jit(const struct pcre2_api *re2, pcre2_code *re, const struct conf_url *u, pcre2_match_context *mctx,
                pcre2_jit_stack **stack)
{
        if (re2->jit_compile(re, PCRE2_JIT_COMPLETE) != 0)
                return;
        if (u->regex_stack_max && (*stack = re2->jit_stack_create(u->regex_stack_start, u->regex_stack_max, NULL)))
                re2->jit_stack_assign(mctx, NULL, *stack);
}

/* The leftmost match decides: if it starts after regex_max_offset, no
 * match starts early enough. */
static bool regex_matches(const struct pcre2_api *re2, const struct conf_url *u, pcre2_code *re, const uint8_t *body,
                          size_t len)
{
        pcre2_match_data *md = re2->match_data_create_from_pattern(re, NULL);
        pcre2_match_context *mctx = re2->match_context_create(NULL);
        pcre2_jit_stack *stack = NULL;
        bool matched = false;
        int rc;

        if (md && mctx && u->regex_min_offset <= len) {
                jit(re2, re, u, mctx, &stack);
                if (u->regex_max_offset && (u->regex_options & PCRE2_USE_OFFSET_LIMIT))
                        re2->set_offset_limit(mctx, u->regex_max_offset);
                rc = re2->match(re, body ? body : (const uint8_t *)"", len, u->regex_min_offset, 0, md, mctx);
                matched = rc >= 0 &&
                          (!u->regex_max_offset || re2->get_ovector_pointer(md)[0] <= u->regex_max_offset);
        }
        re2->jit_stack_free(stack);
        re2->match_context_free(mctx);
        re2->match_data_free(md);
        return matched;
}

bool http_regex_passes(const struct conf_url *u, const uint8_t *body, size_t len)
{
        const struct pcre2_api *re2;
        int err;
        PCRE2_SIZE off;
        pcre2_code *re;
        bool matched;

        if (!u->regex)
                return true;
        /* the parser loaded the library to compile the regex: NULL here
         * only if it vanished since, and then the check cannot pass */
        if (!(re2 = pcre2_api()))
                return false;
        re = re2->compile((PCRE2_SPTR)u->regex, PCRE2_ZERO_TERMINATED, u->regex_options, &err, &off, NULL);
        if (!re)
                return false;
        matched = regex_matches(re2, u, re, body, len);
        re2->code_free(re);
        return matched != u->regex_no_match;
}

enum check_result http_verdict(const struct conf_url *u, long status, const struct http_body *b, char *detail,
                               size_t size)
{
        if (size)
                detail[0] = '\0';
        if (!http_status_ok(u, status)) {
                snprintf(detail, size, "%ld", status);
                return CHECK_HTTP_STATUS;
        }
        if (u->digest && strcmp(u->digest, b->digest)) {
                snprintf(detail, size, "%s", b->digest);
                return CHECK_DIGEST_MISMATCH;
        }
        if (u->regex && !http_regex_passes(u, b->buf, b->len)) {
                snprintf(detail, size, "%s", u->regex_no_match ? "regex_no_match matched" : "regex did not match");
                return CHECK_REGEX_MISMATCH;
        }
        return CHECK_OK;
}

static enum check_result tls_result(CURLcode c)
{
        switch ((int)c) {
        case CURLE_SSL_CERTPROBLEM:     /* our client certificate or key */
        case CURLE_SSL_CACERT_BADFILE:  /* our SSL ca file */
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_SSL_ENGINE_INITFAILED:
        case CURLE_SSL_CRL_BADFILE:
                return CHECK_ERROR;
        default:
                return CHECK_TLS_FAILED;
        }
}

enum check_result http_curl_result(const struct http_ending *e)
{
        CURLcode c = (CURLcode)e->code;

        if (e->local_failure)
                return CHECK_ERROR;
        switch ((int)c) {
        case CURLE_OK:
                return CHECK_OK;
        case CURLE_COULDNT_CONNECT:
                /* a reset instead of the SYN's answer is a refusal; a reset
                 * (ECONNRESET, not ECONNREFUSED) means the handshake was
                 * done and the server dropped the connection before curl
                 * saw it complete: the server accepted, so it is the
                 * answer that failed */
                if (e->os_errno == ECONNRESET)
                        return CHECK_PROBE_FAILED;
                return e->os_errno ? check_connect_result(e->os_errno, false) : CHECK_CONNECT_REFUSED;
        case CURLE_OPERATION_TIMEDOUT:
                return e->connected ? CHECK_PROBE_TIMEOUT : CHECK_CONNECT_TIMEOUT;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_SHUTDOWN_FAILED:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_SSL_ENGINE_INITFAILED:
        case CURLE_SSL_CRL_BADFILE:
                return tls_result(c);
        case CURLE_GOT_NOTHING:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_PARTIAL_FILE:
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_BAD_CONTENT_ENCODING:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_HTTP3:
        case CURLE_TOO_MANY_REDIRECTS:
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_FILESIZE_EXCEEDED:
                return e->connected ? CHECK_PROBE_FAILED : CHECK_CONNECT_REFUSED;
        default:
                /* out of memory, our write callback, init, bad options,
                 * interface/bind: this machine's side */
                return CHECK_ERROR;
        }
}
