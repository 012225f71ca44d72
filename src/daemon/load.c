/* Reading the configuration: the supervisor parses and checks the file
 * once, recording every file read into a snapshot (conf/snapshot.h) that
 * it hands to the workers in a sealed memfd (daemon/snapfd.h); a worker
 * parses that snapshot, never the files, and runs no system check. */
#include "daemon/load.h"

#include <errno.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "conf/fs_posix.h"
#include "conf/syscheck.h"
#include "daemon/snapfd.h"
#include "daemon/supervisor.h"

static const char *getenv_wrapper(const char *name)
{
        return getenv(name);
}

/* When the snapshot has every file: at once after the main file's read if
 * it has no include (a file of one piece: the workers' parse then runs
 * beside the whole of this one), else once the lexer is done; again then
 * if something was read after all (an include built by substitution). */
struct lexed_hook {
        const struct load_opts *o;
        struct conf_snapshot *snap;
        const struct conf_fs *inner;    /* the recording */
        struct conf_fs fs;
        unsigned calls, calls_when_sent;
        bool sent;
};

static int hook_read(void *ctx, const char *path, bool included, char **ret_data, size_t *ret_len)
{
        struct lexed_hook *h = ctx;
        int r = h->inner->read_file(h->inner->ctx, path, included, ret_data, ret_len);

        if (++h->calls == 1 && !included && r >= 0 && !memmem(*ret_data, *ret_len, "include", 7)) {
                h->sent = true;
                h->calls_when_sent = h->calls;
                h->o->lexed(h->o->lexed_ctx, h->snap);
        }
        return r;
}

static int hook_glob(void *ctx, const char *pattern, char ***ret_paths, size_t *ret_count)
{
        struct lexed_hook *h = ctx;

        h->calls++;
        return h->inner->glob(h->inner->ctx, pattern, ret_paths, ret_count);
}

static void on_lexed(void *ctx)
{
        struct lexed_hook *h = ctx;

        if (!h->sent || h->calls != h->calls_when_sent)
                h->o->lexed(h->o->lexed_ctx, h->snap);
        h->sent = true;
}

static struct conf *parse_recorded(const struct load_opts *o, struct conf_parse_opts *po, struct conf_snapshot *snap,
                                   struct diag_list *diags)
{
        struct lexed_hook h = { .o = o, .snap = snap, .inner = po->fs };

        if (o->lexed) {
                h.fs = (struct conf_fs){ .read_file = hook_read, .glob = hook_glob, .ctx = &h };
                po->fs = &h.fs;
                po->lexed = on_lexed;
                po->lexed_ctx = &h;
        }
        return conf_parse(po, o->config_file, diags);
}

/* Parse o's file; with ret_snap, through a recording of every file read,
 * for the worker to parse exactly the validated bytes. */
struct conf *load_parse(const struct load_opts *o, struct diag_list *diags, char *host, size_t hostsize,
                         struct conf_snapshot **ret_snap)
{
        struct passwd *pw = getpwuid(getuid());
        char id[256];
        struct conf_parse_opts po = {
                .fs = &conf_fs_posix,
                .getenv_fn = getenv_wrapper,
                .random_seed = (unsigned)time(NULL),
                .all_config = o->all_config,
                .username = pw ? pw->pw_name : "root",
        };

        if (gethostname(host, hostsize) < 0)
                snprintf(host, hostsize, "localhost");
        host[hostsize - 1] = '\0';
        snprintf(id, sizeof(id), "%.*s", (int)strcspn(host, "."), host);
        po.hostname = host;
        po.config_id = o->config_id ? o->config_id : id;
        if (!ret_snap)
                return conf_parse(&po, o->config_file, diags);
        if (!(*ret_snap = conf_snapshot_record(&conf_fs_posix, &po, o->config_file)))
                return NULL;
        po.fs = conf_snapshot_fs(*ret_snap);
        return parse_recorded(o, &po, *ret_snap, diags);
}

/* Parse, then the machine checks and what this build does not act on:
 * one verdict for -t, a start and a reload. */
struct conf *load_checked(const struct load_opts *o, struct diag_list *diags, struct conf_snapshot **ret_snap)
{
        char host[256];
        struct conf *c = load_parse(o, diags, host, sizeof(host), ret_snap);

        if (c)
                conf_check_system(c, diags);
        return c;
}

/* Log each diagnostic as one line with its position; the caret form is for -t.
 * The VRRP worker parses the file the supervisor has just checked and
 * logged: it logs only errors, or every warning would appear twice. */
void load_log_diags(const struct diag_list *d)
{
        bool worker = getenv(VIGIL_WORKER_ENV) != NULL;

        for (size_t i = 0; i < d->count; i++) {
                const struct diag *g = &d->items[i];
                if (worker && g->severity != DIAG_ERROR)
                        continue;
                log_msg(g->severity == DIAG_ERROR ? LOG_ERR : LOG_WARNING, "%s:%d:%d: %s: %s",
                        g->pos.file ? g->pos.file : "?", g->pos.line, g->pos.col,
                        g->severity == DIAG_ERROR ? "error" : "warning", g->msg);
        }
}

