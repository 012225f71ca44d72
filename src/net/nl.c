#include "net/nl.h"
#include "net/nl_parse.h"

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
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

struct nl {
        struct mnl_socket *sock;
        unsigned portid;
        unsigned seq;
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

static size_t ip_len(const struct conf_ip *ip)
{
        return ip->family == AF_INET6 ? 16 : 4;
}

static void broadcast_of(const struct conf_ipaddress *a, struct in_addr *ret)
{
        uint32_t host = a->prefixlen >= 32 ? 0 : 0xffffffffu >> a->prefixlen;
        uint32_t v = ntohl(a->addr.u.v4.s_addr);

        if (a->brd_kind == BRD_ADDR) {
                *ret = a->brd.u.v4;
                return;
        }
        v = a->brd_kind == BRD_SET_HOST_BITS ? (v | host) : (v & ~host);
        ret->s_addr = htonl(v);
}

int nl_addr(struct nl *nl, bool add, int ifindex, const struct conf_ipaddress *a)
{
        char buf[NL_BUF];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifaddrmsg *ifa;
        int r;

        nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
        nlh->nlmsg_flags = add ? NLM_F_CREATE | NLM_F_REPLACE : 0;
        ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = (uint8_t)a->addr.family;
        ifa->ifa_prefixlen = a->prefixlen;
        ifa->ifa_scope = (uint8_t)a->scope;
        ifa->ifa_index = (unsigned)ifindex;
        mnl_attr_put(nlh, IFA_LOCAL, ip_len(&a->addr), &a->addr.u);
        mnl_attr_put(nlh, IFA_ADDRESS, ip_len(&a->addr), &a->addr.u);
        if (add && a->addr.family == AF_INET && a->brd_kind != BRD_NONE) {
                struct in_addr brd;
                broadcast_of(a, &brd);
                mnl_attr_put(nlh, IFA_BROADCAST, 4, &brd);
        }
        if (add && a->label && a->addr.family == AF_INET)
                mnl_attr_put_strz(nlh, IFA_LABEL, a->label);
        if (add && a->addr.family == AF_INET6)
                mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
        r = nl_request(nl, nlh);
        if ((add && r == -EEXIST) || (!add && r == -EADDRNOTAVAIL))
                return 0;
        return r;
}

int nl_route(struct nl *nl, bool add, int ifindex, const struct conf_route *r)
{
        char buf[NL_BUF];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct rtmsg *rtm;
        int family = r->dst.family ? r->dst.family : (r->nvia ? r->via[0].family : AF_INET);
        int res;

        nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
        nlh->nlmsg_flags = add ? NLM_F_CREATE | NLM_F_REPLACE : 0;
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = (uint8_t)family;
        rtm->rtm_dst_len = r->dst_default ? 0 : r->dst_len;
        rtm->rtm_table = r->table && r->table < 256 ? (uint8_t)r->table : (r->table ? RT_TABLE_UNSPEC : RT_TABLE_MAIN);
        rtm->rtm_protocol = r->protocol >= 0 ? (uint8_t)r->protocol : RTPROT_BOOT;
        rtm->rtm_scope = r->scope >= 0 ? (uint8_t)r->scope : (r->nvia ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
        rtm->rtm_type = r->type ? (uint8_t)r->type : RTN_UNICAST;
        if (r->table >= 256)
                mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
        if (!r->dst_default && r->dst.family)
                mnl_attr_put(nlh, RTA_DST, ip_len(&r->dst), &r->dst.u);
        if (r->nvia)
                mnl_attr_put(nlh, RTA_GATEWAY, ip_len(&r->via[0]), &r->via[0].u);
        if (r->has_src)
                mnl_attr_put(nlh, RTA_PREFSRC, ip_len(&r->src), &r->src.u);
        if (r->has_metric)
                mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
        if (ifindex > 0)
                mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
        res = nl_request(nl, nlh);
        if (!add && res == -ESRCH)
                return 0;
        return res;
}

int nl_rule(struct nl *nl, bool add, const struct conf_rule *r)
{
        char buf[NL_BUF];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct fib_rule_hdr *frh;
        int res;

        nlh->nlmsg_type = add ? RTM_NEWRULE : RTM_DELRULE;
        nlh->nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
        frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
        frh->family = (uint8_t)r->family;
        frh->action = (uint8_t)(r->action ? r->action : FR_ACT_TO_TBL);
        frh->tos = r->tos;
        if (r->has_from) {
                frh->src_len = r->from_len;
                mnl_attr_put(nlh, FRA_SRC, ip_len(&r->from), &r->from.u);
        }
        if (r->has_to) {
                frh->dst_len = r->to_len;
                mnl_attr_put(nlh, FRA_DST, ip_len(&r->to), &r->to.u);
        }
        if (r->table)
                mnl_attr_put_u32(nlh, FRA_TABLE, r->table);
        if (r->has_preference)
                mnl_attr_put_u32(nlh, FRA_PRIORITY, r->preference);
        if (r->has_fwmark) {
                mnl_attr_put_u32(nlh, FRA_FWMARK, r->fwmark);
                mnl_attr_put_u32(nlh, FRA_FWMASK, r->fwmask ? r->fwmask : 0xffffffffu);
        }
        if (r->iif)
                mnl_attr_put_strz(nlh, FRA_IIFNAME, r->iif);
        if (r->oif)
                mnl_attr_put_strz(nlh, FRA_OIFNAME, r->oif);
        if (r->action == FR_ACT_GOTO)
                mnl_attr_put_u32(nlh, FRA_GOTO, r->goto_target);
        if (r->has_suppress_prefixlen)
                mnl_attr_put_u32(nlh, FRA_SUPPRESS_PREFIXLEN, r->suppress_prefixlen);
        res = nl_request(nl, nlh);
        if ((add && res == -EEXIST) || (!add && res == -ENOENT))
                return 0;
        return res;
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

int nl_monitor_read(struct nl *nl, nl_event_cb cb, void *ctx)
{
        char buf[NL_BUF];

        for (int i = 0; i < 64; i++) {
                ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
                if (n < 0)
                        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
                nl_parse_events(buf, (size_t)n, cb, ctx);
        }
        return 0;
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

bool iface_has_address(const char *name, const struct conf_ip *addr)
{
        struct ifaddrs *list, *it;
        bool found = false;

        if (getifaddrs(&list) < 0)
                return false;
        for (it = list; it && !found; it = it->ifa_next) {
                if (!it->ifa_addr || strcmp(it->ifa_name, name) || it->ifa_addr->sa_family != addr->family)
                        continue;
                if (addr->family == AF_INET)
                        found = ((const struct sockaddr_in *)(const void *)it->ifa_addr)->sin_addr.s_addr ==
                                addr->u.v4.s_addr;
                else
                        found = IN6_ARE_ADDR_EQUAL(&((const struct sockaddr_in6 *)(const void *)it->ifa_addr)->sin6_addr,
                                                   &addr->u.v6);
        }
        freeifaddrs(list);
        return found;
}
