/* The VRRP state machine: RFC 5798 §6.4 with keepalived's FAULT state and
 * knobs. Pure: every entry point takes `now` (monotonic µs) and an event,
 * updates the instance's protocol state and appends the actions the glue
 * must carry out. Only this module writes fsm->state. Deadlines are absolute
 * times; 0 means "not armed". */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum vrrp_state { VRRP_INIT, VRRP_BACKUP, VRRP_MASTER, VRRP_FAULT };

#define VRRP_PRIO_OWNER 255
#define VRRP_PRIO_STOP 0
#define USEC_PER_SEC 1000000LL

struct vrrp_fsm_params {
        unsigned version;               /* 2 or 3 */
        uint8_t priority;               /* configured (base) priority, 1..255 */
        int64_t adver_int;              /* µs; v2 whole seconds, v3 multiple of 10 ms */
        bool want_master;               /* state MASTER */
        bool nopreempt;
        int64_t preempt_delay;          /* µs, 0 = none */
        unsigned down_timer_adverts;    /* 3 */
        bool lower_prio_no_advert;
        bool higher_prio_send_advert;
        bool sync_member;               /* in a vrrp_sync_group: MASTER only with the group */
        /* vigil's extension (lower_prio_takeover): a BACKUP that may preempt
         * and hears the master it follows advertise less than its own
         * priority takes over after Skew_Time, as after a priority 0 advert,
         * instead of Master_Down_Interval after the master's last good one */
        bool lower_prio_takeover;
};

enum vrrp_reason {
        REASON_NONE,
        REASON_STARTUP,                 /* owner at start, or start-up into BACKUP */
        REASON_MASTER_DOWN,             /* no advert for Master_Down_Interval */
        REASON_PRIORITY_ZERO,           /* the master resigned */
        REASON_HIGHER_PRIORITY,         /* a better master appeared */
        REASON_FAULT,
        REASON_FAULT_CLEARED,
        REASON_SHUTDOWN,
        REASON_ADDRESS_DELETED,         /* a VIP was removed behind our back */
        REASON_DEMOTE,
        REASON_SYNC,                    /* moved with its sync group */
        REASON_DEMOTED_TAKEOVER,        /* demoted, but nobody else was master */
        REASON_LOWER_PRIORITY,          /* our master advertised less than us: Skew_Time (lower_prio_takeover) */
};

enum vrrp_action_kind {
        ACT_SEND_ADVERT,                /* .priority */
        ACT_ADD_ADDRESSES,              /* VIPs, eVIPs, routes, rules */
        ACT_DEL_ADDRESSES,
        ACT_GARP,                       /* first GARP/NA burst; the glue schedules the rest */
        ACT_LOWER_PRIO_SEEN,            /* a master heard a lower priority: lower-prio GARPs, notify */
        ACT_STATE,                      /* .state entered, .reason: log and notify */
        ACT_WANT_MASTER,                /* sync member: down timer expired, ask the group */
};

/* ACT_STATE and ACT_LOWER_PRIO_SEEN carry what the glue needs to say why:
 * our priority when the event happened and, for advert-driven reasons
 * (REASON_HIGHER_PRIORITY, REASON_LOWER_PRIORITY, ACT_LOWER_PRIO_SEEN), the
 * sender's. The sender's
 * address is the glue's: it knows which advert it passed in. */
struct vrrp_action {
        enum vrrp_action_kind kind;
        uint8_t priority;
        enum vrrp_state state;
        enum vrrp_reason reason;
        uint8_t own_priority;
        uint8_t peer_priority;
};

#define VRRP_MAX_ACTIONS 8
struct vrrp_actions {
        unsigned n;
        struct vrrp_action a[VRRP_MAX_ACTIONS];
        struct vrrp_action overflow;    /* scratch: never carried out */
};

/* A received advertisement that passed validation. */
struct vrrp_rx {
        uint8_t priority;
        int64_t adver_int;              /* µs as carried (v3 centiseconds * 10000) */
        int src_cmp;                    /* sign of (sender's address - our primary address) */
        /* the sender's address (IPv4 in the first 4 bytes, the rest 0): only
         * compared, to tell the master we follow from any other sender */
        uint8_t src[16];
};

