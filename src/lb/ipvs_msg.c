#include "lb/ipvs_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <netinet/in.h>
#include <string.h>

/* The model's values are the kernel's: a dump reads back unchanged. */
_Static_assert(LB_SVC_PERSISTENT == IP_VS_SVC_F_PERSISTENT && LB_SVC_ONEPACKET == IP_VS_SVC_F_ONEPACKET &&
               LB_SVC_SCHED1 == IP_VS_SVC_F_SCHED1 && LB_SVC_SCHED2 == IP_VS_SVC_F_SCHED2 &&
               LB_SVC_SCHED3 == IP_VS_SVC_F_SCHED3 && LB_SVC_SH_FALLBACK == IP_VS_SVC_F_SCHED_SH_FALLBACK &&
               LB_SVC_SH_PORT == IP_VS_SVC_F_SCHED_SH_PORT, "service flags");
_Static_assert(LB_FWD_MASQ == IP_VS_CONN_F_MASQ && LB_FWD_LOCAL == IP_VS_CONN_F_LOCALNODE &&
               LB_FWD_TUNNEL == IP_VS_CONN_F_TUNNEL && LB_FWD_ROUTE == IP_VS_CONN_F_DROUTE &&
               LB_FWD_BYPASS == IP_VS_CONN_F_BYPASS, "forwarding methods");
_Static_assert((int)LB_TUN_IPIP == IP_VS_CONN_F_TUNNEL_TYPE_IPIP && (int)LB_TUN_GUE == IP_VS_CONN_F_TUNNEL_TYPE_GUE &&
               (int)LB_TUN_GRE == IP_VS_CONN_F_TUNNEL_TYPE_GRE, "tunnel types");
_Static_assert(LB_TUN_F_CSUM == IP_VS_TUNNEL_ENCAP_FLAG_CSUM && LB_TUN_F_REMCSUM == IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
               "tunnel flags");
_Static_assert(LB_SCHED_MAX == IP_VS_SCHEDNAME_MAXLEN && LB_PE_MAX == IP_VS_PENAME_MAXLEN, "name lengths");

/* The kernel's address attributes are a union nf_inet_addr: 16 bytes for
 * either family (it copies what it is given; ipvsadm and the kernel's own
 * dumps always carry 16). */
#define NF_INET_ADDR_LEN 16

bool lb_service_key_equal(const struct lb_service_key *a, const struct lb_service_key *b)
{
        if (a->af != b->af || a->fwmark != b->fwmark)
                return false;
        if (a->fwmark)
                return true;
        return a->protocol == b->protocol && a->port == b->port && conf_ip_equal(&a->addr, &b->addr);
}

bool lb_dest_key_equal(const struct lb_dest_key *a, const struct lb_dest_key *b)
{
        return a->port == b->port && conf_ip_equal(&a->addr, &b->addr);
}

/* ---- requests ---------------------------------------------------------- */

static struct nlmsghdr *genl_header(void *buf, uint16_t type, uint16_t flags, uint8_t cmd, uint8_t version)
{
        struct nlmsghdr *nlh;
        struct genlmsghdr *g;

        memset(buf, 0, IPVS_MSG_MAX);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
        g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
        g->cmd = cmd;
        g->version = version;
        return nlh;
}

static struct nlmsghdr *ipvs_header(void *buf, uint16_t family, uint16_t flags, uint8_t cmd)
{
        return genl_header(buf, family, flags, cmd, IPVS_GENL_VERSION);
}

struct nlmsghdr *ipvs_msg_getfamily(void *buf)
{
        struct nlmsghdr *nlh = genl_header(buf, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);

        mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME);
        return nlh;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const struct conf_ip *ip)
{
        uint8_t a[NF_INET_ADDR_LEN] = { 0 };

        memcpy(a, &ip->u, ip->family == AF_INET6 ? 16 : 4);
        mnl_attr_put(nlh, type, sizeof(a), a);
}

static bool af_ok(int af)
{
        return af == AF_INET || af == AF_INET6;
}

