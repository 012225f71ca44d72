/* DNS_CHECK: one query (check/dns_msg.c) with a random ID from a UDP
 * socket connected to connect_ip:connect_port (as keepalived: the real
 * server's port unless connect_port says otherwise), fwmark, bind_if and
 * bindto/bind_port applied by probe_sock_open. The reply is judged by
 * dns_judge_reply: our ID, QR set and RCODE 0 is success; another RCODE
 * is probe_failed "rcode 2 (SERVFAIL)". A datagram that is not our reply
 * (another ID, QR clear, too short) is ignored and the wait goes on, as a
 * resolver does; if nothing else came when connect_timeout passes, the
 * failure names it ("reply id mismatch"), else it is no_reply. An ICMP
 * port (or host) unreachable reaches a connected UDP socket as
 * ECONNREFUSED (EHOSTUNREACH): port_unreachable. Failures on this side
 * (socket, bind, no route at send) are CHECK_ERROR. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/dns_msg.h"
#include "check/probe_addr.h"
#include "check/probe_internal.h"

#define DNS_RECV_MAX 4096

struct dns_probe {
        uint16_t id;
        const char *stray;              /* why the last datagram that was not ours was not */
        uint8_t buf[DNS_RECV_MAX];
};

static void on_timeout(uv_timer_t *t)
{
        struct check_probe_run *r = t->data;
        struct dns_probe *q = r->priv;

        if (q->stray)
                probe_finish(r, CHECK_PROBE_FAILED, "%s", q->stray);
        else
                probe_finish(r, CHECK_NO_REPLY, NULL);
}

/* A receive error: the network's ICMP answer, or this side's trouble. */
static void recv_failed(struct check_probe_run *r, int err)
{
        switch (err) {
        case ECONNREFUSED:
                probe_finish(r, CHECK_PORT_UNREACHABLE, "ICMP port unreachable");
                return;
        case EHOSTUNREACH:
        case ENETUNREACH:
        case EHOSTDOWN:
        case ENONET:
                probe_finish(r, CHECK_PORT_UNREACHABLE, "%s", strerror(err));
                return;
        default:
                probe_local_failure(r, "cannot receive", err);
                probe_finish(r, CHECK_ERROR, NULL);
        }
}

/* One datagram; true once the probe has ended. */
static bool judge(struct check_probe_run *r, size_t len, size_t real_len)
{
        struct dns_probe *q = r->priv;
        struct dns_judgement j;

        /* longer than our buffer: judge what fits, as a truncated (TC) message */
        if (real_len > len && len > 2)
                q->buf[2] |= 0x02;
        j = dns_judge_reply(q->buf, len, q->id);
        switch (j.verdict) {
        case DNS_NOT_OURS:
                q->stray = j.why;
                return false;
        case DNS_ANSWERED:
                probe_finish(r, CHECK_OK, "%u answers", j.answers);
                return true;
        case DNS_RCODE:
                probe_finish(r, CHECK_PROBE_FAILED, "rcode %u (%s)", j.rcode, dns_rcode_name(j.rcode));
                return true;
        case DNS_MALFORMED:
                break;
        }
        probe_finish(r, CHECK_PROBE_FAILED, "malformed reply: %s", j.why);
        return true;
}

static void on_readable(uv_poll_t *h, int status, int events)
{
        struct check_probe_run *r = h->data;
        struct dns_probe *q = r->priv;

        (void)status;
        (void)events;
        for (;;) {
                ssize_t n = recv(r->fd, q->buf, sizeof(q->buf), MSG_DONTWAIT | MSG_TRUNC);
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        return;
                if (n < 0) {
                        recv_failed(r, errno);
                        return;
                }
                if (judge(r, (size_t)n < sizeof(q->buf) ? (size_t)n : sizeof(q->buf), (size_t)n))
                        return;
        }
}

static uint16_t random_id(void)
{
        uint16_t id;

        if (getrandom(&id, sizeof(id), GRND_NONBLOCK) == (ssize_t)sizeof(id))
                return id;
        return (uint16_t)(uv_hrtime() ^ (uint64_t)getpid());
}

/* Send the query; CHECK_OK when under way (the ending comes from the loop). */
static enum check_result dns_send(struct check_probe_run *r, struct check_probe_target *t)
{
        struct dns_probe *q = r->priv;
        uint8_t msg[DNS_QUERY_MAX];
        size_t len;
        int e;

        if (dns_build_query(q->id, r->ck->dns_name, dns_type_code(r->ck->dns_type), msg, sizeof(msg), &len) < 0) {
                probe_local_failure(r, "the query name cannot be encoded", EINVAL);
                return CHECK_ERROR;
        }
        if (probe_sock_open(r, t, SOCK_DGRAM, IPPROTO_UDP) < 0)
                return CHECK_ERROR;
        if (connect(r->fd, (struct sockaddr *)&t->dst, t->dst_len) < 0 ||
            send(r->fd, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)len) {
                e = errno;
                if (check_connect_result(e, true) == CHECK_ERROR)
                        probe_local_failure(r, "cannot send the query", e);
                return check_connect_result(e, true) == CHECK_CONNECT_REFUSED ? CHECK_PORT_UNREACHABLE : CHECK_ERROR;
        }
        if ((e = probe_poll_start(r, UV_READABLE, on_readable)) < 0) {
                probe_local_failure(r, "cannot watch the socket", -e);
                return CHECK_ERROR;
        }
        probe_timeout_start(r, t->timeout, on_timeout);
        return CHECK_OK;
}

static void dns_start(struct check_probe_run *r)
{
        struct check_probe_target t;
        struct dns_probe *q;
        enum check_result res;
        int e = check_probe_target_of(r->vs, r->rs, r->ck, &t);

        if (e < 0) {
                probe_target_failed(r, e);
                return;
        }
        if (!(q = probe_priv_new(r, sizeof(*q))))
                return;
        r->priv = q;
        q->id = random_id();
        if ((res = dns_send(r, &t)) != CHECK_OK)
                probe_report_later(r, res);
}

static void dns_stop(struct check_probe_run *r)
{
        probe_sock_close(r);
        free(r->priv);
        r->priv = NULL;
}

const struct probe_ops probe_dns_ops = { dns_start, dns_stop };
