#include "daemon/supervisor.h"

#include <errno.h>
#include <jansson.h>
#include <malloc.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include "common/clock.h"
#include "common/lazylib.h"
#include "common/log.h"
#include "common/signals.h"
#include "daemon/leftovers.h"
#include "daemon/metrics.h"
#include "daemon/orphans.h"
#include "vrrp/engine.h"
#include "vrrp/metrics.h"
#include "worker/ipc.h"

#define STOP_GRACE_MS 5000
#define ORPHAN_GRACE_MS 2000
#define BACKOFF_MAX_S 60
#define STABLE_RUN_US (60 * 1000000LL)
/* The events kept for `vigilctl events -n N` / `--since SEQ`. */
#define EVENT_RING 1000


struct sup;

struct client {
        struct ipc *ch;
        bool events;
        struct sup *s;
        struct client *next;
};

/* A request forwarded to the worker, waiting for its reply. */
struct pending {
        json_int_t id;
        bool reload;                    /* tell systemd READY=1 when it is done */
        json_t *query;                  /* status/show: answered from the fresh status */
        json_t *diags;                  /* reload: the supervisor's validation, added to the reply */
        struct client *cl;
        json_t *client_id;
        int snapfd;                     /* reload: the snapshot the worker opens, held until it answers */
        struct pending *next;
};

struct sup {
        uv_loop_t loop;
        const struct supervisor_opts *o;
        struct leftovers *leftovers;    /* of the running configuration */
        uv_process_t *worker;
        int64_t worker_started;
        unsigned restarts, backoff_s;
        int exit_code;
        uv_timer_t respawn, kill_timer;
        uv_timer_t orphan_kill;         /* SIGKILL for a dead worker's scripts */
        uv_signal_t chld;               /* reaps them */
        struct ipc *wch;
        /* Only the worker knows its instances; it pushes counts every
         * second (systemd's STATUS and watchdog), and answers status, show
         * and scrapes itself. `status` is its reply, borrowed while handled. */
        json_t *status;
        struct { unsigned instances, master, backup, fault; } counts;
        struct metrics *metrics;
        char *metrics_listen;
        uv_async_t scrape;              /* a scrape wants fresh numbers */
        int64_t last_status;
        bool ready;
        char last_sd_status[160];
        uv_timer_t watchdog;
        json_int_t seq, next_id;
        struct {
                json_t *ev[EVENT_RING];
                unsigned next, n;       /* where the next one goes; how many are kept */
        } ring;
        struct client *clients;
        struct pending *pending;
        int ctl_fd;
        uv_poll_t ctl_poll;
        uv_signal_t sig[3], fwd[4];
        bool stopping;
        int snapfd;                     /* the validated configuration, for every worker spawned */
        char *demoted;                  /* the worker's demoted instances, as VIGIL_DEMOTED_ENV */
        struct {
                unsigned count, failed;
                int64_t last_time;
                bool last_ok;
        } reload;
};

/* ---- metrics ------------------------------------------------------------------------------ */

/* With a fresh status from the worker, or with no worker at all: a
 * rendering without the instances would be served to the next scrape. */
static void refresh_metrics(struct sup *s)
{
        struct metrics_part vrrp = { vrrp_metrics_render, s->status };
        struct metrics_input in = { .parts = &vrrp, .nparts = 1, .worker_running = s->worker != NULL,
                                    .worker_restarts = s->restarts,
                                    .reloads = s->reload.count, .reload_failures = s->reload.failed,
                                    .last_reload_ok = s->reload.last_ok,
                                    .last_reload_time = (double)s->reload.last_time / 1e6 };

        if (s->metrics && (s->status || !s->wch))
                metrics_update(s->metrics, &in);
}

static bool forward(struct sup *s, struct client *cl, json_t *req, bool is_reload, int snapfd);

/* On the loop: a scrape is waiting; ask the worker (its status push then
 * refreshes the metrics), or refresh from the copy if there is no worker. */
