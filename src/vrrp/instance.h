/* An instance at run time: the configuration, the FSM, its interface's
 * sockets, its counters, and the glue that turns FSM actions into packets
 * and netlink requests. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "conf/diff.h"
#include "conf/model.h"
#include "net/nl.h"
#include "vrrp/ah.h"
#include "vrrp/fsm.h"
#include "vrrp/garp.h"
#include "vrrp/packet.h"
#include "vrrp/sock.h"
#include "vrrp/track_probes.h"

struct nft_no_accept;

/* Adverts dropped after the VRID matched an instance, by reason. */
enum vrrp_drop {
        DROP_TTL,               /* multicast TTL/hop limit not 255, or outside a peer's bounds */
        DROP_VERSION,
        DROP_MODE,              /* multicast advert for a unicast instance or the reverse */
        DROP_NOT_A_PEER,        /* check_unicast_src */
        DROP_AUTH_TYPE,
        DROP_AUTH,              /* password mismatch */
        DROP_INTERVAL,          /* v2: advert interval differs from ours */
        DROP_OWNER_IGNORE,      /* owner_ignore_adverts */
        DROP_AH_REPLAY,         /* AH sequence number below the last one seen */
        DROP_N
};
const char *vrrp_drop_name(enum vrrp_drop d);

struct droplog;
struct vrrp_iface;
struct vrrp_instance;
struct vmac_slot;

/* Why an instance is in FAULT: any bit set. */
enum vrrp_fault_bit {
        VRRP_FAULT_LINK = 1,            /* its interface is down */
        VRRP_FAULT_TRACK = 2,           /* an unweighted tracker failed */
        VRRP_FAULT_GROUP = 4,           /* another member of its sync group is faulty */
        VRRP_FAULT_SETUP = 8,           /* no source address, or unicast with no peer */
};

/* State changes, lower-priority adverts and sync-group requests, after the
 * instance has acted on them. */
typedef void (*vrrp_event_fn)(void *ctx, struct vrrp_instance *vi, const struct vrrp_action *a);
typedef void (*vrrp_priority_fn)(void *ctx, struct vrrp_instance *vi);

struct vrrp_instance_stats {
        uint64_t adverts_rx, adverts_tx, prio0_rx, prio0_tx;
        uint64_t became_master, released_master, transitions;
        uint64_t addr_list_mismatch;
        uint64_t csum_as_v2_rx;         /* v3 IPv4 adverts with the RFC 9568 checksum */
        uint64_t drops[DROP_N];
};

/* An instance's macvlan (use_vmac): allocated only for the instances that
 * have one, which are few (88 bytes each; 88 KB at 1,000 instances). */
struct vrrp_vmac {
        char name[16];
        int ifindex;
        uint8_t mac[6];
        struct vrrp_sock tx;            /* adverts leave with the virtual MAC */
        struct garp_sock garp;
};

struct vrrp_instance {
        const struct conf_vrrp_instance *c;
        struct vrrp_fsm fsm;
        struct vrrp_iface *ifc;
        struct nl *nl;
        struct nft_no_accept *nft;      /* the engine's, when no_accept */
        int family;
        struct conf_ip src;             /* our advert source address */
        struct conf_ip mcast_dst;
        bool unicast;
        bool no_accept;                 /* drop traffic to the VIPs (nftables) */
        bool ah;                        /* v2 AH authentication */
        uint8_t ah_key[VRRP_AUTH_LEN];
        vrrp_hmac_md5_fn hmac;
        uint32_t ah_seq;                /* last AH sequence number sent or accepted */
        uint16_t ip_id;                 /* IPv4 id of our AH packets */
        int ttl;
        int64_t garp_spacing;           /* vrrp_garp_interval / vrrp_gna_interval */
        uint8_t *addrs;                 /* VIPs as the advert carries them (naddr) */
        uint8_t naddr;
        bool addrs_installed;
        /* GARP/NA schedule while MASTER */
        unsigned garp_rounds_left;
        int64_t garp_next, garp_second_at, garp_refresh_at, garp_lower_second_at;
        int64_t entered_state_at;
        int64_t entered_state_wall;     /* µs since the epoch, for status */
        enum vrrp_state cur_state, prev_state;
        enum vrrp_reason last_reason;
        struct conf_ip last_master;     /* sender of the last accepted advert */
        uint8_t last_master_prio;
        struct vrrp_vmac *vmac;         /* use_vmac, once its macvlan is up; NULL otherwise */
        struct vrrp_instance_stats st;
        /* trackers: the instance's own and its sync group's */
        struct tracker_ref *refs;
        unsigned nrefs;
        unsigned faults;                /* enum vrrp_fault_bit */
        char missing_dev[32];           /* dynamic_interfaces: a VIP's dev not there yet (SETUP); "" none */
        bool deleting;                  /* removed by a reload: notify DELETED (or FAULT) */
        struct vmac_slot *vmac_slot;    /* the engine's poll of the VMAC socket */
        vrrp_event_fn on_event;
        vrrp_priority_fn on_priority;
        void *event_ctx;
        struct droplog *droplog;        /* drop warnings' rate limit (vrrp/dropwarn.c); lazily made */
        int prio_before_reconfigure;    /* effective priority before a reload's update; -1: none */
};

#define VRRP_SOCK_AH 2

