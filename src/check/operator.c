/* The operator's overrides (vigilctl drain, enable, disable; the rules
 * in check/admin.h) on the running model: the set the supervisor hands a
 * restarted worker, its pruning at a reload, and each command applied to
 * the pool and the table at once. */
#include <stdlib.h>
#include <string.h>

#include "check/admin.h"
#include "check/engine_internal.h"
#include "common/clock.h"
#include "common/log.h"

/* The supervisor's copy, handed to a restarted worker: [[state, vs, rs], ...]. */
static void admin_load(struct check_engine *e)
{
        json_t *set = getenv(VIGIL_LVS_ADMIN_ENV) ? json_loads(getenv(VIGIL_LVS_ADMIN_ENV), 0, NULL) : NULL;
        size_t i;
        json_t *en;

        e->admin_loaded = true;
        json_array_foreach(set, i, en) {
                int st = check_admin_state_of_name(json_string_value(json_array_get(en, 0)));
                const char *vs = json_string_value(json_array_get(en, 1));
                const char *rs = json_string_value(json_array_get(en, 2));
                if (st > 0 && vs && rs && check_admin_set(&e->admin, vs, rs, (enum check_admin_state)st) == 0)
                        log_info("Restoring the operator's %s of real server %s of VS %s", check_admin_state_name(st),
                                 rs, vs);
        }
        json_decref(set);
}

static struct ck_rs *admin_find(struct check_engine *e, const char *vs, const char *rs)
{
        for (size_t i = 0; i < e->nvs; i++)
                if (!strcmp(e->vs[i].name, vs))
                        for (size_t r = 0; r < e->vs[i].nrs; r++)
                                if (!strcmp(e->vs[i].rs[r].name, rs))
                                        return &e->vs[i].rs[r];
        return NULL;
}

static bool admin_exists(void *ctx, const char *vs, const char *rs)
{
        return admin_find(ctx, vs, rs) != NULL;
}

static void admin_dropped(void *ctx, const struct check_admin_entry *en)
{
        (void)ctx;
        log_info("Dropping the operator's %s of real server %s of VS %s: no longer configured",
                 check_admin_state_name(en->state), en->rs, en->vs);
}

json_t *ck_admin_json(const struct check_engine *e)
{
        json_t *set = json_array();

        for (size_t i = 0; i < e->admin.n; i++)
                json_array_append_new(set, json_pack("[s,s,s]", check_admin_state_name(e->admin.v[i].state),
                                                     e->admin.v[i].vs, e->admin.v[i].rs));
        return set;
}

void ck_admin_attach(struct check_engine *e)
{
        if (!e->admin_loaded)
                admin_load(e);
        if (check_admin_prune(&e->admin, admin_exists, admin_dropped, e) && wctl_attached(&e->ctl))
                wctl_send(&e->ctl, json_pack("{s:o}", "lvs_admin", ck_admin_json(e)));
        for (size_t i = 0; i < e->nvs; i++)
                for (size_t r = 0; r < e->vs[i].nrs; r++)
                        e->vs[i].rs[r].admin = check_admin_get(&e->admin, e->vs[i].name, e->vs[i].rs[r].name);
}

void ck_admin_fill(struct ck_rs *rs, struct check_rs_input *in)
{
        check_admin_input(rs->admin, in);
        if (!rs->seen || rs->seen_alive != in->alive)
                rs->last_change = wall_usec();
        rs->seen = true;
        rs->seen_alive = in->alive;
}

int ck_admin_apply(struct ck_rs *rs, enum check_admin_state st)
{
        struct ck_vs *v = rs->vs;
        struct check_engine *e = v->e;
        int r = check_admin_set(&e->admin, v->name, rs->name, st);

        if (r < 0)
                return r;
        rs->admin = st;
        log_info("%s real server %s of VS %s (operator)",
                 st == CHECK_ADMIN_DRAINED ? "Draining" : st == CHECK_ADMIN_DISABLED ? "Disabling" : "Enabling",
                 rs->name, v->name);
        ck_vs_refresh(v, true);
        ck_table_apply(e, &e->current);
        return 0;
}
