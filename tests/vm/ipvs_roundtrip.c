/* ipvs_roundtrip: add one service and its destinations through lb/ipvs.c
 * (one change set, acknowledged), read the table back with the dumps, and
 * print it the way `ipvsadm -Ln` does, so the VM layer can compare the
 * two. Built, not installed.
 *
 *   ipvs_roundtrip [--dry-run] [-C] [--set TCP,TCPFIN,UDP]
 *       (-t|-u|--sctp-service ADDR:PORT | -f MARK [-6]) [-s SCHED] [-p TIMEOUT]
 *       [-M PREFIX] [-o] [-b FLAG,...] [--pe NAME]
 *       { -r ADDR:PORT [-g|-m|-i] [-w WEIGHT] [-x UPPER] [-y LOWER]
 *         [--tun-type ipip|gue|gre] [--tun-port PORT] [--tun-csum|--tun-remcsum] } ...
 *   ipvs_roundtrip [--dry-run] -L     (list only; the table is listed after any change too)
 *
 * Options after -r apply to that destination. Exit status: 0 when every
 * change was acknowledged and the dump reads the service and its
 * destinations back as they were asked, 1 when a change failed, the dump
 * differs or IPVS is not there, 2 for a usage error. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "lb/ipvs.h"
#include "lb/ipvs_text.h"

#define MAX_DESTS 1024
#define MAX_SERVICES 256

struct args {
        bool dry_run, flush, list_only, have_service, set_timeouts;
        struct lb_service svc;
        struct lb_dest dests[MAX_DESTS];
        size_t ndests;
        struct lb_timeouts timeouts;
};

static int usage(void)
{
        fprintf(stderr, "usage: ipvs_roundtrip [--dry-run] [-C] [-L] (-t|-u|--sctp-service ADDR:PORT | -f MARK [-6]) "
                        "[-s SCHED] [-p TIMEOUT] [-M PREFIX] [-o] [-b FLAGS] [--pe NAME] "
                        "{-r ADDR:PORT [-g|-m|-i] [-w W] [-x U] [-y L] [--tun-type T] [--tun-port P] "
                        "[--tun-csum|--tun-remcsum]} ... [--set TCP,TCPFIN,UDP]\n");
        return 2;
}

/* "10.0.0.1:80", "[2001:db8::1]:80". */
static bool parse_addr_port(const char *s, struct conf_ip *ip, uint16_t *port)
{
        char host[INET6_ADDRSTRLEN + 2];
        const char *colon = s[0] == '[' ? strstr(s, "]:") : strrchr(s, ':');
        size_t n;
        char *end;
        unsigned long p;

        if (!colon)
                return false;
        n = (size_t)(colon - s) - (s[0] == '[');
        if (n >= sizeof(host))
                return false;
        memcpy(host, s + (s[0] == '['), n);
        host[n] = 0;
        p = strtoul(colon + (s[0] == '[' ? 2 : 1), &end, 10);
        if (*end || p > 65535 || !conf_parse_ip(host, ip))
                return false;
        *port = (uint16_t)p;
        return true;
}

static bool parse_u32(const char *s, uint32_t *ret)
{
        char *end;
        unsigned long v = strtoul(s, &end, 10);

        if (!*s || *end || v > 0xffffffffUL)
                return false;
        *ret = (uint32_t)v;
        return true;
}

static bool parse_sched_flags(const char *s, uint32_t *flags)
{
        char copy[128], *save = NULL;

        snprintf(copy, sizeof(copy), "%s", s);
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (!strcmp(t, "flag-1") || !strcmp(t, "sh-fallback") || !strcmp(t, "mh-fallback"))
                        *flags |= LB_SVC_SCHED1;
                else if (!strcmp(t, "flag-2") || !strcmp(t, "sh-port") || !strcmp(t, "mh-port"))
                        *flags |= LB_SVC_SCHED2;
                else if (!strcmp(t, "flag-3"))
                        *flags |= LB_SVC_SCHED3;
                else
                        return false;
        }
        return true;
}

