/* The worker's side of the supervisor channel: events and status go up,
 * commands (status, demote, promote) come down. */
#include <malloc.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "daemon/ipc.h"
#include "vrrp/engine_internal.h"
#include "vrrp/reload.h"
#include "vrrp/status.h"

/* The heartbeat: counts by state, after events and at this period. The
 * supervisor feeds systemd's watchdog only while heartbeats arrive, and keeps
 * nothing per instance: vigilctl and scrapes ask the worker. */
#define STATUS_PUSH_MS 1000

static void send_owned(struct engine *e, json_t *msg)
{
        ipc_send(e->sup, msg);
        json_decref(msg);
}

static void push_status(struct engine *e)
{
        send_owned(e, json_pack("{s:o}", "summary", vrrp_status_counts(e->inst, e->ninst)));
}

static void on_status_soon(uv_timer_t *t)
{
        push_status(t->data);
}

/* After events, one heartbeat when the loop is next idle: a burst of
 * transitions costs one, not one each. */
static void status_soon(struct engine *e)
{
        if (!uv_is_active((uv_handle_t *)&e->status_soon))
                uv_timer_start(&e->status_soon, on_status_soon, 0, 0);
}

void engine_ctl_event(void *ctx, struct vrrp_instance *vi, const struct vrrp_action *a)
{
        struct engine *e = ctx;
        json_t *ev;

        if (!e->sup || !(ev = vrrp_event_json(vi, a)))
                return;
        send_owned(e, ev);
        status_soon(e);
}

void engine_ctl_tracker(struct engine *e, const struct tracker *t)
{
        if (!e->sup)
                return;
        send_owned(e, json_pack("{s:s,s:s,s:s,s:o}", "event", "tracker", "name", t->name, "kind",
                                tracker_kind_name(t->kind), "status",
                                t->kind == TK_FILE ? json_integer(t->value) : json_string(t->up ? "up" : "down")));
        status_soon(e);
}

/* demote/promote an instance, or every member of a sync group; the
 * supervisor keeps the list for a restarted worker. */
static int demote(struct engine *e, const char *name, bool on)
{
        int found = engine_demote(e, name, on);

        if (found && e->sup) {
                send_owned(e, json_pack("{s:o}", "demoted", engine_demoted_json(e)));
                /* in the event history, beside the transitions it causes */
                send_owned(e, json_pack("{s:s,s:s,s:i}", "event", on ? "demote" : "promote", "name", name,
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

static json_t *reply_demote(struct engine *e, json_t *id, const char *name, bool on)
{
        const char *group = name ? group_of_member(e, name) : NULL;
        int n = name && !group ? demote(e, name, on) : 0;
        json_t *reply = json_pack("{s:O,s:b}", "reply", id ? id : json_null(), "ok", n > 0);

        if (group)
                json_object_set_new(reply, "error", json_sprintf("%s is in sync group %s; %s the group", name, group,
                                                                 on ? "demote" : "promote"));
        else if (!n)
                json_object_set_new(reply, "error",
                                    json_sprintf("no vrrp_instance or vrrp_sync_group named '%s'", name ? name : ""));
        return reply;
}

static json_t *reply_plan(json_t *id, bool check, const struct reload_plan *plan)
{
        json_t *out = reload_plan_json(plan);

        json_object_set_new(out, "reply", json_incref(id ? id : json_null()));
        json_object_set_new(out, "ok", json_true());
        json_object_set_new(out, "check", json_boolean(check));
        return out;
}

/* The supervisor validated the file; parse it again here and switch, or
 * with check only say what switching would do (the same plan either way). */
static json_t *reload(struct engine *e, json_t *id, bool check)
{
        struct conf *nc = e->load ? e->load() : NULL;
        struct reload_plan plan = { 0 };
        const struct reload_report *r = &plan.counts;
        json_t *out;
        int rc;

        rc = !nc ? -1 : check ? engine_reload_plan(e, nc, &plan) : engine_reload(e, nc, &plan);
        if (rc < 0) {
                if (nc)
                        conf_free(nc);
                log_err("reload failed: the configuration could not be loaded; the running one stays");
                return json_pack("{s:O,s:b,s:s}", "reply", id ? id : json_null(), "ok", 0, "error",
                                 "the VRRP worker could not load the configuration");
        }
        out = reply_plan(id, check, &plan);
        if (check) {
                conf_free(nc);
        } else {
                log_info("Reloaded: %u kept, %u updated in place, %u restarted, %u added, %u removed", r->kept,
                         r->updated, r->restarted, r->added, r->removed);
        }
        reload_plan_free(&plan);
        return out;
}

static void on_command(void *ctx, struct ipc *ch, json_t *msg)
{
        struct engine *e = ctx;
        const char *cmd = json_string_value(json_object_get(msg, "cmd"));
        json_t *id = json_object_get(msg, "id");
        json_t *reply;

        if (!msg) {
                e->sup_gone = true; /* on_signal says so */
                e->sup = NULL;
                uv_kill(getpid(), SIGTERM);
                return;
        }
        (void)ch;
        if (!cmd) {
                return;
        } else if (!strcmp(cmd, "status")) {
                reply = json_pack("{s:O,s:b,s:o}", "reply", id ? id : json_null(), "ok", 1, "status",
                                  vrrp_status(e->inst, e->ninst, e->events));
        } else if (!strcmp(cmd, "demote") || !strcmp(cmd, "promote")) {
                reply = reply_demote(e, id, json_string_value(json_object_get(msg, "name")),
                                     !strcmp(cmd, "demote"));
        } else if (!strcmp(cmd, "reload")) {
                reply = reload(e, id, json_is_true(json_object_get(msg, "check")));
        } else {
                reply = json_pack("{s:O,s:b,s:s}", "reply", id ? id : json_null(), "ok", 0, "error",
                                  "unknown command");
        }
        send_owned(e, reply);
        push_status(e);
        if (!strcmp(cmd, "status"))
                malloc_trim(0); /* the status of every instance was large and short-lived */
}

static void on_status_timer(uv_timer_t *t)
{
        push_status(t->data);
}

void engine_ctl_attach(struct engine *e, int fd)
{
        e->sup = ipc_open(&e->loop, fd, on_command, e);
        if (!e->sup)
                return;
        e->events->observer = engine_ctl_event;
        e->events->observer_ctx = e;
        uv_timer_init(&e->loop, &e->status_timer);
        uv_timer_init(&e->loop, &e->status_soon);
        e->status_timer.data = e->status_soon.data = e;
        uv_timer_start(&e->status_timer, on_status_timer, 0, STATUS_PUSH_MS);
}

void engine_ctl_detach(struct engine *e)
{
        if (e->sup)
                push_status(e);
}
