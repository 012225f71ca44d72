/* The supervisor: validates the configuration, runs the worker table
 * (daemon/workers.c), serves the control socket (daemon/control.c) and the
 * metrics endpoint, reloads, and tells systemd how things stand. It keeps
 * nothing per instance: the workers know their objects, and the parsed
 * configuration is dropped once what it keeps of it (leftovers, the
 * snapshot for respawns, the metrics address) is taken. */
#include "daemon/supervisor.h"
#include "daemon/lvs_syncd.h"

#include <errno.h>
#include <jansson.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "common/clock.h"
#include "common/lazylib.h"
#include "common/log.h"
#include "common/signals.h"
#include "daemon/leftovers.h"
#include "daemon/metrics.h"
#include "daemon/sup_internal.h"
#include "worker/ipc.h"

/* ---- metrics ------------------------------------------------------------------------------ */

/* With a fresh status from the workers, or with none running: a
 * rendering without the instances would be served to the next scrape. */
void sup_refresh_metrics(struct sup *s)
{
        const struct worker_slot *v = &s->slot[WK_VRRP];
        struct metrics_part parts[WK_COUNT];
        struct metrics_input in = { .parts = parts, .nparts = WK_COUNT, .worker_running = worker_running(v),
                                    .worker_restarts = v->restarts, .reloads = s->reload.count,
                                    .reload_failures = s->reload.failed, .last_reload_ok = s->reload.last_ok,
                                    .last_reload_time = (double)s->reload.last_time / 1e6 };
        bool fresh = false, channels = false;

        for (int k = 0; k < WK_COUNT; k++) {
                parts[k] = (struct metrics_part){ s->slot[k].kind->render, s->slot[k].status };
                fresh |= s->slot[k].status != NULL;
                channels |= s->slot[k].ch != NULL;
        }
        if (s->metrics && (fresh || !channels))
                metrics_update(s->metrics, &in);
}

/* On the loop: a scrape is waiting; ask the workers (their answers then
 * refresh the metrics), or refresh from nothing if none runs. */
static void on_scrape(uv_async_t *a)
{
        struct sup *s = a->data;
        json_t *q = json_pack("{s:s}", "cmd", "status");
        struct fanout *f = workers_send(s, ~0u, NULL, q, -1);

        if (f) {
                f->query = true;
                json_decref(f->req);
                f->req = NULL; /* nobody to answer */
        } else {
                sup_refresh_metrics(s);
        }
        json_decref(q);
}

/* On the HTTP thread: only wake the loop. */
static void scrape_wake(void *ctx)
{
        uv_async_send(&((struct sup *)ctx)->scrape);
}

/* Start, move or stop the endpoint as the configuration says. */
static void configure_metrics(struct sup *s, const char *want)
{
        if ((!want && !s->metrics_listen) || (want && s->metrics_listen && !strcmp(want, s->metrics_listen)))
                return;
        metrics_stop(s->metrics);
        s->metrics = NULL;
        free(s->metrics_listen);
        s->metrics_listen = want ? strdup(want) : NULL;
        if (want)
                s->metrics = metrics_start(want, scrape_wake, s);
        sup_refresh_metrics(s);
}

/* ---- systemd ------------------------------------------------------------------------------- */

/* libsystemd (and its compression and crypto dependencies) is loaded only
 * when systemd is listening: NOTIFY_SOCKET is set. */
static struct {
        int (*notify)(int, const char *);
        int (*watchdog_enabled)(int, uint64_t *);
} sdl;

typedef __typeof__(sdl) sdl_t;
static const struct lazysym sd_syms[] = { LAZYSYM(sdl_t, notify, "sd_notify"),
                                          LAZYSYM(sdl_t, watchdog_enabled, "sd_watchdog_enabled") };
static struct lazylib sd_lib = LAZYLIB("libsystemd.so.0", "sd_notify", sd_syms, sdl);

static bool systemd_loaded(void)
{
        return getenv("NOTIFY_SOCKET") && lazylib_get(&sd_lib);
}

