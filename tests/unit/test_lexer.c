/* Lexical rules of keepalived.conf: each test feeds text and checks the
 * logical lines, tokens and positions the reader produces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf/lexer.h"
#include "memfs.h"

struct lexed {
        struct arena arena;
        struct conf_lines lines;
        struct diag_list diags;
        char joined[4096];  /* lines joined by '|', tokens by ' ' */
};

static const char *env_lookup(const char *name)
{
        return strcmp(name, "VIGIL_TEST_ENV") ? NULL : "from-env";
}

static struct lexed *lex_files(const struct memfs_file *files, size_t n, const char *id)
{
        struct lexed *l = calloc(1, sizeof(*l));
        struct conf_lex_opts o = { .fs = &memfs, .config_id = id, .getenv_fn = env_lookup, .random_seed = 7 };

        arena_init(&l->arena);
        diag_list_init(&l->diags);
        memfs_set(files, n);
        conf_lex(&l->arena, &o, files[0].path, &l->lines, &l->diags);
        for (size_t i = 0; i < l->lines.count; i++) {
                if (i)
                        strcat(l->joined, "|");
                for (size_t k = 0; k < l->lines.items[i].ntok; k++) {
                        if (k)
                                strcat(l->joined, " ");
                        strcat(l->joined, l->lines.items[i].tok[k].s);
                }
        }
        return l;
}

static struct lexed *lex_text(const char *text)
{
        static struct memfs_file f[1];

        f[0].path = "/etc/vigil/test.conf";
        f[0].text = text;
        return lex_files(f, 1, "alpha");
}

static void lexed_free(struct lexed *l)
{
        conf_lines_free(&l->lines);
        arena_free(&l->arena);
        diag_list_free(&l->diags);
        free(l);
}

#define EXPECT_LINES(text, expected)                            \
        do {                                                    \
                struct lexed *l_ = lex_text(text);              \
                if (l_->diags.count)                            \
                        dump_diags(&l_->diags);                 \
                assert_string_equal(l_->joined, expected);      \
                lexed_free(l_);                                 \
        } while (0)

static void test_comments(void **state)
{
        (void)state;
        EXPECT_LINES("router_id a # comment\n! whole line\n# another\nx y ! trailing\n", "router_id a|x y");
        /* a comment character inside double quotes is text */
        EXPECT_LINES("script \"/bin/echo a#b!c\"\n", "script /bin/echo a#b!c");
        /* a backslash makes # and ! literal outside quotes */
        EXPECT_LINES("auth_pass pa\\#ss\\!\n", "auth_pass pa#ss!");
        /* single quotes do not protect anything */
        EXPECT_LINES("x 'a#b'\n", "x 'a");
}

static void test_braces_split_anywhere(void **state)
{
        (void)state;
        EXPECT_LINES("global_defs{\nrouter_id a\n}\n", "global_defs|{|router_id a|}");
        EXPECT_LINES("virtual_ipaddress { 1.2.3.4 }\n", "virtual_ipaddress|{|1.2.3.4|}");
        EXPECT_LINES("vrrp_instance VI_1\n{\n}\n", "vrrp_instance VI_1|{|}");
        EXPECT_LINES("notification_email {    cc@cc.com    }\n", "notification_email|{|cc@cc.com|}");
        /* a brace inside quotes is not a block */
        EXPECT_LINES("script \"/bin/x {a}\"\n", "script /bin/x {a}");
}

static void test_quotes(void **state)
{
        struct lexed *l;

        (void)state;
        EXPECT_LINES("script \"/bin/a b c\" user\n", "script /bin/a b c user");
        /* a quote inside an unquoted token ends the token */
        EXPECT_LINES("x abc\"d e\"\n", "x abc d e");
        l = lex_text("x \"unterminated\n");
        assert_non_null(find_diag(&l->diags, "unterminated quote"));
        assert_int_equal(l->diags.items[0].pos.line, 1);
        assert_int_equal(l->diags.items[0].pos.col, 3);
        lexed_free(l);
}

static void test_positions(void **state)
{
        struct lexed *l = lex_text("global_defs {\n\trouter_id   node1\n}\n");

        (void)state;
        assert_int_equal(l->lines.count, 4);
        assert_int_equal(l->lines.items[2].pos.line, 2);
        assert_int_equal(l->lines.items[2].tok[0].col, 2);
        assert_int_equal(l->lines.items[2].tok[1].col, 14);
        assert_string_equal(l->lines.items[2].pos.src, "\trouter_id   node1");
        assert_int_equal(l->lines.items[1].tok[0].col, 13);
        lexed_free(l);
        /* columns count characters, not bytes */
        l = lex_text("x \"检测\" y\n");
        assert_int_equal(l->lines.items[0].tok[2].col, 8);
        lexed_free(l);
}

