/* A worker's side of the supervisor channel (worker/ipc.h), the part every
 * worker kind shares: the heartbeat (its summary at a fixed period and soon
 * after events), and commands answered through a table each worker
 * registers. A request is {"cmd": NAME, "id": ID, ...}; its reply is
 * {"reply": ID, "ok": BOOL, ...}, the rest being the handler's. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <uv.h>

/* The heartbeat's period. The supervisor feeds systemd's watchdog only
 * while heartbeats arrive, and keeps nothing per object: vigilctl and
 * scrapes ask the worker. */
#define WCTL_HEARTBEAT_MS 1000

struct ipc;

/* Answer msg (borrowed): the reply's body, a new object with at least "ok". */
typedef json_t *(*wctl_handler_fn)(void *ctx, json_t *msg);

struct wctl_cmd {
        const char *cmd;
        wctl_handler_fn fn;
        bool trim;      /* its reply is large and short-lived: give the memory back after sending */
};

/* What a handler returns to answer later with wctl_reply (work done off
 * the loop): nothing is sent now. */
extern char wctl_later_tag;
#define WCTL_LATER ((json_t *)(void *)&wctl_later_tag)

struct wctl_ops {
        const struct wctl_cmd *cmds;    /* ends with { NULL } */
        json_t *(*summary)(void *ctx);  /* the heartbeat: sent as {"summary": ...} */
        void (*gone)(void *ctx);        /* the channel closed: the supervisor is gone */
};

struct wctl {
        struct ipc *ch;                 /* NULL when standalone */
        const struct wctl_ops *ops;
        void *ctx;
        uv_timer_t period, soon;
};

/* Open the channel on fd and start the heartbeat; 0 or -errno. */
int wctl_attach(struct wctl *w, uv_loop_t *loop, int fd, const struct wctl_ops *ops, void *ctx);
bool wctl_attached(const struct wctl *w);
/* Send msg (stolen) up; dropped when standalone. */
void wctl_send(struct wctl *w, json_t *msg);
void wctl_heartbeat(struct wctl *w);
/* The reply to request id (borrowed) of a `later` command: body (stolen)
 * sent as {"reply": ID, ...body}, then a heartbeat. */
void wctl_reply(struct wctl *w, json_t *id, json_t *body);
/* One heartbeat when the loop is next idle: a burst of events costs one,
 * not one each. */
void wctl_heartbeat_soon(struct wctl *w);

/* The reply to msg through cmds (an "unknown command" error if none
 * matches); NULL when msg names no command or its handler answers later (nothing is sent now). Pure:
 * the channel's handler and the unit tests both call it. */
json_t *wctl_dispatch(const struct wctl_cmd *cmds, void *ctx, json_t *msg);
