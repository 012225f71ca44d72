/* The VRRP state machine. Reading guide: each event handler switches on the
 * current state; become_master() and become_backup() are the only places
 * that enter those states, enter_fault() the only one entering FAULT. */
#include "vrrp/fsm.h"

#include <string.h>

/* The action appended, for the callers that add the priorities; a scratch
 * copy when the list is full (cannot happen: no event emits more than six). */
static struct vrrp_action *emit(struct vrrp_actions *out, enum vrrp_action_kind kind, uint8_t prio,
                                enum vrrp_state st, enum vrrp_reason reason)
{
        struct vrrp_action *a = out->n < VRRP_MAX_ACTIONS ? &out->a[out->n++] : &out->overflow;

        *a = (struct vrrp_action){ .kind = kind, .priority = prio, .state = st, .reason = reason };
        return a;
}

static void send_advert(struct vrrp_fsm *f, struct vrrp_actions *out, uint8_t prio)
{
        f->adv_prio = prio;
        emit(out, ACT_SEND_ADVERT, prio, VRRP_INIT, REASON_NONE);
}

static struct vrrp_action *announce(struct vrrp_fsm *f, struct vrrp_actions *out, enum vrrp_reason reason)
{
        struct vrrp_action *a = emit(out, ACT_STATE, 0, f->state, reason);

        a->own_priority = f->prio;
        if (reason == REASON_HIGHER_PRIORITY)
                a->peer_priority = f->master_prio;
        else if (reason == REASON_LOWER_PRIORITY)
                a->peer_priority = f->lower_prio;
        return a;
}

void vrrp_fsm_init(struct vrrp_fsm *f, const struct vrrp_fsm_params *p)
{
        memset(f, 0, sizeof(*f));
        f->p = *p;
        if (!f->p.down_timer_adverts)
                f->p.down_timer_adverts = 3;
        f->state = VRRP_INIT;
        f->prio = p->priority;
        f->master_adver_int = p->adver_int;
}

bool vrrp_fsm_is_owner(const struct vrrp_fsm *f)
{
        return f->p.priority == VRRP_PRIO_OWNER;
}

/* Demoted (carp's demotion): the lowest priority there is, in what we
 * advertise and in every comparison, so any live peer wins; but still a
 * router, so that with no peer at all the VIPs are not left unserved. */
#define DEMOTED_PRIO 1

static uint8_t election_prio(const struct vrrp_fsm *f)
{
        return f->demoted ? DEMOTED_PRIO : f->prio;
}

int64_t vrrp_skew_time(const struct vrrp_fsm *f)
{
        int64_t weight = 256 - (int64_t)election_prio(f);

        if (f->p.version == 2)
                return weight * USEC_PER_SEC / 256;
        return weight * f->master_adver_int / 256;
}

int64_t vrrp_master_down_interval(const struct vrrp_fsm *f)
{
        return (int64_t)f->p.down_timer_adverts * f->master_adver_int + vrrp_skew_time(f);
}

int64_t vrrp_fsm_next_deadline(const struct vrrp_fsm *f)
{
        int64_t d = 0;

        if (f->down_at)
                d = f->down_at;
        if (f->adver_at && (!d || f->adver_at < d))
                d = f->adver_at;
        return d;
}

static void become_master(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out, enum vrrp_reason reason)
{
        f->state = VRRP_MASTER;
        f->wants_master = false;
        if (vrrp_fsm_is_owner(f))
                f->prio = VRRP_PRIO_OWNER; /* the other owner is gone */
        f->down_at = 0;
        f->preempt_at = 0;
        f->master_adver_int = f->p.adver_int;
        /* The advert goes first so that the old master lets go of the addresses. */
        send_advert(f, out, election_prio(f));
        emit(out, ACT_ADD_ADDRESSES, 0, VRRP_MASTER, reason);
        emit(out, ACT_GARP, 0, VRRP_MASTER, reason);
        f->adver_at = now + f->p.adver_int;
        announce(f, out, reason);
}

