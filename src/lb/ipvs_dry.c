/* The dry-run backend: every change is checked against a table of its own
 * the way the kernel would check it (ip_vs_ctl.c: an existing service is
 * -EEXIST, a missing one -ESRCH, a missing destination -ENOENT, an
 * unknown scheduler -ENOENT), applied to it, logged as the line a user
 * reads ("IPVS (dry run): add dest TCP 10.0.0.1:80 -> 10.0.1.2:80 route
 * w1") and recorded. Dumps read the table back, so a checker under a
 * dry run sees its own changes as it would see the kernel's. */
#include "lb/ipvs_internal.h"
#include "lb/ipvs_msg.h"
#include "lb/ipvs_text.h"

#include "common/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct dry_service {
        struct lb_service svc;
        struct lb_dest *dests;
        size_t ndests, cap;
};

struct ipvs_dry {
        struct dry_service *svcs;
        size_t nsvcs, cap;
        struct lb_timeouts timeouts;
        struct lb_change *queue;
        size_t nqueue, qcap;
        uint32_t seq;
        char **lines;
        size_t nlines, lcap;
};

/* Room for one more of n elements of size sz (capacity *cap): the array,
 * moved perhaps, or NULL with the old one still valid. */
static void *grow(void *arr, size_t n, size_t *cap, size_t sz)
{
        size_t c = *cap ? *cap * 2 : 8;
        void *p;

        if (n < *cap)
                return arr;
        if (!(p = realloc(arr, c * sz)))
                return NULL;
        *cap = c;
        return p;
}

int ipvs_dry_open(struct ipvs_dry **ret)
{
        struct ipvs_dry *d = calloc(1, sizeof(*d));

        if (!d)
                return -ENOMEM;
        /* the kernel's defaults (ipvsadm -L --timeout on a fresh table) */
        d->timeouts = (struct lb_timeouts){ .tcp = 900, .tcpfin = 120, .udp = 300 };
        *ret = d;
        return 0;
}

static void clear_table(struct ipvs_dry *d)
{
        for (size_t i = 0; i < d->nsvcs; i++)
                free(d->svcs[i].dests);
        d->nsvcs = 0;
}

void ipvs_dry_close(struct ipvs_dry *d)
{
        clear_table(d);
        free(d->svcs);
        free(d->queue);
        for (size_t i = 0; i < d->nlines; i++)
                free(d->lines[i]);
        free(d->lines);
        free(d);
}

static struct dry_service *find_service(struct ipvs_dry *d, const struct lb_service_key *k)
{
        for (size_t i = 0; i < d->nsvcs; i++)
                if (lb_service_key_equal(&d->svcs[i].svc.key, k))
                        return &d->svcs[i];
        return NULL;
}

static struct lb_dest *find_dest(struct dry_service *s, const struct lb_dest_key *k)
{
        for (size_t i = 0; i < s->ndests; i++)
                if (lb_dest_key_equal(&s->dests[i].key, k))
                        return &s->dests[i];
        return NULL;
}

static int service_change(struct ipvs_dry *d, const struct lb_change *c)
{
        struct dry_service *s = find_service(d, &c->svc.key), *svcs;

        if (c->op == LB_ADD_SERVICE && s)
                return -EEXIST;
        if (c->op != LB_ADD_SERVICE && !s)
                return -ESRCH;
        if (c->op != LB_DEL_SERVICE && !lb_sched_known(c->svc.sched))
                return -ENOENT;
        if (c->op == LB_EDIT_SERVICE) {
                s->svc = c->svc;
                return 0;
        }
        if (c->op == LB_DEL_SERVICE) {
                free(s->dests);
                *s = d->svcs[--d->nsvcs];
                return 0;
        }
        if (!(svcs = grow(d->svcs, d->nsvcs, &d->cap, sizeof(*svcs))))
                return -ENOMEM;
        d->svcs = svcs;
        d->svcs[d->nsvcs++] = (struct dry_service){ .svc = c->svc };
        return 0;
}

