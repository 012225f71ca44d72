/* UDP_CHECK: one datagram (payload, else keepalived's 32 filler bytes)
 * from a connected UDP socket, then wait up to connect_timeout, counted
 * from when the probe leaves the prober's queue. Connected, with
 * IP_RECVERR, so that the kernel hands every ICMP error about our
 * datagram back to this socket as its pending error (port unreachable:
 * ECONNREFUSED; host unreachable once ARP or neighbour discovery gives
 * up: EHOSTUNREACH; ...): CHECK_PORT_UNREACHABLE, whether or not
 * require_reply is set. The reply, or the silence, is
 * judged by check/udp_match.c; keepalived's default stays: without
 * require_reply, silence is success (doc/checkers/udp.md says what that
 * means for a powered-off server). What fails on this machine's side
 * (socket, bind, no route, a local firewall) is CHECK_ERROR, logged with
 * keepalived's "Rescheduling." wording. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check/icmp_echo.h"
#include "check/probe_addr.h"
#include "check/probe_internal.h"
#include "check/udp_match.h"

static void on_timeout(uv_timer_t *t)
{
        struct check_probe_run *r = t->data;
        struct udp_reply_spec s = udp_reply_spec_of(r->ck);
        char detail[CHECK_DETAIL_MAX];
        enum check_result res = udp_silence_judge(&s, detail, sizeof(detail));

        probe_finish(r, res, "%s", detail);
}

/* The socket's pending error (what an ICMP error left), as a result. */
static void finish_error(struct check_probe_run *r, int err)
{
        char detail[CHECK_DETAIL_MAX];
        enum check_result res = icmp_error_result(err, false, detail, sizeof(detail));

        if (res == CHECK_ERROR)
                probe_local_failure(r, "receive failed", err);
        probe_finish(r, res, "%s", detail);
}

/* Reads one datagram; MSG_TRUNC gives its whole length while only the
 * bytes the pattern needs are kept. */
static void on_readable(uv_poll_t *h, int status, int events)
{
        struct check_probe_run *r = h->data;
        struct udp_reply_spec s = udp_reply_spec_of(r->ck);
        size_t need = udp_reply_needed(&s);
        uint8_t *buf = malloc(need ? need : 1);
        char detail[CHECK_DETAIL_MAX];
        ssize_t n;
        int err = 0;
        socklen_t len = sizeof(err);

        (void)events;
        if (!buf) {
                probe_local_failure(r, "out of memory", ENOMEM);
                probe_finish(r, CHECK_ERROR, NULL);
                return;
        }
        n = recv(r->fd, buf, need ? need : 1, MSG_TRUNC);
        if (n >= 0) {
                enum check_result res = udp_reply_judge(&s, buf, need < (size_t)n ? need : (size_t)n, (size_t)n,
                                                        detail, sizeof(detail));
                free(buf);
                probe_finish(r, res, "%s", detail);
                return;
        }
        free(buf);
        err = errno;
        if (err == EAGAIN || err == EINTR) {
                /* libuv stops a handle on POLLERR: the error is in SO_ERROR */
                if (status >= 0)
                        return;
                if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || !err)
                        err = EIO;
        }
        finish_error(r, err);
}

static void udp_start(struct check_probe_run *r)
{
        struct check_probe_target t;
        size_t plen;
        const uint8_t *payload = udp_payload_of(r->ck, &plen);
        int e = check_probe_target_of(r->vs, r->rs, r->ck, &t);

        if (e < 0) {
                probe_target_failed(r, e);
                return;
        }
        if (probe_sock_open(r, &t, SOCK_DGRAM, IPPROTO_UDP) < 0) {
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        if (probe_want_icmp_errors(r->fd, t.dst.ss_family) < 0) {
                probe_local_failure(r, "cannot ask for ICMP errors (IP_RECVERR)", errno);
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        if (connect(r->fd, (struct sockaddr *)&t.dst, t.dst_len) < 0) {
                probe_fail_at_call(r, "connect failed", errno);
                return;
        }
        if (send(r->fd, payload, plen, 0) < 0) {
                probe_fail_at_call(r, "send failed", errno);
                return;
        }
        if ((e = probe_poll_start(r, UV_READABLE, on_readable)) < 0) {
                probe_local_failure(r, "cannot watch the socket", -e);
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        probe_timeout_start(r, t.timeout, on_timeout);
}

const struct probe_ops probe_udp_ops = { udp_start, probe_sock_close };