/* down_in: how long until the master is declared down. */
static struct vrrp_action *become_backup(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out,
                                         enum vrrp_reason reason, int64_t down_in)
{
        if (f->state == VRRP_MASTER)
                emit(out, ACT_DEL_ADDRESSES, 0, VRRP_BACKUP, reason);
        f->state = VRRP_BACKUP;
        f->wants_master = false;
        f->lower_prio = 0;
        f->adver_at = 0;
        f->down_at = now + down_in;
        return announce(f, out, reason);
}

static void resign_master(struct vrrp_fsm *f, struct vrrp_actions *out)
{
        send_advert(f, out, VRRP_PRIO_STOP);
        emit(out, ACT_DEL_ADDRESSES, 0, f->state, REASON_NONE);
}

static void enter_fault(struct vrrp_fsm *f, struct vrrp_actions *out, enum vrrp_reason reason)
{
        if (f->state == VRRP_MASTER)
                resign_master(f, out);
        f->state = VRRP_FAULT;
        f->down_at = f->adver_at = f->preempt_at = 0;
        announce(f, out, reason);
}

void vrrp_fsm_start(struct vrrp_fsm *f, int64_t now, bool faulty, struct vrrp_actions *out)
{
        f->fault = faulty;
        if (faulty)
                enter_fault(f, out, REASON_STARTUP);
        else if (vrrp_fsm_is_owner(f) && !f->demoted)
                become_master(f, now, out, REASON_STARTUP);
        else
                /* keepalived: a non-owner starts as BACKUP even with state MASTER. */
                become_backup(f, now, out, REASON_STARTUP, vrrp_master_down_interval(f));
}

void vrrp_fsm_stop(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out)
{
        (void)now;
        if (f->state == VRRP_INIT)
                return;
        if (f->state == VRRP_MASTER)
                resign_master(f, out);
        f->state = VRRP_INIT;
        f->down_at = f->adver_at = f->preempt_at = 0;
        announce(f, out, REASON_SHUTDOWN);
}

/* Demoted, we compare at priority 1: every peer above it wins, and between
 * two demoted routers the higher address does, as for any tie, or both
 * would yield to each other's adverts and flap. */
static bool beats_us(const struct vrrp_fsm *f, const struct vrrp_rx *rx)
{
        uint8_t ours = election_prio(f);

        return rx->priority > ours || (rx->priority == ours && rx->src_cmp > 0);
}

static void adopt_master(struct vrrp_fsm *f, int64_t now, const struct vrrp_rx *rx)
{
        if (f->p.version == 3 && rx->adver_int > 0)
                f->master_adver_int = rx->adver_int;
        f->last_rx = now;
        f->master_prio = rx->priority;
        memcpy(f->master_src, rx->src, sizeof(f->master_src));
        f->lower_prio = 0;
        f->resigned = false;
        f->wants_master = false;
}

static void master_rx(struct vrrp_fsm *f, int64_t now, const struct vrrp_rx *rx, struct vrrp_actions *out)
{
        struct vrrp_action *seen;

        if (rx->priority == VRRP_PRIO_STOP) {
                send_advert(f, out, election_prio(f));
                f->adver_at = now + f->p.adver_int;
                return;
        }
        if (beats_us(f, rx)) {
                uint8_t ours = f->prio;
                /* Two address owners: the one with the lower address steps
                 * down to 254 so the pair converges (keepalived does the same). */
                if (vrrp_fsm_is_owner(f) && rx->priority == VRRP_PRIO_OWNER)
                        f->prio = VRRP_PRIO_OWNER - 1;
                if (f->p.higher_prio_send_advert)
                        send_advert(f, out, election_prio(f));
                adopt_master(f, now, rx);
                /* what we lost with, not the 254 */
                become_backup(f, now, out, REASON_HIGHER_PRIORITY, vrrp_master_down_interval(f))->own_priority = ours;
                return;
        }
        /* A lower-priority master is out there: answer so it steps down. */
        if (!f->p.lower_prio_no_advert)
                send_advert(f, out, election_prio(f));
        seen = emit(out, ACT_LOWER_PRIO_SEEN, rx->priority, VRRP_MASTER, REASON_NONE);
        seen->own_priority = f->prio;
        seen->peer_priority = rx->priority;
}

/* preempt_delay: lower-priority adverts are accepted for a while after the
 * first one, then ignored so the down timer runs out. */
