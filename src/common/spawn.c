#include "common/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KILL_GRACE_MS 2000

/* A job runs through posix_spawn (no user switch: the common case, and a
 * vfork-style clone that copies no page tables) or through fork when it must
 * change user and groups; either way a pidfd tells the loop it ended. */
struct job {
        uv_poll_t exit_poll;
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
        if (j->pidfd >= 0)
                uv_close((uv_handle_t *)&j->exit_poll, on_closed);
        else
                j->handles_open--; /* the start failed: only the timer was open */
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

/* A child that failed to start (killed, or its exec failed) is reaped
 * from the loop with WNOHANG, never by a blocking waitpid: it exits at
 * once, so a few polls at REAP_POLL_MS find it. */
#define REAP_POLL_MS 5

static void reaper_closed(uv_handle_t *h)
{
        free(h);
}

static void on_reap_poll(uv_timer_t *t)
{
        pid_t pid = (pid_t)(intptr_t)t->data;
        pid_t r = waitpid(pid, NULL, WNOHANG);

        if (r == pid || (r < 0 && errno != EINTR))
                uv_close((uv_handle_t *)t, reaper_closed);
}

static void reap_later(uv_loop_t *loop, pid_t pid)
{
        uv_timer_t *t;

        if (waitpid(pid, NULL, WNOHANG) == pid || !(t = malloc(sizeof(*t))))
                return;
        uv_timer_init(loop, t);
        t->data = (void *)(intptr_t)pid;
        uv_timer_start(t, on_reap_poll, REAP_POLL_MS, REAP_POLL_MS);
}

/* The loop learns of the job's end through a pidfd. */
static int watch_exit(uv_loop_t *loop, struct job *j)
{
        int r;

        j->pidfd = (int)syscall(SYS_pidfd_open, j->pid, 0);
        if (j->pidfd < 0) {
                r = -errno;
                kill(j->pid, SIGKILL);
                reap_later(loop, j->pid);
                return r;
        }
        uv_poll_init(loop, &j->exit_poll, j->pidfd);
        j->exit_poll.data = j;
        uv_poll_start(&j->exit_poll, UV_READABLE, on_pidfd);
        return 0;
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
        return watch_exit(loop, j);
}

/* In the forked child of a multi-threaded daemon, async-signal-safe calls
 * only: a session of its own, default signals, /dev/null for stdin and
 * stdout, then groups, gid and uid as raw system calls (glibc's wrappers
 * would try to change the credentials of threads that do not exist here),
 * and exec. A failure goes back through err_fd as an errno. */
__attribute__((noreturn)) static void child_exec(const struct spawn_user *u, char **argv, int err_fd)
{
        struct sigaction dfl = { .sa_handler = SIG_DFL };
        sigset_t none;
        int fd, e;

        setsid();
        for (int sig = 1; sig < NSIG; sig++)
                sigaction(sig, &dfl, NULL); /* refused, harmlessly, for KILL, STOP and glibc's own */
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if ((fd = open("/dev/null", O_RDWR)) >= 0) {
                dup2(fd, 0);
                dup2(fd, 1);
                if (fd > 2)
                        close(fd);
        }
        if (syscall(SYS_setgroups, (size_t)u->ngroups, u->groups) == 0 &&
            syscall(SYS_setresgid, u->gid, u->gid, u->gid) == 0 && syscall(SYS_setresuid, u->uid, u->uid, u->uid) == 0)
                execvp(argv[0], argv);
        e = errno;
        if (write(err_fd, &e, sizeof(e)) < 0)
                e = 0;
        _exit(127);
}

/* With a user to switch to. The exec's outcome is read from a close-on-exec
 * pipe: nothing (it closed on exec) or the child's errno. */
static int start_as_user(uv_loop_t *loop, struct job *j, const struct spawn_user *u)
{
        int fds[2], err = 0;
        ssize_t n;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        j->pid = fork();
        if (j->pid == 0) {
                close(fds[0]);
                child_exec(u, j->argv, fds[1]);
        }
        if (j->pid < 0) {
                err = errno;
                close(fds[0]);
                close(fds[1]);
                return -err;
        }
        close(fds[1]);
        do
                n = read(fds[0], &err, sizeof(err));
        while (n < 0 && errno == EINTR);
        close(fds[0]);
        if (n == (ssize_t)sizeof(err)) {
                reap_later(loop, j->pid);
                return -err;
        }
        return watch_exit(loop, j);
}

int spawn_run(uv_loop_t *loop, const struct spawn_req *req, spawn_done_fn done, void *ctx)
{
        struct job *j = calloc(1, sizeof(*j));
        int r;

        if (!j || !(j->argv = copy_argv(req->argv))) {
                free(j);
                return -ENOMEM;
        }
        j->done = done;
        j->ctx = ctx;
        j->pidfd = -1;
        uv_timer_init(loop, &j->timer);
        j->timer.data = j;
        j->handles_open = 2;
        if (req->user && req->user->switch_user)
                r = start_as_user(loop, j, req->user);
        else
                r = start_posix(loop, j);
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

/* The user's groups from the group database, with gid among them. */
static int user_groups(const char *name, struct spawn_user *u)
{
        int n = 32;

        for (int tries = 0; tries < 8; tries++) {
                gid_t *g = realloc(u->groups, (size_t)n * sizeof(*g));
                if (!g)
                        return -ENOMEM;
                u->groups = g;
                if (getgrouplist(name, u->gid, g, &n) >= 0) {
                        u->ngroups = n;
                        return 0;
                }
        }
        return -E2BIG;
}

int spawn_resolve_user(const char *user, const char *group, const char *script_user, const char *script_group,
                       bool supplementary, bool script_security, struct spawn_user *ret)
{
        const struct passwd *pw;
        const struct group *gr;

        memset(ret, 0, sizeof(*ret));
        if (!user) {
                user = script_user;
                group = script_group;
        }
        if (group && group[0] == ':') {
                supplementary = true;
                group = group[1] ? group + 1 : NULL;
        }
        if (!(pw = getpwnam(user ? user : "keepalived_script")))
                return user || script_security ? -ENOENT : 0; /* no keepalived_script: root, as the daemon */
        ret->uid = pw->pw_uid;
        ret->gid = pw->pw_gid;
        if (group) {
                if (!(gr = getgrnam(group)))
                        return -ENOENT;
                ret->gid = gr->gr_gid;
        }
        ret->switch_user = ret->uid || ret->gid || supplementary;
        if (supplementary)
                return user_groups(pw->pw_name, ret);
        return 0;
}

void spawn_user_free(struct spawn_user *u)
{
        free(u->groups);
        u->groups = NULL;
        u->ngroups = 0;
}
