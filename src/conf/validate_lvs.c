/* Virtual server validation and the checker defaults keepalived derives. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/validate.h"
#include "conf/values.h"

#define SEC 1000000LL

static void warn(struct diag_list *d, const struct conf_pos *pos, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void warn(struct diag_list *d, const struct conf_pos *pos, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        diag_addv(d, DIAG_WARNING, DIAG_CONFIG, pos, fmt, ap);
        va_end(ap);
}

static const char *vs_label(const struct conf_virtual_server *vs, char *buf, size_t size)
{
        char ip[64];

        if (vs->kind == VS_FWMARK)
                snprintf(buf, size, "fwmark %u", vs->fwmark);
        else if (vs->kind == VS_GROUP)
                snprintf(buf, size, "group %s", vs->group);
        else
                snprintf(buf, size, "%s:%u", conf_ip_str(&vs->addr, ip, sizeof(ip)), vs->port);
        return buf;
}

static void vs_defaults(struct conf_virtual_server *vs, const char *label, struct diag_list *d)
{
        if (!vs->lb_algo_set) {
                warn(d, &vs->pos, "virtual_server %s: lb_algo is not set; using wlc", label);
                vs->lb_algo = "wlc";
        }
        if (!vs->lb_kind_set) {
                warn(d, &vs->pos, "virtual_server %s: lb_kind is not set; using NAT", label);
                vs->lb_kind = "NAT";
        }
        if (!vs->protocol_set && vs->kind != VS_FWMARK) {
                warn(d, &vs->pos, "virtual_server %s: protocol is not set; using UDP as keepalived does (add 'protocol TCP' for web servers)",
                     label);
                vs->protocol = "UDP";
        }
        if (vs->kind == VS_ADDR && vs->port == 0 && !vs->persistence_timeout) {
                warn(d, &vs->pos, "virtual_server %s: a service without a port must be persistent; using persistence_timeout 360",
                     label);
                vs->persistence_timeout = 360;
        }
        if (vs->persistence_granularity && !vs->persistence_timeout)
                vs->persistence_timeout = 360;
        if (vs->ops && vs->protocol && strcmp(vs->protocol, "UDP")) {
                warn(d, &vs->pos, "virtual_server %s: ops applies to UDP only; ignoring it", label);
                vs->ops = false;
        }
}

/* A real server without lvs_method, and the sorry server without
 * sorry_server_lvs_method, forward as the virtual server's lb_kind says,
 * tunnel options included. */
static void fwd_defaults(struct conf_virtual_server *vs)
{
        struct conf_real_server *rs;

        CONF_FOREACH(rs, &vs->real_servers)
                if (!rs->lvs_method) {
                        rs->lvs_method = vs->lb_kind;
                        rs->tun = vs->lb_tun;
                }
        if (!vs->sorry_server_lvs_method) {
                vs->sorry_server_lvs_method = vs->lb_kind;
                vs->sorry_tun = vs->lb_tun;
        }
}

/* DR and TUN cannot change the port: the real server's own method decides,
 * as in keepalived (a DR real server in a NAT service gets the VS port). */
static void rs_ports(struct conf_virtual_server *vs, struct conf_real_server *rs, const char *label,
                     struct diag_list *d)
{
        bool dr_tun = !strcmp(rs->lvs_method, "DR") || !strcmp(rs->lvs_method, "TUN");

        if (vs->kind == VS_FWMARK) {
                rs->port = 0;
                return;
        }
        if (dr_tun && vs->kind == VS_ADDR && rs->port != vs->port) {
                if (rs->port)
                        warn(d, &rs->pos, "virtual_server %s: with %s the real server port must equal the service port; using %u",
                             label, rs->lvs_method, vs->port);
                rs->port = vs->port;
        }
        if (!rs->port && vs->kind == VS_ADDR)
                rs->port = vs->port;
}

static int64_t pick(int64_t own, int64_t inherited)
{
        return own != TIMER_UNSET ? own : inherited;
}

/* Checker timing inherits checker ← real server ← virtual server, with the
 * per-type defaults of keepalived. */
