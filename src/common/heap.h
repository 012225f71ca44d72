/* A binary min-heap of deadlines with index back-pointers: each node
 * knows its slot, so a node's key changes in place (O(log n)) and a node
 * leaves from anywhere, without a search. Pure: no clock, no syscalls.
 * The engine keeps each instance's next protocol deadline here and arms
 * one timerfd for the top (DESIGN.md: deadlines in a min-heap). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define HEAP_NONE UINT32_MAX

struct heap_node {
        int64_t key;
        uint32_t idx;       /* slot in the heap, HEAP_NONE when not in it */
};

struct heap {
        struct heap_node **a;
        uint32_t n, cap;
};

void heap_init(struct heap *h);
void heap_free(struct heap *h);
/* Every node leaves (their idx becomes HEAP_NONE); the storage stays. */
void heap_clear(struct heap *h);

static inline bool heap_contains(const struct heap_node *x)
{
        return x->idx != HEAP_NONE;
}

/* The node's key is its deadline. 0 or -ENOMEM; a node already in the
 * heap only moves to its key. */
int heap_push(struct heap *h, struct heap_node *x);
/* The node with the smallest key, NULL when empty. */
struct heap_node *heap_top(const struct heap *h);
struct heap_node *heap_pop(struct heap *h);
/* Change a node's key in place (it must be in the heap). */
void heap_update(struct heap *h, struct heap_node *x, int64_t key);
/* Take a node out; a node not in the heap is left alone. */
void heap_remove(struct heap *h, struct heap_node *x);
