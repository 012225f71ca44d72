#include "lb/ipvs_internal.h"
#include "lb/ipvs_daemon_msg.h"
#include "lb/ipvs_msg.h"
#include "lb/ipvs_text.h"

#include "common/log.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

/* A dump's replies come in chunks of one skb each, sized by the largest
 * read the socket has seen, capped at 32 KiB (SKB_WITH_OVERHEAD(32768),
 * af_netlink.c netlink_recvmsg/netlink_dump). A read shorter than the
 * chunk gets it truncated (MSG_TRUNC: the rest of it is lost, libmnl
 * reports ENOSPC), and MNL_SOCKET_BUFFER_SIZE is min(page size, 8 KiB):
 * chunks of 8 KiB at best, four times the round trips, each of which
 * re-walks the service's destination list from its start in the kernel.
 * 64 KiB holds the largest chunk with room to spare. */
#define IPVS_DUMP_BUF 65536
/* One sendmsg's worth of requests (a NEW_DEST is 140 bytes: ~110 per
 * batch). Their ACKs (one skb each, ~1 KiB of receive buffer counted
 * per ACK) fit the default receive buffer (rmem_default, 208 KiB) even
 * when SO_RCVBUFFORCE is refused. */
#define IPVS_BATCH_BUF 16384
#define IPVS_PENDING 1024       /* named requests in flight: more than a batch holds (a power of two) */
#define IPVS_ACK_RCVBUF (1 << 20)
#define IPVS_REPLY_TIMEOUT_S 5  /* a kernel that does not answer: the caller hears -ETIMEDOUT */

struct pending {
        uint32_t seq;           /* 0: free */
        struct lb_change change;
};

struct ipvs_nl {
        uint16_t family;
        struct mnl_socket *req, *batch;
        unsigned req_portid, batch_portid;
        uint32_t req_seq, batch_seq;
        unsigned in_flight;
        size_t used;
        char buf[IPVS_BATCH_BUF] __attribute__((aligned(4)));
        struct pending ring[IPVS_PENDING];
        char *dump;             /* IPVS_DUMP_BUF */
};

void ipvs_report(struct ipvs *ipvs, uint32_t seq, const struct lb_change *c, int err)
{
        if (err < 0) {
                char line[LB_TEXT_MAX];
                ipvs->failed++;
                log_err("IPVS: request %u (%s) failed: %s", seq, lb_change_str(c, line, sizeof(line)), strerror(-err));
        }
        if (ipvs->cb)
                ipvs->cb(ipvs->ctx, seq, c, err);
}

static struct mnl_socket *open_socket(int flags, unsigned *ret_portid)
{
        struct mnl_socket *s = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC | flags);

        if (!s)
                return NULL;
        if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
                int e = errno;
                mnl_socket_close(s);
                errno = e;
                return NULL;
        }
        *ret_portid = mnl_socket_get_portid(s);
        return s;
}

