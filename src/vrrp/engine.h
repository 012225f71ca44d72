/* The VRRP engine: one libuv loop driving every instance. Protocol
 * deadlines share one absolute CLOCK_MONOTONIC timerfd (libuv's millisecond
 * timers are too coarse for 10 ms adverts and sub-millisecond failover). */
#pragma once

#include "conf/model.h"

/* Run until SIGTERM/SIGINT. sup_fd: the supervisor channel (-1 when
 * standalone). Returns a process exit code. */
int vrrp_engine_run(struct conf *c, int sup_fd);
