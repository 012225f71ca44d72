#include "worker/ctl.h"

#include <errno.h>
#include <malloc.h>
#include <string.h>

#include "worker/ipc.h"

char wctl_later_tag;

static const struct wctl_cmd *find(const struct wctl_cmd *cmds, const char *name)
{
        for (; cmds && cmds->cmd; cmds++)
                if (!strcmp(cmds->cmd, name))
                        return cmds;
        return NULL;
}

json_t *wctl_dispatch(const struct wctl_cmd *cmds, void *ctx, json_t *msg)
{
        const char *name = json_string_value(json_object_get(msg, "cmd"));
        json_t *id = json_object_get(msg, "id");
        const struct wctl_cmd *c;
        json_t *reply, *body;

        if (!name)
                return NULL;
        c = find(cmds, name);
        body = c ? c->fn(ctx, msg) : json_pack("{s:b,s:s}", "ok", 0, "error", "unknown command");
        if (body == WCTL_LATER)
                return NULL;
        reply = json_pack("{s:O}", "reply", id ? id : json_null());
        if (body)
                json_object_update(reply, body);
        else
                json_object_set_new(reply, "ok", json_false());
        json_decref(body);
        return reply;
}

void wctl_send(struct wctl *w, json_t *msg)
{
        if (w->ch && msg)
                ipc_send(w->ch, msg);
        json_decref(msg);
}

void wctl_heartbeat(struct wctl *w)
{
        if (w->ch)
                wctl_send(w, json_pack("{s:o}", "summary", w->ops->summary(w->ctx)));
}

void wctl_reply(struct wctl *w, json_t *id, json_t *body)
{
        json_t *reply = json_pack("{s:O}", "reply", id ? id : json_null());

        json_object_update(reply, body);
        json_decref(body);
        wctl_send(w, reply);
        wctl_heartbeat(w);
}

static void on_heartbeat(uv_timer_t *t)
{
        wctl_heartbeat(t->data);
}

void wctl_heartbeat_soon(struct wctl *w)
{
        if (w->ch && !uv_is_active((uv_handle_t *)&w->soon))
                uv_timer_start(&w->soon, on_heartbeat, 0, 0);
}

static void on_message(void *ctx, struct ipc *ch, json_t *msg)
{
        struct wctl *w = ctx;
        const struct wctl_cmd *c;
        json_t *reply;

        (void)ch;
        if (!msg) {
                w->ch = NULL; /* the channel closes itself after this */
                w->ops->gone(w->ctx);
                return;
        }
        if (!(reply = wctl_dispatch(w->ops->cmds, w->ctx, msg)))
                return;
        wctl_send(w, reply);
        wctl_heartbeat(w);
        c = find(w->ops->cmds, json_string_value(json_object_get(msg, "cmd")));
        if (c && c->trim)
                malloc_trim(0);
}

bool wctl_attached(const struct wctl *w)
{
        return w->ch != NULL;
}

int wctl_attach(struct wctl *w, uv_loop_t *loop, int fd, const struct wctl_ops *ops, void *ctx)
{
        w->ops = ops;
        w->ctx = ctx;
        w->ch = ipc_open(loop, fd, on_message, w);
        if (!w->ch)
                return -ENOMEM;
        uv_timer_init(loop, &w->period);
        uv_timer_init(loop, &w->soon);
        w->period.data = w->soon.data = w;
        uv_timer_start(&w->period, on_heartbeat, 0, WCTL_HEARTBEAT_MS);
        return 0;
}
