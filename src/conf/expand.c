/* @ conditional lines, $NAME definitions and substitution, ~SEQ and ~LST. */
#include "conf/lexer_internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"

static bool is_name_start(char c)
{
        return isalpha((unsigned char)c) || c == '_';
}

static bool is_name_char(char c)
{
        return isalnum((unsigned char)c) || c == '_';
}

static struct definition *find_def(struct lexer *lx, const char *name, size_t n)
{
        for (struct definition *d = lx->defs; d; d = d->next)
                if (strlen(d->name) == n && !strncmp(d->name, name, n))
                        return d;
        return NULL;
}

static void def_add_line(struct definition *d, const char *s, size_t n)
{
        d->lines = realloc(d->lines, (d->nlines + 1) * sizeof(char *));
        if (!d->lines)
                abort();
        d->lines[d->nlines] = strndup(s, n);
        d->nlines++;
}

static void def_clear(struct definition *d)
{
        for (size_t i = 0; i < d->nlines; i++)
                free(d->lines[i]);
        free(d->lines);
        d->lines = NULL;
        d->nlines = 0;
}

static struct definition *def_push(struct lexer *lx, const char *name, size_t n)
{
        struct definition *d = calloc(1, sizeof(*d));

        if (!d)
                abort();
        d->name = strndup(name, n);
        d->next = lx->defs;
        lx->defs = d;
        return d;
}

static void def_pop(struct lexer *lx)
{
        struct definition *d = lx->defs;

        lx->defs = d->next;
        def_clear(d);
        free(d->name);
        free(d);
}

void lex_free_definitions(struct lexer *lx)
{
        while (lx->defs)
                def_pop(lx);
}

/* "$NAME=VALUE": the name, no blank before '=', blanks after it skipped; a
 * value ending in '\' starts a multi-line definition. */
static bool try_definition(struct lexer *lx, const struct ltext *t)
{
        size_t i = 1;
        struct definition *d;
        const char *v;
        size_t vlen;

        if (t->s[0] != '$' || !is_name_start(t->s[1]))
                return false;
        while (is_name_char(t->s[i]))
                i++;
        if (t->s[i] != '=')
                return false;
        d = find_def(lx, t->s + 1, i - 1);
        if (!d)
                d = def_push(lx, t->s + 1, i - 1);
        else
                def_clear(d);
        if (t->s[1] == '_')
                lex_warning(lx, t->col[1], "definition names starting with '_' are reserved; '%s' overrides a built-in",
                            d->name);
        v = t->s + i + 1;
        while (*v && str_is_blank_char(*v))
                v++;
        vlen = strlen(v);
        d->multiline = vlen && v[vlen - 1] == '\\';
        if (d->multiline) {
                vlen--;
                while (vlen && str_is_blank_char(v[vlen - 1]))
                        vlen--;
                if (vlen)
                        def_add_line(d, v, vlen);
                lx->capturing = d;
        } else {
                def_add_line(d, v, vlen);
        }
        return true;
}

bool lex_continue_definition(struct lexer *lx, const struct ltext *t)
{
        struct definition *d = lx->capturing;
        size_t n = t->len;
        bool more = n && t->s[n - 1] == '\\';

        if (more) {
                n--;
                while (n && str_is_blank_char(t->s[n - 1]))
                        n--;
        }
        if (n)
                def_add_line(d, t->s, n);
        if (!more)
                lex_end_definition(lx);
        return true;
}

void lex_end_definition(struct lexer *lx)
{
        lx->capturing = NULL;
}

/* ---- substitution ------------------------------------------------------ */

static unsigned long long lex_random(struct lexer *lx)
{
        /* xorshift64*: reproducible from the seed, which is all a config needs */
        lx->rng ^= lx->rng >> 12;
        lx->rng ^= lx->rng << 25;
        lx->rng ^= lx->rng >> 27;
        return lx->rng * 2685821657736338717ULL;
}

