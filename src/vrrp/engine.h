/* The VRRP engine: one libuv loop driving every instance. Protocol
 * deadlines share one absolute CLOCK_MONOTONIC timerfd (libuv's millisecond
 * timers are too coarse for 10 ms adverts and sub-millisecond failover). */
#pragma once

#include "conf/model.h"

/* Parses the configuration again for a reload (NULL if it cannot). */
/* Set by the supervisor for a restarted worker: the instances the operator
 * had demoted, separated by spaces (vrrp/demote.h). */
#define VIGIL_DEMOTED_ENV "VIGIL_DEMOTED"

typedef struct conf *(*vrrp_conf_loader)(void);

/* Run until SIGTERM/SIGINT; the engine owns c (a reload replaces it).
 * sup_fd: the supervisor channel (-1 when standalone). Returns a process
 * exit code. */
int vrrp_engine_run(struct conf *c, int sup_fd, vrrp_conf_loader load);