static bool parse_tun_type(const char *s, enum lb_tun_type *ret)
{
        static const char *const names[] = { "ipip", "gue", "gre" };

        for (unsigned i = 0; i < 3; i++)
                if (!strcmp(s, names[i])) {
                        *ret = (enum lb_tun_type)i;
                        return true;
                }
        return false;
}

static bool parse_timeouts(const char *s, struct lb_timeouts *t)
{
        return sscanf(s, "%u,%u,%u", &t->tcp, &t->tcpfin, &t->udp) == 3;
}

enum { OPT_DRY = 256, OPT_SCTP, OPT_PE, OPT_TUN_TYPE, OPT_TUN_PORT, OPT_TUN_CSUM, OPT_TUN_REMCSUM, OPT_SET };

static const struct option long_opts[] = {
        { "dry-run", no_argument, NULL, OPT_DRY }, { "sctp-service", required_argument, NULL, OPT_SCTP },
        { "pe", required_argument, NULL, OPT_PE }, { "tun-type", required_argument, NULL, OPT_TUN_TYPE },
        { "tun-port", required_argument, NULL, OPT_TUN_PORT }, { "tun-csum", no_argument, NULL, OPT_TUN_CSUM },
        { "tun-remcsum", no_argument, NULL, OPT_TUN_REMCSUM }, { "set", required_argument, NULL, OPT_SET },
        { NULL, 0, NULL, 0 },
};

static bool service_opt(struct args *a, int c, const char *arg)
{
        struct lb_service *s = &a->svc;
        uint32_t v;

        switch (c) {
        case 't':
        case 'u':
        case OPT_SCTP:
                s->key.protocol = c == 't' ? IPPROTO_TCP : c == 'u' ? IPPROTO_UDP : IPPROTO_SCTP;
                a->have_service = parse_addr_port(arg, &s->key.addr, &s->key.port);
                s->key.af = s->key.addr.family;
                return a->have_service;
        case 'f':
                a->have_service = parse_u32(arg, &s->key.fwmark) && s->key.fwmark;
                s->key.af = s->key.af ? s->key.af : AF_INET;
                return a->have_service;
        case '6':
                s->key.af = AF_INET6;
                return true;
        case 's':
                return strlen(arg) < sizeof(s->sched) && strcpy(s->sched, arg);
        case 'p':
                return parse_u32(arg, &s->timeout);
        case 'M':
                return parse_u32(arg, &v) && v <= 128 && (s->netmask_prefix = (uint8_t)v, true);
        case 'o':
                s->flags |= LB_SVC_ONEPACKET;
                return true;
        case 'b':
                return parse_sched_flags(arg, &s->flags);
        case OPT_PE:
                return strlen(arg) < sizeof(s->pe_name) && strcpy(s->pe_name, arg);
        default:
                return false;
        }
}

static bool dest_opt(struct args *a, int c, const char *arg)
{
        struct lb_dest *d = a->ndests ? &a->dests[a->ndests - 1] : NULL;
        uint32_t v;

        if (c == 'r') {
                if (a->ndests == MAX_DESTS)
                        return false;
                d = &a->dests[a->ndests++];
                *d = (struct lb_dest){ .fwd = LB_FWD_ROUTE, .weight = 1 };  /* ipvsadm's defaults: -g, -w 1 */
                return parse_addr_port(arg, &d->key.addr, &d->key.port);
        }
        if (!d)
                return false;
        switch (c) {
        case 'g':
        case 'm':
        case 'i':
                d->fwd = c == 'g' ? LB_FWD_ROUTE : c == 'm' ? LB_FWD_MASQ : LB_FWD_TUNNEL;
                return true;
        case 'w':
                return parse_u32(arg, &d->weight);
        case 'x':
                return parse_u32(arg, &d->u_thresh);
        case 'y':
                return parse_u32(arg, &d->l_thresh);
        case OPT_TUN_TYPE:
                return parse_tun_type(arg, &d->tun_type);
        case OPT_TUN_PORT:
                return parse_u32(arg, &v) && v <= 65535 && (d->tun_port = (uint16_t)v, true);
        case OPT_TUN_CSUM:
                d->tun_flags |= LB_TUN_F_CSUM;
                return true;
        case OPT_TUN_REMCSUM:
                d->tun_flags |= LB_TUN_F_REMCSUM;
                return true;
        default:
                return false;
        }
}