static bool key_ok(const struct lb_service_key *k)
{
        if (!af_ok(k->af))
                return false;
        if (k->fwmark)
                return true;
        return (k->protocol == IPPROTO_TCP || k->protocol == IPPROTO_UDP || k->protocol == IPPROTO_SCTP) &&
               k->addr.family == k->af;
}

static void put_service_key(struct nlmsghdr *nlh, const struct lb_service_key *k)
{
        mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_AF, (uint16_t)k->af);
        if (k->fwmark) {
                mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_FWMARK, k->fwmark);
                return;
        }
        mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_PROTOCOL, k->protocol);
        put_addr(nlh, IPVS_SVC_ATTR_ADDR, &k->addr);
        mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_PORT, htons(k->port));
}

/* IPv4 granularity is a mask in network order, IPv6 granularity a prefix
 * length (the kernel refuses 0 and anything past 128 there). */
static uint32_t netmask_of(const struct lb_service *s)
{
        unsigned full = s->key.af == AF_INET6 ? 128 : 32;
        unsigned plen = s->netmask_prefix ? s->netmask_prefix : full;

        if (s->key.af == AF_INET6)
                return plen;
        return htonl(plen >= 32 ? 0xffffffffu : ~(0xffffffffu >> plen));
}

static bool params_ok(const struct lb_service *s)
{
        size_t n = strnlen(s->sched, sizeof(s->sched));

        if (n == 0 || n >= sizeof(s->sched) || strnlen(s->pe_name, sizeof(s->pe_name)) >= sizeof(s->pe_name))
                return false;
        return s->netmask_prefix <= (s->key.af == AF_INET6 ? 128 : 32);
}

static void put_service_params(struct nlmsghdr *nlh, const struct lb_service *s)
{
        /* the mask names every bit: what is not set here is cleared, so an
         * edit leaves no flag of the previous definition behind */
        struct ip_vs_flags f = { .flags = s->flags & LB_SVC_USER_FLAGS, .mask = ~0u };

        if (s->timeout)
                f.flags |= IP_VS_SVC_F_PERSISTENT;
        else
                f.flags &= ~(uint32_t)IP_VS_SVC_F_PERSISTENT;
        mnl_attr_put_strz(nlh, IPVS_SVC_ATTR_SCHED_NAME, s->sched);
        if (s->pe_name[0])
                mnl_attr_put_strz(nlh, IPVS_SVC_ATTR_PE_NAME, s->pe_name);
        mnl_attr_put(nlh, IPVS_SVC_ATTR_FLAGS, sizeof(f), &f);
        mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_TIMEOUT, s->timeout);
        mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_NETMASK, netmask_of(s));
}

int ipvs_msg_service(void *buf, uint16_t family, uint8_t cmd, const struct lb_service *svc,
                     struct nlmsghdr **ret_nlh)
{
        bool full = cmd == IPVS_CMD_NEW_SERVICE || cmd == IPVS_CMD_SET_SERVICE;
        struct nlmsghdr *nlh;
        struct nlattr *nest;

        if ((!full && cmd != IPVS_CMD_DEL_SERVICE) || !key_ok(&svc->key) || (full && !params_ok(svc)))
                return -EINVAL;
        nlh = ipvs_header(buf, family, NLM_F_ACK, cmd);
        nest = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_SERVICE);
        put_service_key(nlh, &svc->key);
        if (full)
                put_service_params(nlh, svc);
        mnl_attr_nest_end(nlh, nest);
        *ret_nlh = nlh;
        return 0;
}

static bool dest_ok(const struct lb_dest *d, const struct lb_service_key *svc, bool full)
{
        if (!af_ok(d->key.addr.family))
                return false;
        if (!full)
                return true;
        /* the kernel forwards to another family only through a tunnel */
        if (d->key.addr.family != svc->af && d->fwd != LB_FWD_TUNNEL)
                return false;
        return (unsigned)d->fwd <= LB_FWD_BYPASS && (unsigned)d->tun_type <= LB_TUN_GRE &&
               !(d->tun_flags & ~(LB_TUN_F_CSUM | LB_TUN_F_REMCSUM));
}

