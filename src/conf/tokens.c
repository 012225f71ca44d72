/* Token rules: ordinary keyword lines and script-type keywords. */
#include "conf/lexer_internal.h"
#include "conf/tokens.h"

#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"

/* Ordinary lines: blanks separate; a token that starts with '"' runs to the
 * next '"' and is kept verbatim; a '"' inside an unquoted token ends it. */
bool lex_tokenize(struct lexer *lx, struct conf_line *ln, const int *cols)
{
        const char *s = ln->text;
        size_t len = strlen(s), i = 0, n = 0, cap = 8;
        /* the tokens' texts: one copy of the line, each token ended in place
         * by a NUL where its separator (or closing quote) was, instead of an
         * allocation per token */
        char *w = arena_strndup(lx->scratch, s, len);
        /* most lines have a token or two: they are gathered here, and the
         * line keeps exactly as many as it has */
        struct conf_token local[8], *tok = local;

        while (i < len) {
                size_t start;
                bool quoted;

                while (i < len && str_is_blank_char(s[i]))
                        i++;
                if (i >= len)
                        break;
                if (n == cap) {
                        struct conf_token *bigger = arena_calloc(lx->scratch, cap * 2, sizeof(*tok));
                        memcpy(bigger, tok, n * sizeof(*tok));
                        tok = bigger;
                        cap *= 2;
                }
                start = i;
                quoted = s[i] == '"';
                if (quoted) {
                        const char *close = strchr(s + i + 1, '"');
                        if (!close) {
                                struct conf_pos p = ln->pos;
                                p.col = cols[i];
                                diag_add(lx->diags, DIAG_ERROR, DIAG_CONFIG, &p, "unmatched quote");
                                break;
                        }
                        tok[n].s = w + i + 1;
                        i = (size_t)(close - s);
                        w[i++] = '\0';
                } else {
                        while (i < len && !str_is_blank_char(s[i]) && s[i] != '"')
                                i++;
                        tok[n].s = w + start;
                        w[i] = '\0'; /* a '"' there is read from s, the line's text */
                }
                tok[n].off = (uint32_t)start & 0x7fffffffu; /* a line is at most LEX_MAX_EXPANDED_BYTES */
                tok[n].col = cols[start];
                tok[n].quoted = quoted;
                n++;
        }
        if (tok == local) {
                tok = arena_calloc(lx->scratch, n ? n : 1, sizeof(*tok));
                memcpy(tok, local, n * sizeof(*tok));
        }
        ln->tok = tok;
        ln->ntok = (uint32_t)n;
        return true;
}

/* ---- script words -------------------------------------------------------- */

struct wbuf {
        char *s;
        size_t len, cap;
};

static void wbuf_push(struct wbuf *b, char c)
{
        if (b->len + 2 > b->cap) {
                b->cap = b->cap ? b->cap * 2 : 64;
                b->s = realloc(b->s, b->cap);
                if (!b->s)
                        abort();
        }
        b->s[b->len++] = c;
        b->s[b->len] = '\0';
}

static void words_add(struct arena *a, struct script_words *w, const struct wbuf *b, size_t *cap)
{
        if (w->count == *cap) {
                size_t ncap = *cap ? *cap * 2 : 8;
                char **nw = arena_calloc(a, ncap + 1, sizeof(char *));
                if (w->count)
                        memcpy(nw, w->word, w->count * sizeof(char *));
                w->word = nw;
                *cap = ncap;
        }
        w->word[w->count++] = arena_strndup(a, b->s ? b->s : "", b->len);
        w->word[w->count] = NULL;
}

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* One escape sequence starting after the backslash at *p; advances *p. */
static char unescape(const char **p)
{
        const char *s = *p;
        char c = *s++;
        int v = 0, k;

        switch (c) {
        case 'a': c = '\a'; break;
        case 'b': c = '\b'; break;
        case 'E': c = 27; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'v': c = '\v'; break;
        case 'c':
                if (*s) {
                        c = (char)(*s++ & 0x1f);
                }
                break;
        case 'x':
                for (k = 0; k < 2 && hexval(*s) >= 0; k++)
                        v = v * 16 + hexval(*s++);
                c = k ? (char)v : 'x';
                break;
        default:
                if (c >= '0' && c <= '7') {
                        v = c - '0';
                        for (k = 1; k < 3 && *s >= '0' && *s <= '7'; k++)
                                v = v * 8 + (*s++ - '0');
                        c = (char)v;
                }
                break;
        }
        *p = s;
        return c;
}

static bool split_words(struct arena *a, const char *text, bool escapes, struct script_words *ret,
                        const char **ret_err)
{
        struct script_words w = {0};
        struct wbuf b = {0};
        size_t cap = 0;
        const char *p = text;
        bool have = false;

        while (*p) {
                char q;
                if (str_is_blank_char(*p)) {
                        if (have)
                                words_add(a, &w, &b, &cap);
                        b.len = 0;
                        have = false;
                        p++;
                        continue;
                }
                have = true;
                if (*p == '"' || *p == '\'') {
                        q = *p++;
                        while (*p && *p != q) {
                                if (*p == '\\' && p[1]) {
                                        p++;
                                        if (escapes)
                                                wbuf_push(&b, unescape(&p));
                                        else {
                                                wbuf_push(&b, '\\');
                                                wbuf_push(&b, *p++);
                                        }
                                        continue;
                                }
                                wbuf_push(&b, *p++);
                        }
                        if (!*p) {
                                free(b.s);
                                *ret_err = "unterminated quote";
                                return false;
                        }
                        p++;
                        continue;
                }
                if (*p == '\\' && p[1]) {
                        p++;
                        if (escapes)
                                wbuf_push(&b, unescape(&p));
                        else {
                                wbuf_push(&b, '\\');
                                wbuf_push(&b, *p++);
                        }
                        continue;
                }
                wbuf_push(&b, *p++);
        }
        if (have)
                words_add(a, &w, &b, &cap);
        free(b.s);
        *ret = w;
        return true;
}

bool script_split_outer(struct arena *a, const char *text, struct script_words *ret,
                        const char **ret_err)
{
        return split_words(a, text, false, ret, ret_err);
}

bool script_split_argv(struct arena *a, const char *cmd, struct script_words *ret,
                       const char **ret_err)
{
        return split_words(a, cmd, true, ret, ret_err);
}
