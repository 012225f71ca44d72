/* check/engine.h's IPVS backend on lb/ipvs.h; see check_ipvs.h. A change
 * set goes out as one batch (ipvs_add each, one ipvs_wait); the refusals
 * are logged by lb/ipvs.c with the change they were for. */
#include "daemon/check_ipvs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check/counters.h"
#include "check/table.h"
#include "common/log.h"
#include "daemon/check_lbmap.h"
#include "lb/ipvs.h"

static struct ipvs *ipvs;

static int open_backend(void *ctx, bool dry_run)
{
        (void)ctx;
        return dry_run ? ipvs_open_dry_run(&ipvs) : ipvs_open(&ipvs);
}

static void close_backend(void *ctx)
{
        (void)ctx;
        ipvs_close(ipvs);
        ipvs = NULL;
}

struct dump_ctx {
        struct check_table *t;
        int err;
};

static void on_service(void *ctx, const struct lb_service_entry *e)
{
        struct dump_ctx *d = ctx;
        struct check_table_svc *n = realloc(d->t->svcs, (d->t->n + 1) * sizeof(*n));

        if (!n) {
                d->err = -ENOMEM;
                return;
        }
        d->t->svcs = n;
        memset(&n[d->t->n], 0, sizeof(*n));
        check_svc_of_lb(&e->svc, &n[d->t->n].svc);
        d->t->n++;
}

static void on_dest(void *ctx, const struct lb_dest_entry *e)
{
        struct dump_ctx *d = ctx;
        struct check_table_svc *s = &d->t->svcs[d->t->n - 1];
        struct check_dest *n = realloc(s->dests, (s->ndests + 1) * sizeof(*n));

        if (!n) {
                d->err = -ENOMEM;
                return;
        }
        s->dests = n;
        check_dest_of_lb(&e->dest, &n[s->ndests++]);
}

/* Services first, then each one's destinations: the kernel dumps them per
 * service, and a callback must not start another dump. */
static int dump(void *ctx, struct check_table *ret)
{
        struct check_table t = { 0 }, one = { 0 };
        struct dump_ctx d = { &t, 0 };
        int r;

        (void)ctx;
        memset(ret, 0, sizeof(*ret));
        if ((r = ipvs_dump_services(ipvs, on_service, &d, NULL)) < 0 || d.err < 0) {
                check_table_free(&t);
                return r < 0 ? r : d.err;
        }
        for (size_t i = 0; i < t.n; i++) {
                struct lb_service key;
                struct dump_ctx dd = { &one, 0 };
                check_lb_service_of(&t.svcs[i].svc, &key);
                one.svcs = &t.svcs[i];
                one.n = 1;
                if ((r = ipvs_dump_dests(ipvs, &key.key, on_dest, &dd, NULL)) < 0 || dd.err < 0) {
                        check_table_free(&t);
                        return r < 0 ? r : dd.err;
                }
        }
        *ret = t;
        return 0;
}

static int apply(void *ctx, const struct check_changes *ch)
{
        unsigned long before = ipvs_failed(ipvs);
        int r;

        (void)ctx;
        for (size_t i = 0; i < ch->n; i++) {
                struct lb_change c;
                check_lb_change_of(&ch->ops[i], &c);
                if ((r = ipvs_add(ipvs, &c, NULL)) < 0)
                        log_err("IPVS: cannot queue a change (%s %s): %s", check_op_name(ch->ops[i].kind),
                                c.svc.sched[0] ? c.svc.sched : "", strerror(-r));
        }
        r = ipvs_wait(ipvs);
        if (r < 0 && r != -ETIMEDOUT)
                return r;
        return (int)(ipvs_failed(ipvs) - before);
}

static int flush(void *ctx)
{
        struct lb_change c = { .op = LB_FLUSH };
        int r;

        (void)ctx;
        if ((r = ipvs_add(ipvs, &c, NULL)) < 0)
                return r;
        return ipvs_wait(ipvs);
}

static int set_timeouts(void *ctx, uint32_t tcp, uint32_t tcpfin, uint32_t udp)
{
        struct lb_change c = { .op = LB_SET_TIMEOUTS, .timeouts = { tcp, tcpfin, udp } };
        int r;

        (void)ctx;
        if ((r = ipvs_add(ipvs, &c, NULL)) < 0)
                return r;
        return ipvs_wait(ipvs);
}

static unsigned long failed(void *ctx)
{
        (void)ctx;
        return ipvs ? ipvs_failed(ipvs) : 0;
}

/* ---- the kernel's counters (check/counters.h) ----------------------------------------------- */

struct counters_ctx {
        struct check_counters *c;
        struct check_svc svc;
        int err;
};

static void on_counted_dest(void *ctx, const struct lb_dest_entry *e)
{
        struct counters_ctx *d = ctx;
        struct check_dest_counters *n = realloc(d->c->v, (d->c->n + 1) * sizeof(*n));

        if (!n) {
                d->err = -ENOMEM;
                return;
        }
        d->c->v = n;
        n = &n[d->c->n++];
        *n = (struct check_dest_counters){ .svc = d->svc, .active_conns = e->active_conns,
                                           .inact_conns = e->inact_conns, .persist_conns = e->persist_conns,
                                           .conns = e->stats.conns, .inpkts = e->stats.inpkts,
                                           .outpkts = e->stats.outpkts, .inbytes = e->stats.inbytes,
                                           .outbytes = e->stats.outbytes, .cps = e->stats.cps,
                                           .inpps = e->stats.inpps, .outpps = e->stats.outpps,
                                           .inbps = e->stats.inbps, .outbps = e->stats.outbps };
        check_dest_of_lb(&e->dest, &n->dest);
}

/* The services (the table's dump), then each one's destinations with
 * their counters; the dry run has none to give. */
static int counters(void *ctx, struct check_counters *ret)
{
        struct check_table t = { 0 };
        struct dump_ctx d0 = { &t, 0 };
        int r;

        (void)ctx;
        memset(ret, 0, sizeof(*ret));
        if (!ipvs || ipvs_is_dry_run(ipvs))
                return -EOPNOTSUPP;
        if ((r = ipvs_dump_services(ipvs, on_service, &d0, NULL)) < 0 || d0.err < 0) {
                check_table_free(&t);
                return r < 0 ? r : d0.err;
        }
        for (size_t i = 0; i < t.n && r >= 0; i++) {
                struct lb_service key;
                struct counters_ctx d = { ret, t.svcs[i].svc, 0 };
                check_lb_service_of(&t.svcs[i].svc, &key);
                r = ipvs_dump_dests(ipvs, &key.key, on_counted_dest, &d, NULL);
                if (r >= 0 && d.err < 0)
                        r = d.err;
        }
        check_table_free(&t);
        if (r < 0) {
                check_counters_free(ret);
                return r;
        }
        check_counters_sort(ret);
        return 0;
}

const struct check_ipvs_ops *check_ipvs_backend(void)
{
        static const struct check_ipvs_ops ops = { .open = open_backend, .close = close_backend, .dump = dump, .apply = apply,
                                                   .flush = flush, .set_timeouts = set_timeouts, .failed = failed, .counters = counters };

        return &ops;
}
