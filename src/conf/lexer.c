/* Physical lines, comments, includes and brace splitting. */
#include "conf/lexer_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"

void ltext_init(struct ltext *t)
{
        memset(t, 0, sizeof(*t));
}

void ltext_free(struct ltext *t)
{
        free(t->s);
        free(t->col);
        ltext_init(t);
}

static void ltext_reserve(struct ltext *t, size_t extra)
{
        size_t need = t->len + extra + 1;
        size_t cap;

        if (need <= t->cap)
                return;
        cap = t->cap ? t->cap : 64;
        while (cap < need)
                cap *= 2;
        t->s = realloc(t->s, cap);
        t->col = realloc(t->col, cap * sizeof(int));
        if (!t->s || !t->col)
                abort();
        t->cap = cap;
}

/* The lexer pushes every byte of a large file: the reserve is a call
 * only when the buffer grows. */
void ltext_push(struct ltext *t, char c, int col)
{
        if (t->len + 2 > t->cap)
                ltext_reserve(t, 1);
        t->s[t->len] = c;
        t->col[t->len] = col;
        t->len++;
        t->s[t->len] = '\0';
}

void ltext_push_str(struct ltext *t, const char *s, size_t n, int col)
{
        for (size_t i = 0; i < n; i++)
                ltext_push(t, s[i], col);
}

void ltext_from(struct ltext *t, const char *s, size_t n, const int *cols)
{
        t->len = 0;
        ltext_reserve(t, n);
        memcpy(t->s, s, n);
        memcpy(t->col, cols, n * sizeof(*cols));
        t->len = n;
        t->s[n] = '\0';
}

static void lex_diag(struct lexer *lx, enum diag_severity sev, int col, const char *fmt, va_list ap)
        __attribute__((format(printf, 4, 0)));
static void lex_diag(struct lexer *lx, enum diag_severity sev, int col, const char *fmt, va_list ap)
{
        struct conf_pos pos = lx->pos;

        pos.col = col;
        diag_addv(lx->diags, sev, DIAG_CONFIG, &pos, fmt, ap);
}

void lex_error(struct lexer *lx, int col, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        lex_diag(lx, DIAG_ERROR, col, fmt, ap);
        va_end(ap);
}

void lex_warning(struct lexer *lx, int col, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        lex_diag(lx, DIAG_WARNING, col, fmt, ap);
        va_end(ap);
}

/* keepalived's decomment: leading blanks go; outside double quotes '#' and
 * '!' start a comment and "\#" / "\!" are literal; inside quotes a
 * backslash pair is kept as is; trailing blanks go, and blanks before a
 * trailing backslash (a multi-line definition continues) go too. */
bool lex_decomment(struct lexer *lx, const struct ltext *in, struct ltext *out)
{
        size_t i = 0, quote_col = 0;
        bool in_quote = false;

        out->len = 0;
        ltext_push(out, '\0', 0);
        out->len = 0;
        while (i < in->len && str_is_blank_char(in->s[i]))
                i++;
        for (; i < in->len; i++) {
                char c = in->s[i];
                if (c == '"') {
                        in_quote = !in_quote;
                        quote_col = (size_t)in->col[i];
                } else if (c == '\\' && i + 1 < in->len) {
                        char n = in->s[i + 1];
                        if (!in_quote && (n == '#' || n == '!')) {
                                ltext_push(out, n, in->col[i + 1]);
                                i++;
                                continue;
                        }
                        if (in_quote) {
                                ltext_push(out, c, in->col[i]);
                                ltext_push(out, n, in->col[i + 1]);
                                i++;
                                continue;
                        }
                } else if (!in_quote && (c == '#' || c == '!')) {
                        break;
                }
                ltext_push(out, c, in->col[i]);
        }
        if (in_quote) {
                lex_error(lx, (int)quote_col, "unterminated quote");
                out->len = 0;
                out->s[0] = '\0';
                return false;
        }
        while (out->len && str_is_blank_char(out->s[out->len - 1]))
                out->len--;
        if (out->len && out->s[out->len - 1] == '\\') {
                size_t end = out->len - 1;
                while (end && str_is_blank_char(out->s[end - 1]))
                        end--;
                out->s[end] = '\\';
                out->col[end] = out->col[out->len - 1];
                out->len = end + 1;
        }
        out->s[out->len] = '\0';
        return true;
}