void sup_notify(const char *msg)
{
        if (systemd_loaded())
                sdl.notify(0, msg);
}

/* READY=1 once the worker has reported; STATUS= a one-line summary. */
void sup_tell_systemd(struct sup *s)
{
        const struct worker_slot *w = &s->slot[WK_VRRP];
        char line[160];

        snprintf(line, sizeof(line), "%sSTATUS=%u instances: %u MASTER, %u BACKUP, %u FAULT", s->ready ? "" : "READY=1\n",
                 w->counts.instances, w->counts.master, w->counts.backup, w->counts.fault);
        if (!s->ready || strcmp(line, s->last_sd_status)) {
                sup_notify(line);
                snprintf(s->last_sd_status, sizeof(s->last_sd_status), "%s", line);
        }
        s->ready = true;
}

/* WatchdogSec: fed only while the worker's heartbeats (one a second)
 * arrive, so a hung worker gets the whole service restarted. */
static void on_watchdog(uv_timer_t *t)
{
        struct sup *s = t->data;
        bool fresh = true, any = false;

        for (int k = 0; k < WK_COUNT; k++)
                if (worker_running(&s->slot[k])) {
                        int64_t last = s->slot[k].last_heartbeat;
                        any = true;
                        fresh &= last && mono_usec() - last < 3 * 1000000LL;
                }
        if (any && fresh)
                sup_notify("WATCHDOG=1");
}

static void start_watchdog(struct sup *s)
{
        uint64_t usec = 0;

        if (!systemd_loaded() || sdl.watchdog_enabled(0, &usec) <= 0 || !usec)
                return;
        uv_timer_init(&s->loop, &s->watchdog);
        s->watchdog.data = s;
        uv_timer_start(&s->watchdog, on_watchdog, usec / 2000, usec / 2000);
}

/* ---- what runs ------------------------------------------------------------------------------- */

/* -P runs only VRRP, -C only the checker; without either, each kind runs
 * if the configuration has its part: a file of virtual_server blocks
 * alone starts no VRRP worker. */
static void choose_workers(struct sup *s, const struct conf *c, bool log_it)
{
        bool vrrp = !s->o->check_only && (c->have_vrrp || !c->have_check);
        bool check = !s->o->vrrp_only && c->have_check;

        s->slot[WK_VRRP].wanted = vrrp;
        s->slot[WK_CHECK].wanted = check;
        if (!log_it)
                return;
        if (!vrrp)
                log_info("no VRRP configuration%s: the VRRP worker is not started",
                         s->o->check_only ? " wanted (-C)" : "");
        if (!check && c->have_check)
                log_info("virtual_server blocks ignored: -P runs VRRP only");
}

/* The new configuration's leftovers are the ones to clean up after a crash. */
static void adopt_config(struct sup *s, const struct conf *c)
{
        for (int k = 0; k < WK_COUNT; k++) {
                struct worker_slot *w = &s->slot[k];
                if (!w->kind->leftovers_of)
                        continue;
                leftovers_free(w->leftovers);
                w->leftovers = w->kind->leftovers_of(c);
        }
        choose_workers(s, c, false);
        configure_metrics(s, c->global.metrics_listen);
        workers_prune_demoted(s, c);
        if (!s->o->check_only) /* -C: no VRRP to follow, as keepalived -C */
                lvs_syncd_configure(c, s->o->dry_run || c->global.lvs_dry_run);
}

/* A reload in the event history: whether the file validated (the worker's
 * transitions that follow say what it changed). */
static void reload_event(struct sup *s, bool ok)
{
        json_t *ev = json_pack("{s:s,s:b,s:s}", "event", "reload", "ok", ok, "file", s->o->config_file);

        events_broadcast(s, ev);
        json_decref(ev);
}

/* ---- reload and signals ----------------------------------------------------------------------- */

/* reload --check: the verdict, and from the workers the plan a reload
 * would apply; nothing is applied, counted or announced to systemd. */