static void put_dest(struct nlmsghdr *nlh, const struct lb_dest *d, bool full)
{
        struct nlattr *nest = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_DEST);

        put_addr(nlh, IPVS_DEST_ATTR_ADDR, &d->key.addr);
        mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_PORT, htons(d->key.port));
        mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_ADDR_FAMILY, (uint16_t)d->key.addr.family);
        if (full) {
                mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_FWD_METHOD, (uint32_t)d->fwd);
                mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_WEIGHT, d->weight);
                mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_U_THRESH, d->u_thresh);
                mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_L_THRESH, d->l_thresh);
        }
        if (full && d->fwd == LB_FWD_TUNNEL) {
                mnl_attr_put_u8(nlh, IPVS_DEST_ATTR_TUN_TYPE, (uint8_t)d->tun_type);
                mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_TUN_PORT, htons(d->tun_port));
                mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_TUN_FLAGS, d->tun_flags);
        }
        mnl_attr_nest_end(nlh, nest);
}

int ipvs_msg_dest(void *buf, uint16_t family, uint8_t cmd, const struct lb_service_key *svc,
                  const struct lb_dest *dest, struct nlmsghdr **ret_nlh)
{
        bool full = cmd == IPVS_CMD_NEW_DEST || cmd == IPVS_CMD_SET_DEST;
        struct nlmsghdr *nlh;
        struct nlattr *nest;

        if ((!full && cmd != IPVS_CMD_DEL_DEST) || !key_ok(svc) || !dest_ok(dest, svc, full))
                return -EINVAL;
        nlh = ipvs_header(buf, family, NLM_F_ACK, cmd);
        nest = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_SERVICE);
        put_service_key(nlh, svc);
        mnl_attr_nest_end(nlh, nest);
        put_dest(nlh, dest, full);
        *ret_nlh = nlh;
        return 0;
}

struct nlmsghdr *ipvs_msg_flush(void *buf, uint16_t family)
{
        return ipvs_header(buf, family, NLM_F_ACK, IPVS_CMD_FLUSH);
}

struct nlmsghdr *ipvs_msg_timeouts(void *buf, uint16_t family, const struct lb_timeouts *t)
{
        struct nlmsghdr *nlh = ipvs_header(buf, family, NLM_F_ACK, IPVS_CMD_SET_CONFIG);

        /* an absent timeout keeps the kernel's value (it reads the current
         * ones first) */
        if (t->tcp)
                mnl_attr_put_u32(nlh, IPVS_CMD_ATTR_TIMEOUT_TCP, t->tcp);
        if (t->tcpfin)
                mnl_attr_put_u32(nlh, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t->tcpfin);
        if (t->udp)
                mnl_attr_put_u32(nlh, IPVS_CMD_ATTR_TIMEOUT_UDP, t->udp);
        return nlh;
}

static const uint8_t change_cmd[] = {
        [LB_ADD_SERVICE] = IPVS_CMD_NEW_SERVICE, [LB_EDIT_SERVICE] = IPVS_CMD_SET_SERVICE,
        [LB_DEL_SERVICE] = IPVS_CMD_DEL_SERVICE, [LB_ADD_DEST] = IPVS_CMD_NEW_DEST,
        [LB_EDIT_DEST] = IPVS_CMD_SET_DEST, [LB_DEL_DEST] = IPVS_CMD_DEL_DEST,
        [LB_FLUSH] = IPVS_CMD_FLUSH, [LB_SET_TIMEOUTS] = IPVS_CMD_SET_CONFIG,
};

