#include "vrrp/status.h"

#include <arpa/inet.h>

#include "common/addr.h"
#include "vrrp/track_rules.h"

static json_t *ip_json(const struct conf_ip *ip)
{
        char s[INET6_ADDRSTRLEN];

        return ip->family ? json_string(conf_ip_str(ip, s, sizeof(s))) : json_null();
}

static json_t *vips(const conf_ipaddress_list *list)
{
        json_t *a = json_array();
        const struct conf_ipaddress *x;
        char s[INET6_ADDRSTRLEN + 8];

        CONF_FOREACH(x, list) {
                char ip[INET6_ADDRSTRLEN];
                snprintf(s, sizeof(s), "%s/%u", conf_ip_str(&x->addr, ip, sizeof(ip)), x->prefixlen);
                json_array_append_new(a, json_string(s));
        }
        return a;
}

static json_t *faults(unsigned bits)
{
        static const char *const names[] = { "link", "tracker", "sync_group", "setup" };
        json_t *a = json_array();

        for (unsigned i = 0; i < 4; i++)
                if (bits & (1u << i))
                        json_array_append_new(a, json_string(names[i]));
        return a;
}

static json_t *counters(const struct vrrp_instance *vi)
{
        const struct vrrp_instance_stats *st = &vi->st;
        json_t *drops = json_object();

        for (int d = 0; d < DROP_N; d++)
                json_object_set_new(drops, vrrp_drop_name(d), json_integer((json_int_t)st->drops[d]));
        return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "transitions", (json_int_t)st->transitions,
                         "adverts_received", (json_int_t)st->adverts_rx,
                         "adverts_sent", (json_int_t)st->adverts_tx, "priority_zero_received",
                         (json_int_t)st->prio0_rx, "priority_zero_sent", (json_int_t)st->prio0_tx,
                         "became_master", (json_int_t)st->became_master, "released_master",
                         (json_int_t)st->released_master, "address_list_mismatch",
                         (json_int_t)st->addr_list_mismatch, "checksum_as_v2_received",
                         (json_int_t)st->csum_as_v2_rx, "drops", drops);
}

static struct track_effect effect_of(const struct tracker_ref *r)
{
        const struct tracker *t = r->t;

        if (!t->known)
                return (struct track_effect){ 0 };
        return t->kind == TK_FILE ? track_effect_file(t->value, r->weight, r->reverse)
                                  : track_effect_bool(t->up, r->weight, r->reverse);
}

/* The last result in keepalived's words where it has them. */
static json_t *last_result(const struct tracker *t)
{
        char buf[64];

        if (t->kind == TK_SCRIPT) {
                if (t->timed_out)
                        return json_string("timed out");
                if (t->last_exit < 0)
                        return json_string(t->runs ? "could not be started" : "not run yet");
                /* a script may exit 130 itself: the signal is kept apart */
                return json_string(track_script_ending(t->last_exit, t->last_signal, buf, sizeof(buf)));
        }
        if (t->kind == TK_FILE)
                return json_sprintf("value %ld", t->value);
        if (t->kind == TK_PROCESS)
                return json_sprintf("%u running, quorum %s", t->count, t->up ? "reached" : "lost");
        if (!t->ifindex)
                return json_string("no such interface");
        return json_string(t->up ? "up" : "down");
}

static json_t *tracker_json(const struct tracker_ref *r)
{
        const struct tracker *t = r->t;
        json_t *o = json_pack("{s:s,s:s,s:i,s:b,s:o,s:o,s:o}", "name", t->name, "kind", tracker_kind_name(t->kind),
                              "weight", r->weight, "reverse", r->reverse, "status",
                              !t->known                ? json_string("unknown")
                              : t->kind == TK_FILE ? json_integer(t->value)
                                                   : json_string(t->up ? "up" : "down"),
                              "last_result", last_result(t), "last_change",
                              t->changed_wall ? json_real((double)t->changed_wall / 1e6) : json_null());

        if (t->kind == TK_SCRIPT)
                json_object_set_new(o, "runs", json_pack("{s:I,s:I,s:I,s:I,s:i}", "total", (json_int_t)t->runs,
                                                         "failed", (json_int_t)t->failures, "timed_out",
                                                         (json_int_t)t->timeouts, "skipped", (json_int_t)t->skipped,
                                                         "last_exit", t->last_exit));
        if (t->kind == TK_PROCESS)
                json_object_set_new(o, "processes", json_integer(t->count));
        return o;
}

