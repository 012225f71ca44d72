/* The worker table (relayd's procs[]): one slot per worker kind, each with
 * its process, channel, restart back-off, requests in flight, last status
 * and what it leaves behind if it dies. A slot spawns its worker (vigild
 * again for VRRP, vigil-checker for the health checker) with the channel on
 * fd 3 and the validated configuration's snapshot on fd 4, respawns it with
 * its own back-off, and cleans up after it. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "daemon/leftovers.h"
#include "daemon/lvs_syncd.h"
#include "daemon/orphans.h"
#include "daemon/snapfd.h"
#include "daemon/sup_internal.h"
#include "daemon/worker_exec.h"
#include "check/metrics.h"
#include "vrrp/engine.h"
#include "vrrp/metrics.h"
#include "worker/ipc.h"

#define ORPHAN_GRACE_MS 2000
#define BACKOFF_MAX_S 60
#define STABLE_RUN_US (60 * 1000000LL)

const struct worker_kind worker_kinds[WK_COUNT] = {
        [WK_VRRP] = { "vrrp", "VRRP worker", vrrp_metrics_render, NULL, leftovers_of },
        /* the LVS health checker: nothing to clean up after it, since the
         * kernel's IPVS table must survive its crash (the next one adopts it) */
        [WK_CHECK] = { "check", "health checker", check_metrics_render, "vigil-checker", NULL },
};

static void spawn(struct worker_slot *w);

bool worker_running(const struct worker_slot *w)
{
        return w->proc != NULL;
}

unsigned workers_running(const struct sup *s)
{
        unsigned n = 0;

        for (int k = 0; k < WK_COUNT; k++)
                n += worker_running(&s->slot[k]);
        return n;
}

static size_t running_pids(const struct sup *s, pid_t *pids)
{
        size_t n = 0;

        for (int k = 0; k < WK_COUNT; k++)
                if (worker_running(&s->slot[k]))
                        pids[n++] = s->slot[k].proc->pid;
        return n;
}

/* ---- requests in flight ---------------------------------------------------------------------- */

static void fanout_reply(struct fanout *f, const struct worker_slot *w, json_t *msg)
{
        f->replies[w - f->s->slot] = msg ? json_incref(msg) : NULL;
        if (--f->left == 0)
                fanout_done(f);
}

static void free_pending(struct pending *p)
{
        if (p->snapfd >= 0)
                close(p->snapfd);
        free(p);
}

/* The worker died with requests in flight: answer them anyway. */
static void fail_pending(struct worker_slot *w)
{
        while (w->pending) {
                struct pending *p = w->pending;
                w->pending = p->next;
                fanout_reply(p->fan, w, NULL);
                free_pending(p);
        }
}

static void route_reply(struct worker_slot *w, json_t *msg)
{
        json_int_t id = json_integer_value(json_object_get(msg, "reply"));

        for (struct pending **pp = &w->pending; *pp; pp = &(*pp)->next) {
                struct pending *p = *pp;
                if (p->id != id)
                        continue;
                *pp = p->next;
                fanout_reply(p->fan, w, msg);
                free_pending(p);
                return;
        }
}

static bool send_one(struct worker_slot *w, struct fanout *f, json_t *req, int snapfd)
{
        struct pending *p = calloc(1, sizeof(*p));
        json_t *fwd;

        if (!p)
                return false;
        p->id = ++w->s->next_id;
        p->fan = f;
        p->snapfd = snapfd >= 0 ? dup(snapfd) : -1;
        p->next = w->pending;
        w->pending = p;
        fwd = json_deep_copy(req);
        json_object_set_new(fwd, "id", json_integer(p->id));
        if (p->snapfd >= 0)
                json_object_set_new(fwd, "snapshot", json_sprintf("/proc/%d/fd/%d", (int)getpid(), p->snapfd));
        ipc_send(w->ch, fwd);
        json_decref(fwd);
        return true;
}

struct fanout *workers_send(struct sup *s, unsigned mask, struct client *cl, json_t *req, int snapfd)
{
        struct fanout *f = calloc(1, sizeof(*f));

        for (int k = 0; f && k < WK_COUNT; k++)
                if ((mask & (1u << k)) && s->slot[k].ch && send_one(&s->slot[k], f, req, snapfd))
                        f->left++;
        if (snapfd >= 0)
                close(snapfd); /* each pending request holds its own */
        if (!f || !f->left) {
                free(f);
                return NULL;
        }
        f->s = s;
        f->cl = cl;
        f->client_id = json_incref(json_object_get(req, "id"));
        f->req = json_incref(req);
        f->next = s->fanouts;
        s->fanouts = f;
        return f;
}

void workers_forget_client(struct sup *s, struct client *cl)
{
        for (struct fanout *f = s->fanouts; f; f = f->next)
                if (f->cl == cl)
                        f->cl = NULL;
}

