/* The probe groups' timers: one libuv timer for the whole model, over a
 * min-heap of the groups' deadlines (common/heap.h). A uv_timer_t per
 * group was 152 bytes at every real server; a heap node is 24 (issue 16,
 * doc/lvs/memory.md). The semantics are libuv's: a deadline is the
 * loop's time plus the delay in ms, restarting replaces it, and the
 * groups due at the same millisecond fire in the order they were armed. */
#include <errno.h>
#include <stdlib.h>

#include "check/engine_internal.h"
#include "common/log.h"

/* Low bits of a key: the arming order within one millisecond. */
#define SEQ_BITS 20
#define SEQ_MASK ((1 << SEQ_BITS) - 1)

static struct ck_group *group_of(struct heap_node *n)
{
        return (struct ck_group *)((char *)n - offsetof(struct ck_group, timer));
}

/* min_ms: 1 when a callback of this tick armed a group for now, so that
 * it runs on the next turn of the loop (libuv 1.44 would run a 0 ms timer
 * started in a timer callback again at once, for ever if it keeps doing
 * so); otherwise what became due while the tick ran fires at once, as
 * libuv's own timers would. */
static void arm_tick(struct ck_timers *t, uv_loop_t *loop, int64_t min_ms)
{
        struct heap_node *top = heap_top(&t->heap);
        int64_t at, now = (int64_t)uv_now(loop);

        if (!top) {
                uv_timer_stop(&t->tick);
                t->armed = INT64_MAX;
                return;
        }
        at = top->key >> SEQ_BITS;
        if (at == t->armed && uv_is_active((uv_handle_t *)&t->tick))
                return;
        t->armed = at;
        uv_timer_start(&t->tick, ck_timers_tick, (uint64_t)(at - now > min_ms ? at - now : min_ms), 0);
}

/* What is due fires after the whole set is taken out, so that a group
 * armed again by a callback waits for the next turn, as with libuv. */
static int take_due(struct ck_timers *t, int64_t now)
{
        struct heap_node *top;

        t->nfire = 0;
        while ((top = heap_top(&t->heap)) && (top->key >> SEQ_BITS) <= now) {
                if (t->nfire == t->cap) {
                        size_t cap = t->cap ? 2 * t->cap : 256;
                        struct ck_group **f = realloc(t->fire, cap * sizeof(*f));
                        if (!f)
                                return t->nfire ? 0 : -ENOMEM;
                        t->fire = f;
                        t->cap = cap;
                }
                heap_pop(&t->heap);
                group_of(top)->timer_due = true;
                t->fire[t->nfire++] = group_of(top);
        }
        return 0;
}

void ck_timers_tick(uv_timer_t *h)
{
        struct ck_timers *t = h->data;
        uv_loop_t *loop = h->loop;

        t->armed = INT64_MAX;
        if (take_due(t, (int64_t)uv_now(loop)) < 0) { /* no memory: the next turn */
                uv_timer_start(&t->tick, ck_timers_tick, 1, 0);
                return;
        }
        t->firing = true;
        for (size_t i = 0; i < t->nfire; i++)
                if (t->fire[i]->timer_due) {
                        t->fire[i]->timer_due = false;
                        ck_group_due(t->fire[i]);
                }
        t->firing = false;
        t->nfire = 0;
        arm_tick(t, loop, t->armed_now ? 1 : 0);
        t->armed_now = false;
}

void ck_timers_init(struct ck_timers *t, uv_loop_t *loop)
{
        heap_init(&t->heap);
        uv_timer_init(loop, &t->tick);
        t->tick.data = t;
        t->armed = INT64_MAX;
}

void ck_timers_free(struct ck_timers *t)
{
        heap_free(&t->heap);
        free(t->fire);
        t->fire = NULL;
        t->nfire = t->cap = 0;
}

void ck_group_timer_init(struct ck_group *g)
{
        g->timer.idx = HEAP_NONE;
        g->timer_due = false;
}

/* The heap only grows up to the number of groups, so that a push fails
 * at most once per size; that group stays unarmed, which the log says. */
void ck_group_timer_start(struct ck_group *g, uint64_t ms)
{
        struct ck_timers *t = &g->e->timers;
        int64_t now = (int64_t)uv_now(&g->e->loop);

        g->timer_due = false;
        g->timer.key = ((now + (int64_t)ms) << SEQ_BITS) | (int64_t)(t->seq++ & SEQ_MASK);
        if (heap_push(&t->heap, &g->timer) < 0) {
                log_err("health checker: no memory to schedule the checks of %s", g->lead->rs->name);
                return;
        }
        if (!t->firing)
                arm_tick(t, &g->e->loop, 0);
        else if (ms == 0)
                t->armed_now = true;
}

void ck_group_timer_stop(struct ck_group *g)
{
        g->timer_due = false;
        heap_remove(&g->e->timers.heap, &g->timer);
}