static int parse_args(int argc, char **argv, struct args *a)
{
        int c;

        strcpy(a->svc.sched, "wlc");    /* ipvsadm's default */
        while ((c = getopt_long(argc, argv, "t:u:f:6s:p:M:ob:r:gmiw:x:y:CL", long_opts, NULL)) != -1) {
                bool ok = true;
                if (c == OPT_DRY)
                        a->dry_run = true;
                else if (c == 'C')
                        a->flush = true;
                else if (c == 'L')
                        a->list_only = true;
                else if (c == OPT_SET)
                        ok = a->set_timeouts = parse_timeouts(optarg, &a->timeouts);
                else if (strchr("rgmiwxy", c) || c == OPT_TUN_TYPE || c == OPT_TUN_PORT || c == OPT_TUN_CSUM ||
                         c == OPT_TUN_REMCSUM)
                        ok = dest_opt(a, c, optarg);
                else
                        ok = service_opt(a, c, optarg);
                if (!ok)
                        return -EINVAL;
        }
        if (optind != argc || (!a->list_only && !a->have_service && !a->flush && !a->set_timeouts))
                return -EINVAL;
        return 0;
}

/* ---- apply -------------------------------------------------------------- */

static unsigned failures;

static void on_result(void *ctx, uint32_t seq, const struct lb_change *c, int err)
{
        (void)ctx, (void)seq, (void)c;
        if (err < 0)
                failures++; /* lb/ipvs.c logged it, with the request */
}

static int queue(struct ipvs *ipvs, enum lb_op op, const struct args *a, const struct lb_dest *d)
{
        struct lb_change c = { .op = op, .svc = a->svc, .timeouts = a->timeouts };
        char line[LB_TEXT_MAX];
        int r;

        if (d)
                c.dest = *d;
        if ((r = ipvs_add(ipvs, &c, NULL)) < 0)
                fprintf(stderr, "ipvs_roundtrip: refused before sending: %s: %s\n", lb_change_str(&c, line, sizeof(line)),
                        strerror(-r));
        return r;
}

static int apply(struct ipvs *ipvs, const struct args *a)
{
        int r = 0;

        if (a->flush)
                r = queue(ipvs, LB_FLUSH, a, NULL);
        if (r == 0 && a->set_timeouts)
                r = queue(ipvs, LB_SET_TIMEOUTS, a, NULL);
        if (r == 0 && a->have_service)
                r = queue(ipvs, LB_ADD_SERVICE, a, NULL);
        for (size_t i = 0; r == 0 && a->have_service && i < a->ndests; i++)
                r = queue(ipvs, LB_ADD_DEST, a, &a->dests[i]);
        if (r < 0)
                return r;
        if ((r = ipvs_wait(ipvs)) < 0) {
                fprintf(stderr, "ipvs_roundtrip: waiting for the acknowledgements: %s\n", strerror(-r));
                return r;
        }
        return failures ? -EIO : 0;
}

/* ---- list, as ipvsadm -Ln --------------------------------------------------- */

struct table {
        struct lb_service_entry svcs[MAX_SERVICES];
        size_t nsvcs;
        struct lb_dest_entry dests[4 * MAX_DESTS];
        size_t ndests;
};

static void keep_service(void *ctx, const struct lb_service_entry *e)
{
        struct table *t = ctx;

        if (t->nsvcs < MAX_SERVICES)
                t->svcs[t->nsvcs++] = *e;
}

static void keep_dest(void *ctx, const struct lb_dest_entry *e)
{
        struct table *t = ctx;

        if (t->ndests < sizeof(t->dests) / sizeof(t->dests[0]))
                t->dests[t->ndests++] = *e;
}

static int cmp_addr(const struct conf_ip *a, const struct conf_ip *b)
{
        if (a->family != b->family)
                return a->family - b->family;
        return memcmp(&a->u, &b->u, a->family == AF_INET6 ? 16 : 4);
}

/* ipvsadm's order: address services before fwmarks, then family,
 * protocol, address, port. */