/* ---- messages from a worker ------------------------------------------------------------------- */

/* A demote must outlive the worker: the next one starts with the list. */
static void keep_demoted(struct worker_slot *w, json_t *names)
{
        size_t i, len = sizeof(VIGIL_DEMOTED_ENV "=");
        json_t *v;

        json_array_foreach(names, i, v)
                len += strlen(json_string_value(v) ? json_string_value(v) : "") + 1;
        free(w->env_extra);
        w->env_extra = malloc(len);
        if (!w->env_extra)
                return;
        strcpy(w->env_extra, VIGIL_DEMOTED_ENV "=");
        json_array_foreach(names, i, v) {
                if (i)
                        strcat(w->env_extra, " ");
                strcat(w->env_extra, json_string_value(v) ? json_string_value(v) : "");
        }
}

/* A reload that removes an instance forgets its demote (the worker does
 * the same with its list): a later reload or a restarted worker must not
 * start it demoted when it is configured again. */
void workers_prune_demoted(struct sup *s, const struct conf *nc)
{
        struct worker_slot *w = &s->slot[WK_VRRP];
        const struct conf_vrrp_instance *ci;
        char *copy, *save = NULL;
        json_t *keep;

        if (!w->env_extra || !(copy = strdup(w->env_extra + sizeof(VIGIL_DEMOTED_ENV))))
                return;
        keep = json_array();
        for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
                CONF_FOREACH(ci, &nc->instances)
                        if (!strcmp(ci->name, t)) {
                                json_array_append_new(keep, json_string(t));
                                break;
                        }
        free(copy);
        keep_demoted(w, keep);
        json_decref(keep);
}

static void on_heartbeat(struct worker_slot *w, json_t *st)
{
        w->counts.instances = (unsigned)json_integer_value(json_object_get(st, "instances"));
        w->counts.master = (unsigned)json_integer_value(json_object_get(st, "master"));
        w->counts.backup = (unsigned)json_integer_value(json_object_get(st, "backup"));
        w->counts.fault = (unsigned)json_integer_value(json_object_get(st, "fault"));
        w->last_heartbeat = mono_usec();
        sup_tell_systemd(w->s);
}

static void on_worker_msg(void *ctx, struct ipc *ch, json_t *msg)
{
        struct worker_slot *w = ctx;
        json_t *st;

        if (!msg) {
                if (w->ch == ch)
                        w->ch = NULL;
                return;
        }
        if (json_object_get(msg, "reply")) {
                route_reply(w, msg); /* before "status": a status reply has both */
        } else if ((st = json_object_get(msg, "summary"))) {
                on_heartbeat(w, st);
        } else if ((st = json_object_get(msg, "demoted"))) {
                keep_demoted(w, st);
        } else if ((st = json_object_get(msg, "lvs_admin"))) {
                lvs_admin_keep(w, st);
        } else if (json_object_get(msg, "event")) {
                json_t *ev = json_deep_copy(msg);
                lvs_syncd_on_event(msg);
                events_broadcast(w->s, ev);
                json_decref(ev);
        }
}

/* ---- death and respawn ------------------------------------------------------------------------ */

static void on_proc_closed(uv_handle_t *h)
{
        free(h);
}

static void on_respawn(uv_timer_t *t)
{
        spawn(t->data);
}

/* The pid file names the running worker, or nothing between two. */
static void set_pid(struct worker_slot *w, pid_t pid)
{
        int r = w->pidfile && w->pidfile->fd >= 0 ? pidfile_write(w->pidfile, pid) : 0;

        if (r < 0)
                log_warn("cannot write pid file %s: %s", w->pidfile->path, strerror(-r));
}

static void on_orphan_kill(uv_timer_t *t)
{
        struct sup *s = t->data;
        pid_t keep[WK_COUNT];

        orphans_signal(keep, running_pids(s, keep), SIGKILL);
}

static void on_sigchld(uv_signal_t *h, int signum)
{
        struct sup *s = h->data;
        pid_t keep[WK_COUNT];

        (void)signum;
        orphans_reap(keep, running_pids(s, keep));
}

/* A worker that crashed leaves its scripts running (a hung check would
 * run for ever): they are ours now, as subreaper; stop them as keepalived's
 * PDEATHSIG would. The live workers' scripts are their children, not ours. */
static void stop_orphans(struct worker_slot *w)
{
        struct sup *s = w->s;
        pid_t keep[WK_COUNT];
        unsigned n = orphans_signal(keep, running_pids(s, keep), SIGTERM);

        if (n && !s->stopping) { /* a worker that stopped gracefully has just sent its scripts SIGTERM */
                log_warn("stopping %u script%s the %s left running", n, n == 1 ? "" : "s", w->kind->title);
                uv_timer_start(&s->orphan_kill, on_orphan_kill, ORPHAN_GRACE_MS, 0);
        }
}

