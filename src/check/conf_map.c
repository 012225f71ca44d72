/* The configuration model as the check decisions' inputs; see conf_map.h. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check/conf_map.h"

struct check_policy check_policy_of(const struct conf_checker *ck)
{
        bool misc = ck->type == CHECK_MISC;

        return (struct check_policy){
                .retry = ck->retry < 0 ? 0 : ck->retry > UINT32_MAX ? UINT32_MAX : (uint32_t)ck->retry,
                .delay_before_retry = ck->delay_before_retry,
                .delay_loop = ck->delay_loop,
                .warmup = ck->warmup,
                .alpha = ck->alpha > 0,
                .misc_dynamic = misc && ck->misc_dynamic,
        };
}

struct check_vs_params check_vs_params_of(const struct conf_virtual_server *vs, bool rs_init_notifies)
{
        return (struct check_vs_params){
                .quorum = vs->quorum,
                .hysteresis = vs->hysteresis,
                .has_sorry_server = vs->has_sorry_server,
                .sorry_server_inhibit = vs->sorry_server_inhibit,
                .omega = vs->omega,
                .rs_init_notifies = rs_init_notifies,
        };
}

struct check_rs_input check_rs_input_of(const struct conf_real_server *rs, bool alive)
{
        return (struct check_rs_input){
                .alive = alive,
                .weight = rs->weight,
                .inhibit_on_failure = rs->inhibit_on_failure > 0,
        };
}

enum check_fwd check_fwd_of(const char *lb_kind)
{
        if (lb_kind && !strcmp(lb_kind, "DR"))
                return CHECK_FWD_DR;
        if (lb_kind && !strcmp(lb_kind, "TUN"))
                return CHECK_FWD_TUN;
        return CHECK_FWD_NAT;
}

static uint16_t protocol_of(const char *p)
{
        if (p && !strcmp(p, "TCP"))
                return IPPROTO_TCP;
        if (p && !strcmp(p, "SCTP"))
                return IPPROTO_SCTP;
        return IPPROTO_UDP;     /* keepalived's default, which validation has logged */
}

static uint32_t granularity_of(const char *g, int af)
{
        struct in_addr mask;

        if (af == AF_INET6)
                return g ? (uint32_t)strtoul(g, NULL, 10) : 128;
        if (g && inet_pton(AF_INET, g, &mask) == 1)
                return ntohl(mask.s_addr);
        return 0xffffffffu;
}

void check_svc_attrs_of(const struct conf_virtual_server *vs, int af, struct check_svc *ret)
{
        size_t n = strlen(vs->lb_algo ? vs->lb_algo : "wlc");

        memset(ret->sched, 0, sizeof(ret->sched));
        memcpy(ret->sched, vs->lb_algo ? vs->lb_algo : "wlc", n < CHECK_SCHED_LEN ? n : CHECK_SCHED_LEN - 1);
        ret->af = af;
        ret->flags = 0;
        ret->timeout = 0;
        ret->netmask = 0;
        memset(ret->pe_name, 0, sizeof(ret->pe_name));
        if (vs->persistence_engine) {
                n = strlen(vs->persistence_engine);
                memcpy(ret->pe_name, vs->persistence_engine, n < CHECK_PE_LEN ? n : CHECK_PE_LEN - 1);
        }
        if (vs->persistence_timeout) {
                ret->flags |= CHECK_SVC_F_PERSISTENT;
                ret->timeout = vs->persistence_timeout;
                ret->netmask = granularity_of(vs->persistence_granularity, af);
        }
        if (vs->ops)
                ret->flags |= CHECK_SVC_F_ONEPACKET;
        /* the model keeps the kernel's values (CONF_SCHED_F* = CHECK_SVC_F_SCHED*) */
        ret->flags |= vs->sched_flags & (CHECK_SVC_F_SCHED1 | CHECK_SVC_F_SCHED2 | CHECK_SVC_F_SCHED3);
}

/* A fwmark service's family: ip_family, else its real servers'. */
static int fwmark_family(const struct conf_virtual_server *vs, int given)
{
        if (given)
                return given;
        if (vs->ip_family)
                return strcmp(vs->ip_family, "inet6") ? AF_INET : AF_INET6;
        if (vs->real_servers.first && vs->real_servers.first->addr.family)
                return vs->real_servers.first->addr.family;
        return AF_INET;
}

static const struct conf_vsg *group_of(const struct conf *c, const struct conf_virtual_server *vs)
{
        const struct conf_vsg *g;

        CONF_FOREACH(g, &c->vs_groups)
                if (!strcmp(g->name, vs->group))
                        return g;
        return NULL;
}

/* The addresses of a range, end included, counted up to max: end - start
 * + 1 worked out byte by byte (big-endian, with a borrow), saturating when
 * it does not fit in 64 bits. */
