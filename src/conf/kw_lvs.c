/* virtual_server_group, virtual_server and real_server blocks. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/kw_common.h"
#include "conf/parser.h"
#include "conf/values.h"

#define VSV struct conf_virtual_server
#define RS struct conf_real_server
#define SEC 1000000LL

/* ---- virtual_server_group --------------------------------------------------- */

void *kw_open_vsg(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf *c = obj;
        const char *name = kw_block_name(p, ln);
        struct conf_vsg *g, *o;

        if (!name)
                return NULL;
        CONF_FOREACH(o, &c->vs_groups)
                if (!strcmp(o->name, name)) {
                        perr(p, ln, 1, "virtual_server_group '%s' is defined twice; ignoring this one", name);
                        return NULL;
                }
        g = arena_alloc(&c->arena, sizeof(*g));
        g->name = name;
        g->pos = ppos(p, ln, 1);
        CONF_LIST_APPEND(&c->vs_groups, g);
        return g;
}

static bool read_port(struct parser *p, const struct conf_line *ln, size_t i, uint16_t *ret)
{
        int64_t v;

        if (i >= ln->ntok) {
                *ret = 0;
                return true;
        }
        if (!read_int64(p, ln, i, 0, 65535, &v))
                return false;
        *ret = (uint16_t)v;
        return true;
}

/* "A.B.C.D-E", "A.B.C.D-W.X.Y.Z" or "A.B.C.D/NN" */
static bool vsg_range(struct parser *p, const struct conf_line *ln, struct conf_vsg_entry *e)
{
        const char *s = ln->tok[0].s, *dash = strchr(s, '-'), *slash = strchr(s, '/');
        char first[64];
        uint8_t plen;

        if (slash) {
                if (!read_prefix(p, ln, 0, &e->addr, &plen, NULL))
                        return false;
                e->range_end = e->addr;
                if (e->addr.family == AF_INET) {
                        uint32_t host = plen == 32 ? 0 : 0xffffffffu >> plen;
                        if (ntohl(e->addr.u.v4.s_addr) & host) {
                                perr(p, ln, 0, "%s has host bits set", s);
                                return false;
                        }
                        e->range_end.u.v4.s_addr = htonl(ntohl(e->addr.u.v4.s_addr) | host);
                } else {
                        for (int b = plen; b < 128; b++)
                                e->range_end.u.v6.s6_addr[b / 8] |= (uint8_t)(0x80 >> (b % 8));
                }
                e->kind = VSG_RANGE;
                return true;
        }
        snprintf(first, sizeof(first), "%.*s", (int)(dash - s), s);
        if (!conf_parse_ip(first, &e->addr)) {
                perr(p, ln, 0, "'%s' is not an address range", s);
                return false;
        }
        e->range_end = e->addr;
        e->kind = VSG_RANGE;
        if (conf_parse_ip(dash + 1, &e->range_end) && e->range_end.family == e->addr.family)
                return true;
        char *end;
        unsigned long last = strtoul(dash + 1, &end, e->addr.family == AF_INET ? 10 : 16);
        if (*end || end == dash + 1 || last > (e->addr.family == AF_INET ? 255u : 0xffffu)) {
                perr(p, ln, 0, "'%s' is not an address range", s);
                return false;
        }
        if (e->addr.family == AF_INET)
                e->range_end.u.v4.s_addr = htonl((ntohl(e->addr.u.v4.s_addr) & 0xffffff00u) | (uint32_t)last);
        else {
                e->range_end.u.v6.s6_addr[14] = (uint8_t)(last >> 8);
                e->range_end.u.v6.s6_addr[15] = (uint8_t)last;
        }
        return true;
}

void kw_vsg_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf_vsg *g = obj;
        struct conf_vsg_entry *e = arena_alloc(&p->conf->arena, sizeof(*e));
        int64_t v;

        e->pos = ppos(p, ln, 0);
        if (!strcmp(ln->tok[0].s, "fwmark")) {
                if (!read_int64(p, ln, 1, 1, 0xffffffffLL, &v))
                        return;
                e->kind = VSG_FWMARK;
                e->fwmark = (uint32_t)v;
                if (ln->ntok > 2) {
                        static const char *const fam[] = { "inet", "inet6" };
                        int f;
                        if (!read_choice(p, ln, 2, fam, 2, false, &f))
                                return;
                        e->fwmark_family = f ? AF_INET6 : AF_INET;
                }
        } else if (strchr(ln->tok[0].s, '-') || strchr(ln->tok[0].s, '/')) {
                if (!vsg_range(p, ln, e) || !read_port(p, ln, 1, &e->port))
                        return;
        } else {
                if (!read_ip(p, ln, 0, &e->addr) || !read_port(p, ln, 1, &e->port))
                        return;
                e->kind = VSG_ADDR;
        }
        CONF_LIST_APPEND(&g->entries, e);
}

