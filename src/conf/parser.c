/* The block dispatcher: keyword lookup, blocks, braces and typed reads. */
#include "conf/parser.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "conf/values.h"

static const struct kw_table *const all_tables[] = {
        &kw_root_table, &kw_global_table, &kw_vrrp_script_table, &kw_track_file_table,
        &kw_track_process_table, &kw_sync_group_table, &kw_instance_table, &kw_auth_table,
        &kw_vs_table, &kw_rs_table, &kw_ssl_table, &kw_tcp_check_table, &kw_http_check_table,
        &kw_url_table, &kw_smtp_check_table, &kw_smtp_host_table, &kw_misc_check_table, &kw_dns_check_table,
        &kw_udp_check_table, &kw_ping_check_table, &kw_file_check_table,
};

struct conf_pos ppos(struct parser *p, const struct conf_line *ln, size_t i)
{
        (void)p;
        return conf_line_pos(ln, i);
}

static void pdiagv(struct parser *p, enum diag_severity sev, enum diag_class cls,
                   const struct conf_line *ln, size_t i, const char *fmt, va_list ap)
        __attribute__((format(printf, 6, 0)));
static void pdiagv(struct parser *p, enum diag_severity sev, enum diag_class cls,
                   const struct conf_line *ln, size_t i, const char *fmt, va_list ap)
{
        struct conf_pos pos = conf_line_pos(ln, i);

        diag_addv(p->diags, sev, cls, &pos, fmt, ap);
}

void perr(struct parser *p, const struct conf_line *ln, size_t i, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        pdiagv(p, DIAG_ERROR, DIAG_CONFIG, ln, i, fmt, ap);
        va_end(ap);
}

void pwarn(struct parser *p, const struct conf_line *ln, size_t i, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        pdiagv(p, DIAG_WARNING, DIAG_CONFIG, ln, i, fmt, ap);
        va_end(ap);
}

void pfatal(struct parser *p, const struct conf_line *ln, size_t i, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        pdiagv(p, DIAG_ERROR, DIAG_FATAL, ln, i, fmt, ap);
        va_end(ap);
}

void pdiag_at(struct parser *p, enum diag_severity sev, enum diag_class cls,
              const struct conf_pos *pos, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        diag_addv(p->diags, sev, cls, pos, fmt, ap);
        va_end(ap);
}

bool pargs(struct parser *p, const struct conf_line *ln, size_t min, long max)
{
        size_t n = ln->ntok - 1;

        if (n < min) {
                perr(p, ln, ln->ntok, "'%s' is missing %s", ln->tok[0].s,
                     min - n == 1 ? "a value" : "values");
                return false;
        }
        if (max >= 0 && n > (size_t)max) {
                pwarn(p, ln, 1 + (size_t)max, "'%s' takes %ld value%s; ignoring the rest", ln->tok[0].s, max,
                      max == 1 ? "" : "s");
        }
        return true;
}

/* ---- typed reads --------------------------------------------------------- */

#define FIELD(obj, off, type) ((type *)(void *)((char *)(obj) + (off)))