static size_t range_count(const struct conf_vsg_entry *e, size_t max)
{
        size_t len = e->addr.family == AF_INET ? 4 : 16;
        const uint8_t *a = e->addr.family == AF_INET ? (const uint8_t *)&e->addr.u.v4 : e->addr.u.v6.s6_addr;
        const uint8_t *b = e->addr.family == AF_INET ? (const uint8_t *)&e->range_end.u.v4 : e->range_end.u.v6.s6_addr;
        uint8_t diff[16];
        unsigned borrow = 0;
        uint64_t v = 0;

        if (memcmp(a, b, len) > 0)
                return 0;
        for (size_t i = len; i-- > 0;) {
                int d = (int)b[i] - (int)a[i] - (int)borrow;
                borrow = d < 0;
                diff[i] = (uint8_t)(d < 0 ? d + 256 : d);
        }
        for (size_t i = 0; i < len; i++) {
                if (i + 8 < len && diff[i])
                        return max;
                if (i + 8 >= len)
                        v = v << 8 | diff[i];
        }
        return v >= max ? max : (size_t)v + 1;
}

static void next_ip(struct conf_ip *ip)
{
        uint8_t *p = ip->family == AF_INET ? (uint8_t *)&ip->u.v4 : ip->u.v6.s6_addr;

        for (size_t i = ip->family == AF_INET ? 4 : 16; i-- > 0;)
                if (++p[i])
                        break;
}

size_t check_vs_svc_count(const struct conf *c, const struct conf_virtual_server *vs, size_t max_count)
{
        const struct conf_vsg *g;
        const struct conf_vsg_entry *e;
        size_t n = 0;

        if (vs->kind != VS_GROUP)
                return max_count ? 1 : 0;
        g = group_of(c, vs);
        if (!g)
                return 0;
        CONF_FOREACH(e, &g->entries) {
                size_t k = e->kind == VSG_RANGE ? range_count(e, max_count) : 1;
                n = k > max_count - n ? max_count : n + k;
        }
        return n;
}

static void addr_svc(const struct conf_virtual_server *vs, const struct conf_ip *ip, uint16_t port, struct check_svc *s)
{
        memset(s, 0, sizeof(*s));
        check_svc_attrs_of(vs, ip->family, s);
        s->protocol = protocol_of(vs->protocol);
        s->addr = *ip;
        s->port = port;
}

static void fwmark_svc(const struct conf_virtual_server *vs, uint32_t mark, int af, struct check_svc *s)
{
        memset(s, 0, sizeof(*s));
        check_svc_attrs_of(vs, fwmark_family(vs, af), s);
        s->fwmark = mark;
}

static size_t entry_svcs(const struct conf_virtual_server *vs, const struct conf_vsg_entry *e, struct check_svc *out,
                         size_t n)
{
        struct conf_ip ip = e->addr;
        size_t k;

        if (e->kind == VSG_FWMARK) {
                fwmark_svc(vs, e->fwmark, e->fwmark_family, out);
                return 1;
        }
        if (e->kind == VSG_ADDR) {
                addr_svc(vs, &ip, e->port, out);
                return 1;
        }
        k = range_count(e, n);
        for (size_t i = 0; i < k; i++, next_ip(&ip))
                addr_svc(vs, &ip, e->port, &out[i]);
        return k;
}

size_t check_vs_svcs(const struct conf *c, const struct conf_virtual_server *vs, struct check_svc *out, size_t n)
{
        const struct conf_vsg *g;
        const struct conf_vsg_entry *e;
        size_t k = 0;

        if (!n)
                return 0;
        if (vs->kind == VS_ADDR) {
                addr_svc(vs, &vs->addr, vs->port, out);
                return 1;
        }
        if (vs->kind == VS_FWMARK) {
                fwmark_svc(vs, vs->fwmark, 0, out);
                return 1;
        }
        g = group_of(c, vs);
        if (!g)
                return 0;
        for (e = g->entries.first; e && k < n; e = e->next)
                k += entry_svcs(vs, e, out + k, n - k);
        return k;
}

struct check_dest check_dest_of(const struct conf_virtual_server *vs, const struct conf_real_server *rs)
{
        return (struct check_dest){
                .addr = rs->addr,
                .port = rs->port,
                /* the real server's own method; validation gave it the lb_kind's */
                .fwd = check_fwd_of(rs->lvs_method ? rs->lvs_method : vs->lb_kind),
                .weight = check_rs_weight(rs->weight),
                .u_thresh = rs->uthreshold,
                .l_thresh = rs->lthreshold,
                .tun_type = rs->tun.type,
                .tun_port = rs->tun.port,
                .tun_flags = rs->tun.flags,
        };
}

struct check_dest check_sorry_dest_of(const struct conf_virtual_server *vs)
{
        return (struct check_dest){
                .addr = vs->sorry_server,
                .port = vs->sorry_server_port,
                .fwd = check_fwd_of(vs->sorry_server_lvs_method ? vs->sorry_server_lvs_method : vs->lb_kind),
                .weight = 1,
                .tun_type = vs->sorry_tun.type,
                .tun_port = vs->sorry_tun.port,
                .tun_flags = vs->sorry_tun.flags,
        };
}
