/* Keyword tables and the block dispatcher. Each block of keepalived.conf
 * is a table; simple keywords are declared with their type, field and
 * range and filled by generic readers, the rest by small handlers. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf/lexer.h"
#include "conf/model.h"

struct parser {
        struct conf *conf;
        struct diag_list *diags;
        const struct conf_lines *lines;
        size_t next;            /* index of the next logical line */
};

struct kw_table;

typedef void (*kw_fn)(struct parser *p, const struct conf_line *ln, void *obj);
/* Opens a block: returns the object the block's keywords fill, or NULL to
 * skip the block (after reporting why). */
typedef void *(*kw_open_fn)(struct parser *p, const struct conf_line *ln, void *obj);
typedef void (*kw_close_fn)(struct parser *p, void *child, void *obj);

enum kw_kind {
        KW_VALUE,       /* a keyword line, read by type or fn */
        KW_BLOCK,       /* a block of keywords from sub */
        KW_LINES,       /* a block whose lines are entries, each given to fn */
        KW_UNSUPPORTED, /* recognised, not implemented yet: warned about, block skipped */
        KW_OBSOLETE,    /* not a keepalived keyword any more: warned about and ignored */
};

enum kw_type {
        T_FN,           /* custom handler only */
        T_UINT,         /* unsigned */
        T_INT,          /* int */
        T_U16,          /* uint16_t */
        T_U32,          /* uint32_t */
        T_I64,          /* int64_t */
        T_TIMER,        /* int64_t microseconds from decimal seconds */
        T_BOOL,         /* bool; optional yes/no argument, bare keyword = true */
        T_TRIBOOL,      /* int -1 unset / 0 / 1; optional argument */
        T_FLAG,         /* bool; no argument */
        T_STRING,       /* const char * */
        T_IP,           /* struct conf_ip */
        T_SCRIPT,       /* struct conf_script (script-type quoting) */
};

struct kw {
        const char *name;
        enum kw_kind kind;
        enum kw_type type;
        size_t off;             /* field in the object */
        ssize_t set_off;        /* bool "was set" field, or -1 */
        int64_t min, max;       /* range (µs for timers) */
        kw_fn fn;               /* handler (T_FN, KW_LINES), or called after a typed read */
        const struct kw_table *sub;
        kw_open_fn open;
        kw_close_fn close;
        const char *note;       /* unsupported/obsolete: what to do instead */
};

struct kw_table {
        const char *block;      /* "global_defs", "vrrp_instance", ... for messages */
        const struct kw *kw;    /* terminated by an entry with name NULL */
};

#define KW_END { .name = NULL }
#define KW_T(n, ty, T, f, lo, hi) \
        { .name = n, .kind = KW_VALUE, .type = ty, .off = offsetof(T, f), .set_off = -1, .min = lo, .max = hi }
#define KW_TS(n, ty, T, f, lo, hi) \
        { .name = n, .kind = KW_VALUE, .type = ty, .off = offsetof(T, f), .set_off = offsetof(T, f##_set), .min = lo, .max = hi }
#define KW_FN(n, handler) { .name = n, .kind = KW_VALUE, .type = T_FN, .set_off = -1, .fn = handler }
#define KW_LINES(n, handler) { .name = n, .kind = KW_LINES, .type = T_FN, .set_off = -1, .fn = handler }
/* A block of entry lines that belongs to a named object made by o. */
#define KW_NAMED_LINES(n, o, handler) \
        { .name = n, .kind = KW_LINES, .type = T_FN, .set_off = -1, .fn = handler, .open = o }
#define KW_BLOCK(n, table, o, c) \
        { .name = n, .kind = KW_BLOCK, .type = T_FN, .set_off = -1, .sub = table, .open = o, .close = c }
#define KW_NS(n, why) { .name = n, .kind = KW_UNSUPPORTED, .set_off = -1, .note = why }
#define KW_OLD(n, why) { .name = n, .kind = KW_OBSOLETE, .set_off = -1, .note = why }

/* Tables, defined in kw_*.c. */
extern const struct kw_table kw_root_table;
extern const struct kw_table kw_global_table;
extern const struct kw_table kw_vrrp_script_table;
extern const struct kw_table kw_track_file_table;
extern const struct kw_table kw_track_process_table;
extern const struct kw_table kw_sync_group_table;
extern const struct kw_table kw_instance_table;
extern const struct kw_table kw_auth_table;
extern const struct kw_table kw_vs_table;
extern const struct kw_table kw_rs_table;
extern const struct kw_table kw_ssl_table;
extern const struct kw_table kw_tcp_check_table;
extern const struct kw_table kw_http_check_table;
extern const struct kw_table kw_url_table;
extern const struct kw_table kw_smtp_check_table;
extern const struct kw_table kw_smtp_host_table;
extern const struct kw_table kw_misc_check_table;
extern const struct kw_table kw_dns_check_table;
extern const struct kw_table kw_udp_check_table;
extern const struct kw_table kw_ping_check_table;
extern const struct kw_table kw_file_check_table;

/* Parse lines into p->conf starting at the root table. */
void parser_run(struct parser *p);

/* Diagnostics at token i of ln (i == ntok: end of line). */
void perr(struct parser *p, const struct conf_line *ln, size_t i, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
void pwarn(struct parser *p, const struct conf_line *ln, size_t i, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
void pfatal(struct parser *p, const struct conf_line *ln, size_t i, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
void pdiag_at(struct parser *p, enum diag_severity sev, enum diag_class cls,
              const struct conf_pos *pos, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The position to keep in the model for later (validator) messages. */
struct conf_pos ppos(struct parser *p, const struct conf_line *ln, size_t i);

/* Argument count checks: report and return false when outside [min, max]
 * (max < 0: no limit). Counts exclude the keyword itself. */
bool pargs(struct parser *p, const struct conf_line *ln, size_t min, long max);

/* Reading a keyword value by its declared type; used by the dispatcher and
 * by handlers that need the same rules for one argument. */
void kw_read_typed(struct parser *p, const struct kw *k, const struct conf_line *ln, void *obj);

/* Suggest the closest keyword name known anywhere ("did you mean"). */
const char *kw_suggest(const struct kw_table *t, const char *word);