void kw_read_typed(struct parser *p, const struct kw *k, const struct conf_line *ln, void *obj)
{
        int64_t v;
        bool b;

        switch (k->type) {
        case T_FN:
                return;
        case T_UINT:
        case T_INT:
        case T_U16:
        case T_U32:
        case T_I64:
                if (!pargs(p, ln, 1, 1) || !read_int64(p, ln, 1, k->min, k->max, &v))
                        return;
                if (k->type == T_UINT)
                        *FIELD(obj, k->off, unsigned) = (unsigned)v;
                else if (k->type == T_INT)
                        *FIELD(obj, k->off, int) = (int)v;
                else if (k->type == T_U16)
                        *FIELD(obj, k->off, uint16_t) = (uint16_t)v;
                else if (k->type == T_U32)
                        *FIELD(obj, k->off, uint32_t) = (uint32_t)v;
                else
                        *FIELD(obj, k->off, int64_t) = v;
                break;
        case T_TIMER:
                if (!pargs(p, ln, 1, 1) || !read_timer(p, ln, 1, k->min, k->max, &v))
                        return;
                *FIELD(obj, k->off, int64_t) = v;
                break;
        case T_BOOL:
        case T_TRIBOOL:
                pargs(p, ln, 0, 1);
                if (!read_bool_opt(p, ln, 1, &b))
                        return;
                if (k->type == T_BOOL)
                        *FIELD(obj, k->off, bool) = b;
                else
                        *FIELD(obj, k->off, int) = b;
                break;
        case T_FLAG:
                pargs(p, ln, 0, 0);
                *FIELD(obj, k->off, bool) = true;
                break;
        case T_STRING:
                if (!pargs(p, ln, 1, 1))
                        return;
                *FIELD(obj, k->off, const char *) = arena_strdup(&p->conf->arena, ln->tok[1].s);
                break;
        case T_IP:
                if (!pargs(p, ln, 1, 1) || !read_ip(p, ln, 1, FIELD(obj, k->off, struct conf_ip)))
                        return;
                break;
        case T_SCRIPT:
                if (!read_script(p, ln, FIELD(obj, k->off, struct conf_script)))
                        return;
                break;
        }
        if (k->set_off >= 0)
                *FIELD(obj, (size_t)k->set_off, bool) = true;
}

/* ---- lookup and suggestions ------------------------------------------------ */

static const struct kw *kw_lookup(const struct kw_table *t, const char *name)
{
        /* the first byte first: a large file looks up a keyword per line */
        for (const struct kw *k = t->kw; k->name; k++)
                if (k->name[0] == name[0] && !strcmp(k->name, name))
                        return k;
        return NULL;
}

#define SUGGEST_MAX_DIAGS 200

static const char *closest_in(const struct kw_table *t, const char *word)
{
        const char *names[512];
        size_t n = 0;

        for (const struct kw *k = t->kw; k->name && n < 512; k++)
                names[n++] = k->name;
        return str_closest(word, names, n);
}

const char *kw_suggest(const struct kw_table *t, const char *word)
{
        const char *s = closest_in(t, word);

        for (size_t i = 0; !s && i < sizeof(all_tables) / sizeof(all_tables[0]); i++)
                s = closest_in(all_tables[i], word);
        return s;
}

static const struct kw_table *table_owning(const char *word)
{
        for (size_t i = 0; i < sizeof(all_tables) / sizeof(all_tables[0]); i++)
                if (kw_lookup(all_tables[i], word))
                        return all_tables[i];
        return NULL;
}

static void unknown_keyword(struct parser *p, const struct kw_table *t, const struct conf_line *ln)
{
        const char *word = ln->tok[0].s;
        const struct kw_table *owner;
        const char *s;

        /* A file with hundreds of problems is not a typo (a binary file, a
         * runaway ~SEQ): past that, the suggestion search is only cost. */
        if (p->diags->count > SUGGEST_MAX_DIAGS) {
                perr(p, ln, 0, "unknown keyword '%s' in %s", word, t->block);
                return;
        }
        s = closest_in(t, word);

        if (s) {
                perr(p, ln, 0, "unknown keyword '%s' in %s; did you mean '%s'?", word, t->block, s);
                return;
        }
        owner = table_owning(word);
        if (owner) {
                perr(p, ln, 0, "'%s' is not valid in %s; it belongs in %s", word, t->block, owner->block);
                return;
        }
        s = kw_suggest(t, word);
        if (s)
                perr(p, ln, 0, "unknown keyword '%s' in %s; did you mean '%s'?", word, t->block, s);
        else
                perr(p, ln, 0, "unknown keyword '%s' in %s", word, t->block);
}

/* ---- blocks ----------------------------------------------------------------- */

static bool is_tok(const struct conf_line *ln, const char *s)
{
        return ln->ntok == 1 && !ln->tok[0].quoted && !strcmp(ln->tok[0].s, s);
}

static const struct conf_line *peek(struct parser *p)
{
        return p->next < p->lines->count ? &p->lines->items[p->next] : NULL;
}

/* Skip a block whose '{' has been consumed, up to its matching '}'. */
static void skip_to_close(struct parser *p)
{
        int depth = 1;

        while (p->next < p->lines->count && depth > 0) {
                const struct conf_line *ln = &p->lines->items[p->next++];
                if (is_tok(ln, "{"))
                        depth++;
                else if (is_tok(ln, "}"))
                        depth--;
        }
}

