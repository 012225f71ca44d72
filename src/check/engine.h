/* The check worker (issue 14): runs the health checkers of the
 * configuration's virtual servers and keeps the kernel's IPVS table in
 * step with them. A second worker in the supervisor's table
 * (daemon/workers.c, kind "check"), started only when the configuration
 * has virtual_server blocks; -C runs only it. Its crash must not touch the
 * kernel's table: the restarted worker dumps the table, adopts the
 * services it owns and checks again. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct conf;

/* As vrrp/engine.h's loader: parse the validated snapshot on fd, on
 * libuv's thread pool (a reload). */
struct check_conf_loader {
        struct conf *(*load)(void *ctx, int fd);
        void *ctx;
};

struct check_table;
struct check_changes;
struct check_counters;

/* The IPVS table as the engine sees it: lb/ (netlink or the dry run)
 * behind check/table.h's structs. check/ and lb/ are sibling layers, so
 * the daemon, which sees both, supplies this (daemon/check_ipvs.c). */
struct check_ipvs_ops {
        /* 0 or -errno (-ENOENT: no IPVS in this kernel) */
        int (*open)(void *ctx, bool dry_run);
        void (*close)(void *ctx);
        /* The kernel's services and their destinations. */
        int (*dump)(void *ctx, struct check_table *ret);
        /* Every change of ch as ONE batch; refused changes are logged with
         * the object they were for. Returns how many were refused, or -errno. */
        int (*apply)(void *ctx, const struct check_changes *ch);
        int (*flush)(void *ctx);
        /* lvs_timeouts, seconds; 0 leaves one as it is */
        int (*set_timeouts)(void *ctx, uint32_t tcp, uint32_t tcpfin, uint32_t udp);
        unsigned long (*failed)(void *ctx);     /* refused requests, ever */
        /* The kernel's per-destination counters (check/counters.h), sorted;
         * -EOPNOTSUPP for the dry run, which has none. May be NULL. */
        int (*counters)(void *ctx, struct check_counters *ret);
        void *ctx;
};

struct check_run_opts {
        bool dry_run;           /* --dry-run: record IPVS changes, make none (or global_defs lvs_dry_run) */
        bool restarted;         /* the supervisor restarted us after a crash: adopt, never flush */
        const struct check_ipvs_ops *ipvs;
};

/* Run until SIGTERM/SIGINT; the engine owns c (a reload replaces it).
 * sup_fd: the supervisor channel (-1 when standalone). Returns a process
 * exit code. */
int check_engine_run(struct conf *c, int sup_fd, const struct check_conf_loader *load,
                     const struct check_run_opts *opts);