static void tune_sockets(struct ipvs_nl *nl)
{
        struct timeval tv = { .tv_sec = IPVS_REPLY_TIMEOUT_S };
        int one = 1, rcv = IPVS_ACK_RCVBUF, fd = mnl_socket_get_fd(nl->batch);

        setsockopt(mnl_socket_get_fd(nl->req), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        /* ACKs without the request echoed: small, and many fit */
        mnl_socket_setsockopt(nl->batch, NETLINK_CAP_ACK, &one, sizeof(one));
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
}

/* One request on the request socket and its answer: messages go to cb
 * until the ACK or NLMSG_DONE. Returns 0 or -errno (the kernel's error,
 * -ETIMEDOUT, -ENOSPC for a truncated read, -EBADMSG). */
static int request(struct ipvs_nl *nl, struct nlmsghdr *nlh, ipvs_msg_cb cb, void *data)
{
        int r;

        if (!(nlh->nlmsg_flags & NLM_F_DUMP))
                nlh->nlmsg_flags |= NLM_F_ACK;
        nlh->nlmsg_seq = ++nl->req_seq;
        if (mnl_socket_sendto(nl->req, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        do {
                ssize_t n = mnl_socket_recvfrom(nl->req, nl->dump, IPVS_DUMP_BUF);
                if (n < 0)
                        return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
                r = ipvs_walk_replies(nl->dump, (size_t)n, nl->req_seq, nl->req_portid, cb, data);
        } while (r > 0);
        return r;
}

static void family_cb(const struct nlmsghdr *nlh, void *data)
{
        ipvs_parse_family(nlh, data);
}

static int resolve_family(struct ipvs_nl *nl)
{
        char buf[IPVS_MSG_MAX] __attribute__((aligned(4)));
        int r = request(nl, ipvs_msg_getfamily(buf), family_cb, &nl->family);

        if (r == -ENOENT)
                log_err("IPVS family not found: is ip_vs loaded?");
        else if (r < 0)
                log_err("IPVS: cannot resolve the generic netlink family: %s", strerror(-r));
        else if (!nl->family)
                r = -ENOENT;
        return r;
}

static void nl_free(struct ipvs_nl *nl)
{
        if (nl->req)
                mnl_socket_close(nl->req);
        if (nl->batch)
                mnl_socket_close(nl->batch);
        free(nl->dump);
        free(nl);
}

int ipvs_open(struct ipvs **ret)
{
        struct ipvs *ipvs = calloc(1, sizeof(*ipvs));
        struct ipvs_nl *nl = calloc(1, sizeof(*nl));
        int r;

        if (!ipvs || !nl || !(nl->dump = malloc(IPVS_DUMP_BUF))) {
                free(ipvs);
                if (nl)
                        nl_free(nl);
                return -ENOMEM;
        }
        nl->req = open_socket(0, &nl->req_portid);
        nl->batch = nl->req ? open_socket(SOCK_NONBLOCK, &nl->batch_portid) : NULL;
        if (!nl->batch) {
                r = -errno;
                log_err("IPVS: cannot open a generic netlink socket: %s", strerror(-r));
                nl_free(nl);
                free(ipvs);
                return r;
        }
        tune_sockets(nl);
        nl->req_seq = (uint32_t)time(NULL);
        nl->batch_seq = nl->req_seq | 1u;
        if ((r = resolve_family(nl)) < 0) {
                nl_free(nl);
                free(ipvs);
                return r;
        }
        ipvs->nl = nl;
        *ret = ipvs;
        return 0;
}

int ipvs_open_dry_run(struct ipvs **ret)
{
        struct ipvs *ipvs = calloc(1, sizeof(*ipvs));
        int r;

        if (!ipvs)
                return -ENOMEM;
        if ((r = ipvs_dry_open(&ipvs->dry)) < 0) {
                free(ipvs);
                return r;
        }
        *ret = ipvs;
        return 0;
}

void ipvs_close(struct ipvs *ipvs)
{
        if (!ipvs)
                return;
        if (ipvs->nl)
                nl_free(ipvs->nl);
        if (ipvs->dry)
                ipvs_dry_close(ipvs->dry);
        free(ipvs);
}

bool ipvs_is_dry_run(const struct ipvs *ipvs)
{
        return ipvs->dry != NULL;
}

void ipvs_on_result(struct ipvs *ipvs, ipvs_result_cb cb, void *ctx)
{
        ipvs->cb = cb;
        ipvs->ctx = ctx;
}

/* ---- change sets ------------------------------------------------------------ */

static void settle(struct ipvs *ipvs, struct pending *p, int err)
{
        struct lb_change c = p->change;
        uint32_t seq = p->seq;

        p->seq = 0;
        ipvs->nl->in_flight--;
        ipvs_report(ipvs, seq, &c, err);
}

/* The requests of a batch that never reached the kernel. */
static void fail_batch(struct ipvs *ipvs, uint32_t first, uint32_t last, int err)
{
        for (uint32_t seq = first; seq != last + 1; seq++) {
                struct pending *p = &ipvs->nl->ring[seq & (IPVS_PENDING - 1)];
                if (seq && p->seq == seq)
                        settle(ipvs, p, err);
        }
}

static int nl_read(struct ipvs *ipvs);

static int nl_send(struct ipvs *ipvs)
{
        struct ipvs_nl *nl = ipvs->nl;
        uint32_t last = nl->batch_seq;
        uint32_t first;
        ssize_t n;

        if (!nl->used)
                return 0;
        first = ((const struct nlmsghdr *)(const void *)nl->buf)->nlmsg_seq;
        n = mnl_socket_sendto(nl->batch, nl->buf, nl->used);
        nl->used = 0;
        if (n < 0) {
                int r = -errno;
                log_err("IPVS: cannot send a batch of requests: %s", strerror(-r));
                fail_batch(ipvs, first, last, r);
                return r;
        }
        /* the kernel has run the batch: its ACKs are in */
        return nl_read(ipvs);
}

static int nl_add(struct ipvs *ipvs, const struct lb_change *c, uint32_t *ret_seq)
{
        struct ipvs_nl *nl = ipvs->nl;
        char msg[IPVS_MSG_MAX] __attribute__((aligned(4)));
        struct nlmsghdr *nlh;
        struct pending *p;
        int r = ipvs_change_msg(msg, nl->family, c, &nlh);

        if (r < 0)
                return r;
        if (nl->used + NLMSG_ALIGN(nlh->nlmsg_len) > sizeof(nl->buf))
                nl_send(ipvs);
        if (!++nl->batch_seq)
                nl->batch_seq = 1;
        p = &nl->ring[nl->batch_seq & (IPVS_PENDING - 1)];
        if (p->seq)
                settle(ipvs, p, -ETIMEDOUT);    /* a thousand requests later, no answer: it will not come */
        nlh->nlmsg_seq = nl->batch_seq;
        memcpy(nl->buf + nl->used, nlh, nlh->nlmsg_len);
        nl->used += NLMSG_ALIGN(nlh->nlmsg_len);
        p->seq = nl->batch_seq;
        p->change = *c;
        nl->in_flight++;
        if (ret_seq)
                *ret_seq = nl->batch_seq;
        return 0;
}

static void on_ack(struct ipvs *ipvs, const struct nlmsghdr *nlh)
{
        const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
        struct pending *p = &ipvs->nl->ring[nlh->nlmsg_seq & (IPVS_PENDING - 1)];

        if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)) || !nlh->nlmsg_seq || p->seq != nlh->nlmsg_seq)
                return;
        settle(ipvs, p, err->error);
}

