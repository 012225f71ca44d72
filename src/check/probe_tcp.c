/* TCP_CHECK: a non-blocking connect() from a raw socket watched with
 * uv_poll (so that SO_MARK, SO_BINDTODEVICE, bindto/bind_port and an IPv6
 * scope can be set before connecting), bounded as a whole by
 * connect_timeout. Connected is success, and the socket is closed at
 * once, as keepalived does. What fails on this machine's side (socket,
 * option, bind, no route) is CHECK_ERROR and logged with keepalived's
 * "Rescheduling." wording; what the server or the network answers is left
 * to the engine to log. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/probe_addr.h"
#include "check/probe_internal.h"
#include "common/addr.h"
#include "common/log.h"

static const char *dst_str(const struct check_probe_run *r, char *buf, size_t size)
{
        char ip[INET6_ADDRSTRLEN];
        const struct conf_ip *a = r->ck->connect_ip.family ? &r->ck->connect_ip : &r->rs->addr;

        conf_ip_str(a, ip, sizeof(ip));
        snprintf(buf, size, a->family == AF_INET6 ? "[%s]" : "%s", ip);
        return buf;
}

static void local_failure(struct check_probe_run *r, const char *what, int err)
{
        char d[INET6_ADDRSTRLEN + 2];

        log_warn("TCP_CHECK to %s: %s: %s. Rescheduling.", dst_str(r, d, sizeof(d)), what, strerror(err));
}

static void finish(struct check_probe_run *r, enum check_result result)
{
        struct check_probe res = { .result = result, .started = r->started };

        probe_report(r, &res);
}

static void on_timeout(uv_timer_t *t)
{
        finish(t->data, CHECK_CONNECT_TIMEOUT);
}

static void on_writable(uv_poll_t *h, int status, int events)
{
        struct check_probe_run *r = h->data;
        int err = 0;
        socklen_t len = sizeof(err);

        (void)status;
        (void)events;
        if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                err = errno;
        if (check_connect_result(err, false) == CHECK_ERROR)
                local_failure(r, "connect failed", err);
        finish(r, check_connect_result(err, false));
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
                local_failure(r, "cannot set fwmark (SO_MARK)", errno);
                return -1;
        }
        if (t->bind_if && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, t->bind_if, (socklen_t)strlen(t->bind_if)) < 0) {
                local_failure(r, "cannot bind to interface (bind_if)", errno);
                return -1;
        }
        if (t->dst_link_local) {
                int e = set_scope(&t->dst, t->bind_if);
                if (e < 0) {
                        local_failure(r, "link-local address needs bind_if", -e);
                        return -1;
                }
        }
        if (t->src_len && t->src.ss_family == AF_INET6 &&
            IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)&t->src)->sin6_addr))
                set_scope(&t->src, t->bind_if);
        if (t->src_len && bind(fd, (struct sockaddr *)&t->src, t->src_len) < 0) {
                local_failure(r, "TCP socket bind failed", errno);
                return -1;
        }
        return 0;
}

/* Returns the early result, or -1 when the connect is under way. */
static int open_and_connect(struct check_probe_run *r, struct check_probe_target *t)
{
        int e;

        r->fd = socket(t->dst.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
        if (r->fd < 0) {
                local_failure(r, "TCP connect fail to create socket", errno);
                return CHECK_ERROR;
        }
        if (set_options(r, t) < 0)
                return CHECK_ERROR;
        if (connect(r->fd, (struct sockaddr *)&t->dst, t->dst_len) == 0)
                return CHECK_OK;
        if (errno == EINPROGRESS)
                return -1;
        e = errno;
        if (check_connect_result(e, true) == CHECK_ERROR)
                local_failure(r, "connect failed", e);
        return check_connect_result(e, true);
}

void probe_tcp_start(struct check_probe_run *r)
{
        struct check_probe_target t;
        int e = check_probe_target_of(r->vs, r->rs, r->ck, &t);

        if (e < 0) {
                local_failure(r, "no address or port to check", -e);
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        e = open_and_connect(r, &t);
        if (e >= 0) {
                probe_report_later(r, (enum check_result)e);
                return;
        }
        if ((e = uv_poll_init(probe_loop(r), &r->poll, r->fd)) < 0) {
                local_failure(r, "cannot watch the socket", -e);
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        r->poll.data = r;
        r->poll_open = true;
        probe_hold(r);
        uv_poll_start(&r->poll, UV_WRITABLE, on_writable);
        uv_timer_start(&r->timer, on_timeout, (uint64_t)((t.timeout + 999) / 1000), 0);
}

static void poll_closed(uv_handle_t *h)
{
        struct check_probe_run *r = h->data;

        close(r->fd);
        r->fd = -1;
        probe_release(r);
}

void probe_tcp_stop(struct check_probe_run *r)
{
        if (r->poll_open) {
                r->poll_open = false;
                uv_poll_stop(&r->poll);
                uv_close((uv_handle_t *)&r->poll, poll_closed);
        } else if (r->fd >= 0) {
                close(r->fd);
                r->fd = -1;
        }
}
