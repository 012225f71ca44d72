/* JSON lines over a stream socket, driven by a libuv loop: the channel
 * between the supervisor and its workers, and between the control socket
 * and vigilctl. One JSON object per line, both ways. Writes are queued and
 * never block the loop; a peer that stops reading is dropped once its queue
 * passes IPC_MAX_QUEUED bytes. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

/* A line is one message: the status of a health checker of 37,000 real
 * servers is some 26 MB of JSON, and must pass (at 1 MiB, vigilctl status
 * dropped the channel and the worker with it). The peers are the daemon's
 * own processes and root's vigilctl. */
#define IPC_MAX_LINE (64 * 1024 * 1024)
#define IPC_MAX_QUEUED (2 * IPC_MAX_LINE)

struct ipc;

/* msg is borrowed for the call. A NULL msg means the peer went away (or sent
 * something that is not JSON); the channel is closed after the callback. */
typedef void (*ipc_msg_fn)(void *ctx, struct ipc *ch, json_t *msg);

struct ipc *ipc_open(uv_loop_t *loop, int fd, ipc_msg_fn on_msg, void *ctx);
/* Queue msg (not stolen) as one line; false if the channel is closed. */
bool ipc_send(struct ipc *ch, json_t *msg);
/* Close and free; safe from inside on_msg. */
void ipc_close(struct ipc *ch);
void *ipc_ctx(const struct ipc *ch);
void ipc_set_ctx(struct ipc *ch, void *ctx);

/* The framing, pure: read_in() and the tests share it. If buf[0..*len)
 * holds a complete line, decode it into *ret_msg (NULL when it is not
 * JSON), remove it and its newline from buf, and return true. */
bool ipc_frame_take(char *buf, size_t *len, json_t **ret_msg);
/* The input buffer's next capacity after cap (0 at first), or 0 once a
 * line without its newline has outgrown IPC_MAX_LINE: the peer is dropped. */
size_t ipc_frame_grow(size_t cap);
