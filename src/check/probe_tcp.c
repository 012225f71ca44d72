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
 * The connecting sockets of all TCP probes sit in one epoll set of their
 * own, watched by one uv_poll: a uv_poll per probe costs six epoll_ctl and
 * an ioctl (libuv tries the descriptor, adds it, removes it twice), the
 * set one epoll_ctl, EPOLLONESHOT, the close removing it.
 *
 * Where vigil differs on purpose: keepalived counts a connect() that
 * fails at once with ENETUNREACH/EHOSTUNREACH (no route from here) as a
 * server failure; vigil names it CHECK_ERROR, since the route is ours
 * (check_connect_result). The same errors arriving later (ICMP, ARP with
 * no answer) still count against the server. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/probe_addr.h"
#include "check/probe_internal.h"

#define CONN_BATCH 64

struct probe_conn_set {
        uv_poll_t poll;
        int epfd;
};

static void finish_connect(struct check_probe_run *r, int err, bool at_call);

/* Out of the set: a probe that never saw its event (timeout, cancel)
 * must leave it before its memory goes, as a forked child may hold the
 * socket open past our close. */
static void conn_forget(struct check_probe_run *r)
{
        if (!r->in_set)
                return;
        r->in_set = false;
        epoll_ctl(r->conns->epfd, EPOLL_CTL_DEL, r->fd, &(struct epoll_event){ 0 });
        probe_release(r);
}

static void conn_event(struct check_probe_run *r, uint32_t events)
{
        int err = 0;
        socklen_t len = sizeof(err);

        r->in_set = false; /* EPOLLONESHOT: disarmed, and the close removes it */
        probe_release(r);
        if ((events & (EPOLLERR | EPOLLHUP)) && getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                err = errno;
        finish_connect(r, err, false);
}

/* A callback may cancel any run, one of this batch too: each is held
 * until the batch is done, and one cancelled meanwhile is out of the set. */
static void on_conns(uv_poll_t *h, int status, int events)
{
        struct probe_conn_set *s = h->data;
        struct epoll_event ev[CONN_BATCH];
        int n;

        (void)status;
        (void)events;
        do {
                n = epoll_wait(s->epfd, ev, CONN_BATCH, 0);
                for (int i = 0; i < n; i++)
                        probe_hold(ev[i].data.ptr);
                for (int i = 0; i < n; i++) {
                        struct check_probe_run *r = ev[i].data.ptr;
                        if (r->in_set)
                                conn_event(r, ev[i].events);
                        probe_release(r);
                }
        } while (n == CONN_BATCH && !uv_is_closing((uv_handle_t *)&s->poll)); /* closed by a callback */
}

static void conns_closed(uv_handle_t *h)
{
        struct probe_conn_set *s = h->data;

        close(s->epfd);
        free(s);
}

int probe_conn_set_open(uv_loop_t *loop, struct probe_conn_set **ret)
{
        struct probe_conn_set *s = calloc(1, sizeof(*s));
        int e;

        if (!s)
                return -ENOMEM;
        if ((s->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
                e = -errno;
                free(s);
                return e;
        }
        if ((e = uv_poll_init(loop, &s->poll, s->epfd)) < 0) {
                close(s->epfd);
                free(s);
                return e;
        }
        s->poll.data = s;
        uv_unref((uv_handle_t *)&s->poll); /* the probes' timers keep the loop alive, not the set */
        if ((e = uv_poll_start(&s->poll, UV_READABLE, on_conns)) < 0) {
                uv_close((uv_handle_t *)&s->poll, conns_closed);
                return e;
        }
        *ret = s;
        return 0;
}

void probe_conn_set_close(struct probe_conn_set *s)
{
        if (s)
                uv_close((uv_handle_t *)&s->poll, conns_closed);
}

static void on_timeout(uv_timer_t *t)
{
        probe_finish(t->data, CHECK_CONNECT_TIMEOUT, NULL);
}

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

static int conn_watch(struct check_probe_run *r)
{
        struct epoll_event ev = { .events = EPOLLOUT | EPOLLONESHOT, .data.ptr = r };

        if (!(r->conns = probe_conns(r)))
                return -ENOMEM;
        if (epoll_ctl(r->conns->epfd, EPOLL_CTL_ADD, r->fd, &ev) < 0)
                return -errno;
        r->in_set = true;
        probe_hold(r);
        return 0;
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
        if ((e = conn_watch(r)) < 0) {
                probe_local_failure(r, "cannot watch the socket", -e);
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        probe_timeout_start(r, t.timeout, on_timeout);
}

static void tcp_stop(struct check_probe_run *r)
{
        conn_forget(r);
        probe_sock_close(r);
}

const struct probe_ops probe_tcp_ops = { tcp_start, tcp_stop };