/* ---- includes ---------------------------------------------------------- */

enum include_checks {
        INC_READ = 1,     /* every matched file readable */
        INC_MATCH = 2,    /* the pattern matches something */
        INC_WILDCARD = 4, /* every wildcard alternative matches something */
        INC_BRACE = 8,    /* every brace alternative matches something */
};

static int include_checks_for(const char *word)
{
        if (!strcmp(word, "include"))
                return 0;
        if (!strcmp(word, "includer"))
                return INC_READ;
        if (!strcmp(word, "includem"))
                return INC_READ | INC_MATCH;
        if (!strcmp(word, "includew"))
                return INC_READ | INC_MATCH | INC_WILDCARD;
        if (!strcmp(word, "includeb"))
                return INC_READ | INC_BRACE;
        if (!strcmp(word, "includea"))
                return INC_READ | INC_MATCH | INC_WILDCARD | INC_BRACE;
        return -1;
}

/* Nested groups multiply: {a,b}{c,d}... grows as 2^n, so the expansion stops
 * at a count no real configuration comes near. */
#define INCLUDE_MAX_ALTERNATIVES 1024

/* Expand csh-style {a,b} alternatives (first brace group, recursively).
 * Returns false when the expansion would exceed INCLUDE_MAX_ALTERNATIVES. */
static bool brace_expand(const char *pat, char ***list, size_t *n)
{
        const char *open = NULL, *close = NULL;
        int depth = 0;
        bool ok = true;

        for (const char *p = pat; *p; p++) {
                if (*p == '{') {
                        if (depth++ == 0)
                                open = p;
                } else if (*p == '}' && depth > 0) {
                        if (--depth == 0) {
                                close = p;
                                break;
                        }
                }
        }
        if (!open || !close) {
                if (*n >= INCLUDE_MAX_ALTERNATIVES)
                        return false;
                *list = realloc(*list, (*n + 1) * sizeof(char *));
                (*list)[(*n)++] = strdup(pat);
                return true;
        }
        const char *alt = open + 1;
        depth = 0;
        for (const char *p = open + 1; p <= close && ok; p++) {
                if (*p == '{')
                        depth++;
                else if (*p == '}' && depth > 0 && p != close)
                        depth--;
                else if ((*p == ',' && depth == 0) || p == close) {
                        size_t pre = (size_t)(open - pat), mid = (size_t)(p - alt);
                        size_t post = strlen(close + 1);
                        char *s = malloc(pre + mid + post + 1);
                        memcpy(s, pat, pre);
                        memcpy(s + pre, alt, mid);
                        memcpy(s + pre + mid, close + 1, post + 1);
                        ok = brace_expand(s, list, n);
                        free(s);
                        alt = p + 1;
                }
        }
        return ok;
}

