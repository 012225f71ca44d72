/* The control socket (vigilctl): requests are routed by a table to the
 * workers that own them (demote → vrrp, drain → check, status → every
 * running one), and their answers merged into one reply. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/sup_internal.h"
#include "worker/ipc.h"

#define TO_VRRP (1u << WK_VRRP)
#define TO_CHECK (1u << WK_CHECK)
#define TO_ALL (TO_VRRP | TO_CHECK)

enum route_how {
        ROUTE_QUERY,    /* answered here from the workers' fresh status */
        ROUTE_FORWARD,  /* the worker's own answer */
        ROUTE_RELOAD,   /* validated here, then every worker switches */
        ROUTE_EVENTS,   /* the history and stream kept here */
};

static const struct route {
        const char *cmd;
        unsigned to;
        enum route_how how;
} routes[] = {
        { "status", TO_ALL, ROUTE_QUERY },   { "dump", TO_ALL, ROUTE_QUERY },
        { "show", TO_VRRP, ROUTE_QUERY },    { "demote", TO_VRRP, ROUTE_FORWARD },
        { "promote", TO_VRRP, ROUTE_FORWARD }, { "drain", TO_CHECK, ROUTE_FORWARD },
        { "undrain", TO_CHECK, ROUTE_FORWARD }, { "enable", TO_CHECK, ROUTE_FORWARD },
        { "disable", TO_CHECK, ROUTE_FORWARD }, { "show-vs", TO_CHECK, ROUTE_QUERY },
        { "reload", TO_ALL, ROUTE_RELOAD },
        { "events", 0, ROUTE_EVENTS },
};

json_t *answer(json_t *id, bool ok)
{
        return json_pack("{s:O,s:b}", "id", id ? id : json_null(), "ok", ok);
}

static json_t *reload_json(const struct sup *s)
{
        return json_pack("{s:I,s:I,s:o,s:o}", "count", (json_int_t)s->reload.count, "failed",
                         (json_int_t)s->reload.failed, "last_ok", s->reload.count ? json_boolean(s->reload.last_ok)
                                                                                   : json_null(),
                         "last_time", s->reload.count ? json_real((double)s->reload.last_time / 1e6) : json_null());
}

static json_t *find_instance(json_t *status, const char *name)
{
        size_t i;
        json_t *vi;

        json_array_foreach(json_object_get(status, "instances"), i, vi)
                if (name && !strcmp(json_string_value(json_object_get(vi, "name")), name))
                        return vi;
        return NULL;
}

/* The receive counters of the interface an instance runs on, if the
 * status has them: [{"name": IFNAME, "counters": {...}}]. */
static json_t *find_interface(json_t *status, json_t *vi)
{
        const char *name = json_string_value(json_object_get(vi, "interface"));
        size_t i;
        json_t *ifc;

        json_array_foreach(json_object_get(status, "interfaces"), i, ifc)
                if (name && json_is_string(json_object_get(ifc, "name")) &&
                    !strcmp(json_string_value(json_object_get(ifc, "name")), name))
                        return ifc;
        return NULL;
}

static json_t *show_answer(struct sup *s, json_t *req)
{
        json_t *st = s->slot[WK_VRRP].status;
        json_t *vi = find_instance(st, json_string_value(json_object_get(req, "name")));
        json_t *out = answer(json_object_get(req, "id"), vi != NULL);

        json_object_set_new(out, vi ? "instance" : "error",
                            vi   ? json_incref(vi)
                            : st ? json_string("no such vrrp_instance")
                                 : json_string("the VRRP worker is not running"));
        if (vi && find_interface(st, vi))
                json_object_set(out, "interface", find_interface(st, vi));
        return out;
}

/* status and dump: "status" is the VRRP worker's, as it always was; every
 * other kind's is under its name, null when it does not run. */
