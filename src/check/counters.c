/* The kernel's counters per destination; see counters.h. */
#include "check/counters.h"

#include <stdlib.h>

static int cmp(const struct check_svc *sa, const struct check_dest *da, const struct check_svc *sb,
               const struct check_dest *db)
{
        int r = check_svc_key_cmp(sa, sb);

        return r ? r : check_dest_key_cmp(da, db);
}

static int cmp_entries(const void *a, const void *b)
{
        const struct check_dest_counters *x = a, *y = b;

        return cmp(&x->svc, &x->dest, &y->svc, &y->dest);
}

void check_counters_sort(struct check_counters *c)
{
        if (c->n > 1)
                qsort(c->v, c->n, sizeof(*c->v), cmp_entries);
}

const struct check_dest_counters *check_counters_find(const struct check_counters *c, const struct check_svc *svc,
                                                      const struct check_dest *dest)
{
        size_t lo = 0, hi = c->n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int r = cmp(&c->v[mid].svc, &c->v[mid].dest, svc, dest);
                if (!r)
                        return &c->v[mid];
                if (r < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

void check_counters_free(struct check_counters *c)
{
        free(c->v);
        c->v = NULL;
        c->n = 0;
}