/* The snapshot of what was validated in a sealed memfd; -1 (logged) if it cannot be. */
int load_snapshot_fd(struct conf_snapshot *snap)
{
        int fd = snap ? snapfd_create(snap) : -ENOMEM;

        conf_snapshot_free(snap);
        if (fd < 0)
                log_err("cannot keep the validated configuration for the worker: %s", strerror(-fd));
        return fd < 0 ? -1 : fd;
}

/* The reload's snapshot as soon as it has every file: its memfd goes to
 * early(), and is the one the verdict hands over if the file is valid. */
struct early_snap {
        void (*fn)(void *arg, int snapfd);
        void *arg;
        int fd;
};

static void early_snapshot(void *ctx, struct conf_snapshot *snap)
{
        struct early_snap *e = ctx;
        int fd = snapfd_create(snap);

        if (fd < 0)
                return; /* the workers parse after the verdict, as before */
        if (e->fd >= 0)
                close(e->fd); /* the workers were given a copy; this one has more */
        e->fd = fd;
        e->fn(e->arg, fd);
}

/* The snapshot's memfd for a valid file: the early one, else a new one. */
static int verdict_fd(struct conf_snapshot *snap, struct early_snap *e)
{
        if (e->fd < 0)
                return load_snapshot_fd(snap); /* frees snap */
        conf_snapshot_free(snap);
        return e->fd;
}

/* Reload: the same verdict as a start, as JSON for vigilctl; when it is
 * valid, the configuration and the memfd of its snapshot. With early, the
 * snapshot goes to early() once every file is read, before the parse and
 * the checks give their verdict. */
void *load_validate_for_reload(const void *ctx, const char *path, struct conf **ret_conf, int *ret_fd,
                               void (*early)(void *arg, int snapfd), void *early_arg)
{
        struct load_opts o = *(const struct load_opts *)ctx;
        struct conf_snapshot *snap = NULL;
        struct early_snap e = { early, early_arg, -1 };
        struct diag_list diags;
        struct conf *c;
        json_t *out = json_array();

        o.config_file = path;
        if (early) {
                o.lexed = early_snapshot;
                o.lexed_ctx = &e;
        }
        diag_list_init(&diags);
        c = load_checked(&o, &diags, &snap);
        load_log_diags(&diags);
        for (size_t i = 0; i < diags.count; i++) {
                const struct diag *g = &diags.items[i];
                json_array_append_new(out, json_pack("{s:s,s:i,s:i,s:s,s:s}", "file", g->pos.file ? g->pos.file : "",
                                                     "line", g->pos.line, "column", g->pos.col, "severity",
                                                     g->severity == DIAG_ERROR ? "error" : "warning", "message",
                                                     g->msg));
        }
        *ret_conf = NULL;
        *ret_fd = -1;
        if (c && !diag_blocks_start(&diags)) {
                *ret_fd = verdict_fd(snap, &e);
        } else {
                conf_snapshot_free(snap);
                if (e.fd >= 0)
                        close(e.fd);
        }
        if (*ret_fd >= 0)
                *ret_conf = c;
        else
                conf_free(c);
        diag_list_free(&diags);
        return out;
}

/* The start's verdict on a parsed c: c, or NULL (freed) with *ret_rc. */
static struct conf *verdict_for_run(const char *path, struct conf *c, struct diag_list *diags, int *ret_rc)
{
        int rc;

        load_log_diags(diags);
        /* a refused start is 4 (unreadable file) or 5, never -t's 6: the
         * unit's RestartPreventExitStatus must stop the restart loop; a
         * start with scripts disabled or run unchecked runs, as keepalived's */
        if (!c || diag_has_class(diags, DIAG_ERROR, DIAG_UNREADABLE))
                rc = EXIT_CONFIG_CANNOT_RUN;
        else
                rc = diag_blocks_start(diags) ? EXIT_CONFIG_ERRORS : 0;
        diag_list_free(diags);
        if (rc != 0) {
                log_err("%s: configuration has errors; not starting (vigild -t shows them in full)", path);
                conf_free(c);
                *ret_rc = rc;
                return NULL;
        }
        return c;
}

/* Parse and check, recording the snapshot the worker will parse. */
struct conf *load_for_run(const struct load_opts *o, int *ret_rc, struct conf_snapshot **ret_snap)
{
        struct diag_list diags;

        diag_list_init(&diags);
        return verdict_for_run(o->config_file, load_checked(o, &diags, ret_snap), &diags, ret_rc);
}

/* The worker's parse of the snapshot the supervisor validated: no file is
 * opened and no system check runs again (they are the supervisor's). */
struct conf *load_snapshot(int fd, int *ret_rc)
{
        struct conf_snapshot *snap = NULL;
        struct diag_list diags;
        struct conf *c;
        int r = snapfd_read(fd, &snap);

        if (r < 0) {
                log_err("cannot read the configuration the supervisor validated: %s", strerror(-r));
                *ret_rc = 1;
                return NULL;
        }
        diag_list_init(&diags);
        c = conf_snapshot_parse(snap, getenv_wrapper, &diags);
        c = verdict_for_run(conf_snapshot_path(snap), c, &diags, ret_rc);
        conf_snapshot_free(snap);
        return c;
}

/* On the thread pool, for a reload (vrrp/ctl.c). */
struct conf *load_reload_conf(void *ctx, int fd)
{
        int rc;

        (void)ctx;
        return load_snapshot(fd, &rc);
}