static bool preempt_held_off(struct vrrp_fsm *f, int64_t now)
{
        if (!f->p.preempt_delay)
                return false;
        if (!f->preempt_at)
                f->preempt_at = now + f->p.preempt_delay;
        return now < f->preempt_at;
}

/* lower_prio_takeover: whether a lower advert at priority prio still lets
 * us go in Skew_Time. The owner keeps its own rules: it is BACKUP only
 * behind another owner or while demoted, and takes over as RFC 5798 says.
 * Only a strictly lower priority: a BACKUP never preempts on a tie (RFC
 * 5798 6.4.2 accepts an equal advert whatever the addresses; the address
 * breaks ties only between two masters), so equal priorities keep the
 * master that is up, as keepalived does. */
static bool lower_may_take_over(const struct vrrp_fsm *f, uint8_t prio)
{
        return f->p.lower_prio_takeover && !f->p.nopreempt && !vrrp_fsm_is_owner(f) && prio != VRRP_PRIO_STOP &&
               prio < election_prio(f);
}

/* The BACKUP's down timer from what it heard: Master_Down_Interval after
 * the master's last accepted advert or, when that master has since
 * advertised less than us, Skew_Time after it first did. */
static int64_t heard_deadline(const struct vrrp_fsm *f)
{
        int64_t at = f->last_rx + vrrp_master_down_interval(f);

        if (f->lower_prio && f->lower_rx + vrrp_skew_time(f) < at)
                at = f->lower_rx + vrrp_skew_time(f);
        return at;
}

/* The master we follow (not any other sender: a lower master heard
 * beside a higher one must not make us flap) advertised less than us. Its
 * later lower adverts never postpone the takeover; with several backups
 * the best one's skew runs out first and its advert holds the others, as
 * after a priority 0 advert. A sync member that already asked its group
 * is not re-armed: the group answers. */
static void lower_from_master(struct vrrp_fsm *f, int64_t now, const struct vrrp_rx *rx)
{
        if (!f->last_rx || f->wants_master || memcmp(rx->src, f->master_src, sizeof(rx->src)) != 0 ||
            !lower_may_take_over(f, rx->priority))
                return;
        if (!f->lower_prio)
                f->lower_rx = now;
        f->lower_prio = rx->priority;
        f->down_at = heard_deadline(f);
}

static void backup_rx(struct vrrp_fsm *f, int64_t now, const struct vrrp_rx *rx)
{
        if (rx->priority == VRRP_PRIO_STOP) {
                f->last_rx = 0;
                f->master_prio = 0;
                f->lower_prio = 0;
                f->resigned = true;
                f->down_at = now + vrrp_skew_time(f);
                return;
        }
        if (rx->priority >= election_prio(f)) {
                f->preempt_at = 0;
        } else if (!f->p.nopreempt && !preempt_held_off(f, now)) {
                /* discard: the down timer runs out and we take over */
                lower_from_master(f, now, rx);
                return;
        }
        adopt_master(f, now, rx);
        f->down_at = now + vrrp_master_down_interval(f);
}

void vrrp_fsm_advert(struct vrrp_fsm *f, int64_t now, const struct vrrp_rx *rx, struct vrrp_actions *out)
{
        switch (f->state) {
        case VRRP_MASTER: master_rx(f, now, rx, out); break;
        case VRRP_BACKUP: backup_rx(f, now, rx); break;
        case VRRP_INIT:
        case VRRP_FAULT: break;
        }
}

static enum vrrp_reason takeover_reason(const struct vrrp_fsm *f, int64_t now)
{
        if (f->demoted)
                return REASON_DEMOTED_TAKEOVER;
        if (f->resigned)
                return REASON_PRIORITY_ZERO;
        /* the master may have gone silent too: say which timer ran out */
        if (f->lower_prio && f->lower_rx + vrrp_skew_time(f) <= now)
                return REASON_LOWER_PRIORITY;
        return REASON_MASTER_DOWN;
}