void sup_reload_check(struct sup *s, struct client *cl, json_t *req)
{
        struct conf *nc = NULL;
        int fd = -1;
        json_t *diags = s->o->validate(s->o->validate_ctx, s->o->config_file, &nc, &fd, NULL, NULL);
        bool ok = nc != NULL;
        struct fanout *f;
        json_t *out;

        conf_free(nc);
        if (ok && (f = workers_send(s, ~0u, cl, req, fd))) {
                f->diags = diags;
                return;
        }
        out = answer(json_object_get(req, "id"), ok);
        json_object_set_new(out, "check", json_true());
        json_object_set_new(out, "diagnostics", diags);
        if (ok)
                json_object_set_new(out, "error", json_string("the VRRP worker is not running: no plan"));
        ipc_send(cl->ch, out);
        json_decref(out);
}

/* Every file of the reload read: the running workers start parsing the
 * snapshot (each on its thread pool, on another core) while the
 * supervisor parses and checks it; they apply it only on the "commit"
 * that follows a valid verdict, and drop it on a "drop". Validation runs
 * on the loop from start to end: the workers that get the prepare are the
 * ones that get the commit or the drop. */
static void send_prepare(void *arg, int snapfd)
{
        struct sup *s = arg;
        json_t *req;

        if (!workers_running(s))
                return;
        req = json_pack("{s:s,s:s}", "cmd", "reload", "phase", "prepare");
        s->reload.prepared = workers_send(s, ~0u, NULL, req, dup(snapfd)) != NULL;
        json_decref(req);
        log_debug("reload: every file read; the workers parse the snapshot while it is validated");
}

/* What the workers are sent after the verdict: req (or a bare reload) as a
 * commit if they are parsing already. */
static json_t *verdict_msg(const struct sup *s, json_t *req)
{
        json_t *m = req ? json_deep_copy(req) : json_pack("{s:s}", "cmd", "reload");

        if (s->reload.prepared)
                json_object_set_new(m, "phase", json_string("commit"));
        return m;
}

static void send_drop(struct sup *s)
{
        json_t *req = json_pack("{s:s,s:s}", "cmd", "reload", "phase", "drop");

        if (workers_running(s))
                workers_send(s, ~0u, NULL, req, -1);
        json_decref(req);
}

/* Validate first: an invalid file is reported and the running config stays. */
void sup_reload(struct sup *s, struct client *cl, json_t *req)
{
        struct conf *nc = NULL;
        int fd = -1;
        int64_t t0 = mono_usec();
        json_t *diags, *id = req ? json_object_get(req, "id") : NULL;
        bool ok;
        json_t *out;

        s->reload.prepared = false;
        diags = s->o->validate(s->o->validate_ctx, s->o->config_file, &nc, &fd, send_prepare, s);
        ok = nc != NULL;
        s->reload.count++;
        s->reload.last_time = wall_usec();
        s->reload.last_ok = ok;
        reload_event(s, ok);
        log_debug("reload: validation took %.1f ms", (double)(mono_usec() - t0) / 1e3);
        if (ok) {
                adopt_config(s, nc);
                close(s->snapfd); /* a respawned worker runs what was validated last */
                s->snapfd = fd;
        } else {
                s->reload.failed++;
                log_err("reload: %s has errors; the running configuration stays", s->o->config_file);
                if (s->reload.prepared)
                        send_drop(s);
        }
        sup_refresh_metrics(s);
        if (ok && workers_running(s)) {
                json_t *fwd = verdict_msg(s, req);
                sup_notify("RELOADING=1");
                struct fanout *f = workers_send(s, ~0u, cl, fwd, dup(s->snapfd));
                json_decref(fwd);
                if (f)
                        f->reload = true;
                if (f && cl) {
                        f->diags = diags; /* the reply gives the verdict with the plan applied */
                        diags = NULL;
                }
        }
        if (ok)
                workers_start_wanted(s); /* a kind the file did not have before */
        /* freed once the workers have the snapshot: its cost is not theirs to wait for */
        conf_free(nc);
        if (ok)
                malloc_trim(0); /* a large file's parse leaves holes in the heap */
        if (!diags)
                return;
        if (cl) {
                out = answer(id, ok);
                json_object_set_new(out, "diagnostics", diags);
                ipc_send(cl->ch, out);
                json_decref(out);
        } else {
                json_decref(diags);
        }
}

