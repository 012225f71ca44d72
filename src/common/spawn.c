#include "common/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KILL_GRACE_MS 2000

/* A job runs either through posix_spawn (no user switch: the common case,
 * and a vfork-style clone that copies no page tables) watched by a pidfd, or
 * through uv_spawn when it must change user. */
struct job {
        uv_process_t proc;
        uv_poll_t exit_poll;
        bool via_uv;
        pid_t pid;
        int pidfd;
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
                if (j->pidfd >= 0)
                        close(j->pidfd);
                free_argv(j->argv);
                free(j);
        }
}

static void finish(struct job *j)
{
        unlink_job(j);
        j->done(j->ctx, &j->res);
        uv_close((uv_handle_t *)&j->timer, on_closed);
        if (j->via_uv)
                uv_close((uv_handle_t *)&j->proc, on_closed); /* initialised even when the spawn failed */
        else if (j->pidfd >= 0)
                uv_close((uv_handle_t *)&j->exit_poll, on_closed);
        else
                j->handles_open--; /* posix_spawn failed: only the timer was open */
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
        pid_t pgid = j->pid;

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

static void on_pidfd(uv_poll_t *h, int status, int events)
{
        struct job *j = h->data;
        siginfo_t si = { 0 };

        (void)status, (void)events;
        if (waitid(P_PID, (id_t)j->pid, &si, WEXITED | WNOHANG) < 0 || si.si_pid != j->pid)
                return;
        uv_poll_stop(h);
        if (si.si_code == CLD_EXITED)
                j->res.exit_status = si.si_status;
        else
                j->res.term_signal = si.si_status;
        uv_timer_stop(&j->timer);
        finish(j);
}


/* setsid and default signal dispositions, stdin/stdout on /dev/null. */
static int start_posix(uv_loop_t *loop, struct job *j)
{
        posix_spawnattr_t at;
        posix_spawn_file_actions_t fa;
        sigset_t none, all;
        int r;

        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_init(&at);
        posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        posix_spawnattr_setsigmask(&at, &none);
        posix_spawnattr_setsigdefault(&at, &all);
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        r = posix_spawnp(&j->pid, j->argv[0], &fa, &at, j->argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&at);
        if (r != 0)
                return -r;
        j->pidfd = (int)syscall(SYS_pidfd_open, j->pid, 0);
        if (j->pidfd < 0) {
                r = -errno;
                kill(j->pid, SIGKILL);
                waitpid(j->pid, NULL, 0);
                return r;
        }
        uv_poll_init(loop, &j->exit_poll, j->pidfd);
        j->exit_poll.data = j;
        uv_poll_start(&j->exit_poll, UV_READABLE, on_pidfd);
        return 0;
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
        j->pidfd = -1;
        o.file = j->argv[0];
        o.args = j->argv;
        uv_timer_init(loop, &j->timer);
        j->timer.data = j;
        j->proc.data = j;
        j->handles_open = 2;
        if (req->uid || req->gid) {
                o.flags |= UV_PROCESS_SETUID | UV_PROCESS_SETGID;
                o.uid = req->uid;
                o.gid = req->gid;
                j->via_uv = true;
                r = uv_spawn(loop, &j->proc, &o);
                j->pid = r == 0 ? j->proc.pid : 0;
        } else {
                r = start_posix(loop, j);
        }
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
        return j->pid;
}

void spawn_terminate_all(void)
{
        for (struct job *j = live; j; j = j->next)
                kill(-j->pid, SIGTERM);
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