/* Whether the daemon goes on after w died; logs why not. */
static bool may_restart(struct worker_slot *w, int64_t status, int signo)
{
        struct sup *s = w->s;

        if (s->o->dont_respawn) {
                log_err("not restarting it (-R); stopping");
                s->exit_code = 1;
                return false;
        }
        if (!signo && (status == 1 || status == 2 || status == 4 || status == 5 || status == 6)) {
                log_err("the %s cannot run (status %d); stopping", w->kind->title, (int)status);
                s->exit_code = (int)status;
                return false;
        }
        return true;
}

static void on_worker_exit(uv_process_t *p, int64_t status, int signo)
{
        struct worker_slot *w = p->data;
        struct sup *s = w->s;
        bool stable = mono_usec() - w->started > STABLE_RUN_US;

        uv_close((uv_handle_t *)p, on_proc_closed);
        w->proc = NULL;
        set_pid(w, 0);
        ipc_close(w->ch);
        w->ch = NULL;
        fail_pending(w);
        stop_orphans(w);
        if (s->stopping) {
                if (!workers_running(s)) {
                        uv_timer_stop(&s->kill_timer);
                        uv_stop(&s->loop);
                }
                return;
        }
        if (signo)
                log_err("%s killed by signal %d", w->kind->title, signo);
        else
                log_err("%s exited with status %d", w->kind->title, (int)status);
        /* it may have died without cleaning up: take its addresses off
         * before a peer takes over, so that no address is on two nodes */
        leftovers_remove(w->leftovers);
        if (w == &s->slot[WK_VRRP])
                lvs_syncd_vrrp_gone();
        sup_refresh_metrics(s);
        if (!may_restart(w, status, signo)) {
                uv_stop(&s->loop);
                return;
        }
        /* one crash costs nothing extra; repeated ones back off 1, 2, 4 ... 60 s */
        if (stable)
                w->backoff_s = 0;
        log_info("restarting the %s%s", w->kind->title, w->backoff_s ? "" : " now");
        uv_timer_start(&w->respawn, on_respawn, (uint64_t)w->backoff_s * 1000, 0);
        w->backoff_s = !w->backoff_s ? 1 : w->backoff_s * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : w->backoff_s * 2;
        w->restarts++;
}

/* ---- spawning --------------------------------------------------------------------------------- */

static char **worker_env(const struct worker_slot *w)
{
        static char pid[64];
        static char mode[WK_COUNT][64], restarts[WK_COUNT][64];
        size_t n = 0, k = 0;
        char **env;

        while (environ[n])
                n++;
        env = calloc(n + 5, sizeof(*env));
        if (!env)
                return NULL;
        for (size_t i = 0; i < n; i++) /* ours only: not one inherited */
                if (strncmp(environ[i], VIGIL_DEMOTED_ENV "=", sizeof(VIGIL_DEMOTED_ENV)) &&
                    strncmp(environ[i], VIGIL_WORKER_RESTARTS_ENV "=", sizeof(VIGIL_WORKER_RESTARTS_ENV)) &&
                    !lvs_admin_env(environ[i]))
                        env[k++] = environ[i];
        snprintf(pid, sizeof(pid), "%s=%d", VIGIL_SUPERVISOR_PID_ENV, (int)getpid());
        snprintf(mode[w - w->s->slot], sizeof(mode[0]), "%s=%s", VIGIL_WORKER_ENV, w->kind->name);
        snprintf(restarts[w - w->s->slot], sizeof(restarts[0]), "%s=%u", VIGIL_WORKER_RESTARTS_ENV, w->restarts);
        env[k] = mode[w - w->s->slot];
        env[k + 1] = pid;
        env[k + 2] = restarts[w - w->s->slot];
        env[k + 3] = w->env_extra;
        return env;
}

static void spawn_failed(struct worker_slot *w, const char *why)
{
        log_err("cannot start the %s: %s", w->kind->title, why);
        uv_timer_start(&w->respawn, on_respawn, 1000, 0);
}

/* The file a worker runs: vigild itself, or its kind's own executable,
 * found and opened at its first start (why says where it was looked for
 * if it cannot be). */
static const char *worker_exec(struct worker_slot *w, char *why, size_t size)
{
        char where[PATH_MAX + 16];
        int fd;

        if (!w->kind->executable)
                return "/proc/self/exe";
        if (w->exec_fd < 0) {
                fd = worker_exec_open(w->kind->executable, where, sizeof(where));
                if (fd < 0) {
                        snprintf(why, size, "%s: %s", where, strerror(-fd));
                        return NULL;
                }
                w->exec_fd = fd;
                snprintf(w->exec_path, sizeof(w->exec_path), "/proc/self/fd/%d", fd);
                log_debug("the %s runs %s", w->kind->title, where);
        }
        return w->exec_path;
}

