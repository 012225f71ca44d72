/* Between the prober (probe.c) and the probes of each type (probe_tcp.c,
 * probe_misc.c). A run is freed when nothing holds it any more: the
 * prober's own reference (dropped when it reports or is cancelled), each
 * open libuv handle, and a script whose ending has not been reported. */
#pragma once

#include <sys/types.h>

#include "check/probe.h"
#include "worker/script.h"

struct check_probe_run {
        struct check_prober *p;         /* NULL once reported or cancelled */
        struct check_probe_run *prev, *next;
        bool running;                   /* in p's running list, else waiting */
        const struct conf_virtual_server *vs;
        const struct conf_real_server *rs;
        const struct conf_checker *ck;
        int64_t started;
        check_probe_done_fn done;
        void *ctx;
        unsigned holds;
        uv_timer_t timer;               /* the whole probe's timeout, or an early report */
        bool timer_open;
        enum check_result early;        /* what the early report says */
        /* TCP_CHECK */
        uv_poll_t poll;
        bool poll_open;
        int fd;
        /* MISC_CHECK */
        pid_t pid;                      /* >0 while the script runs */
};

uv_loop_t *probe_loop(const struct check_probe_run *r);
/* The checker's script made ready once per configuration; NULL if it
 * cannot run (said once, when it was made ready). */
const struct script_cmd *probe_script(struct check_probe_run *r);

/* The ending, reported from a loop callback; ignored once cancelled. */
void probe_report(struct check_probe_run *r, const struct check_probe *res);
/* Report result on the next loop turn (a failure found while starting). */
void probe_report_later(struct check_probe_run *r, enum check_result result);
void probe_hold(struct check_probe_run *r);
void probe_release(struct check_probe_run *r);
/* uv_close callback for handles embedded in a run. */
void probe_handle_closed(uv_handle_t *h);

/* Start: the ending always comes through probe_report, from the loop.
 * Stop: close what is open, kill what runs; no report follows. */
void probe_tcp_start(struct check_probe_run *r);
void probe_tcp_stop(struct check_probe_run *r);
void probe_misc_start(struct check_probe_run *r);
void probe_misc_stop(struct check_probe_run *r);
