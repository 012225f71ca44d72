/* MISC_CHECK: misc_path run through the worker's scripts (the script
 * user, enable_script_security before every run, SIGTERM then SIGKILL of
 * its process group at misc_timeout). The exit status is reported as is;
 * check/decide.c reads it (1 fails, 2..255 sets the weight with
 * misc_dynamic). A script that cannot be run is CHECK_ERROR: vigil's side. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "check/probe_addr.h"
#include "check/probe_internal.h"
#include "common/log.h"

static void misc_done(void *ctx, const struct spawn_result *sr)
{
        struct check_probe_run *r = ctx;
        struct check_probe res = check_misc_result(sr->started, sr->timed_out, sr->exit_status, sr->term_signal);

        r->pid = 0;
        res.started = r->started;
        if (res.result == CHECK_SCRIPT_EXIT)
                snprintf(res.detail, sizeof(res.detail), "exit %d", res.exit_status);
        if (!sr->started && r->p)
                log_warn("MISC_CHECK: cannot run '%s': %s. Rescheduling.",
                         r->ck->misc_path.cmdline ? r->ck->misc_path.cmdline : "", strerror(-sr->error));
        probe_report(r, &res);
        probe_release(r);
}

static void misc_start(struct check_probe_run *r)
{
        const struct script_cmd *sc = probe_script(r);
        int64_t timeout_ms;
        int pid;

        if (!sc) {
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        timeout_ms = check_misc_timeout_of(r->vs, r->ck) / 1000;
        probe_hold(r); /* until misc_done */
        pid = script_cmd_run(probe_loop(r), sc, NULL, timeout_ms > 0 ? timeout_ms : 1, misc_done, r);
        if (pid == -ENOMEM) {
                /* the only refusal that is not reported through misc_done */
                probe_release(r);
                probe_report_later(r, CHECK_ERROR);
                return;
        }
        if (pid > 0)
                r->pid = pid;
}

static void misc_stop(struct check_probe_run *r)
{
        /* cancelled while it runs: the whole group goes; misc_done still
         * comes, reaps it and drops the run */
        if (r->pid > 0)
                kill(-r->pid, SIGKILL);
}

const struct probe_ops probe_misc_ops = { misc_start, misc_stop };