static void test_include_relative_glob(void **state)
{
        static const struct memfs_file files[] = {
                { "/etc/vigil/main.conf", "a 1\ninclude conf.d/*.conf\nz 9\n" },
                { "/etc/vigil/conf.d/20-b.conf", "b 2\n" },
                { "/etc/vigil/conf.d/10-a.conf", "a2 3\n" },
                { "/etc/vigil/other/x.conf", "never\n" },
        };
        struct lexed *l = lex_files(files, 4, "alpha");

        (void)state;
        assert_string_equal(l->joined, "a 1|a2 3|b 2|z 9");
        assert_string_equal(l->lines.items[1].pos.file, "/etc/vigil/conf.d/10-a.conf");
        assert_int_equal(l->lines.items[1].pos.line, 1);
        assert_int_equal(l->diags.count, 0);
        lexed_free(l);
}

static void test_include_braces_and_missing(void **state)
{
        static const struct memfs_file files[] = {
                { "/c/main.conf", "include {x,y}.conf\nincludem nothing.conf\ninclude gone.conf\n" },
                { "/c/x.conf", "x 1\n" },
                { "/c/y.conf", "y 1\n" },
        };
        struct lexed *l = lex_files(files, 3, "alpha");
        const struct diag *d;

        (void)state;
        assert_string_equal(l->joined, "x 1|y 1");
        d = find_diag(&l->diags, "/c/nothing.conf");
        assert_non_null(d);
        assert_int_equal(d->severity, DIAG_ERROR); /* includem: a match is required */
        assert_int_equal(d->pos.line, 2);
        d = find_diag(&l->diags, "/c/gone.conf");
        assert_non_null(d);
        assert_int_equal(d->severity, DIAG_WARNING); /* plain include only warns */
        lexed_free(l);
}

/* Eleven two-way groups would be 2048 globs: refused with one error. */
static void test_include_brace_explosion_is_refused(void **state)
{
        static const struct memfs_file files[] = {
                { "/c/main.conf", "include {a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}\nz 1\n" },
        };
        struct lexed *l = lex_files(files, 1, "alpha");
        const struct diag *d;

        (void)state;
        assert_string_equal(l->joined, "z 1");
        d = find_diag(&l->diags, "more than 1024 alternatives");
        assert_non_null(d);
        assert_int_equal(d->severity, DIAG_ERROR);
        assert_int_equal(d->pos.line, 1);
        assert_int_equal(l->diags.count, 1);
        lexed_free(l);
}

static void test_include_loop_and_depth(void **state)
{
        static const struct memfs_file loop[] = {
                { "/c/a.conf", "a 1\ninclude b.conf\n" },
                { "/c/b.conf", "b 1\ninclude a.conf\n" },
        };
        static const struct memfs_file self[] = {
                { "/c/s.conf", "s 1\ninclude s.conf\n" },
        };
        struct lexed *l = lex_files(loop, 2, "alpha");

        (void)state;
        assert_string_equal(l->joined, "a 1|b 1");
        assert_non_null(find_diag(&l->diags, "include loop"));
        lexed_free(l);
        l = lex_files(self, 1, "alpha");
        assert_non_null(find_diag(&l->diags, "include loop"));
        lexed_free(l);
}

static void test_conditionals(void **state)
{
        static const struct memfs_file f[] = {
                { "/c/m.conf", "@alpha priority 200\n@beta priority 100\n@^alpha state BACKUP\n@^beta state MASTER\n" },
        };
        struct lexed *l = lex_files(f, 1, "alpha");

        (void)state;
        assert_string_equal(l->joined, "priority 200|state MASTER");
        assert_int_equal(l->lines.items[0].tok[0].col, 8);
        lexed_free(l);
        l = lex_files(f, 1, "beta");
        assert_string_equal(l->joined, "priority 100|state BACKUP");
        lexed_free(l);
}

static void test_definitions(void **state)
{
        (void)state;
        EXPECT_LINES("$PRIO=150\npriority $PRIO\n", "priority 150");
        EXPECT_LINES("$IF=eth1\ninterface ${IF}.10\n", "interface eth1.10");
        /* substitution is recursive and late-bound */
        EXPECT_LINES("$A=10.2.${B}\n$B=0\nx ${A}.1\n", "x 10.2.0.1");
        /* undefined names stay as written */
        EXPECT_LINES("$X=1\ny $UNDEF $X\n", "y $UNDEF 1");
        /* $NAME must end at a blank, ',' or ')' */
        EXPECT_LINES("$N=5\nz $Nx ${N}x\n", "z $Nx 5x");
        /* conditional definitions */
        EXPECT_LINES("@alpha $P=240\n@^alpha $P=100\npriority $P\n", "priority 240");
        /* a definition whose value is a conditional */
        EXPECT_LINES("$IF_MAIN=@alpha\n$IF_MAIN priority 240\n", "priority 240");
}