static void checker_defaults(struct conf_virtual_server *vs, struct conf_real_server *rs, struct conf_checker *ck)
{
        int64_t type_retry = ck->type == CHECK_MISC ? 0 : ck->type == CHECK_DNS ? 3 : 1;
        int64_t type_delay = (ck->type == CHECK_HTTP || ck->type == CHECK_SSL) ? 3 * SEC : SEC;

        ck->delay_loop = pick(ck->delay_loop, pick(rs->delay_loop, vs->delay_loop));
        ck->connect_timeout = pick(ck->connect_timeout, pick(rs->connect_timeout, vs->connect_timeout));
        if (ck->retry < 0)
                ck->retry = rs->retry >= 0 ? rs->retry : vs->retry >= 0 ? vs->retry : type_retry;
        if (ck->type == CHECK_DNS)
                type_delay = ck->delay_loop;
        ck->delay_before_retry = pick(ck->delay_before_retry,
                                      pick(rs->delay_before_retry, pick(vs->delay_before_retry, type_delay)));
        ck->warmup = pick(ck->warmup, pick(rs->warmup, pick(vs->warmup, ck->delay_loop)));
        if (ck->alpha < 0)
                ck->alpha = rs->alpha >= 0 ? rs->alpha : vs->alpha;
        if (!ck->connect_ip.family)
                ck->connect_ip = rs->addr;
        if (!ck->connect_port)
                ck->connect_port = rs->port;
        if (ck->type == CHECK_MISC && ck->misc_timeout == TIMER_UNSET)
                ck->misc_timeout = vs->delay_loop;
        if (!ck->virtualhost)
                ck->virtualhost = rs->virtualhost ? rs->virtualhost : vs->virtualhost;
        if (ck->type == CHECK_SMTP && !ck->helo_name)
                ck->helo_name = "smtpchecker.keepalived.org";
        if (ck->type == CHECK_DNS && !ck->dns_type)
                ck->dns_type = "SOA";
        if ((ck->type == CHECK_HTTP || ck->type == CHECK_SSL) && !ck->http_protocol)
                ck->http_protocol = "1.0";
}

/* SMTP_CHECK's deprecated host { } blocks, as keepalived 2.2.7 runs them
 * (seen under its -d dump): the SMTP_CHECK itself stays a checker of its
 * own address (connect_ip, else the real server's), and each host is an
 * extra checker after it, with the parent's helo_name, schedule and every
 * connection option the host does not set. (The sample's comment that
 * "the main ip ... must explicitly be checked by a host directive" is
 * older than that; keepalived also leaves a host's connect_timeout at 0,
 * so its host checkers time out at once: vigil gives them the parent's.)
 * A schedule keyword written inside a host block is the whole checker's
 * in keepalived (the last one wins), so it is lifted to the parent. */
static void lift_schedule(struct conf_checker *parent, const struct conf_checker *h)
{
        if (h->retry >= 0)
                parent->retry = h->retry;
        if (h->delay_before_retry != TIMER_UNSET)
                parent->delay_before_retry = h->delay_before_retry;
        if (h->delay_loop != TIMER_UNSET)
                parent->delay_loop = h->delay_loop;
        if (h->warmup != TIMER_UNSET)
                parent->warmup = h->warmup;
        if (h->alpha >= 0)
                parent->alpha = h->alpha;
        parent->log_all_failures |= h->log_all_failures;
}

static void smtp_host_checker(const struct conf_checker *parent, struct conf_checker *h)
{
        struct conf_checker own = *h;

        *h = *parent;
        h->hosts.first = h->hosts.last = NULL;
        h->hosts.count = 0;
        if (own.connect_ip.family)
                h->connect_ip = own.connect_ip;
        if (own.connect_port)
                h->connect_port = own.connect_port;
        if (own.bindto.family)
                h->bindto = own.bindto;
        if (own.bind_port)
                h->bind_port = own.bind_port;
        if (own.bind_if)
                h->bind_if = own.bind_if;
        if (own.connect_timeout != TIMER_UNSET)
                h->connect_timeout = own.connect_timeout;
        if (own.fwmark)
                h->fwmark = own.fwmark;
        h->pos = own.pos;
}

static void expand_smtp_hosts(struct conf_real_server *rs)
{
        for (struct conf_checker *ck = rs->checkers.first; ck; ck = ck->next) {
                struct conf_checker *after = ck->next, *last = ck, *h, *hnext;
                if (ck->type != CHECK_SMTP || !ck->hosts.first)
                        continue;
                for (h = ck->hosts.first; h; h = h->next)
                        lift_schedule(ck, h);
                for (h = ck->hosts.first; h; h = hnext) {
                        hnext = h->next;
                        smtp_host_checker(ck, h);
                        last->next = h;
                        last = h;
                        rs->checkers.count++;
                }
                last->next = after;
                if (rs->checkers.last == ck)
                        rs->checkers.last = last;
                ck->hosts.first = ck->hosts.last = NULL;
                ck->hosts.count = 0;
                ck = last;      /* on past its hosts */
        }
}

/* HTTP_GET/SSL_GET: each url's Host inherits url <- checker (<- real
 * server <- virtual server, resolved above); TLS settings only mean
 * something to SSL_GET. */