/* ---- virtual_server ------------------------------------------------------------ */

void *kw_open_virtual_server(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf *c = obj;
        VSV *vs = arena_alloc(&c->arena, sizeof(*vs));
        int64_t v;

        vs->delay_loop = 60 * SEC;
        vs->connect_timeout = 5 * SEC;
        vs->delay_before_retry = TIMER_UNSET;
        vs->warmup = TIMER_UNSET;
        vs->retry = -1;
        vs->quorum = 1;
        vs->smtp_alert = -1;
        vs->weight = 1;
        vs->drain_on_remove = TIMER_UNSET;
        vs->pos = ppos(p, ln, 1);
        if (ln->ntok < 2) {
                perr(p, ln, 1, "virtual_server needs IP [PORT], 'fwmark N' or 'group NAME'");
                return NULL;
        }
        if (!strcmp(ln->tok[1].s, "fwmark")) {
                if (!read_int64(p, ln, 2, 1, 0xffffffffLL, &v))
                        return NULL;
                vs->kind = VS_FWMARK;
                vs->fwmark = (uint32_t)v;
        } else if (!strcmp(ln->tok[1].s, "group")) {
                if (ln->ntok < 3) {
                        perr(p, ln, 2, "virtual_server group needs a group name");
                        return NULL;
                }
                vs->kind = VS_GROUP;
                vs->group = arena_strdup(&c->arena, ln->tok[2].s);
        } else {
                if (!read_ip(p, ln, 1, &vs->addr) || !read_port(p, ln, 2, &vs->port))
                        return NULL;
                vs->kind = VS_ADDR;
        }
        return vs;
}

void kw_close_virtual_server(struct parser *p, void *child, void *obj)
{
        struct conf *c = obj;

        CONF_LIST_APPEND(&c->virtual_servers, (VSV *)child);
        c->have_check = true;
}

static void kw_lb_algo(struct parser *p, const struct conf_line *ln, void *obj)
{
        static const char *const algos[] = { "rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf",
                                             "lblcr", "sed", "nq", "twos" };
        VSV *vs = obj;
        int v;

        if (pargs(p, ln, 1, 1) && read_choice(p, ln, 1, algos, sizeof(algos) / sizeof(algos[0]), false, &v)) {
                vs->lb_algo = algos[v];
                vs->lb_algo_set = true;
        }
}

/* "type ipip|gue|gre", "port N" and "nocsum|csum|remcsum" after a
 * forwarding method. keepalived reads them whatever the method is, and so
 * refuses "DR type gue" for its missing port; so does vigil. */
static bool read_tunnel_opt(struct parser *p, const struct conf_line *ln, size_t *i, struct conf_tunnel *tun)
{
        static const char *const types[] = { "ipip", "gue", "gre" };
        static const char *const csums[] = { "nocsum", "csum", "remcsum" };
        const char *w = ln->tok[*i].s;
        int64_t port;
        int v;

        for (v = 0; v < 3; v++)
                if (!strcmp(w, csums[v])) {
                        tun->flags = v == 0 ? 0 : v == 1 ? CONF_TUN_F_CSUM : CONF_TUN_F_REMCSUM;
                        return true;
                }
        if (strcmp(w, "type") && strcmp(w, "port")) {
                perr(p, ln, *i, "'%s' is not a tunnel option (type ipip|gue|gre, port N, nocsum|csum|remcsum)", w);
                return false;
        }
        if (++*i >= ln->ntok) {
                perr(p, ln, *i, "%s needs a value", w);
                return false;
        }
        if (!strcmp(w, "port")) {
                if (!read_int64(p, ln, *i, 1, 65535, &port))
                        return false;
                tun->port = (uint16_t)port;
                return true;
        }
        if (!read_choice(p, ln, *i, types, 3, false, &v))
                return false;
        tun->type = (uint8_t)v;
        return true;
}

/* NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]: lb_kind,
 * a real server's lvs_method and sorry_server_lvs_method. */
static bool read_fwd(struct parser *p, const struct conf_line *ln, const char **kind, struct conf_tunnel *tun)
{
        static const char *const kinds[] = { "NAT", "DR", "TUN" };
        struct conf_tunnel t = { 0 };
        int v;

        if (!pargs(p, ln, 1, -1) || !read_choice(p, ln, 1, kinds, 3, false, &v))
                return false;
        *kind = kinds[v];
        for (size_t i = 2; i < ln->ntok; i++)
                if (!read_tunnel_opt(p, ln, &i, &t))
                        return false;
        if ((t.type == CONF_TUN_GUE) != (t.port != 0)) {
                perr(p, ln, 1, "gue tunnels need a port, and the other tunnel types take none");
                return false;
        }
        if (t.type == CONF_TUN_IPIP && t.flags) {
                perr(p, ln, 1, "ipip tunnels take no checksum option");
                return false;
        }
        if (t.type == CONF_TUN_GRE && (t.flags & CONF_TUN_F_REMCSUM)) {
                perr(p, ln, 1, "gre tunnels do not support remcsum");
                return false;
        }
        *tun = t;
        return true;
}

static void kw_lb_kind(struct parser *p, const struct conf_line *ln, void *obj)
{
        VSV *vs = obj;

        /* a bad tunnel option still sets the method, as in keepalived */
        read_fwd(p, ln, &vs->lb_kind, &vs->lb_tun);
        vs->lb_kind_set = vs->lb_kind != NULL;
}

/* keepalived accepts it only after a sorry_server line. */
static void kw_sorry_lvs_method(struct parser *p, const struct conf_line *ln, void *obj)
{
        VSV *vs = obj;

        if (!vs->has_sorry_server) {
                perr(p, ln, 0, "sorry_server_lvs_method needs a sorry_server line before it; ignoring it");
                return;
        }
        read_fwd(p, ln, &vs->sorry_server_lvs_method, &vs->sorry_tun);
}

static void kw_rs_lvs_method(struct parser *p, const struct conf_line *ln, void *obj)
{
        RS *rs = obj;

        read_fwd(p, ln, &rs->lvs_method, &rs->tun);
}

/* flag-1..3 go to the kernel as they are; sh-* and mh-* name what the
 * flags mean to those two schedulers, and keepalived takes them only when
 * the lb_algo already read is sh or mh. */
static void kw_sched_flag(struct parser *p, const struct conf_line *ln, void *obj)
{
        VSV *vs = obj;
        const char *w = ln->tok[0].s;
        bool named = w[0] != 'f';

        pargs(p, ln, 0, 0);
        if (named && !(vs->lb_algo && (!strcmp(vs->lb_algo, "sh") || !strcmp(vs->lb_algo, "mh")))) {
                perr(p, ln, 0, "%s only applies to the sh and mh schedulers (an lb_algo sh or mh line before it); ignoring it",
                     w);
                return;
        }
        if (!strcmp(w, "flag-1") || strstr(w, "-fallback"))
                vs->sched_flags |= CONF_SCHED_F1;
        else if (!strcmp(w, "flag-2") || strstr(w, "-port"))
                vs->sched_flags |= CONF_SCHED_F2;
        else
                vs->sched_flags |= CONF_SCHED_F3;
}

/* The kernel keeps 15 characters of the name (IP_VS_PENAME_MAXLEN). */
static void kw_persistence_engine(struct parser *p, const struct conf_line *ln, void *obj)
{
        VSV *vs = obj;

        if (!pargs(p, ln, 1, 1))
                return;
        if (strlen(ln->tok[1].s) > 15) {
                perr(p, ln, 1, "persistence_engine '%s' is longer than the kernel's 15 characters", ln->tok[1].s);
                return;
        }
        vs->persistence_engine = arena_strdup(&p->conf->arena, ln->tok[1].s);
}

static void kw_protocol(struct parser *p, const struct conf_line *ln, void *obj)
{
        static const char *const protos[] = { "TCP", "UDP", "SCTP" };
        VSV *vs = obj;
        int v;

        if (pargs(p, ln, 1, 1) && read_choice(p, ln, 1, protos, 3, true, &v)) {
                vs->protocol = protos[v];
                vs->protocol_set = true;
        }
}