int ipvs_change_msg(void *buf, uint16_t family, const struct lb_change *c, struct nlmsghdr **ret_nlh)
{
        switch (c->op) {
        case LB_ADD_SERVICE:
        case LB_EDIT_SERVICE:
        case LB_DEL_SERVICE:
                return ipvs_msg_service(buf, family, change_cmd[c->op], &c->svc, ret_nlh);
        case LB_ADD_DEST:
        case LB_EDIT_DEST:
        case LB_DEL_DEST:
                return ipvs_msg_dest(buf, family, change_cmd[c->op], &c->svc.key, &c->dest, ret_nlh);
        case LB_FLUSH:
                *ret_nlh = ipvs_msg_flush(buf, family);
                return 0;
        case LB_SET_TIMEOUTS:
                *ret_nlh = ipvs_msg_timeouts(buf, family, &c->timeouts);
                return 0;
        }
        return -EINVAL;
}

struct nlmsghdr *ipvs_msg_get_info(void *buf, uint16_t family)
{
        return ipvs_header(buf, family, 0, IPVS_CMD_GET_INFO);
}

struct nlmsghdr *ipvs_msg_get_config(void *buf, uint16_t family)
{
        return ipvs_header(buf, family, 0, IPVS_CMD_GET_CONFIG);
}

struct nlmsghdr *ipvs_msg_dump_services(void *buf, uint16_t family)
{
        return ipvs_header(buf, family, NLM_F_DUMP, IPVS_CMD_GET_SERVICE);
}

int ipvs_msg_dump_dests(void *buf, uint16_t family, const struct lb_service_key *svc, struct nlmsghdr **ret_nlh)
{
        struct nlmsghdr *nlh;
        struct nlattr *nest;

        if (!key_ok(svc))
                return -EINVAL;
        nlh = ipvs_header(buf, family, NLM_F_DUMP, IPVS_CMD_GET_DEST);
        nest = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_SERVICE);
        put_service_key(nlh, svc);
        mnl_attr_nest_end(nlh, nest);
        *ret_nlh = nlh;
        return 0;
}

/* ---- replies ------------------------------------------------------------ */

/* The attributes of one level by type; an unknown (newer) type is skipped,
 * as the kernel's own parsers do. */
struct attr_table {
        const struct nlattr **tb;
        unsigned max;
};

static int table_cb(const struct nlattr *attr, void *data)
{
        struct attr_table *t = data;
        unsigned type = mnl_attr_get_type(attr);

        if (type <= t->max)
                t->tb[type] = attr;
        return MNL_CB_OK;
}

/* The message's attributes after the genl header, if it is the family's
 * message for cmd. */
static int genl_attrs(const struct nlmsghdr *nlh, uint16_t family, uint8_t cmd, const struct nlattr **tb,
                      unsigned max)
{
        struct attr_table t = { tb, max };
        const struct genlmsghdr *g;

        if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*g) || nlh->nlmsg_type != family)
                return -EINVAL;
        g = mnl_nlmsg_get_payload(nlh);
        if (g->cmd != cmd)
                return -EINVAL;
        memset(tb, 0, (max + 1) * sizeof(*tb));
        /* bounded by nlmsg_len itself: mnl_attr_parse() walks to the
         * aligned end, up to 3 bytes past a message whose length is not a
         * multiple of 4 */
        return mnl_attr_parse_payload((const char *)g + sizeof(*g), nlh->nlmsg_len - MNL_NLMSG_HDRLEN - sizeof(*g),
                                      table_cb, &t) == MNL_CB_ERROR ? -EINVAL : 0;
}

static int nested(const struct nlattr *nest, const struct nlattr **tb, unsigned max)
{
        struct attr_table t = { tb, max };

        memset(tb, 0, (max + 1) * sizeof(*tb));
        if (mnl_attr_get_payload_len(nest) == 0)
                return 0;
        return mnl_attr_parse_nested(nest, table_cb, &t) == MNL_CB_ERROR ? -EINVAL : 0;
}

/* An attribute of exactly the type's size (or a NUL-terminated string);
 * absent attributes pass, required ones are checked by the caller. */
static bool valid(const struct nlattr *a, enum mnl_attr_data_type type)
{
        return !a || mnl_attr_validate(a, type) >= 0;
}