static json_t *trackers(const struct vrrp_instance *vi)
{
        json_t *a = json_array();

        for (unsigned i = 0; i < vi->nrefs; i++)
                json_array_append_new(a, tracker_json(&vi->refs[i]));
        return a;
}

static json_t *reason(const char *kind, const char *name, json_t *detail, const char *effect)
{
        return json_pack("{s:s,s:s,s:o,s:s}", "kind", kind, "name", name, "detail", detail, "effect", effect);
}

/* Why an instance is in FAULT or below its base priority: the interface,
 * each tracker that takes it down or lowers it, the sync group, the setup. */
static json_t *fault_reasons(const struct vrrp_instance *vi)
{
        json_t *a = json_array();

        if (vi->faults & VRRP_FAULT_LINK)
                json_array_append_new(a, reason("interface", vi->ifc->name, json_string("down"), "fault"));
        for (unsigned i = 0; i < vi->nrefs; i++) {
                struct track_effect e = effect_of(&vi->refs[i]);
                char effect[32];
                if (!e.fault && e.delta >= 0)
                        continue;
                snprintf(effect, sizeof(effect), e.fault ? "fault" : "priority %d", e.delta);
                json_array_append_new(a, reason(tracker_kind_name(vi->refs[i].t->kind), vi->refs[i].t->name,
                                                last_result(vi->refs[i].t), effect));
        }
        if ((vi->faults & VRRP_FAULT_GROUP) && vi->c->sync_group)
                json_array_append_new(a, reason("sync_group", vi->c->sync_group,
                                                json_string("another member is in FAULT"), "fault"));
        if (vi->faults & VRRP_FAULT_SETUP)
                json_array_append_new(a, reason("setup", vi->missing_dev[0] ? vi->missing_dev : vi->c->name,
                                                json_string(vi->missing_dev[0] ? "interface of a virtual_ipaddress "
                                                                              "does not exist"
                                                                            : "no source address, or unicast "
                                                                              "without a peer"),
                                                "fault"));
        return a;
}

/* Durations are integers of a named unit: no float noise in the JSON. */
static json_t *timers(const struct vrrp_instance *vi)
{
        const struct vrrp_fsm *f = &vi->fsm;

        return json_pack("{s:I,s:I,s:I,s:I}", "advert_interval_us", (json_int_t)f->p.adver_int,
                         "master_advert_interval_us", (json_int_t)f->master_adver_int, "skew_time_us",
                         (json_int_t)vrrp_skew_time(f), "master_down_interval_us",
                         (json_int_t)vrrp_master_down_interval(f));
}

json_t *vrrp_instance_status(const struct vrrp_instance *vi, bool detail)
{
        const struct vrrp_fsm *f = &vi->fsm;
        const struct conf_ip *master = f->state == VRRP_MASTER ? &vi->src : &vi->last_master;
        json_t *o = json_pack(
                "{s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:o,s:o,s:o,s:{s:f,s:s,s:s}}", "name", vi->c->name, "state",
                vrrp_state_name(f->state), "interface", vi->ifc->name, "vrid", vi->c->virtual_router_id, "version",
                vi->c->version, "base_priority", vi->c->priority, "effective_priority", f->prio, "vips",
                vips(&vi->c->virtual_ipaddress), "master", f->state == VRRP_FAULT ? json_null() : ip_json(master),
                "faults", faults(vi->faults), "last_transition", "time", (double)vi->entered_state_wall / 1e6, "from",
                vrrp_state_name(vi->prev_state), "reason", vrrp_reason_name(vi->last_reason));

        json_object_set_new(o, "demoted", json_boolean(f->demoted));
        json_object_set_new(o, "sync_group", vi->c->sync_group ? json_string(vi->c->sync_group) : json_null());
        json_object_set_new(o, "fault_reasons", fault_reasons(vi));
        if (detail) {
                json_object_set_new(o, "timers", timers(vi));
                json_object_set_new(o, "counters", counters(vi));
                json_object_set_new(o, "trackers", trackers(vi));
        }
        return o;
}

