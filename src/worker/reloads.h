/* A worker's reloads (the "reload" command of worker/ctl.h): the snapshot
 * the supervisor validated is opened at once, while the supervisor holds
 * it, parsed on libuv's thread pool while the worker's protocol goes on,
 * and handed to the worker's apply on the loop; reloads apply in the order
 * they came. Shared by the VRRP and the check workers. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "worker/ctl.h"

struct conf;
struct wreload_job;

/* On the loop: nc is the new configuration (NULL: it could not be
 * loaded), owned by apply from now on; check asks only what the switch
 * would do. Returns the reply's body. */
typedef json_t *(*wreload_apply_fn)(void *ctx, struct conf *nc, bool check, int64_t parse_us);

struct wreloads {
        uv_loop_t *loop;
        struct wctl *ctl;
        struct conf *(*load)(void *ctx, int fd); /* on the thread pool; must touch nothing of the worker */
        void *load_ctx;
        wreload_apply_fn apply;
        void *apply_ctx;
        const char *who;                /* "the VRRP worker", in the error reply */
        struct wreload_job *jobs;       /* in arrival order; the first one is parsing */
        struct conf *ready;             /* a prepare's parse, waiting for its commit or drop */
        uint64_t ready_dev, ready_ino;  /* the snapshot it parsed */
        int64_t ready_us;
};

/* {"cmd": "reload", "snapshot": "/proc/SUP/fd/N", "check": bool}: queues
 * the reload and returns WCTL_LATER; the reply goes out when it applied.
 * With "phase": "prepare", the snapshot is parsed and kept, never applied,
 * while the supervisor validates it; "commit" (with the same snapshot)
 * applies what the prepare parsed, or parses the snapshot if there is no
 * such parse (this worker started after the prepare); "drop" frees it:
 * the file was not valid. */
json_t *wreloads_command(struct wreloads *r, json_t *msg);