static void check_http(const struct conf *c, struct conf_checker *ck, const char *label, struct diag_list *d)
{
        struct conf_url *u;

        if (ck->type != CHECK_HTTP && ck->type != CHECK_SSL)
                return;
        if (!ck->url.count)
                diag_add(d, DIAG_ERROR, DIAG_CONFIG, &ck->pos, "virtual_server %s: %s needs at least one url block",
                         label, ck->type == CHECK_HTTP ? "HTTP_GET" : "SSL_GET");
        CONF_FOREACH(u, &ck->url)
                if (!u->virtualhost)
                        u->virtualhost = ck->virtualhost;
        if (ck->type == CHECK_HTTP && (ck->tls_verify || ck->tls_session_reuse || ck->enable_sni))
                diag_add(d, DIAG_WARNING, DIAG_CONFIG, &ck->pos,
                         "virtual_server %s: HTTP_GET does not use TLS; enable_sni, tls_verify and tls_session_reuse "
                         "apply to SSL_GET only",
                         label);
        if (ck->tls_verify && !(c->ssl.present && c->ssl.ca))
                diag_add(d, DIAG_WARNING, DIAG_CONFIG, &ck->pos,
                         "virtual_server %s: tls_verify without an SSL { ca } block verifies against the system's CAs",
                         label);
}

/* UDP_CHECK's reply bounds (keepalived-reference.md §1.13): a range that
 * holds no length fails every check, which keepalived reports as an error
 * and vigil too; bounds without require_reply are never looked at. */
static void check_udp(const struct conf_checker *ck, const char *label, struct diag_list *d)
{
        if (!ck->require_reply) {
                if (ck->min_reply_length || ck->max_reply_length != 255)
                        warn(d, &ck->pos, "virtual_server %s: UDP_CHECK min_reply_length/max_reply_length apply only with require_reply; ignoring them",
                             label);
                /* silence is success: only an ICMP error fails the check, and for
                 * a host gone from the segment that comes once ARP gives up (~3 s) */
                if (ck->connect_timeout != TIMER_UNSET && ck->connect_timeout < 4 * SEC)
                        warn(d, &ck->pos, "virtual_server %s: UDP_CHECK without require_reply and connect_timeout below 4 s: a server gone from the network counts as up (use connect_timeout 4 or more, or require_reply)",
                             label);
                return;
        }
        if (ck->min_reply_length > ck->max_reply_length)
                diag_add(d, DIAG_ERROR, DIAG_CONFIG, &ck->pos,
                         "virtual_server %s: UDP_CHECK min_reply_length %u > max_reply_length %u: every check would fail",
                         label, ck->min_reply_length, ck->max_reply_length);
}

static void check_checkers(struct conf *c, struct conf_virtual_server *vs, struct conf_real_server *rs,
                           const char *label, struct diag_list *d)
{
        struct conf_checker *ck;

        expand_smtp_hosts(rs);
        CONF_FOREACH(ck, &rs->checkers) {
                checker_defaults(vs, rs, ck);
                check_http(c, ck, label, d);
                if (ck->type == CHECK_FILE && !conf_find_track_file(c, ck->track_file))
                        diag_add(d, DIAG_ERROR, DIAG_CONFIG, &ck->pos, "FILE_CHECK: unknown track_file '%s'", ck->track_file);
                if (ck->type == CHECK_UDP)
                        check_udp(ck, label, d);
                if (ck->bindto.family && ck->bindto.family != ck->connect_ip.family)
                        diag_add(d, DIAG_ERROR, DIAG_CONFIG, &ck->pos, "bindto and the checked address are different families");
                if (ck->connect_port == 0 && ck->type != CHECK_PING && ck->type != CHECK_MISC &&
                    ck->type != CHECK_FILE)
                        diag_add(d, DIAG_ERROR, DIAG_CONFIG, &ck->pos,
                                 "virtual_server %s: the checker has no port (set connect_port; fwmark services have none)",
                                 label);
        }
        if (rs->inhibit_on_failure < 0)
                rs->inhibit_on_failure = vs->inhibit_on_failure;
        if (rs->smtp_alert < 0)
                rs->smtp_alert = vs->smtp_alert >= 0 ? vs->smtp_alert : c->global.smtp_alert != 0;
}

/* Below this many real servers the earlier ones are compared in turn; past
 * it, through a hash table: a service of 10,000 servers is 10,000 lookups,
 * not 50 million comparisons. */
#define DEDUPE_LINEAR_MAX 32

static uint64_t rs_hash(const struct conf_real_server *rs)
{
        const unsigned char *b = (const unsigned char *)&rs->addr.u;
        size_t n = rs->addr.family == AF_INET ? sizeof(rs->addr.u.v4) : sizeof(rs->addr.u.v6);
        uint64_t h = 14695981039346656037ULL ^ (uint64_t)rs->port;

        for (size_t i = 0; i < n; i++)
                h = (h ^ b[i]) * 1099511628211ULL;
        return h;
}

