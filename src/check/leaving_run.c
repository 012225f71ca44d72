/* drain_on_remove in the check worker (check/leaving.h has the rules):
 * the reload's hook that finds the real servers a reload removed from a
 * virtual server that stays, the timer that asks the kernel how many
 * connections each still has and deletes it when none is left or its time
 * is up, and its place in the status. Nothing here runs, and a reload
 * costs one pass over the virtual servers, when no drain_on_remove is set. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/carry.h"
#include "check/engine_internal.h"
#include "common/clock.h"
#include "common/log.h"

#define LEAVE_POLL_US 1000000LL /* the kernel's counters are asked this often while a server drains */

static int64_t drain_of(const struct conf *c, const struct conf_virtual_server *vs)
{
        return vs->drain_on_remove != TIMER_UNSET ? vs->drain_on_remove : c->global.lvs_drain_on_remove;
}

/* The new model's real servers by identity, of its virtual servers that
 * drain (the others delete at once: nothing of theirs is looked up). */
struct new_index {
        struct check_carry_id *ids;
        struct ck_vs **vs;      /* per id */
        struct ck_rs **rs;      /* per id; NULL for a VS without real servers */
        struct check_carry_index *ix;
        const struct conf *nc;
};

static void index_free(struct new_index *x)
{
        check_carry_index_free(x->ix);
        free(x->ids);
        free(x->vs);
        free(x->rs);
}

static int index_build(struct ck_vs *nv, size_t nn, const struct conf *c, struct new_index *x)
{
        size_t total = 1, i = 0;

        x->nc = c;
        for (size_t v = 0; v < nn; v++)
                total += drain_of(c, nv[v].c) > 0 ? nv[v].nrs + 1 : 0;
        x->ids = calloc(total, sizeof(*x->ids));
        x->vs = calloc(total, sizeof(*x->vs));
        x->rs = calloc(total, sizeof(*x->rs));
        if (!x->ids || !x->vs || !x->rs)
                return -1;
        for (size_t v = 0; v < nn; v++) {
                if (drain_of(c, nv[v].c) <= 0)
                        continue;
                x->vs[i] = &nv[v];
                x->ids[i++] = (struct check_carry_id){ nv[v].name, "" }; /* the VS itself, found by name */
                for (size_t r = 0; r < nv[v].nrs; r++) {
                        x->vs[i] = &nv[v];
                        x->rs[i] = &nv[v].rs[r];
                        x->ids[i++] = (struct check_carry_id){ nv[v].name, nv[v].rs[r].name };
                }
        }
        x->ix = check_carry_index_new(x->ids, i);
        return x->ix ? 0 : -1;
}

/* A leaving server put back in the file: a normal server again, with the
 * state it had when it was removed (unless the old model gave it one). */
static void come_back(struct ck_rs *n, const struct check_leaving *l)
{
        for (size_t k = 0; k < n->nck; k++)
                if (n->ck[k].started)
                        return;
        ck_rs_carry(n, l->old_rs);
        log_info("%s of VS %s is back in the configuration: no longer leaving", l->rs, l->vs);
}

/* The servers already leaving: back, still leaving, or (their virtual
 * server gone, or no longer draining) deleted with this reload's batch. */
static void reload_leaving(struct check_engine *e, struct new_index *x)
{
        for (size_t i = 0; i < e->leaving.n;) {
                struct check_leaving *l = &e->leaving.v[i];
                struct check_carry_id id = { l->vs, l->rs };
                ssize_t at = check_carry_take(x->ix, &id);
                if (check_carry_find_vs(x->ix, l->vs) >= 0 && at < 0) {
                        i++;
                        continue;
                }
                if (at >= 0 && x->rs[at])
                        come_back(x->rs[at], l);
                else
                        log_info("%s of VS %s: deleted now (its virtual server is gone or drains no longer)", l->rs,
                                 l->vs);
                check_leaving_drop(&e->leaving, i);
        }
}

static void start_leaving(struct check_engine *e, const struct ck_vs *ov, size_t r, int64_t drain)
{
        const struct ck_rs *rs = &ov->rs[r];
        struct check_leaving l = { .svcs = ov->svcs, .nsvcs = ov->nsvcs, .dest = ck_rs_dest(rs),
                                   .since = wall_usec(), .deadline = mono_usec() + drain,
                                   .held = e->vs, .old_rs = rs };

        snprintf(l.vs, sizeof(l.vs), "%s", ov->name);
        snprintf(l.rs, sizeof(l.rs), "%s", rs->name);
        if (check_leaving_add(&e->leaving, &l) < 0) {
                log_err("%s of VS %s: no memory to drain it; deleted now", rs->name, ov->name);
                return;
        }
        log_info("Removing %s from VS %s: weight 0 first (drain_on_remove %.0f s), deleted once its connections "
                 "have ended",
                 rs->name, ov->name, (double)drain / 1e6);
}

/* The old model's servers this reload removed from a draining VS, that
 * IPVS has: they start leaving. */
static void find_removed(struct check_engine *e, struct new_index *x)
{
        for (size_t v = 0; v < e->nvs; v++) {
                const struct ck_vs *ov = &e->vs[v];
                ssize_t at = check_carry_find_vs(x->ix, ov->name);
                if (at < 0)
                        continue; /* gone, or not draining: deleted at once */
                for (size_t r = 0; r < ov->nrs; r++) {
                        struct check_carry_id id = { ov->name, ov->rs[r].name };
                        if (!ov->out[r].in_table || check_carry_take(x->ix, &id) >= 0)
                                continue;
                        start_leaving(e, ov, r, drain_of(x->nc, x->vs[at]->c));
                }
        }
}

