/* Optional heavy libraries (libcurl for smtp_alert, libmicrohttpd for the
 * metrics endpoint, libnftables for no_accept) are loaded the first time a
 * configuration needs them, not at start: linked normally, each would map
 * its TLS, Kerberos and compression dependencies into every process, and
 * relocating them costs megabytes of resident memory per process. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct lazysym {
        const char *name;
        size_t offset;                  /* of the function pointer in the caller's table */
};

struct lazylib {
        const char *soname;
        const char *what;               /* the feature that needs it, for the log */
        const struct lazysym *syms;
        size_t n;
        void *table;                    /* the caller's struct of function pointers */
        int state;                      /* 0 not tried, 1 loaded, -1 cannot */
};

/* Load once (later calls return the first verdict); false, logged, if the
 * library or a symbol is missing. */
bool lazylib_get(struct lazylib *l);

#define LAZYSYM(type, field, sym) { sym, offsetof(type, field) }
#define LAZYLIB(soname, what, syms, table) { soname, what, syms, sizeof(syms) / sizeof((syms)[0]), &(table), 0 }
