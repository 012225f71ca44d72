/* Scripts left behind by a VRRP worker that died. keepalived gives every
 * script PDEATHSIG; vigild starts scripts with posix_spawn, which cannot, so
 * the supervisor is their child subreaper instead: a crashed worker's
 * scripts become the supervisor's children, and it stops them (SIGTERM to
 * each one's process group, SIGKILL after a grace time) and reaps them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Become the subreaper of everything started below this process. */
int orphans_adopt(void);
/* Send sig to the process group of every child except those in keep (the
 * running workers); returns how many there were. */
unsigned orphans_signal(const pid_t *keep, size_t nkeep, int sig);
/* Reap every child that has exited except those in keep, whose status
 * belongs to libuv; returns how many. */
unsigned orphans_reap(const pid_t *keep, size_t nkeep);
