/* The event history's byte ring (daemon/evring.h). A record is 8 bytes of
 * sequence number, 4 of length, then the bytes, and may wrap. */
#include "daemon/evring.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HEADER 12u

int evring_init(struct evring *r, size_t cap, unsigned max)
{
        /* its own mapping: out of the heap, and its pages only as they fill */
        void *buf = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        memset(r, 0, sizeof(*r));
        if (buf == MAP_FAILED)
                return -1;
        r->buf = buf;
        r->cap = cap;
        r->max = max;
        return 0;
}

void evring_free(struct evring *r)
{
        if (r->buf)
                munmap(r->buf, r->cap);
        memset(r, 0, sizeof(*r));
}

static void put(struct evring *r, size_t off, const void *src, size_t len)
{
        size_t first = len < r->cap - off ? len : r->cap - off;

        memcpy(r->buf + off, src, first);
        memcpy(r->buf, (const uint8_t *)src + first, len - first);
}

static void get(const struct evring *r, size_t off, void *dst, size_t len)
{
        size_t first = len < r->cap - off ? len : r->cap - off;

        memcpy(dst, r->buf + off, first);
        memcpy((uint8_t *)dst + first, r->buf, len - first);
}

static uint32_t len_at(const struct evring *r, size_t off)
{
        uint32_t len;

        get(r, (off + 8) % r->cap, &len, sizeof(len));
        return len;
}

static void drop_oldest(struct evring *r)
{
        size_t size = HEADER + len_at(r, r->head);

        r->head = (r->head + size) % r->cap;
        r->used -= size;
        r->n--;
}

int evring_push(struct evring *r, int64_t seq, const uint8_t *p, size_t len)
{
        size_t tail;
        uint32_t len32 = (uint32_t)len;

        if (!r->buf || !r->max || len > r->cap - HEADER)
                return -1;
        while (r->n && (r->used + HEADER + len > r->cap || r->n >= r->max))
                drop_oldest(r);
        tail = (r->head + r->used) % r->cap;
        put(r, tail, &seq, sizeof(seq));
        put(r, (tail + 8) % r->cap, &len32, sizeof(len32));
        put(r, (tail + HEADER) % r->cap, p, len);
        r->used += HEADER + len;
        r->n++;
        return 0;
}

int evring_each(const struct evring *r, unsigned skip, evring_fn fn, void *ctx)
{
        size_t off = r->head;
        int rc = 0;

        for (unsigned i = 0; i < r->n && !rc; i++) {
                size_t at = (off + HEADER) % r->cap;
                uint32_t len = len_at(r, off);
                int64_t seq;
                uint8_t *copy = NULL;

                get(r, off, &seq, sizeof(seq));
                off = (off + HEADER + len) % r->cap;
                if (i < skip)
                        continue;
                if (at + len <= r->cap) {
                        rc = fn(ctx, seq, r->buf + at, len);
                        continue;
                }
                /* a record that wraps is handed over whole */
                copy = malloc(len);
                if (!copy)
                        return -1;
                get(r, at, copy, len);
                rc = fn(ctx, seq, copy, len);
                free(copy);
        }
        return rc;
}
