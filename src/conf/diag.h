/* Diagnostics of the configuration language: what is wrong, where, and how
 * bad. The parser and validators only collect them; printing is the
 * caller's business (vigild -t, the reload path, the control socket). */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"

/* A place in the configuration. line and col are 1-based; col 0 means the
 * whole line. src is the physical source line, for the caret display. */
struct conf_pos {
        const char *file;
        const char *src;
        int line;
        int col;
};

enum diag_severity {
        DIAG_ERROR,
        DIAG_WARNING,
};

/* What kind of problem, which decides the config-test exit code. */
enum diag_class {
        DIAG_CONFIG,     /* a mistake in the file */
        DIAG_FATAL,      /* the daemon cannot run with this (no VRID, no interface) */
        DIAG_SECURITY,   /* scripts run as root without enable_script_security: they still run */
        DIAG_SYSTEM,     /* depends on this machine (a missing interface) */
        DIAG_SCRIPT,     /* a script that is disabled (missing, insecure, no user): the rest runs */
        DIAG_UNREADABLE, /* the configuration file itself cannot be read */
};

struct diag {
        enum diag_severity severity;
        enum diag_class class;
        struct conf_pos pos; /* strings owned by the list's arena */
        const char *msg;
};

struct diag_list {
        struct diag *items;
        size_t count;
        size_t capacity;
        struct arena arena;
};

void diag_list_init(struct diag_list *l);
void diag_list_free(struct diag_list *l);

void diag_add(struct diag_list *l, enum diag_severity sev, enum diag_class cls,
              const struct conf_pos *pos, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
void diag_addv(struct diag_list *l, enum diag_severity sev, enum diag_class cls,
               const struct conf_pos *pos, const char *fmt, va_list ap)
        __attribute__((format(printf, 5, 0)));

size_t diag_count(const struct diag_list *l, enum diag_severity sev);
bool diag_has_class(const struct diag_list *l, enum diag_severity sev, enum diag_class cls);

/* The config-test exit code for this set of diagnostics, as keepalived
 * 2.2.7's -t gives it: 0 valid (warnings alone do not fail), 4 the file
 * cannot be read, 5 a missing interface (keepalived stops there, so it
 * wins over 6), 6 scripts run as root without enable_script_security (it
 * wins over any other error, as in keepalived), 5 any other error. */
int diag_exit_code(const struct diag_list *l);

/* Whether the daemon refuses to start: an error other than a disabled
 * script or unchecked root scripts, which keepalived's start runs with
 * (the script dropped, or run as root) although its -t exits 5 or 6. */
bool diag_blocks_start(const struct diag_list *l);

/* Number of characters (UTF-8 code points) in the first `bytes` bytes of s:
 * columns are counted in characters, as editors show them. */
int diag_char_column(const char *s, size_t bytes);
