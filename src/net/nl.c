#include "net/nl.h"
#include "net/addrtab.h"
#include "net/nl_parse.h"
#include "net/rtnl_msg.h"

#include "common/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <assert.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct nl_async;

struct nl {
        struct mnl_socket *sock;
        unsigned portid;
        unsigned seq;
        struct nl_async *as;    /* the batch channel, when the loop polls it */
};

static int nl_open_groups(unsigned groups, struct nl **ret_nl)
{
        struct nl *nl = calloc(1, sizeof(*nl));

        if (!nl)
                return -ENOMEM;
        nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | (groups ? SOCK_NONBLOCK : 0));
        if (!nl->sock || mnl_socket_bind(nl->sock, groups, MNL_SOCKET_AUTOPID) < 0) {
                int e = errno;
                if (nl->sock)
                        mnl_socket_close(nl->sock);
                free(nl);
                return -e;
        }
        nl->portid = mnl_socket_get_portid(nl->sock);
        nl->seq = (unsigned)time(NULL);
        *ret_nl = nl;
        return 0;
}

int nl_open(struct nl **ret_nl)
{
        return nl_open_groups(0, ret_nl);
}

void nl_close(struct nl *nl)
{
        if (!nl)
                return;
        nl_async_close(nl);
        mnl_socket_close(nl->sock);
        free(nl);
}

/* Send one request and wait for its ACK; returns 0 or -errno from the kernel. */
int nl_request(struct nl *nl, struct nlmsghdr *nlh)
{
        char buf[NL_BUF];
        ssize_t n;
        int r;

        nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
        nlh->nlmsg_seq = ++nl->seq;
        if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        do {
                n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
                if (n < 0)
                        return -errno;
                r = mnl_cb_run(buf, (size_t)n, nl->seq, nl->portid, NULL, NULL);
        } while (r == MNL_CB_OK);
        return r < 0 ? -errno : 0;
}

int nl_addr(struct nl *nl, bool add, int ifindex, const struct conf_ipaddress *a)
{
        char buf[RTNL_MSG_MAX];

        return rtnl_addr_result(add, nl_request(nl, rtnl_addr_msg(buf, add, ifindex, a)));
}

int nl_route(struct nl *nl, bool add, int ifindex, const struct conf_route *r)
{
        char buf[RTNL_MSG_MAX];

        return rtnl_route_result(add, nl_request(nl, rtnl_route_msg(buf, add, ifindex, r)));
}

int nl_rule(struct nl *nl, bool add, const struct conf_rule *r)
{
        char buf[RTNL_MSG_MAX];

        return rtnl_rule_result(add, nl_request(nl, rtnl_rule_msg(buf, add, r)));
}

/* ---- batches ---------------------------------------------------------------- */

/* The batch channel: a transition's requests go out in one sendmsg (the
 * kernel runs them in order, in the sender's context, before sendmsg
 * returns: an address is on the interface when the GARP that follows is
 * sent), and their ACKs come back on a non-blocking socket the loop polls.
 * An error ACK is matched to its request by sequence number and logged
 * with what it was for. */
#define NL_BATCH_BUF 16384
#define NL_PENDING 64           /* requests in flight we can name; a batch is sent when they are taken */
#define NL_SLOT_BITS 6          /* log2(NL_PENDING): a request's slot is the low bits of its sequence */
#define NL_ACK_RCVBUF (1 << 20) /* ACKs of 1,000 transitions at once */

struct pending {
        uint32_t seq;           /* 0: free */
        enum nl_req_kind kind;
        bool add;
        char what[88];
};

/* A request's name waits in a slot until its ACK comes; the sequence
 * number carries the slot. The kernel ACKs a batch before sendmsg returns
 * and nl_batch_send reads the ACKs at once, so a few slots suffice: when
 * they are all taken, the batch so far goes out first. (A ring of 1,024
 * names, one per sequence number, cost 100 KB per worker.) */
struct nl_async {
        struct mnl_socket *sock;
        unsigned portid, gen;
        size_t used;
        unsigned long failed;
        unsigned nfree;
        uint16_t free[NL_PENDING];
        char buf[NL_BATCH_BUF];
        struct pending slot[NL_PENDING];
};

static_assert(NL_PENDING == 1u << NL_SLOT_BITS, "a slot must fit in the sequence's low bits");

/* Every slot free, slot 0 on top. At the start the slots are calloc'd
 * and not touched here (that is the point); after lost ACKs the waiting
 * ones are forgotten, so a late ACK cannot free a slot twice. */
static void slots_reset(struct nl_async *as, bool forget)
{
        for (unsigned i = 0; i < NL_PENDING; i++) {
                as->free[i] = (uint16_t)(NL_PENDING - 1 - i);
                if (forget)
                        as->slot[i].seq = 0;
        }
        as->nfree = NL_PENDING;
}

/* A free slot's index, or -1 when every one is waiting for its ACK. */
static int slot_take(struct nl_async *as)
{
        return as->nfree ? as->free[--as->nfree] : -1;
}

