#include "common/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_CHUNK_MIN 16384
/* Each new chunk is twice the last, up to a bulk chunk: a small
 * configuration stays in a few small chunks, a large one (37,000 real
 * servers: 40 MB of model) reaches the huge-page chunks after nine
 * instead of taking 2,000 16 KiB chunks from the heap, each a brk call
 * and its 4 KiB page faults. */
#define ARENA_BULK_CHUNK (4u << 20)
/* A bulk chunk is backed by transparent huge pages where the kernel has
 * them: a large file's lines and tokens are tens of megabytes touched once
 * and freed at the end of the parse, and 4 KiB page faults were a quarter
 * of the parse's time. */
#define ARENA_HUGE_PAGE (2u << 20)

struct arena_chunk {
        struct arena_chunk *next;
        size_t size;
        size_t used;
        size_t mapped;          /* bytes mapped for it (huge_chunk), 0 if malloc'd */
        alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a)
{
        a->head = NULL;
        a->used_bytes = 0;
        a->chunk_bytes = a->first_bytes = ARENA_CHUNK_MIN;
}

void arena_init_bulk(struct arena *a)
{
        arena_init(a);
        a->chunk_bytes = a->first_bytes = ARENA_BULK_CHUNK;
}

void arena_free(struct arena *a)
{
        struct arena_chunk *c = a->head;

        while (c) {
                struct arena_chunk *next = c->next;
                if (c->mapped)
                        munmap(c, c->mapped);
                else
                        free(c);
                c = next;
        }
        a->head = NULL;
        a->used_bytes = 0;
        a->chunk_bytes = a->first_bytes;
}

/* Mapped apart from malloc's heap, 2 MiB aligned: the hint must not stay
 * on heap memory that long-lived allocations reuse. NULL: malloc it. */
static struct arena_chunk *huge_chunk(size_t *size)
{
        size_t bytes = (sizeof(struct arena_chunk) + *size + ARENA_HUGE_PAGE - 1) & ~(size_t)(ARENA_HUGE_PAGE - 1);
        unsigned char *m = mmap(NULL, bytes + ARENA_HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                                -1, 0);
        size_t head;
        struct arena_chunk *c;

        if (m == MAP_FAILED)
                return NULL;
        head = (ARENA_HUGE_PAGE - (uintptr_t)m % ARENA_HUGE_PAGE) % ARENA_HUGE_PAGE;
        if (head)
                munmap(m, head);
        munmap(m + head + bytes, ARENA_HUGE_PAGE - head);
        c = (struct arena_chunk *)(void *)(m + head);
        (void)madvise(c, bytes, MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
        c->mapped = bytes;
        *size = bytes - sizeof(*c);
        return c;
}

static struct arena_chunk *arena_new_chunk(size_t want, size_t min)
{
        size_t size = want > min ? want : min;
        struct arena_chunk *c = min >= ARENA_BULK_CHUNK ? huge_chunk(&size) : NULL;

        if (!c && (c = malloc(sizeof(*c) + size)))
                c->mapped = 0;
        if (!c) {
                fprintf(stderr, "vigil: out of memory\n");
                abort();
        }
        c->size = size;
        c->used = 0;
        return c;
}

/* size bytes at a multiple of align (a power of two) in the newest chunk,
 * or in a new one. */
static void *carve(struct arena *a, size_t size, size_t align)
{
        struct arena_chunk *c = a->head;
        size_t start = c ? (c->used + align - 1) & ~(align - 1) : 0;

        if (size == 0)
                size = 1;
        if (!c || start > c->size || c->size - start < size) {
                size_t min = a->chunk_bytes ? a->chunk_bytes : ARENA_CHUNK_MIN;
                c = arena_new_chunk(size, min);
                c->next = a->head;
                a->head = c;
                start = 0;
                if (min < ARENA_BULK_CHUNK && size <= min)
                        a->chunk_bytes = min * 2 < ARENA_BULK_CHUNK ? min * 2 : ARENA_BULK_CHUNK;
        }
        a->used_bytes += start + size - c->used;
        c->used = start + size;
        return c->data + start;
}

void *arena_alloc(struct arena *a, size_t size)
{
        void *p = carve(a, size, alignof(max_align_t));

        memset(p, 0, size);
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

/* Strings need no alignment: packing them saves a tenth of a large
 * configuration's memory. */
char *arena_strndup(struct arena *a, const char *s, size_t n)
{
        char *p = carve(a, n + 1, 1);

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
        p = carve(a, (size_t)n + 1, 1);
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
