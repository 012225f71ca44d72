/* A fake supervisor channel, linked in place of worker/ipc.c: what a
 * worker sends is kept in fake_ipc_sent, and fake_ipc_deliver() plays a
 * message from the supervisor, so worker/ctl.c is tested without a socket. */
#include "fake_ipc.h"

#include <stdlib.h>

struct ipc {
        ipc_msg_fn on_msg;
        void *ctx;
};

json_t *fake_ipc_sent;
static struct ipc *the_channel;

struct ipc *ipc_open(uv_loop_t *loop, int fd, ipc_msg_fn on_msg, void *ctx)
{
        (void)loop, (void)fd;
        the_channel = calloc(1, sizeof(*the_channel));
        if (!the_channel)
                return NULL;
        the_channel->on_msg = on_msg;
        the_channel->ctx = ctx;
        if (!fake_ipc_sent)
                fake_ipc_sent = json_array();
        return the_channel;
}

bool ipc_send(struct ipc *ch, json_t *msg)
{
        (void)ch;
        json_array_append(fake_ipc_sent, msg);
        return true;
}

void ipc_close(struct ipc *ch)
{
        if (ch == the_channel)
                the_channel = NULL;
        free(ch);
}

void *ipc_ctx(const struct ipc *ch)
{
        return ch->ctx;
}

void ipc_set_ctx(struct ipc *ch, void *ctx)
{
        ch->ctx = ctx;
}

void fake_ipc_deliver(json_t *msg)
{
        struct ipc *ch = the_channel;

        ch->on_msg(ch->ctx, ch, msg);
        if (!msg)
                ipc_close(ch); /* as the real channel does after a NULL message */
}

void fake_ipc_reset(void)
{
        json_array_clear(fake_ipc_sent);
}
