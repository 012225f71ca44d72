/* What a reload does to each instance, decided from the running and the
 * new configuration alone (pure: no engine, no sockets). The per-field
 * rules are conf/diff_kinds.c's table for vrrp_instance; on top of them,
 * a change of the multicast groups (the shared sockets join them)
 * restarts every instance that carries over. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/diff.h"
#include "vrrp/reload.h"

static bool groups_changed(const struct conf *a, const struct conf *b)
{
        return !conf_ip_equal(&a->global.vrrp_mcast_group4, &b->global.vrrp_mcast_group4) ||
               !conf_ip_equal(&a->global.vrrp_mcast_group6, &b->global.vrrp_mcast_group6);
}

static enum reload_action action_of(enum conf_diff_action a, bool regroup)
{
        switch (a) {
        case CONF_DIFF_KEEP: return regroup ? RELOAD_RESTARTED : RELOAD_KEPT;
        case CONF_DIFF_UPDATE: return regroup ? RELOAD_RESTARTED : RELOAD_UPDATED;
        case CONF_DIFF_RESTART: return RELOAD_RESTARTED;
        case CONF_DIFF_ADD: return RELOAD_ADDED;
        case CONF_DIFF_REMOVE: return RELOAD_REMOVED;
        }
        return RELOAD_RESTARTED;
}

static void count(struct reload_report *rep, enum reload_action a)
{
        switch (a) {
        case RELOAD_KEPT: rep->kept++; break;
        case RELOAD_UPDATED: rep->updated++; break;
        case RELOAD_RESTARTED: rep->restarted++; break;
        case RELOAD_ADDED: rep->added++; break;
        case RELOAD_REMOVED: rep->removed++; break;
        }
}

int reload_plan_make(const struct conf *oc, const struct conf *nc, struct reload_plan *ret_plan)
{
        struct reload_plan p = { 0 };
        bool regroup = groups_changed(oc, nc);
        struct conf_diff d;

        if (conf_diff_named(&conf_diff_vrrp_instance, oc->instances.first, nc->instances.first, &d) < 0)
                return -ENOMEM;
        p.steps = calloc(d.n ? d.n : 1, sizeof(*p.steps));
        if (!p.steps) {
                conf_diff_free(&d);
                return -ENOMEM;
        }
        /* instance names are the models' own strings, never d's buffers */
        for (size_t i = 0; i < d.n; i++) {
                p.steps[p.n] = (struct reload_step){ d.e[i].name, action_of(d.e[i].action, regroup) };
                count(&p.counts, p.steps[p.n++].action);
        }
        conf_diff_free(&d);
        *ret_plan = p;
        return 0;
}

void reload_plan_free(struct reload_plan *p)
{
        free(p->steps);
        p->steps = NULL;
        p->n = 0;
}

const char *reload_action_name(enum reload_action a)
{
        static const char *const names[] = { "kept", "updated", "restarted", "added", "removed" };

        return (unsigned)a < 5 ? names[a] : "?";
}

json_t *reload_plan_json(const struct reload_plan *p)
{
        const struct reload_report *r = &p->counts;
        json_t *steps = json_array();

        for (unsigned i = 0; i < p->n; i++)
                json_array_append_new(steps, json_pack("{s:s,s:s}", "instance", p->steps[i].name, "action",
                                                       reload_action_name(p->steps[i].action)));
        return json_pack("{s:{s:i,s:i,s:i,s:i,s:i},s:o}", "instances", "kept", r->kept, "updated", r->updated,
                         "restarted", r->restarted, "added", r->added, "removed", r->removed, "plan", steps);
}
