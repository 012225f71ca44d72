#include "worker/ipc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct ipc {
        uv_poll_t poll;
        int fd;
        ipc_msg_fn on_msg;
        void *ctx;
        char *in;
        size_t in_len, in_cap;
        char *out;
        size_t out_off, out_len, out_cap; /* out[out_off..out_len) is still to send */
        bool closing, in_callback, close_pending;
};

static void on_closed(uv_handle_t *h)
{
        struct ipc *ch = h->data;

        close(ch->fd);
        free(ch->in);
        free(ch->out);
        free(ch);
}

void ipc_close(struct ipc *ch)
{
        if (!ch || ch->closing)
                return;
        if (ch->in_callback) {
                ch->close_pending = true;
                return;
        }
        ch->closing = true;
        uv_close((uv_handle_t *)&ch->poll, on_closed);
}

void *ipc_ctx(const struct ipc *ch)
{
        return ch->ctx;
}

void ipc_set_ctx(struct ipc *ch, void *ctx)
{
        ch->ctx = ctx;
}

static void deliver(struct ipc *ch, json_t *msg)
{
        ch->in_callback = true;
        ch->on_msg(ch->ctx, ch, msg);
        ch->in_callback = false;
        if (!msg)
                ch->close_pending = true;
}

static void update_events(struct ipc *ch);

/* send() with MSG_NOSIGNAL: a peer gone (vigilctl interrupted, a
 * supervisor that dropped the channel) is an error to handle, not a
 * SIGPIPE that kills the process. What was sent is skipped by an offset,
 * and the rest moved down only once it is the smaller part, so a reply of
 * many megabytes costs linear time however small the socket's writes. */
static void flush_out(struct ipc *ch)
{
        while (ch->out_off < ch->out_len) {
                ssize_t n = send(ch->fd, ch->out + ch->out_off, ch->out_len - ch->out_off, MSG_NOSIGNAL);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                break;
                        deliver(ch, NULL);
                        return;
                }
                ch->out_off += (size_t)n;
        }
        if (ch->out_off == ch->out_len) {
                ch->out_off = ch->out_len = 0;
        } else if (ch->out_off > ch->out_len - ch->out_off) {
                memmove(ch->out, ch->out + ch->out_off, ch->out_len - ch->out_off);
                ch->out_len -= ch->out_off;
                ch->out_off = 0;
        }
}

bool ipc_frame_take(char *buf, size_t *len, json_t **ret_msg)
{
        char *nl = *len ? memchr(buf, '\n', *len) : NULL;
        size_t n;

        if (!nl)
                return false;
        n = (size_t)(nl - buf);
        *ret_msg = json_loadb(buf, n, 0, NULL);
        memmove(buf, nl + 1, *len - n - 1);
        *len -= n + 1;
        return true;
}

size_t ipc_frame_grow(size_t cap)
{
        size_t next = cap ? cap * 2 : 8192;

        return next > IPC_MAX_LINE * 2 ? 0 : next;
}

/* Split what arrived into lines; each line is one message. */
static void read_in(struct ipc *ch)
{
        for (;;) {
                if (ch->in_cap - ch->in_len < 4096) {
                        size_t cap = ipc_frame_grow(ch->in_cap);
                        char *p = cap ? realloc(ch->in, cap) : NULL;
                        if (!p) {
                                deliver(ch, NULL);
                                return;
                        }
                        ch->in = p;
                        ch->in_cap = cap;
                }
                ssize_t n = read(ch->fd, ch->in + ch->in_len, ch->in_cap - ch->in_len);
                if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                        deliver(ch, NULL);
                        return;
                }
                if (n < 0)
                        return;
                ch->in_len += (size_t)n;
                /* the bytes before these hold no newline (every complete
                 * line was taken): a long line is scanned once, not again
                 * at every read */
                if (!memchr(ch->in + ch->in_len - (size_t)n, '\n', (size_t)n))
                        continue;
                json_t *msg;
                while (!ch->close_pending && ipc_frame_take(ch->in, &ch->in_len, &msg)) {
                        deliver(ch, msg);
                        json_decref(msg);
                        if (!msg)
                                return;
                }
                if (ch->close_pending)
                        return;
        }
}

static void on_io(uv_poll_t *h, int status, int events)
{
        struct ipc *ch = h->data;

        if (status < 0)
                deliver(ch, NULL);
        else {
                if (events & UV_WRITABLE)
                        flush_out(ch);
                if ((events & UV_READABLE) && !ch->close_pending)
                        read_in(ch);
        }
        if (ch->close_pending)
                ipc_close(ch);
        else
                update_events(ch);
}

static void update_events(struct ipc *ch)
{
        if (ch->closing)
                return;
        uv_poll_start(&ch->poll, UV_READABLE | (ch->out_len > ch->out_off ? UV_WRITABLE : 0), on_io);
}

struct ipc *ipc_open(uv_loop_t *loop, int fd, ipc_msg_fn on_msg, void *ctx)
{
        struct ipc *ch = calloc(1, sizeof(*ch));

        if (!ch)
                return NULL;
        ch->fd = fd;
        ch->on_msg = on_msg;
        ch->ctx = ctx;
        if (uv_poll_init(loop, &ch->poll, fd) < 0) {
                free(ch);
                return NULL;
        }
        ch->poll.data = ch;
        update_events(ch);
        return ch;
}

bool ipc_send(struct ipc *ch, json_t *msg)
{
        char *line;
        size_t len;

        if (!ch || ch->closing || ch->close_pending)
                return false;
        line = json_dumps(msg, JSON_COMPACT);
        if (!line)
                return false;
        len = strlen(line);
        if (ch->out_len - ch->out_off + len + 1 > IPC_MAX_QUEUED) {
                /* a peer that stopped reading: drop it rather than grow */
                free(line);
                if (ch->in_callback)
                        ch->close_pending = true;
                else
                        ipc_close(ch);
                return false;
        }
        if (ch->out_cap < ch->out_len + len + 1) {
                size_t cap = (ch->out_len + len + 1) * 2;
                char *p = realloc(ch->out, cap);
                if (!p) {
                        free(line);
                        return false;
                }
                ch->out = p;
                ch->out_cap = cap;
        }
        memcpy(ch->out + ch->out_len, line, len);
        ch->out[ch->out_len + len] = '\n';
        ch->out_len += len + 1;
        free(line);
        flush_out(ch);
        if (ch->close_pending && !ch->in_callback)
                ipc_close(ch);
        else
                update_events(ch);
        return true;
}
