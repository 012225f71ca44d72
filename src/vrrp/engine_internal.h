/* The VRRP engine's state, shared by engine.c and ctl.c (the
 * supervisor channel). Nothing outside src/vrrp includes this. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include "conf/model.h"
#include "vrrp/announce.h"
#include "vrrp/demote.h"
#include "vrrp/engine.h"
#include "vrrp/instance.h"
#include "vrrp/track_probes.h"
#include "worker/ctl.h"

#define MAX_IFACES 64
#define RX_BATCH 64

struct engine;
struct reload_job;

struct iface_slot {
        struct vrrp_iface ifc;
        uv_poll_t poll[3];   /* as ifc.sock */
        struct engine *eng;
        int fam;
        bool missing;        /* dynamic_interfaces: does not exist yet; no sockets */
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
        int tfd;
        int64_t armed_for;
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
        struct reload_job *reloads;     /* in arrival order; the first one is parsing (vrrp/ctl.c) */
};

/* Re-arm the timerfd for the earliest deadline (after any FSM input). */
void engine_rearm(struct engine *e);

/* Building blocks shared with reload.c. */
int engine_open_instance(struct engine *e, struct vrrp_instance *vi, const struct conf_vrrp_instance *ci);
void engine_close_instance(struct engine *e, struct vrrp_instance *vi);
void engine_index(struct engine *e);
struct trackers *engine_new_trackers(struct engine *e);
int engine_build_refs(struct engine *e, struct vrrp_instance *vi);
void engine_initial_inputs(struct vrrp_instance *vi);
void engine_start_instance(struct vrrp_instance *vi, int64_t now);
void engine_static_addresses(struct engine *e, const struct conf *c, bool add);

/* ctl.c: the VRRP commands on the supervisor channel (worker/ctl.c) */
void engine_ctl_attach(struct engine *e, int fd);
void engine_ctl_event(void *ctx, struct vrrp_instance *vi, const struct vrrp_action *a);
void engine_ctl_tracker(struct engine *e, const struct tracker *t);
void engine_ctl_detach(struct engine *e);