static int get_addr(const struct nlattr *a, int af, struct conf_ip *ret)
{
        size_t need = af == AF_INET6 ? 16 : 4;

        if (!af_ok(af))
                return -EAFNOSUPPORT;
        if (!a || mnl_attr_get_payload_len(a) < need || mnl_attr_get_payload_len(a) > NF_INET_ADDR_LEN)
                return -EINVAL;
        memset(ret, 0, sizeof(*ret));
        ret->family = af;
        memcpy(&ret->u, mnl_attr_get_payload(a), need);
        return 0;
}

static int get_name(const struct nlattr *a, char *buf, size_t size)
{
        if (!a) {
                buf[0] = 0;
                return 0;
        }
        if (!valid(a, MNL_TYPE_NUL_STRING) || strnlen(mnl_attr_get_str(a), size) >= size)
                return -EINVAL;
        strcpy(buf, mnl_attr_get_str(a));
        return 0;
}

/* IPVS_SVC_ATTR_STATS carries 32-bit packet counters and 64-bit byte
 * counters, IPVS_SVC_ATTR_STATS64 64-bit everything; the second wins
 * when both are there. */
static int get_stats(const struct nlattr *nest, bool all64, struct lb_stats *ret)
{
        static const uint16_t order[] = { IPVS_STATS_ATTR_CONNS, IPVS_STATS_ATTR_INPKTS, IPVS_STATS_ATTR_OUTPKTS,
                                          IPVS_STATS_ATTR_INBYTES, IPVS_STATS_ATTR_OUTBYTES, IPVS_STATS_ATTR_CPS,
                                          IPVS_STATS_ATTR_INPPS, IPVS_STATS_ATTR_OUTPPS, IPVS_STATS_ATTR_INBPS,
                                          IPVS_STATS_ATTR_OUTBPS };
        struct lb_stats s = { 0 };
        uint64_t *field[] = { &s.conns, &s.inpkts, &s.outpkts, &s.inbytes, &s.outbytes,
                              &s.cps, &s.inpps, &s.outpps, &s.inbps, &s.outbps };
        const struct nlattr *tb[IPVS_STATS_ATTR_MAX + 1];

        if (!nest)
                return 0;
        if (nested(nest, tb, IPVS_STATS_ATTR_MAX) < 0)
                return -EINVAL;
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
                const struct nlattr *a = tb[order[i]];
                bool wide = all64 || order[i] == IPVS_STATS_ATTR_INBYTES || order[i] == IPVS_STATS_ATTR_OUTBYTES;
                if (!a)
                        continue;
                if (!valid(a, wide ? MNL_TYPE_U64 : MNL_TYPE_U32))
                        return -EINVAL;
                *field[i] = wide ? mnl_attr_get_u64(a) : mnl_attr_get_u32(a);
        }
        *ret = s;
        return 0;
}

/* A full IPv4 mask reads back as 0 (the model's "whole address"); a
 * non-contiguous one (ipvsadm -M takes any) as its leading ones. */
static uint8_t prefix_of(int af, uint32_t netmask)
{
        uint32_t m = ntohl(netmask);
        uint8_t n = 0;

        if (af == AF_INET6)
                return netmask >= 128 ? 0 : (uint8_t)netmask;
        while (n < 32 && (m & (0x80000000u >> n)))
                n++;
        return n == 32 ? 0 : n;
}