struct vrrp_fsm {
        struct vrrp_fsm_params p;
        enum vrrp_state state;
        uint8_t prio;                   /* effective priority (owner: 255) */
        int64_t master_adver_int;       /* v3: learned from the master */
        int64_t down_at;                /* Master_Down_Timer */
        int64_t adver_at;               /* Adver_Timer */
        int64_t preempt_at;             /* end of preempt_delay; 0: not started */
        int64_t last_rx;                /* last accepted advert from the master */
        uint8_t master_prio;            /* priority in the last accepted advert */
        uint8_t master_src[16];         /* its sender (vrrp_rx.src) */
        uint8_t lower_prio;             /* that master now advertises this, below us; 0: no */
        int64_t lower_rx;               /* when it first did: the Skew_Time counts from here */
        uint8_t adv_prio;               /* the priority of our last advert */
        bool resigned;                  /* the master sent priority 0 */
        bool fault;
        bool demoted;                   /* backup of last resort until promoted */
        bool wants_master;              /* sync member whose down timer expired */
};

void vrrp_fsm_init(struct vrrp_fsm *f, const struct vrrp_fsm_params *p);

int64_t vrrp_skew_time(const struct vrrp_fsm *f);
int64_t vrrp_master_down_interval(const struct vrrp_fsm *f);
/* The earliest armed deadline, 0 if none. */
int64_t vrrp_fsm_next_deadline(const struct vrrp_fsm *f);
bool vrrp_fsm_is_owner(const struct vrrp_fsm *f);

void vrrp_fsm_start(struct vrrp_fsm *f, int64_t now, bool faulty, struct vrrp_actions *out);
void vrrp_fsm_stop(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out);
void vrrp_fsm_advert(struct vrrp_fsm *f, int64_t now, const struct vrrp_rx *rx, struct vrrp_actions *out);
/* Fire whatever deadline is due at now. */
void vrrp_fsm_timer(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out);
void vrrp_fsm_set_fault(struct vrrp_fsm *f, int64_t now, bool fault, struct vrrp_actions *out);
/* The effective priority moved (trackers, or a reload through
 * vrrp_fsm_reconfigure): a MASTER advertises it at once, not at its next
 * tick, and its advert timer restarts from that advert; a BACKUP's down
 * timer follows its skew. */
void vrrp_fsm_set_priority(struct vrrp_fsm *f, int64_t now, uint8_t prio, struct vrrp_actions *out);
/* New parameters for a running (or not yet started) FSM, e.g. at a reload.
 * What each change does, RFC 5798 §6.4 read for a change of setting:
 * - priority: the effective priority moves with the base (the trackers'
 *   delta is kept; an owner is 255); in BACKUP the skew, hence the down
 *   timer, follows, and a BACKUP now above its master discards the
 *   master's adverts (if it may preempt) and takes over when the timer
 *   runs out; a MASTER advertises the new priority when the glue then
 *   calls vrrp_fsm_set_priority (the reload's resume does);
 * - adver_int: a MASTER re-arms its advert timer on the new interval; a
 *   BACKUP re-arms its down timer (v3 keeps the interval its master
 *   advertised while it hears one);
 * - nopreempt / preempt_delay: the next advert is judged by the new rule;
 *   a preempt_delay under way is shortened or extended to the new length;
 *   a Skew_Time takeover under way (lower_prio_takeover) is kept only if
 *   the new rules still allow it;
 * - the rest (version, lower_prio_no_advert, ...) is stored for the next
 *   event. No state change and no action of its own: out stays empty. */
void vrrp_fsm_reconfigure(struct vrrp_fsm *f, int64_t now, const struct vrrp_fsm_params *p, struct vrrp_actions *out);
void vrrp_fsm_address_deleted(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out);
/* Sync group moves: to MASTER (from BACKUP) and to BACKUP (from MASTER). */
void vrrp_fsm_sync_master(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out);
void vrrp_fsm_sync_backup(struct vrrp_fsm *f, int64_t now, struct vrrp_actions *out);
void vrrp_fsm_demote(struct vrrp_fsm *f, int64_t now, bool demote, struct vrrp_actions *out);

const char *vrrp_state_name(enum vrrp_state s);      /* "MASTER" */
const char *vrrp_reason_name(enum vrrp_reason r);    /* "master_down" */
