/* The socket work every network probe does the same way: the target's
 * socket with its options (SO_MARK for fwmark, SO_BINDTODEVICE for
 * bind_if, the IPv6 scope of a link-local address, bindto/bind_port),
 * the poll handle, the whole probe's timeout, and the wording of a
 * failure on vigil's side. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/icmp_echo.h"
#include "check/probe_addr.h"
#include "check/probe_internal.h"
#include "common/addr.h"
#include "common/log.h"

const char *probe_dst_str(const struct check_probe_run *r, const char *proto, char *buf, size_t size)
{
        char ip[INET6_ADDRSTRLEN];
        const struct conf_ip *a = r->ck->connect_ip.family ? &r->ck->connect_ip : &r->rs->addr;
        struct check_probe_target t;
        unsigned port = 0;

        if (check_probe_target_of(r->vs, r->rs, r->ck, &t) == 0)
                port = ntohs(t.dst.ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)&t.dst)->sin6_port
                                                         : ((const struct sockaddr_in *)&t.dst)->sin_port);
        conf_ip_str(a, ip, sizeof(ip));
        snprintf(buf, size, "[%s]:%s:%u", ip, proto, port);
        return buf;
}

static const char *proto_of(const struct check_probe_run *r)
{
        enum conf_checker_type t = r->ck->type;

        return t == CHECK_UDP || t == CHECK_DNS ? "udp" : t == CHECK_PING ? "icmp" : "tcp";
}

void probe_local_failure(struct check_probe_run *r, const char *what, int err)
{
        char d[INET6_ADDRSTRLEN + 16];

        log_warn("%s to %s: %s (%s). Rescheduling.", conf_checker_name(r->ck->type),
                 probe_dst_str(r, proto_of(r), d, sizeof(d)), what, strerror(err));
}

/* An IPv6 link-local address means nothing without its interface. */
static int set_scope(struct sockaddr_storage *ss, const char *bind_if)
{
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        unsigned idx;

        if (!bind_if)
                return -EDESTADDRREQ;
        if (!(idx = if_nametoindex(bind_if)))
                return -errno;
        sin6->sin6_scope_id = idx;
        return 0;
}

static int set_options(struct check_probe_run *r, struct check_probe_target *t)
{
        int fd = r->fd;

        if (t->fwmark && setsockopt(fd, SOL_SOCKET, SO_MARK, &t->fwmark, sizeof(t->fwmark)) < 0) {
                probe_local_failure(r, "cannot set fwmark (SO_MARK)", errno);
                return -1;
        }
        if (t->bind_if && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, t->bind_if, (socklen_t)strlen(t->bind_if)) < 0) {
                probe_local_failure(r, "cannot bind to interface (bind_if)", errno);
                return -1;
        }
        if (t->dst_link_local) {
                int e = set_scope(&t->dst, t->bind_if);
                if (e < 0) {
                        probe_local_failure(r, "link-local address needs bind_if", -e);
                        return -1;
                }
        }
        if (t->src_len && t->src.ss_family == AF_INET6 &&
            IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)&t->src)->sin6_addr))
                set_scope(&t->src, t->bind_if);
        if (t->src_len && bind(fd, (struct sockaddr *)&t->src, t->src_len) < 0) {
                /* keepalived's words for TCP_CHECK: "TCP socket bind failed" */
                const char *p = proto_of(r);
                probe_local_failure(r, *p == 't' ? "TCP socket bind failed" : *p == 'u' ? "UDP socket bind failed"
                                                                                      : "ICMP socket bind failed",
                                    errno);
                return -1;
        }
        return 0;
}