/* The drops counted before an instance is known, per interface: what
 * engine.c:dispatch keeps. Interfaces are those the instances run on. */
static json_t *iface_counters(const struct vrrp_iface *ifc)
{
        json_t *c = json_object();

        for (int r = VRRP_DEC_OK + 1; r < VRRP_DEC_N_RESULTS; r++)
                json_object_set_new(c, vrrp_decode_result_name(r), json_integer((json_int_t)ifc->rx_errors[r]));
        json_object_set_new(c, "bad_ip_header", json_integer((json_int_t)ifc->rx_bad_ip));
        json_object_set_new(c, "bad_ah", json_integer((json_int_t)ifc->rx_bad_ah));
        json_object_set_new(c, "unknown_vrid", json_integer((json_int_t)ifc->rx_unknown_vrid));
        return c;
}

json_t *vrrp_status_interfaces(const struct vrrp_instance *inst, unsigned n)
{
        json_t *a = json_array();

        for (unsigned i = 0; i < n; i++) {
                bool seen = false;
                for (unsigned j = 0; j < i && !seen; j++)
                        seen = inst[j].ifc == inst[i].ifc;
                if (!seen && inst[i].ifc)
                        json_array_append_new(a, json_pack("{s:s,s:o}", "name", inst[i].ifc->name, "counters",
                                                           iface_counters(inst[i].ifc)));
        }
        return a;
}

json_t *vrrp_status(const struct vrrp_instance *inst, unsigned n, const struct vrrp_events *ev)
{
        json_t *list = json_array(), *groups = json_array(), *o;

        for (unsigned i = 0; i < n; i++)
                json_array_append_new(list, vrrp_instance_status(&inst[i], true));
        for (unsigned g = 0; ev && g < ev->ngroups; g++) {
                json_t *members = json_array();
                for (unsigned m = 0; m < ev->groups[g].n; m++)
                        json_array_append_new(members, json_string(ev->groups[g].members[m]->c->name));
                json_array_append_new(groups, json_pack("{s:s,s:s,s:o}", "name", ev->groups[g].c->name, "state",
                                                        vrrp_state_name(ev->groups[g].state), "members", members));
        }
        o = json_pack("{s:o,s:o}", "instances", list, "groups", groups);
        json_object_set_new(o, "interfaces", vrrp_status_interfaces(inst, n));
        return o;
}

json_t *vrrp_status_counts(const struct vrrp_instance *inst, unsigned n)
{
        unsigned by_state[VRRP_FAULT + 1] = { 0 };

        for (unsigned i = 0; i < n; i++)
                if (inst[i].fsm.state <= VRRP_FAULT)
                        by_state[inst[i].fsm.state]++;
        return json_pack("{s:i,s:i,s:i,s:i}", "instances", n, "master", by_state[VRRP_MASTER], "backup",
                         by_state[VRRP_BACKUP], "fault", by_state[VRRP_FAULT]);
}

json_t *vrrp_event_json(const struct vrrp_instance *vi, const struct vrrp_action *a)
{
        if (a->kind == ACT_STATE)
                return json_pack("{s:s,s:s,s:s,s:s,s:s,s:i}", "event", "transition", "instance", vi->c->name, "from",
                                 vrrp_state_name(vi->prev_state), "to", vrrp_state_name(a->state), "reason",
                                 vrrp_reason_name(a->reason), "priority", vi->fsm.prio);
        if (a->kind == ACT_LOWER_PRIO_SEEN)
                return json_pack("{s:s,s:s,s:i}", "event", "lower_priority_seen", "instance", vi->c->name,
                                 "priority", a->priority);
        return NULL;
}
