/* The VRRP engine's state, shared by engine.c and engine_ctl.c (the
 * supervisor channel). Nothing outside src/vrrp includes this. */
#pragma once

#include <stdint.h>
#include <uv.h>

#include "conf/model.h"
#include "vrrp/events.h"
#include "vrrp/instance.h"
#include "vrrp/tracking.h"

#define MAX_IFACES 64
#define RX_BATCH 64

struct engine;
struct ipc;

struct iface_slot {
        struct vrrp_iface ifc;
        uv_poll_t poll[3];   /* as ifc.sock */
        struct engine *eng;
        int fam;
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
        uv_poll_t mon_poll;
        int tfd;
        int64_t armed_for;
        uv_poll_t timer_poll;
        uv_signal_t sig_term, sig_int;
        uv_timer_t shutdown;
        int64_t shutdown_until;
        struct trackers trackers;
        struct vrrp_events events;
        struct vrrp_instance *inst;
        unsigned ninst;
        struct iface_slot *ifaces[MAX_IFACES];
        struct vmac_slot *vmacs;
        unsigned nifaces;
        int exit_code;
        /* the supervisor channel (worker mode), NULL when standalone */
        struct ipc *sup;
        uv_timer_t status_timer, status_soon;
};

/* Re-arm the timerfd for the earliest deadline (after any FSM input). */
void engine_rearm(struct engine *e);

/* engine_ctl.c: the supervisor channel */
void engine_ctl_attach(struct engine *e, int fd);
void engine_ctl_event(void *ctx, struct vrrp_instance *vi, const struct vrrp_action *a);
void engine_ctl_tracker(struct engine *e, const struct tracker *t);
void engine_ctl_detach(struct engine *e);
