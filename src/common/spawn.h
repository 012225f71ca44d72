/* Running scripts from the loop: no shell (argv is exec'd directly, a bare
 * name is searched in PATH), in a process group of their own, as a given
 * user, with a timeout after which the group gets SIGTERM and, 2 s later,
 * SIGKILL. The callback always runs exactly once, from the loop. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

struct spawn_result {
        bool started;           /* false: exec set-up failed (error says why) */
        int error;              /* negative errno / libuv code when !started */
        int exit_status;        /* valid when term_signal == 0 */
        int term_signal;
        bool timed_out;
};

typedef void (*spawn_done_fn)(void *ctx, const struct spawn_result *r);

/* Who a job runs as. Root with no other groups asked for keeps the
 * daemon's credentials; otherwise the job gets uid, gid and exactly the
 * supplementary groups listed (none: cleared). */
struct spawn_user {
        uid_t uid;
        gid_t gid;
        gid_t *groups;          /* owned; NULL when ngroups is 0 */
        int ngroups;
        bool switch_user;       /* set uid, gid and groups in the child */
};

struct spawn_req {
        char *const *argv;      /* copied */
        const struct spawn_user *user;  /* NULL: the daemon's own */
        int64_t timeout_ms;     /* 0: none */
};

/* Start a job; done() is called when it has ended (also on failure to
 * start, from the loop). Returns the job's pid or a negative error. */
int spawn_run(uv_loop_t *loop, const struct spawn_req *req, spawn_done_fn done, void *ctx);

/* SIGTERM every job still running (shutdown). */
void spawn_terminate_all(void);

/* A run succeeded: exit 0, not signalled, not timed out. */
bool spawn_succeeded(const struct spawn_result *r);

/* Who a script runs as: the explicit user, else script_user, else
 * "keepalived_script" if it exists, else root, except under
 * enable_script_security (script_security), where keepalived will not fall
 * back to root and neither do we: -ENOENT, and the script is disabled. A
 * group written ":NAME" (or a bare ":") also asks for the user's
 * supplementary groups, as does supplementary (set_supplementary_groups).
 * -ENOENT for an unknown user or group. */
int spawn_resolve_user(const char *user, const char *group, const char *script_user, const char *script_group,
                       bool supplementary, bool script_security, struct spawn_user *ret);
void spawn_user_free(struct spawn_user *u);
