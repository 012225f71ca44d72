/* The supervisor's event history: every worker's events, numbered, timed,
 * kept for `vigilctl events -n N` / `--since SEQ` and streamed to the
 * clients that follow them. */
#include <stdlib.h>

#include "common/clock.h"
#include "daemon/sup_internal.h"
#include "worker/ipc.h"

static void keep_event(struct sup *s, json_t *ev)
{
        struct kept_event *k = &s->ring.ev[s->ring.next];

        free(k->packed); /* the oldest, once the ring is full */
        k->packed = evpack_encode(&s->ring.dict, ev, &k->len);
        k->seq = json_integer_value(json_object_get(ev, "seq"));
        s->ring.next = (s->ring.next + 1) % EVENT_RING;
        if (s->ring.n < EVENT_RING)
                s->ring.n++;
}

/* The kept events after seq `since`, at most the last `last` of them. */
void events_replay(struct sup *s, struct client *cl, json_int_t since, json_int_t last)
{
        unsigned skip = last >= 0 && (json_int_t)s->ring.n > last ? s->ring.n - (unsigned)last : 0;

        for (unsigned i = skip; i < s->ring.n; i++) {
                const struct kept_event *k = &s->ring.ev[(s->ring.next + EVENT_RING - s->ring.n + i) % EVENT_RING];
                json_t *ev;
                if (k->seq <= since || !k->packed || !(ev = evpack_decode(&s->ring.dict, k->packed, k->len)))
                        continue;
                ipc_send(cl->ch, ev);
                json_decref(ev);
        }
}

void events_free(struct sup *s)
{
        for (unsigned i = 0; i < EVENT_RING; i++) {
                free(s->ring.ev[i].packed);
                s->ring.ev[i].packed = NULL;
        }
        evpack_dict_free(&s->ring.dict);
}

void events_broadcast(struct sup *s, json_t *ev)
{
        json_object_set_new(ev, "seq", json_integer(++s->seq));
        json_object_set_new(ev, "time", json_real((double)wall_usec() / 1e6));
        keep_event(s, ev);
        for (struct client *c = s->clients; c; c = c->next)
                if (c->events)
                        ipc_send(c->ch, ev);
}
