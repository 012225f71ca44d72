#include "worker/script.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"
#include "common/pathsec.h"
#include "conf/syscheck.h"

static char **argv_dup(char *const *src, unsigned n)
{
        char **out = calloc(n + 1, sizeof(*out));

        if (!out)
                return NULL;
        for (unsigned i = 0; i < n; i++)
                out[i] = src[i]; /* the strings live in the configuration's arena */
        return out;
}

/* The verdict of the config test, applied once at start as keepalived
 * applies it: a script that is missing, cannot run, has no user it may use
 * or is insecure is disabled, and said so once. */
static bool script_disabled(const struct conf *c, const struct conf_script *s, const char *user, const char *what)
{
        struct conf_script_info info;
        enum conf_script_verdict v = conf_script_check(c, s, user, &info);

        if (v == CONF_SCRIPT_OK)
                return false;
        if (v == CONF_SCRIPT_INSECURE)
                log_err("%s: SECURITY VIOLATION - %s; disabling '%s' (insecure)", what, info.why, s->argv[0]);
        else
                log_err("%s: '%s': %s; the script is disabled", what, s->argv[0], conf_script_verdict_str(v));
        return true;
}

int script_cmd_init(struct script_cmd *sc, const struct conf *c, const struct conf_script *s, const char *user,
                    const char *group, const char *what)
{
        int r;

        memset(sc, 0, sizeof(*sc));
        sc->what = what;
        if (!s->cmdline || !s->argc)
                return -EINVAL;
        if (s->cmdline[0] == '<') {
                /* keepalived runs "<file" forms through the shell */
                static char sh[] = "/bin/sh", dash_c[] = "-c";
                char *argv[3] = { sh, dash_c, (char *)(uintptr_t)s->cmdline };
                sc->argv = argv_dup(argv, 3);
        } else {
                sc->argv = argv_dup(s->argv, s->argc);
        }
        if (!sc->argv)
                return -ENOMEM;
        if (script_disabled(c, s, user, what))
                goto disabled;
        r = spawn_resolve_user(user ? user : s->user, user ? group : s->group, c->global.script_user,
                               c->global.script_group, c->global.set_supplementary_groups,
                               c->global.enable_script_security, &sc->user);
        if (r < 0) {
                log_err("%s: user '%s' does not exist; the script is disabled", what,
                        user ? user : s->user ? s->user : c->global.script_user ? c->global.script_user : "keepalived_script");
                goto disabled;
        }
        sc->secure_check = c->global.enable_script_security && sc->user.uid == 0;
        return 0;
disabled:
        script_cmd_free(sc);
        return -EPERM;
}

void script_cmd_free(struct script_cmd *sc)
{
        free(sc->argv);
        sc->argv = NULL;
        spawn_user_free(&sc->user);
}

struct refused {
        uv_timer_t t;
        spawn_done_fn done;
        void *ctx;
};

static void refused_closed(uv_handle_t *h)
{
        free(h->data);
}

static void refused_report(uv_timer_t *t)
{
        struct refused *f = t->data;
        struct spawn_result r = { .started = false, .error = -EPERM };

        f->done(f->ctx, &r);
        uv_close((uv_handle_t *)t, refused_closed);
}

/* Report a refusal from the loop, like any other ending. */
static int refuse(uv_loop_t *loop, spawn_done_fn done, void *ctx)
{
        struct refused *f = calloc(1, sizeof(*f));

        if (!f)
                return -ENOMEM;
        f->done = done;
        f->ctx = ctx;
        uv_timer_init(loop, &f->t);
        f->t.data = f;
        uv_timer_start(&f->t, refused_report, 0, 0);
        return -EPERM;
}

static int kernel_stat(const char *path, struct path_info *ret)
{
        struct stat st;

        if (stat(path, &st) < 0)
                return -errno;
        *ret = (struct path_info){ .uid = st.st_uid, .gid = st.st_gid, .mode = st.st_mode };
        return 0;
}

/* Asked again before every run: the script, or a directory above it, may
 * have been replaced since the start. */
static bool path_is_secure(const char *path, char *why, size_t size)
{
        char buf[PATH_MAX];

        if (!realpath(path, buf))
                return true; /* missing: the start fails and says so */
        return path_tree_is_secure(buf, kernel_stat, why, size);
}

int script_cmd_run(uv_loop_t *loop, const struct script_cmd *sc, const char *const *extra, int64_t timeout_ms,
                   spawn_done_fn done, void *ctx)
{
        char *argv[64];
        unsigned n = 0;
        char why[PATH_MAX + 64];
        struct spawn_req req = { .argv = argv, .user = &sc->user, .timeout_ms = timeout_ms };

        if (!sc->argv)
                return refuse(loop, done, ctx);
        if (sc->secure_check && strchr(sc->argv[0], '/') && !path_is_secure(sc->argv[0], why, sizeof(why))) {
                log_err("%s: SECURITY VIOLATION - %s; refusing to run '%s' as root", sc->what, why, sc->argv[0]);
                return refuse(loop, done, ctx);
        }
        for (char **a = sc->argv; *a && n < 59; a++)
                argv[n++] = *a;
        for (const char *const *e = extra; e && *e && n < 63; e++)
                argv[n++] = (char *)(uintptr_t)*e;
        argv[n] = NULL;
        return spawn_run(loop, &req, done, ctx);
}
