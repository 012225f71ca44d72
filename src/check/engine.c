/* The check worker: the loop, start and stop, and the IPVS table. At start
 * it dumps the kernel's table and reconciles it with the one the
 * configuration wants: the services it owns are adopted in place (their
 * destinations corrected), the others left alone; lvs_flush empties the
 * table first, but never in a worker the supervisor restarted after a
 * crash, which re-adopts what its predecessor left. Every later change of
 * health is one change set sent as one batch. */
#include "check/engine.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check/drift.h"
#include "check/engine_internal.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/signals.h"
#include "common/spawn.h"
#include "worker/smtp.h"

#define STOP_SCRIPTS_WAIT_US (2 * 1000000LL) /* omega's scripts get this long at stop */

/* ---- the table ------------------------------------------------------------------------------ */

/* The destinations as configured are built for the computation only
 * (the table keeps its own copy). */
static int desired_table(struct check_engine *e, struct check_table *ret)
{
        struct check_vs_model *m = calloc(e->nvs ? e->nvs : 1, sizeof(*m));
        struct check_dest *dests;
        size_t total = 1, at = 0;
        int r;

        for (size_t i = 0; i < e->nvs; i++)
                total += e->vs[i].nrs;
        if (!m || !(dests = calloc(total, sizeof(*dests)))) {
                free(m);
                return -ENOMEM;
        }
        for (size_t i = 0; i < e->nvs; i++) {
                struct ck_vs *v = &e->vs[i];
                for (size_t k = 0; k < v->nrs; k++)
                        dests[at + k] = ck_rs_dest(&v->rs[k]);
                m[i] = (struct check_vs_model){ .svcs = v->svcs, .nsvcs = v->nsvcs, .rs = dests + at,
                                                .rs_out = v->out, .nrs = v->nrs,
                                                .has_sorry_server = v->params.has_sorry_server,
                                                .sorry = v->sorry, .pool = &v->pool };
                at += v->nrs;
        }
        r = check_table_build(m, e->nvs, ret);
        free(dests);
        free(m);
        return r;
}

static void redump(struct check_engine *e)
{
        struct check_table t = { 0 };

        if (e->opts.ipvs->dump(e->opts.ipvs->ctx, &t) < 0) {
                log_warn("IPVS: cannot read the table back after refused changes");
                return;
        }
        check_table_free(&e->current);
        e->current = t;
}

/* Take the kernel from current to what the pools want: one batch. release
 * lists the services vigil owned and may remove (NULL at start: nothing
 * foreign is touched). */
int ck_table_apply(struct check_engine *e, const struct check_table *release)
{
        struct check_table want = { 0 };
        struct check_changes ch = { 0 };
        int r = desired_table(e, &want);

        if (r >= 0)
                r = ck_leaving_extend(e, &want);
        if (r >= 0)
                r = check_table_diff(&e->current, &want, release, &ch);
        if (r < 0) {
                log_err("IPVS: no memory for the change set; retrying");
                check_table_free(&want);
                ck_table_changed(e);
                return r;
        }
        if (ch.n) {
                r = e->opts.ipvs->apply(e->opts.ipvs->ctx, &ch);
                e->batches++;
                e->changes += ch.n;
        }
        check_changes_free(&ch);
        check_table_free(&e->current);
        e->current = want;
        if (r > 0) { /* refused: what the kernel has is not what we asked */
                e->refused += (uint64_t)r;
                redump(e);
        }
        return r < 0 ? r : 0;
}

static void on_apply_soon(uv_timer_t *t)
{
        struct check_engine *e = t->data;

        ck_table_apply(e, &e->current);
        wctl_heartbeat_soon(&e->ctl);
}

/* A burst of results within one loop turn costs one change set. */
void ck_table_changed(struct check_engine *e)
{
        if (!e->shutdown_until && !uv_is_active((uv_handle_t *)&e->apply_soon))
                uv_timer_start(&e->apply_soon, on_apply_soon, 0, 0);
}

