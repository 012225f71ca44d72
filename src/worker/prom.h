/* The Prometheus text exposition format, built into a growing buffer:
 * shared by the supervisor's series and each worker kind's renderer. */
#pragma once

#include <stddef.h>

struct prom_out {
        char *buf;
        size_t len, cap;
};

void prom_put(struct prom_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The # HELP and # TYPE lines of a series. */
void prom_help(struct prom_out *o, const char *name, const char *type, const char *text);
