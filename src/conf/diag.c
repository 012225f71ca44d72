#include "conf/diag.h"

#include <stdlib.h>
#include <string.h>

void diag_list_init(struct diag_list *l)
{
        memset(l, 0, sizeof(*l));
        arena_init(&l->arena);
}

void diag_list_free(struct diag_list *l)
{
        free(l->items);
        arena_free(&l->arena);
        memset(l, 0, sizeof(*l));
}

void diag_addv(struct diag_list *l, enum diag_severity sev, enum diag_class cls,
               const struct conf_pos *pos, const char *fmt, va_list ap)
{
        struct diag *d;

        if (l->count == l->capacity) {
                size_t cap = l->capacity ? l->capacity * 2 : 16;
                struct diag *items = realloc(l->items, cap * sizeof(*items));
                if (!items)
                        abort();
                l->items = items;
                l->capacity = cap;
        }
        d = &l->items[l->count++];
        d->severity = sev;
        d->class = cls;
        d->pos.file = pos ? arena_strdup(&l->arena, pos->file) : NULL;
        d->pos.src = pos ? arena_strdup(&l->arena, pos->src) : NULL;
        d->pos.line = pos ? pos->line : 0;
        d->pos.col = pos ? pos->col : 0;
        d->msg = arena_vprintf(&l->arena, fmt, ap);
}

void diag_add(struct diag_list *l, enum diag_severity sev, enum diag_class cls,
              const struct conf_pos *pos, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        diag_addv(l, sev, cls, pos, fmt, ap);
        va_end(ap);
}

size_t diag_count(const struct diag_list *l, enum diag_severity sev)
{
        size_t n = 0;

        for (size_t i = 0; i < l->count; i++)
                n += l->items[i].severity == sev;
        return n;
}

bool diag_has_class(const struct diag_list *l, enum diag_severity sev, enum diag_class cls)
{
        for (size_t i = 0; i < l->count; i++)
                if (l->items[i].severity == sev && l->items[i].class == cls)
                        return true;
        return false;
}

int diag_exit_code(const struct diag_list *l)
{
        if (diag_has_class(l, DIAG_ERROR, DIAG_UNREADABLE))
                return 4;
        /* keepalived stops at a missing interface (Non-existent interface
         * specified in configuration) before it looks at script security;
         * every other error is collected and the 6 wins over it */
        if (diag_has_class(l, DIAG_ERROR, DIAG_SYSTEM))
                return 5;
        if (diag_has_class(l, DIAG_ERROR, DIAG_SECURITY))
                return 6;
        if (diag_count(l, DIAG_ERROR) > 0)
                return 5;
        return 0;
}

bool diag_blocks_start(const struct diag_list *l)
{
        for (size_t i = 0; i < l->count; i++)
                if (l->items[i].severity == DIAG_ERROR && l->items[i].class != DIAG_SCRIPT &&
                    l->items[i].class != DIAG_SECURITY)
                        return true;
        return false;
}

int diag_char_column(const char *s, size_t bytes)
{
        int n = 0;

        for (size_t i = 0; i < bytes && s[i]; i++)
                if (((unsigned char)s[i] & 0xC0) != 0x80)
                        n++;
        return n;
}
