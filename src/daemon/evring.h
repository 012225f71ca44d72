/* The supervisor's event history as one block of bytes: the last events,
 * oldest first, each its sequence number, its length and its packed bytes
 * (daemon/evpack.h), wrapping at the end of the block. One allocation for
 * the whole history instead of one per event: the per-event blocks sat
 * between the JSON each event was parsed from, so the supervisor's heap
 * kept those pages after the JSON was freed (240 KB at 1,000 instances,
 * 160 KB of it live). Pure: no I/O, no clock. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct evring {
        uint8_t *buf;
        size_t cap;             /* bytes in buf */
        size_t head;            /* where the oldest record starts */
        size_t used;            /* bytes held by records */
        unsigned n, max;        /* records held; at most max of them */
};

/* An empty ring of cap bytes holding at most max records; -1 on ENOMEM. */
int evring_init(struct evring *r, size_t cap, unsigned max);
void evring_free(struct evring *r);

/* Keep (seq, p[0..len)) as the newest record, forgetting the oldest ones
 * until it fits; -1 (nothing changed) if it cannot fit even alone. */
int evring_push(struct evring *r, int64_t seq, const uint8_t *p, size_t len);

/* Each record from the skip-th oldest on, in order. p is valid during the
 * call only; fn returns 0 to go on, anything else to stop (returned). */
typedef int (*evring_fn)(void *ctx, int64_t seq, const uint8_t *p, size_t len);
int evring_each(const struct evring *r, unsigned skip, evring_fn fn, void *ctx);