json_t *local_answer(struct sup *s, json_t *req)
{
        json_t *out;

        if (!strcmp(json_string_value(json_object_get(req, "cmd")), "show"))
                return show_answer(s, req);
        if (!strcmp(json_string_value(json_object_get(req, "cmd")), "show-vs"))
                return lvs_show_vs(s, req);
        out = answer(json_object_get(req, "id"), true);
        json_object_set(out, "status", s->slot[WK_VRRP].status ? s->slot[WK_VRRP].status : json_null());
        for (int k = 0; k < WK_COUNT; k++)
                if (k != WK_VRRP)
                        json_object_set(out, s->slot[k].kind->name, s->slot[k].status ? s->slot[k].status : json_null());
        json_object_set_new(out, "worker", worker_json(&s->slot[WK_VRRP]));
        json_object_set_new(out, "workers", workers_json(s));
        json_object_set_new(out, "reload", reload_json(s));
        json_object_set_new(out, "config_file", json_string(s->o->config_file));
        return out;
}

/* The first kind that answered gives the reply; the others add theirs
 * under their names, and "ok" holds only if every one is ok. */
static json_t *merged_reply(struct fanout *f)
{
        json_t *out = NULL;
        bool ok = true;

        for (int k = 0; k < WK_COUNT; k++) {
                json_t *r = f->replies[k];
                if (!r)
                        continue;
                ok &= json_is_true(json_object_get(r, "ok"));
                if (!out) {
                        out = json_deep_copy(r);
                        json_object_del(out, "reply");
                } else {
                        json_object_set(out, f->s->slot[k].kind->name, r);
                }
        }
        if (!out) /* every worker asked died first */
                return json_pack("{s:O,s:b,s:s}", "id", f->client_id ? f->client_id : json_null(), "ok", 0, "error",
                                 "the VRRP worker stopped before answering");
        json_object_set(out, "id", f->client_id ? f->client_id : json_null());
        json_object_set_new(out, "ok", json_boolean(ok));
        return out;
}

static json_t *query_reply(struct fanout *f)
{
        struct sup *s = f->s;
        json_t *out;

        for (int k = 0; k < WK_COUNT; k++)
                s->slot[k].status = json_object_get(f->replies[k], "status");
        sup_refresh_metrics(s);
        out = f->req ? local_answer(s, f->req) : NULL;
        for (int k = 0; k < WK_COUNT; k++)
                s->slot[k].status = NULL;
        return out;
}

void fanout_done(struct fanout *f)
{
        struct sup *s = f->s;
        bool any = false;
        json_t *out;

        for (int k = 0; k < WK_COUNT; k++)
                any |= f->replies[k] != NULL;
        if (f->reload && any)
                sup_notify("READY=1");
        out = f->query ? query_reply(f) : merged_reply(f);
        if (out && f->diags)
                json_object_set(out, "diagnostics", f->diags);
        if (out && f->cl)
                ipc_send(f->cl->ch, out);
        json_decref(out);
        for (struct fanout **pp = &s->fanouts; *pp; pp = &(*pp)->next)
                if (*pp == f) {
                        *pp = f->next;
                        break;
                }
        for (int k = 0; k < WK_COUNT; k++)
                json_decref(f->replies[k]);
        json_decref(f->client_id);
        json_decref(f->req);
        json_decref(f->diags);
        free(f);
}

/* Fresh numbers: ask the workers, answer when they reply (fanout_done). */
static bool ask_workers(struct sup *s, struct client *cl, json_t *req, unsigned to)
{
        json_t *q = json_pack("{s:s,s:O}", "cmd", "status", "id", json_object_get(req, "id"));
        struct fanout *f = workers_send(s, to, cl, q, -1);

        json_decref(q);
        if (!f)
                return false;
        f->query = true;
        json_decref(f->req);
        f->req = json_incref(req);
        return true;
}

/* The answer, then the history asked for, then the live stream: nothing
 * runs between them, so no event is missed or sent twice. */
static void events_request(struct sup *s, struct client *cl, json_t *req)
{
        json_t *last = json_object_get(req, "last"), *since = json_object_get(req, "since");
        bool bad = (last && (!json_is_integer(last) || json_integer_value(last) < 0)) ||
                   (since && (!json_is_integer(since) || json_integer_value(since) < 0)) || (last && since);
        json_t *out = answer(json_object_get(req, "id"), !bad);

        if (bad)
                json_object_set_new(out, "error", json_string("events takes \"last\": N or \"since\": SEQ "
                                                              "(non-negative integers), not both"));
        ipc_send(cl->ch, out);
        json_decref(out);
        if (bad)
                return;
        if (last || since)
                events_replay(s, cl, since ? json_integer_value(since) : 0, last ? json_integer_value(last) : -1);
        cl->events = true;
}

