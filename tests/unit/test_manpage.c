/* vigil.conf(5) against the parser's keyword tables, so the page cannot
 * drift from what vigild reads. The page marks each keyword as an mdoc
 * list item ".It Ic NAME" under ".Ss BLOCK" (the table's block name) in one
 * of three sections: KEYWORDS (vigil acts on it), UNSUPPORTED KEYWORDS
 * (recognised, warned about, not implemented) and OBSOLETE KEYWORDS
 * (recognised and ignored). Every table entry must be there, in the section
 * of its kind, and the page may name nothing the tables lack. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "conf/parser.h"

enum section { SEC_NONE, SEC_SUPPORTED, SEC_UNSUPPORTED, SEC_OBSOLETE };

static const char *const section_title[] = {
        [SEC_NONE] = "(none)",
        [SEC_SUPPORTED] = "KEYWORDS",
        [SEC_UNSUPPORTED] = "UNSUPPORTED KEYWORDS",
        [SEC_OBSOLETE] = "OBSOLETE KEYWORDS",
};

struct entry {
        char block[64];
        char name[64];
        enum section sec;
        int line;
        bool matched;
};

struct page {
        struct entry *e;
        size_t n, cap;
        int problems;
};

/* Tables already checked: several keywords share one (track_file and
 * vrrp_track_file, HTTP_GET and SSL_GET). */
struct walk {
        const struct kw_table *seen[128];
        size_t nseen;
        size_t keywords;
};

static enum section section_of_kind(enum kw_kind k)
{
        switch (k) {
        case KW_VALUE:
        case KW_BLOCK:
        case KW_LINES:
                return SEC_SUPPORTED;
        case KW_UNSUPPORTED:
                return SEC_UNSUPPORTED;
        case KW_OBSOLETE:
                return SEC_OBSOLETE;
        }
        return SEC_NONE;
}

/* "the top level" is ".Ss Top level" on the page. */
static const char *block_key(const char *block)
{
        return strncasecmp(block, "the ", 4) ? block : block + 4;
}

static bool same_block(const char *a, const char *b)
{
        return strcasecmp(block_key(a), block_key(b)) == 0;
}

static enum section section_named(const char *title)
{
        for (size_t i = SEC_SUPPORTED; i <= SEC_OBSOLETE; i++)
                if (!strcmp(title, section_title[i]))
                        return (enum section)i;
        return SEC_NONE;
}

/* The rest of a macro line, without quotes around it. */
static void macro_arg(const char *s, char *out, size_t size)
{
        size_t len;

        s += strspn(s, " \t");
        len = strlen(s);
        if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
                s++;
                len -= 2;
        }
        snprintf(out, size, "%.*s", (int)len, s);
}

static void add_entry(struct page *pg, const char *block, const char *name, enum section sec, int line)
{
        struct entry *e;

        if (pg->n == pg->cap) {
                pg->cap = pg->cap ? pg->cap * 2 : 256;
                pg->e = realloc(pg->e, pg->cap * sizeof(*pg->e));
                assert_non_null(pg->e);
        }
        e = &pg->e[pg->n++];
        memset(e, 0, sizeof(*e));
        snprintf(e->block, sizeof(e->block), "%s", block);
        snprintf(e->name, sizeof(e->name), "%s", name);
        e->sec = sec;
        e->line = line;
}

static void parse_line(struct page *pg, const char *ln, int lineno, enum section *sec, char *block, size_t bsize)
{
        char name[64];

        if (!strncmp(ln, ".Sh ", 4)) {
                char title[64];
                macro_arg(ln + 4, title, sizeof(title));
                *sec = section_named(title);
                block[0] = '\0';
        } else if (!strncmp(ln, ".Ss ", 4)) {
                macro_arg(ln + 4, block, bsize);
        } else if (!strncmp(ln, ".It Ic ", 7)) {
                size_t len = strcspn(ln + 7, " \t");
                snprintf(name, sizeof(name), "%.*s", (int)len, ln + 7);
                if (*sec == SEC_NONE || !block[0]) {
                        print_error("vigil.conf.5:%d: '.It Ic %s' outside a keyword section's '.Ss BLOCK'\n",
                                    lineno, name);
                        pg->problems++;
                        return;
                }
                add_entry(pg, block, name, *sec, lineno);
        }
}

