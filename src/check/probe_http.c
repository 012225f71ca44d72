/* HTTP_GET and SSL_GET: every url of the checker fetched in order on the
 * check worker's libcurl-multi driver (worker/curl_uv.h), each judged by
 * check/http_verdict.h; the checker passes only when every url does. The
 * request is keepalived's (check/http_req.h); libcurl connects to the
 * probe target (connect_ip/port) through a socket made here, so fwmark,
 * bind_if, bindto/bind_port apply as to TCP_CHECK, while the URL and Host
 * name the virtualhost. connect_timeout bounds the whole probe, all urls
 * together (keepalived bounds each read, so a server that trickles its
 * answer never times out there).
 *
 * keepalived checks one url per delay_loop in rotation; vigil fetches
 * them all in one probe, so a probe's result speaks for the whole
 * checker and the retry count means the same as for the other types. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/http_sessions.h"
#include "check/http_xfer.h"
#include "check/probe_addr.h"
#include "check/probe_internal.h"
#include "common/log.h"

struct http_run {
        struct check_probe_run *r;
        struct check_probe_target t;
        const struct conf_url *url;     /* being fetched */
        struct http_req req;
        struct http_xfer x;
        bool running;                   /* x.easy is on the driver */
        bool starting;                  /* inside curl_uv_start */
        bool start_failed;
        int64_t deadline;               /* µs, the loop's clock */
        struct http_session *session;   /* tls_session_reuse: this server's share */
        uv_loop_t *loop;                /* kept: stop() comes after the prober let go */
};

static int64_t now_us(const struct check_probe_run *r)
{
        uv_update_time(probe_loop(r));
        return (int64_t)uv_now(probe_loop(r)) * 1000;
}

/* CURLOPT_OPENSOCKETFUNCTION: the probe's own socket, with its options. */
static curl_socket_t open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
        struct http_run *hr = ctx;
        struct check_probe_target t = hr->t;
        curl_socket_t fd;

        if (purpose != CURLSOCKTYPE_IPCXN || a->family != t.dst.ss_family)
                return CURL_SOCKET_BAD;
        if (probe_sock_open(hr->r, &t, SOCK_STREAM, IPPROTO_TCP) < 0) {
                if (hr->r->fd >= 0)
                        close(hr->r->fd);
                hr->r->fd = -1;
                hr->x.local_failure = true;
                return CURL_SOCKET_BAD;
        }
        /* the target itself, with an IPv6 link-local scope; libcurl's
         * address storage holds any sockaddr */
        if (t.dst_len <= sizeof(struct sockaddr_storage)) {
                memcpy((char *)a + offsetof(struct curl_sockaddr, addr), &t.dst, t.dst_len);
                a->addrlen = t.dst_len;
        }
        fd = hr->r->fd;
        hr->r->fd = -1;
        return fd;
}

static const char *sni_of(const struct conf_checker *ck, const char *vhost)
{
        if (ck->type != CHECK_SSL || !ck->enable_sni)
                return NULL;
        return ck->sni_name ? ck->sni_name : vhost;
}

static void on_done(void *ctx, CURL *easy, CURLcode code);

/* The transfer's handle back to the pool, then its share (the handle
 * has let go of it). */
static void xfer_end(struct http_run *hr)
{
        http_xfer_free(&hr->x);
        if (hr->session)
                http_session_put(hr->session, (int64_t)uv_now(hr->loop));
        hr->session = NULL;
}

/* Start hr->url's GET: CHECK_OK when it runs, else what to report. */
static enum check_result start_url(struct http_run *hr)
{
        const struct conf_checker *ck = hr->r->ck;
        const char *vhost = hr->url->virtualhost ? hr->url->virtualhost : ck->virtualhost;
        struct http_req_in in = { .tls = ck->type == CHECK_SSL, .path = hr->url->path, .vhost = vhost,
                                  .sni = sni_of(ck, vhost), .dst = &hr->t.dst, .protocol = ck->http_protocol };
        struct http_xfer_opts o = { .req = &hr->req, .url = hr->url, .ssl = probe_ssl(hr->r), .tls_verify = ck->tls_verify,
                                    .decode_chunked = ck->decode_chunked, .open_socket = open_socket,
                                    .open_socket_ctx = hr };
        int64_t left = hr->deadline - now_us(hr->r);
        int e;

        if (left <= 0)
                return CHECK_PROBE_TIMEOUT;
        o.timeout_ms = (left + 999) / 1000;
        if ((e = http_req_build(&in, &hr->req)) < 0) {
                probe_local_failure(hr->r, "cannot build the request (url path too long?)", -e);
                return CHECK_ERROR;
        }
        if (ck->tls_session_reuse && in.tls && curl_uv_lib() &&
            (hr->session = http_session_get(curl_uv_lib(), hr->req.connect_to, now_us(hr->r) / 1000)))
                o.share = http_session_share(hr->session);
        if ((e = http_xfer_setup(&hr->x, &o)) < 0) {
                probe_local_failure(hr->r, "cannot set up the transfer (libcurl or libcrypto missing?)", -e);
                return CHECK_ERROR;
        }
        hr->starting = true;
        hr->start_failed = false;
        hr->running = curl_uv_start(probe_loop(hr->r), hr->x.easy, on_done, hr) == 0;
        hr->starting = false;
        if (!hr->running || hr->start_failed) {
                hr->running = false;
                probe_local_failure(hr->r, "cannot start the transfer", ENOMEM);
                return CHECK_ERROR;
        }
        return CHECK_OK;
}

static void on_done(void *ctx, CURL *easy, CURLcode code)
{
        struct http_run *hr = ctx;
        char detail[CHECK_DETAIL_MAX];
        long status;
        enum check_result res;

        (void)easy;
        hr->running = false;
        if (hr->starting) {
                hr->start_failed = true;
                return;
        }
        res = http_xfer_result(&hr->x, hr->url, code, detail, sizeof(detail), &status);
        if (res == CHECK_OK && hr->url->next) {
                xfer_end(hr);
                hr->url = hr->url->next;
                if ((res = start_url(hr)) == CHECK_OK)
                        return;
                detail[0] = '\0';
        }
        probe_finish(hr->r, res, detail[0] ? "%s" : NULL, detail);
}

static void http_start(struct check_probe_run *r)
{
        struct http_run *hr = calloc(1, sizeof(*hr));
        enum check_result res;
        int e;

        if (!hr) {
                probe_local_failure(r, "cannot start the probe", ENOMEM);
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        r->priv = hr;
        hr->r = r;
        hr->loop = probe_loop(r);
        if ((e = check_probe_target_of(r->vs, r->rs, r->ck, &hr->t)) < 0) {
                probe_target_failed(r, e);
                return;
        }
        hr->deadline = now_us(r) + hr->t.timeout;
        hr->url = r->ck->url.first;
        if (!hr->url) {
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        if ((res = start_url(hr)) != CHECK_OK)
                probe_report_later(r, res);
}

static void http_stop(struct check_probe_run *r)
{
        struct http_run *hr = r->priv;

        if (!hr)
                return;
        if (hr->running)
                curl_uv_cancel(hr->x.easy);
        xfer_end(hr);
        free(hr);
        r->priv = NULL;
}

const struct probe_ops probe_http_ops = { http_start, http_stop };
