/* An instance's lifecycle: open, sense, start, reconfigure, resume, stop,
 * close (instance.h gives the order). The engine and the reload call
 * only these; what an instance needs from its engine (the interface and
 * its shared sockets, the trackers, the nftables context, the operator's
 * demotes) is taken here, so neither replays a start-up sequence. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "net/nft.h"
#include "vrrp/demote.h"
#include "vrrp/dropwarn.h"
#include "vrrp/engine_internal.h"
#include "vrrp/instance.h"

static void add_refs(struct trackers *ts, struct vrrp_instance *vi, const conf_track_list *list, enum tracker_kind kind)
{
        const struct conf_track *t;

        CONF_FOREACH(t, list) {
                int r = trackers_ref(ts, kind, t, &vi->refs[vi->nrefs]);
                if (r < 0)
                        log_err("(%s) track_%s %s: %s; not tracked", vi->c->name, tracker_kind_name(kind), t->name,
                                strerror(-r));
                else
                        vi->nrefs++;
        }
}

/* An instance tracks what it lists and what its sync group lists, in the
 * engine's current tracker set. */
static int build_refs(struct vrrp_instance *vi, const struct conf *conf, struct trackers *ts)
{
        const struct conf_vrrp_instance *c = vi->c;
        const struct conf_sync_group *g = c->sync_group ? conf_find_sync_group(conf, c->sync_group) : NULL;
        const conf_track_list *lists[8] = { &c->track_script, &c->track_interface, &c->track_file,
                                            &c->track_process };
        const enum tracker_kind kinds[4] = { TK_SCRIPT, TK_IFACE, TK_FILE, TK_PROCESS };
        unsigned n = 0;

        if (g) {
                lists[4] = &g->track_script, lists[5] = &g->track_interface;
                lists[6] = &g->track_file, lists[7] = &g->track_process;
        }
        for (int k = 0; k < 8; k++)
                n += lists[k] ? lists[k]->count : 0;
        free(vi->refs);
        vi->nrefs = 0;
        vi->refs = calloc(n + 1, sizeof(*vi->refs));
        if (!vi->refs)
                return -ENOMEM;
        for (int k = 0; k < 8; k++)
                if (lists[k] && ts)
                        add_refs(ts, vi, lists[k], kinds[k % 4]);
        return 0;
}

int vrrp_instance_open(struct vrrp_instance *vi, struct engine *e, const struct conf_vrrp_instance *ci)
{
        struct iface_slot *slot = engine_iface_get(e, ci->interface ? ci->interface : "");
        struct vrrp_actions acts = { 0 };
        int r;

        if (!slot)
                return -ENODEV;
        r = vrrp_instance_setup(vi, e->conf, ci, &slot->ifc, e->nl);
        if (r < 0)
                return r;
        vi->prio_before_reconfigure = -1;
        /* before it starts: a restarted worker or instance must not win an election first */
        if (engine_demoted_has(e, ci->name)) {
                vrrp_fsm_demote(&vi->fsm, 0, true, &acts); /* INIT: no action */
                log_info("(%s) still demoted by the operator", ci->name);
        }
        if (!slot->missing) /* else link and source faults hold it until it appears */
                r = engine_iface_open(e, vi, slot);
        /* once per engine: opening it again would empty the drop set of
         * the masters a reload keeps */
        if (r == 0 && vi->no_accept && !e->nft && nft_no_accept_open(&e->nft) < 0)
                r = -EPROTONOSUPPORT;
        vi->nft = e->nft;
        if (build_refs(vi, e->conf, e->trackers) < 0 && r == 0)
                r = -ENOMEM;
        return r;
}

