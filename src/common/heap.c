#include "common/heap.h"

#include <errno.h>
#include <stdlib.h>

void heap_init(struct heap *h)
{
        h->a = NULL;
        h->n = h->cap = 0;
}

void heap_free(struct heap *h)
{
        heap_clear(h);
        free(h->a);
        heap_init(h);
}

void heap_clear(struct heap *h)
{
        for (uint32_t i = 0; i < h->n; i++)
                h->a[i]->idx = HEAP_NONE;
        h->n = 0;
}

static void put(struct heap *h, uint32_t i, struct heap_node *x)
{
        h->a[i] = x;
        x->idx = i;
}

static void sift_up(struct heap *h, uint32_t i)
{
        struct heap_node *x = h->a[i];

        while (i > 0) {
                uint32_t parent = (i - 1) / 2;
                if (h->a[parent]->key <= x->key)
                        break;
                put(h, i, h->a[parent]);
                i = parent;
        }
        put(h, i, x);
}

static void sift_down(struct heap *h, uint32_t i)
{
        struct heap_node *x = h->a[i];

        for (;;) {
                uint32_t c = 2 * i + 1;
                if (c >= h->n)
                        break;
                if (c + 1 < h->n && h->a[c + 1]->key < h->a[c]->key)
                        c++;
                if (x->key <= h->a[c]->key)
                        break;
                put(h, i, h->a[c]);
                i = c;
        }
        put(h, i, x);
}

int heap_push(struct heap *h, struct heap_node *x)
{
        if (heap_contains(x)) {
                heap_update(h, x, x->key);
                return 0;
        }
        if (h->n == h->cap) {
                uint32_t cap = h->cap ? 2 * h->cap : 16;
                struct heap_node **a = realloc(h->a, (size_t)cap * sizeof(*a));
                if (!a)
                        return -ENOMEM;
                h->a = a;
                h->cap = cap;
        }
        put(h, h->n++, x);
        sift_up(h, x->idx);
        return 0;
}

struct heap_node *heap_top(const struct heap *h)
{
        return h->n ? h->a[0] : NULL;
}

struct heap_node *heap_pop(struct heap *h)
{
        struct heap_node *top = heap_top(h);

        if (top)
                heap_remove(h, top);
        return top;
}

void heap_update(struct heap *h, struct heap_node *x, int64_t key)
{
        x->key = key;
        sift_up(h, x->idx);
        sift_down(h, x->idx);
}

void heap_remove(struct heap *h, struct heap_node *x)
{
        uint32_t i = x->idx;
        struct heap_node *last;

        if (!heap_contains(x))
                return;
        x->idx = HEAP_NONE;
        last = h->a[--h->n];
        if (i == h->n)
                return;
        put(h, i, last);
        sift_up(h, i);
        sift_down(h, last->idx);
}