void vrrp_fsm_timer(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out)
{
        if (f->state == VRRP_MASTER && f->adver_at && now >= f->adver_at) {
                send_advert(f, out, election_prio(f));
                /* Keep the cadence, unless we fell more than an interval behind. */
                f->adver_at += f->p.adver_int;
                if (f->adver_at <= now)
                        f->adver_at = now + f->p.adver_int;
        } else if (f->state == VRRP_BACKUP && f->down_at && now >= f->down_at && f->p.sync_member) {
                /* keepalived: a member goes only when the whole group can; until
                 * then it keeps wanting and re-arms its timer */
                f->wants_master = true;
                f->down_at = now + vrrp_master_down_interval(f);
                emit(out, ACT_WANT_MASTER, 0, VRRP_BACKUP, REASON_NONE);
        } else if (f->state == VRRP_BACKUP && f->down_at && now >= f->down_at) {
                become_master(f, now, out, takeover_reason(f, now));
                f->last_rx = 0;
                f->lower_prio = 0;
                f->resigned = false;
        }
}

void vrrp_fsm_set_fault(struct vrrp_fsm *f, int64_t now, bool fault, struct vrrp_actions *out)
{
        if (fault == f->fault)
                return;
        f->fault = fault;
        if (f->state == VRRP_INIT)
                return;
        if (fault) {
                enter_fault(f, out, REASON_FAULT);
                return;
        }
        if (vrrp_fsm_is_owner(f) && !f->demoted)
                become_master(f, now, out, REASON_FAULT_CLEARED);
        else
                become_backup(f, now, out, REASON_FAULT_CLEARED, vrrp_master_down_interval(f));
}

/* Our priority or the rules changed: a lower master seen earlier may no
 * longer let us go in Skew_Time, and the deadline is worked out again from
 * what was heard (the skew moved with the priority). */
static void backup_recheck(struct vrrp_fsm *f)
{
        if (f->lower_prio && !lower_may_take_over(f, f->lower_prio))
                f->lower_prio = 0;
        if (f->state == VRRP_BACKUP && f->down_at && f->last_rx)
                f->down_at = heard_deadline(f);
}

/* Peers learn of a change now rather than up to an interval later (a
 * backup that may preempt takes over in its Skew_Time, see backup_rx);
 * the advert timer restarts from this advert. */
static void advertise_change(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out)
{
        if (f->state != VRRP_MASTER || election_prio(f) == f->adv_prio)
                return;
        send_advert(f, out, election_prio(f));
        f->adver_at = now + f->p.adver_int;
}

void vrrp_fsm_set_priority(struct vrrp_fsm *f, int64_t now, uint8_t prio, struct vrrp_actions *out)
{
        if (vrrp_fsm_is_owner(f))
                return;
        if (prio != f->prio) {
                f->prio = prio;
                /* The skew changed; a BACKUP's deadline moves with it. */
                backup_recheck(f);
        }
        /* also after a reload, which moved the priority without a word */
        advertise_change(f, now, out);
}

/* The effective priority after the base moved from `from` to `to`. */
static uint8_t moved_priority(uint8_t prio, uint8_t from, uint8_t to)
{
        long p = (long)prio + (long)to - (long)from;

        if (to == VRRP_PRIO_OWNER)
                return VRRP_PRIO_OWNER;
        if (from == VRRP_PRIO_OWNER)
                return to; /* no tracker moves an owner: there is no delta to keep */
        return (uint8_t)(p < 1 ? 1 : p > 254 ? 254 : p);
}

/* What the BACKUP's down timer was armed with: the skew after a priority
 * 0 advert, else the whole Master_Down_Interval. */
static int64_t down_interval(const struct vrrp_fsm *f)
{
        return f->resigned ? vrrp_skew_time(f) : vrrp_master_down_interval(f);
}

