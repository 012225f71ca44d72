/* The leaving servers of drain_on_remove; see leaving.h. */
#include "check/leaving.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int check_leaving_add(struct check_leaving_set *s, const struct check_leaving *l)
{
        struct check_leaving *n;

        if (s->n == s->cap) {
                size_t cap = s->cap ? 2 * s->cap : 8;
                struct check_leaving *v = realloc(s->v, cap * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                s->v = v;
                s->cap = cap;
        }
        n = &s->v[s->n];
        *n = *l;
        n->svcs = calloc(l->nsvcs ? l->nsvcs : 1, sizeof(*n->svcs));
        if (!n->svcs)
                return -ENOMEM;
        if (l->nsvcs)
                memcpy(n->svcs, l->svcs, l->nsvcs * sizeof(*n->svcs));
        s->n++;
        return 0;
}

void check_leaving_drop(struct check_leaving_set *s, size_t i)
{
        if (i >= s->n)
                return;
        free(s->v[i].svcs);
        s->v[i] = s->v[--s->n];
}

void check_leaving_free(struct check_leaving_set *s)
{
        for (size_t i = 0; i < s->n; i++)
                free(s->v[i].svcs);
        free(s->v);
        *s = (struct check_leaving_set){ 0 };
}

long check_leaving_find(const struct check_leaving_set *s, const char *vs, const char *rs)
{
        for (size_t i = 0; i < s->n; i++)
                if (!strcmp(s->v[i].vs, vs) && !strcmp(s->v[i].rs, rs))
                        return (long)i;
        return -1;
}

enum check_leave_verdict check_leave_decide(int64_t now, int64_t deadline, const struct check_leave_conns *c)
{
        if (c->known && !c->present)
                return CHECK_LEAVE_VANISHED;
        if (c->known && c->active + c->inactive == 0)
                return CHECK_LEAVE_DRAINED;
        return now >= deadline ? CHECK_LEAVE_TIMEOUT : CHECK_LEAVE_STAY;
}

const char *check_leave_verdict_text(enum check_leave_verdict v)
{
        switch (v) {
        case CHECK_LEAVE_STAY:
                return "draining";
        case CHECK_LEAVE_DRAINED:
                return "no connection left";
        case CHECK_LEAVE_TIMEOUT:
                return "drain_on_remove time is up";
        case CHECK_LEAVE_VANISHED:
                return "no longer in the kernel's table";
        }
        return "?";
}

struct check_dest check_leaving_placed(const struct check_leaving *l, const struct check_svc *svc)
{
        struct check_dest d = l->dest;

        d.weight = 0;
        if (svc->fwmark)
                d.port = 0;
        else if (!d.port || d.fwd == CHECK_FWD_DR || d.fwd == CHECK_FWD_TUN)
                d.port = svc->port;
        return d;
}

struct check_leave_conns check_leaving_conns(const struct check_leaving *l, const struct check_counters *kc)
{
        struct check_leave_conns c = { 0 };

        if (!kc)
                return c;
        c.known = true;
        for (size_t i = 0; i < l->nsvcs; i++) {
                struct check_dest d = check_leaving_placed(l, &l->svcs[i]);
                const struct check_dest_counters *k = check_counters_find(kc, &l->svcs[i], &d);
                if (!k)
                        continue;
                c.present = true;
                c.active += k->active_conns;
                c.inactive += k->inact_conns;
        }
        return c;
}

static struct check_table_svc *find_svc(struct check_table *t, const struct check_svc *key)
{
        for (size_t i = 0; i < t->n; i++)
                if (!check_svc_key_cmp(&t->svcs[i].svc, key))
                        return &t->svcs[i];
        return NULL;
}

static int put_dest(struct check_table_svc *ts, const struct check_dest *d)
{
        struct check_dest *v;

        for (size_t i = 0; i < ts->ndests; i++)
                if (!check_dest_key_cmp(&ts->dests[i], d))
                        return 0;
        v = realloc(ts->dests, (ts->ndests + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        ts->dests = v;
        ts->dests[ts->ndests++] = *d;
        return 0;
}

/* Linear in the services per leaving server's service: a drain is a few
 * servers at a time, and nothing here runs when none is leaving. */
int check_leaving_extend(const struct check_leaving_set *s, struct check_table *want)
{
        for (size_t i = 0; i < s->n; i++) {
                const struct check_leaving *l = &s->v[i];
                for (size_t k = 0; k < l->nsvcs; k++) {
                        struct check_table_svc *ts = find_svc(want, &l->svcs[k]);
                        struct check_dest d;
                        int r;
                        if (!ts)
                                continue;
                        d = check_leaving_placed(l, &ts->svc);
                        if ((r = put_dest(ts, &d)) < 0)
                                return r;
                }
        }
        return 0;
}