static void page_parse(struct page *pg, const char *text)
{
        enum section sec = SEC_NONE;
        char block[64] = "", line[1024];
        int lineno = 0;

        memset(pg, 0, sizeof(*pg));
        while (*text) {
                size_t len = strcspn(text, "\n");
                snprintf(line, sizeof(line), "%.*s", (int)len, text);
                for (size_t k = strlen(line); k > 0 && (line[k - 1] == ' ' || line[k - 1] == '\t'); k--)
                        line[k - 1] = '\0';
                parse_line(pg, line, ++lineno, &sec, block, sizeof(block));
                text += len;
                if (*text == '\n')
                        text++;
        }
}

static struct entry *find(struct page *pg, const char *block, const char *name, enum section sec)
{
        for (size_t i = 0; i < pg->n; i++) {
                struct entry *e = &pg->e[i];
                if (!e->matched && !strcmp(e->name, name) && same_block(e->block, block) &&
                    (sec == SEC_NONE || e->sec == sec))
                        return e;
        }
        return NULL;
}

static void check_keyword(struct page *pg, const struct kw_table *t, const struct kw *k)
{
        enum section want = section_of_kind(k->kind);
        struct entry *e = find(pg, t->block, k->name, want);

        if (e) {
                e->matched = true;
                return;
        }
        e = find(pg, t->block, k->name, SEC_NONE);
        if (e)
                print_error("vigil.conf.5:%d: '%s' in %s is listed under %s; the parser's table makes it %s\n",
                            e->line, k->name, t->block, section_title[e->sec], section_title[want]);
        else
                print_error("vigil.conf.5: '%s' in %s is missing: add '.It Ic %s' under '.Ss %s' in '.Sh %s'\n",
                            k->name, t->block, k->name, block_key(t->block), section_title[want]);
        pg->problems++;
}

static void check_table(struct page *pg, const struct kw_table *t, struct walk *w)
{
        for (size_t i = 0; i < w->nseen; i++)
                if (w->seen[i] == t)
                        return;
        assert_true(w->nseen < sizeof(w->seen) / sizeof(w->seen[0]));
        w->seen[w->nseen++] = t;
        for (const struct kw *k = t->kw; k->name; k++) {
                w->keywords++;
                check_keyword(pg, t, k);
                if (k->sub)
                        check_table(pg, k->sub, w);
        }
}

/* Problems found between the tables under root and the page text. */
static int check(const struct kw_table *root, const char *text, struct walk *w)
{
        struct page pg;
        int problems;

        memset(w, 0, sizeof(*w));
        page_parse(&pg, text);
        check_table(&pg, root, w);
        for (size_t i = 0; i < pg.n; i++)
                if (!pg.e[i].matched) {
                        print_error("vigil.conf.5:%d: '%s' under '.Ss %s' in %s: the parser has no such keyword "
                                    "there (or it is listed twice)\n",
                                    pg.e[i].line, pg.e[i].name, pg.e[i].block, section_title[pg.e[i].sec]);
                        pg.problems++;
                }
        problems = pg.problems;
        free(pg.e);
        return problems;
}

static char *read_page(void)
{
        FILE *f = fopen(MAN_PAGE, "r");
        char *buf;
        long size;

        assert_non_null(f);
        assert_int_equal(fseek(f, 0, SEEK_END), 0);
        size = ftell(f);
        assert_true(size > 0);
        rewind(f);
        buf = malloc((size_t)size + 1);
        assert_non_null(buf);
        assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
        buf[size] = '\0';
        fclose(f);
        return buf;
}

static void test_page_matches_tables(void **state)
{
        char *text = read_page();
        struct walk w;

        (void)state;
        assert_int_equal(check(&kw_root_table, text, &w), 0);
        print_message("vigil.conf.5 matches %zu keywords in %zu tables\n", w.keywords, w.nseen);
        free(text);
}

