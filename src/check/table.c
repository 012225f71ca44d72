/* The desired IPVS table and the diff against the kernel's; see table.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check/table.h"

static int cmp_u64(uint64_t a, uint64_t b)
{
        return a < b ? -1 : a > b;
}

static int ip_cmp(const struct conf_ip *a, const struct conf_ip *b)
{
        if (a->family != b->family)
                return cmp_u64((uint64_t)a->family, (uint64_t)b->family);
        if (a->family == AF_INET)
                return memcmp(&a->u.v4, &b->u.v4, sizeof(a->u.v4));
        if (a->family == AF_INET6)
                return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6));
        return 0;
}

int check_svc_key_cmp(const struct check_svc *a, const struct check_svc *b)
{
        int c;

        /* fwmark services sort after address services */
        if ((a->fwmark != 0) != (b->fwmark != 0))
                return a->fwmark ? 1 : -1;
        if (a->af != b->af)
                return cmp_u64((uint64_t)a->af, (uint64_t)b->af);
        if (a->fwmark)
                return cmp_u64(a->fwmark, b->fwmark);
        if (a->protocol != b->protocol)
                return cmp_u64(a->protocol, b->protocol);
        c = ip_cmp(&a->addr, &b->addr);
        return c ? c : cmp_u64(a->port, b->port);
}

int check_dest_key_cmp(const struct check_dest *a, const struct check_dest *b)
{
        int c = ip_cmp(&a->addr, &b->addr);

        return c ? c : cmp_u64(a->port, b->port);
}

bool check_svc_same_attrs(const struct check_svc *want, const struct check_svc *have)
{
        uint32_t mask = ~CHECK_SVC_F_HASHED;

        if (strncmp(want->sched, have->sched, CHECK_SCHED_LEN))
                return false;
        /* a changed engine is set in place, as keepalived edits the service */
        if (strncmp(want->pe_name, have->pe_name, CHECK_PE_LEN))
                return false;
        if ((want->flags & mask) != (have->flags & mask))
                return false;
        if (!(want->flags & CHECK_SVC_F_PERSISTENT))
                return true;
        return want->timeout == have->timeout && want->netmask == have->netmask;
}

bool check_dest_same_attrs(const struct check_dest *want, const struct check_dest *have)
{
        if (want->fwd != have->fwd || want->weight != have->weight || want->u_thresh != have->u_thresh ||
            want->l_thresh != have->l_thresh)
                return false;
        if (want->fwd != CHECK_FWD_TUN)
                return true;
        return want->tun_type == have->tun_type && want->tun_port == have->tun_port &&
               want->tun_flags == have->tun_flags;
}

/* ---- building the desired table ------------------------------------------ */

static struct check_dest placed(const struct check_svc *svc, const struct check_dest *d, int64_t weight)
{
        struct check_dest out = *d;

        out.weight = check_rs_weight(weight);
        if (svc->fwmark)
                out.port = 0;
        else if (!out.port || out.fwd == CHECK_FWD_DR || out.fwd == CHECK_FWD_TUN)
                out.port = svc->port;
        return out;
}

/* Append d to ts, or raise the weight of the same destination already there. */
static void add_dest(struct check_table_svc *ts, const struct check_dest *d)
{
        for (size_t i = 0; i < ts->ndests; i++) {
                if (check_dest_key_cmp(&ts->dests[i], d))
                        continue;
                if (d->weight > ts->dests[i].weight)
                        ts->dests[i] = *d;
                return;
        }
        ts->dests[ts->ndests++] = *d;
}

/* Linear in the destinations of one service for the duplicate check: the
 * only duplicate possible is the sorry server, so it is looked for only
 * when one is added. */