static void free_strv(char **v, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

static char *path_join(struct arena *a, const char *dir, const char *rel)
{
        if (rel[0] == '/' || !dir || !dir[0])
                return arena_strdup(a, rel);
        return arena_printf(a, "%s/%s", dir, rel);
}

static const char *path_dir(struct arena *a, const char *path)
{
        const char *slash = strrchr(path, '/');

        if (!slash)
                return "";
        if (slash == path)
                return "/";
        return arena_strndup(a, path, (size_t)(slash - path));
}

static void lex_file(struct lexer *lx, const char *path, int checks, int col);

/* what: "included file 'x' does not exist" and the like, already formatted */
static void include_problem(struct lexer *lx, int checks, int bit, int col, const char *what,
                            const char *path)
{
        if ((checks & bit) || lx->opts->all_config)
                lex_error(lx, col, "%s '%s'", what, path);
        else
                lex_warning(lx, col, "%s '%s'", what, path);
}

static void lex_include(struct lexer *lx, int checks, const char *pattern, int col)
{
        char **alts = NULL, *full;
        size_t nalts = 0, total = 0;
        struct conf_pos saved = lx->pos;

        full = path_join(lx->scratch, lx->file->dir, pattern);
        if (!brace_expand(full, &alts, &nalts)) {
                lex_error(lx, col, "include pattern '%s' expands to more than %d alternatives", full,
                          INCLUDE_MAX_ALTERNATIVES);
                free_strv(alts, nalts);
                return;
        }
        for (size_t i = 0; i < nalts; i++) {
                char **paths = NULL;
                size_t n = 0;
                bool wild = strpbrk(alts[i], "*?[") != NULL;
                int r = lx->opts->fs->glob(lx->opts->fs->ctx, alts[i], &paths, &n);
                if (r < 0)
                        n = 0;
                if (n == 0 && nalts > 1)
                        include_problem(lx, checks, INC_BRACE, col, "no file matches the include alternative", alts[i]);
                else if (n == 0 && wild)
                        include_problem(lx, checks, INC_WILDCARD, col, "no file matches the include pattern", alts[i]);
                for (size_t k = 0; k < n; k++) {
                        lx->pos = saved;
                        lex_file(lx, paths[k], checks, col);
                }
                total += n;
                free_strv(paths, n);
        }
        lx->pos = saved;
        if (total == 0 && nalts <= 1 && !strpbrk(full, "*?["))
                include_problem(lx, checks, INC_MATCH, col, "no such included file", full);
        free_strv(alts, nalts);
}

/* "include PATTERN" (and includer/m/w/b/a): the rest of the line, untokenised. */
static bool try_include(struct lexer *lx, const struct ltext *t)
{
        size_t w = 0;
        char word[16];
        int checks;

        if (t->s[0] != 'i' || !str_has_prefix(t->s, "include")) /* every line is asked */
                return false;
        while (w < t->len && w < sizeof(word) - 1 && !str_is_blank_char(t->s[w]))
                w++;
        if (w >= t->len || w >= sizeof(word) - 1)
                return false;
        memcpy(word, t->s, w);
        word[w] = '\0';
        checks = include_checks_for(word);
        if (checks < 0)
                return false;
        while (w < t->len && str_is_blank_char(t->s[w]))
                w++;
        lex_include(lx, checks, t->s + w, t->col[w]);
        return true;
}

/* ---- emission ---------------------------------------------------------- */

static void emit_logical(struct lexer *lx, const char *s, const int *cols, size_t n)
{
        struct conf_lines *out = lx->out;
        struct conf_line *ln;

        while (n && str_is_blank_char(*s))
                s++, cols++, n--;
        while (n && str_is_blank_char(s[n - 1]))
                n--;
        if (n == 0)
                return;
        if (out->count == out->capacity) {
                size_t cap = out->capacity ? out->capacity * 2 : 256;
                struct conf_line *items = realloc(out->items, cap * sizeof(*items));
                if (!items)
                        abort();
                out->items = items;
                out->capacity = cap;
        }
        ln = &out->items[out->count];
        memset(ln, 0, sizeof(*ln));
        ln->pos = lx->pos;
        ln->pos.col = cols[0];
        ln->text = arena_strndup(lx->scratch, s, n);
        ln->end_col = cols[n - 1] + 1;
        if (lex_tokenize(lx, ln, cols) && ln->ntok > 0)
                out->count++;
}

/* A brace outside double quotes ends the logical line; the brace is a
 * line of its own, and the rest of the text carries on. */
void lex_emit(struct lexer *lx, const struct ltext *t, int depth)
{
        size_t start = 0;
        bool in_quote = false;

        (void)depth;
        if (try_include(lx, t))
                return;
        for (size_t i = 0; i < t->len; i++) {
                char c = t->s[i];
                if (c == '"')
                        in_quote = !in_quote;
                if (in_quote || (c != '{' && c != '}'))
                        continue;
                emit_logical(lx, t->s + start, t->col + start, i - start);
                emit_logical(lx, t->s + i, t->col + i, 1);
                start = i + 1;
        }
        emit_logical(lx, t->s + start, t->col + start, t->len - start);
}

/* ---- files ------------------------------------------------------------- */

static bool include_loop(const struct lex_file *f, const char *path)
{
        for (; f; f = f->parent)
                if (!strcmp(f->path, path))
                        return true;
        return false;
}

/* raw and clean are the caller's buffers, reused from line to line (an
 * included file's lines have their own: lex_process may read one). */
static void lex_physical_line(struct lexer *lx, const char *line, size_t n, struct ltext *raw, struct ltext *clean)
{
        int col = 0;

        raw->len = 0;
        ltext_reserve(raw, n);
        /* a byte's column is 1 + the number of characters before it */
        for (size_t i = 0; i < n; i++) {
                if (((unsigned char)line[i] & 0xC0) != 0x80)
                        col++;
                raw->s[i] = line[i];
                raw->col[i] = col ? col : 1;
        }
        raw->len = n;
        raw->s[n] = '\0';
        if (lex_decomment(lx, raw, clean)) {
                if (!(lx->capturing && lex_continue_definition(lx, clean)) && clean->len)
                        lex_process(lx, clean, 0);
        }
}

/* Most lines of a large file are plain: ASCII, no quote, escape, comment,
 * definition or sequence. Such a line's columns are its byte offsets + 1
 * and decommenting it only strips its blanks, so it skips the per-byte
 * copies of lex_physical_line() and goes to lex_process() as a view.
 * Returns false, having done nothing, for any other line. */
static bool lex_plain_line(struct lexer *lx, const char *line, size_t n, struct ltext *raw)
{
        size_t lead = 0, end = n;
        struct ltext view;

        if (lx->capturing)
                return false;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)line[i];
                if ((c < 0x20 && c != '\t') || c >= 0x7f || c == '"' || c == '\\' || c == '#' || c == '!' ||
                    c == '$')
                        return false;
        }
        while (lead < n && str_is_blank_char(line[lead]))
                lead++;
        while (end > lead && str_is_blank_char(line[end - 1]))
                end--;
        if (lead == end)
                return true;
        if (line[lead] == '@' || line[lead] == '~')
                return false;
        if (lx->nident < n + 1) {
                int *id = realloc(lx->ident, (n + 1) * sizeof(*id));
                if (!id)
                        abort();
                for (size_t i = lx->nident; i < n + 1; i++)
                        id[i] = (int)i + 1;
                lx->ident = id;
                lx->nident = n + 1;
        }
        raw->len = 0;
        ltext_reserve(raw, n);
        memcpy(raw->s, line, end);
        raw->s[end] = '\0';
        /* lex_process() sends a plain line straight to lex_emit(): an include
         * in it may grow lx->ident, but reads the view's columns before */
        view = (struct ltext){ .s = raw->s + lead, .col = lx->ident + lead, .len = end - lead };
        lex_process(lx, &view, 0);
        return true;
}