static int dest_change(struct ipvs_dry *d, const struct lb_change *c)
{
        struct dry_service *s = find_service(d, &c->svc.key);
        struct lb_dest *dst;

        if (!s)
                return -ESRCH;
        dst = find_dest(s, &c->dest.key);
        if (c->op == LB_ADD_DEST && dst)
                return -EEXIST;
        if (c->op != LB_ADD_DEST && !dst)
                return -ENOENT;
        if (c->op == LB_EDIT_DEST) {
                *dst = c->dest;
                return 0;
        }
        if (c->op == LB_DEL_DEST) {
                *dst = s->dests[--s->ndests];
                return 0;
        }
        if (!(dst = grow(s->dests, s->ndests, &s->cap, sizeof(*dst))))
                return -ENOMEM;
        s->dests = dst;
        s->dests[s->ndests++] = c->dest;
        return 0;
}

static int apply(struct ipvs_dry *d, const struct lb_change *c)
{
        switch (c->op) {
        case LB_ADD_SERVICE:
        case LB_EDIT_SERVICE:
        case LB_DEL_SERVICE:
                return service_change(d, c);
        case LB_ADD_DEST:
        case LB_EDIT_DEST:
        case LB_DEL_DEST:
                return dest_change(d, c);
        case LB_FLUSH:
                clear_table(d);
                return 0;
        case LB_SET_TIMEOUTS:
                d->timeouts.tcp = c->timeouts.tcp ? c->timeouts.tcp : d->timeouts.tcp;
                d->timeouts.tcpfin = c->timeouts.tcpfin ? c->timeouts.tcpfin : d->timeouts.tcpfin;
                d->timeouts.udp = c->timeouts.udp ? c->timeouts.udp : d->timeouts.udp;
                return 0;
        }
        return -EINVAL;
}

static void record(struct ipvs_dry *d, const struct lb_change *c)
{
        char line[LB_TEXT_MAX];
        char **lines = grow(d->lines, d->nlines, &d->lcap, sizeof(*lines));

        lb_change_str(c, line, sizeof(line));
        log_info("IPVS (dry run): %s", line);
        if (!lines)
                return;
        d->lines = lines;
        if ((lines[d->nlines] = strdup(line)))
                d->nlines++;
}

int ipvs_dry_add(struct ipvs *ipvs, const struct lb_change *c, uint32_t *ret_seq)
{
        struct ipvs_dry *d = ipvs->dry;
        char scratch[IPVS_MSG_MAX] __attribute__((aligned(4)));
        struct nlmsghdr *nlh;
        struct lb_change *q;

        /* what the netlink backend refuses to build, this refuses too */
        if (ipvs_change_msg(scratch, 1, c, &nlh) < 0)
                return -EINVAL;
        if (!(q = grow(d->queue, d->nqueue, &d->qcap, sizeof(*q))))
                return -ENOMEM;
        d->queue = q;
        q[d->nqueue++] = *c;
        if (!++d->seq)
                d->seq = 1;
        if (ret_seq)
                *ret_seq = d->seq;
        return 0;
}

/* The queue in order, as the kernel would run a batch; results at once. */
int ipvs_dry_send(struct ipvs *ipvs)
{
        struct ipvs_dry *d = ipvs->dry;
        uint32_t seq = d->seq - (uint32_t)d->nqueue;

        for (size_t i = 0; i < d->nqueue; i++) {
                int r = apply(d, &d->queue[i]);
                if (!++seq)
                        seq = 1;
                if (r == 0)
                        record(d, &d->queue[i]);
                ipvs_report(ipvs, seq, &d->queue[i], r);
        }
        d->nqueue = 0;
        return 0;
}

int ipvs_dry_dump_services(struct ipvs_dry *d, ipvs_service_cb cb, void *ctx)
{
        for (size_t i = 0; i < d->nsvcs; i++) {
                struct lb_service_entry e = { .svc = d->svcs[i].svc };
                e.svc.flags &= ~(uint32_t)LB_SVC_PERSISTENT;    /* as a kernel dump reads */
                cb(ctx, &e);
        }
        return 0;
}

int ipvs_dry_dump_dests(struct ipvs_dry *d, const struct lb_service_key *svc, ipvs_dest_cb cb, void *ctx)
{
        struct dry_service *s = find_service(d, svc);

        for (size_t i = 0; s && i < s->ndests; i++) {
                struct lb_dest_entry e = { .dest = s->dests[i] };
                cb(ctx, &e);
        }
        return 0;
}

int ipvs_dry_get_timeouts(struct ipvs_dry *d, struct lb_timeouts *ret)
{
        *ret = d->timeouts;
        return 0;
}

const char *ipvs_dry_line(const struct ipvs_dry *d, size_t i)
{
        return i < d->nlines ? d->lines[i] : NULL;
}
