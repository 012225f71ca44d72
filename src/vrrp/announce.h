/* What follows an instance's transition: its notify scripts, FIFO lines and
 * mail (reference §5.5) through the worker layer's queue and FIFO, then its
 * sync group moving with it (vrrp/group.c, §5.4) and the group's own
 * notifications. */
#pragma once

#include <stdbool.h>
#include <uv.h>

#include "conf/model.h"
#include "vrrp/instance.h"
#include "worker/notify.h"

struct notify_cmds {
        struct script_cmd master, backup, fault, stop, generic, rx_lower, deleted;
};

struct vrrp_group {
        const struct conf_sync_group *c;
        struct vrrp_instance **members;
        unsigned n;
        enum vrrp_state state;          /* as last announced; INIT before the first */
        struct notify_queue q;
        struct notify_cmds cmds;
};

struct vrrp_events {
        uv_loop_t *loop;
        const struct conf *conf;
        struct vrrp_instance *inst;
        unsigned ninst;
        struct notify_queue *queues;    /* one per instance */
        struct notify_cmds **cmds;      /* per instance; a shared empty set when it has no notify */
        struct vrrp_group *groups;
        unsigned ngroups;
        struct vrrp_group **group_of;   /* per instance, NULL if none */
        struct notify_fifo fifo[2];     /* notify_fifo, vrrp_notify_fifo */
        struct script_cmd fifo_script[2];
        int fifo_script_pid[2];
        unsigned depth;                 /* nested propagation */
        /* told of every instance event after it was announced (status stream) */
        vrrp_event_fn observer;
        void *observer_ctx;
};

int vrrp_events_init(struct vrrp_events *ev, uv_loop_t *loop, const struct conf *c, struct vrrp_instance *inst,
                     unsigned ninst);
/* Start the FIFO reader scripts (after the FIFOs exist). */
void vrrp_events_start(struct vrrp_events *ev);
/* True when no notify script is running or queued and no mail is being sent
 * (shutdown waits for it, a bounded time). */
bool vrrp_events_idle(const struct vrrp_events *ev);
void vrrp_events_free(struct vrrp_events *ev);
/* Reload: the new set takes over the FIFOs' ownership and the groups'
 * announced states from the old one, whose FIFO scripts get SIGTERM. */
void vrrp_events_succeed(struct vrrp_events *next, struct vrrp_events *old);
