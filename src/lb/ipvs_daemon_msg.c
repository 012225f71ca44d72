#include "lb/ipvs_daemon_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <stdio.h>
#include <string.h>

#include "lb/ipvs_msg.h"

_Static_assert((int)LB_SYNC_MASTER == IP_VS_STATE_MASTER && (int)LB_SYNC_BACKUP == IP_VS_STATE_BACKUP,
               "sync daemon states");

static struct nlmsghdr *header(void *buf, uint16_t family, uint16_t flags, uint8_t cmd)
{
        struct nlmsghdr *nlh;
        struct genlmsghdr *g;

        memset(buf, 0, IPVS_MSG_MAX);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = family;
        nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
        g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
        g->cmd = cmd;
        g->version = IPVS_GENL_VERSION;
        return nlh;
}

static bool state_ok(enum lb_sync_state s)
{
        return s == LB_SYNC_MASTER || s == LB_SYNC_BACKUP;
}

static void put_optional(struct nlmsghdr *nlh, const struct lb_sync_daemon *d)
{
        if (d->maxlen)
                mnl_attr_put_u16(nlh, IPVS_DAEMON_ATTR_SYNC_MAXLEN, d->maxlen);
        if (d->group.family == AF_INET)
                mnl_attr_put(nlh, IPVS_DAEMON_ATTR_MCAST_GROUP, 4, &d->group.u.v4);
        else if (d->group.family == AF_INET6)
                mnl_attr_put(nlh, IPVS_DAEMON_ATTR_MCAST_GROUP6, 16, &d->group.u.v6);
        if (d->port)
                mnl_attr_put_u16(nlh, IPVS_DAEMON_ATTR_MCAST_PORT, htons(d->port));
        if (d->ttl)
                mnl_attr_put_u8(nlh, IPVS_DAEMON_ATTR_MCAST_TTL, d->ttl);
}

int ipvs_msg_daemon(void *buf, uint16_t family, bool start, const struct lb_sync_daemon *d,
                    struct nlmsghdr **ret_nlh)
{
        size_t n = strnlen(d->ifname, sizeof(d->ifname));
        struct nlmsghdr *nlh;
        struct nlattr *nest;

        if (!state_ok(d->state))
                return -EINVAL;
        if (start && (n == 0 || n >= sizeof(d->ifname)))
                return -EINVAL;
        if (start && d->group.family && d->group.family != AF_INET && d->group.family != AF_INET6)
                return -EINVAL;
        nlh = header(buf, family, NLM_F_ACK, start ? IPVS_CMD_NEW_DAEMON : IPVS_CMD_DEL_DAEMON);
        nest = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_DAEMON);
        mnl_attr_put_u32(nlh, IPVS_DAEMON_ATTR_STATE, (uint32_t)d->state);
        if (start) {
                mnl_attr_put_strz(nlh, IPVS_DAEMON_ATTR_MCAST_IFN, d->ifname);
                mnl_attr_put_u32(nlh, IPVS_DAEMON_ATTR_SYNC_ID, d->syncid);
                put_optional(nlh, d);
        }
        mnl_attr_nest_end(nlh, nest);
        *ret_nlh = nlh;
        return 0;
}

struct nlmsghdr *ipvs_msg_dump_daemons(void *buf, uint16_t family)
{
        return header(buf, family, NLM_F_DUMP, IPVS_CMD_GET_DAEMON);
}

struct table {
        const struct nlattr **tb;
        unsigned max;
};

static int table_cb(const struct nlattr *a, void *data)
{
        struct table *t = data;
        unsigned type = mnl_attr_get_type(a);

        if (type <= t->max)
                t->tb[type] = a;
        return MNL_CB_OK;
}

/* The top-level attributes of an IPVS_CMD_NEW_DAEMON reply. */
static const struct nlattr *daemon_nest(const struct nlmsghdr *nlh, uint16_t family)
{
        const struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1] = { 0 };
        struct table t = { tb, IPVS_CMD_ATTR_MAX };
        const struct genlmsghdr *g;

        if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*g) || nlh->nlmsg_type != family)
                return NULL;
        g = mnl_nlmsg_get_payload(nlh);
        if (g->cmd != IPVS_CMD_NEW_DAEMON)
                return NULL;
        if (mnl_attr_parse_payload((const char *)g + sizeof(*g), nlh->nlmsg_len - MNL_NLMSG_HDRLEN - sizeof(*g),
                                   table_cb, &t) == MNL_CB_ERROR)
                return NULL;
        return tb[IPVS_CMD_ATTR_DAEMON];
}