static void kw_persistence_timeout(struct parser *p, const struct conf_line *ln, void *obj)
{
        VSV *vs = obj;
        int64_t v = 360;

        pargs(p, ln, 0, 1);
        if (ln->ntok > 1 && !read_int64(p, ln, 1, 1, 2678400, &v))
                return;
        vs->persistence_timeout = (uint32_t)v;
}

static void kw_sorry_server(struct parser *p, const struct conf_line *ln, void *obj)
{
        VSV *vs = obj;

        if (!pargs(p, ln, 1, 2) || !read_ip(p, ln, 1, &vs->sorry_server) ||
            !read_port(p, ln, 2, &vs->sorry_server_port))
                return;
        vs->has_sorry_server = true;
}

static void kw_ip_family(struct parser *p, const struct conf_line *ln, void *obj)
{
        static const char *const fam[] = { "inet", "inet6" };
        int v;

        if (pargs(p, ln, 1, 1) && read_choice(p, ln, 1, fam, 2, false, &v))
                ((VSV *)obj)->ip_family = fam[v];
}

static void *open_real_server(struct parser *p, const struct conf_line *ln, void *obj)
{
        VSV *vs = obj;
        RS *rs = arena_alloc(&p->conf->arena, sizeof(*rs));

        if (ln->ntok < 2) {
                perr(p, ln, 1, "real_server needs IP [PORT]");
                return NULL;
        }
        pargs(p, ln, 1, 2);
        if (!read_ip(p, ln, 1, &rs->addr) || !read_port(p, ln, 2, &rs->port))
                return NULL;
        rs->weight = vs->weight;
        rs->inhibit_on_failure = -1;
        rs->retry = -1;
        rs->delay_before_retry = rs->warmup = rs->connect_timeout = rs->delay_loop = TIMER_UNSET;
        rs->alpha = -1;
        rs->smtp_alert = -1;
        rs->pos = ppos(p, ln, 1);
        CONF_LIST_APPEND(&vs->real_servers, rs);
        return rs;
}

/* drain_on_remove: said at config-test time, because keepalived rejects it. */
static void kw_vs_extension(struct parser *p, const struct conf_line *ln, void *obj)
{
        (void)obj;
        pwarn(p, ln, 0, "%s is a vigil extension: keepalived does not accept this file", ln->tok[0].s);
}

static const struct kw vs_kw[] = {
        KW_FN("lb_algo", kw_lb_algo),
        KW_FN("lvs_sched", kw_lb_algo),
        KW_FN("lb_kind", kw_lb_kind),
        KW_FN("lvs_method", kw_lb_kind),
        KW_FN("protocol", kw_protocol),
        KW_FN("persistence_timeout", kw_persistence_timeout),
        KW_T("persistence_granularity", T_STRING, VSV, persistence_granularity, 0, 0),
        KW_FN("persistence_engine", kw_persistence_engine),
        KW_T("ops", T_FLAG, VSV, ops, 0, 0),
        KW_FN("flag-1", kw_sched_flag),
        KW_FN("flag-2", kw_sched_flag),
        KW_FN("flag-3", kw_sched_flag),
        KW_FN("sh-port", kw_sched_flag),
        KW_FN("sh-fallback", kw_sched_flag),
        KW_FN("mh-port", kw_sched_flag),
        KW_FN("mh-fallback", kw_sched_flag),
        KW_OLD("hashed", "it has no effect"),
        KW_FN("ip_family", kw_ip_family),
        KW_T("delay_loop", T_TIMER, VSV, delay_loop, 1, 86400 * SEC),
        KW_T("connect_timeout", T_TIMER, VSV, connect_timeout, 1, 86400 * SEC),
        KW_T("retry", T_I64, VSV, retry, 1, 4294967295LL),
        KW_T("delay_before_retry", T_TIMER, VSV, delay_before_retry, 0, 86400 * SEC),
        KW_T("warmup", T_TIMER, VSV, warmup, 0, 86400 * SEC),
        KW_T("inhibit_on_failure", T_FLAG, VSV, inhibit_on_failure, 0, 0),
        KW_T("alpha", T_FLAG, VSV, alpha, 0, 0),
        KW_T("omega", T_FLAG, VSV, omega, 0, 0),
        KW_T("quorum", T_U32, VSV, quorum, 1, 4294967295LL),
        KW_T("hysteresis", T_U32, VSV, hysteresis, 0, 4294967295LL),
        KW_T("quorum_up", T_SCRIPT, VSV, quorum_up, 0, 0),
        KW_T("quorum_down", T_SCRIPT, VSV, quorum_down, 0, 0),
        KW_FN("sorry_server", kw_sorry_server),
        KW_T("sorry_server_inhibit", T_FLAG, VSV, sorry_server_inhibit, 0, 0),
        KW_FN("sorry_server_lvs_method", kw_sorry_lvs_method),
        KW_T("ha_suspend", T_FLAG, VSV, ha_suspend, 0, 0),
        KW_T("virtualhost", T_STRING, VSV, virtualhost, 0, 0),
        KW_T("smtp_alert", T_TRIBOOL, VSV, smtp_alert, 0, 0),
        KW_T("weight", T_I64, VSV, weight, 1, 2147483647),
        KW_NS("snmp_name", "vigil has no SNMP agent"),
        { .name = "drain_on_remove", .kind = KW_VALUE, .type = T_TIMER, .off = offsetof(VSV, drain_on_remove),
          .set_off = -1, .min = 0, .max = 86400 * SEC, .fn = kw_vs_extension },
        KW_BLOCK("real_server", &kw_rs_table, open_real_server, NULL),
        KW_END,
};
const struct kw_table kw_vs_table = { "virtual_server", vs_kw };

