/* The validated configuration's snapshot (conf/snapshot.h) in a sealed
 * memfd: the supervisor writes it once, the worker inherits it at spawn
 * (fd VIGIL_SNAPSHOT_FD) or opens /proc/SUP/fd/N on a reload. Sealed, so
 * nothing can change the bytes between the validation and the parse. */
#pragma once

#include <stddef.h>

#include "conf/snapshot.h"

#define VIGIL_SNAPSHOT_FD 4

/* A new sealed memfd holding s's encoding (close-on-exec); fd or -errno. */
int snapfd_create(const struct conf_snapshot *s);
/* The snapshot in fd, read from offset 0 whatever the fd's position; 0 or -errno. */
int snapfd_read(int fd, struct conf_snapshot **ret);
