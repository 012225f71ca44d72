/* TCP_CHECK: a non-blocking connect() from a raw socket (so that SO_MARK,
 * SO_BINDTODEVICE, bindto/bind_port and an IPv6 scope can be set before
 * connecting), bounded as a whole by connect_timeout, counted from when
 * the probe leaves the prober's queue (waiting for a slot is vigil's time,
 * not the server's). Connected is success, and the socket is closed at once
 * with a reset (SO_LINGER 0), as HAProxy closes its checks: SYN, SYN-ACK,
 * ACK, RST instead of the FIN exchange, and no TIME_WAIT socket left on the
 * director per check (10,000 checks a second would keep 600,000 of them
 * and run the source ports dry). What fails on this machine's side
 * (socket, option, bind, no route) is CHECK_ERROR and logged with
 * keepalived's "Rescheduling." wording; what the server or the network
 * answers is left to the engine to log.
 *
 * Where vigil differs on purpose: keepalived counts a connect() that
 * fails at once with ENETUNREACH/EHOSTUNREACH (no route from here) as a
 * server failure; vigil names it CHECK_ERROR, since the route is ours
 * (check_connect_result). The same errors arriving later (ICMP, ARP with
 * no answer) still count against the server. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "check/probe_addr.h"
#include "check/probe_internal.h"

/* The reset on close: a check has nothing to say to the server, and
 * neither side keeps the connection's state afterwards. */
static void reset_on_close(int fd)
{
        struct linger l = { .l_onoff = 1, .l_linger = 0 };

        (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

static void finish_connect(struct check_probe_run *r, int err, bool at_call)
{
        enum check_result res = check_connect_result(err, at_call);

        if (res == CHECK_ERROR)
                probe_local_failure(r, "connect failed", err);
        if (res == CHECK_OK)
                reset_on_close(r->fd);
        probe_finish(r, res, err && res != CHECK_ERROR ? "%s" : NULL, strerror(err));
}

/* A connect with no error event is done: the socket's pending error is
 * read only when libuv saw one (status < 0 on POLLERR). */
static void on_writable(uv_poll_t *h, int status, int events)
{
        struct check_probe_run *r = h->data;
        int err = 0;
        socklen_t len = sizeof(err);

        (void)events;
        if (status < 0 && getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                err = errno;
        finish_connect(r, err, false);
}

/* (probe_timeout_start has looked at the socket first: a connect that
 * completed while the loop was busy is handed to on_writable instead.) */
static void on_timeout(uv_timer_t *t)
{
        probe_finish(t->data, CHECK_CONNECT_TIMEOUT, NULL);
}

static void tcp_start(struct check_probe_run *r)
{
        struct check_probe_target t;
        int e = check_probe_target_of(r->vs, r->rs, r->ck, &t);

        if (e < 0) {
                probe_target_failed(r, e);
                return;
        }
        if (probe_sock_open(r, &t, SOCK_STREAM, IPPROTO_TCP) < 0) {
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        if (connect(r->fd, (struct sockaddr *)&t.dst, t.dst_len) == 0) {
                reset_on_close(r->fd);
                probe_report_later(r, CHECK_OK);
                return;
        }
        if (errno != EINPROGRESS) {
                e = errno;
                if (check_connect_result(e, true) == CHECK_ERROR)
                        probe_local_failure(r, "connect failed", e);
                probe_report_later(r, check_connect_result(e, true));
                return;
        }
        if ((e = probe_poll_start(r, UV_WRITABLE, on_writable)) < 0) {
                probe_local_failure(r, "cannot watch the socket", -e);
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        probe_timeout_start(r, t.timeout, on_timeout);
}

const struct probe_ops probe_tcp_ops = { tcp_start, probe_sock_close };