static const struct route *find_route(const char *cmd)
{
        for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
                if (!strcmp(routes[i].cmd, cmd))
                        return &routes[i];
        return NULL;
}

static const char *owner_title(unsigned to)
{
        for (int k = 0; k < WK_COUNT; k++)
                if (to & (1u << k))
                        return worker_kinds[k].title;
        return "worker";
}

/* Answered now, or NULL when the answer comes later. */
static json_t *route(struct sup *s, struct client *cl, const struct route *r, json_t *msg)
{
        json_t *out;

        switch (r->how) {
        case ROUTE_QUERY:
                return ask_workers(s, cl, msg, r->to) ? NULL : local_answer(s, msg); /* no worker: no instances */
        case ROUTE_EVENTS: events_request(s, cl, msg); return NULL;
        case ROUTE_RELOAD:
                if (json_is_true(json_object_get(msg, "check")))
                        sup_reload_check(s, cl, msg);
                else
                        sup_reload(s, cl, msg);
                return NULL;
        case ROUTE_FORWARD:
                if (workers_send(s, r->to, cl, msg, -1))
                        return NULL;
                out = answer(json_object_get(msg, "id"), false);
                json_object_set_new(out, "error", json_sprintf("the %s is not running", owner_title(r->to)));
                return out;
        }
        return NULL;
}

static void client_gone(struct client *cl)
{
        struct sup *s = cl->s;
        struct client **pp = &s->clients;

        while (*pp && *pp != cl)
                pp = &(*pp)->next;
        if (*pp)
                *pp = cl->next;
        workers_forget_client(s, cl);
        free(cl);
}

static void on_client_msg(void *ctx, struct ipc *ch, json_t *msg)
{
        struct client *cl = ctx;
        const char *cmd;
        const struct route *r;
        json_t *out;

        (void)ch;
        if (!msg) {
                client_gone(cl);
                return;
        }
        cmd = json_string_value(json_object_get(msg, "cmd"));
        if (!cmd)
                cmd = "";
        if ((r = find_route(cmd))) {
                out = route(cl->s, cl, r, msg);
        } else {
                out = answer(json_object_get(msg, "id"), false);
                json_object_set_new(out, "error", json_sprintf("unknown command '%s'", cmd));
        }
        if (out)
                ipc_send(cl->ch, out);
        json_decref(out);
}

static void on_accept(uv_poll_t *h, int status, int events)
{
        struct sup *s = h->data;
        int fd;

        (void)status, (void)events;
        while ((fd = accept4(s->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                struct client *cl = calloc(1, sizeof(*cl));
                if (!cl) {
                        close(fd);
                        continue;
                }
                cl->s = s;
                cl->ch = ipc_open(&s->loop, fd, on_client_msg, cl);
                if (!cl->ch) {
                        close(fd);
                        free(cl);
                        continue;
                }
                cl->next = s->clients;
                s->clients = cl;
        }
}

static void mkdir_parent(const char *path)
{
        char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
        char *slash;

        snprintf(dir, sizeof(dir), "%s", path);
        slash = strrchr(dir, '/');
        if (!slash || slash == dir)
                return;
        *slash = 0;
        mkdir_parent(dir);
        mkdir(dir, 0755);
}

int control_open(struct sup *s)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        const char *path = s->o->control_path;
        size_t len = path ? strlen(path) : 0;

        if (!len || len >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, len + 1);
        mkdir_parent(path);
        unlink(path);
        s->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s->ctl_fd < 0 || bind(s->ctl_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
            listen(s->ctl_fd, 16) < 0)
                return -errno;
        uv_poll_init(&s->loop, &s->ctl_poll, s->ctl_fd);
        s->ctl_poll.data = s;
        uv_poll_start(&s->ctl_poll, UV_READABLE, on_accept);
        return 0;
}

void control_close(struct sup *s)
{
        for (struct client *cl = s->clients; cl; cl = cl->next)
                ipc_close(cl->ch);
        if (s->ctl_fd >= 0)
                unlink(s->o->control_path);
}