/* Lost ACKs (the receive buffer overflowed): what became of the requests
 * in flight is unknown; each is reported so the caller can re-read the
 * table. */
static void acks_lost(struct ipvs *ipvs)
{
        log_warn("IPVS: acknowledgements lost (receive buffer full); the table must be read again");
        for (unsigned i = 0; i < IPVS_PENDING && ipvs->nl->in_flight; i++)
                if (ipvs->nl->ring[i].seq)
                        settle(ipvs, &ipvs->nl->ring[i], -ENOBUFS);
}

static int nl_read(struct ipvs *ipvs)
{
        struct ipvs_nl *nl = ipvs->nl;
        char buf[8192] __attribute__((aligned(4)));

        /* one ACK per read: bounded by what can be in flight */
        for (unsigned i = 0; i < 2 * IPVS_PENDING; i++) {
                ssize_t n = recv(mnl_socket_get_fd(nl->batch), buf, sizeof(buf), MSG_DONTWAIT);
                const struct nlmsghdr *nlh = (const struct nlmsghdr *)(const void *)buf;
                int len = (int)n;
                if (n < 0 && errno == ENOBUFS) {
                        acks_lost(ipvs);
                        continue;
                }
                if (n < 0)
                        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
                for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
                        if (nlh->nlmsg_type == NLMSG_ERROR && nlh->nlmsg_pid == nl->batch_portid)
                                on_ack(ipvs, nlh);
        }
        return 0;
}