static void lex_buffer(struct lexer *lx, const char *data, size_t len)
{
        size_t start = 0;
        int lineno = 0;
        struct ltext raw, clean;
        /* the source lines positions point to: the file copied once, each
         * line ended in place (where its '\r' or '\n' was) */
        char *src = lx->opts->no_source_lines ? NULL : arena_strndup(lx->arena, data, len);

        ltext_init(&raw);
        ltext_init(&clean);
        while (start < len) {
                const char *nl = memchr(data + start, '\n', len - start);
                size_t end = nl ? (size_t)(nl - data) : len;
                size_t n = end - start;

                lineno++;
                while (n && data[start + n - 1] == '\r')
                        n--;
                lx->pos.line = lineno;
                lx->pos.col = 0;
                lx->pos.src = src ? src + start : NULL;
                if (src)
                        src[start + n] = '\0';
                if (memchr(data + start, '\0', n))
                        lex_warning(lx, 0, "line contains a NUL byte - ignoring it");
                else if (!lex_plain_line(lx, data + start, n, &raw))
                        lex_physical_line(lx, data + start, n, &raw, &clean);
                start = end + 1;
        }
        ltext_free(&raw);
        ltext_free(&clean);
        if (lx->capturing)
                lex_end_definition(lx);
}

static void lex_file(struct lexer *lx, const char *path, int checks, int col)
{
        struct lex_file f = {0};
        char *data = NULL;
        size_t len = 0;
        int r;

        if (include_loop(lx->file, path)) {
                lex_error(lx, col, "include loop: '%s' is already being read", path);
                return;
        }
        if (lx->file && lx->file->depth >= LEX_MAX_INCLUDE_DEPTH) {
                lex_error(lx, col, "includes nested more than %d deep at '%s'", LEX_MAX_INCLUDE_DEPTH, path);
                return;
        }
        r = lx->opts->fs->read_file(lx->opts->fs->ctx, path, true, &data, &len);
        if (r == -EISDIR || r == -EPERM) {
                lex_warning(lx, col, "'%s' is %s - skipping it", path,
                            r == -EISDIR ? "a directory" : "not a regular non-executable file");
                return;
        }
        if (r < 0) {
                include_problem(lx, checks, INC_READ, col, "cannot read included file", path);
                return;
        }
        f.path = arena_strdup(lx->arena, path);
        f.dir = path_dir(lx->arena, f.path);
        f.parent = lx->file;
        f.depth = lx->file ? lx->file->depth + 1 : 0;
        lx->file = &f;
        lx->pos.file = f.path;
        lex_buffer(lx, data, len);
        free(data);
        lx->file = f.parent;
        if (lx->file)
                lx->pos.file = lx->file->path;
}

