/* Scripts left behind by a VRRP worker that died. keepalived gives every
 * script PDEATHSIG; vigild starts scripts with posix_spawn, which cannot, so
 * the supervisor is their child subreaper instead: a crashed worker's
 * scripts become the supervisor's children, and it stops them (SIGTERM to
 * each one's process group, SIGKILL after a grace time) and reaps them. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Become the subreaper of everything started below this process. */
int orphans_adopt(void);
/* Send sig to the process group of every child except keep (the running
 * worker, or 0); returns how many there were. */
unsigned orphans_signal(pid_t keep, int sig);
/* Reap every child that has exited except keep, whose status belongs to
 * libuv; returns how many. */
unsigned orphans_reap(pid_t keep);
