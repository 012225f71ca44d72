/* The check worker's commands on the supervisor channel (the channel, the
 * heartbeat and the envelope are worker/ctl.c's): status and reload. A
 * reload's snapshot is parsed on libuv's thread pool while the checkers go
 * on; the switch happens on the loop. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/engine_internal.h"
#include "common/clock.h"
#include "common/log.h"

struct ck_reload {
        uv_work_t work;
        struct check_engine *e;
        json_t *id;
        bool check;
        int fd;
        int64_t parse_us;
        struct conf *nc;
        struct ck_reload *next;
};

static json_t *failed(void)
{
        return json_pack("{s:b,s:s}", "ok", 0, "error", "the health checker could not load the configuration");
}

static json_t *apply(struct check_engine *e, struct conf *nc, bool check, int64_t parse_us)
{
        json_t *report = NULL, *out;

        if (!nc) {
                log_err("reload failed: the configuration could not be loaded; the running one stays");
                return failed();
        }
        if (check || e->shutdown_until) {
                conf_free(nc);
                return json_pack("{s:b,s:b}", "ok", 1, "check", check);
        }
        if (ck_engine_swap(e, nc, &report) < 0) {
                conf_free(nc);
                log_err("reload failed: no memory for the new model; the running one stays");
                return failed();
        }
        out = json_pack("{s:b,s:b,s:o,s:f}", "ok", 1, "check", 0, "checkers", report ? report : json_object(),
                        "parse_ms", (double)parse_us / 1e3);
        return out;
}

static void parse_off_loop(uv_work_t *w)
{
        struct ck_reload *j = w->data;
        int64_t t0 = mono_usec();

        j->nc = j->e->load.load ? j->e->load.load(j->e->load.ctx, j->fd) : NULL;
        close(j->fd);
        j->parse_us = mono_usec() - t0;
}

static void start_next(struct check_engine *e);

static void parsed(uv_work_t *w, int status)
{
        struct ck_reload *j = w->data;
        struct check_engine *e = j->e;

        e->reloads = j->next;
        if (status < 0) { /* cancelled: the worker is stopping */
                conf_free(j->nc);
                j->nc = NULL;
        }
        wctl_reply(&e->ctl, j->id, apply(e, j->nc, j->check, j->parse_us));
        json_decref(j->id);
        free(j);
        start_next(e);
}

static void start_next(struct check_engine *e)
{
        if (e->reloads && uv_queue_work(&e->loop, &e->reloads->work, parse_off_loop, parsed) < 0) {
                parse_off_loop(&e->reloads->work);
                parsed(&e->reloads->work, 0);
        }
}

/* {"cmd": "reload", "snapshot": "/proc/SUP/fd/N"}: opened now, while the
 * supervisor holds it; reloads apply in order. */
static json_t *cmd_reload(void *ctx, json_t *msg)
{
        struct check_engine *e = ctx;
        const char *path = json_string_value(json_object_get(msg, "snapshot"));
        struct ck_reload *j = calloc(1, sizeof(*j)), **pp = &e->reloads;
        int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;

        if (!j || fd < 0) {
                log_err("reload failed: cannot open the validated configuration %s: %s", path ? path : "(none)",
                        strerror(errno));
                wctl_reply(&e->ctl, json_object_get(msg, "id"), failed());
                free(j);
                if (fd >= 0)
                        close(fd);
                return WCTL_LATER;
        }
        j->work.data = j;
        j->e = e;
        j->id = json_incref(json_object_get(msg, "id"));
        j->check = json_is_true(json_object_get(msg, "check"));
        j->fd = fd;
        while (*pp)
                pp = &(*pp)->next;
        *pp = j;
        if (e->reloads == j)
                start_next(e);
        return WCTL_LATER;
}

static json_t *cmd_status(void *ctx, json_t *msg)
{
        (void)msg;
        return json_pack("{s:b,s:o}", "ok", 1, "status", ck_status(ctx));
}

static json_t *summary(void *ctx)
{
        return ck_summary(ctx);
}

static void supervisor_gone(void *ctx)
{
        struct check_engine *e = ctx;

        e->sup_gone = true;
        uv_kill(getpid(), SIGTERM);
}

static const struct wctl_cmd commands[] = {
        { "status", cmd_status, true },
        { "reload", cmd_reload, false },
        { NULL, NULL, false },
};

static const struct wctl_ops ops = { commands, summary, supervisor_gone };

void ck_ctl_attach(struct check_engine *e, int fd)
{
        if (wctl_attach(&e->ctl, &e->loop, fd, &ops, e) < 0)
                log_warn("health checker: cannot attach the supervisor channel");
}

void ck_ctl_detach(struct check_engine *e)
{
        if (wctl_attached(&e->ctl))
                wctl_heartbeat(&e->ctl);
}
