/* SMTP_CHECK: a non-blocking TCP connect (probe_sock_open: fwmark,
 * bind_if, bindto/bind_port as TCP_CHECK), then the dialogue of
 * check/smtp_reply.c (banner 220, HELO, 250, QUIT), the whole of it
 * bounded by connect_timeout from when the probe left the queue. Not
 * connected in time: connect_timeout; connected but a reply not complete
 * in time: probe_timeout ("no banner", "no answer to HELO"); a wrong code
 * or something that is not SMTP: probe_failed, the detail naming the
 * stage, the code and the start of the server's text ("banner 554 no
 * service"). Once HELO is answered 250 the server is up: QUIT is sent and
 * its reply awaited, but whatever comes of it (an answer, a close, the
 * timeout) is success, so that a server that drops the line on QUIT is
 * not counted down. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check/probe_addr.h"
#include "check/probe_internal.h"
#include "check/smtp_reply.h"

struct smtp_probe {
        struct smtp_dialog d;
        bool connected;
        char wbuf[2 * SMTP_LINE_MAX];   /* bytes still to send */
        size_t wlen;
        char rbuf[4096];
};

static void finish(struct check_probe_run *r, const struct smtp_outcome *o)
{
        probe_finish(r, o->result, o->detail[0] ? "%s" : NULL, o->detail);
}

static void closed(struct check_probe_run *r, int err)
{
        struct smtp_probe *s = r->priv;
        struct smtp_outcome o;

        smtp_dialog_closed(&s->d, err, &o);
        finish(r, &o);
}

static void on_timeout(uv_timer_t *t)
{
        struct check_probe_run *r = t->data;
        struct smtp_probe *s = r->priv;
        struct smtp_outcome o;

        if (!s->connected) {
                probe_finish(r, CHECK_CONNECT_TIMEOUT, NULL);
                return;
        }
        smtp_dialog_timeout(&s->d, &o);
        finish(r, &o);
}

static void on_io(uv_poll_t *h, int status, int events);

/* Send what is queued; false once the probe has ended. */
static bool flush(struct check_probe_run *r)
{
        struct smtp_probe *s = r->priv;

        while (s->wlen) {
                ssize_t n = send(r->fd, s->wbuf, s->wlen, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        break;
                if (n < 0) {
                        closed(r, errno);
                        return false;
                }
                memmove(s->wbuf, s->wbuf + n, s->wlen - (size_t)n);
                s->wlen -= (size_t)n;
        }
        int e = probe_poll_start(r, UV_READABLE | (s->wlen ? UV_WRITABLE : 0), on_io);

        if (e < 0) {
                probe_local_failure(r, "cannot watch the socket", -e);
                probe_finish(r, CHECK_ERROR, NULL);
                return false;
        }
        return true;
}

static void queue_output(struct smtp_probe *s)
{
        size_t len;
        const char *line = smtp_dialog_output(&s->d, &len);

        if (len <= sizeof(s->wbuf) - s->wlen) {
                memcpy(s->wbuf + s->wlen, line, len);
                s->wlen += len;
        }
}

/* Feed what was read; false once the probe has ended. */
static bool feed(struct check_probe_run *r, const char *p, size_t n)
{
        struct smtp_probe *s = r->priv;
        struct smtp_outcome o;

        while (n) {
                size_t used;
                enum smtp_next next = smtp_dialog_input(&s->d, p, n, &used, &o);
                p += used;
                n -= used;
                if (next == SMTP_NEXT_END) {
                        finish(r, &o);
                        return false;
                }
                if (next == SMTP_NEXT_SEND) {
                        queue_output(s);
                        if (!flush(r))
                                return false;
                }
        }
        return true;
}

static void on_readable(struct check_probe_run *r)
{
        struct smtp_probe *s = r->priv;

        for (;;) {
                ssize_t n = recv(r->fd, s->rbuf, sizeof(s->rbuf), MSG_DONTWAIT);
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        return;
                if (n <= 0) {
                        closed(r, n < 0 ? errno : 0);
                        return;
                }
                if (!feed(r, s->rbuf, (size_t)n))
                        return;
        }
}

static void on_io(uv_poll_t *h, int status, int events)
{
        struct check_probe_run *r = h->data;

        if (status < 0 && !(events & UV_READABLE)) {
                closed(r, ECONNRESET);
                return;
        }
        if ((events & UV_WRITABLE) && !flush(r))
                return;
        if (events & UV_READABLE)
                on_readable(r);
}

/* Connected: wait for the banner. 0 or -errno (the caller reports). */
static int connected(struct check_probe_run *r)
{
        struct smtp_probe *s = r->priv;
        int e;

        s->connected = true;
        if ((e = probe_poll_start(r, UV_READABLE, on_io)) < 0)
                probe_local_failure(r, "cannot watch the socket", -e);
        return e;
}

static void on_connect(uv_poll_t *h, int status, int events)
{
        struct check_probe_run *r = h->data;
        int err = 0;
        socklen_t len = sizeof(err);
        enum check_result res;

        (void)status;
        (void)events;
        if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                err = errno;
        if (!err) {
                if (connected(r) < 0)
                        probe_finish(r, CHECK_ERROR, NULL);
                return;
        }
        res = check_connect_result(err, false);
        if (res == CHECK_ERROR)
                probe_local_failure(r, "connect failed", err);
        probe_finish(r, res, res != CHECK_ERROR ? "%s" : NULL, strerror(err));
}

/* Connect; a failure found here is reported on the next loop turn. */
static enum check_result smtp_connect(struct check_probe_run *r, struct check_probe_target *t)
{
        int e;

        if (probe_sock_open(r, t, SOCK_STREAM, IPPROTO_TCP) < 0)
                return CHECK_ERROR;
        probe_timeout_start(r, t->timeout, on_timeout);
        if (connect(r->fd, (struct sockaddr *)&t->dst, t->dst_len) == 0)
                return connected(r) < 0 ? CHECK_ERROR : CHECK_OK;
        if (errno != EINPROGRESS) {
                e = errno;
                if (check_connect_result(e, true) == CHECK_ERROR)
                        probe_local_failure(r, "connect failed", e);
                return check_connect_result(e, true);
        }
        if ((e = probe_poll_start(r, UV_WRITABLE, on_connect)) < 0) {
                probe_local_failure(r, "cannot watch the socket", -e);
                return CHECK_ERROR;
        }
        return CHECK_OK;
}

static void smtp_start(struct check_probe_run *r)
{
        struct check_probe_target t;
        struct smtp_probe *s;
        enum check_result res;
        int e = check_probe_target_of(r->vs, r->rs, r->ck, &t);

        if (e < 0) {
                probe_target_failed(r, e);
                return;
        }
        if (!(s = probe_priv_new(r, sizeof(*s))))
                return;
        r->priv = s;
        smtp_dialog_init(&s->d, r->ck->helo_name);
        /* CHECK_OK here only means under way: the ending comes from the loop */
        if ((res = smtp_connect(r, &t)) != CHECK_OK)
                probe_report_later(r, res);
}

static void smtp_stop(struct check_probe_run *r)
{
        probe_sock_close(r);
        free(r->priv);
        r->priv = NULL;
}

const struct probe_ops probe_smtp_ops = { smtp_start, smtp_stop };