static bool sized(const struct nlattr *a, size_t n)
{
        return !a || mnl_attr_get_payload_len(a) == n;
}

static int read_optional(const struct nlattr *const *tb, struct lb_sync_daemon *d)
{
        if (!sized(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN], 2) || !sized(tb[IPVS_DAEMON_ATTR_MCAST_PORT], 2) ||
            !sized(tb[IPVS_DAEMON_ATTR_MCAST_TTL], 1) || !sized(tb[IPVS_DAEMON_ATTR_MCAST_GROUP], 4) ||
            !sized(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6], 16))
                return -EINVAL;
        if (tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN])
                d->maxlen = mnl_attr_get_u16(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
        if (tb[IPVS_DAEMON_ATTR_MCAST_PORT])
                d->port = ntohs(mnl_attr_get_u16(tb[IPVS_DAEMON_ATTR_MCAST_PORT]));
        if (tb[IPVS_DAEMON_ATTR_MCAST_TTL])
                d->ttl = mnl_attr_get_u8(tb[IPVS_DAEMON_ATTR_MCAST_TTL]);
        /* a kernel sends the family it has; an IPv4 group of 0 is "unset" */
        if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]) {
                d->group.family = AF_INET6;
                memcpy(&d->group.u.v6, mnl_attr_get_payload(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]), 16);
        } else if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP]) {
                d->group.family = AF_INET;
                memcpy(&d->group.u.v4, mnl_attr_get_payload(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]), 4);
        }
        return 0;
}

int ipvs_parse_daemon(const struct nlmsghdr *nlh, uint16_t family, struct lb_sync_daemon *ret)
{
        const struct nlattr *tb[IPVS_DAEMON_ATTR_MAX + 1] = { 0 };
        struct table t = { tb, IPVS_DAEMON_ATTR_MAX };
        const struct nlattr *nest = daemon_nest(nlh, family);
        struct lb_sync_daemon d = { 0 };
        const struct nlattr *ifn;
        uint32_t state;

        if (!nest || mnl_attr_parse_nested(nest, table_cb, &t) == MNL_CB_ERROR)
                return -EINVAL;
        ifn = tb[IPVS_DAEMON_ATTR_MCAST_IFN];
        if (!tb[IPVS_DAEMON_ATTR_STATE] || !ifn || !tb[IPVS_DAEMON_ATTR_SYNC_ID] ||
            !sized(tb[IPVS_DAEMON_ATTR_STATE], 4) || !sized(tb[IPVS_DAEMON_ATTR_SYNC_ID], 4) ||
            mnl_attr_validate(ifn, MNL_TYPE_NUL_STRING) < 0 || mnl_attr_get_payload_len(ifn) > IFNAMSIZ)
                return -EINVAL;
        state = mnl_attr_get_u32(tb[IPVS_DAEMON_ATTR_STATE]);
        if (!state_ok((enum lb_sync_state)state))
                return -EINVAL;
        d.state = (enum lb_sync_state)state;
        snprintf(d.ifname, sizeof(d.ifname), "%s", mnl_attr_get_str(ifn));
        d.syncid = (uint8_t)mnl_attr_get_u32(tb[IPVS_DAEMON_ATTR_SYNC_ID]);
        if (read_optional(tb, &d) < 0)
                return -EINVAL;
        *ret = d;
        return 0;
}

const char *lb_sync_state_name(enum lb_sync_state s)
{
        return s == LB_SYNC_MASTER ? "master" : s == LB_SYNC_BACKUP ? "backup" : "?";
}

void lb_sync_daemon_str(const struct lb_sync_daemon *d, char *out, size_t n)
{
        char group[INET6_ADDRSTRLEN] = "";
        int k = snprintf(out, n, "%s on %s syncid %u", lb_sync_state_name(d->state), d->ifname, d->syncid);

        if (d->group.family)
                inet_ntop(d->group.family, &d->group.u, group, sizeof(group));
        if (k >= 0 && (size_t)k < n && d->maxlen)
                k += snprintf(out + k, n - (size_t)k, " maxlen %u", d->maxlen);
        if (k >= 0 && (size_t)k < n && d->port)
                k += snprintf(out + k, n - (size_t)k, " port %u", d->port);
        if (k >= 0 && (size_t)k < n && d->ttl)
                k += snprintf(out + k, n - (size_t)k, " ttl %u", d->ttl);
        if (k >= 0 && (size_t)k < n && group[0])
                snprintf(out + k, n - (size_t)k, " group %s", group);
}
