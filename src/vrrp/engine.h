/* The VRRP engine: one libuv loop driving every instance. Protocol
 * deadlines share one absolute CLOCK_MONOTONIC timerfd (libuv's millisecond
 * timers are too coarse for 10 ms adverts and sub-millisecond failover). */
#pragma once

#include "conf/model.h"

/* Set by the supervisor for a restarted worker: the instances the operator
 * had demoted, separated by spaces (vrrp/demote.h). */
#define VIGIL_DEMOTED_ENV "VIGIL_DEMOTED"

/* A reload's configuration: the snapshot the supervisor validated
 * (conf/snapshot.h), read from fd and parsed; NULL if it cannot be. Runs
 * on libuv's thread pool, never on the loop: it must touch nothing of the
 * engine. The system checks are the supervisor's; a loader does not redo them. */
struct vrrp_conf_loader {
        struct conf *(*load)(void *ctx, int fd);
        void *ctx;
};

/* Run until SIGTERM/SIGINT; the engine owns c (a reload replaces it).
 * sup_fd: the supervisor channel (-1 when standalone). Returns a process
 * exit code. */
int vrrp_engine_run(struct conf *c, int sup_fd, const struct vrrp_conf_loader *load);
