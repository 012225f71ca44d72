/* Where the supervisor finds a worker's own executable (vigil-checker, the
 * health checker's): beside the running vigild (a build tree, or a package
 * that puts both in one directory), else in VIGIL_LIBEXECDIR (make install). */
#pragma once

#include <stddef.h>

/* The file name opened O_PATH and close-on-exec, for an exec through
 * /proc/self/fd/N: a respawn runs the file the supervisor started with,
 * as /proc/self/exe does for the VRRP worker, even after an upgrade has
 * replaced it on disk. where gets the path opened or, on an error (-errno),
 * the places looked in. */
int worker_exec_open(const char *name, char *where, size_t size);
