/* The VRRP engine's state, shared by engine.c and ctl.c (the
 * supervisor channel). Nothing outside src/vrrp includes this. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include "common/heap.h"
#include "conf/model.h"
#include "net/addrtab.h"
#include "net/nl.h"
#include "vrrp/announce.h"
#include "vrrp/demote.h"
#include "vrrp/engine.h"
#include "vrrp/instance.h"
#include "vrrp/track_probes.h"
#include "worker/ctl.h"
#include "worker/reloads.h"

#define MAX_IFACES 64
#define RX_BATCH 64

struct engine;

struct iface_slot {
        struct vrrp_iface ifc;
        uv_poll_t poll[3];   /* as ifc.sock */
        struct engine *eng;
        int fam;
        bool missing;        /* dynamic_interfaces: does not exist (yet, or any more); no sockets */
        unsigned closing;    /* poll handles of a deleted interface not yet closed */
        bool reappeared;     /* ... and the interface is back: reopen once they are */
};

/* Adverts that arrive on an instance's macvlan. */
struct vmac_slot {
        uv_poll_t poll;
        struct vrrp_instance *vi;
        struct engine *eng;
};

struct engine {
        uv_loop_t loop;
        struct conf *conf;
        struct nl *nl, *mon;
        struct nft_no_accept *nft;      /* one for all no_accept instances, made by the first */
        struct demote_list demoted;     /* by the operator, until promoted */
        uv_poll_t mon_poll;
        uv_poll_t ack_poll;
        struct addrtab addrs;           /* the system's addresses, fed by the monitor */
        struct nl_event *evq;           /* on_monitor's scratch: what one read brought */
        size_t nevq, evq_cap;             /* ACKs of the netlink batches (net/nl.h) */
        int tfd;
        int64_t armed_for;
        /* each instance's next deadline (dl[i] for inst[i]), one timerfd for the top */
        struct heap deadlines;
        struct heap_node *dl;
        struct heap_node **due;         /* on_timer's scratch: the nodes that fell due */
        unsigned ndl;
        bool resync;                    /* an input reached other instances: re-read them all */
        uv_poll_t timer_poll;
        uv_signal_t sig_term, sig_int, sig_dump[4];
        uv_timer_t shutdown;
        int64_t shutdown_until;
        struct trackers *trackers;
        struct vrrp_events *events;
        struct vrrp_instance *inst;
        unsigned ninst;
        struct iface_slot *ifaces[MAX_IFACES];
        unsigned nifaces;
        int exit_code;
        /* the supervisor channel (worker mode), detached when standalone */
        struct wctl ctl;
        pid_t sup_pid;          /* the supervisor, our parent at start; 0 when standalone */
        bool sup_gone;          /* its channel closed */
        struct vrrp_conf_loader load;
        struct wreloads reloads;        /* in arrival order; the first one is parsing (vrrp/ctl.c) */
};

/* Re-read every instance's deadline and re-arm the timerfd for the
 * earliest (after an input that may reach any instance: a reload, a
 * tracker, a netlink event, the operator). The timer and a received
 * advert update only the instance they touched. */
void engine_rearm(struct engine *e);

/* What spans instances, for reload.c: the VRID index (after the instance
 * array changed), a tracker set for e->conf, the static addresses. */
void engine_index(struct engine *e);
struct trackers *engine_new_trackers(struct engine *e);
void engine_static_addresses(struct engine *e, const struct conf *c, bool add);

/* For vrrp_instance_open (instance_life.c): the interface by name, made
 * on first use (missing: dynamic_interfaces waits for it; NULL when it
 * cannot be had), and its shared sockets and the VMAC's, watched by the
 * engine's receive path. */
struct iface_slot *engine_iface_get(struct engine *e, const char *name);
int engine_iface_open(struct engine *e, struct vrrp_instance *vi, struct iface_slot *slot);

/* ctl.c: the VRRP commands on the supervisor channel (worker/ctl.c) */
void engine_ctl_attach(struct engine *e, int fd);
void engine_ctl_event(void *ctx, struct vrrp_instance *vi, const struct vrrp_action *a);
void engine_ctl_tracker(struct engine *e, const struct tracker *t);
void engine_ctl_detach(struct engine *e);