static void spawn(struct worker_slot *w)
{
        struct sup *s = w->s;
        char why[PATH_MAX + 64];
        const char *file = worker_exec(w, why, sizeof(why));
        int sv[2], r;
        char **env;
        uv_stdio_container_t stdio[5] = { { .flags = UV_IGNORE }, { .flags = UV_INHERIT_FD, .data.fd = 1 },
                                          { .flags = UV_INHERIT_FD, .data.fd = 2 }, { .flags = UV_INHERIT_FD },
                                          { .flags = UV_INHERIT_FD, .data.fd = s->snapfd } };
        uv_process_options_t po = { .exit_cb = on_worker_exit, .file = file, .args = s->o->argv,
                                    .stdio_count = 5, .stdio = stdio };

        if (!file) {
                spawn_failed(w, why);
                return;
        }
        po.env = env = worker_env(w);
        if (!env || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0) {
                free(env);
                spawn_failed(w, strerror(errno));
                return;
        }
        stdio[3].data.fd = sv[1];
        w->proc = calloc(1, sizeof(*w->proc));
        w->proc->data = w;
        r = uv_spawn(&s->loop, w->proc, &po);
        close(sv[1]);
        free(env);
        if (r < 0) {
                uv_close((uv_handle_t *)w->proc, on_proc_closed);
                w->proc = NULL;
                close(sv[0]);
                spawn_failed(w, uv_strerror(r));
                return;
        }
        w->started = mono_usec();
        set_pid(w, w->proc->pid);
        w->ch = ipc_open(&s->loop, sv[0], on_worker_msg, w);
        log_info("%s started (pid %d)", w->kind->title, w->proc->pid);
        sup_refresh_metrics(s);
}

void workers_start_wanted(struct sup *s)
{
        for (int k = 0; k < WK_COUNT; k++) {
                struct worker_slot *w = &s->slot[k];
                if (w->wanted && !worker_running(w) && !uv_is_active((uv_handle_t *)&w->respawn))
                        spawn(w);
        }
}

/* ---- the table -------------------------------------------------------------------------------- */

void workers_init(struct sup *s, const struct conf *c)
{
        for (int k = 0; k < WK_COUNT; k++) {
                struct worker_slot *w = &s->slot[k];
                w->kind = &worker_kinds[k];
                w->s = s;
                uv_timer_init(&s->loop, &w->respawn);
                w->respawn.data = w;
                w->leftovers = w->kind->leftovers_of ? w->kind->leftovers_of(c) : NULL;
                w->exec_fd = -1;
        }
        s->slot[WK_VRRP].pidfile = s->o->vrrp_pid;
        s->slot[WK_CHECK].pidfile = s->o->check_pid;
        uv_timer_init(&s->loop, &s->orphan_kill);
        s->orphan_kill.data = s;
        if (orphans_adopt() < 0)
                log_warn("cannot become the scripts' subreaper; a crashed worker's scripts will run on");
        uv_signal_init(&s->loop, &s->chld);
        s->chld.data = s;
        uv_signal_start(&s->chld, on_sigchld, SIGCHLD);
}

void workers_free(struct sup *s)
{
        for (int k = 0; k < WK_COUNT; k++) {
                leftovers_free(s->slot[k].leftovers);
                free(s->slot[k].env_extra);
                if (s->slot[k].exec_fd >= 0)
                        close(s->slot[k].exec_fd);
        }
}

void workers_stop(struct sup *s, int sig)
{
        for (int k = 0; k < WK_COUNT; k++) {
                struct worker_slot *w = &s->slot[k];
                if (sig == SIGTERM)
                        uv_timer_stop(&w->respawn);
                if (!worker_running(w))
                        continue;
                if (sig == SIGKILL)
                        log_warn("the %s did not stop in %d ms; killing it", w->kind->title, STOP_GRACE_MS);
                uv_process_kill(w->proc, sig);
        }
}

void workers_close(struct sup *s)
{
        for (int k = 0; k < WK_COUNT; k++)
                ipc_close(s->slot[k].ch);
}

json_t *worker_json(const struct worker_slot *w)
{
        return json_pack("{s:b,s:i,s:I}", "running", w->proc != NULL, "pid", w->proc ? w->proc->pid : 0, "restarts",
                         (json_int_t)w->restarts);
}

json_t *workers_json(const struct sup *s)
{
        json_t *a = json_array();

        for (int k = 0; k < WK_COUNT; k++) {
                json_t *o = worker_json(&s->slot[k]);
                json_object_set_new(o, "kind", json_string(s->slot[k].kind->name));
                json_object_set_new(o, "wanted", json_boolean(s->slot[k].wanted));
                json_array_append_new(a, o);
        }
        return a;
}