static int build_svc(const struct check_vs_model *vs, const struct check_svc *svc, struct check_table_svc *ts)
{
        ts->svc = *svc;
        ts->ndests = 0;
        ts->dests = calloc(vs->nrs + 1, sizeof(*ts->dests));
        if (!ts->dests)
                return -ENOMEM;
        for (size_t i = 0; i < vs->nrs; i++)
                if (vs->rs_out[i].in_table)
                        ts->dests[ts->ndests++] = placed(svc, &vs->rs[i], vs->rs_out[i].weight);
        if (vs->has_sorry_server && vs->pool && vs->pool->sorry_in_table) {
                struct check_dest s = placed(svc, &vs->sorry, vs->pool->sorry_weight);
                add_dest(ts, &s);
        }
        return 0;
}

int check_table_build(const struct check_vs_model *vs, size_t n, struct check_table *ret_table)
{
        struct check_table t = { 0 };
        size_t total = 0;

        for (size_t i = 0; i < n; i++)
                total += vs[i].nsvcs;
        if (total) {
                t.svcs = calloc(total, sizeof(*t.svcs));
                if (!t.svcs)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                for (size_t j = 0; j < vs[i].nsvcs; j++) {
                        if (build_svc(&vs[i], &vs[i].svcs[j], &t.svcs[t.n]) < 0) {
                                check_table_free(&t);
                                return -ENOMEM;
                        }
                        t.n++;
                }
        }
        *ret_table = t;
        return 0;
}

void check_table_free(struct check_table *t)
{
        for (size_t i = 0; i < t->n; i++)
                free(t->svcs[i].dests);
        free(t->svcs);
        t->svcs = NULL;
        t->n = 0;
}

/* ---- the diff -------------------------------------------------------------- */

static int svc_ptr_cmp(const void *a, const void *b)
{
        const struct check_table_svc *const *x = a, *const *y = b;

        return check_svc_key_cmp(&(*x)->svc, &(*y)->svc);
}

static int dest_ptr_cmp(const void *a, const void *b)
{
        const struct check_dest *const *x = a, *const *y = b;

        return check_dest_key_cmp(*x, *y);
}

/* Services (or destinations) sorted by key, for lookups in O(log n). */
static const struct check_table_svc **sorted_svcs(const struct check_table *t)
{
        const struct check_table_svc **v = calloc(t->n + 1, sizeof(*v));

        if (!v)
                return NULL;
        for (size_t i = 0; i < t->n; i++)
                v[i] = &t->svcs[i];
        qsort(v, t->n, sizeof(*v), svc_ptr_cmp);
        return v;
}

static const struct check_table_svc *find_svc(const struct check_table_svc **v, size_t n, const struct check_svc *key)
{
        struct check_table_svc k = { .svc = *key };
        const struct check_table_svc *kp = &k;
        const struct check_table_svc *const *hit = bsearch(&kp, v, n, sizeof(*v), svc_ptr_cmp);

        return hit ? *hit : NULL;
}

static const struct check_dest **sorted_dests(const struct check_table_svc *ts)
{
        const struct check_dest **v = calloc(ts->ndests + 1, sizeof(*v));

        if (!v)
                return NULL;
        for (size_t i = 0; i < ts->ndests; i++)
                v[i] = &ts->dests[i];
        qsort(v, ts->ndests, sizeof(*v), dest_ptr_cmp);
        return v;
}

static const struct check_dest *find_dest(const struct check_dest **v, size_t n, const struct check_dest *key)
{
        const struct check_dest *const *hit = bsearch(&key, v, n, sizeof(*v), dest_ptr_cmp);

        return hit ? *hit : NULL;
}

static int push(struct check_changes *c, enum check_op_kind kind, const struct check_svc *svc,
                const struct check_dest *dest)
{
        if (c->n == c->cap) {
                size_t cap = c->cap ? 2 * c->cap : 64;
                struct check_op *ops = realloc(c->ops, cap * sizeof(*ops));
                if (!ops)
                        return -ENOMEM;
                c->ops = ops;
                c->cap = cap;
        }
        c->ops[c->n] = (struct check_op){ .kind = kind, .svc = *svc };
        if (dest)
                c->ops[c->n].dest = *dest;
        c->n++;
        return 0;
}

