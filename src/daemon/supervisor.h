/* The supervisor: runs a table of workers (this binary again, in worker
 * mode, with a socketpair on fd 3 and the validated configuration on fd 4),
 * restarts them when they die, forwards signals, and serves the control
 * socket, routing each request to the workers that own it. It keeps
 * nothing per instance but what to remove if a worker dies. */
#pragma once

#include <stdbool.h>

#include "conf/model.h"
#include "daemon/pidfile.h"

struct supervisor_opts {
        char **argv;                    /* our own command line, for the worker */
        const char *config_file;
        const char *pid_file;
        const char *control_path;
        bool dont_respawn;              /* -R: exit when the worker dies */
        bool vrrp_only, check_only;     /* -P, -C: which workers run */
        bool dry_run;                   /* --dry-run: lvs_sync_daemon logs, makes no request */
        const struct pidfile *vrrp_pid; /* locked by main; holds the worker's pid while it runs */
        const struct pidfile *check_pid; /* -c: the health checker's, likewise */
        /* validate a config file for reload: returns the diagnostics as a
         * JSON array, and when it is valid the configuration and a sealed
         * memfd of its snapshot (daemon/snapfd.h), what the worker parses;
         * early, if not NULL, gets that memfd as soon as every file is read,
         * before the verdict (it is closed after; dup it to keep it) */
        void *(*validate)(const void *ctx, const char *path, struct conf **ret_conf, int *ret_snapfd,
                          void (*early)(void *arg, int snapfd), void *early_arg);
        const void *validate_ctx;
};

/* Runs until stopped; frees c once it has what it keeps of it, and owns
 * snapfd, the validated snapshot every worker it spawns is given. */
int supervisor_run(const struct supervisor_opts *o, struct conf *c, int snapfd);

/* The environment variables that put the binary in worker mode. */
#define VIGIL_WORKER_ENV "VIGIL_WORKER"
#define VIGIL_SUPERVISOR_PID_ENV "VIGIL_SUPERVISOR_PID"
#define VIGIL_WORKER_FD 3
/* How many times the supervisor restarted this worker: a restarted health
 * checker adopts the IPVS table and never flushes it. */
#define VIGIL_WORKER_RESTARTS_ENV "VIGIL_WORKER_RESTARTS"
