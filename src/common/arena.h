/* A region allocator: every allocation lives until the whole arena is freed.
 * A parsed configuration owns one arena, so a reload can build a new config
 * beside the running one and drop either in one call. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
        struct arena_chunk *head;
        size_t used_bytes;
        size_t chunk_bytes;     /* the next chunk's size (it doubles up to a bulk chunk); 0 means ARENA_CHUNK_MIN */
        size_t first_bytes;     /* the first chunk's size, again after arena_free */
};

void arena_init(struct arena *a);
/* An arena of large chunks, for short-lived bulk data: chunks above malloc's
 * mmap threshold go back to the kernel when the arena is freed instead of
 * leaving holes in the heap. */
void arena_init_bulk(struct arena *a);
void arena_free(struct arena *a);

/* Zeroed memory; aborts on allocation failure (configs are small and a
 * half-built config is of no use to anybody). */
void *arena_alloc(struct arena *a, size_t size);
void *arena_calloc(struct arena *a, size_t n, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3), nonnull(2)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0), nonnull(2)));
