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

/* Open soname once and fill the table's function pointers; false (logged,
 * with `what` needing it) if the library or a symbol is missing. */
bool lazylib_load(const char *soname, const struct lazysym *syms, size_t n, void *table, const char *what);

#define LAZYSYM(type, field, sym) { sym, offsetof(type, field) }