int probe_sock_open(struct check_probe_run *r, struct check_probe_target *t, int type, int protocol)
{
        r->fd = socket(t->dst.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
        if (r->fd < 0) {
                probe_local_failure(r, "cannot create socket", errno);
                return -1;
        }
        return set_options(r, t);
}

int probe_poll_start(struct check_probe_run *r, int events, uv_poll_cb cb)
{
        int e;

        if (!r->poll_open) {
                if ((e = uv_poll_init(probe_loop(r), &r->poll, r->fd)) < 0)
                        return e;
                r->poll.data = r;
                r->poll_open = true;
                probe_hold(r);
        }
        r->poll_events = events;
        return uv_poll_start(&r->poll, events, cb);
}

/* What the probe waits for has come, and the loop has not polled yet. */
static bool socket_ready(const struct check_probe_run *r)
{
        struct pollfd pfd = { .fd = r->fd, .events = (short)(((r->poll_events & UV_READABLE) ? POLLIN : 0) |
                                                             ((r->poll_events & UV_WRITABLE) ? POLLOUT : 0)) };

        return r->poll_open && r->fd >= 0 && uv_is_active((const uv_handle_t *)&r->poll) && poll(&pfd, 1, 0) == 1 &&
               pfd.revents != 0;
}

/* libuv runs the timers that are due before it polls: a loop behind by
 * more than the timeout (a saturated director, thousands of checks in
 * flight) would time out probes whose answer came while it was busy, and
 * take healthy servers out. So a timeout first looks at the socket: if
 * what the probe waits for is there, it waits once more, for 1 ms, which
 * lets this turn's poll hand the answer to the probe first. A dead
 * server's socket is not ready however late the look. */
static void on_deadline(uv_timer_t *t)
{
        struct check_probe_run *r = t->data;

        if (!r->grace && socket_ready(r)) {
                r->grace = true;
                uv_timer_start(&r->timer, on_deadline, 1, 0);
                return;
        }
        r->on_timeout(t);
}

void probe_timeout_start(struct check_probe_run *r, int64_t usec, uv_timer_cb cb)
{
        uv_update_time(probe_loop(r));
        r->on_timeout = cb;
        r->grace = false;
        uv_timer_start(&r->timer, on_deadline, (uint64_t)((usec + 999) / 1000), 0);
}

void probe_sock_close(struct check_probe_run *r)
{
        if (r->poll_open) {
                /* uv_close stops the handle itself: a uv_poll_stop first
                 * would take the descriptor out of the loop's epoll twice */
                r->poll_open = false;
                uv_close((uv_handle_t *)&r->poll, probe_handle_closed);
        }
        /* uv_close of a poll handle has taken the descriptor out of the
         * loop (and out of the events of this turn) before it returns, and
         * libuv's closing phase does not touch it: closed now, a finished
         * probe holds no descriptor until the end of the loop's turn. */
        if (r->fd >= 0) {
                close(r->fd);
                r->fd = -1;
        }
}

void probe_target_failed(struct check_probe_run *r, int err)
{
        probe_local_failure(r, err == -EAFNOSUPPORT ? "bindto is not of the checked address's family"
                               : r->ck->type == CHECK_PING ? "no address to check"
                                                           : "no address or port to check (connect_port?)",
                            -err);
        probe_report_later(r, CHECK_ERROR);
}

void *probe_priv_new(struct check_probe_run *r, size_t size)
{
        void *p = calloc(1, size);

        if (!p) {
                probe_local_failure(r, "out of memory", ENOMEM);
                probe_report_later(r, CHECK_ERROR);
        }
        return p;
}

/* Without IP_RECVERR a connected socket keeps only the "hard" ICMP
 * errors (port unreachable); host and network unreachable, what a server
 * gone from its segment gets once ARP or neighbour discovery gives up,
 * would be dropped. With it the kernel leaves every one as the socket's
 * pending error. */
int probe_want_icmp_errors(int fd, int family)
{
        int on = 1;

        if (family == AF_INET6)
                return setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on));
        return setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
}

void probe_fail_at_call(struct check_probe_run *r, const char *what, int err)
{
        enum check_result res = icmp_error_result(err, true, NULL, 0);

        if (res == CHECK_ERROR)
                probe_local_failure(r, what, err);
        probe_report_later(r, res);
}
