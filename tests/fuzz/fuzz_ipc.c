/* libFuzzer target: arbitrary bytes as what a peer writes on the
 * supervisor channel, arriving in reads of arbitrary sizes (the first byte
 * picks them), through the channel's framing (worker/ipc.c) and each
 * decoded line through the worker's command dispatch (worker/ctl.c) with a
 * table of fake handlers. A reply always carries "reply" and "ok". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "worker/ctl.h"
#include "worker/ipc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *cmd_echo(void *ctx, json_t *msg)
{
        (void)ctx;
        return json_pack("{s:b,s:O?}", "ok", 1, "arg", json_object_get(msg, "arg"));
}

static json_t *cmd_fail(void *ctx, json_t *msg)
{
        (void)ctx, (void)msg;
        return NULL; /* a handler that could not answer */
}

static json_t *cmd_count(void *ctx, json_t *msg)
{
        (void)msg;
        return json_pack("{s:b,s:i}", "ok", 1, "n", ++*(int *)ctx);
}

static const struct wctl_cmd cmds[] = {
        { "echo", cmd_echo, false },
        { "fail", cmd_fail, false },
        { "count", cmd_count, true },
        { NULL, NULL, false },
};

static void dispatch(json_t *msg, int *count)
{
        json_t *reply = wctl_dispatch(cmds, count, msg);
        char *text;

        if (!reply)
                return;
        if (!json_object_get(reply, "reply") || !json_is_boolean(json_object_get(reply, "ok")))
                abort();
        text = json_dumps(reply, JSON_COMPACT);
        if (!text || strchr(text, '\n')) /* a reply must stay one line */
                abort();
        free(text);
        json_decref(reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        size_t chunk = size ? (size_t)data[0] % 64 + 1 : 1;
        size_t off = size ? 1 : 0, len = 0, cap = 0;
        char *buf = NULL;
        int count = 0;

        while (off < size) {
                size_t n = size - off < chunk ? size - off : chunk;
                json_t *msg;

                if (cap - len < n) {
                        size_t next = ipc_frame_grow(cap);
                        while (next && next - len < n)
                                next = ipc_frame_grow(next);
                        if (!next)
                                break; /* over-long line: the channel drops the peer */
                        buf = realloc(buf, next);
                        cap = next;
                }
                memcpy(buf + len, data + off, n);
                len += n;
                off += n;
                while (ipc_frame_take(buf, &len, &msg)) {
                        if (!msg)
                                break; /* not JSON: the channel closes */
                        dispatch(msg, &count);
                        json_decref(msg);
                }
                if (len > cap)
                        abort();
        }
        free(buf);
        return 0;
}
