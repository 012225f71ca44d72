#include "worker/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

struct notify_item {
        const struct script_cmd *sc;
        char *extra[8];
        struct notify_queue *q;
        struct notify_item *next;
};

void notify_queue_init(struct notify_queue *q, uv_loop_t *loop)
{
        memset(q, 0, sizeof(*q));
        q->loop = loop;
}

static void item_free(struct notify_item *it)
{
        for (unsigned i = 0; i < 8 && it->extra[i]; i++)
                free(it->extra[i]);
        free(it);
}

static void start_next(struct notify_queue *q);

static void on_done(void *ctx, const struct spawn_result *r)
{
        struct notify_item *it = ctx;
        struct notify_queue *q = it->q;

        q->runs++;
        if (r->timed_out) {
                q->timeouts++;
                log_warn("%s: notify script '%s' timed out after %d ms and was killed", it->sc->what,
                         it->sc->argv[0], NOTIFY_TIMEOUT_MS);
        } else if (!spawn_succeeded(r)) {
                q->failures++;
                if (!r->started)
                        log_warn("%s: cannot run notify script '%s': %s", it->sc->what, it->sc->argv[0],
                                 r->error == -EPERM ? "refused" : uv_strerror(r->error));
        }
        q->head = it->next;
        if (!q->head)
                q->tail = NULL;
        item_free(it);
        q->running = false;
        start_next(q);
}

static void start_next(struct notify_queue *q)
{
        struct notify_item *it = q->head;

        if (q->running || !it)
                return;
        q->running = true;
        script_cmd_run(q->loop, it->sc, (const char *const *)it->extra, NOTIFY_TIMEOUT_MS, on_done, it);
}

void notify_queue_push(struct notify_queue *q, const struct script_cmd *sc, const char *const *extra)
{
        struct notify_item *it;

        if (!sc->argv)
                return;
        it = calloc(1, sizeof(*it));
        if (!it)
                return;
        it->sc = sc;
        it->q = q;
        for (unsigned i = 0; extra && extra[i] && i < 7; i++)
                it->extra[i] = strdup(extra[i]);
        if (q->tail)
                q->tail->next = it;
        else
                q->head = it;
        q->tail = it;
        start_next(q);
}

void notify_queue_clear(struct notify_queue *q)
{
        /* the running head frees itself when it ends */
        struct notify_item *it = q->running && q->head ? q->head->next : q->head;

        while (it) {
                struct notify_item *next = it->next;
                item_free(it);
                it = next;
        }
        if (q->running && q->head) {
                q->head->next = NULL;
                q->tail = q->head;
        } else {
                q->head = q->tail = NULL;
        }
}

int notify_fifo_open(struct notify_fifo *f, const char *path)
{
        struct stat st;

        f->fd = -1;
        f->created = false;
        snprintf(f->path, sizeof(f->path), "%s", path);
        if (stat(path, &st) < 0) {
                if (mkfifo(path, 0644) < 0)
                        return -errno;
                f->created = true;
        } else if (!S_ISFIFO(st.st_mode)) {
                return -EEXIST;
        }
        /* O_RDWR: opening never blocks, and writes do not fail while nobody reads */
        f->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        return f->fd < 0 ? -errno : 0;
}

void notify_fifo_write(struct notify_fifo *f, const char *line, size_t len)
{
        if (f->fd < 0 || !len)
                return;
        if (write(f->fd, line, len) < 0 && errno != EAGAIN)
                log_warn("notify FIFO %s: %s", f->path, strerror(errno));
}

void notify_fifo_close(struct notify_fifo *f)
{
        if (f->fd >= 0)
                close(f->fd);
        f->fd = -1;
        if (f->created)
                unlink(f->path);
        f->created = false;
}