/* The root table with one keyword more, as a change to kw_root.c would
 * add it: the real page must then fail. */
static void test_new_keyword_without_entry_fails(void **state)
{
        static struct kw extended[64];
        const struct kw_table table = { kw_root_table.block, extended };
        char *text = read_page();
        size_t n = 0;
        struct walk w;

        (void)state;
        for (const struct kw *k = kw_root_table.kw; k->name; k++) {
                assert_true(n + 2 < sizeof(extended) / sizeof(extended[0]));
                extended[n++] = *k;
        }
        extended[n++] = (struct kw){ .name = "brand_new_keyword", .kind = KW_VALUE, .set_off = -1 };
        extended[n] = (struct kw){ .name = NULL };
        assert_int_equal(check(&table, text, &w), 1);
        free(text);
}

static const struct kw sub_kw[] = {
        { .name = "inner", .kind = KW_VALUE, .set_off = -1 },
        { .name = "gone", .kind = KW_OBSOLETE, .set_off = -1 },
        KW_END,
};
static const struct kw_table sub_table = { "thing", sub_kw };
static const struct kw top_kw[] = {
        { .name = "plain", .kind = KW_VALUE, .set_off = -1 },
        { .name = "thing", .kind = KW_BLOCK, .set_off = -1, .sub = &sub_table },
        { .name = "later", .kind = KW_UNSUPPORTED, .set_off = -1 },
        KW_END,
};
static const struct kw_table top_table = { "the top level", top_kw };

#define GOOD_PAGE                                                                       \
        ".Dd x\n.Sh DESCRIPTION\n.Bl -tag\n.It Cm include\n.El\n"                        \
        ".Sh KEYWORDS\n.Ss Top level\n.Bl -tag\n.It Ic plain Ar x\n.It Ic thing Brq\n.El\n" \
        ".Ss thing\n.Bl -tag\n.It Ic inner\n.El\n"                                        \
        ".Sh UNSUPPORTED KEYWORDS\n.Ss Top level\n.Bl -tag\n.It Ic later\n.El\n"          \
        ".Sh OBSOLETE KEYWORDS\n.Ss thing\n.Bl -tag\n.It Ic gone\n.El\n"

static void test_checker_rules(void **state)
{
        struct walk w;

        (void)state;
        assert_int_equal(check(&top_table, GOOD_PAGE, &w), 0);
        assert_int_equal(w.keywords, 5);
        /* a keyword missing from the page */
        assert_int_equal(check(&top_table, ".Sh KEYWORDS\n.Ss Top level\n.It Ic plain\n.It Ic thing\n"
                                           ".Ss thing\n.It Ic inner\n.Sh UNSUPPORTED KEYWORDS\n.Ss Top level\n"
                                           ".It Ic later\n", &w), 1);
        /* in the wrong section: unsupported listed as supported */
        assert_int_equal(check(&top_table, ".Sh KEYWORDS\n.Ss Top level\n.It Ic plain\n.It Ic thing\n.It Ic later\n"
                                           ".Ss thing\n.It Ic inner\n.Sh OBSOLETE KEYWORDS\n.Ss thing\n"
                                           ".It Ic gone\n", &w), 2);
        /* in the wrong block */
        assert_int_equal(check(&top_table, GOOD_PAGE ".Sh KEYWORDS\n.Ss thing\n.It Ic plain\n", &w), 1);
        /* a name the tables lack, and a duplicate */
        assert_int_equal(check(&top_table, GOOD_PAGE ".Sh KEYWORDS\n.Ss thing\n.It Ic invented\n.It Ic inner\n",
                               &w), 2);
        /* a keyword item outside the keyword sections */
        assert_int_equal(check(&top_table, GOOD_PAGE ".Sh FILES\n.It Ic plain\n", &w), 1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_page_matches_tables),
                cmocka_unit_test(test_new_keyword_without_entry_fails),
                cmocka_unit_test(test_checker_rules),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