static void slot_give(struct nl_async *as, unsigned i)
{
        as->slot[i].seq = 0;
        as->free[as->nfree++] = (uint16_t)i;
}

/* The next sequence number for slot i (-1: none, nameless); never 0. */
static uint32_t next_seq(struct nl_async *as, int i)
{
        uint32_t seq;

        do
                seq = (++as->gen << NL_SLOT_BITS) | (uint32_t)(i < 0 ? 0 : i);
        while (!(seq >> NL_SLOT_BITS));
        return seq;
}

int nl_async_open(struct nl *nl)
{
        struct nl_async *as = calloc(1, sizeof(*as));
        int one = 1, rcv = NL_ACK_RCVBUF, fd;

        if (!as)
                return -ENOMEM;
        as->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (!as->sock || mnl_socket_bind(as->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
                int e = errno;
                if (as->sock)
                        mnl_socket_close(as->sock);
                free(as);
                return -e;
        }
        fd = mnl_socket_get_fd(as->sock);
        /* ACKs without the request echoed: small, and many fit */
        mnl_socket_setsockopt(as->sock, NETLINK_CAP_ACK, &one, sizeof(one));
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
        as->portid = mnl_socket_get_portid(as->sock);
        as->gen = (unsigned)time(NULL);
        slots_reset(as, false);
        nl->as = as;
        return fd;
}

void nl_async_close(struct nl *nl)
{
        if (!nl->as)
                return;
        mnl_socket_close(nl->as->sock);
        free(nl->as);
        nl->as = NULL;
}

static int result_of(enum nl_req_kind kind, bool add, int err)
{
        switch (kind) {
        case NL_REQ_ADDR:
                return rtnl_addr_result(add, err);
        case NL_REQ_ROUTE:
                return rtnl_route_result(add, err);
        case NL_REQ_RULE:
                return rtnl_rule_result(add, err);
        }
        return err;
}

int nl_batch_send(struct nl *nl)
{
        struct nl_async *as = nl->as;
        ssize_t n;

        if (!as || !as->used)
                return 0;
        n = mnl_socket_sendto(as->sock, as->buf, as->used);
        as->used = 0;
        if (n < 0) {
                log_err("netlink: cannot send a batch of requests: %s", strerror(errno));
                return -errno;
        }
        /* rtnetlink ran the requests inside sendmsg, so their ACKs are
         * queued already: read them now (non-blocking). A failure is logged
         * next to the transition that caused it, and the slots are free
         * again before the next instance's batch (1,000 masters starting
         * in one loop turn would otherwise hold 1,000 slots at once). */
        return nl_async_read(nl);
}

int nl_batch_add(struct nl *nl, struct nlmsghdr *nlh, enum nl_req_kind kind, bool add, const char *what)
{
        struct nl_async *as = nl->as;
        struct pending *p;
        int i;

        if (!as) {
                /* no channel (not on the loop): wait for the ACK, as before */
                int r = result_of(kind, add, nl_request(nl, nlh));
                if (r < 0 && what)
                        log_err("%s: %s", what, strerror(-r));
                return r;
        }
        if (as->used + nlh->nlmsg_len > sizeof(as->buf) || !as->nfree)
                nl_batch_send(nl);
        i = slot_take(as);
        nlh->nlmsg_seq = next_seq(as, i);
        nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
        memcpy(as->buf + as->used, nlh, nlh->nlmsg_len);
        as->used += NLMSG_ALIGN(nlh->nlmsg_len);
        if (i < 0)
                return 0; /* ACKs lost (ENOBUFS) held every slot: a failure will be nameless */
        p = &as->slot[i];
        p->seq = nlh->nlmsg_seq;
        p->kind = kind;
        p->add = add;
        snprintf(p->what, sizeof(p->what), "%s", what ? what : "netlink request");
        return 0;
}

static void on_ack(struct nl_async *as, const struct nlmsghdr *nlh)
{
        const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
        unsigned i = nlh->nlmsg_seq & (NL_PENDING - 1);
        struct pending *p = &as->slot[i];
        int r;

        if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
                return;
        if (p->seq != nlh->nlmsg_seq) {
                /* sent while no slot was free: the error is counted, nameless */
                if (err->error) {
                        as->failed++;
                        log_err("netlink request %u failed: %s", nlh->nlmsg_seq, strerror(-err->error));
                }
                return;
        }
        r = result_of(p->kind, p->add, err->error);
        if (r < 0) {
                as->failed++;
                log_err("%s: %s", p->what, strerror(-r));
        }
        slot_give(as, i);
}

int nl_async_read(struct nl *nl)
{
        struct nl_async *as = nl->as;
        char buf[NL_BUF];

        if (!as)
                return 0;
        for (int i = 0; i < 64; i++) {
                ssize_t n = mnl_socket_recvfrom(as->sock, buf, sizeof(buf));
                const struct nlmsghdr *nlh = (const struct nlmsghdr *)(const void *)buf;
                int len = (int)n;
                if (n < 0 && errno == ENOBUFS) {
                        log_warn("netlink: acknowledgements lost (receive buffer full); failures among them are not known");
                        slots_reset(as, true); /* the lost ones would hold their slots for good */
                        continue;
                }
                if (n < 0)
                        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
                for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
                        if (nlh->nlmsg_type == NLMSG_ERROR && nlh->nlmsg_pid == as->portid)
                                on_ack(as, nlh);
        }
        return 0;
}

unsigned long nl_async_failed(const struct nl *nl)
{
        return nl->as ? nl->as->failed : 0;
}

/* ---- monitor -------------------------------------------------------------- */

int nl_monitor_open(struct nl **ret_nl)
{
        return nl_open_groups(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR, ret_nl);
}

int nl_monitor_fd(const struct nl *nl)
{
        return mnl_socket_get_fd(nl->sock);
}

struct monitor_ctx {
        nl_event_cb cb;
        void *ctx;
};

/* The address dump at start: libmnl checks its sequence and ends it at
 * NLMSG_DONE; each message goes through the monitor's own parse. */
static int dump_msg_cb(const struct nlmsghdr *nlh, void *data)
{
        struct monitor_ctx *m = data;

        nl_parse_events(nlh, nlh->nlmsg_len, m->cb, m->ctx);
        return MNL_CB_OK;
}

/* Drains what is pending (bounded; the poll calls again for the rest):
 * the caller sees an address removed and re-added together. */
int nl_monitor_read(struct nl *nl, nl_event_cb cb, void *ctx)
{
        char buf[NL_BUF];

        for (int i = 0; i < 1024; i++) {
                ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
                if (n < 0)
                        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
                nl_parse_events(buf, (size_t)n, cb, ctx);
        }
        return 0;
}

int nl_dump_addrs(struct nl *nl, nl_event_cb cb, void *ctx)
{
        char buf[NL_BUF];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct monitor_ctx m = { cb, ctx };
        struct ifaddrmsg *ifa;
        int r;

        nlh->nlmsg_type = RTM_GETADDR;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = ++nl->seq;
        ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = AF_UNSPEC;
        if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        do {
                ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
                if (n < 0)
                        return -errno;
                r = mnl_cb_run(buf, (size_t)n, nl->seq, nl->portid, dump_msg_cb, &m);
        } while (r == MNL_CB_OK);
        return r < 0 ? -errno : 0;
}

/* ---- interface facts -------------------------------------------------------- */

int iface_lookup(const char *name, struct iface_info *ret)
{
        struct ifaddrs *list, *it;
        struct iface_info info = { 0 };

        info.ifindex = (int)if_nametoindex(name);
        if (!info.ifindex)
                return -ENODEV;
        if (getifaddrs(&list) < 0)
                return -errno;
        for (it = list; it; it = it->ifa_next) {
                if (!it->ifa_addr || strcmp(it->ifa_name, name))
                        continue;
                info.up = (it->ifa_flags & IFF_UP) && (it->ifa_flags & IFF_RUNNING);
                if (it->ifa_addr->sa_family == AF_PACKET) {
                        const struct sockaddr_ll *ll = (const struct sockaddr_ll *)(const void *)it->ifa_addr;
                        if (ll->sll_halen == 6)
                                memcpy(info.mac, ll->sll_addr, 6);
                } else if (it->ifa_addr->sa_family == AF_INET && !info.has_v4) {
                        info.primary4 = ((const struct sockaddr_in *)(const void *)it->ifa_addr)->sin_addr;
                        info.has_v4 = true;
                } else if (it->ifa_addr->sa_family == AF_INET6 && !info.has_ll6) {
                        const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)it->ifa_addr)->sin6_addr;
                        if (IN6_IS_ADDR_LINKLOCAL(a)) {
                                info.linklocal6 = *a;
                                info.has_ll6 = true;
                        }
                }
        }
        freeifaddrs(list);
        *ret = info;
        return 0;
}

void nl_addrtab_apply(struct addrtab *t, const struct nl_event *ev)
{
        if (ev->kind == NL_ADDR_NEW)
                addrtab_add(t, ev->ifindex, &ev->addr);
        else if (ev->kind == NL_ADDR_DEL)
                addrtab_del(t, ev->ifindex, &ev->addr);
        else if (ev->kind == NL_LINK_DEL)
                addrtab_del_iface(t, ev->ifindex);
}

static void addrtab_fill(void *ctx, const struct nl_event *ev)
{
        nl_addrtab_apply(ctx, ev);
}

void nl_addrtab_dump(struct nl *nl, struct addrtab *t)
{
        int r;

        addrtab_clear(t);
        if ((r = nl_dump_addrs(nl, addrtab_fill, t)) < 0)
                log_warn("netlink: cannot list the addresses: %s", strerror(-r));
}