/* If the next line opens a block, skip the whole block; true if it did. */
static bool skip_block_if_any(struct parser *p)
{
        const struct conf_line *n = peek(p);

        if (!n || !is_tok(n, "{"))
                return false;
        p->next++;
        skip_to_close(p);
        return true;
}

static bool expect_open(struct parser *p, const struct conf_line *ln)
{
        const struct conf_line *n = peek(p);

        if (n && is_tok(n, "{")) {
                p->next++;
                return true;
        }
        perr(p, ln, ln->ntok, "'%s' must be followed by a block in braces: %s { ... }", ln->tok[0].s,
             ln->tok[0].s);
        return false;
}

static void parse_block(struct parser *p, const struct kw_table *t, void *obj, const struct conf_line *opener);

/* Lines of a value block: every line is an entry for k->fn. */
static void parse_lines(struct parser *p, const struct kw *k, void *obj, const struct conf_line *opener)
{
        while (p->next < p->lines->count) {
                const struct conf_line *ln = &p->lines->items[p->next++];
                if (is_tok(ln, "}"))
                        return;
                if (is_tok(ln, "{")) {
                        perr(p, ln, 0, "unexpected '{' in %s", k->name);
                        skip_to_close(p);
                        continue;
                }
                k->fn(p, ln, obj);
        }
        perr(p, opener, 0, "'%s' block is missing its closing '}'", k->name);
}

static void dispatch(struct parser *p, const struct kw_table *t, const struct kw *k,
                     const struct conf_line *ln, void *obj)
{
        void *child;

        switch (k->kind) {
        case KW_UNSUPPORTED:
                pwarn(p, ln, 0, "'%s' is not supported yet%s%s; ignoring it", k->name, k->note ? ": " : "",
                      k->note ? k->note : "");
                skip_block_if_any(p);
                return;
        case KW_OBSOLETE:
                pwarn(p, ln, 0, "'%s' is obsolete%s%s; ignoring it", k->name, k->note ? ": " : "",
                      k->note ? k->note : "");
                skip_block_if_any(p);
                return;
        case KW_LINES:
                if (!expect_open(p, ln))
                        return;
                child = k->open ? k->open(p, ln, obj) : obj;
                if (!child) {
                        skip_to_close(p);
                        return;
                }
                parse_lines(p, k, child, ln);
                return;
        case KW_BLOCK:
                if (!expect_open(p, ln))
                        return;
                child = k->open ? k->open(p, ln, obj) : obj;
                if (!child) {
                        skip_to_close(p);
                        return;
                }
                parse_block(p, k->sub, child, ln);
                if (k->close)
                        k->close(p, child, obj);
                return;
        case KW_VALUE:
                if (k->type != T_FN)
                        kw_read_typed(p, k, ln, obj);
                if (k->fn)
                        k->fn(p, ln, obj);
                if (skip_block_if_any(p))
                        perr(p, ln, 0, "'%s' in %s does not take a block; ignoring the block", k->name, t->block);
                return;
        }
}

static void parse_block(struct parser *p, const struct kw_table *t, void *obj, const struct conf_line *opener)
{
        while (p->next < p->lines->count) {
                const struct conf_line *ln = &p->lines->items[p->next++];
                const struct kw *k;

                if (is_tok(ln, "}")) {
                        if (opener)
                                return;
                        perr(p, ln, 0, "extra '}' with no block to close");
                        continue;
                }
                if (is_tok(ln, "{")) {
                        perr(p, ln, 0, "unexpected '{' - ignoring the block");
                        skip_to_close(p);
                        continue;
                }
                k = ln->tok[0].quoted ? NULL : kw_lookup(t, ln->tok[0].s);
                if (!k) {
                        unknown_keyword(p, t, ln);
                        skip_block_if_any(p);
                        continue;
                }
                dispatch(p, t, k, ln, obj);
        }
        if (opener)
                perr(p, opener, 0, "'%s' block is missing its closing '}'", opener->tok[0].s);
}

void parser_run(struct parser *p)
{
        parse_block(p, &kw_root_table, p->conf, NULL);
}