static const struct kw rs_kw[] = {
        KW_TS("weight", T_I64, RS, weight, 0, 2147483647),
        KW_T("inhibit_on_failure", T_TRIBOOL, RS, inhibit_on_failure, 0, 0),
        KW_T("notify_up", T_SCRIPT, RS, notify_up, 0, 0),
        KW_T("notify_down", T_SCRIPT, RS, notify_down, 0, 0),
        KW_FN("lvs_method", kw_rs_lvs_method),
        KW_T("uthreshold", T_U32, RS, uthreshold, 0, 4294967295LL),
        KW_T("lthreshold", T_U32, RS, lthreshold, 0, 4294967295LL),
        KW_T("alpha", T_TRIBOOL, RS, alpha, 0, 0),
        KW_T("retry", T_I64, RS, retry, 0, 4294967295LL),
        KW_T("delay_before_retry", T_TIMER, RS, delay_before_retry, 0, 86400 * SEC),
        KW_T("warmup", T_TIMER, RS, warmup, 0, 86400 * SEC),
        KW_T("connect_timeout", T_TIMER, RS, connect_timeout, 1, 86400 * SEC),
        KW_T("delay_loop", T_TIMER, RS, delay_loop, 1, 86400 * SEC),
        KW_T("smtp_alert", T_TRIBOOL, RS, smtp_alert, 0, 0),
        KW_T("virtualhost", T_STRING, RS, virtualhost, 0, 0),
        KW_NS("snmp_name", "vigil has no SNMP agent"),
        KW_BLOCK("TCP_CHECK", &kw_tcp_check_table, kw_open_checker, NULL),
        KW_BLOCK("HTTP_GET", &kw_http_check_table, kw_open_checker, NULL),
        KW_BLOCK("SSL_GET", &kw_http_check_table, kw_open_checker, NULL),
        KW_BLOCK("SMTP_CHECK", &kw_smtp_check_table, kw_open_checker, NULL),
        KW_BLOCK("MISC_CHECK", &kw_misc_check_table, kw_open_checker, kw_close_misc_checker),
        KW_BLOCK("DNS_CHECK", &kw_dns_check_table, kw_open_checker, NULL),
        KW_BLOCK("UDP_CHECK", &kw_udp_check_table, kw_open_checker, NULL),
        KW_BLOCK("PING_CHECK", &kw_ping_check_table, kw_open_checker, NULL),
        KW_BLOCK("FILE_CHECK", &kw_file_check_table, kw_open_checker, kw_close_file_checker),
        KW_NS("BFD_CHECK", "BFD is not implemented"),
        KW_END,
};
const struct kw_table kw_rs_table = { "real_server", rs_kw };