static int service_key_of(const struct nlattr **tb, struct lb_service_key *k)
{
        if (!tb[IPVS_SVC_ATTR_AF] || !valid(tb[IPVS_SVC_ATTR_AF], MNL_TYPE_U16) ||
            !valid(tb[IPVS_SVC_ATTR_FWMARK], MNL_TYPE_U32) || !valid(tb[IPVS_SVC_ATTR_PROTOCOL], MNL_TYPE_U16) ||
            !valid(tb[IPVS_SVC_ATTR_PORT], MNL_TYPE_U16))
                return -EINVAL;
        memset(k, 0, sizeof(*k));
        k->af = mnl_attr_get_u16(tb[IPVS_SVC_ATTR_AF]);
        if (!af_ok(k->af))
                return -EAFNOSUPPORT;
        if (tb[IPVS_SVC_ATTR_FWMARK] && mnl_attr_get_u32(tb[IPVS_SVC_ATTR_FWMARK])) {
                k->fwmark = mnl_attr_get_u32(tb[IPVS_SVC_ATTR_FWMARK]);
                return 0;
        }
        if (!tb[IPVS_SVC_ATTR_PROTOCOL] || !tb[IPVS_SVC_ATTR_PORT])
                return -EINVAL;
        k->protocol = mnl_attr_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
        k->port = ntohs(mnl_attr_get_u16(tb[IPVS_SVC_ATTR_PORT]));
        return get_addr(tb[IPVS_SVC_ATTR_ADDR], k->af, &k->addr);
}

static int service_params_of(const struct nlattr **tb, struct lb_service *s)
{
        const struct nlattr *fa = tb[IPVS_SVC_ATTR_FLAGS];
        struct ip_vs_flags f;

        if (!fa || mnl_attr_get_payload_len(fa) != sizeof(f) || !tb[IPVS_SVC_ATTR_TIMEOUT] ||
            !valid(tb[IPVS_SVC_ATTR_TIMEOUT], MNL_TYPE_U32) || !tb[IPVS_SVC_ATTR_NETMASK] ||
            !valid(tb[IPVS_SVC_ATTR_NETMASK], MNL_TYPE_U32))
                return -EINVAL;
        if (get_name(tb[IPVS_SVC_ATTR_SCHED_NAME], s->sched, sizeof(s->sched)) < 0 || !s->sched[0] ||
            get_name(tb[IPVS_SVC_ATTR_PE_NAME], s->pe_name, sizeof(s->pe_name)) < 0)
                return -EINVAL;
        memcpy(&f, mnl_attr_get_payload(fa), sizeof(f));
        s->flags = f.flags & LB_SVC_USER_FLAGS & ~(uint32_t)LB_SVC_PERSISTENT;
        s->timeout = mnl_attr_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
        s->netmask_prefix = prefix_of(s->key.af, mnl_attr_get_u32(tb[IPVS_SVC_ATTR_NETMASK]));
        return 0;
}

int ipvs_parse_service(const struct nlmsghdr *nlh, uint16_t family, struct lb_service_entry *ret)
{
        const struct nlattr *top[IPVS_CMD_ATTR_MAX + 1], *tb[IPVS_SVC_ATTR_MAX + 1];
        struct lb_service_entry e = { 0 };
        int r;

        if (genl_attrs(nlh, family, IPVS_CMD_NEW_SERVICE, top, IPVS_CMD_ATTR_MAX) < 0 ||
            !top[IPVS_CMD_ATTR_SERVICE] || nested(top[IPVS_CMD_ATTR_SERVICE], tb, IPVS_SVC_ATTR_MAX) < 0)
                return -EINVAL;
        if ((r = service_key_of(tb, &e.svc.key)) < 0 || (r = service_params_of(tb, &e.svc)) < 0)
                return r;
        if (get_stats(tb[IPVS_SVC_ATTR_STATS], false, &e.stats) < 0 ||
            get_stats(tb[IPVS_SVC_ATTR_STATS64], true, &e.stats) < 0)
                return -EINVAL;
        *ret = e;
        return 0;
}