/* Value of a built-in ${_NAME args}, into buf; false if not a built-in. */
static bool builtin_value(struct lexer *lx, const char *name, size_t n, const char *args,
                          char *buf, size_t size)
{
        if (n == 4 && !strncmp(name, "_PWD", 4)) {
                snprintf(buf, size, "%s", lx->file->dir);
        } else if (n == 9 && !strncmp(name, "_INSTANCE", 9)) {
                snprintf(buf, size, "%s", lx->opts->config_id ? lx->opts->config_id : "");
        } else if (n == 5 && !strncmp(name, "_HASH", 5)) {
                snprintf(buf, size, "#");
        } else if (n == 5 && !strncmp(name, "_BANG", 5)) {
                snprintf(buf, size, "!");
        } else if (n == 4 && !strncmp(name, "_ENV", 4)) {
                const char *v = NULL;
                char var[256];
                snprintf(var, sizeof(var), "%s", args ? args : "");
                if (var[0] && lx->opts->getenv_fn)
                        v = lx->opts->getenv_fn(var);
                snprintf(buf, size, "%s", v ? v : "");
        } else if (n == 7 && !strncmp(name, "_RANDOM", 7)) {
                long lo = 0, hi = 32767;
                if (args && *args) {
                        char *end;
                        lo = strtol(args, &end, 10);
                        if (*end)
                                hi = strtol(end, NULL, 10);
                }
                if (hi < lo)
                        hi = lo;
                snprintf(buf, size, "%lld",
                         (long long)lo + (long long)(lex_random(lx) % (unsigned long long)(hi - lo + 1)));
        } else {
                return false;
        }
        return true;
}

struct subst_out {
        struct ltext *lines;  /* the first line, then a multi-line expansion's others */
        size_t n;
        bool changed;
};

static struct ltext *out_cur(struct subst_out *o)
{
        return &o->lines[o->n - 1];
}

static void out_newline(struct subst_out *o)
{
        o->lines = realloc(o->lines, (o->n + 1) * sizeof(struct ltext));
        if (!o->lines)
                abort();
        ltext_init(&o->lines[o->n]);
        ltext_push(&o->lines[o->n], '\0', 1);
        o->lines[o->n].len = 0;
        o->n++;
}

/* Find a reference at s[i] == '$'. Sets name/args and the reference's
 * length; false if this '$' is not a reference. */
static bool parse_ref(const char *s, size_t i, size_t len, size_t *ret_name, size_t *ret_nlen,
                      char *args, size_t args_size, size_t *ret_reflen)
{
        size_t k;

        args[0] = '\0';
        if (s[i + 1] == '{') {
                const char *close = memchr(s + i + 2, '}', len - i - 2);
                size_t start = i + 2, nend;
                if (!close)
                        return false;
                nend = start;
                while (s + nend < close && !str_is_blank_char(s[nend]))
                        nend++;
                if (nend == start)
                        return false;
                k = nend;
                while (s + k < close && str_is_blank_char(s[k]))
                        k++;
                snprintf(args, args_size, "%.*s", (int)(close - (s + k)), s + k);
                *ret_name = start;
                *ret_nlen = nend - start;
                *ret_reflen = (size_t)(close - (s + i)) + 1;
                return true;
        }
        if (!is_name_start(s[i + 1]))
                return false;
        k = i + 1;
        while (k < len && is_name_char(s[k]))
                k++;
        if (k < len && !strchr(" \t,)", s[k]))
                return false;
        *ret_name = i + 1;
        *ret_nlen = k - i - 1;
        *ret_reflen = k - i;
        return true;
}