/* The interface an instance runs on, with its shared sockets. */
struct vrrp_iface {
        char name[32];
        struct iface_info info;
        struct vrrp_sock sock[3];       /* [0] IPv4, [1] IPv6, [2] IPv4 AH; fd -1 when unused */
        struct garp_sock garp[2];
        struct vrrp_instance *by_vrid[2][256];
        uint64_t rx_errors[VRRP_DEC_N_RESULTS];
        uint64_t rx_bad_ip, rx_bad_ah, rx_unknown_vrid;
        struct droplog *droplog;        /* as the instance's, for drops no instance claims */
};

struct engine;

/* ---- lifecycle (vrrp/instance_life.c) ----------------------------------------------
 * open -> sense -> start -> [reconfigure -> resume]* -> stop -> close. The
 * engine wires what spans instances (the VRID index, notifications and
 * sync groups, the trackers' carried-over state) between open and sense,
 * and between reconfigure and resume. */

/* Make vi from ci in the engine's current configuration: state INIT,
 * demoted if the operator had demoted it, its interface's shared sockets
 * and VMAC open (or waiting in FAULT for a missing interface, with
 * dynamic_interfaces), the engine's nftables context if no_accept, and
 * its tracker references in the engine's tracker set. On error vi must
 * still be closed. */
int vrrp_instance_open(struct vrrp_instance *vi, struct engine *e, const struct conf_vrrp_instance *ci);
/* Its first inputs, once the trackers hold their state: the effective
 * priority (through the FSM) and the tracker, link and set-up faults. */
void vrrp_instance_sense(struct vrrp_instance *vi, int64_t now);
/* Remove what a previous run left behind and start the FSM (FAULT if any
 * fault bit is set). */
void vrrp_instance_start(struct vrrp_instance *vi, int64_t now);
/* A reload carries vi over to ci (how: CONF_DIFF_KEEP or _UPDATE, from
 * conf/diff.c): UPDATE applies the new FSM parameters through
 * vrrp_fsm_reconfigure and the GARP spacing; both re-resolve the tracker
 * references in the engine's new tracker set. No action is carried out. */
int vrrp_instance_reconfigure(struct vrrp_instance *vi, struct engine *e, const struct conf_vrrp_instance *ci,
                              enum conf_diff_action how, int64_t now);
/* After reconfigure, once the engine is wired again: re-evaluate the
 * trackers, and say (log, notify_priority_changes) how the effective
 * priority moved across the reload. */
void vrrp_instance_resume(struct vrrp_instance *vi, int64_t now);
/* Stop gracefully: priority 0 if MASTER, addresses removed, notify STOP,
 * or DELETED when the configuration no longer has it. */
void vrrp_instance_stop(struct vrrp_instance *vi, int64_t now, bool deleted);
/* Release what open took (after stop, or after a failed open). */
/* Its VMAC's socket and macvlan, also when the interface under it was deleted. */
void vrrp_instance_vmac_close(struct vrrp_instance *vi);
void vrrp_instance_close(struct vrrp_instance *vi);
/* The FSM's parameters as ci gives them. */
void vrrp_instance_fsm_params(const struct conf_vrrp_instance *ci, struct vrrp_fsm_params *ret);

int vrrp_instance_setup(struct vrrp_instance *vi, const struct conf *c, const struct conf_vrrp_instance *ci,
                        struct vrrp_iface *ifc, struct nl *nl);
/* Carry out what the FSM asked for. */
void vrrp_instance_apply(struct vrrp_instance *vi, int64_t now, const struct vrrp_actions *acts);
/* use_vmac: create the macvlan and its sockets (after setup). */
int vrrp_instance_vmac_up(struct vrrp_instance *vi);
void vrrp_instance_vmac_down(struct vrrp_instance *vi);
/* Remove addresses a previous run may have left behind. */
void vrrp_instance_remove_stale(struct vrrp_instance *vi);
/* A validated datagram for this instance's VRID. */
void vrrp_instance_receive(struct vrrp_instance *vi, int64_t now, const struct vrrp_sock_rx *rx,
                           const struct vrrp_advert *adv, enum vrrp_csum_form form);
/* Run due FSM and GARP deadlines; return the next deadline (0: none). */
int64_t vrrp_instance_tick(struct vrrp_instance *vi, int64_t now);
int64_t vrrp_instance_deadline(const struct vrrp_instance *vi);
/* Set or clear one reason for FAULT; the FSM sees the OR of them. */
void vrrp_instance_set_fault(struct vrrp_instance *vi, int64_t now, unsigned bit, bool on);
/* Re-evaluate the trackers: effective priority and FAULT_TRACK. */
void vrrp_instance_track_update(struct vrrp_instance *vi, int64_t now);
/* ... logging the change from `from` (-1: the FSM's current priority). */
void vrrp_instance_track_update_from(struct vrrp_instance *vi, int64_t now, int from);
/* No source address, or unicast with no peer: it cannot run. */
bool vrrp_instance_setup_faulty(struct vrrp_instance *vi);
/* Choose the source address again (the interface's facts changed);
 * true if there is one. */
bool vrrp_instance_pick_source(struct vrrp_instance *vi);
bool vrrp_instance_owns(const struct vrrp_instance *vi, const struct conf_ip *addr);
