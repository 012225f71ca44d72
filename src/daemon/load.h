/* Reading the configuration, once (daemon/load.c): the supervisor's parse
 * and checks for a start, a reload and -t, recorded as the snapshot the
 * workers parse; the worker's parse of that snapshot. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/diag.h"
#include "conf/model.h"
#include "conf/snapshot.h"

#define EXIT_CONFIG_CANNOT_RUN 4
#define EXIT_CONFIG_ERRORS 5

struct load_opts {
        const char *config_file;        /* -f */
        const char *config_id;          /* -i; NULL: the short host name */
        bool all_config;                /* -e */
        /* for a reload: called with the snapshot once it has every file
         * (conf_parse_opts.lexed) */
        void (*lexed)(void *ctx, struct conf_snapshot *snap);
        void *lexed_ctx;
};

/* Parse o's file; with ret_snap, through a recording of every file read. */
struct conf *load_parse(const struct load_opts *o, struct diag_list *diags, char *host, size_t hostsize,
                        struct conf_snapshot **ret_snap);
/* Parse, then the machine checks and what this build does not act on:
 * one verdict for -t, a start and a reload. */
struct conf *load_checked(const struct load_opts *o, struct diag_list *diags, struct conf_snapshot **ret_snap);
/* Each diagnostic as one log line (a worker logs only the errors). */
void load_log_diags(const struct diag_list *d);
/* snap (freed) in a sealed memfd; -1, logged, if it cannot be. */
int load_snapshot_fd(struct conf_snapshot *snap);
/* supervisor_opts.validate; ctx is a struct load_opts. */
void *load_validate_for_reload(const void *ctx, const char *path, struct conf **ret_conf, int *ret_fd,
                               void (*early)(void *arg, int snapfd), void *early_arg);
/* A start's parse and checks; on errors all are logged, NULL with *ret_rc. */
struct conf *load_for_run(const struct load_opts *o, int *ret_rc, struct conf_snapshot **ret_snap);
/* The worker's parse of the snapshot in fd: no file opened, no system check. */
struct conf *load_snapshot(int fd, int *ret_rc);
/* vrrp_conf_loader.load: load_snapshot on the thread pool, for a reload. */
struct conf *load_reload_conf(void *ctx, int fd);
