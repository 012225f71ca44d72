/* See reloads.h. */
#include "worker/reloads.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "conf/model.h"

struct wreload_job {
        uv_work_t work;
        struct wreloads *r;
        json_t *id;
        bool check;
        int fd;
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

static void parsed(uv_work_t *w, int status)
{
        struct wreload_job *j = w->data;
        struct wreloads *r = j->r;

        r->jobs = j->next;
        if (status < 0) { /* cancelled: the worker is stopping */
                conf_free(j->nc);
                j->nc = NULL;
        }
        wctl_reply(r->ctl, j->id, r->apply(r->apply_ctx, j->nc, j->check, j->parse_us));
        json_decref(j->id);
        free(j);
        start_next(r);
}

static void start_next(struct wreloads *r)
{
        if (r->jobs && uv_queue_work(r->loop, &r->jobs->work, parse_off_loop, parsed) < 0) {
                parse_off_loop(&r->jobs->work); /* cannot happen with a live loop; stay correct anyway */
                parsed(&r->jobs->work, 0);
        }
}

json_t *wreloads_command(struct wreloads *r, json_t *msg)
{
        const char *path = json_string_value(json_object_get(msg, "snapshot"));
        struct wreload_job *j = calloc(1, sizeof(*j)), **pp = &r->jobs;
        int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;

        if (!j || fd < 0) {
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
        j->check = json_is_true(json_object_get(msg, "check"));
        j->fd = fd;
        while (*pp)
                pp = &(*pp)->next;
        *pp = j;
        if (r->jobs == j)
                start_next(r);
        return WCTL_LATER;
}
