#include "check/http_xfer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/http_hash.h"

/* Easy handles kept between probes: curl_easy_init allocates and sets
 * up a handle (and its receive buffer at the first transfer) that a
 * probe of one request would throw away. A kept handle is reset to
 * libcurl's defaults before each use and set up from the probe's options
 * alone, so nothing of the last probe (a reloaded checker's url, TLS
 * files, share) carries over; its connection is never kept
 * (FORBID_REUSE). Bounded: the handles beyond it are cleaned up. A
 * kept handle costs ~50 KB (measured: 64 kept added 3.7 MB of RSS at 300
 * SSL_GET), and a few cover the probes in flight at 1,000 checks/s. */
#define POOL_MAX 8
#define CA_CACHE_S 60
static struct {
        CURL *easy[POOL_MAX];
        unsigned n;
} pool;

static CURL *easy_take(const struct curl_uv_lib *lc)
{
        CURL *e;

        if (!pool.n)
                return lc->easy_init();
        e = pool.easy[--pool.n];
        lc->easy_reset(e);
        return e;
}

static void easy_give(const struct curl_uv_lib *lc, CURL *e)
{
        /* a share outlives curl_easy_reset: let go of it here, so that
         * the next probe only resumes through the share it names */
        lc->easy_setopt(e, CURLOPT_SHARE, NULL);
        if (pool.n < POOL_MAX)
                pool.easy[pool.n++] = e;
        else
                lc->easy_cleanup(e);
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
        struct http_xfer *x = ctx;

        if (http_body_feed(&x->body, data, size * n) < 0) {
                x->body_failed = true;
                return 0;
        }
        return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
        struct http_xfer *x = ctx;
        char *h = realloc(x->head, x->head_len + size * n + 1);

        if (!h)
                return 0;
        memcpy(h + x->head_len, data, size * n);
        x->head = h;
        x->head_len += size * n;
        h[x->head_len] = '\0';
        return size * n;
}

/* Called once connected (and past TLS), before the request goes out. */
static int on_prereq(void *ctx, char *ip, char *local, int port, int local_port)
{
        (void)ip, (void)local, (void)port, (void)local_port;
        ((struct http_xfer *)ctx)->connected = true;
        return CURL_PREREQFUNC_OK;
}

/* keepalived's request headers; libcurl's own Accept is removed. */
static int headers_of(struct http_xfer *x, const struct http_req *rq)
{
        const char *h[] = { rq->host_header, HTTP_USER_AGENT, rq->conn_close ? "Connection: close" : NULL, "Accept:" };

        for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
                struct curl_slist *n;
                if (!h[i])
                        continue;
                if (!(n = x->lc->slist_append(x->headers, h[i])))
                        return -ENOMEM;
                x->headers = n;
        }
        if (!(x->connect_to = x->lc->slist_append(NULL, rq->connect_to)))
                return -ENOMEM;
        return 0;
}

static void set_tls(struct http_xfer *x, const struct http_xfer_opts *o)
{
        CURL *e = x->easy;
        const struct conf_ssl *ssl = o->ssl && o->ssl->present ? o->ssl : NULL;

        x->lc->easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o->tls_verify ? 1L : 0L);
        x->lc->easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o->tls_verify ? 2L : 0L);
        if (ssl && ssl->ca && o->tls_verify)
                x->lc->easy_setopt(e, CURLOPT_CAINFO, ssl->ca);
        /* the CAs come from one file (SSL { ca }, else the system's
         * bundle), not also from a directory: libcurl then keeps the parsed
         * store between transfers instead of reading the file at every
         * connection; a file changed in place is read again within
         * CA_CACHE_S */
        x->lc->easy_setopt(e, CURLOPT_CAPATH, NULL);
        x->lc->easy_setopt(e, CURLOPT_CA_CACHE_TIMEOUT, (long)CA_CACHE_S);
        if (ssl && ssl->certificate)
                x->lc->easy_setopt(e, CURLOPT_SSLCERT, ssl->certificate);
        if (ssl && ssl->key)
                x->lc->easy_setopt(e, CURLOPT_SSLKEY, ssl->key);
        if (ssl && ssl->password)
                x->lc->easy_setopt(e, CURLOPT_KEYPASSWD, ssl->password);
        if (!o->tls_verify)     /* nothing to verify with: no CA store at all */
                x->lc->easy_setopt(e, CURLOPT_CAINFO, NULL);
        /* sessions are resumed only through the share tls_session_reuse
         * names, never from a kept handle's own cache */
        x->lc->easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, o->share ? 1L : 0L);
        if (o->share)
                x->lc->easy_setopt(e, CURLOPT_SHARE, o->share);
}

