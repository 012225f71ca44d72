/* The check worker's commands on the supervisor channel (the channel, the
 * heartbeat and the envelope are worker/ctl.c's): status and reload. A
 * reload's snapshot is parsed on libuv's thread pool while the checkers go
 * on; the switch happens on the loop. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/engine_internal.h"
#include "common/log.h"

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
        log_debug("reload: the health checker's parse took %.1f ms (off the loop)", (double)parse_us / 1e3);
        if (ck_engine_swap(e, nc, &report) < 0) {
                conf_free(nc);
                log_err("reload failed: no memory for the new model; the running one stays");
                return failed();
        }
        out = json_pack("{s:b,s:b,s:o,s:f}", "ok", 1, "check", 0, "checkers", report ? report : json_object(),
                        "parse_ms", (double)parse_us / 1e3);
        return out;
}

static json_t *apply_reload(void *ctx, struct conf *nc, bool check, int64_t parse_us)
{
        return apply(ctx, nc, check, parse_us);
}

/* {"cmd": "reload", ...}: parsed on the thread pool, applied here (worker/reloads.h). */
static json_t *cmd_reload(void *ctx, json_t *msg)
{
        struct check_engine *e = ctx;
        struct wreloads *r = &e->reloads;

        r->loop = &e->loop;
        r->ctl = &e->ctl;
        r->load = e->load.load;
        r->load_ctx = e->load.ctx;
        r->apply = apply_reload;
        r->apply_ctx = e;
        r->who = "the health checker";
        return wreloads_command(r, msg);
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