static int open_ipvs(struct check_engine *e)
{
        const struct check_ipvs_ops *ops = e->opts.ipvs;
        int r = ops->open(ops->ctx, e->opts.dry_run);

        if (r < 0)
                return r;
        e->ipvs_open = true;
        if (e->conf->global.lvs_flush && !e->opts.restarted) {
                log_info("Flushing the IPVS table (lvs_flush)");
                if ((r = ops->flush(ops->ctx)) < 0)
                        log_warn("IPVS: flush failed: %s", strerror(-r));
        } else if (e->conf->global.lvs_flush) {
                log_info("restarted after a crash: adopting the IPVS table, not flushing it (lvs_flush)");
        }
        if (e->conf->global.lvs_timeouts_set &&
            (r = ops->set_timeouts(ops->ctx, e->conf->global.lvs_timeout_tcp, e->conf->global.lvs_timeout_tcpfin,
                                   e->conf->global.lvs_timeout_udp)) < 0)
                log_warn("IPVS: cannot set lvs_timeouts: %s", strerror(-r));
        if ((r = ops->dump(ops->ctx, &e->current)) < 0)
                log_warn("IPVS: cannot dump the table (%s); starting from an empty one", strerror(-r));
        else if (e->current.n)
                log_info("IPVS: %zu service%s in the kernel's table at start", e->current.n,
                         e->current.n == 1 ? "" : "s");
        return 0;
}

/* ---- lvs_notify_fifo_script ------------------------------------------------------------------ */

static void fifo_script_ended(void *ctx, const struct spawn_result *r)
{
        struct check_engine *e = ctx;

        if (!r->started || (!r->term_signal && r->exit_status))
                log_warn("lvs_notify_fifo_script '%s' ended (status %d)",
                         e->fifo_script.argv ? e->fifo_script.argv[0] : "?", r->exit_status);
}

/* lvs_notify_fifo_script reads lvs_notify_fifo: it is started with the
 * FIFO's path as its last argument once the FIFO is open, and gets SIGTERM
 * at reload (then starts again from the new configuration) and at stop
 * (reference §5.5), as the VRRP worker does with vrrp_notify_fifo_script. */
static void fifo_script_start(struct check_engine *e)
{
        const struct conf_global *g = &e->conf->global;
        bool shared = g->notify_fifo.cmdline && g->lvs_notify_fifo.cmdline &&
                      !strcmp(g->notify_fifo.cmdline, g->lvs_notify_fifo.cmdline);
        const char *extra[] = { g->lvs_notify_fifo.cmdline, NULL };
        int pid;

        if (!g->lvs_notify_fifo_script.cmdline || !g->lvs_notify_fifo.cmdline ||
            e->fifo[shared ? 0 : 1].fd < 0)
                return;
        if (script_cmd_init(&e->fifo_script, e->conf, &g->lvs_notify_fifo_script, NULL, NULL,
                            "lvs_notify_fifo_script") < 0) {
                log_err("cannot prepare lvs_notify_fifo_script '%s'", g->lvs_notify_fifo_script.cmdline);
                return;
        }
        pid = script_cmd_run(&e->loop, &e->fifo_script, extra, 0, fifo_script_ended, e);
        e->fifo_script_pid = pid > 0 ? (pid_t)pid : 0;
}

static void fifo_script_stop(struct check_engine *e)
{
        if (e->fifo_script_pid > 0)
                kill(e->fifo_script_pid, SIGTERM);
        e->fifo_script_pid = 0;
        script_cmd_free(&e->fifo_script);
}

/* ---- reload --------------------------------------------------------------------------------- */

static void free_retired(struct check_engine *e, bool all)
{
        for (struct ck_model **pp = &e->retired; *pp;) {
                struct ck_model *m = *pp;
                if (!all && (!ck_model_idle(m->vs, m->nvs) || ck_leaving_holds(e, m->vs))) {
                        pp = &m->next;
                        continue;
                }
                *pp = m->next;
                ck_model_free(m->vs, m->nvs);
                conf_free(m->conf);
                free(m);
        }
}