static int cmp_services(const void *x, const void *y)
{
        const struct lb_service_key *a = &((const struct lb_service_entry *)x)->svc.key;
        const struct lb_service_key *b = &((const struct lb_service_entry *)y)->svc.key;
        int r;

        if (a->fwmark != b->fwmark)
                return a->fwmark < b->fwmark ? -1 : 1;
        if (a->af != b->af)
                return a->af - b->af;
        if (a->protocol != b->protocol)
                return a->protocol - b->protocol;
        if (!a->fwmark && (r = cmp_addr(&a->addr, &b->addr)))
                return r;
        return a->port - b->port;
}

static int cmp_dests(const void *x, const void *y)
{
        const struct lb_dest_key *a = &((const struct lb_dest_entry *)x)->dest.key;
        const struct lb_dest_key *b = &((const struct lb_dest_entry *)y)->dest.key;
        int r = cmp_addr(&a->addr, &b->addr);

        return r ? r : a->port - b->port;
}

/* " (sh-fallback,sh-port)": the scheduler's names for its flags. */
static void print_sched_flags(const struct lb_service *s)
{
        const char *pre = !strcmp(s->sched, "sh") || !strcmp(s->sched, "mh") ? s->sched : NULL;
        const char *sep = " (";

        for (unsigned bit = 0; bit < 3; bit++) {
                if (!(s->flags & (LB_SVC_SCHED1 << bit)))
                        continue;
                if (pre && bit < 2)
                        printf("%s%s-%s", sep, pre, bit ? "port" : "fallback");
                else
                        printf("%sflag-%u", sep, bit + 1);
                sep = ",";
        }
        if (sep[0] == ',')
                printf(")");
}

static void print_service(const struct lb_service *s)
{
        char name[64], p[16], ap[INET6_ADDRSTRLEN + 8];

        if (s->key.fwmark)
                snprintf(name, sizeof(name), "%-4s %u%s", "FWM", s->key.fwmark, s->key.af == AF_INET6 ? " IPv6" : "");
        else
                snprintf(name, sizeof(name), "%-4s %s", lb_proto_name(s->key.protocol, p, sizeof(p)),
                         lb_addr_port_str(&s->key.addr, s->key.port, ap, sizeof(ap)));
        printf("%s %s", name, s->sched);
        print_sched_flags(s);
        if (s->timeout) {
                printf(" persistent %u", s->timeout);
                if (s->netmask_prefix && s->key.af == AF_INET) {
                        struct in_addr m = { htonl(~(0xffffffffu >> s->netmask_prefix)) };
                        char mask[INET_ADDRSTRLEN];
                        printf(" mask %s", inet_ntop(AF_INET, &m, mask, sizeof(mask)));
                } else if (s->netmask_prefix) {
                        printf(" mask %u", s->netmask_prefix);
                }
                if (s->pe_name[0])
                        printf(" pe %s", s->pe_name);
        }
        if (s->flags & LB_SVC_ONEPACKET)
                printf(" ops");
        printf("\n");
}

static void print_dest(const struct lb_dest_entry *e)
{
        static const char *const fwd[] = { "Masq", "Local", "Tunnel", "Route", "Bypass" };
        char ap[INET6_ADDRSTRLEN + 8];

        printf("  -> %-28s %-7s %-6u %-10u %-10u\n", lb_addr_port_str(&e->dest.key.addr, e->dest.key.port, ap, sizeof(ap)),
               (unsigned)e->dest.fwd <= LB_FWD_BYPASS ? fwd[e->dest.fwd] : "?", e->dest.weight, e->active_conns,
               e->inact_conns);
}

/* What the kernel reads back is what was asked: the promise the check
 * worker's reconcile relies on (lb/ipvs_msg.h). */
static bool same_service(const struct lb_service *a, const struct lb_service *b)
{
        return lb_service_key_equal(&a->key, &b->key) && !strcmp(a->sched, b->sched) && a->flags == b->flags &&
               a->timeout == b->timeout && a->netmask_prefix == b->netmask_prefix && !strcmp(a->pe_name, b->pe_name);
}