static void substitute(struct lexer *lx, const struct ltext *t, struct subst_out *o)
{
        char args[256], buf[4096];

        out_newline(o);
        for (size_t i = 0; i < t->len; i++) {
                size_t name, nlen, reflen;
                struct definition *d;
                const char *val;

                if (t->s[i] != '$' || !parse_ref(t->s, i, t->len, &name, &nlen, args, sizeof(args), &reflen)) {
                        ltext_push(out_cur(o), t->s[i], t->col[i]);
                        continue;
                }
                d = find_def(lx, t->s + name, nlen);
                if (d && d->multiline) {
                        if (i + reflen != t->len) {
                                lex_error(lx, t->col[i], "a multi-line definition must be the last thing on its line");
                                return;
                        }
                        for (size_t k = 0; k < d->nlines; k++) {
                                if (k)
                                        out_newline(o);
                                ltext_push_str(out_cur(o), d->lines[k], strlen(d->lines[k]), t->col[i]);
                        }
                        o->changed = true;
                        return;
                }
                if (d)
                        val = d->nlines ? d->lines[0] : "";
                else if (t->s[name] == '_' && builtin_value(lx, t->s + name, nlen, args, buf, sizeof(buf)))
                        val = buf;
                else {
                        ltext_push(out_cur(o), t->s[i], t->col[i]);
                        continue;
                }
                if (out_cur(o)->len + strlen(val) > LEX_MAX_LINE) {
                        lex_error(lx, t->col[i], "substituting definitions makes the line longer than %d bytes",
                                  LEX_MAX_LINE);
                        out_cur(o)->len = 0;
                        out_cur(o)->s[0] = '\0';
                        o->changed = true;
                        return;
                }
                ltext_push_str(out_cur(o), val, strlen(val), t->col[i]);
                o->changed = true;
                i += reflen - 1;
                /* a value starting with '~' is a sequence: leave the rest to it */
                const char *v = val;
                while (*v && str_is_blank_char(*v))
                        v++;
                if (*v == '~') {
                        for (i++; i < t->len; i++)
                                ltext_push(out_cur(o), t->s[i], t->col[i]);
                        return;
                }
        }
}

/* ---- @ conditional lines ------------------------------------------------ */

/* "@ID rest" keeps rest when ID is the config id, "@^ID rest" when it is
 * not. Returns the offset of rest, or 0 when the line is dropped. */
static size_t conditional_rest(struct lexer *lx, const struct ltext *t)
{
        bool negate = t->s[1] == '^';
        size_t start = negate ? 2 : 1, end = start;
        const char *id = lx->opts->config_id ? lx->opts->config_id : "";
        bool match;

        while (end < t->len && t->s[end] != ' ' && t->s[end] != '\t')
                end++;
        match = strlen(id) == end - start && !strncmp(id, t->s + start, end - start);
        if (match == negate)
                return 0;
        while (end < t->len && str_is_blank_char(t->s[end]))
                end++;
        return end < t->len ? end : 0;
}

/* ---- ~SEQ / ~LST --------------------------------------------------------- */

struct seq_args {
        char *item[64];
        size_t n;
};

static void seq_args_free(struct seq_args *a)
{
        for (size_t i = 0; i < a->n; i++)
                free(a->item[i]);
        a->n = 0;
}

/* Split "(a, {b,c}, d)" at top-level commas; returns the offset after ')'. */
static size_t split_args(const char *s, struct seq_args *a)
{
        size_t i = 1, start = 1;
        int brace = 0;

        a->n = 0;
        if (s[0] != '(')
                return 0;
        for (; s[i]; i++) {
                if (s[i] == '{')
                        brace++;
                else if (s[i] == '}' && brace)
                        brace--;
                else if ((s[i] == ',' && !brace) || (s[i] == ')' && !brace)) {
                        size_t b = start, e = i;
                        while (b < e && str_is_blank_char(s[b]))
                                b++;
                        while (e > b && str_is_blank_char(s[e - 1]))
                                e--;
                        if (a->n < 64)
                                a->item[a->n++] = strndup(s + b, e - b);
                        start = i + 1;
                        if (s[i] == ')')
                                return i + 1;
                }
        }
        return 0;
}

