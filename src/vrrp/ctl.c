/* The VRRP worker's commands on the supervisor channel (the channel, the
 * heartbeat and the request/reply envelope are worker/ctl.c's): status,
 * demote, promote and reload; events and tracker changes go up. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "net/nl.h"
#include "vrrp/engine_internal.h"
#include "vrrp/reload.h"
#include "vrrp/status.h"
#include "worker/ctl.h"

void engine_ctl_event(void *ctx, struct vrrp_instance *vi, const struct vrrp_action *a)
{
        struct engine *e = ctx;
        json_t *ev;

        if (!wctl_attached(&e->ctl) || !(ev = vrrp_event_json(vi, a)))
                return;
        wctl_send(&e->ctl, ev);
        wctl_heartbeat_soon(&e->ctl);
}

void engine_ctl_tracker(struct engine *e, const struct tracker *t)
{
        if (!wctl_attached(&e->ctl))
                return;
        wctl_send(&e->ctl, json_pack("{s:s,s:s,s:s,s:o}", "event", "tracker", "name", t->name, "kind",
                                     tracker_kind_name(t->kind), "status",
                                     t->kind == TK_FILE ? json_integer(t->value) : json_string(t->up ? "up" : "down")));
        wctl_heartbeat_soon(&e->ctl);
}

/* demote/promote an instance, or every member of a sync group; the
 * supervisor keeps the list for a restarted worker. */
static int demote(struct engine *e, const char *name, bool on)
{
        int found = engine_demote(e, name, on);

        if (found) {
                wctl_send(&e->ctl, json_pack("{s:o}", "demoted", engine_demoted_json(e)));
                /* in the event history, beside the transitions it causes */
                wctl_send(&e->ctl, json_pack("{s:s,s:s,s:i}", "event", on ? "demote" : "promote", "name", name,
                                             "instances", found));
        }
        return found;
}

/* A sync group's members move together: one member demoted alone hands
 * over, and the group pulls it back as master ("taking over although
 * demoted") within an advert. The group is the unit to demote. */
static const char *group_of_member(const struct engine *e, const char *name)
{
        for (unsigned i = 0; i < e->ninst; i++)
                if (!strcmp(e->inst[i].c->name, name))
                        return e->inst[i].c->sync_group;
        return NULL;
}

static json_t *reply_plan(bool check, const struct reload_plan *plan)
{
        json_t *out = reload_plan_json(plan);

        json_object_set_new(out, "ok", json_true());
        json_object_set_new(out, "check", json_boolean(check));
        return out;
}

/* With check only say what switching would do (the same plan either way). */
static json_t *apply(struct engine *e, struct conf *nc, bool check, int64_t parse_us)
{
        int64_t t0 = mono_usec();
        struct reload_plan plan = { 0 };
        const struct reload_report *r = &plan.counts;
        json_t *out;
        int rc;

        rc = !nc ? -1 : check ? engine_reload_plan(e, nc, &plan) : engine_reload(e, nc, &plan);
        if (rc < 0) {
                if (nc)
                        conf_free(nc);
                log_err("reload failed: the configuration could not be loaded; the running one stays");
                return json_pack("{s:b,s:s}", "ok", 0, "error", "the VRRP worker could not load the configuration");
        }
        out = reply_plan(check, &plan);
        if (check) {
                conf_free(nc);
        } else {
                log_info("Reloaded: %u kept, %u updated in place, %u restarted, %u added, %u removed "
                         "(parsed in %.1f ms off the loop, applied in %.1f ms)",
                         r->kept, r->updated, r->restarted, r->added, r->removed, (double)parse_us / 1e3,
                         (double)(mono_usec() - t0) / 1e3);
        }
        reload_plan_free(&plan);
        return out;
}

static json_t *apply_reload(void *ctx, struct conf *nc, bool check, int64_t parse_us)
{
        return apply(ctx, nc, check, parse_us);
}

/* {"cmd": "reload", ...}: parsed on the thread pool, applied here (worker/reloads.h). */
static json_t *cmd_reload(void *ctx, json_t *msg)
{
        struct engine *e = ctx;
        struct wreloads *r = &e->reloads;

        r->loop = &e->loop;
        r->ctl = &e->ctl;
        r->load = e->load.load;
        r->load_ctx = e->load.ctx;
        r->apply = apply_reload;
        r->apply_ctx = e;
        r->who = "the VRRP worker";
        return wreloads_command(r, msg);
}

static json_t *cmd_status(void *ctx, json_t *msg)
{
        struct engine *e = ctx;
        json_t *st = vrrp_status(e->inst, e->ninst, e->events);

        (void)msg;
        /* address, route and rule requests the kernel refused (each was logged) */
        json_object_set_new(st, "netlink", json_pack("{s:I}", "failed_requests", (json_int_t)nl_async_failed(e->nl)));
        return json_pack("{s:b,s:o}", "ok", 1, "status", st);
}

static json_t *cmd_demote(void *ctx, json_t *msg)
{
        struct engine *e = ctx;
        const char *name = json_string_value(json_object_get(msg, "name"));
        bool on = !strcmp(json_string_value(json_object_get(msg, "cmd")), "demote");
        const char *group = name ? group_of_member(e, name) : NULL;
        int n = name && !group ? demote(e, name, on) : 0;
        json_t *body = json_pack("{s:b}", "ok", n > 0);

        if (group)
                json_object_set_new(body, "error", json_sprintf("%s is in sync group %s; %s the group", name, group,
                                                                on ? "demote" : "promote"));
        else if (!n)
                json_object_set_new(body, "error", json_sprintf("no vrrp_instance or vrrp_sync_group named '%s'",
                                                                name ? name : ""));
        return body;
}

static json_t *summary(void *ctx)
{
        struct engine *e = ctx;

        return vrrp_status_counts(e->inst, e->ninst);
}

static void supervisor_gone(void *ctx)
{
        struct engine *e = ctx;

        e->sup_gone = true; /* on_signal says so */
        uv_kill(getpid(), SIGTERM);
}

static const struct wctl_cmd commands[] = {
        { "status", cmd_status, true }, /* the status of every instance is large and short-lived */
        { "demote", cmd_demote, false },
        { "promote", cmd_demote, false },
        { "reload", cmd_reload, false },
        { NULL, NULL, false },
};

static const struct wctl_ops ops = { commands, summary, supervisor_gone };

void engine_ctl_attach(struct engine *e, int fd)
{
        if (wctl_attach(&e->ctl, &e->loop, fd, &ops, e) < 0)
                return;
        e->events->observer = engine_ctl_event;
        e->events->observer_ctx = e;
}

void engine_ctl_detach(struct engine *e)
{
        wctl_heartbeat(&e->ctl);
}