void vrrp_fsm_reconfigure(struct vrrp_fsm *f, int64_t now, const struct vrrp_fsm_params *p, struct vrrp_actions *out)
{
        struct vrrp_fsm_params old = f->p;
        int64_t was = down_interval(f);
        bool lower = f->lower_prio != 0;

        (void)out;
        f->p = *p;
        if (!f->p.down_timer_adverts)
                f->p.down_timer_adverts = 3;
        if (p->priority != old.priority)
                f->prio = moved_priority(f->prio, old.priority, p->priority);
        if (p->adver_int != old.adver_int || p->version != old.version) {
                /* v3 learns the master's interval from its adverts; until one is heard, ours */
                if (f->state != VRRP_BACKUP || p->version == 2 || !f->last_rx)
                        f->master_adver_int = p->adver_int;
                if (f->state == VRRP_MASTER)
                        f->adver_at = now + p->adver_int;
        }
        if (f->preempt_at && p->preempt_delay != old.preempt_delay)
                f->preempt_at = p->preempt_delay ? f->preempt_at - old.preempt_delay + p->preempt_delay : 0;
        if (p->nopreempt != old.nopreempt)
                f->preempt_at = 0;
        /* the timer keeps its start (the last advert, or the start-up) */
        if (f->state == VRRP_BACKUP && f->down_at && !lower)
                f->down_at += down_interval(f) - was;
        else if (lower)
                backup_recheck(f);
}

void vrrp_fsm_address_deleted(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out)
{
        if (f->state != VRRP_MASTER)
                return;
        /* keepalived: resign with priority 0 and re-elect after Skew_Time,
         * which puts the addresses back if we are still the best. */
        send_advert(f, out, VRRP_PRIO_STOP);
        f->last_rx = 0;
        f->master_prio = 0;
        become_backup(f, now, out, REASON_ADDRESS_DELETED, vrrp_skew_time(f));
}

void vrrp_fsm_sync_master(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out)
{
        /* a demoted member wants MASTER only after its own, longest, down timer */
        if (f->state != VRRP_BACKUP || f->fault)
                return;
        become_master(f, now, out, f->demoted ? REASON_DEMOTED_TAKEOVER : REASON_SYNC);
        f->last_rx = 0;
        f->resigned = false;
}

void vrrp_fsm_sync_backup(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out)
{
        if (f->state != VRRP_MASTER)
                return;
        become_backup(f, now, out, REASON_SYNC, vrrp_master_down_interval(f));
}

/* Demoted: hand over now (priority 0), then stay BACKUP while any peer
 * is heard, taking over only when none is for Master_Down_Interval (with
 * the lowest priority's skew, so every live peer goes first). */
void vrrp_fsm_demote(struct vrrp_fsm *f, int64_t now, bool demote, struct vrrp_actions *out)
{
        if (demote == f->demoted)
                return;
        f->demoted = demote;
        if (demote && f->state == VRRP_MASTER) {
                send_advert(f, out, VRRP_PRIO_STOP);
                become_backup(f, now, out, REASON_DEMOTE, vrrp_master_down_interval(f));
        } else if (f->state == VRRP_BACKUP) {
                /* the skew changed with the priority; promoted, it may preempt */
                f->lower_prio = 0;
                f->down_at = (demote && f->last_rx ? f->last_rx : now) + vrrp_master_down_interval(f);
        } else {
                advertise_change(f, now, out); /* promoted while MASTER: priority 1 no more */
        }
}

const char *vrrp_state_name(enum vrrp_state s)
{
        switch (s) {
        case VRRP_INIT: return "INIT";
        case VRRP_BACKUP: return "BACKUP";
        case VRRP_MASTER: return "MASTER";
        case VRRP_FAULT: return "FAULT";
        }
        return "UNKNOWN";
}

const char *vrrp_reason_name(enum vrrp_reason r)
{
        static const char *const names[] = {
                [REASON_NONE] = "none",
                [REASON_STARTUP] = "startup",
                [REASON_MASTER_DOWN] = "master_down",
                [REASON_PRIORITY_ZERO] = "priority_zero",
                [REASON_HIGHER_PRIORITY] = "higher_priority",
                [REASON_FAULT] = "fault",
                [REASON_FAULT_CLEARED] = "fault_cleared",
                [REASON_SHUTDOWN] = "shutdown",
                [REASON_ADDRESS_DELETED] = "address_deleted",
                [REASON_DEMOTE] = "demote",
                [REASON_SYNC] = "sync_group",
                [REASON_DEMOTED_TAKEOVER] = "master_down_while_demoted",
                [REASON_LOWER_PRIORITY] = "lower_priority",
        };
        return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}