static void set_request(struct http_xfer *x, const struct http_xfer_opts *o)
{
        CURL *e = x->easy;
        long t = o->timeout_ms > 0 ? (long)o->timeout_ms : 1L;

        x->lc->easy_setopt(e, CURLOPT_URL, o->req->url);
        x->lc->easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        x->lc->easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
        x->lc->easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
        x->lc->easy_setopt(e, CURLOPT_CONNECT_TO, x->connect_to);
        x->lc->easy_setopt(e, CURLOPT_HTTP_VERSION,
                           o->req->http11 ? (long)CURL_HTTP_VERSION_1_1 : (long)CURL_HTTP_VERSION_1_0);
        /* a new connection per probe, as keepalived makes */
        x->lc->easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
        x->lc->easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
        x->lc->easy_setopt(e, CURLOPT_TIMEOUT_MS, t);
        x->lc->easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, t);
        x->lc->easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
        x->lc->easy_setopt(e, CURLOPT_NOPROGRESS, 1L);
        /* keepalived digests the bytes after the header as they came,
         * chunk framing included */
        x->lc->easy_setopt(e, CURLOPT_HTTP_TRANSFER_DECODING, o->decode_chunked ? 1L : 0L);
        x->lc->easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        x->lc->easy_setopt(e, CURLOPT_WRITEDATA, x);
        x->lc->easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
        x->lc->easy_setopt(e, CURLOPT_PREREQDATA, x);
        if (o->keep_headers) {
                x->lc->easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
                x->lc->easy_setopt(e, CURLOPT_HEADERDATA, x);
        }
        if (o->open_socket) {
                x->lc->easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, o->open_socket);
                x->lc->easy_setopt(e, CURLOPT_OPENSOCKETDATA, o->open_socket_ctx);
        }
}

int http_xfer_setup(struct http_xfer *x, const struct http_xfer_opts *o)
{
        int e;

        memset(x, 0, sizeof(*x));
        if (!(x->lc = curl_uv_lib()))
                return -ENOSYS;
        if ((e = http_body_begin(&x->body, o->url, http_hash_ops(), o->always_digest, o->sha256)) < 0 ||
            (e = headers_of(x, o->req)) < 0 || (e = (x->easy = easy_take(x->lc)) ? 0 : -ENOMEM) < 0) {
                http_xfer_free(x);
                return e;
        }
        set_request(x, o);
        if (o->req->tls)
                set_tls(x, o);
        return 0;
}

static enum check_result failed(struct http_xfer *x, CURLcode code, char *detail, size_t size)
{
        long os_errno = 0;
        curl_off_t connect_time = 0;
        struct http_ending end = { .code = (int)code, .local_failure = x->local_failure || x->body_failed };
        enum check_result res;

        x->lc->easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os_errno);
        x->lc->easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &connect_time);
        end.os_errno = (int)os_errno;
        end.connected = x->connected || connect_time > 0;
        res = http_curl_result(&end);
        /* a connect's ending reads as TCP_CHECK's; the rest in curl's words */
        if ((res == CHECK_CONNECT_REFUSED || res == CHECK_CONNECT_TIMEOUT) && end.os_errno)
                snprintf(detail, size, "%s", strerror(end.os_errno));
        else
                snprintf(detail, size, "%s", x->errbuf[0] ? x->errbuf : x->lc->easy_strerror(code));
        return res;
}

enum check_result http_xfer_result(struct http_xfer *x, const struct conf_url *u, CURLcode code, char *detail,
                                   size_t size, long *status)
{
        *status = 0;
        if (size)
                detail[0] = '\0';
        if (code != CURLE_OK)
                return failed(x, code, detail, size);
        x->lc->easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, status);
        http_body_end(&x->body);
        if (!u)
                return CHECK_OK;
        return http_verdict(u, *status, &x->body, detail, size);
}

void http_xfer_free(struct http_xfer *x)
{
        if (x->easy)
                easy_give(x->lc, x->easy);
        if (x->headers)
                x->lc->slist_free_all(x->headers);
        if (x->connect_to)
                x->lc->slist_free_all(x->connect_to);
        http_body_free(&x->body);
        free(x->head);
        memset(x, 0, sizeof(*x));
}
