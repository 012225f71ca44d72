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
#include "conf/diff.h"
#include "vrrp/engine_internal.h"
#include "vrrp/reload.h"

static struct vrrp_instance *find_old(struct engine *e, const char *name)
{
        for (unsigned i = 0; i < e->ninst; i++)
                if (!strcmp(e->inst[i].c->name, name))
                        return &e->inst[i];
        return NULL;
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

static bool carries_over(enum reload_action a)
{
        return a == RELOAD_KEPT || a == RELOAD_UPDATED;
}

/* Stop the old instances that the plan does not carry over. */
static void stop_replaced(struct engine *e, const struct conf *nc, const struct reload_plan *plan, int64_t now)
{
        bool *carried = calloc(e->ninst ? e->ninst : 1, sizeof(*carried));
        const struct conf_vrrp_instance *ci;
        unsigned j = 0;

        CONF_FOREACH(ci, &nc->instances) {
                struct vrrp_instance *old = find_old(e, ci->name);
                if (old && carries_over(plan->steps[j].action) && carried)
                        carried[old - e->inst] = true;
                j++;
        }
        for (unsigned i = 0; i < e->ninst; i++)
                if (!carried || !carried[i]) {
                        vrrp_instance_stop(&e->inst[i], now, conf_find_instance(nc, e->inst[i].c->name) == NULL);
                        vrrp_instance_close(&e->inst[i]);
                }
        free(carried);
}

/* The new instance array: carried instances moved in and reconfigured,
 * the others opened (in the new configuration and tracker set). */
static struct vrrp_instance *build(struct engine *e, const struct conf *nc, const struct reload_plan *plan,
                                   int64_t now)
{
        struct vrrp_instance *ni = calloc(nc->instances.count ? nc->instances.count : 1, sizeof(*ni));
        const struct conf_vrrp_instance *ci;
        unsigned j = 0;

        if (!ni)
                return NULL;
        CONF_FOREACH(ci, &nc->instances) {
                const struct vrrp_instance *old = find_old(e, ci->name);
                if (old && carries_over(plan->steps[j].action)) {
                        ni[j] = *old;
                        vrrp_instance_reconfigure(&ni[j], e, ci,
                                                  plan->steps[j].action == RELOAD_UPDATED ? CONF_DIFF_UPDATE
                                                                                           : CONF_DIFF_KEEP, now);
                } else if (vrrp_instance_open(&ni[j], e, ci) < 0) {
                        log_err("(%s) cannot start after the reload", ci->name);
                }
                j++;
        }
        return ni;
}

/* The VRID index, the trackers' state carried over from the old set
 * (for unchanged ones), and the notifications. */
static void rewire(struct engine *e, struct trackers *ots, struct vrrp_events *nev)
{
        struct vrrp_events *oev = e->events;

        engine_index(e);
        trackers_adopt(e->trackers, ots);
        trackers_release(ots);
        vrrp_events_init(nev, &e->loop, e->conf, e->inst, e->ninst);
        vrrp_events_succeed(nev, oev);
        e->events = nev;
}

int engine_reload_plan(const struct engine *e, const struct conf *nc, struct reload_plan *ret_plan)
{
        return reload_plan_make(e->conf, nc, ret_plan);
}

int engine_reload(struct engine *e, struct conf *nc, struct reload_plan *ret_plan)
{
        struct conf *oc = e->conf;
        struct vrrp_events *oev = e->events, *nev = calloc(1, sizeof(*nev));
        struct trackers *ots = e->trackers;
        unsigned n = nc->instances.count;
        struct reload_plan plan;
        struct vrrp_instance *ni;
        int64_t now = mono_usec();

        if (!nev || reload_plan_make(oc, nc, &plan) < 0) {
                free(nev);
                return -1;
        }
        stop_replaced(e, nc, &plan, now);
        if (!conf_diff_statics_equal(oc, nc)) {
                engine_static_addresses(e, oc, false);
                engine_static_addresses(e, nc, true);
        }
        e->conf = nc;
        engine_demoted_prune(e); /* before build(): a removed instance added back later starts undemoted */
        e->trackers = engine_new_trackers(e);
        ni = build(e, nc, &plan, now);
        free(e->inst);
        e->inst = ni;
        e->ninst = ni ? n : 0;
        rewire(e, ots, nev);
        retire(e, oc, oev);
        for (unsigned i = 0; i < e->ninst; i++) {
                if (carries_over(plan.steps[i].action)) {
                        vrrp_instance_resume(&ni[i], now);
                } else {
                        vrrp_instance_sense(&ni[i], now);
                        vrrp_instance_start(&ni[i], now);
                }
        }
        vrrp_events_start(nev);
        trackers_start(e->trackers);
        engine_rearm(e);
        if (ret_plan)
                *ret_plan = plan;
        else
                reload_plan_free(&plan);
        return 0;
}