static bool any_drain(const struct conf *nc, const struct ck_vs *nv, size_t nn)
{
        for (size_t v = 0; v < nn; v++)
                if (drain_of(nc, nv[v].c) > 0)
                        return true;
        return false;
}

static void arm(struct check_engine *e);

void ck_leaving_reload(struct check_engine *e, const struct conf *nc, struct ck_vs *nv, size_t nn)
{
        struct new_index x = { 0 };

        if (!e->leaving.n && !any_drain(nc, nv, nn))
                return; /* keepalived's behaviour: removed means deleted, with this reload's batch */
        if (index_build(nv, nn, nc, &x) < 0) {
                log_err("reload: no memory to drain the removed real servers; they are deleted now");
                check_leaving_free(&e->leaving);
        } else {
                reload_leaving(e, &x);
                find_removed(e, &x);
        }
        index_free(&x);
        arm(e);
}

/* ---- the drain: the kernel's counters, asked every second ------------------------------------- */

static bool read_counters(struct check_engine *e, struct check_counters *kc)
{
        const struct check_ipvs_ops *ops = e->opts.ipvs;

        return e->ipvs_open && ops->counters && ops->counters(ops->ctx, kc) == 0;
}

static void on_tick(uv_timer_t *t)
{
        struct check_engine *e = t->data;
        struct check_counters kc = { 0 };
        bool known = read_counters(e, &kc), changed = false;
        int64_t now = mono_usec();

        for (size_t i = 0; i < e->leaving.n;) {
                const struct check_leaving *l = &e->leaving.v[i];
                struct check_leave_conns c = check_leaving_conns(l, known ? &kc : NULL);
                enum check_leave_verdict v = check_leave_decide(now, l->deadline, &c);
                if (v == CHECK_LEAVE_STAY) {
                        i++;
                        continue;
                }
                log_info("Removing %s from VS %s: %s (%" PRIu64 " active, %" PRIu64 " inactive connections)", l->rs,
                         l->vs, check_leave_verdict_text(v), c.active, c.inactive);
                check_leaving_drop(&e->leaving, i);
                changed = true;
        }
        check_counters_free(&kc);
        if (changed) {
                ck_table_changed(e);
                ck_retired_sweep_soon(e); /* the model a gone server held can go too */
        }
        arm(e);
}

/* The next look: in a second, or at the nearest deadline if sooner. */
static void arm(struct check_engine *e)
{
        int64_t wait = LEAVE_POLL_US, now = mono_usec();

        if (!e->leaving.n || e->shutdown_until) {
                uv_timer_stop(&e->leave_timer);
                return;
        }
        for (size_t i = 0; i < e->leaving.n; i++)
                if (e->leaving.v[i].deadline - now < wait)
                        wait = e->leaving.v[i].deadline - now;
        wait = wait < 0 ? 0 : wait;
        uv_timer_start(&e->leave_timer, on_tick, (uint64_t)((wait + 999) / 1000), 0);
}

void ck_leaving_init(struct check_engine *e)
{
        uv_timer_init(&e->loop, &e->leave_timer);
        e->leave_timer.data = e;
}

int ck_leaving_extend(const struct check_engine *e, struct check_table *want)
{
        return e->leaving.n ? check_leaving_extend(&e->leaving, want) : 0;
}

bool ck_leaving_holds(const struct check_engine *e, const struct ck_vs *model)
{
        for (size_t i = 0; i < e->leaving.n; i++)
                if (e->leaving.v[i].held == model)
                        return true;
        return false;
}

void ck_leaving_free(struct check_engine *e)
{
        check_leaving_free(&e->leaving);
}

/* ---- status ----------------------------------------------------------------------------------- */

static json_t *conns_json(const struct check_engine *e, const struct check_leaving *l)
{
        struct check_leave_conns c = check_leaving_conns(l, e->kc_ok ? &e->kc : NULL);

        if (!c.known || !c.present)
                return json_null();
        return json_pack("{s:I,s:I}", "active_conns", (json_int_t)c.active, "inact_conns", (json_int_t)c.inactive);
}

/* The servers leaving VS v: [{name, address, port, state, since, deadline_in, kernel}, ...] */
json_t *ck_leaving_json(const struct check_engine *e, const struct ck_vs *v)
{
        json_t *out = json_array();
        int64_t now = mono_usec();
        char a[INET6_ADDRSTRLEN];

        for (size_t i = 0; i < e->leaving.n; i++) {
                const struct check_leaving *l = &e->leaving.v[i];
                double left = (double)(l->deadline > now ? l->deadline - now : 0) / 1e6;
                if (strcmp(l->vs, v->name))
                        continue;
                json_array_append_new(out, json_pack("{s:s,s:s,s:i,s:s,s:i,s:b,s:f,s:f,s:o}", "name", l->rs,
                                                     "address", conf_ip_str(&l->dest.addr, a, sizeof(a)), "port",
                                                     (int)l->dest.port, "state", "leaving", "weight", 0, "in_table", 1,
                                                     "since", (double)l->since / 1e6, "deadline_in", left, "kernel",
                                                     conns_json(e, l)));
        }
        return out;
}
