/* Hitless reload (reference §4.3, done better): the new configuration is
 * compared instance by instance with the running one.
 *
 * - identical: the running instance carries on untouched: same state, same
 *   timers, no advert missed, no notification;
 * - changed only in priority, preemption, trackers, notifications, GARP or
 *   alert settings: updated in place (a new priority goes out with the next
 *   advert, and may of course win or lose the next election);
 * - changed otherwise (addresses, VRID, interface, timers, authentication,
 *   ...): stopped gracefully and started again;
 * - gone: stopped gracefully (priority 0 if MASTER, addresses removed);
 * - new: started.
 *
 * Trackers whose definition did not change keep their state, so a reload
 * does not re-run the rise/fall history. */
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"
#include "conf/dump.h"
#include "vrrp/engine_internal.h"
#include "vrrp/reload.h"

enum fate { KEEP, UPDATE, RESTART, ADD };

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

static enum fate compare(const struct conf_vrrp_instance *old, const struct conf_vrrp_instance *nu, bool sockets_changed)
{
        json_t *a = conf_instance_to_json(old), *b = conf_instance_to_json(nu);
        enum fate f = KEEP;

        if (sockets_changed) {
                f = RESTART;
        } else if (!json_equal(a, b)) {
                for (size_t i = 0; i < sizeof(in_place) / sizeof(in_place[0]); i++) {
                        json_object_del(a, in_place[i]);
                        json_object_del(b, in_place[i]);
                }
                f = json_equal(a, b) && !owner_change(old, nu) ? UPDATE : RESTART;
        }
        json_decref(a);
        json_decref(b);
        return f;
}

/* The multicast groups are joined by the shared sockets: a change there
 * restarts everything. */
static bool groups_changed(const struct conf *a, const struct conf *b)
{
        return memcmp(&a->global.vrrp_mcast_group4, &b->global.vrrp_mcast_group4, sizeof(struct conf_ip)) ||
               memcmp(&a->global.vrrp_mcast_group6, &b->global.vrrp_mcast_group6, sizeof(struct conf_ip));
}

static bool statics_changed(const struct conf *a, const struct conf *b)
{
        static const char *const keys[] = { "static_ipaddress", "static_routes", "static_rules" };
        json_t *ja = conf_to_json(a), *jb = conf_to_json(b);
        bool changed = false;

        for (size_t i = 0; i < 3; i++)
                changed |= !json_equal(json_object_get(ja, keys[i]), json_object_get(jb, keys[i]));
        json_decref(ja);
        json_decref(jb);
        return changed;
}

static struct vrrp_instance *find_old(struct engine *e, const char *name)
{
        for (unsigned i = 0; i < e->ninst; i++)
                if (!strcmp(e->inst[i].c->name, name))
                        return &e->inst[i];
        return NULL;
}

static void stop_one(struct engine *e, struct vrrp_instance *vi, int64_t now)
{
        struct vrrp_actions acts = { 0 };

        vrrp_fsm_stop(&vi->fsm, now, &acts);
        vrrp_instance_apply(vi, now, &acts);
        engine_close_instance(e, vi);
}

static void update_in_place(struct vrrp_instance *vi, const struct conf *c, const struct conf_vrrp_instance *ci)
{
        struct vrrp_fsm_params *p = &vi->fsm.p;

        vi->c = ci;
        p->priority = (uint8_t)ci->priority;
        p->nopreempt = ci->nopreempt;
        p->preempt_delay = ci->preempt_delay;
        p->lower_prio_no_advert = ci->lower_prio_no_advert;
        p->higher_prio_send_advert = ci->higher_prio_send_advert;
        vi->garp_spacing = vi->family == AF_INET6 ? c->global.vrrp_gna_interval : c->global.vrrp_garp_interval;
        if (vi->garp_spacing < 0)
                vi->garp_spacing = 0;
}

/* Things the old set still needs until its scripts end. */
struct retired {
        struct conf *conf;
        struct vrrp_events *events;
        uv_timer_t timer;
};

static void retired_closed(uv_handle_t *h)
{
        struct retired *r = h->data;

        conf_free(r->conf);
        free(r);
}

static void retired_check(uv_timer_t *t)
{
        struct retired *r = t->data;

        if (!vrrp_events_idle(r->events))
                return;
        vrrp_events_free(r->events);
        free(r->events);
        uv_close((uv_handle_t *)t, retired_closed);
}

