/* What a reload does to each instance, decided from the running and the
 * new configuration alone (pure: no engine, no sockets):
 *
 * - identical: kept;
 * - changed only in the keys listed in in_place: updated in place;
 * - changed otherwise, or the multicast groups changed (the shared sockets
 *   join them), or it becomes or stops being the address owner: restarted;
 * - only in the new file: added; only in the old one: removed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/dump.h"
#include "vrrp/reload.h"

/* Keys of an instance's configuration that can change in place. */
static const char *const in_place[] = {
        "priority", "nopreempt", "preempt_delay", "track_interface", "track_script", "track_file", "track_process",
        "smtp_alert", "notify_priority_changes", "garp_master_delay", "garp_master_repeat", "garp_master_refresh",
        "garp_master_refresh_repeat", "garp_lower_prio_delay", "garp_lower_prio_repeat", "lower_prio_no_advert",
        "higher_prio_send_advert", "notify", "notify_master", "notify_backup", "notify_fault", "notify_stop",
        "notify_deleted", "notify_master_rx_lower_pri", "state",
};

static bool owner_change(const struct conf_vrrp_instance *a, const struct conf_vrrp_instance *b)
{
        return (a->priority == 255) != (b->priority == 255);
}

static enum reload_action compare(const struct conf_vrrp_instance *old, const struct conf_vrrp_instance *nu,
                                  bool sockets_changed)
{
        json_t *a = conf_instance_to_json(old), *b = conf_instance_to_json(nu);
        enum reload_action f = RELOAD_KEPT;

        if (sockets_changed) {
                f = RELOAD_RESTARTED;
        } else if (!json_equal(a, b)) {
                for (size_t i = 0; i < sizeof(in_place) / sizeof(in_place[0]); i++) {
                        json_object_del(a, in_place[i]);
                        json_object_del(b, in_place[i]);
                }
                f = json_equal(a, b) && !owner_change(old, nu) ? RELOAD_UPDATED : RELOAD_RESTARTED;
        }
        json_decref(a);
        json_decref(b);
        return f;
}

static bool groups_changed(const struct conf *a, const struct conf *b)
{
        return memcmp(&a->global.vrrp_mcast_group4, &b->global.vrrp_mcast_group4, sizeof(struct conf_ip)) ||
               memcmp(&a->global.vrrp_mcast_group6, &b->global.vrrp_mcast_group6, sizeof(struct conf_ip));
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
        size_t cap = (size_t)oc->instances.count + nc->instances.count;
        struct reload_plan p = { .steps = calloc(cap ? cap : 1, sizeof(*p.steps)) };
        bool regroup = groups_changed(oc, nc);
        const struct conf_vrrp_instance *ci;

        if (!p.steps)
                return -ENOMEM;
        CONF_FOREACH(ci, &nc->instances) {
                const struct conf_vrrp_instance *old = conf_find_instance(oc, ci->name);
                p.steps[p.n] = (struct reload_step){ ci->name, !old ? RELOAD_ADDED : compare(old, ci, regroup) };
                count(&p.counts, p.steps[p.n++].action);
        }
        CONF_FOREACH(ci, &oc->instances) {
                if (conf_find_instance(nc, ci->name))
                        continue;
                p.steps[p.n++] = (struct reload_step){ ci->name, RELOAD_REMOVED };
                p.counts.removed++;
        }
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
