#include "common/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK_MIN 16384

struct arena_chunk {
        struct arena_chunk *next;
        size_t size;
        size_t used;
        alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a)
{
        a->head = NULL;
        a->used_bytes = 0;
}

void arena_free(struct arena *a)
{
        struct arena_chunk *c = a->head;

        while (c) {
                struct arena_chunk *next = c->next;
                free(c);
                c = next;
        }
        a->head = NULL;
        a->used_bytes = 0;
}

static struct arena_chunk *arena_new_chunk(size_t want)
{
        size_t size = want > ARENA_CHUNK_MIN ? want : ARENA_CHUNK_MIN;
        struct arena_chunk *c = malloc(sizeof(*c) + size);

        if (!c) {
                fprintf(stderr, "vigil: out of memory\n");
                abort();
        }
        c->size = size;
        c->used = 0;
        return c;
}

void *arena_alloc(struct arena *a, size_t size)
{
        const size_t align = alignof(max_align_t);
        size_t rounded = (size + align - 1) & ~(align - 1);
        struct arena_chunk *c = a->head;
        void *p;

        if (rounded == 0)
                rounded = align;
        if (!c || c->size - c->used < rounded) {
                c = arena_new_chunk(rounded);
                c->next = a->head;
                a->head = c;
        }
        p = c->data + c->used;
        c->used += rounded;
        a->used_bytes += rounded;
        memset(p, 0, rounded);
        return p;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
        if (size && n > SIZE_MAX / size) {
                fprintf(stderr, "vigil: allocation overflow\n");
                abort();
        }
        return arena_alloc(a, n * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
        char *p = arena_alloc(a, n + 1);

        memcpy(p, s, n);
        p[n] = '\0';
        return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
        return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
        va_list copy;
        int n;
        char *p;

        va_copy(copy, ap);
        n = vsnprintf(NULL, 0, fmt, copy);
        va_end(copy);
        if (n < 0)
                n = 0;
        p = arena_alloc(a, (size_t)n + 1);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
        va_list ap;
        char *p;

        va_start(ap, fmt);
        p = arena_vprintf(a, fmt, ap);
        va_end(ap);
        return p;
}
