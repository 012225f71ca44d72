#include "lb/ipvs_text.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Every scheduler of net/netfilter/ipvs/Kconfig. */
static const char *const schedulers[] = { "rr", "wrr", "lc", "wlc", "fo", "ovf", "lblc",
                                          "lblcr", "dh", "sh", "mh", "sed", "nq", "twos" };

bool lb_sched_known(const char *name)
{
        for (size_t i = 0; i < sizeof(schedulers) / sizeof(schedulers[0]); i++)
                if (!strcmp(name, schedulers[i]))
                        return true;
        return false;
}

const char *lb_proto_name(unsigned protocol, char *buf, size_t size)
{
        switch (protocol) {
        case IPPROTO_TCP:
                return "TCP";
        case IPPROTO_UDP:
                return "UDP";
        case IPPROTO_SCTP:
                return "SCTP";
        default:
                snprintf(buf, size, "proto-%u", protocol);
                return buf;
        }
}

const char *lb_fwd_name(enum lb_fwd fwd)
{
        static const char *const names[] = { "masq", "local", "tunnel", "route", "bypass" };

        return (unsigned)fwd < sizeof(names) / sizeof(names[0]) ? names[fwd] : "fwd-unknown";
}

const char *lb_addr_port_str(const struct conf_ip *ip, unsigned port, char *buf, size_t size)
{
        char a[INET6_ADDRSTRLEN];

        conf_ip_str(ip, a, sizeof(a));
        snprintf(buf, size, ip->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
        return buf;
}

const char *lb_service_str(const struct lb_service_key *k, char *buf, size_t size)
{
        char p[16], ap[INET6_ADDRSTRLEN + 8];

        if (k->fwmark)
                snprintf(buf, size, "FWM %u%s", k->fwmark, k->af == AF_INET6 ? " IPv6" : "");
        else
                snprintf(buf, size, "%s %s", lb_proto_name(k->protocol, p, sizeof(p)),
                         lb_addr_port_str(&k->addr, k->port, ap, sizeof(ap)));
        return buf;
}

/* Appends to buf at *used, never past size. */
__attribute__((format(printf, 4, 5))) static void add(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
        va_list ap;
        int n;

        if (*used >= size)
                return;
        va_start(ap, fmt);
        n = vsnprintf(buf + *used, size - *used, fmt, ap);
        va_end(ap);
        if (n > 0)
                *used += (size_t)n;
}

static void sched_flags(const struct lb_service *s, char *buf, size_t size, size_t *used)
{
        const char *pre = !strcmp(s->sched, "sh") ? "sh" : !strcmp(s->sched, "mh") ? "mh" : NULL;

        if ((s->flags & LB_SVC_SCHED1) && pre)
                add(buf, size, used, " %s-fallback", pre);
        else if (s->flags & LB_SVC_SCHED1)
                add(buf, size, used, " flag-1");
        if ((s->flags & LB_SVC_SCHED2) && pre)
                add(buf, size, used, " %s-port", pre);
        else if (s->flags & LB_SVC_SCHED2)
                add(buf, size, used, " flag-2");
        if (s->flags & LB_SVC_SCHED3)
                add(buf, size, used, " flag-3");
}

const char *lb_service_opts_str(const struct lb_service *s, char *buf, size_t size)
{
        size_t used = 0;

        buf[0] = 0;
        add(buf, size, &used, "%s", s->sched);
        if (s->timeout)
                add(buf, size, &used, " persistent %u", s->timeout);
        if (s->netmask_prefix)
                add(buf, size, &used, " mask %u", s->netmask_prefix);
        if (s->flags & LB_SVC_ONEPACKET)
                add(buf, size, &used, " ops");
        sched_flags(s, buf, size, &used);
        if (s->pe_name[0])
                add(buf, size, &used, " pe %s", s->pe_name);
        return buf;
}

static void dest_opts(const struct lb_dest *d, char *buf, size_t size, size_t *used)
{
        static const char *const tun[] = { "ipip", "gue", "gre" };

        add(buf, size, used, " %s w%u", lb_fwd_name(d->fwd), d->weight);
        if (d->u_thresh)
                add(buf, size, used, " uthreshold %u", d->u_thresh);
        if (d->l_thresh)
                add(buf, size, used, " lthreshold %u", d->l_thresh);
        if (d->fwd != LB_FWD_TUNNEL)
                return;
        add(buf, size, used, " %s", (unsigned)d->tun_type <= LB_TUN_GRE ? tun[d->tun_type] : "tun-unknown");
        if (d->tun_port)
                add(buf, size, used, " port %u", d->tun_port);
        if (d->tun_flags & LB_TUN_F_CSUM)
                add(buf, size, used, " csum");
        if (d->tun_flags & LB_TUN_F_REMCSUM)
                add(buf, size, used, " remcsum");
        if (!d->tun_flags && d->tun_type != LB_TUN_IPIP)
                add(buf, size, used, " nocsum");
}

static const char *verb_of(enum lb_op op)
{
        switch (op) {
        case LB_ADD_SERVICE:
        case LB_ADD_DEST:
                return "add";
        case LB_EDIT_SERVICE:
        case LB_EDIT_DEST:
                return "edit";
        case LB_DEL_SERVICE:
        case LB_DEL_DEST:
                return "delete";
        case LB_FLUSH:
                return "flush";
        case LB_SET_TIMEOUTS:
                return "set timeouts";
        }
        return "?";
}

const char *lb_change_str(const struct lb_change *c, char *buf, size_t size)
{
        char svc[64], dst[INET6_ADDRSTRLEN + 8], opts[LB_TEXT_MAX];
        size_t used = 0;

        buf[0] = 0;
        add(buf, size, &used, "%s", verb_of(c->op));
        switch (c->op) {
        case LB_ADD_SERVICE:
        case LB_EDIT_SERVICE:
                add(buf, size, &used, " service %s %s", lb_service_str(&c->svc.key, svc, sizeof(svc)),
                    lb_service_opts_str(&c->svc, opts, sizeof(opts)));
                break;
        case LB_DEL_SERVICE:
                add(buf, size, &used, " service %s", lb_service_str(&c->svc.key, svc, sizeof(svc)));
                break;
        case LB_ADD_DEST:
        case LB_EDIT_DEST:
        case LB_DEL_DEST:
                add(buf, size, &used, " dest %s -> %s", lb_service_str(&c->svc.key, svc, sizeof(svc)),
                    lb_addr_port_str(&c->dest.key.addr, c->dest.key.port, dst, sizeof(dst)));
                if (c->op != LB_DEL_DEST)
                        dest_opts(&c->dest, buf, size, &used);
                break;
        case LB_FLUSH:
                break;
        case LB_SET_TIMEOUTS:
                /* a 0 is not sent: the kernel keeps its value */
                if (c->timeouts.tcp)
                        add(buf, size, &used, " tcp %u", c->timeouts.tcp);
                if (c->timeouts.tcpfin)
                        add(buf, size, &used, " tcpfin %u", c->timeouts.tcpfin);
                if (c->timeouts.udp)
                        add(buf, size, &used, " udp %u", c->timeouts.udp);
                break;
        }
        return buf;
}
