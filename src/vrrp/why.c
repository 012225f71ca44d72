/* Transition reasons in the log (see why.h). Operators grep keepalived's
 * lines, so those are kept word for word where keepalived has one. */
#include "vrrp/why.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "common/log.h"
#include "vrrp/track_probes.h"
#include "vrrp/track_rules.h"

/* Append "text" to buf, "; "-separated; truncation is harmless here. */
static void add(char *buf, size_t size, size_t *len, const char *text)
{
        int n;

        if (*len >= size)
                return;
        n = snprintf(buf + *len, size - *len, "%s%s", *len ? "; " : "", text);
        if (n > 0)
                *len += (size_t)n;
}

static void describe_tracker(const struct tracker *t, char *out, size_t size)
{
        switch (t->kind) {
        case TK_SCRIPT:
                snprintf(out, size, "VRRP_Script(%s) %s", t->name, t->up ? "succeeded (tracked in reverse)" : "failed");
                break;
        case TK_IFACE:
                snprintf(out, size, "tracked interface %s is %s", t->name, t->up ? "up (tracked in reverse)" : "down");
                break;
        case TK_FILE:
                snprintf(out, size, "track_file %s has value %ld", t->name, t->value);
                break;
        case TK_PROCESS:
                snprintf(out, size, "track_process %s: %u running, quorum %s", t->name, t->count,
                         t->up ? "reached (tracked in reverse)" : "lost");
                break;
        }
}

/* The trackers whose verdict is FAULT, by the same rule as trackers_eval. */
static void failing_trackers(const struct vrrp_instance *vi, char *buf, size_t size, size_t *len)
{
        for (unsigned i = 0; i < vi->nrefs; i++) {
                const struct tracker_ref *r = &vi->refs[i];
                const struct tracker *t = r->t;
                struct track_effect e;
                char one[160];

                if (!t || !t->known)
                        continue;
                e = t->kind == TK_FILE ? track_effect_file(t->value, r->weight, r->reverse)
                                       : track_effect_bool(t->up, r->weight, r->reverse);
                if (!e.fault)
                        continue;
                describe_tracker(t, one, sizeof(one));
                add(buf, size, len, one);
        }
}

void vrrp_why_fault(const struct vrrp_instance *vi, char *buf, size_t size)
{
        size_t len = 0;
        char one[160];

        buf[0] = 0;
        if (vi->faults & VRRP_FAULT_LINK) {
                snprintf(one, sizeof(one), "interface %s is down", vi->ifc->name);
                add(buf, size, &len, one);
        }
        if (vi->faults & VRRP_FAULT_TRACK)
                failing_trackers(vi, buf, size, &len);
        if (vi->faults & VRRP_FAULT_GROUP) {
                snprintf(one, sizeof(one), "another member of sync group %s is in FAULT",
                         vi->c->sync_group ? vi->c->sync_group : "?");
                add(buf, size, &len, one);
        }
        if (vi->faults & VRRP_FAULT_SETUP)
                add(buf, size, &len, vi->missing_dev[0] ? "an interface of its virtual_ipaddress is missing"
                                     : !vi->src.family ? "no source address on the interface"
                                                       : "no unicast peer");
        if (!len)
                snprintf(buf, size, "unknown");
}

static void why_master(const struct vrrp_instance *vi, const struct vrrp_action *a)
{
        const char *name = vi->c->name;
        char s[INET6_ADDRSTRLEN];

        switch (a->reason) {
        case REASON_MASTER_DOWN:
                log_info("(%s) Receive advertisement timeout (Master_Down timer expired)", name);
                break;
        case REASON_PRIORITY_ZERO:
                log_info("(%s) Receive advertisement timeout (Master_Down timer expired after a priority 0 advert)",
                         name);
                break;
        case REASON_SYNC:
                log_info("(%s) going MASTER with its sync group %s", name, vi->c->sync_group ? vi->c->sync_group : "?");
                break;
        case REASON_FAULT_CLEARED:
                log_info("(%s) fault cleared", name);
                break;
        case REASON_DEMOTED_TAKEOVER:
                log_warn("(%s) no master for Master_Down_Interval; taking over although demoted", name);
                break;
        case REASON_LOWER_PRIORITY:
                /* vigil's lower_prio_takeover, in the words of the lower-priority line below */
                log_info("(%s) Master %s advertised lower priority %u, ours %u: taking over after Skew_Time", name,
                         conf_ip_str(&vi->last_master, s, sizeof(s)), a->peer_priority, a->own_priority);
                break;
        case REASON_NONE:
        case REASON_STARTUP:
        case REASON_HIGHER_PRIORITY:
        case REASON_FAULT:
        case REASON_SHUTDOWN:
        case REASON_ADDRESS_DELETED: /* engine.c said "virtual address ... was removed" */
        case REASON_DEMOTE:          /* vrrp/ctl.c said "demoted by the operator" */
                break;
        }
}

static void why_backup(const struct vrrp_instance *vi, const struct vrrp_action *a)
{
        const char *name = vi->c->name;
        char s[INET6_ADDRSTRLEN];

        switch (a->reason) {
        case REASON_HIGHER_PRIORITY:
                conf_ip_str(&vi->last_master, s, sizeof(s));
                if (a->peer_priority == a->own_priority)
                        log_info("(%s) Master received advert from %s with same priority %u but higher IP address "
                                 "than ours", name, s, a->peer_priority);
                else
                        log_info("(%s) Master received advert from %s with higher priority %u, ours %u", name, s,
                                 a->peer_priority, a->own_priority);
                break;
        case REASON_SYNC:
                log_info("(%s) leaving MASTER with its sync group %s", name, vi->c->sync_group ? vi->c->sync_group : "?");
                break;
        case REASON_FAULT_CLEARED:
                log_info("(%s) fault cleared", name);
                break;
        case REASON_NONE:
        case REASON_STARTUP:
        case REASON_MASTER_DOWN:
        case REASON_PRIORITY_ZERO:
        case REASON_FAULT:
        case REASON_SHUTDOWN:
        case REASON_ADDRESS_DELETED:
        case REASON_DEMOTE:
        case REASON_DEMOTED_TAKEOVER:
        case REASON_LOWER_PRIORITY:
                break;
        }
}

void vrrp_why_transition(const struct vrrp_instance *vi, const struct vrrp_action *a)
{
        char why[512];

        switch (a->state) {
        case VRRP_MASTER:
                why_master(vi, a);
                break;
        case VRRP_BACKUP:
                why_backup(vi, a);
                break;
        case VRRP_FAULT:
                vrrp_why_fault(vi, why, sizeof(why));
                log_info("(%s) fault: %s", vi->c->name, why);
                break;
        case VRRP_INIT:
                break;
        }
}

void vrrp_why_lower_priority(const struct vrrp_instance *vi, const struct vrrp_action *a)
{
        char s[INET6_ADDRSTRLEN];

        log_info("(%s) Received advert from %s with lower priority %u, ours %u%s", vi->c->name,
                 conf_ip_str(&vi->last_master, s, sizeof(s)), a->peer_priority, a->own_priority,
                 vi->c->lower_prio_no_advert ? "" : ", forcing new election");
}

void vrrp_why_priority_zero(const struct vrrp_instance *vi)
{
        if (vi->fsm.state == VRRP_BACKUP)
                log_info("(%s) Backup received priority 0 advertisement", vi->c->name);
        else if (vi->fsm.state == VRRP_MASTER)
                log_info("(%s) Master received priority 0 message", vi->c->name);
}