static bool seq_number(struct lexer *lx, const char *s, int col, long long *ret)
{
        char *end;
        struct definition *d = NULL;

        if (s[0] == '$')
                d = find_def(lx, s[1] == '{' ? s + 2 : s + 1, strcspn(s[1] == '{' ? s + 2 : s + 1, "}"));
        if (d && d->nlines)
                s = d->lines[0];
        errno = 0;
        *ret = strtoll(s, &end, 0);
        if (errno || end == s || *end) {
                lex_error(lx, col, "'%s' is not a number in ~SEQ", s);
                return false;
        }
        return true;
}

static void run_rest(struct lexer *lx, const struct ltext *t, size_t rest, int depth)
{
        struct ltext r;

        ltext_init(&r);
        ltext_from(&r, t->s + rest, t->len - rest, t->col + rest);
        lex_process(lx, &r, depth + 1);
        ltext_free(&r);
}

static void bind_and_run(struct lexer *lx, const char *var, const char *value,
                         const struct ltext *t, size_t rest, int depth)
{
        struct definition *d = def_push(lx, var, strlen(var));

        def_add_line(d, value, strlen(value));
        run_rest(lx, t, rest, depth);
        def_pop(lx);
}

static void expand_seq(struct lexer *lx, const struct ltext *t, bool hex, size_t open, int depth)
{
        struct seq_args a;
        size_t rest = split_args(t->s + open, &a);
        long long v[3], start, step, end;
        int col = t->col[0];

        if (!rest || a.n < 2 || a.n > 4) {
                lex_error(lx, col, "~SEQ needs (var, end), (var, start, end) or (var, start, step, end)");
                seq_args_free(&a);
                return;
        }
        for (size_t i = 1; i < a.n; i++)
                if (!seq_number(lx, a.item[i], col, &v[i - 1])) {
                        seq_args_free(&a);
                        return;
                }
        if (a.n == 2) {
                end = v[0];
                start = step = end >= 0 ? 1 : -1;
        } else if (a.n == 3) {
                start = v[0], end = v[1];
                step = start <= end ? 1 : -1;
        } else {
                start = v[0], step = v[1], end = v[2];
        }
        if (step == 0 || (step > 0 && start > end) || (step < 0 && start < end)) {
                lex_error(lx, col, "~SEQ step %lld never reaches %lld from %lld", step, end, start);
                seq_args_free(&a);
                return;
        }
        rest += open;
        while (rest < t->len && str_is_blank_char(t->s[rest]))
                rest++;
        for (long long x = start; step > 0 ? x <= end : x >= end; x += step) {
                char buf[32];
                size_t max = lx->opts->max_lines ? lx->opts->max_lines : LEX_MAX_GENERATED_LINES;
                if (lx->out->count > max) {
                        lex_error(lx, col, "~SEQ generates more than %zu lines", max);
                        break;
                }
                if (hex && x < 0) {
                        lex_error(lx, col, "~SEQx cannot format the negative value %lld", x);
                        break;
                }
                snprintf(buf, sizeof(buf), hex ? "%llx" : "%lld", x);
                bind_and_run(lx, a.item[0], buf, t, rest, depth);
        }
        seq_args_free(&a);
}

