#include "worker/prom.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void prom_put(struct prom_out *o, const char *fmt, ...)
{
        va_list ap;
        int n;

        for (;;) {
                va_start(ap, fmt);
                n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
                va_end(ap);
                if (n >= 0 && (size_t)n < o->cap - o->len) {
                        o->len += (size_t)n;
                        return;
                }
                size_t cap = o->cap * 2 + (size_t)(n > 0 ? n : 0) + 4096;
                char *p = realloc(o->buf, cap);
                if (!p)
                        return;
                o->buf = p;
                o->cap = cap;
        }
}

void prom_help(struct prom_out *o, const char *name, const char *type, const char *text)
{
        prom_put(o, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}
