/* The prober: probes wait in order for one of max_in_flight slots, run
 * on the loop and report once. A callback may start, cancel or close
 * anything, including the prober itself: `busy` keeps the prober alive
 * until the callback has returned. */
#include "check/probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "check/probe_internal.h"

struct list {
        struct check_probe_run *first, *last;
        unsigned count;
};

struct script_entry {
        const struct conf_checker *ck;
        struct script_cmd cmd;
        bool ok;
        char what[96];
        struct script_entry *next;
};

struct check_prober {
        uv_loop_t *loop;
        const struct conf *conf;
        unsigned max_in_flight;
        struct list waiting, running;
        struct script_entry *scripts;
        unsigned busy;                  /* callbacks in progress */
        bool closing;
};

static void list_append(struct list *l, struct check_probe_run *r)
{
        r->next = NULL;
        r->prev = l->last;
        if (l->last)
                l->last->next = r;
        else
                l->first = r;
        l->last = r;
        l->count++;
}

static void list_remove(struct list *l, struct check_probe_run *r)
{
        if (r->prev)
                r->prev->next = r->next;
        else
                l->first = r->next;
        if (r->next)
                r->next->prev = r->prev;
        else
                l->last = r->prev;
        r->prev = r->next = NULL;
        l->count--;
}

static void scripts_flush(struct check_prober *p)
{
        while (p->scripts) {
                struct script_entry *e = p->scripts;
                p->scripts = e->next;
                if (e->ok)
                        script_cmd_free(&e->cmd);
                free(e);
        }
}

int check_prober_open(uv_loop_t *loop, const struct conf *c, unsigned max_in_flight, struct check_prober **ret)
{
        struct check_prober *p = calloc(1, sizeof(*p));

        if (!p)
                return -ENOMEM;
        p->loop = loop;
        p->conf = c;
        p->max_in_flight = max_in_flight;
        *ret = p;
        return 0;
}

void check_prober_set_conf(struct check_prober *p, const struct conf *c)
{
        scripts_flush(p);
        p->conf = c;
}

const struct conf_ssl *probe_ssl(const struct check_probe_run *r)
{
        return r->p && r->p->conf ? &r->p->conf->ssl : NULL;
}

uv_loop_t *probe_loop(const struct check_probe_run *r)
{
        return r->p->loop;
}

const struct script_cmd *probe_script(struct check_probe_run *r)
{
        struct check_prober *p = r->p;
        struct script_entry *e;

        for (e = p->scripts; e; e = e->next)
                if (e->ck == r->ck)
                        return e->ok ? &e->cmd : NULL;
        if (!(e = calloc(1, sizeof(*e))))
                return NULL;
        e->ck = r->ck;
        snprintf(e->what, sizeof(e->what), "MISC_CHECK(%.80s)", r->ck->misc_path.cmdline ? r->ck->misc_path.cmdline : "");
        e->ok = r->ck->has_misc_path &&
                script_cmd_init(&e->cmd, p->conf, &r->ck->misc_path, r->ck->user, r->ck->group, e->what) == 0;
        e->next = p->scripts;
        p->scripts = e;
        return e->ok ? &e->cmd : NULL;
}

void probe_hold(struct check_probe_run *r)
{
        r->holds++;
}

void probe_release(struct check_probe_run *r)
{
        if (--r->holds == 0)
                free(r);
}

void probe_handle_closed(uv_handle_t *h)
{
        probe_release(h->data);
}

/* The probe of each checker type; FILE_CHECK has none (check/sched.c
 * watches its file). */
static const struct probe_ops *ops_of(enum conf_checker_type t)
{
        switch (t) {
        case CHECK_TCP:
                return &probe_tcp_ops;
        case CHECK_MISC:
                return &probe_misc_ops;
        case CHECK_HTTP:
        case CHECK_SSL:
                return &probe_http_ops;
        case CHECK_SMTP:
                return &probe_smtp_ops;
        case CHECK_DNS:
                return &probe_dns_ops;
        case CHECK_UDP:
                return &probe_udp_ops;
        case CHECK_PING:
                return &probe_ping_ops;
        case CHECK_FILE:
                break;
        }
        return NULL;
}