static void retire(struct engine *e, struct conf *conf, struct vrrp_events *events)
{
        struct retired *r = calloc(1, sizeof(*r));

        if (!r)
                return; /* leak rather than free what a script may still use */
        r->conf = conf;
        r->events = events;
        uv_timer_init(&e->loop, &r->timer);
        r->timer.data = r;
        uv_timer_start(&r->timer, retired_check, 100, 100);
}

static void count(struct reload_report *rep, enum fate f)
{
        switch (f) {
        case KEEP: rep->kept++; break;
        case UPDATE: rep->updated++; break;
        case RESTART: rep->restarted++; break;
        case ADD: rep->added++; break;
        }
}

/* Decide each new instance's fate; stop the old ones that do not carry over. */
static void decide(struct engine *e, struct conf *nc, enum fate *fate, struct reload_report *rep, int64_t now)
{
        bool *carried = calloc(e->ninst ? e->ninst : 1, sizeof(*carried));
        bool regroup = groups_changed(e->conf, nc);
        const struct conf_vrrp_instance *ci;
        unsigned j = 0;

        CONF_FOREACH(ci, &nc->instances) {
                struct vrrp_instance *old = find_old(e, ci->name);
                fate[j] = !old ? ADD : compare(old->c, ci, regroup);
                if (old && fate[j] != RESTART && carried)
                        carried[old - e->inst] = true;
                count(rep, fate[j]);
                j++;
        }
        for (unsigned i = 0; i < e->ninst; i++)
                if (!carried || !carried[i]) {
                        e->inst[i].deleting = conf_find_instance(nc, e->inst[i].c->name) == NULL;
                        rep->removed += e->inst[i].deleting;
                        stop_one(e, &e->inst[i], now);
                }
        free(carried);
}

/* The new instance array: carried instances moved in, the others opened. */
static struct vrrp_instance *build(struct engine *e, const struct conf *nc, const enum fate *fate)
{
        struct vrrp_instance *ni = calloc(nc->instances.count ? nc->instances.count : 1, sizeof(*ni));
        const struct conf_vrrp_instance *ci;
        unsigned j = 0;

        if (!ni)
                return NULL;
        CONF_FOREACH(ci, &nc->instances) {
                const struct vrrp_instance *old = find_old(e, ci->name);
                if (old && (fate[j] == KEEP || fate[j] == UPDATE)) {
                        ni[j] = *old;
                        if (fate[j] == UPDATE)
                                update_in_place(&ni[j], nc, ci);
                        else
                                ni[j].c = ci;
                } else if (engine_open_instance(e, &ni[j], ci) < 0) {
                        log_err("(%s) cannot start after the reload", ci->name);
                }
                j++;
        }
        return ni;
}

/* New trackers (keeping the state of unchanged ones) and notifications. */
static void rewire(struct engine *e, struct trackers *ots, struct vrrp_events *nev)
{
        struct vrrp_events *oev = e->events;

        engine_index(e);
        for (unsigned i = 0; i < e->ninst; i++)
                engine_build_refs(e, &e->inst[i]);
        trackers_adopt(e->trackers, ots);
        trackers_release(ots);
        vrrp_events_init(nev, &e->loop, e->conf, e->inst, e->ninst);
        vrrp_events_succeed(nev, oev);
        e->events = nev;
}

int engine_reload(struct engine *e, struct conf *nc, struct reload_report *rep)
{
        struct conf *oc = e->conf;
        struct vrrp_events *oev = e->events, *nev = calloc(1, sizeof(*nev));
        struct trackers *ots = e->trackers;
        unsigned n = nc->instances.count;
        enum fate *fate = calloc(n ? n : 1, sizeof(*fate));
        struct vrrp_instance *ni;
        int64_t now = mono_usec();

        memset(rep, 0, sizeof(*rep));
        if (!nev || !fate) {
                free(nev), free(fate);
                return -1;
        }
        decide(e, nc, fate, rep, now);
        if (statics_changed(oc, nc)) {
                engine_static_addresses(e, oc, false);
                engine_static_addresses(e, nc, true);
        }
        e->conf = nc;
        e->trackers = engine_new_trackers(e);
        ni = build(e, nc, fate);
        free(e->inst);
        e->inst = ni;
        e->ninst = ni ? n : 0;
        rewire(e, ots, nev);
        retire(e, oc, oev);
        for (unsigned i = 0; i < e->ninst; i++) {
                if (fate[i] == KEEP || fate[i] == UPDATE) {
                        vrrp_instance_track_update(&ni[i], now);
                } else {
                        engine_initial_inputs(&ni[i]);
                        engine_start_instance(&ni[i], now);
                }
        }
        vrrp_events_start(nev);
        trackers_start(e->trackers);
        engine_rearm(e);
        free(fate);
        return 0;
}
