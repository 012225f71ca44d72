/* PING_CHECK: one ICMP (IPv4) or ICMPv6 echo request from a datagram
 * "ping" socket, connected to the checked address, and a wait of
 * connect_timeout, counted from when the probe leaves the prober's queue,
 * for the matching echo reply (check/icmp_echo.c: our sequence and our
 * data; the kernel already keeps other sockets' replies away). No reply
 * is CHECK_NO_REPLY. An ICMP error about our request (host unreachable
 * once ARP or neighbour discovery gives up, or from a router) is left by
 * the kernel as the connected socket's pending error:
 * CHECK_PORT_UNREACHABLE with the ICMP meaning as detail, the datagram
 * probes' one name for "the network says unreachable".
 *
 * Ping sockets are open only to the groups in net.ipv4.ping_group_range
 * (ICMPv6 ones too); its default, "1 0", lets nobody, root included. As
 * keepalived does, the first PING_CHECK widens it to take our group in,
 * once per process, and says so; if that fails, each probe is a
 * CHECK_ERROR saying why (vigil's side, never the server's). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/icmp_echo.h"
#include "check/probe_addr.h"
#include "check/probe_internal.h"
#include "common/log.h"

#define PING_GROUP_RANGE "/proc/sys/net/ipv4/ping_group_range"

struct ping_state {
        int family;
        uint16_t seq;
        uint8_t data[ICMP_ECHO_DATA_LEN];
        unsigned ignored;                       /* datagrams that were not our reply */
        enum icmp_echo_verdict last_ignored;
};

/* A fact about the process's network namespace, not about one probe or
 * loop: whether its ping_group_range was looked at already. */
static bool range_checked;

static int read_range(char *buf, size_t size)
{
        int fd = open(PING_GROUP_RANGE, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = read(fd, buf, size - 1);
        if (n < 0) {
                n = -errno;
                close(fd);
                return (int)n;
        }
        close(fd);
        buf[n] = 0;
        return 0;
}

static int write_range(const char *text)
{
        int fd = open(PING_GROUP_RANGE, O_WRONLY | O_CLOEXEC);
        ssize_t n;
        int e = 0;

        if (fd < 0)
                return -errno;
        n = write(fd, text, strlen(text));
        if (n < 0)
                e = -errno;
        close(fd);
        return e;
}

/* "1\t0\n" as the sysctl(8) line users know: "1 0". */
static void one_line(char *s)
{
        s[strcspn(s, "\n")] = 0;
        for (char *c = s; *c; c++)
                if (*c == '\t')
                        *c = ' ';
}

/* Once per process: take our group into ping_group_range if it is not. */
static void widen_ping_range_once(void)
{
        char cur[64], next[64];
        uint32_t gid = (uint32_t)getegid();
        int e;

        if (range_checked)
                return;
        range_checked = true;
        if ((e = read_range(cur, sizeof(cur))) < 0) {
                log_warn("PING_CHECK: cannot read %s (%s); ping sockets may be refused", PING_GROUP_RANGE, strerror(-e));
                return;
        }
        if ((e = icmp_ping_range_widen(cur, gid, next, sizeof(next))) <= 0) {
                if (e < 0)
                        log_warn("PING_CHECK: %s holds '%.40s', not a range of groups", PING_GROUP_RANGE, cur);
                return;
        }
        e = write_range(next);
        one_line(cur);
        one_line(next);
        if (e < 0)
                log_warn("PING_CHECK: group %u may not open ping sockets (%s is '%s') and widening it failed (%s)",
                         gid, PING_GROUP_RANGE, cur, strerror(-e));
        else
                log_info("PING_CHECK: %s widened from '%s' to '%s' so that group %u may open ping sockets",
                         PING_GROUP_RANGE, cur, next, gid);
}

/* The socket was refused: say so plainly when ping_group_range is why. */
static void explain_refusal(struct check_probe_run *r)
{
        char cur[64], next[64], what[160];
        uint32_t gid = (uint32_t)getegid();

        if (read_range(cur, sizeof(cur)) < 0 || icmp_ping_range_widen(cur, gid, next, sizeof(next)) != 1)
                return;
        one_line(cur);
        snprintf(what, sizeof(what), "ping socket refused: group %u is outside net.ipv4.ping_group_range '%s'", gid,
                 cur);
        probe_local_failure(r, what, EACCES);
}

static void on_timeout(uv_timer_t *t)
{
        struct check_probe_run *r = t->data;
        struct ping_state *st = r->priv;

        if (st->ignored)
                probe_finish(r, CHECK_NO_REPLY, "no echo reply; %u other datagram(s) ignored (%s)", st->ignored,
                             icmp_echo_verdict_name(st->last_ignored));
        else
                probe_finish(r, CHECK_NO_REPLY, "no echo reply within connect_timeout");
}

static void finish_error(struct check_probe_run *r, int err)
{
        char detail[CHECK_DETAIL_MAX];
        enum check_result res = icmp_error_result(err, false, detail, sizeof(detail));

        if (res == CHECK_ERROR)
                probe_local_failure(r, "receive failed", err);
        probe_finish(r, res, "%s", detail);
}

static void on_readable(uv_poll_t *h, int status, int events)
{
        struct check_probe_run *r = h->data;
        struct ping_state *st = r->priv;
        uint8_t buf[ICMP_ECHO_HDR_LEN + ICMP_ECHO_DATA_LEN + 64];
        socklen_t len = sizeof(int);
        int err = 0;

        (void)events;
        for (unsigned i = 0; i < 16; i++) {
                ssize_t n = recv(r->fd, buf, sizeof(buf), 0);
                if (n < 0) {
                        err = errno;
                        break;
                }
                enum icmp_echo_verdict v = icmp_echo_judge(st->family, buf, (size_t)n, st->seq, st->data, sizeof(st->data));
                if (v == ICMP_ECHO_MATCH) {
                        probe_finish(r, CHECK_OK, NULL);
                        return;
                }
                st->ignored++;
                st->last_ignored = v;
        }
        if (err == EAGAIN || err == EINTR || err == 0) {
                /* libuv stops a handle on POLLERR: the error is in SO_ERROR */
                if (status >= 0)
                        return;
                if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || !err)
                        err = EIO;
        }
        finish_error(r, err);
}