static bool rs_same(const struct conf_real_server *a, const struct conf_real_server *b)
{
        return conf_ip_equal(&a->addr, &b->addr) && a->port == b->port;
}

/* Whether rs comes after a real server of the same identity: the earlier
 * ones are in tab (mask + 1 slots, NULL: compare them in turn). */
static bool rs_seen(struct conf_real_server **tab, size_t mask, const struct conf_virtual_server *vs,
                    struct conf_real_server *rs)
{
        size_t i;

        if (!tab) {
                for (const struct conf_real_server *o = vs->real_servers.first; o != rs; o = o->next)
                        if (rs_same(o, rs))
                                return true;
                return false;
        }
        for (i = rs_hash(rs) & mask; tab[i]; i = (i + 1) & mask)
                if (rs_same(tab[i], rs))
                        return true;
        tab[i] = rs;
        return false;
}

static void dedupe_real_servers(struct conf_virtual_server *vs, const char *label, struct diag_list *d)
{
        struct conf_real_server *rs, *prev = NULL, **tab = NULL;
        size_t size = 64;

        if (vs->real_servers.count > DEDUPE_LINEAR_MAX) {
                while (size < 2 * vs->real_servers.count)
                        size *= 2;
                tab = calloc(size, sizeof(*tab)); /* NULL: the comparisons in turn, slower but the same */
        }
        for (rs = vs->real_servers.first; rs; rs = rs->next) {
                bool dup = rs_seen(tab, size - 1, vs, rs);
                if (!dup) {
                        prev = rs;
                        continue;
                }
                warn(d, &rs->pos, "virtual_server %s: duplicate real server removed", label);
                prev->next = rs->next;
                if (vs->real_servers.last == rs)
                        vs->real_servers.last = prev;
                vs->real_servers.count--;
        }
        free(tab);
}

static void quorum_limits(struct conf_virtual_server *vs, const char *label, struct diag_list *d)
{
        struct conf_real_server *rs;
        int64_t total = 0;

        CONF_FOREACH(rs, &vs->real_servers)
                total += rs->weight;
        if (vs->quorum > total && total > 0)
                vs->quorum = (uint32_t)total;
        if (vs->hysteresis >= vs->quorum && vs->hysteresis) {
                warn(d, &vs->pos, "virtual_server %s: hysteresis %u must be below quorum %u; using %u", label,
                     vs->hysteresis, vs->quorum, vs->quorum - 1);
                vs->hysteresis = vs->quorum - 1;
        }
}

void validate_lvs(struct conf *c, struct diag_list *d)
{
        struct conf_virtual_server *vs, *prev = NULL, *next;
        char label[160];

        for (vs = c->virtual_servers.first; vs; vs = next) {
                struct conf_real_server *rs;
                next = vs->next;
                vs_label(vs, label, sizeof(label));
                if (vs->kind == VS_GROUP) {
                        struct conf_vsg *g;
                        bool found = false;
                        CONF_FOREACH(g, &c->vs_groups)
                                found |= !strcmp(g->name, vs->group);
                        if (!found)
                                diag_add(d, DIAG_ERROR, DIAG_CONFIG, &vs->pos, "virtual_server group %s: no virtual_server_group has that name",
                                         vs->group);
                }
                vs_defaults(vs, label, d);
                fwd_defaults(vs);
                dedupe_real_servers(vs, label, d);
                CONF_FOREACH(rs, &vs->real_servers) {
                        rs_ports(vs, rs, label, d);
                        check_checkers(c, vs, rs, label, d);
                }
                quorum_limits(vs, label, d);
                if (vs->real_servers.count == 0 && !vs->has_sorry_server) {
                        warn(d, &vs->pos, "virtual_server %s has no real servers; ignoring it", label);
                        if (prev)
                                prev->next = next;
                        else
                                c->virtual_servers.first = next;
                        if (c->virtual_servers.last == vs)
                                c->virtual_servers.last = prev;
                        c->virtual_servers.count--;
                        continue;
                }
                prev = vs;
        }
}

void validate_lvs_syncd(struct conf *c, struct diag_list *d)
{
        struct conf_lvs_syncd *s = &c->global.lvs_syncd;
        const struct conf_vrrp_instance *vi;

        if (!s->ifname)
                return;
        if (!s->instance) {
                warn(d, &s->pos, "lvs_sync_daemon names no vrrp instance to follow - clearing lvs_syncd config");
                *s = (struct conf_lvs_syncd){ 0 };
                return;
        }
        if (!(vi = conf_find_instance(c, s->instance))) {
                warn(d, &s->pos, "Unable to find vrrp instance %s for lvs_sync_daemon - clearing lvs_syncd config",
                     s->instance);
                *s = (struct conf_lvs_syncd){ 0 };
                return;
        }
        if (!s->syncid_set)
                s->syncid = vi->virtual_router_id;
}