/* "~LST(var, v1, v2)" or "~LST({a,b}, {1,2}, {3,4})". */
static void expand_lst(struct lexer *lx, const struct ltext *t, size_t open, int depth)
{
        struct seq_args a, vars, vals;
        size_t rest = split_args(t->s + open, &a);

        if (!rest || a.n < 2) {
                lex_error(lx, t->col[0], "~LST needs (var, value, ...)");
                seq_args_free(&a);
                return;
        }
        rest += open;
        while (rest < t->len && str_is_blank_char(t->s[rest]))
                rest++;
        for (size_t i = 1; i < a.n; i++) {
                if (a.item[0][0] != '{') {
                        bind_and_run(lx, a.item[0], a.item[i], t, rest, depth);
                        continue;
                }
                size_t lv = strlen(a.item[0]), li = strlen(a.item[i]);
                if (lv < 2 || a.item[0][lv - 1] != '}' || li < 2 || a.item[i][0] != '{' || a.item[i][li - 1] != '}') {
                        lex_error(lx, t->col[0], "~LST tuples are written {a,b}");
                        break;
                }
                char *vs = strdup(a.item[0]), *xs = strdup(a.item[i]);
                vs[0] = '(', vs[lv - 1] = ')';
                xs[0] = '(', xs[li - 1] = ')';
                split_args(vs, &vars);
                split_args(xs, &vals);
                if (vars.n != vals.n) {
                        lex_error(lx, t->col[0], "~LST tuple has %zu values for %zu names", vals.n, vars.n);
                } else {
                        for (size_t k = 0; k < vars.n; k++)
                                def_add_line(def_push(lx, vars.item[k], strlen(vars.item[k])),
                                             vals.item[k], strlen(vals.item[k]));
                        run_rest(lx, t, rest, depth);
                        for (size_t k = 0; k < vars.n; k++)
                                def_pop(lx);
                }
                seq_args_free(&vars);
                seq_args_free(&vals);
                free(vs);
                free(xs);
        }
        seq_args_free(&a);
}

static bool try_sequence(struct lexer *lx, const struct ltext *t, int depth)
{
        if (t->s[0] != '~') /* every line is asked */
                return false;
        if (str_has_prefix(t->s, "~SEQx("))
                expand_seq(lx, t, true, 5, depth);
        else if (str_has_prefix(t->s, "~SEQ("))
                expand_seq(lx, t, false, 4, depth);
        else if (str_has_prefix(t->s, "~LST("))
                expand_lst(lx, t, 4, depth);
        else
                return false;
        return true;
}

/* ---- the pipeline ------------------------------------------------------- */

void lex_process(struct lexer *lx, const struct ltext *t, int depth)
{
        struct subst_out o = {0};

        size_t budget = 4 * (lx->opts->max_lines ? lx->opts->max_lines : LEX_MAX_GENERATED_LINES);

        if (t->len == 0 || lx->over_budget)
                return;
        if (++lx->work > budget) {
                lx->over_budget = true;
                lex_error(lx, t->col[0], "the configuration expands into more than %zu lines; stopping here", budget);
                return;
        }
        lx->bytes += t->len;
        if (lx->bytes > LEX_MAX_EXPANDED_BYTES) {
                lx->over_budget = true;
                lex_error(lx, t->col[0], "the configuration expands into more than %u MiB of text; stopping here",
                          LEX_MAX_EXPANDED_BYTES >> 20);
                return;
        }
        if (depth > LEX_MAX_EXPANSION_DEPTH) {
                lex_error(lx, t->col[0], "definitions expand more than %d levels deep (a definition refers to itself?)",
                          LEX_MAX_EXPANSION_DEPTH);
                return;
        }
        if (t->s[0] == '@') {
                size_t rest = conditional_rest(lx, t);
                if (rest)
                        run_rest(lx, t, rest, depth);
                return;
        }
        if (try_definition(lx, t) || try_sequence(lx, t, depth))
                return;
        if (memchr(t->s, '$', t->len))
                substitute(lx, t, &o);
        if (!o.changed) {
                lex_emit(lx, t, depth);
        } else {
                for (size_t i = 0; i < o.n; i++) {
                        struct ltext clean;
                        ltext_init(&clean);
                        if (lex_decomment(lx, &o.lines[i], &clean))
                                lex_process(lx, &clean, depth + 1);
                        ltext_free(&clean);
                }
        }
        for (size_t i = 0; i < o.n; i++)
                ltext_free(&o.lines[i]);
        free(o.lines);
}