static bool same_dest(const struct lb_dest *a, const struct lb_dest *b)
{
        return lb_dest_key_equal(&a->key, &b->key) && a->fwd == b->fwd && a->weight == b->weight &&
               a->u_thresh == b->u_thresh && a->l_thresh == b->l_thresh && a->tun_type == b->tun_type &&
               a->tun_port == b->tun_port && a->tun_flags == b->tun_flags;
}

static unsigned check_dests(const struct table *t, const struct args *a)
{
        unsigned bad = 0;
        char line[LB_TEXT_MAX];

        for (size_t i = 0; i < a->ndests; i++) {
                struct lb_change c = { .op = LB_ADD_DEST, .svc = a->svc, .dest = a->dests[i] };
                bool found = false;
                for (size_t j = 0; j < t->ndests && !found; j++)
                        found = same_dest(&t->dests[j].dest, &a->dests[i]);
                if (!found && ++bad)
                        fprintf(stderr, "ipvs_roundtrip: not read back as asked: %s\n", lb_change_str(&c, line, sizeof(line)));
        }
        return bad;
}

static unsigned check_read_back(struct table *t, const struct args *a, size_t i)
{
        char line[LB_TEXT_MAX];
        struct lb_change c = { .op = LB_ADD_SERVICE, .svc = a->svc };

        if (!a->have_service || !lb_service_key_equal(&t->svcs[i].svc.key, &a->svc.key))
                return 0;
        if (!same_service(&t->svcs[i].svc, &a->svc)) {
                fprintf(stderr, "ipvs_roundtrip: not read back as asked: %s\n", lb_change_str(&c, line, sizeof(line)));
                return 1;
        }
        return check_dests(t, a);
}

static int list(struct ipvs *ipvs, const struct args *a)
{
        static struct table t;
        struct lb_info info;
        unsigned skipped = 0, s2 = 0, mismatches = 0;
        int r;

        if ((r = ipvs_get_info(ipvs, &info)) < 0 || (r = ipvs_dump_services(ipvs, keep_service, &t, &skipped)) < 0) {
                fprintf(stderr, "ipvs_roundtrip: cannot read the table: %s\n", strerror(-r));
                return r;
        }
        printf("IP Virtual Server version %u.%u.%u (size=%u)\n", info.version >> 16 & 0xff, info.version >> 8 & 0xff,
               info.version & 0xff, info.conn_tab_size);
        printf("Prot LocalAddress:Port Scheduler Flags\n");
        printf("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        qsort(t.svcs, t.nsvcs, sizeof(t.svcs[0]), cmp_services);
        for (size_t i = 0; i < t.nsvcs; i++) {
                print_service(&t.svcs[i].svc);
                t.ndests = 0;
                if ((r = ipvs_dump_dests(ipvs, &t.svcs[i].svc.key, keep_dest, &t, &s2)) < 0) {
                        fprintf(stderr, "ipvs_roundtrip: cannot read the destinations: %s\n", strerror(-r));
                        return r;
                }
                skipped += s2;
                qsort(t.dests, t.ndests, sizeof(t.dests[0]), cmp_dests);
                for (size_t j = 0; j < t.ndests; j++)
                        print_dest(&t.dests[j]);
                mismatches += check_read_back(&t, a, i);
        }
        if (skipped)
                fprintf(stderr, "ipvs_roundtrip: %u message(s) of the dump did not parse\n", skipped);
        return skipped || mismatches ? -EBADMSG : 0;
}

int main(int argc, char **argv)
{
        static struct args a;
        struct ipvs *ipvs;
        int r;

        if (parse_args(argc, argv, &a) < 0)
                return usage();
        log_open("ipvs_roundtrip", true, false);
        r = a.dry_run ? ipvs_open_dry_run(&ipvs) : ipvs_open(&ipvs);
        if (r < 0)
                return 1;   /* logged: "IPVS family not found: is ip_vs loaded?" */
        ipvs_on_result(ipvs, on_result, NULL);
        if (a.flush || a.set_timeouts || a.have_service)
                r = apply(ipvs, &a);
        if (r == 0 || r == -EIO)
                r = list(ipvs, &a) < 0 ? -EIO : r;
        ipvs_close(ipvs);
        return r < 0 ? 1 : 0;
}