static void on_kill_timer(uv_timer_t *t)
{
        workers_stop(t->data, SIGKILL);
}

static void on_signal(uv_signal_t *h, int signum)
{
        struct sup *s = h->data;

        if (signum == SIGHUP) {
                log_info("Reloading (SIGHUP)");
                sup_reload(s, NULL, NULL);
                return;
        }
        if (s->stopping)
                return;
        log_info("Stopping (signal %d)", signum);
        sup_notify("STOPPING=1");
        s->stopping = true;
        workers_stop(s, SIGTERM);
        if (!workers_running(s)) {
                uv_stop(&s->loop);
                return;
        }
        uv_timer_start(&s->kill_timer, on_kill_timer, STOP_GRACE_MS, 0);
}

/* Dumps are the workers' business: pass the signal on, as keepalived. */
static void on_forward(uv_signal_t *h, int signum)
{
        struct sup *s = h->data;

        for (int k = 0; k < WK_COUNT; k++)
                if (worker_running(&s->slot[k]))
                        uv_process_kill(s->slot[k].proc, signum);
}

static void close_walk(uv_handle_t *h, void *arg)
{
        (void)arg;
        if (!uv_is_closing(h))
                uv_close(h, NULL);
}

static void start_signals(struct sup *s)
{
        static const int signals[3] = { SIGTERM, SIGINT, SIGHUP };
        const int fwd[4] = VIGIL_DUMP_SIGNALS;

        for (int i = 0; i < 3; i++) {
                uv_signal_init(&s->loop, &s->sig[i]);
                s->sig[i].data = s;
                uv_signal_start(&s->sig[i], on_signal, signals[i]);
        }
        for (int i = 0; i < 4; i++) {
                uv_signal_init(&s->loop, &s->fwd[i]);
                s->fwd[i].data = s;
                uv_signal_start(&s->fwd[i], on_forward, fwd[i]);
        }
}

int supervisor_run(const struct supervisor_opts *o, struct conf *c, int snapfd)
{
        struct sup s = { .o = o, .ctl_fd = -1, .snapfd = snapfd };
        int r;

        uv_loop_init(&s.loop);
        uv_async_init(&s.loop, &s.scrape, on_scrape);
        s.scrape.data = &s;
        uv_timer_init(&s.loop, &s.kill_timer);
        s.kill_timer.data = &s;
        workers_init(&s, c);
        events_init(&s);
        start_signals(&s);
        r = control_open(&s);
        if (r < 0)
                log_warn("control socket %s: %s; vigilctl will not reach this daemon", o->control_path,
                         strerror(-r));
        choose_workers(&s, c, true);
        configure_metrics(&s, c->global.metrics_listen);
        if (!o->check_only)
                lvs_syncd_configure(c, o->dry_run || c->global.lvs_dry_run);
        conf_free(c); /* what runs is in the snapshot; what is kept, in the slots */
        malloc_trim(0);
        start_watchdog(&s);
        workers_start_wanted(&s);
        uv_run(&s.loop, UV_RUN_DEFAULT);
        lvs_syncd_stop();
        metrics_stop(s.metrics);
        free(s.metrics_listen);
        control_close(&s);
        workers_close(&s);
        uv_walk(&s.loop, close_walk, NULL);
        uv_run(&s.loop, UV_RUN_DEFAULT);
        uv_loop_close(&s.loop);
        workers_free(&s);
        events_free(&s);
        close(s.snapfd);
        return s.exit_code;
}
