/* The supervisor's event history: every worker's events, numbered, timed,
 * kept for `vigilctl events -n N` / `--since SEQ` and streamed to the
 * clients that follow them. */
#include <malloc.h>
#include <stdlib.h>

#include "common/clock.h"
#include "common/log.h"
#include "daemon/sup_internal.h"
#include "worker/ipc.h"

#define TRIM_AFTER_MS 1000

static void on_trim(uv_timer_t *t)
{
        (void)t;
        malloc_trim(0);
}

void events_init(struct sup *s)
{
        uv_timer_init(&s->loop, &s->ring.trim);
        if (evring_init(&s->ring.kept, EVENT_RING_BYTES, EVENT_RING) < 0)
                log_warn("no memory for the event history: vigilctl events will show only new events");
}

static void keep_event(struct sup *s, json_t *ev)
{
        size_t len = 0;
        uint8_t *packed = evpack_encode(&s->ring.dict, ev, &len);

        if (packed)
                (void)evring_push(&s->ring.kept, json_integer_value(json_object_get(ev, "seq")), packed, len);
        free(packed);
}

struct replay {
        struct sup *s;
        struct client *cl;
        json_int_t since;
};

static int replay_one(void *ctx, int64_t seq, const uint8_t *p, size_t len)
{
        struct replay *r = ctx;
        json_t *ev;

        if (seq <= r->since || !(ev = evpack_decode(&r->s->ring.dict, p, len)))
                return 0;
        ipc_send(r->cl->ch, ev);
        json_decref(ev);
        return 0;
}

/* The kept events after seq `since`, at most the last `last` of them. */
void events_replay(struct sup *s, struct client *cl, json_int_t since, json_int_t last)
{
        unsigned n = s->ring.kept.n;
        unsigned skip = last >= 0 && (json_int_t)n > last ? n - (unsigned)last : 0;
        struct replay r = { s, cl, since };

        (void)evring_each(&s->ring.kept, skip, replay_one, &r);
}

void events_free(struct sup *s)
{
        evring_free(&s->ring.kept);
        evpack_dict_free(&s->ring.dict);
}

void events_broadcast(struct sup *s, json_t *ev)
{
        json_object_set_new(ev, "seq", json_integer(++s->seq));
        json_object_set_new(ev, "time", json_real((double)wall_usec() / 1e6));
        keep_event(s, ev);
        uv_timer_start(&s->ring.trim, on_trim, TRIM_AFTER_MS, 0);
        for (struct client *c = s->clients; c; c = c->next)
                if (c->events)
                        ipc_send(c->ch, ev);
}