static bool dest_attrs_valid(const struct nlattr **tb)
{
        static const uint16_t u32s[] = { IPVS_DEST_ATTR_FWD_METHOD, IPVS_DEST_ATTR_WEIGHT, IPVS_DEST_ATTR_U_THRESH,
                                         IPVS_DEST_ATTR_L_THRESH, IPVS_DEST_ATTR_ACTIVE_CONNS,
                                         IPVS_DEST_ATTR_INACT_CONNS, IPVS_DEST_ATTR_PERSIST_CONNS };

        for (size_t i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++)
                if (!valid(tb[u32s[i]], MNL_TYPE_U32))
                        return false;
        return tb[IPVS_DEST_ATTR_PORT] && valid(tb[IPVS_DEST_ATTR_PORT], MNL_TYPE_U16) &&
               tb[IPVS_DEST_ATTR_FWD_METHOD] && tb[IPVS_DEST_ATTR_WEIGHT] &&
               valid(tb[IPVS_DEST_ATTR_ADDR_FAMILY], MNL_TYPE_U16) && valid(tb[IPVS_DEST_ATTR_TUN_TYPE], MNL_TYPE_U8) &&
               valid(tb[IPVS_DEST_ATTR_TUN_PORT], MNL_TYPE_U16) && valid(tb[IPVS_DEST_ATTR_TUN_FLAGS], MNL_TYPE_U16);
}

static uint32_t u32_or_0(const struct nlattr *a)
{
        return a ? mnl_attr_get_u32(a) : 0;
}

static int dest_of(const struct nlattr **tb, int svc_af, struct lb_dest_entry *e)
{
        struct lb_dest *d = &e->dest;
        int af = tb[IPVS_DEST_ATTR_ADDR_FAMILY] ? mnl_attr_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]) : svc_af;
        int r = get_addr(tb[IPVS_DEST_ATTR_ADDR], af, &d->key.addr);

        if (r < 0)
                return r;
        d->key.port = ntohs(mnl_attr_get_u16(tb[IPVS_DEST_ATTR_PORT]));
        d->fwd = (enum lb_fwd)(mnl_attr_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]) & IP_VS_CONN_F_FWD_MASK);
        d->weight = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_WEIGHT]);
        d->u_thresh = u32_or_0(tb[IPVS_DEST_ATTR_U_THRESH]);
        d->l_thresh = u32_or_0(tb[IPVS_DEST_ATTR_L_THRESH]);
        /* the kernel reports tunnel attributes on every destination: the
         * model keeps them for tunnels only, as the builder sends them */
        if (d->fwd == LB_FWD_TUNNEL) {
                uint8_t type = tb[IPVS_DEST_ATTR_TUN_TYPE] ? mnl_attr_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]) : 0;
                if (type > LB_TUN_GRE)
                        return -EINVAL;
                d->tun_type = (enum lb_tun_type)type;
                d->tun_port = tb[IPVS_DEST_ATTR_TUN_PORT] ? ntohs(mnl_attr_get_u16(tb[IPVS_DEST_ATTR_TUN_PORT])) : 0;
                d->tun_flags = tb[IPVS_DEST_ATTR_TUN_FLAGS] ? mnl_attr_get_u16(tb[IPVS_DEST_ATTR_TUN_FLAGS]) : 0;
        }
        e->active_conns = u32_or_0(tb[IPVS_DEST_ATTR_ACTIVE_CONNS]);
        e->inact_conns = u32_or_0(tb[IPVS_DEST_ATTR_INACT_CONNS]);
        e->persist_conns = u32_or_0(tb[IPVS_DEST_ATTR_PERSIST_CONNS]);
        return 0;
}

int ipvs_parse_dest(const struct nlmsghdr *nlh, uint16_t family, int svc_af, struct lb_dest_entry *ret)
{
        const struct nlattr *top[IPVS_CMD_ATTR_MAX + 1], *tb[IPVS_DEST_ATTR_MAX + 1];
        struct lb_dest_entry e = { 0 };
        int r;

        if (genl_attrs(nlh, family, IPVS_CMD_NEW_DEST, top, IPVS_CMD_ATTR_MAX) < 0 || !top[IPVS_CMD_ATTR_DEST] ||
            nested(top[IPVS_CMD_ATTR_DEST], tb, IPVS_DEST_ATTR_MAX) < 0 || !dest_attrs_valid(tb))
                return -EINVAL;
        if ((r = dest_of(tb, svc_af, &e)) < 0)
                return r;
        if (get_stats(tb[IPVS_DEST_ATTR_STATS], false, &e.stats) < 0 ||
            get_stats(tb[IPVS_DEST_ATTR_STATS64], true, &e.stats) < 0)
                return -EINVAL;
        *ret = e;
        return 0;
}