/* The model a reload retired has its timers closing: it is freed from
 * the next loop turn on, once libuv has done with them (and after the
 * reload's reply: its cost is no part of the reload's). */
static void on_free_soon(uv_timer_t *t)
{
        free_retired(t->data, false);
}

/* A retired model that only a leaving server held (drain_on_remove) is
 * freed once that server has left. */
void ck_retired_sweep_soon(struct check_engine *e)
{
        uv_timer_start(&e->free_soon, on_free_soon, 0, 0);
}

/* A virtual server a reload removes stops as at shutdown: with omega its
 * down scripts run (their queues live on in the retired model). */
static void omega_removed(struct ck_vs *ov, size_t on, const bool *kept)
{
        for (size_t i = 0; i < on; i++)
                if (!kept[i] && ov[i].params.omega)
                        ck_vs_omega(&ov[i]);
}

/* The new model from nc, with the state of what the old one has by
 * identity carried over: NULL if there is no memory for it. */
static struct ck_vs *swap_model(struct check_engine *e, struct conf *nc, size_t *ret_n, long *ret_kept)
{
        struct ck_vs *nv = NULL;
        size_t nn = 0;
        bool *old_kept = calloc(e->nvs ? e->nvs : 1, sizeof(*old_kept));

        if (!old_kept || ck_model_build(e, nc, &nv, &nn) < 0 ||
            (*ret_kept = ck_model_carry(nv, nn, e->vs, e->nvs, old_kept)) < 0) {
                ck_model_close(nv, nn);
                free(old_kept);
                return NULL; /* the timers close with the loop; the model leaks no further */
        }
        ck_leaving_reload(e, nc, nv, nn); /* drain_on_remove: before the old model closes */
        ck_model_close(e->vs, e->nvs); /* its checks stop: nothing more feeds it */
        omega_removed(e->vs, e->nvs, old_kept);
        free(old_kept);
        *ret_n = nn;
        return nv;
}