static int nl_wait(struct ipvs *ipvs)
{
        struct pollfd pfd = { .fd = mnl_socket_get_fd(ipvs->nl->batch), .events = POLLIN };
        int r = nl_send(ipvs);

        while (r == 0 && ipvs->nl->in_flight) {
                int n = poll(&pfd, 1, IPVS_REPLY_TIMEOUT_S * 1000);
                if (n == 0)
                        return -ETIMEDOUT;
                if (n < 0 && errno != EINTR)
                        return -errno;
                r = nl_read(ipvs);
        }
        return r;
}

int ipvs_add(struct ipvs *ipvs, const struct lb_change *c, uint32_t *ret_seq)
{
        return ipvs->dry ? ipvs_dry_add(ipvs, c, ret_seq) : nl_add(ipvs, c, ret_seq);
}

int ipvs_send(struct ipvs *ipvs)
{
        return ipvs->dry ? ipvs_dry_send(ipvs) : nl_send(ipvs);
}

int ipvs_fd(const struct ipvs *ipvs)
{
        return ipvs->dry ? -1 : mnl_socket_get_fd(ipvs->nl->batch);
}

int ipvs_read_acks(struct ipvs *ipvs)
{
        return ipvs->dry ? 0 : nl_read(ipvs);
}

int ipvs_wait(struct ipvs *ipvs)
{
        return ipvs->dry ? ipvs_dry_send(ipvs) : nl_wait(ipvs);
}

unsigned ipvs_in_flight(const struct ipvs *ipvs)
{
        return ipvs->dry ? 0 : ipvs->nl->in_flight;
}

unsigned long ipvs_failed(const struct ipvs *ipvs)
{
        return ipvs->failed;
}

/* ---- dumps ------------------------------------------------------------------ */

struct dump_ctx {
        uint16_t family;
        int svc_af;
        ipvs_service_cb scb;
        ipvs_dest_cb dcb;
        void *ctx;
        unsigned skipped;
};

static void service_cb(const struct nlmsghdr *nlh, void *data)
{
        struct dump_ctx *d = data;
        struct lb_service_entry e;

        if (ipvs_parse_service(nlh, d->family, &e) < 0)
                d->skipped++;
        else
                d->scb(d->ctx, &e);
}

static void dest_cb(const struct nlmsghdr *nlh, void *data)
{
        struct dump_ctx *d = data;
        struct lb_dest_entry e;

        if (ipvs_parse_dest(nlh, d->family, d->svc_af, &e) < 0)
                d->skipped++;
        else
                d->dcb(d->ctx, &e);
}

int ipvs_dump_services(struct ipvs *ipvs, ipvs_service_cb cb, void *ctx, unsigned *ret_skipped)
{
        char buf[IPVS_MSG_MAX] __attribute__((aligned(4)));
        struct dump_ctx d = { .scb = cb, .ctx = ctx };
        int r;

        if (ipvs->dry)
                return ipvs_dry_dump_services(ipvs->dry, cb, ctx);
        d.family = ipvs->nl->family;
        r = request(ipvs->nl, ipvs_msg_dump_services(buf, d.family), service_cb, &d);
        if (ret_skipped)
                *ret_skipped = d.skipped;
        return r;
}

int ipvs_dump_dests(struct ipvs *ipvs, const struct lb_service_key *svc, ipvs_dest_cb cb, void *ctx,
                    unsigned *ret_skipped)
{
        char buf[IPVS_MSG_MAX] __attribute__((aligned(4)));
        struct dump_ctx d = { .svc_af = svc->af, .dcb = cb, .ctx = ctx };
        struct nlmsghdr *nlh;
        int r;

        if (ipvs->dry)
                return ipvs_dry_dump_dests(ipvs->dry, svc, cb, ctx);
        d.family = ipvs->nl->family;
        if ((r = ipvs_msg_dump_dests(buf, d.family, svc, &nlh)) < 0)
                return r;
        r = request(ipvs->nl, nlh, dest_cb, &d);
        if (ret_skipped)
                *ret_skipped = d.skipped;
        return r;
}