int ipvs_parse_info(const struct nlmsghdr *nlh, uint16_t family, struct lb_info *ret)
{
        const struct nlattr *tb[IPVS_INFO_ATTR_MAX + 1];

        if (genl_attrs(nlh, family, IPVS_CMD_SET_INFO, tb, IPVS_INFO_ATTR_MAX) < 0 ||
            !tb[IPVS_INFO_ATTR_VERSION] || !valid(tb[IPVS_INFO_ATTR_VERSION], MNL_TYPE_U32) ||
            !tb[IPVS_INFO_ATTR_CONN_TAB_SIZE] || !valid(tb[IPVS_INFO_ATTR_CONN_TAB_SIZE], MNL_TYPE_U32))
                return -EINVAL;
        ret->version = mnl_attr_get_u32(tb[IPVS_INFO_ATTR_VERSION]);
        ret->conn_tab_size = mnl_attr_get_u32(tb[IPVS_INFO_ATTR_CONN_TAB_SIZE]);
        return 0;
}

int ipvs_parse_config(const struct nlmsghdr *nlh, uint16_t family, struct lb_timeouts *ret)
{
        const struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];

        if (genl_attrs(nlh, family, IPVS_CMD_SET_CONFIG, tb, IPVS_CMD_ATTR_MAX) < 0 ||
            !valid(tb[IPVS_CMD_ATTR_TIMEOUT_TCP], MNL_TYPE_U32) ||
            !valid(tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN], MNL_TYPE_U32) ||
            !valid(tb[IPVS_CMD_ATTR_TIMEOUT_UDP], MNL_TYPE_U32))
                return -EINVAL;
        ret->tcp = u32_or_0(tb[IPVS_CMD_ATTR_TIMEOUT_TCP]);
        ret->tcpfin = u32_or_0(tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]);
        ret->udp = u32_or_0(tb[IPVS_CMD_ATTR_TIMEOUT_UDP]);
        return 0;
}

/* The controller's answer to CTRL_CMD_GETFAMILY (CTRL_CMD_NEWFAMILY). */
int ipvs_parse_family(const struct nlmsghdr *nlh, uint16_t *ret_family)
{
        const struct nlattr *tb[CTRL_ATTR_MAX + 1];

        if (genl_attrs(nlh, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, tb, CTRL_ATTR_MAX) < 0 ||
            !tb[CTRL_ATTR_FAMILY_ID] || !valid(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16))
                return -EINVAL;
        *ret_family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
        return 0;
}

/* NLMSG_ERROR (0: the ACK) and NLMSG_DONE (a dump's error, if any, is
 * its payload) end the answer. */
static int end_of(const struct nlmsghdr *nlh)
{
        int err = 0;

        if (nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + sizeof(int))
                memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
        else if (nlh->nlmsg_type == NLMSG_ERROR)
                return -EBADMSG;
        return err > 0 ? -err : err;
}

int ipvs_walk_replies(const void *buf, size_t len, uint32_t seq, uint32_t portid, ipvs_msg_cb cb, void *ctx)
{
        const char *p = buf;

        while (len >= sizeof(struct nlmsghdr)) {
                const struct nlmsghdr *nlh = (const void *)p;
                size_t step = MNL_ALIGN(nlh->nlmsg_len);

                if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len)
                        return -EBADMSG;
                if (nlh->nlmsg_seq == seq && (!nlh->nlmsg_pid || nlh->nlmsg_pid == portid)) {
                        if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)
                                return end_of(nlh);
                        if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
                                cb(nlh, ctx);
                }
                if (step >= len)
                        break;
                p += step;
                len -= step;
        }
        return 1;
}