void vrrp_instance_sense(struct vrrp_instance *vi, int64_t now)
{
        struct vrrp_actions acts = { 0 };
        bool fault;
        long delta;

        trackers_eval(vi->refs, vi->nrefs, &fault, &delta);
        /* INIT: the FSM stores it, with no action */
        vrrp_fsm_set_priority(&vi->fsm, now, track_effective_priority(vi->c->priority, delta), &acts);
        if (fault)
                vi->faults |= VRRP_FAULT_TRACK;
        if (!vi->ifc->info.up && !vi->c->dont_track_primary)
                vi->faults |= VRRP_FAULT_LINK;
        if (vrrp_instance_setup_faulty(vi))
                vi->faults |= VRRP_FAULT_SETUP;
        if (vi->missing_dev[0])
                log_warn("(%s) interface %s of its virtual_ipaddress does not exist (yet); the instance stays in "
                         "FAULT until it appears (dynamic_interfaces)", vi->c->name, vi->missing_dev);
}

void vrrp_instance_start(struct vrrp_instance *vi, int64_t now)
{
        struct vrrp_actions acts = { 0 };

        vrrp_instance_remove_stale(vi);
        vrrp_fsm_start(&vi->fsm, now, vi->faults != 0, &acts);
        vrrp_instance_apply(vi, now, &acts);
}

/* The FSM's parameters as the configuration gives them. */
void vrrp_instance_fsm_params(const struct conf_vrrp_instance *ci, struct vrrp_fsm_params *ret)
{
        *ret = (struct vrrp_fsm_params){
                .version = ci->version,
                .priority = (uint8_t)ci->priority,
                .adver_int = ci->advert_int,
                .want_master = ci->state == STATE_MASTER,
                .nopreempt = ci->nopreempt,
                .preempt_delay = ci->preempt_delay,
                .down_timer_adverts = ci->down_timer_adverts,
                .lower_prio_no_advert = ci->lower_prio_no_advert,
                .higher_prio_send_advert = ci->higher_prio_send_advert,
                .sync_member = ci->sync_group != NULL,
                .lower_prio_takeover = ci->lower_prio_takeover,
        };
}

int vrrp_instance_reconfigure(struct vrrp_instance *vi, struct engine *e, const struct conf_vrrp_instance *ci,
                              enum conf_diff_action how, int64_t now)
{
        const struct conf *c = e->conf;

        vi->c = ci;
        if (how == CONF_DIFF_UPDATE) {
                struct vrrp_fsm_params p;
                struct vrrp_actions acts = { 0 };
                vrrp_instance_fsm_params(ci, &p);
                vi->prio_before_reconfigure = vi->fsm.prio;
                vrrp_fsm_reconfigure(&vi->fsm, now, &p, &acts); /* no action: see fsm.h */
                vi->garp_spacing = vi->family == AF_INET6 ? c->global.vrrp_gna_interval : c->global.vrrp_garp_interval;
                if (vi->garp_spacing < 0)
                        vi->garp_spacing = 0;
        }
        /* the references point into the engine's new tracker set */
        return build_refs(vi, c, e->trackers);
}

void vrrp_instance_resume(struct vrrp_instance *vi, int64_t now)
{
        int from = vi->prio_before_reconfigure;

        vi->prio_before_reconfigure = -1;
        vrrp_instance_track_update_from(vi, now, from);
}

void vrrp_instance_stop(struct vrrp_instance *vi, int64_t now, bool deleted)
{
        struct vrrp_actions acts = { 0 };

        vi->deleting = deleted;
        vrrp_fsm_stop(&vi->fsm, now, &acts);
        vrrp_instance_apply(vi, now, &acts);
}

static void vmac_slot_closed(uv_handle_t *h)
{
        free(h->data);
}

void vrrp_instance_vmac_close(struct vrrp_instance *vi)
{
        if (vi->vmac_slot) {
                uv_close((uv_handle_t *)&vi->vmac_slot->poll, vmac_slot_closed);
                vi->vmac_slot = NULL;
        }
        vrrp_instance_vmac_down(vi);
}

void vrrp_instance_close(struct vrrp_instance *vi)
{
        vrrp_instance_vmac_close(vi);
        dropwarn_free_instance(vi);
        free(vi->refs);
        vi->refs = NULL;
        vi->nrefs = 0;
        free(vi->addrs);
        vi->addrs = NULL;
}