struct get_ctx {
        uint16_t family;
        void *ret;
        int r;
};

static void info_cb(const struct nlmsghdr *nlh, void *data)
{
        struct get_ctx *g = data;

        g->r = ipvs_parse_info(nlh, g->family, g->ret);
}

static void config_cb(const struct nlmsghdr *nlh, void *data)
{
        struct get_ctx *g = data;

        g->r = ipvs_parse_config(nlh, g->family, g->ret);
}

int ipvs_get_info(struct ipvs *ipvs, struct lb_info *ret)
{
        char buf[IPVS_MSG_MAX] __attribute__((aligned(4)));
        struct lb_info info;
        struct get_ctx g = { .ret = &info, .r = -EPROTO };
        int r;

        if (ipvs->dry) {
                /* what the kernel this was written against says of itself */
                *ret = (struct lb_info){ .version = IP_VS_VERSION_CODE, .conn_tab_size = 4096 };
                return 0;
        }
        g.family = ipvs->nl->family;
        r = request(ipvs->nl, ipvs_msg_get_info(buf, g.family), info_cb, &g);
        if (r == 0 && (r = g.r) == 0)
                *ret = info;
        return r;
}

int ipvs_get_timeouts(struct ipvs *ipvs, struct lb_timeouts *ret)
{
        char buf[IPVS_MSG_MAX] __attribute__((aligned(4)));
        struct lb_timeouts t;
        struct get_ctx g = { .ret = &t, .r = -EPROTO };
        int r;

        if (ipvs->dry)
                return ipvs_dry_get_timeouts(ipvs->dry, ret);
        g.family = ipvs->nl->family;
        r = request(ipvs->nl, ipvs_msg_get_config(buf, g.family), config_cb, &g);
        if (r == 0 && (r = g.r) == 0)
                *ret = t;
        return r;
}

const char *ipvs_dry_run_line(const struct ipvs *ipvs, size_t i)
{
        return ipvs->dry ? ipvs_dry_line(ipvs->dry, i) : NULL;
}

/* ---- the connection-sync daemon --------------------------------------------------------------- */

static void ignore_cb(const struct nlmsghdr *nlh, void *data)
{
        (void)nlh;
        (void)data;
}

int ipvs_sync_daemon(struct ipvs *ipvs, bool start, const struct lb_sync_daemon *d)
{
        char buf[IPVS_MSG_MAX] __attribute__((aligned(4)));
        char what[160];
        struct nlmsghdr *nlh;
        int r;

        lb_sync_daemon_str(d, what, sizeof(what));
        if (ipvs->dry) {
                log_info("IPVS (dry run): %s sync daemon %s", start ? "start" : "stop", what);
                return 0;
        }
        if ((r = ipvs_msg_daemon(buf, ipvs->nl->family, start, d, &nlh)) < 0)
                return r;
        return request(ipvs->nl, nlh, ignore_cb, NULL);
}

struct daemons_ctx {
        uint16_t family;
        ipvs_daemon_cb cb;
        void *ctx;
};

static void daemon_cb(const struct nlmsghdr *nlh, void *data)
{
        struct daemons_ctx *dc = data;
        struct lb_sync_daemon d;

        if (ipvs_parse_daemon(nlh, dc->family, &d) == 0)
                dc->cb(dc->ctx, &d);
}

int ipvs_dump_daemons(struct ipvs *ipvs, ipvs_daemon_cb cb, void *ctx)
{
        char buf[IPVS_MSG_MAX] __attribute__((aligned(4)));
        struct daemons_ctx dc = { .cb = cb, .ctx = ctx };

        if (ipvs->dry)
                return 0;
        dc.family = ipvs->nl->family;
        return request(ipvs->nl, ipvs_msg_dump_daemons(buf, dc.family), daemon_cb, &dc);
}
