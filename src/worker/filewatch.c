#include "worker/filewatch.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

void filewatch_init(struct filewatch *fw, filewatch_fn changed, void *ctx)
{
        memset(fw, 0, sizeof(*fw));
        fw->fd = -1;
        fw->changed = changed;
        fw->ctx = ctx;
}

static void on_inotify(uv_poll_t *h, int status, int events)
{
        struct filewatch *fw = h->data;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        ssize_t n;

        (void)status, (void)events;
        while ((n = read(fw->fd, buf, sizeof(buf))) > 0) {
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *ie = (const struct inotify_event *)(void *)p;
                        if (ie->len)
                                fw->changed(fw->ctx, ie->wd, ie->name);
                        p += sizeof(*ie) + ie->len;
                }
        }
}

int filewatch_add(struct filewatch *fw, uv_loop_t *loop, const char *path)
{
        char *copy;
        int wd;

        if (fw->fd < 0) {
                fw->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
                if (fw->fd < 0)
                        return -errno;
                uv_poll_init(loop, &fw->poll, fw->fd);
                fw->poll.data = fw;
                uv_poll_start(&fw->poll, UV_READABLE, on_inotify);
        }
        if (!(copy = strdup(path)))
                return -ENOMEM;
        wd = inotify_add_watch(fw->fd, dirname(copy), IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE);
        if (wd < 0)
                wd = -errno;
        free(copy);
        return wd;
}

bool filewatch_active(const struct filewatch *fw)
{
        return fw->fd >= 0;
}

void filewatch_stop(struct filewatch *fw)
{
        if (fw->fd >= 0)
                uv_poll_stop(&fw->poll);
}

uv_handle_t *filewatch_handle(struct filewatch *fw)
{
        return fw->fd >= 0 ? (uv_handle_t *)&fw->poll : NULL;
}

void filewatch_free(struct filewatch *fw)
{
        if (fw->fd >= 0)
                close(fw->fd);
        fw->fd = -1;
}
