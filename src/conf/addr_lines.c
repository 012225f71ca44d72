#include "conf/addr_lines.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/strutil.h"
#include "conf/values.h"

static const char *tok(const struct conf_line *ln, size_t i)
{
        return i < ln->ntok ? ln->tok[i].s : NULL;
}

static bool need_value(struct parser *p, const struct conf_line *ln, size_t i)
{
        if (i + 1 < ln->ntok)
                return true;
        perr(p, ln, i, "'%s' needs a value", ln->tok[i].s);
        return false;
}

static bool read_u32_at(struct parser *p, const struct conf_line *ln, size_t i, uint32_t *ret)
{
        char *end;
        unsigned long v;
        const char *s = tok(ln, i);

        errno = 0;
        v = strtoul(s, &end, 0);
        if (errno || end == s || *end || v > UINT32_MAX) {
                perr(p, ln, i, "'%s' is not a number", s);
                return false;
        }
        *ret = (uint32_t)v;
        return true;
}

/* scope names of iproute2, or a number */
static bool read_scope(struct parser *p, const struct conf_line *ln, size_t i, int *ret)
{
        static const struct { const char *name; int v; } scopes[] = {
                { "global", RT_SCOPE_UNIVERSE }, { "site", RT_SCOPE_SITE }, { "link", RT_SCOPE_LINK },
                { "host", RT_SCOPE_HOST }, { "nowhere", RT_SCOPE_NOWHERE },
        };
        static const char *const names[] = { "global", "site", "link", "host", "nowhere" };
        const char *s = tok(ln, i), *best;
        uint32_t v;

        for (size_t k = 0; k < 5; k++)
                if (!strcmp(s, scopes[k].name)) {
                        *ret = scopes[k].v;
                        return true;
                }
        if (s[0] >= '0' && s[0] <= '9' && read_u32_at(p, ln, i, &v) && v <= 255) {
                *ret = (int)v;
                return true;
        }
        best = str_closest(s, names, 5);
        perr(p, ln, i, "'%s' is not a scope (global|site|link|host|nowhere or 0..255)%s%s%s", s,
             best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
        return false;
}

static bool read_table(struct parser *p, const struct conf_line *ln, size_t i, uint32_t *ret)
{
        const char *s = tok(ln, i);

        if (!strcmp(s, "main"))
                *ret = RT_TABLE_MAIN;
        else if (!strcmp(s, "local"))
                *ret = RT_TABLE_LOCAL;
        else if (!strcmp(s, "default"))
                *ret = RT_TABLE_DEFAULT;
        else
                return read_u32_at(p, ln, i, ret);
        return true;
}

/* Options of later tiers: recognised, reported, and their argument skipped. */
static size_t unsupported_option(struct parser *p, const struct conf_line *ln, size_t i,
                                 const char *const *with_arg, const char *const *flags, const char *what)
{
        for (size_t k = 0; with_arg[k]; k++)
                if (!strcmp(ln->tok[i].s, with_arg[k])) {
                        pwarn(p, ln, i, "%s option '%s' is not supported yet; ignoring it", what, ln->tok[i].s);
                        return 2;
                }
        for (size_t k = 0; flags[k]; k++)
                if (!strcmp(ln->tok[i].s, flags[k])) {
                        pwarn(p, ln, i, "%s option '%s' is not supported yet; ignoring it", what, ln->tok[i].s);
                        return 1;
                }
        return 0;
}

static void unknown_option(struct parser *p, const struct conf_line *ln, size_t i, const char *const *known,
                           size_t n, const char *what)
{
        const char *best = str_closest(ln->tok[i].s, known, n);

        if (best)
                perr(p, ln, i, "unknown %s option '%s'; did you mean '%s'?", what, ln->tok[i].s, best);
        else
                perr(p, ln, i, "unknown %s option '%s'", what, ln->tok[i].s);
}

/* ---- addresses ----------------------------------------------------------- */

static const char *const addr_known[] = { "brd", "broadcast", "dev", "scope", "label", "no_track",
        "peer", "home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin", "preferred_lft",
        "track_group", "use_vmac" };
static const char *const addr_ns_arg[] = { "peer", "preferred_lft", "track_group", NULL };
static const char *const addr_ns_flag[] = { "home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin",
        "use_vmac", NULL };

static bool addr_option(struct parser *p, const struct conf_line *ln, size_t *i, bool is_static,
                        struct conf_ipaddress *a)
{
        const char *w = ln->tok[*i].s;
        size_t skip;

        if (!strcmp(w, "no_track") && !is_static) {
                a->no_track = true;
                (*i)++;
                return true;
        }
        skip = unsupported_option(p, ln, *i, addr_ns_arg, addr_ns_flag, "address");
        if (skip) {
                *i += skip;
                return true;
        }
        if (strcmp(w, "brd") && strcmp(w, "broadcast") && strcmp(w, "dev") && strcmp(w, "scope") &&
            strcmp(w, "label")) {
                unknown_option(p, ln, *i, addr_known, sizeof(addr_known) / sizeof(addr_known[0]), "address");
                return false;
        }
        if (!need_value(p, ln, *i))
                return false;
        const char *v = tok(ln, *i + 1);
        if (!strcmp(w, "dev")) {
                a->dev = arena_strdup(&p->conf->arena, v);
                a->dev_explicit = true;
        } else if (a->addr.family == AF_INET6) {
                perr(p, ln, *i, "'%s' applies to IPv4 addresses only; ignoring it", w);
        } else if (!strcmp(w, "scope")) {
                if (!read_scope(p, ln, *i + 1, &a->scope))
                        return false;
        } else if (!strcmp(w, "label")) {
                if (strlen(v) >= 16) {
                        perr(p, ln, *i + 1, "label '%s' is longer than 15 characters", v);
                        return false;
                }
                a->label = arena_strdup(&p->conf->arena, v);
        } else if (!strcmp(v, "+")) {
                a->brd_kind = BRD_SET_HOST_BITS;
        } else if (!strcmp(v, "-")) {
                a->brd_kind = BRD_CLEAR_HOST_BITS;
        } else {
                if (!read_ip(p, ln, *i + 1, &a->brd))
                        return false;
                if (a->brd.family != AF_INET) {
                        perr(p, ln, *i + 1, "broadcast address must be IPv4");
                        return false;
                }
                a->brd_kind = BRD_ADDR;
        }
        *i += 2;
        return true;
}

bool parse_ipaddress_line(struct parser *p, const struct conf_line *ln, bool is_static,
                          struct conf_ipaddress *ret)
{
        struct conf_ipaddress a = {0};
        size_t i = 1;

        if (!read_prefix(p, ln, 0, &a.addr, &a.prefixlen, NULL))
                return false;
        a.pos = ppos(p, ln, 0);
        while (i < ln->ntok)
                if (!addr_option(p, ln, &i, is_static, &a))
                        return false;
        *ret = a;
        return true;
}

/* ---- routes -------------------------------------------------------------- */

static const struct { const char *name; int type; } route_types[] = {
        { "unicast", RTN_UNICAST }, { "blackhole", RTN_BLACKHOLE }, { "unreachable", RTN_UNREACHABLE },
        { "prohibit", RTN_PROHIBIT }, { "throw", RTN_THROW }, { "local", RTN_LOCAL },
        { "broadcast", RTN_BROADCAST }, { "anycast", RTN_ANYCAST }, { "multicast", RTN_MULTICAST },
        { "nat", RTN_NAT }, { "xresolve", RTN_XRESOLVE },
};

static const char *const route_known[] = { "src", "to", "via", "gw", "or", "dev", "oif", "scope", "table",
        "metric", "priority", "preference", "protocol", "no_track", "default", "blackhole", "unreachable",
        "prohibit", "throw", "local", "tos", "mtu", "realms", "onlink", "nexthop", "encap" };
static const char *const route_ns_arg[] = { "tos", "dsfield", "realms", "mtu", "advmss", "rtt", "rttvar",
        "reordering", "window", "cwnd", "ssthresh", "initcwnd", "initrwnd", "rto_min", "quickack",
        "congctl", "features", "fastopen_no_cookie", "hoplimit", "expires", "pref", "ttl-propagate",
        "encap", "nexthop", "vrf", "track_group", NULL };
static const char *const route_ns_flag[] = { "onlink", "inet", "inet6", "add", "append", "prepend", "lock",
        NULL };

static int route_type(const char *w)
{
        for (size_t k = 0; k < sizeof(route_types) / sizeof(route_types[0]); k++)
                if (!strcmp(w, route_types[k].name))
                        return route_types[k].type;
        return -1;
}

static bool route_dest(struct parser *p, const struct conf_line *ln, size_t i, struct conf_route *r)
{
        const char *w = ln->tok[i].s;

        if (!strcmp(w, "default") || !strcmp(w, "any") || !strcmp(w, "all")) {
                r->dst_default = true;
                return true;
        }
        return read_prefix(p, ln, i, &r->dst, &r->dst_len, NULL);
}

static bool route_option(struct parser *p, const struct conf_line *ln, size_t *i, bool *have_dst,
                         struct conf_route *r)
{
        const char *w = ln->tok[*i].s;
        int t = route_type(w);
        size_t skip;
        uint32_t v;

        if (t >= 0) {
                r->type = t;
                (*i)++;
                return true;
        }
        if (!strcmp(w, "no_track")) {
                r->no_track = true;
                (*i)++;
                return true;
        }
        skip = unsupported_option(p, ln, *i, route_ns_arg, route_ns_flag, "route");
        if (skip) {
                *i += skip;
                return true;
        }
        if (!*have_dst && strcmp(w, "src") && strcmp(w, "to") && (strchr(w, '.') || strchr(w, ':') ||
            !strcmp(w, "default") || !strcmp(w, "any") || !strcmp(w, "all"))) {
                *have_dst = route_dest(p, ln, *i, r);
                (*i)++;
                return *have_dst;
        }
        static const char *const with_value[] = { "src", "to", "via", "gw", "or", "dev", "oif", "scope",
                "table", "metric", "priority", "preference", "protocol", NULL };
        bool known = false;
        for (size_t k = 0; with_value[k]; k++)
                known |= !strcmp(w, with_value[k]);
        if (!known) {
                unknown_option(p, ln, *i, route_known, sizeof(route_known) / sizeof(route_known[0]), "route");
                return false;
        }
        if (!need_value(p, ln, *i))
                return false;
        size_t vi = *i + 1;
        bool ok = true;
        if (!strcmp(w, "src")) {
                ok = read_ip(p, ln, vi, &r->src);
                r->has_src = ok;
        } else if (!strcmp(w, "to")) {
                ok = *have_dst = route_dest(p, ln, vi, r);
        } else if (!strcmp(w, "via") || !strcmp(w, "gw") || !strcmp(w, "or")) {
                if (!strcmp(w, "or") && r->nvia == 0) {
                        perr(p, ln, *i, "'or' must follow 'via'");
                        return false;
                }
                if (r->nvia >= sizeof(r->via) / sizeof(r->via[0])) {
                        perr(p, ln, *i, "too many gateways");
                        return false;
                }
                ok = read_ip(p, ln, vi, &r->via[r->nvia]);
                r->nvia += ok;
        } else if (!strcmp(w, "dev") || !strcmp(w, "oif")) {
                r->dev = arena_strdup(&p->conf->arena, ln->tok[vi].s);
        } else if (!strcmp(w, "scope")) {
                ok = read_scope(p, ln, vi, &r->scope);
        } else if (!strcmp(w, "table")) {
                ok = read_table(p, ln, vi, &r->table);
        } else if (!strcmp(w, "protocol")) {
                ok = read_u32_at(p, ln, vi, &v) && v <= 255;
                r->protocol = (int)v;
        } else {
                ok = read_u32_at(p, ln, vi, &r->metric);
                r->has_metric = ok;
        }
        *i += 2;
        return ok;
}

bool parse_route_line(struct parser *p, const struct conf_line *ln, bool is_static, struct conf_route *ret)
{
        struct conf_route r = { .scope = -1, .protocol = -1, .type = RTN_UNICAST };
        bool have_dst = false;
        size_t i = 0;

        (void)is_static;
        r.pos = ppos(p, ln, 0);
        while (i < ln->ntok)
                if (!route_option(p, ln, &i, &have_dst, &r))
                        return false;
        if (!have_dst) {
                perr(p, ln, 0, "route has no destination (ADDR/PLEN or default)");
                return false;
        }
        for (unsigned k = 0; k < r.nvia; k++)
                if (!r.dst_default && r.via[k].family != r.dst.family) {
                        perr(p, ln, 0, "route gateway and destination are different address families");
                        return false;
                }
        *ret = r;
        return true;
}

/* ---- rules --------------------------------------------------------------- */

static const char *const rule_known[] = { "from", "to", "table", "lookup", "preference", "priority", "order",
        "tos", "dsfield", "fwmark", "iif", "dev", "oif", "goto", "nop", "suppress_prefixlength", "sup_pl",
        "inet", "inet6", "no_track", "blackhole", "prohibit", "unreachable", "type" };
static const char *const rule_ns_arg[] = { "realms", "suppress_ifgroup", "sup_group", "uidrange",
        "protocol", "ipproto", "sport", "dport", "tunnel-id", "track_group", NULL };
static const char *const rule_ns_flag[] = { "l3mdev", NULL };

static bool rule_prefix(struct parser *p, const struct conf_line *ln, size_t i, struct conf_ip *ip,
                        uint8_t *len, struct conf_rule *r)
{
        if (!strcmp(ln->tok[i].s, "all") || !strcmp(ln->tok[i].s, "default")) {
                return true;
        }
        if (!read_prefix(p, ln, i, ip, len, NULL))
                return false;
        if (r->family && r->family != ip->family) {
                perr(p, ln, i, "rule mixes IPv4 and IPv6");
                return false;
        }
        r->family = ip->family;
        return true;
}

static bool rule_flag(const char *w, struct conf_rule *r)
{
        if (!strcmp(w, "nop"))
                r->action = FR_ACT_NOP;
        else if (!strcmp(w, "blackhole"))
                r->action = FR_ACT_BLACKHOLE;
        else if (!strcmp(w, "prohibit"))
                r->action = FR_ACT_PROHIBIT;
        else if (!strcmp(w, "unreachable"))
                r->action = FR_ACT_UNREACHABLE;
        else if (!strcmp(w, "inet"))
                r->family = AF_INET;
        else if (!strcmp(w, "inet6"))
                r->family = AF_INET6;
        else if (!strcmp(w, "no_track"))
                r->no_track = true;
        else
                return false;
        return true;
}

static bool rule_option(struct parser *p, const struct conf_line *ln, size_t *i, struct conf_rule *r)
{
        const char *w = ln->tok[*i].s;
        size_t skip, vi = *i + 1;
        bool ok = true;

        if (rule_flag(w, r)) {
                (*i)++;
                return true;
        }
        skip = unsupported_option(p, ln, *i, rule_ns_arg, rule_ns_flag, "rule");
        if (skip) {
                *i += skip;
                return true;
        }
        static const char *const with_value[] = { "from", "to", "table", "lookup", "preference", "priority",
                "order", "tos", "dsfield", "fwmark", "iif", "dev", "oif", "goto", "suppress_prefixlength",
                "sup_pl", "type", NULL };
        bool known = false;
        for (size_t k = 0; with_value[k]; k++)
                known |= !strcmp(w, with_value[k]);
        if (!known) {
                unknown_option(p, ln, *i, rule_known, sizeof(rule_known) / sizeof(rule_known[0]), "rule");
                return false;
        }
        if (!need_value(p, ln, *i))
                return false;
        const char *v = ln->tok[vi].s;
        uint32_t n;
        if (!strcmp(w, "from")) {
                ok = rule_prefix(p, ln, vi, &r->from, &r->from_len, r);
                r->has_from = ok && r->from.family;
        } else if (!strcmp(w, "to")) {
                ok = rule_prefix(p, ln, vi, &r->to, &r->to_len, r);
                r->has_to = ok && r->to.family;
        } else if (!strcmp(w, "table") || !strcmp(w, "lookup")) {
                ok = read_table(p, ln, vi, &r->table);
        } else if (!strcmp(w, "preference") || !strcmp(w, "priority") || !strcmp(w, "order")) {
                ok = read_u32_at(p, ln, vi, &r->preference);
                r->has_preference = ok;
        } else if (!strcmp(w, "tos") || !strcmp(w, "dsfield")) {
                ok = read_u32_at(p, ln, vi, &n) && n <= 255;
                r->tos = (uint8_t)n;
        } else if (!strcmp(w, "fwmark")) {
                char *slash = strchr(v, '/'), *end;
                r->fwmark = (uint32_t)strtoul(v, &end, 0);
                r->fwmask = slash ? (uint32_t)strtoul(slash + 1, NULL, 0) : 0xffffffff;
                r->has_fwmark = true;
                ok = end != v && (*end == '\0' || *end == '/');
                if (!ok)
                        perr(p, ln, vi, "'%s' is not a fwmark (MARK[/MASK])", v);
        } else if (!strcmp(w, "iif") || !strcmp(w, "dev")) {
                r->iif = arena_strdup(&p->conf->arena, v);
        } else if (!strcmp(w, "oif")) {
                r->oif = arena_strdup(&p->conf->arena, v);
        } else if (!strcmp(w, "goto")) {
                ok = read_u32_at(p, ln, vi, &r->goto_target);
                r->action = FR_ACT_GOTO;
        } else if (!strcmp(w, "type")) {
                ok = rule_flag(v, r);
                if (!ok)
                        perr(p, ln, vi, "'%s' is not a rule type (blackhole|prohibit|unreachable|nop)", v);
        } else {
                ok = read_u32_at(p, ln, vi, &r->suppress_prefixlen);
                r->has_suppress_prefixlen = ok;
        }
        *i += 2;
        return ok;
}

bool parse_rule_line(struct parser *p, const struct conf_line *ln, bool is_static, struct conf_rule *ret)
{
        struct conf_rule r = { .action = FR_ACT_TO_TBL };
        size_t i = 0;

        (void)is_static;
        r.pos = ppos(p, ln, 0);
        while (i < ln->ntok)
                if (!rule_option(p, ln, &i, &r))
                        return false;
        if (!r.family) {
                perr(p, ln, 0, "rule needs 'from', 'to', 'inet' or 'inet6' to give its address family");
                return false;
        }
        if (r.action == FR_ACT_TO_TBL && !r.table) {
                perr(p, ln, 0, "rule has no action: give 'table N', 'goto N' or a type");
                return false;
        }
        *ret = r;
        return true;
}