/* This thread's CPU time: the loop's share of a reload. */
static int64_t cpu_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Switch to nc: the real servers whose identity and checkers are the
 * same keep their state; the table diff goes out as one batch, removing
 * the services no longer configured. The phases' times are logged with
 * -D (the reload's cost at scale, bench/lvs_reload.py). */
int ck_engine_swap(struct check_engine *e, struct conf *nc, json_t **ret_report)
{
        int64_t t0 = mono_usec(), c0 = cpu_usec(), t1, t2;
        struct ck_model *old = calloc(1, sizeof(*old));
        size_t nn = 0, rs_total = 0;
        uint64_t batches = e->batches, changes = e->changes;
        long kept = 0;
        struct ck_vs *nv = old ? swap_model(e, nc, &nn, &kept) : NULL;

        if (!nv) {
                free(old);
                return -ENOMEM;
        }
        t1 = mono_usec();
        *old = (struct ck_model){ e->vs, e->nvs, e->conf, e->retired };
        e->retired = old;
        e->vs = nv;
        e->nvs = nn;
        e->conf = nc;
        check_prober_set_conf(e->prober, nc);
        fifo_script_stop(e);
        fifo_script_start(e);
        ck_files_start(e, false);
        ck_model_start(e, mono_usec());
        ck_files_refresh(e);
        ck_suspend_sync(e);
        t2 = mono_usec();
        uv_timer_stop(&e->apply_soon); /* this batch has what a pending one would */
        ck_table_apply(e, &e->current);
        uv_timer_start(&e->free_soon, on_free_soon, 0, 0);
        for (size_t i = 0; i < nn; i++)
                rs_total += nv[i].nrs;
        *ret_report = json_pack("{s:i,s:i,s:i,s:I,s:I}", "virtual_servers", (int)nn, "real_servers", (int)rs_total,
                                "real_servers_kept", (int)kept, "ipvs_batches", (json_int_t)(e->batches - batches),
                                "ipvs_changes", (json_int_t)(e->changes - changes));
        log_info("Reloaded: %zu virtual server%s, %zu real server%s (%ld kept their state); IPVS: %" PRIu64
                 " change%s in %" PRIu64 " batch%s",
                 nn, nn == 1 ? "" : "s", rs_total, rs_total == 1 ? "" : "s", kept, e->changes - changes,
                 e->changes - changes == 1 ? "" : "s", e->batches - batches, e->batches - batches == 1 ? "" : "es");
        log_debug("reload: model and carry %.1f ms, start %.1f ms, table %.1f ms; %.1f ms of CPU on the loop",
                  (double)(t1 - t0) / 1e3, (double)(t2 - t1) / 1e3, (double)(mono_usec() - t2) / 1e3,
                  (double)(cpu_usec() - c0) / 1e3);
        return 0;
}

/* ---- start and stop ------------------------------------------------------------------------- */

static void on_shutdown_tick(uv_timer_t *h)
{
        struct check_engine *e = h->data;

        /* omega's scripts and mails get their time */
        if ((!ck_model_idle(e->vs, e->nvs) || smtp_alert_pending()) && mono_usec() < e->shutdown_until)
                return;
        spawn_terminate_all();
        uv_stop(&e->loop);
}

/* What stop removes: every service vigil owns (a DEL_SVC takes its
 * destinations with it; lvs_flush_on_stop VS says the same), or with
 * lvs_flush_on_stop alone the whole table; with omega the down scripts
 * run first. */
static void stop(struct check_engine *e)
{
        struct check_table owned = e->current;

        ck_model_stop_checks(e->vs, e->nvs);
        uv_timer_stop(&e->apply_soon);
        for (size_t i = 0; i < e->nvs; i++)
                if (e->vs[i].params.omega)
                        ck_vs_omega(&e->vs[i]);
        if (e->ipvs_open && e->conf->global.lvs_flush_onstop == CONF_FLUSH_ONSTOP_ALL) {
                log_info("Flushing the IPVS table (lvs_flush_on_stop)");
                e->opts.ipvs->flush(e->opts.ipvs->ctx);
        } else if (e->ipvs_open) {
                struct ck_vs *vs = e->vs;
                size_t n = e->nvs;
                e->current = (struct check_table){ 0 };
                redump(e);
                e->nvs = 0; /* nothing wanted: every owned service goes */
                ck_table_apply(e, &owned);
                e->nvs = n;
                e->vs = vs;
        }
        check_table_free(&owned);
        fifo_script_stop(e); /* after the omega lines, which it may still read */
}

static void on_signal(uv_signal_t *h, int signum)
{
        struct check_engine *e = h->data;

        if (e->shutdown_until)
                return;
        if (e->sup_pid && (e->sup_gone || getppid() != e->sup_pid))
                log_err("supervisor (pid %d) is gone; stopping", (int)e->sup_pid);
        else
                log_info("Stopping (signal %d)", signum);
        stop(e);
        e->shutdown_until = mono_usec() + STOP_SCRIPTS_WAIT_US;
        uv_timer_start(&e->shutdown, on_shutdown_tick, 0, 10);
}

/* The supervisor forwards its dump signals to every worker; the check
 * worker writes no dump file yet, and must not die of them. */
static void on_dump_signal(uv_signal_t *h, int signum)
{
        (void)h;
        log_debug("signal %d: the health checker writes no dump file; `vigilctl status` has its state", signum);
}

static void start_signals(struct check_engine *e, uv_signal_t *dumps)
{
        const int sigs[4] = VIGIL_DUMP_SIGNALS;

        uv_signal_init(&e->loop, &e->sig_term);
        uv_signal_init(&e->loop, &e->sig_int);
        e->sig_term.data = e->sig_int.data = e;
        uv_signal_start(&e->sig_term, on_signal, SIGTERM);
        uv_signal_start(&e->sig_int, on_signal, SIGINT);
        for (int i = 0; i < 4; i++) {
                uv_signal_init(&e->loop, &dumps[i]);
                uv_signal_start(&dumps[i], on_dump_signal, sigs[i]);
        }
}

static void close_cb(uv_handle_t *h, void *arg)
{
        (void)arg;
        if (!uv_is_closing(h))
                uv_close(h, NULL);
}

static void engine_free(struct check_engine *e)
{
        ck_model_close(e->vs, e->nvs);
        if (e->prober)
                check_prober_close(e->prober);
        uv_walk(&e->loop, close_cb, NULL);
        uv_run(&e->loop, UV_RUN_DEFAULT);
        uv_loop_close(&e->loop);
        ck_timers_free(&e->timers);
        ck_suspend_close(e);
        ck_files_free(e);
        ck_model_free(e->vs, e->nvs);
        free_retired(e, true);
        if (e->ipvs_open)
                e->opts.ipvs->close(e->opts.ipvs->ctx);
        check_table_free(&e->current);
        script_cmd_free(&e->fifo_script);
        ck_leaving_free(e);
}

/* notify_fifo (shared with the VRRP worker) and lvs_notify_fifo. */
static void fifos_open(struct check_engine *e)
{
        const struct conf_script *paths[2] = { &e->conf->global.notify_fifo, &e->conf->global.lvs_notify_fifo };

        for (int i = 0; i < 2; i++) {
                int r;
                e->fifo[i].fd = -1;
                if (!paths[i]->cmdline || (i == 1 && paths[0]->cmdline && !strcmp(paths[0]->cmdline, paths[1]->cmdline)))
                        continue;
                if ((r = notify_fifo_open(&e->fifo[i], paths[i]->cmdline)) < 0)
                        log_err("cannot open notify FIFO %s: %s", paths[i]->cmdline, strerror(-r));
        }
}

static int engine_init(struct check_engine *e, uv_signal_t *dumps)
{
        int r;

        e->rng = (uint64_t)wall_usec() ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b97f4a7c15ULL;
        if (!e->rng)
                e->rng = 1;
        uv_timer_init(&e->loop, &e->apply_soon);
        e->apply_soon.data = e;
        uv_timer_init(&e->loop, &e->shutdown);
        e->shutdown.data = e;
        uv_timer_init(&e->loop, &e->free_soon);
        e->free_soon.data = e;
        ck_leaving_init(e);
        ck_timers_init(&e->timers, &e->loop);
        start_signals(e, dumps);
        fifos_open(e);
        if ((r = check_prober_open(&e->loop, e->conf, 0, &e->prober)) < 0)
                return r;
        if ((r = ck_model_build(e, e->conf, &e->vs, &e->nvs)) < 0)
                return r;
        if ((r = open_ipvs(e)) < 0) {
                log_err("health checker cannot open IPVS: %s", strerror(-r));
                return r;
        }
        ck_drift_start(e); /* lvs_expire_* sysctls, lvs_drift_check */
        return 0;
}

int check_engine_run(struct conf *c, int sup_fd, const struct check_conf_loader *load,
                     const struct check_run_opts *opts)
{
        static struct check_engine e; /* one per process; its handles' addresses must not move */
        uv_signal_t dumps[4];
        int r;

        memset(&e, 0, sizeof(e));
        e.conf = c;
        e.load = *load;
        e.opts = *opts;
        uv_loop_init(&e.loop);
        r = engine_init(&e, dumps);
        if (r < 0) {
                log_err("health checker cannot start: %s", strerror(-r));
                engine_free(&e);
                conf_free(e.conf);
                return 1;
        }
        log_info("Starting the health checker: %zu virtual server%s%s", e.nvs, e.nvs == 1 ? "" : "s",
                 e.opts.dry_run ? " (IPVS dry run: no change is made to the kernel)" : "");
        if (sup_fd >= 0) {
                e.sup_pid = getppid();
                ck_ctl_attach(&e, sup_fd);
        }
        ck_files_start(&e, true);
        ck_model_start(&e, mono_usec());
        ck_suspend_sync(&e);
        ck_table_apply(&e, NULL); /* adopt: nothing foreign is removed */
        fifo_script_start(&e);
        uv_run(&e.loop, UV_RUN_DEFAULT);
        ck_ctl_detach(&e);
        engine_free(&e);
        conf_free(e.conf);
        return e.exit_code;
}