int conf_lex(struct arena *a, const struct conf_lex_opts *opts, const char *path,
             struct conf_lines *ret, struct diag_list *diags)
{
        struct lexer lx = {
                .arena = a,
                .opts = opts,
                .diags = diags,
                .out = ret,
                .rng = opts->random_seed ? opts->random_seed : 1,
        };
        struct lex_file top = {0};
        char *data = NULL;
        size_t len = 0;
        int r;

        memset(ret, 0, sizeof(*ret));
        arena_init_bulk(&ret->scratch);
        lx.scratch = &ret->scratch;
        r = opts->fs->read_file(opts->fs->ctx, path, false, &data, &len);
        if (r < 0) {
                struct conf_pos pos = { .file = path };
                diag_add(diags, DIAG_ERROR, DIAG_UNREADABLE, &pos, "cannot read configuration file: %s",
                         strerror(-r));
                return r;
        }
        top.path = arena_strdup(a, path);
        top.dir = path_dir(a, top.path);
        lx.file = &top;
        lx.pos.file = top.path;
        lex_buffer(&lx, data, len);
        free(data);
        ret->end = lx.pos;
        ret->end.file = top.path;
        lex_free_definitions(&lx);
        free(lx.ident);
        return 0;
}

void conf_lines_free(struct conf_lines *l)
{
        free(l->items);
        arena_free(&l->scratch);
        memset(l, 0, sizeof(*l));
}

struct conf_pos conf_line_pos(const struct conf_line *ln, size_t i)
{
        struct conf_pos p = ln->pos;

        if (i < ln->ntok)
                p.col = ln->tok[i].col;
        else
                p.col = ln->end_col;
        return p;
}