static void test_multiline_definition(void **state)
{
        (void)state;
        EXPECT_LINES("$VIPS= \\\n  10.0.0.1 \\\n  10.0.0.2\nvirtual_ipaddress {\n$VIPS\n}\n",
                     "virtual_ipaddress|{|10.0.0.1|10.0.0.2|}");
}

static void test_builtins(void **state)
{
        struct lexed *l;

        (void)state;
        EXPECT_LINES("x ${_INSTANCE}\n", "x alpha");
        EXPECT_LINES("x ${_PWD}/s.sh\n", "x /etc/vigil/s.sh");
        EXPECT_LINES("x ${_ENV VIGIL_TEST_ENV}\n", "x from-env");
        EXPECT_LINES("x \"a${_HASH}b\"\n", "x a#b");
        l = lex_text("x ${_RANDOM 5 9}\n");
        int v = atoi(l->lines.items[0].tok[1].s);
        assert_true(v >= 5 && v <= 9);
        lexed_free(l);
}

static void test_sequences(void **state)
{
        (void)state;
        EXPECT_LINES("~SEQ(i, 1, 3) vip 10.0.0.$i\n", "vip 10.0.0.1|vip 10.0.0.2|vip 10.0.0.3");
        EXPECT_LINES("~SEQ(i, 10, -5, 0) n $i\n", "n 10|n 5|n 0");
        EXPECT_LINES("~SEQ(i, 3) n $i\n", "n 1|n 2|n 3");
        EXPECT_LINES("~SEQx(i, 9, 11) n $i\n", "n 9|n a|n b");
        EXPECT_LINES("~LST(ifn, eth0, eth1) track $ifn\n", "track eth0|track eth1");
        EXPECT_LINES("~LST({a,b}, {1,2}, {3,4}) p $a $b\n", "p 1 2|p 3 4");
        /* nested: leftmost is outermost */
        EXPECT_LINES("~SEQ(i, 1, 2) ~SEQ(j, 1, 2) c ${i}${j}\n", "c 11|c 12|c 21|c 22");
        /* a sequence feeding a multi-line definition builds whole blocks */
        EXPECT_LINES("$INST= \\\nvrrp_instance VI_${n} { \\\nvirtual_router_id ${n} \\\n}\n~SEQ(n, 1, 2) $INST\n",
                     "vrrp_instance VI_1|{|virtual_router_id 1|}|vrrp_instance VI_2|{|virtual_router_id 2|}");
}

static void test_sequence_errors(void **state)
{
        struct lexed *l = lex_text("~SEQ(i, 1, 0, 5) x $i\n~SEQ(i, 5, 1, 1) y\n");

        (void)state;
        assert_int_equal(l->lines.count, 0);
        assert_int_equal(diag_count(&l->diags, DIAG_ERROR), 2);
        assert_non_null(find_diag(&l->diags, "never reaches"));
        lexed_free(l);
}

static void test_self_reference_is_bounded(void **state)
{
        struct lexed *l = lex_text("$A=x $A\ny $A\n");

        (void)state;
        assert_non_null(find_diag(&l->diags, "levels deep"));
        lexed_free(l);
}

static void test_crlf_and_blank(void **state)
{
        (void)state;
        EXPECT_LINES("a 1\r\n\r\n   \n\tb 2\r\n", "a 1|b 2");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_comments),
                cmocka_unit_test(test_braces_split_anywhere),
                cmocka_unit_test(test_quotes),
                cmocka_unit_test(test_positions),
                cmocka_unit_test(test_include_relative_glob),
                cmocka_unit_test(test_include_braces_and_missing),
                cmocka_unit_test(test_include_brace_explosion_is_refused),
                cmocka_unit_test(test_include_loop_and_depth),
                cmocka_unit_test(test_conditionals),
                cmocka_unit_test(test_definitions),
                cmocka_unit_test(test_multiline_definition),
                cmocka_unit_test(test_builtins),
                cmocka_unit_test(test_sequences),
                cmocka_unit_test(test_sequence_errors),
                cmocka_unit_test(test_self_reference_is_bounded),
                cmocka_unit_test(test_crlf_and_blank),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