/* An adopted service: its destinations corrected in place. */
static int diff_dests(const struct check_table_svc *have, const struct check_table_svc *want, struct check_changes *c)
{
        const struct check_dest **hv = sorted_dests(have), **wv = sorted_dests(want);
        int r = hv && wv ? 0 : -ENOMEM;

        for (size_t i = 0; !r && i < want->ndests; i++)
                if (!find_dest(hv, have->ndests, &want->dests[i]))
                        r = push(c, CHECK_OP_ADD_DEST, &want->svc, &want->dests[i]);
        for (size_t i = 0; !r && i < want->ndests; i++) {
                const struct check_dest *h = find_dest(hv, have->ndests, &want->dests[i]);
                if (h && !check_dest_same_attrs(&want->dests[i], h))
                        r = push(c, CHECK_OP_SET_DEST, &want->svc, &want->dests[i]);
        }
        for (size_t i = 0; !r && i < have->ndests; i++)
                if (!find_dest(wv, want->ndests, &have->dests[i]))
                        r = push(c, CHECK_OP_DEL_DEST, &want->svc, &have->dests[i]);
        free(hv);
        free(wv);
        return r;
}

static int diff_svc(const struct check_table_svc *have, const struct check_table_svc *want, struct check_changes *c)
{
        int r = 0;

        if (!have) {
                r = push(c, CHECK_OP_ADD_SVC, &want->svc, NULL);
                for (size_t i = 0; !r && i < want->ndests; i++)
                        r = push(c, CHECK_OP_ADD_DEST, &want->svc, &want->dests[i]);
                return r;
        }
        if (!check_svc_same_attrs(&want->svc, &have->svc))
                r = push(c, CHECK_OP_SET_SVC, &want->svc, NULL);
        return r ? r : diff_dests(have, want, c);
}

static int diff_release(const struct check_table_svc **cur, size_t ncur, const struct check_table_svc **want,
                        size_t nwant, const struct check_table *release, struct check_changes *c)
{
        int r = 0;

        for (size_t i = 0; !r && release && i < release->n; i++) {
                const struct check_table_svc *have = find_svc(cur, ncur, &release->svcs[i].svc);
                if (have && !find_svc(want, nwant, &have->svc))
                        r = push(c, CHECK_OP_DEL_SVC, &have->svc, NULL);
        }
        return r;
}

int check_table_diff(const struct check_table *current, const struct check_table *desired,
                     const struct check_table *release, struct check_changes *ret_changes)
{
        struct check_changes c = { 0 };
        const struct check_table_svc **cur = sorted_svcs(current), **want = sorted_svcs(desired);
        int r = cur && want ? 0 : -ENOMEM;

        for (size_t i = 0; !r && i < desired->n; i++)
                r = diff_svc(find_svc(cur, current->n, &desired->svcs[i].svc), &desired->svcs[i], &c);
        if (!r)
                r = diff_release(cur, current->n, want, desired->n, release, &c);
        free(cur);
        free(want);
        if (r < 0) {
                check_changes_free(&c);
                return r;
        }
        *ret_changes = c;
        return 0;
}

void check_changes_free(struct check_changes *c)
{
        free(c->ops);
        *c = (struct check_changes){ 0 };
}

const char *check_op_name(enum check_op_kind k)
{
        switch (k) {
        case CHECK_OP_ADD_SVC:
                return "add service";
        case CHECK_OP_SET_SVC:
                return "set service";
        case CHECK_OP_DEL_SVC:
                return "delete service";
        case CHECK_OP_ADD_DEST:
                return "add destination";
        case CHECK_OP_SET_DEST:
                return "set destination";
        case CHECK_OP_DEL_DEST:
                return "delete destination";
        }
        return "unknown";
}
