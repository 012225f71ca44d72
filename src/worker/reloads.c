/* See reloads.h. */
#include "worker/reloads.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "conf/model.h"

enum wreload_phase { WR_RELOAD, WR_PREPARE, WR_COMMIT, WR_DROP };

struct wreload_job {
        uv_work_t work;
        struct wreloads *r;
        json_t *id;
        enum wreload_phase phase;
        bool check;
        int fd;
        uint64_t dev, ino;              /* the snapshot's identity (0 for a drop) */
        int64_t parse_us;               /* on the pool: not a loop stall */
        struct conf *nc;
        struct wreload_job *next;
};

static json_t *failed(const struct wreloads *r)
{
        char msg[96];

        snprintf(msg, sizeof(msg), "%s could not load the configuration", r->who);
        return json_pack("{s:b,s:s}", "ok", 0, "error", msg);
}

static void parse_off_loop(uv_work_t *w)
{
        struct wreload_job *j = w->data;
        int64_t t0 = mono_usec();

        j->nc = j->r->load ? j->r->load(j->r->load_ctx, j->fd) : NULL;
        close(j->fd);
        j->parse_us = mono_usec() - t0;
}

static void start_next(struct wreloads *r);

static void drop_ready(struct wreloads *r)
{
        conf_free(r->ready);
        r->ready = NULL;
}

/* A job's answer on the loop: a prepare keeps its parse; only a reload
 * or a commit applies one. */
static json_t *finish(struct wreloads *r, struct wreload_job *j)
{
        switch (j->phase) {
        case WR_PREPARE:
                drop_ready(r);
                r->ready = j->nc;
                r->ready_us = j->parse_us;
                r->ready_dev = j->dev;
                r->ready_ino = j->ino;
                log_debug("reload: %s parsed the snapshot in %.1f ms, for the verdict to apply", r->who,
                          (double)j->parse_us / 1e3);
                return json_pack("{s:b,s:b}", "ok", j->nc != NULL, "prepared", 1);
        case WR_DROP:
                return json_pack("{s:b}", "ok", 1);
        case WR_RELOAD:
        case WR_COMMIT:
                break;
        }
        return r->apply(r->apply_ctx, j->nc, j->check, j->parse_us);
}

static void parsed(uv_work_t *w, int status)
{
        struct wreload_job *j = w->data;
        struct wreloads *r = j->r;

        r->jobs = j->next;
        if (status < 0) { /* cancelled: the worker is stopping */
                conf_free(j->nc);
                j->nc = NULL;
        }
        wctl_reply(r->ctl, j->id, finish(r, j));
        json_decref(j->id);
        free(j);
        start_next(r);
}

/* What the head job has to parse: nothing for a drop, nor for a commit
 * whose prepare has parsed (the snapshot is the same). */
static bool take_ready(struct wreloads *r, struct wreload_job *j)
{
        /* the prepare's parse is the commit's only if it read the same
         * snapshot: a commit of another one (a prepare lost, or sent for an
         * earlier file) parses its own, whatever the order of messages */
        if (j->phase == WR_COMMIT && r->ready && r->ready_dev == j->dev && r->ready_ino == j->ino) {
                j->nc = r->ready;
                j->parse_us = r->ready_us;
                r->ready = NULL;
        }
        if (j->phase != WR_PREPARE)
                drop_ready(r); /* a stale prepare's, if any */
        if (j->phase != WR_DROP && !j->nc)
                return false;
        if (j->fd >= 0)
                close(j->fd);
        j->fd = -1;
        return true;
}

static void start_next(struct wreloads *r)
{
        if (!r->jobs)
                return;
        if (take_ready(r, r->jobs)) {
                parsed(&r->jobs->work, 0);
                return;
        }
        if (uv_queue_work(r->loop, &r->jobs->work, parse_off_loop, parsed) < 0) {
                parse_off_loop(&r->jobs->work); /* cannot happen with a live loop; stay correct anyway */
                parsed(&r->jobs->work, 0);
        }
}

static enum wreload_phase phase_of(json_t *msg)
{
        const char *p = json_string_value(json_object_get(msg, "phase"));

        if (!p)
                return WR_RELOAD;
        return !strcmp(p, "prepare") ? WR_PREPARE : !strcmp(p, "commit") ? WR_COMMIT : WR_DROP;
}

json_t *wreloads_command(struct wreloads *r, json_t *msg)
{
        const char *path = json_string_value(json_object_get(msg, "snapshot"));
        struct wreload_job *j = calloc(1, sizeof(*j)), **pp = &r->jobs;
        enum wreload_phase phase = phase_of(msg);
        int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
        struct stat st;

        if (!j || (fd < 0 && phase != WR_DROP)) {
                log_err("reload failed: cannot open the validated configuration %s: %s", path ? path : "(none)",
                        strerror(errno));
                wctl_reply(r->ctl, json_object_get(msg, "id"), failed(r));
                free(j);
                if (fd >= 0)
                        close(fd);
                return WCTL_LATER;
        }
        j->work.data = j;
        j->r = r;
        j->id = json_incref(json_object_get(msg, "id"));
        j->phase = phase;
        j->check = json_is_true(json_object_get(msg, "check"));
        j->fd = fd;
        if (fd >= 0 && fstat(fd, &st) == 0) {
                j->dev = (uint64_t)st.st_dev;
                j->ino = (uint64_t)st.st_ino;
        }
        while (*pp)
                pp = &(*pp)->next;
        *pp = j;
        if (r->jobs == j)
                start_next(r);
        return WCTL_LATER;
}
