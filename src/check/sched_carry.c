/* The check worker's model across a reload: every real server of the new
 * model that the old one had (by identity, check/carry.h) takes over its
 * state, history and operator overrides, and each of its checkers the
 * state of the old checker it pairs with. Split from sched.c, which builds
 * and runs the model. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check/carry.h"
#include "check/engine_internal.h"

/* What belongs to a real server rather than to its checkers follows its
 * identity across a reload, whatever its checkers did: its history for
 * the metrics (results by reason, latency), so that counters never go
 * back, and when its health last changed. (The operator's drain/disable is re-applied by name from the
 * worker's override set, check/admin.h, when the new model is built.)
 * Called for every real server found in the old model; -ENOMEM fails the
 * reload (the old model is left as it was). */
static int carry_operator(struct ck_rs *n, const struct ck_rs *o)
{
        n->seen = o->seen;
        n->seen_alive = o->seen_alive;
        n->last_change = o->last_change;
        n->results_ok = o->results_ok;
        if (o->results_other) {
                if (!n->results_other && !(n->results_other = calloc(CHECK_RESULT_COUNT, sizeof(uint64_t))))
                        return -ENOMEM;
                memcpy(n->results_other, o->results_other, CHECK_RESULT_COUNT * sizeof(uint64_t));
        }
        n->latency_sum = o->latency_sum;
        n->latency_count = o->latency_count;
        return 0;
}

static void carry_checker(struct ck_checker *nc, const struct ck_checker *oc)
{
        nc->st = oc->st;
        nc->due = oc->due; /* one whose probe was in flight (due passed) runs again at once */
        nc->started = true; /* ck_model_start leaves it as it is */
        nc->has_last = oc->has_last;
        nc->last = oc->last;
        nc->last_time = oc->last_time;
        nc->last_latency = oc->last_latency;
        nc->file_value = oc->file_value;
        nc->file_delta = oc->file_delta;
        ck_set_detail(nc, oc->last_detail);
}

#define CARRY_MAX_CK 16 /* checkers per real server compared pairwise; past that they restart */

/* The checkers of n that o has unchanged keep their state; the others
 * start afresh (ck_model_start). Returns whether all of them were kept
 * (1 or 0), or -ENOMEM. */
static int carry_rs(struct ck_rs *n, const struct ck_rs *o)
{
        struct check_probe_who ow[CARRY_MAX_CK] = { 0 }, nw[CARRY_MAX_CK] = { 0 };
        ssize_t map[CARRY_MAX_CK];
        size_t on = o->nck < CARRY_MAX_CK ? o->nck : CARRY_MAX_CK, nn = n->nck < CARRY_MAX_CK ? n->nck : CARRY_MAX_CK;
        size_t carried;
        bool dyn = false;

        if (carry_operator(n, o) < 0)
                return -ENOMEM;
        for (size_t k = 0; k < on; k++)
                ow[k] = ck_who_of(&o->ck[k]);
        for (size_t k = 0; k < nn; k++)
                nw[k] = ck_who_of(&n->ck[k]);
        carried = check_carry_checkers(ow, on, nw, nn, map);
        n->num_failed = 0; /* the carried ones' failures; ck_model_start adds the new ones' */
        for (size_t k = 0; k < nn; k++) {
                if (map[k] < 0)
                        continue;
                carry_checker(&n->ck[k], &o->ck[map[k]]);
                n->num_failed += check_state_failed(n->ck[k].st.state);
                dyn |= n->ck[k].pol.misc_dynamic;
        }
        n->has_dyn = dyn && o->has_dyn;
        n->dyn_weight = o->dyn_weight;
        return carried == n->nck && carried == o->nck;
}

/* Where an id of the old model's index points. */
struct carry_ref {
        const struct ck_vs *vs;
        const struct ck_rs *rs; /* NULL: the id of a VS without real servers */
};

struct carry_old {
        struct check_carry_id *ids;
        struct carry_ref *refs;
        size_t n;
        size_t *first;          /* per old VS, the index of its first id */
        struct check_carry_index *ix;
};

static void old_free(struct carry_old *o)
{
        check_carry_index_free(o->ix);
        free(o->ids);
        free(o->refs);
        free(o->first);
}

/* The old model's real servers by identity. */
static int old_index(const struct ck_vs *ov, size_t on, struct carry_old *ret)
{
        size_t total = 1, i = 0;

        for (size_t v = 0; v < on; v++)
                total += ov[v].nrs ? ov[v].nrs : 1;
        ret->ids = calloc(total, sizeof(*ret->ids));
        ret->refs = calloc(total, sizeof(*ret->refs));
        ret->first = calloc(on ? on : 1, sizeof(*ret->first));
        if (!ret->ids || !ret->refs || !ret->first)
                return -ENOMEM;
        for (size_t v = 0; v < on; v++) {
                ret->first[v] = i;
                if (!ov[v].nrs) { /* a VS without real servers still has a pool to carry */
                        ret->refs[i] = (struct carry_ref){ &ov[v], NULL };
                        ret->ids[i++] = (struct check_carry_id){ ov[v].name, "" };
                }
                for (size_t r = 0; r < ov[v].nrs; r++) {
                        ret->refs[i] = (struct carry_ref){ &ov[v], &ov[v].rs[r] };
                        ret->ids[i++] = (struct check_carry_id){ ov[v].name, ov[v].rs[r].name };
                }
        }
        ret->n = i;
        ret->ix = check_carry_index_new(ret->ids, i);
        return ret->ix ? 0 : -ENOMEM;
}

static void carry_pool(struct ck_vs *n, const struct ck_vs *o)
{
        n->pool = o->pool;
        n->started = true;
        n->suspended = o->suspended; /* said once, not at each reload */
}

/* Returns how many real servers kept their state (all their checkers),
 * or -ENOMEM (nothing carried: every server starts afresh). old_kept (on
 * entries) says which old virtual servers the new model has. */
long ck_model_carry(struct ck_vs *nv, size_t nn, const struct ck_vs *ov, size_t on, bool *old_kept)
{
        struct carry_old o = { 0 };
        long kept = 0;

        memset(old_kept, 0, on * sizeof(*old_kept));
        if (old_index(ov, on, &o) < 0) {
                old_free(&o);
                return -ENOMEM;
        }
        for (size_t i = 0, cur = 0; i < nn; i++) {
                ssize_t at = cur < o.n && !strcmp(o.ids[cur].vs, nv[i].name) ? (ssize_t)cur
                                                                            : check_carry_find_vs(o.ix, nv[i].name);
                const struct ck_vs *ovs;
                size_t base;
                if (at < 0)
                        continue; /* a new virtual server */
                ovs = o.refs[at].vs;
                base = o.first[ovs - ov];
                carry_pool(&nv[i], ovs);
                old_kept[ovs - ov] = true;
                for (size_t r = 0; r < nv[i].nrs; r++) {
                        struct check_carry_id id = { nv[i].name, nv[i].rs[r].name };
                        ssize_t w = check_carry_take_at(o.ix, base + r, &id) ? (ssize_t)(base + r)
                                                                             : check_carry_take(o.ix, &id);
                        int c = w >= 0 && o.refs[w].rs ? carry_rs(&nv[i].rs[r], o.refs[w].rs) : 0;
                        if (c < 0) {
                                old_free(&o);
                                return -ENOMEM;
                        }
                        kept += c;
                }
                cur = base + (ovs->nrs ? ovs->nrs : 1); /* where the next one was, if nothing moved */
        }
        old_free(&o);
        return kept;
}

bool ck_rs_carry(struct ck_rs *n, const struct ck_rs *o)
{
        return carry_rs(n, o);
}