/* Socket, connect, send; 0 once the request is out. */
static int send_echo(struct check_probe_run *r, struct check_probe_target *t, struct ping_state *st)
{
        int family = st->family;
        uint8_t pkt[ICMP_ECHO_HDR_LEN + ICMP_ECHO_DATA_LEN];
        size_t n;

        if (probe_sock_open(r, t, SOCK_DGRAM, family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP) < 0) {
                explain_refusal(r);
                probe_report_later(r, CHECK_ERROR);
                return -1;
        }
        if (probe_want_icmp_errors(r->fd, family) < 0) {
                probe_local_failure(r, "cannot ask for ICMP errors (IP_RECVERR)", errno);
                probe_report_later(r, CHECK_ERROR);
                return -1;
        }
        if (connect(r->fd, (struct sockaddr *)&t->dst, t->dst_len) < 0) {
                probe_fail_at_call(r, "connect failed", errno);
                return -1;
        }
        n = icmp_echo_build(family, st->seq, st->data, sizeof(st->data), pkt, sizeof(pkt));
        if (send(r->fd, pkt, n, 0) < 0) {
                probe_fail_at_call(r, "send failed", errno);
                return -1;
        }
        return 0;
}

static void ping_start(struct check_probe_run *r)
{
        struct check_probe_target t;
        struct ping_state *st;
        int e = check_probe_target_of(r->vs, r->rs, r->ck, &t);

        if (e < 0) {
                probe_target_failed(r, e);
                return;
        }
        if (!(st = probe_priv_new(r, sizeof(*st))))
                return;
        r->priv = st;
        st->family = t.dst.ss_family;
        /* when it left the queue tells this probe's echo from an earlier one's */
        st->seq = (uint16_t)(r->dispatched >> 10);
        icmp_echo_data((uint64_t)r->dispatched, st->data, sizeof(st->data));
        widen_ping_range_once();
        if (send_echo(r, &t, st) < 0)
                return;
        if ((e = probe_poll_start(r, UV_READABLE, on_readable)) < 0) {
                probe_local_failure(r, "cannot watch the socket", -e);
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        probe_timeout_start(r, t.timeout, on_timeout);
}

static void ping_stop(struct check_probe_run *r)
{
        probe_sock_close(r);
        free(r->priv);
        r->priv = NULL;
}

const struct probe_ops probe_ping_ops = { ping_start, ping_stop };
