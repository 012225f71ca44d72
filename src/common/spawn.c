#include "common/spawn.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define KILL_GRACE_MS 2000

struct job {
        uv_process_t proc;
        uv_timer_t timer;
        spawn_done_fn done;
        void *ctx;
        struct spawn_result res;
        bool term_sent;
        int handles_open;
        char **argv;
        struct job *prev, *next;
};

static struct job *live;        /* running jobs, for spawn_terminate_all() */

static void unlink_job(struct job *j)
{
        if (j->prev)
                j->prev->next = j->next;
        else if (live == j)
                live = j->next;
        if (j->next)
                j->next->prev = j->prev;
        j->prev = j->next = NULL;
}

static void free_argv(char **argv)
{
        for (char **a = argv; a && *a; a++)
                free(*a);
        free(argv);
}

static void on_closed(uv_handle_t *h)
{
        struct job *j = h->data;

        if (--j->handles_open == 0) {
                free_argv(j->argv);
                free(j);
        }
}

static void finish(struct job *j)
{
        unlink_job(j);
        j->done(j->ctx, &j->res);
        uv_close((uv_handle_t *)&j->timer, on_closed);
        uv_close((uv_handle_t *)&j->proc, on_closed); /* initialised even when the spawn failed */
}

static void on_exit_cb(uv_process_t *p, int64_t status, int signo)
{
        struct job *j = p->data;

        j->res.exit_status = (int)status;
        j->res.term_signal = signo;
        uv_timer_stop(&j->timer);
        finish(j);
}

/* Timeout: SIGTERM to the whole group, then SIGKILL after the grace time. */
static void on_timeout(uv_timer_t *t)
{
        struct job *j = t->data;
        pid_t pgid = j->proc.pid;

        j->res.timed_out = true;
        if (!j->term_sent) {
                j->term_sent = true;
                kill(-pgid, SIGTERM);
                uv_timer_start(&j->timer, on_timeout, KILL_GRACE_MS, 0);
        } else {
                kill(-pgid, SIGKILL);
        }
}

static void on_start_failed(uv_timer_t *t)
{
        finish(t->data);
}

static char **copy_argv(char *const *argv)
{
        size_t n = 0;
        char **out;

        while (argv[n])
                n++;
        out = calloc(n + 1, sizeof(*out));
        if (!out)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (!(out[i] = strdup(argv[i]))) {
                        free_argv(out);
                        return NULL;
                }
        return out;
}

int spawn_run(uv_loop_t *loop, const struct spawn_req *req, spawn_done_fn done, void *ctx)
{
        struct job *j = calloc(1, sizeof(*j));
        uv_stdio_container_t stdio[3] = { { .flags = UV_IGNORE }, { .flags = UV_IGNORE },
                                          { .flags = UV_INHERIT_FD, .data.fd = 2 } };
        uv_process_options_t o = { .exit_cb = on_exit_cb, .stdio_count = 3, .stdio = stdio,
                                   .flags = UV_PROCESS_DETACHED }; /* setsid: a group of its own */
        int r;

        if (!j || !(j->argv = copy_argv(req->argv))) {
                free(j);
                return -ENOMEM;
        }
        j->done = done;
        j->ctx = ctx;
        o.file = j->argv[0];
        o.args = j->argv;
        if (req->uid || req->gid) {
                o.flags |= UV_PROCESS_SETUID | UV_PROCESS_SETGID;
                o.uid = req->uid;
                o.gid = req->gid;
        }
        uv_timer_init(loop, &j->timer);
        j->timer.data = j;
        j->proc.data = j;
        j->handles_open = 2;
        r = uv_spawn(loop, &j->proc, &o);
        if (r < 0) {
                /* report from the loop, as for any other ending */
                j->res.error = r;
                uv_timer_start(&j->timer, on_start_failed, 0, 0);
                return r;
        }
        j->res.started = true;
        if (req->timeout_ms > 0)
                uv_timer_start(&j->timer, on_timeout, (uint64_t)req->timeout_ms, 0);
        j->next = live;
        if (live)
                live->prev = j;
        live = j;
        return j->proc.pid;
}

void spawn_terminate_all(void)
{
        for (struct job *j = live; j; j = j->next)
                kill(-j->proc.pid, SIGTERM);
}

bool spawn_succeeded(const struct spawn_result *r)
{
        return r->started && !r->timed_out && r->term_signal == 0 && r->exit_status == 0;
}

int spawn_resolve_user(const char *user, const char *group, const char *script_user, const char *script_group,
                       uid_t *ret_uid, gid_t *ret_gid)
{
        const struct passwd *pw;
        const struct group *gr;

        if (!user) {
                user = script_user;
                group = script_group;
        }
        if (!user) {
                pw = getpwnam("keepalived_script");
                if (!pw) {
                        *ret_uid = 0;
                        *ret_gid = 0;
                        return 0;
                }
        } else if (!(pw = getpwnam(user))) {
                return -ENOENT;
        }
        *ret_uid = pw->pw_uid;
        *ret_gid = pw->pw_gid;
        if (group) {
                if (!(gr = getgrnam(group)))
                        return -ENOENT;
                *ret_gid = gr->gr_gid;
        }
        return 0;
}