static void on_scrape(uv_async_t *a)
{
        struct sup *s = a->data;
        json_t *q = json_pack("{s:s}", "cmd", "status");

        if (!s->wch || !forward(s, NULL, q, false, -1))
                refresh_metrics(s);
        else
                s->pending->query = json_pack("{s:s}", "cmd", "status");
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
        refresh_metrics(s);
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

static void sd_notify_str(const char *msg)
{
        if (systemd_loaded())
                sdl.notify(0, msg);
}

/* READY=1 once the worker has reported; STATUS= a one-line summary. */
static void tell_systemd(struct sup *s)
{
        char line[160];

        snprintf(line, sizeof(line), "%sSTATUS=%u instances: %u MASTER, %u BACKUP, %u FAULT", s->ready ? "" : "READY=1\n",
                 s->counts.instances, s->counts.master, s->counts.backup, s->counts.fault);
        if (!s->ready || strcmp(line, s->last_sd_status)) {
                sd_notify_str(line);
                snprintf(s->last_sd_status, sizeof(s->last_sd_status), "%s", line);
        }
        s->ready = true;
}

/* WatchdogSec: fed only while the worker's heartbeats (one a second)
 * arrive, so a hung worker gets the whole service restarted. */
static void on_watchdog(uv_timer_t *t)
{
        struct sup *s = t->data;

        if (s->last_status && mono_usec() - s->last_status < 3 * 1000000LL)
                sd_notify_str("WATCHDOG=1");
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

/* ---- the worker ------------------------------------------------------------------------- */

static void spawn_worker(struct sup *s);
static void set_worker_pid(struct sup *s, pid_t pid);
static void keep_demoted(struct sup *s, json_t *names);

static json_t *local_answer(struct sup *s, json_t *req);

/* The worker died with requests in flight: answer them anyway. */
static void free_pending(struct pending *p)
{
        json_decref(p->query);
        json_decref(p->diags);
        json_decref(p->client_id);
        if (p->snapfd >= 0)
                close(p->snapfd);
        free(p);
}

static void fail_pending(struct sup *s)
{
        while (s->pending) {
                struct pending *p = s->pending;
                json_t *out = p->query ? local_answer(s, p->query)
                                       : json_pack("{s:O,s:b,s:s}", "id", p->client_id ? p->client_id : json_null(),
                                                   "ok", 0, "error", "the VRRP worker stopped before answering");
                s->pending = p->next;
                if (p->diags)
                        json_object_set(out, "diagnostics", p->diags);
                if (p->cl)
                        ipc_send(p->cl->ch, out);
                json_decref(out);
                free_pending(p);
        }
}

static void on_worker_closed(uv_handle_t *h)
{
        free(h);
}

static void on_respawn(uv_timer_t *t)
{
        spawn_worker(t->data);
}

static pid_t worker_pid(const struct sup *s)
{
        return s->worker ? s->worker->pid : 0;
}

static void on_orphan_kill(uv_timer_t *t)
{
        struct sup *s = t->data;

        orphans_signal(worker_pid(s), SIGKILL);
}

static void on_sigchld(uv_signal_t *h, int signum)
{
        struct sup *s = h->data;

        (void)signum;
        orphans_reap(worker_pid(s));
}

/* A worker that crashed leaves its scripts running (a hung check would
 * run for ever): they are ours now, as subreaper; stop them as keepalived's
 * PDEATHSIG would. */
static void stop_orphans(struct sup *s)
{
        unsigned n = orphans_signal(0, SIGTERM);

        if (n && !s->stopping) { /* a worker that stopped gracefully has just sent its scripts SIGTERM */
                log_warn("stopping %u script%s the VRRP worker left running", n, n == 1 ? "" : "s");
                uv_timer_start(&s->orphan_kill, on_orphan_kill, ORPHAN_GRACE_MS, 0);
        }
}

static void on_worker_exit(uv_process_t *p, int64_t status, int signo)
{
        struct sup *s = p->data;
        bool stable = mono_usec() - s->worker_started > STABLE_RUN_US;

        uv_close((uv_handle_t *)p, on_worker_closed);
        s->worker = NULL;
        set_worker_pid(s, 0);
        ipc_close(s->wch);
        s->wch = NULL;
        fail_pending(s);
        stop_orphans(s);
        if (s->stopping) {
                uv_timer_stop(&s->kill_timer);
                uv_stop(&s->loop);
                return;
        }
        if (signo)
                log_err("VRRP worker killed by signal %d", signo);
        else
                log_err("VRRP worker exited with status %d", (int)status);
        /* it may have died without cleaning up: take its addresses off
         * before a peer takes over, so that no address is on two nodes */
        leftovers_remove(s->leftovers);
        refresh_metrics(s);
        if (s->o->dont_respawn) {
                log_err("not restarting it (-R); stopping");
                s->exit_code = 1;
                uv_stop(&s->loop);
                return;
        }
        if (!signo && (status == 1 || status == 2 || status == 4 || status == 5 || status == 6)) {
                log_err("the VRRP worker cannot run (status %d); stopping", (int)status);
                s->exit_code = (int)status;
                uv_stop(&s->loop);
                return;
        }
        /* one crash costs nothing extra; repeated ones back off 1, 2, 4 ... 60 s */
        if (stable)
                s->backoff_s = 0;
        log_info("restarting the VRRP worker%s", s->backoff_s ? "" : " now");
        uv_timer_start(&s->respawn, on_respawn, (uint64_t)s->backoff_s * 1000, 0);
        s->backoff_s = !s->backoff_s ? 1 : s->backoff_s * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : s->backoff_s * 2;
        s->restarts++;
}

static void route_reply(struct sup *s, json_t *msg)
{
        json_int_t id = json_integer_value(json_object_get(msg, "reply"));
        struct pending **pp = &s->pending;

        for (; *pp; pp = &(*pp)->next) {
                struct pending *p = *pp;
                if (p->id != id)
                        continue;
                *pp = p->next;
                if (p->reload)
                        sd_notify_str("READY=1");
                json_t *out;
                if (p->query) {
                        s->status = json_object_get(msg, "status");
                        refresh_metrics(s);
                        out = local_answer(s, p->query);
                        s->status = NULL;
                } else {
                        out = json_deep_copy(msg);
                        json_object_del(out, "reply");
                        json_object_set(out, "id", p->client_id);
                }
                if (p->diags)
                        json_object_set(out, "diagnostics", p->diags);
                if (p->cl)
                        ipc_send(p->cl->ch, out);
                json_decref(out);
                free_pending(p);
                return;
        }
}

static void keep_event(struct sup *s, json_t *ev)
{
        json_decref(s->ring.ev[s->ring.next]); /* the oldest, once the ring is full */
        s->ring.ev[s->ring.next] = json_incref(ev);
        s->ring.next = (s->ring.next + 1) % EVENT_RING;
        if (s->ring.n < EVENT_RING)
                s->ring.n++;
}

/* The kept events after seq `since`, at most the last `last` of them. */
static void replay_events(struct sup *s, struct client *cl, json_int_t since, json_int_t last)
{
        unsigned skip = last >= 0 && (json_int_t)s->ring.n > last ? s->ring.n - (unsigned)last : 0;

        for (unsigned i = skip; i < s->ring.n; i++) {
                json_t *ev = s->ring.ev[(s->ring.next + EVENT_RING - s->ring.n + i) % EVENT_RING];
                if (json_integer_value(json_object_get(ev, "seq")) > since)
                        ipc_send(cl->ch, ev);
        }
}

static void free_events(struct sup *s)
{
        for (unsigned i = 0; i < EVENT_RING; i++)
                json_decref(s->ring.ev[i]);
}

static void broadcast_event(struct sup *s, json_t *ev)
{
        json_object_set_new(ev, "seq", json_integer(++s->seq));
        json_object_set_new(ev, "time", json_real((double)wall_usec() / 1e6));
        keep_event(s, ev);
        for (struct client *c = s->clients; c; c = c->next)
                if (c->events)
                        ipc_send(c->ch, ev);
}

static void on_worker_msg(void *ctx, struct ipc *ch, json_t *msg)
{
        struct sup *s = ctx;
        json_t *st;

        (void)ch;
        if (!msg) {
                if (s->wch == ch)
                        s->wch = NULL;
                return;
        }
        if (json_object_get(msg, "reply")) {
                route_reply(s, msg); /* before "status": a status reply has both */
        } else if ((st = json_object_get(msg, "summary"))) {
                s->counts.instances = (unsigned)json_integer_value(json_object_get(st, "instances"));
                s->counts.master = (unsigned)json_integer_value(json_object_get(st, "master"));
                s->counts.backup = (unsigned)json_integer_value(json_object_get(st, "backup"));
                s->counts.fault = (unsigned)json_integer_value(json_object_get(st, "fault"));
                s->last_status = mono_usec();
                tell_systemd(s);
        } else if ((st = json_object_get(msg, "demoted"))) {
                keep_demoted(s, st);
        } else if (json_object_get(msg, "event")) {
                json_t *ev = json_deep_copy(msg);
                broadcast_event(s, ev);
                json_decref(ev);
        }
}

/* A demote must outlive the worker: the next one starts with the list. */
static void keep_demoted(struct sup *s, json_t *names)
{
        size_t i, len = sizeof(VIGIL_DEMOTED_ENV "=");
        json_t *v;

        json_array_foreach(names, i, v)
                len += strlen(json_string_value(v) ? json_string_value(v) : "") + 1;
        free(s->demoted);
        s->demoted = malloc(len);
        if (!s->demoted)
                return;
        strcpy(s->demoted, VIGIL_DEMOTED_ENV "=");
        json_array_foreach(names, i, v) {
                if (i)
                        strcat(s->demoted, " ");
                strcat(s->demoted, json_string_value(v) ? json_string_value(v) : "");
        }
}

static char **worker_env(const struct sup *s)
{
        size_t n = 0;
        char **env;
        static char pid[64];
        static char mode[] = VIGIL_WORKER_ENV "=vrrp";

        while (environ[n])
                n++;
        env = calloc(n + 4, sizeof(*env));
        if (!env)
                return NULL;
        for (size_t i = 0, k = 0; i < n; i++) /* ours only: not one inherited */
                if (strncmp(environ[i], VIGIL_DEMOTED_ENV "=", sizeof(VIGIL_DEMOTED_ENV)))
                        env[k++] = environ[i];
        n = 0;
        while (env[n])
                n++;
        snprintf(pid, sizeof(pid), "%s=%d", VIGIL_SUPERVISOR_PID_ENV, (int)getpid());
        env[n] = mode;
        env[n + 1] = pid;
        env[n + 2] = s->demoted;
        return env;
}

/* The VRRP pid file names the running worker, or nothing between two. */
static void set_worker_pid(struct sup *s, pid_t pid)
{
        int r = s->o->vrrp_pid && s->o->vrrp_pid->fd >= 0 ? pidfile_write(s->o->vrrp_pid, pid) : 0;

        if (r < 0)
                log_warn("cannot write pid file %s: %s", s->o->vrrp_pid->path, strerror(-r));
}

static void spawn_worker(struct sup *s)
{
        int sv[2];
        char **env = worker_env(s);
        uv_stdio_container_t stdio[5] = { { .flags = UV_IGNORE }, { .flags = UV_INHERIT_FD, .data.fd = 1 },
                                          { .flags = UV_INHERIT_FD, .data.fd = 2 }, { .flags = UV_INHERIT_FD },
                                          { .flags = UV_INHERIT_FD, .data.fd = s->snapfd } };
        uv_process_options_t po = { .exit_cb = on_worker_exit, .file = "/proc/self/exe", .args = s->o->argv,
                                    .env = env, .stdio_count = 5, .stdio = stdio };
        int r;

        if (!env || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0) {
                log_err("cannot start the VRRP worker: %s", strerror(errno));
                free(env);
                uv_timer_start(&s->respawn, on_respawn, 1000, 0);
                return;
        }
        stdio[3].data.fd = sv[1];
        s->worker = calloc(1, sizeof(*s->worker));
        s->worker->data = s;
        r = uv_spawn(&s->loop, s->worker, &po);
        close(sv[1]);
        free(env);
        if (r < 0) {
                log_err("cannot start the VRRP worker: %s", uv_strerror(r));
                uv_close((uv_handle_t *)s->worker, on_worker_closed);
                s->worker = NULL;
                close(sv[0]);
                uv_timer_start(&s->respawn, on_respawn, 1000, 0);
                return;
        }
        s->worker_started = mono_usec();
        set_worker_pid(s, s->worker->pid);
        s->wch = ipc_open(&s->loop, sv[0], on_worker_msg, s);
        log_info("VRRP worker started (pid %d)", s->worker->pid);
        refresh_metrics(s);
}

/* Send a command to the worker; its reply goes to cl with the client's id.
 * snapfd (owned; -1 for none): a validated snapshot, named to the worker
 * as /proc/OURPID/fd/N and held open until it answers. */
static bool forward(struct sup *s, struct client *cl, json_t *req, bool is_reload, int snapfd)
{
        struct pending *p;
        json_t *fwd;

        p = s->wch ? calloc(1, sizeof(*p)) : NULL;
        if (!p) {
                if (snapfd >= 0)
                        close(snapfd);
                return false;
        }
        p->snapfd = snapfd;
        p->id = ++s->next_id;
        p->reload = is_reload;
        p->cl = cl;
        p->client_id = json_incref(json_object_get(req, "id"));
        p->next = s->pending;
        s->pending = p;
        fwd = json_deep_copy(req);
        json_object_set_new(fwd, "id", json_integer(p->id));
        if (snapfd >= 0)
                json_object_set_new(fwd, "snapshot", json_sprintf("/proc/%d/fd/%d", (int)getpid(), snapfd));
        ipc_send(s->wch, fwd);
        json_decref(fwd);
        return true;
}

/* ---- the control socket --------------------------------------------------------------------- */

static json_t *worker_json(const struct sup *s)
{
        return json_pack("{s:b,s:i,s:I}", "running", s->worker != NULL, "pid", s->worker ? s->worker->pid : 0,
                         "restarts", (json_int_t)s->restarts);
}

static json_t *reload_json(const struct sup *s)
{
        return json_pack("{s:I,s:I,s:o,s:o}", "count", (json_int_t)s->reload.count, "failed",
                         (json_int_t)s->reload.failed, "last_ok", s->reload.count ? json_boolean(s->reload.last_ok)
                                                                                   : json_null(),
                         "last_time", s->reload.count ? json_real((double)s->reload.last_time / 1e6) : json_null());
}

static json_t *find_instance(json_t *status, const char *name)
{
        size_t i;
        json_t *vi;

        json_array_foreach(json_object_get(status, "instances"), i, vi)
                if (name && !strcmp(json_string_value(json_object_get(vi, "name")), name))
                        return vi;
        return NULL;
}

/* The receive counters of the interface an instance runs on, if the
 * status has them: [{"name": IFNAME, "counters": {...}}]. */
static json_t *find_interface(json_t *status, json_t *vi)
{
        const char *name = json_string_value(json_object_get(vi, "interface"));
        size_t i;
        json_t *ifc;

        json_array_foreach(json_object_get(status, "interfaces"), i, ifc)
                if (name && json_is_string(json_object_get(ifc, "name")) &&
                    !strcmp(json_string_value(json_object_get(ifc, "name")), name))
                        return ifc;
        return NULL;
}

static json_t *answer(json_t *id, bool ok)
{
        return json_pack("{s:O,s:b}", "id", id ? id : json_null(), "ok", ok);
}

static void reload(struct sup *s, struct client *cl, json_t *req);
static void reload_check(struct sup *s, struct client *cl, json_t *req);

/* status, dump and show, from the worker's fresh status (s->status), or
 * without one when there is no worker. */
static json_t *local_answer(struct sup *s, json_t *req)
{
        const char *cmd = json_string_value(json_object_get(req, "cmd"));
        json_t *id = json_object_get(req, "id"), *out;
        json_t *st = s->status;

        if (!strcmp(cmd, "show")) {
                json_t *vi = find_instance(st, json_string_value(json_object_get(req, "name")));
                out = answer(id, vi != NULL);
                json_object_set_new(out, vi ? "instance" : "error",
                                    vi   ? json_incref(vi)
                                    : st ? json_string("no such vrrp_instance")
                                         : json_string("the VRRP worker is not running"));
                if (vi && find_interface(st, vi))
                        json_object_set(out, "interface", find_interface(st, vi));
        } else {
                out = answer(id, true);
                json_object_set(out, "status", st ? st : json_null());
                json_object_set_new(out, "worker", worker_json(s));
                json_object_set_new(out, "reload", reload_json(s));
                json_object_set_new(out, "config_file", json_string(s->o->config_file));
        }
        return out;
}

/* Fresh numbers: ask the worker, answer when it replies (route_reply). */
static bool ask_worker(struct sup *s, struct client *cl, json_t *req)
{
        json_t *q = json_pack("{s:s,s:O}", "cmd", "status", "id", json_object_get(req, "id"));
        bool ok = forward(s, cl, q, false, -1);

        json_decref(q);
        if (ok)
                s->pending->query = json_incref(req);
        return ok;
}

/* The answer, then the history asked for, then the live stream: nothing
 * runs between them, so no event is missed or sent twice. */
static void events_request(struct sup *s, struct client *cl, json_t *req)
{
        json_t *last = json_object_get(req, "last"), *since = json_object_get(req, "since");
        bool bad = (last && (!json_is_integer(last) || json_integer_value(last) < 0)) ||
                   (since && (!json_is_integer(since) || json_integer_value(since) < 0)) || (last && since);
        json_t *out = answer(json_object_get(req, "id"), !bad);

        if (bad)
                json_object_set_new(out, "error", json_string("events takes \"last\": N or \"since\": SEQ "
                                                              "(non-negative integers), not both"));
        ipc_send(cl->ch, out);
        json_decref(out);
        if (bad)
                return;
        if (last || since)
                replay_events(s, cl, since ? json_integer_value(since) : 0, last ? json_integer_value(last) : -1);
        cl->events = true;
}

static void on_client_msg(void *ctx, struct ipc *ch, json_t *msg)
{
        struct client *cl = ctx;
        struct sup *s = cl->s;
        const char *cmd;
        json_t *id, *out;

        if (!msg) {
                struct client **pp = &s->clients;
                while (*pp && *pp != cl)
                        pp = &(*pp)->next;
                if (*pp)
                        *pp = cl->next;
                for (struct pending *p = s->pending; p; p = p->next)
                        if (p->cl == cl)
                                p->cl = NULL;
                free(cl);
                return;
        }
        (void)ch;
        cmd = json_string_value(json_object_get(msg, "cmd"));
        id = json_object_get(msg, "id");
        if (!cmd)
                cmd = "";
        if (!strcmp(cmd, "status") || !strcmp(cmd, "dump") || !strcmp(cmd, "show")) {
                if (s->wch && ask_worker(s, cl, msg))
                        return;
                out = local_answer(s, msg); /* no worker: no instances to show */
        } else if (!strcmp(cmd, "events")) {
                events_request(s, cl, msg);
                return;
        } else if (!strcmp(cmd, "reload")) {
                if (json_is_true(json_object_get(msg, "check")))
                        reload_check(s, cl, msg);
                else
                        reload(s, cl, msg);
                return;
        } else if (!strcmp(cmd, "demote") || !strcmp(cmd, "promote")) {
                if (forward(s, cl, msg, false, -1))
                        return;
                out = answer(id, false);
                json_object_set_new(out, "error", json_string("the VRRP worker is not running"));
        } else {
                out = answer(id, false);
                json_object_set_new(out, "error", json_sprintf("unknown command '%s'", cmd));
        }
        ipc_send(cl->ch, out);
        json_decref(out);
}

static void on_accept(uv_poll_t *h, int status, int events)
{
        struct sup *s = h->data;
        int fd;

        (void)status, (void)events;
        while ((fd = accept4(s->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                struct client *cl = calloc(1, sizeof(*cl));
                if (!cl) {
                        close(fd);
                        continue;
                }
                cl->s = s;
                cl->ch = ipc_open(&s->loop, fd, on_client_msg, cl);
                if (!cl->ch) {
                        close(fd);
                        free(cl);
                        continue;
                }
                cl->next = s->clients;
                s->clients = cl;
        }
}

static void mkdir_parent(const char *path)
{
        char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
        char *slash;

        snprintf(dir, sizeof(dir), "%s", path);
        slash = strrchr(dir, '/');
        if (!slash || slash == dir)
                return;
        *slash = 0;
        mkdir_parent(dir);
        mkdir(dir, 0755);
}

static int control_open(struct sup *s)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        const char *path = s->o->control_path;
        size_t len = path ? strlen(path) : 0;

        if (!len || len >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, len + 1);
        mkdir_parent(path);
        unlink(path);
        s->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s->ctl_fd < 0 || bind(s->ctl_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
            listen(s->ctl_fd, 16) < 0)
                return -errno;
        uv_poll_init(&s->loop, &s->ctl_poll, s->ctl_fd);
        s->ctl_poll.data = s;
        uv_poll_start(&s->ctl_poll, UV_READABLE, on_accept);
        return 0;
}

/* ---- reload and signals ----------------------------------------------------------------------- */

/* reload --check: the verdict, and from the worker the plan a reload
 * would apply; nothing is applied, counted or announced to systemd. */
static void reload_check(struct sup *s, struct client *cl, json_t *req)
{
        struct conf *nc = NULL;
        int fd = -1;
        json_t *diags = s->o->validate(s->o->validate_ctx, s->o->config_file, &nc, &fd);
        bool ok = nc != NULL;
        json_t *out;

        conf_free(nc);
        if (ok && forward(s, cl, req, false, fd)) {
                s->pending->diags = diags;
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

/* Validate first: an invalid file is reported and the running config stays. */
static void reload(struct sup *s, struct client *cl, json_t *req)
{
        struct conf *nc = NULL;
        int fd = -1;
        json_t *diags = s->o->validate(s->o->validate_ctx, s->o->config_file, &nc, &fd);
        json_t *id = req ? json_object_get(req, "id") : NULL;
        bool ok = nc != NULL;
        json_t *out;

        s->reload.count++;
        s->reload.last_time = wall_usec();
        s->reload.last_ok = ok;
        if (ok) {
                leftovers_free(s->leftovers); /* the new addresses are the ones to clean up after a crash */
                s->leftovers = leftovers_of(nc);
                configure_metrics(s, nc->global.metrics_listen);
                conf_free(nc);
                close(s->snapfd); /* a respawned worker runs what was validated last */
                s->snapfd = fd;
                malloc_trim(0); /* a large file's parse leaves holes in the heap */
        } else {
                s->reload.failed++;
                log_err("reload: %s has errors; the running configuration stays", s->o->config_file);
        }
        refresh_metrics(s);
        if (ok && s->wch) {
                json_t *fwd = req ? json_incref(req) : json_pack("{s:s}", "cmd", "reload");
                sd_notify_str("RELOADING=1");
                bool sent = forward(s, cl, fwd, true, dup(s->snapfd));
                json_decref(fwd);
                if (sent && cl) {
                        s->pending->diags = diags; /* the reply gives the verdict with the plan applied */
                        return;
                }
        }
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
        struct sup *s = t->data;

        if (s->worker) {
                log_warn("the VRRP worker did not stop in %d ms; killing it", STOP_GRACE_MS);
                uv_process_kill(s->worker, SIGKILL);
        }
}

static void on_signal(uv_signal_t *h, int signum)
{
        struct sup *s = h->data;

        if (signum == SIGHUP) {
                log_info("Reloading (SIGHUP)");
                reload(s, NULL, NULL);
                return;
        }
        if (s->stopping)
                return;
        log_info("Stopping (signal %d)", signum);
        sd_notify_str("STOPPING=1");
        s->stopping = true;
        uv_timer_stop(&s->respawn);
        if (!s->worker) {
                uv_stop(&s->loop);
                return;
        }
        uv_process_kill(s->worker, SIGTERM);
        uv_timer_start(&s->kill_timer, on_kill_timer, STOP_GRACE_MS, 0);
}

/* Dumps are the worker's business: pass the signal on, as keepalived. */
static void on_forward(uv_signal_t *h, int signum)
{
        struct sup *s = h->data;

        if (s->worker)
                uv_process_kill(s->worker, signum);
}

static void close_walk(uv_handle_t *h, void *arg)
{
        (void)arg;
        if (!uv_is_closing(h))
                uv_close(h, NULL);
}

int supervisor_run(const struct supervisor_opts *o, struct conf *c, int snapfd)
{
        static const int signals[3] = { SIGTERM, SIGINT, SIGHUP };
        struct sup s = { .o = o, .leftovers = leftovers_of(c), .ctl_fd = -1, .snapfd = snapfd };
        int r;

        uv_loop_init(&s.loop);
        uv_async_init(&s.loop, &s.scrape, on_scrape);
        s.scrape.data = &s;
        uv_timer_init(&s.loop, &s.respawn);
        uv_timer_init(&s.loop, &s.kill_timer);
        uv_timer_init(&s.loop, &s.orphan_kill);
        s.respawn.data = s.kill_timer.data = s.orphan_kill.data = &s;
        if (orphans_adopt() < 0)
                log_warn("cannot become the scripts' subreaper; a crashed worker's scripts will run on");
        uv_signal_init(&s.loop, &s.chld);
        s.chld.data = &s;
        uv_signal_start(&s.chld, on_sigchld, SIGCHLD);
        for (int i = 0; i < 3; i++) {
                uv_signal_init(&s.loop, &s.sig[i]);
                s.sig[i].data = &s;
                uv_signal_start(&s.sig[i], on_signal, signals[i]);
        }
        {
                const int fwd[4] = VIGIL_DUMP_SIGNALS;
                for (int i = 0; i < 4; i++) {
                        uv_signal_init(&s.loop, &s.fwd[i]);
                        s.fwd[i].data = &s;
                        uv_signal_start(&s.fwd[i], on_forward, fwd[i]);
                }
        }
        r = control_open(&s);
        if (r < 0)
                log_warn("control socket %s: %s; vigilctl will not reach this daemon", o->control_path,
                         strerror(-r));
        configure_metrics(&s, c->global.metrics_listen);
        conf_free(c);
        malloc_trim(0);
        start_watchdog(&s);
        spawn_worker(&s);
        uv_run(&s.loop, UV_RUN_DEFAULT);
        metrics_stop(s.metrics);
        free(s.metrics_listen);
        for (struct client *cl = s.clients; cl; cl = cl->next)
                ipc_close(cl->ch);
        ipc_close(s.wch);
        uv_walk(&s.loop, close_walk, NULL);
        uv_run(&s.loop, UV_RUN_DEFAULT);
        uv_loop_close(&s.loop);
        if (s.ctl_fd >= 0)
                unlink(o->control_path);
        leftovers_free(s.leftovers);
        free_events(&s);
        free(s.demoted);
        close(s.snapfd);
        return s.exit_code;
}
