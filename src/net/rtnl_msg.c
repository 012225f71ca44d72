#include "net/rtnl_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

static size_t ip_len(const struct conf_ip *ip)
{
        return ip->family == AF_INET6 ? 16 : 4;
}

static struct nlmsghdr *header(void *buf, uint16_t type, uint16_t flags)
{
        struct nlmsghdr *nlh;

        memset(buf, 0, RTNL_MSG_MAX);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
        return nlh;
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

struct nlmsghdr *rtnl_addr_msg(void *buf, bool add, int ifindex, const struct conf_ipaddress *a)
{
        struct nlmsghdr *nlh = header(buf, add ? RTM_NEWADDR : RTM_DELADDR, add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
        struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

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
        return nlh;
}

static void route_header(struct rtmsg *rtm, const struct conf_route *r)
{
        int family = r->dst.family ? r->dst.family : (r->nvia ? r->via[0].family : AF_INET);

        rtm->rtm_family = (uint8_t)family;
        rtm->rtm_dst_len = r->dst_default ? 0 : r->dst_len;
        rtm->rtm_table = r->table && r->table < 256 ? (uint8_t)r->table : (r->table ? RT_TABLE_UNSPEC : RT_TABLE_MAIN);
        rtm->rtm_protocol = r->protocol >= 0 ? (uint8_t)r->protocol : RTPROT_BOOT;
        rtm->rtm_scope = r->scope >= 0 ? (uint8_t)r->scope : (r->nvia ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
        rtm->rtm_type = r->type ? (uint8_t)r->type : RTN_UNICAST;
}

struct nlmsghdr *rtnl_route_msg(void *buf, bool add, int ifindex, const struct conf_route *r)
{
        struct nlmsghdr *nlh = header(buf, add ? RTM_NEWROUTE : RTM_DELROUTE, add ? NLM_F_CREATE | NLM_F_REPLACE : 0);

        route_header(mnl_nlmsg_put_extra_header(nlh, sizeof(struct rtmsg)), r);
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
        return nlh;
}

struct nlmsghdr *rtnl_rule_msg(void *buf, bool add, const struct conf_rule *r)
{
        struct nlmsghdr *nlh = header(buf, add ? RTM_NEWRULE : RTM_DELRULE, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
        struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

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
        return nlh;
}

struct nlmsghdr *rtnl_link_up_msg(void *buf, int ifindex)
{
        struct nlmsghdr *nlh = header(buf, RTM_NEWLINK, 0);
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

        ifi->ifi_index = ifindex;
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        return nlh;
}

struct nlmsghdr *rtnl_macvlan_msg(void *buf, const char *name, int base_ifindex, const uint8_t mac[6])
{
        struct nlmsghdr *nlh = header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
        struct nlattr *info, *data;

        mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)base_ifindex);
        mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
        info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
        data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
        mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, MACVLAN_MODE_PRIVATE);
        mnl_attr_nest_end(nlh, data);
        mnl_attr_nest_end(nlh, info);
        return nlh;
}

struct nlmsghdr *rtnl_link_del_msg(void *buf, const char *name)
{
        struct nlmsghdr *nlh = header(buf, RTM_DELLINK, 0);

        mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        return nlh;
}

int rtnl_addr_result(bool add, int err)
{
        return (add && err == -EEXIST) || (!add && err == -EADDRNOTAVAIL) ? 0 : err;
}

int rtnl_route_result(bool add, int err)
{
        return !add && err == -ESRCH ? 0 : err;
}

int rtnl_rule_result(bool add, int err)
{
        return (add && err == -EEXIST) || (!add && err == -ENOENT) ? 0 : err;
}