static void stop(struct check_probe_run *r)
{
        const struct probe_ops *ops = ops_of(r->ck->type);

        if (ops)
                ops->stop(r);
        if (r->timer_open) {
                r->timer_open = false;
                uv_close((uv_handle_t *)&r->timer, probe_handle_closed);
        }
}

static void dispatch(struct check_prober *p, struct check_probe_run *r)
{
        r->running = true;
        list_append(&p->running, r);
        uv_timer_init(p->loop, &r->timer);
        r->timer.data = r;
        r->timer_open = true;
        probe_hold(r);
        uv_update_time(p->loop);
        r->dispatched = (int64_t)uv_hrtime() / 1000;
        if (ops_of(r->ck->type))
                ops_of(r->ck->type)->start(r);
        else
                probe_report_later(r, CHECK_ERROR);
}

static void pump(struct check_prober *p)
{
        while (!p->closing && p->waiting.first && (!p->max_in_flight || p->running.count < p->max_in_flight)) {
                struct check_probe_run *r = p->waiting.first;
                list_remove(&p->waiting, r);
                dispatch(p, r);
        }
}

static void busy_end(struct check_prober *p)
{
        if (--p->busy == 0 && p->closing)
                free(p);
}

void probe_report(struct check_probe_run *r, const struct check_probe *res)
{
        struct check_prober *p = r->p;
        check_probe_done_fn done = r->done;
        void *ctx = r->ctx;
        struct check_probe copy = *res;

        if (!p)
                return;
        copy.started = r->started;
        copy.latency = (int64_t)uv_hrtime() / 1000 - r->dispatched;
        list_remove(&p->running, r);
        r->p = NULL;
        stop(r);
        p->busy++;
        probe_release(r);
        done(ctx, &copy);
        pump(p);
        busy_end(p);
}

void probe_finish(struct check_probe_run *r, enum check_result result, const char *fmt, ...)
{
        struct check_probe res = { .result = result, .started = r->started };
        va_list ap;

        if (fmt) {
                va_start(ap, fmt);
                vsnprintf(res.detail, sizeof(res.detail), fmt, ap);
                va_end(ap);
        }
        probe_report(r, &res);
}

static void on_early(uv_timer_t *t)
{
        struct check_probe_run *r = t->data;
        struct check_probe res = { .result = r->early, .started = r->started };

        probe_report(r, &res);
}

void probe_report_later(struct check_probe_run *r, enum check_result result)
{
        r->early = result;
        uv_timer_start(&r->timer, on_early, 0, 0);
}

struct check_probe_run *check_probe_start(struct check_prober *p, const struct conf_virtual_server *vs,
                                          const struct conf_real_server *rs, const struct conf_checker *ck,
                                          int64_t now, check_probe_done_fn done, void *ctx)
{
        struct check_probe_run *r = calloc(1, sizeof(*r));

        if (!r)
                return NULL;
        *r = (struct check_probe_run){ .p = p, .vs = vs, .rs = rs, .ck = ck, .started = now, .done = done,
                                       .ctx = ctx, .holds = 1, .fd = -1 };
        list_append(&p->waiting, r);
        pump(p);
        return r;
}

static void cancel(struct check_probe_run *r)
{
        struct check_prober *p = r->p;

        if (!p)
                return;
        list_remove(r->running ? &p->running : &p->waiting, r);
        r->p = NULL;
        if (r->running)
                stop(r);
        probe_release(r);
}

void check_probe_cancel(struct check_probe_run *r)
{
        struct check_prober *p = r->p;

        cancel(r);
        if (p) {
                p->busy++;
                pump(p);
                busy_end(p);
        }
}

void check_prober_close(struct check_prober *p)
{
        if (!p)
                return;
        p->closing = true;
        while (p->waiting.first)
                cancel(p->waiting.first);
        while (p->running.first)
                cancel(p->running.first);
        scripts_flush(p);
        p->busy++;
        busy_end(p);
}

unsigned check_prober_in_flight(const struct check_prober *p)
{
        return p->running.count;
}

unsigned check_prober_waiting(const struct check_prober *p)
{
        return p->waiting.count;
}

