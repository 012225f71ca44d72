/* A reload's carry-over by identity (check/carry.h): which old real server
 * a new one is, found where it was or by hash wherever it moved, once
 * each; and which checkers of a real server are unchanged, so that
 * changing one restarts that one only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check/carry.h"
#include "memfs.h"

/* ---- identities ------------------------------------------------------------------------------ */

static const struct check_carry_id old_ids[] = {
        { "[10.0.0.1]:tcp:80", "[10.0.1.1]:tcp:8080" },
        { "[10.0.0.1]:tcp:80", "[10.0.1.2]:tcp:8080" },
        { "[10.0.0.2]:tcp:80", "[10.0.1.1]:tcp:8080" }, /* the same RS under another VS: another identity */
        { "FWM 7", "[10.0.1.3]:tcp:0" },
        { "[grp]:80", "" },                              /* a VS without real servers */
};
#define NOLD (sizeof(old_ids) / sizeof(old_ids[0]))

static void test_found_where_it_was_without_hashing(void **state)
{
        struct check_carry_index *ix = check_carry_index_new(old_ids, NOLD);

        (void)state;
        assert_non_null(ix);
        for (size_t i = 0; i < NOLD; i++)
                assert_true(check_carry_take_at(ix, i, &old_ids[i]));
        /* given once: a second take of the same finds nothing */
        assert_false(check_carry_take_at(ix, 0, &old_ids[0]));
        assert_int_equal(check_carry_take(ix, &old_ids[0]), -1);
        check_carry_index_free(ix);
}

static void test_moved_servers_found_by_identity(void **state)
{
        struct check_carry_index *ix = check_carry_index_new(old_ids, NOLD);
        struct check_carry_id moved = { "[10.0.0.1]:tcp:80", "[10.0.1.2]:tcp:8080" };
        struct check_carry_id other_vs = { "[10.0.0.3]:tcp:80", "[10.0.1.1]:tcp:8080" };
        struct check_carry_id other_port = { "[10.0.0.1]:tcp:80", "[10.0.1.1]:tcp:8081" };

        (void)state;
        /* not at the position asked: the position says no, the hash finds it */
        assert_false(check_carry_take_at(ix, 0, &moved));
        assert_int_equal(check_carry_take(ix, &moved), 1);
        assert_int_equal(check_carry_take(ix, &old_ids[2]), 2);
        /* same address and port under another VS, another port: new servers */
        assert_int_equal(check_carry_take(ix, &other_vs), -1);
        assert_int_equal(check_carry_take(ix, &other_port), -1);
        assert_int_equal(check_carry_find_vs(ix, "FWM 7"), 3);
        assert_int_equal(check_carry_find_vs(ix, "[grp]:80"), 4);
        assert_int_equal(check_carry_find_vs(ix, "FWM 8"), -1);
        check_carry_index_free(ix);
}

/* Names are compared whole: "ab"+"c" is not "a"+"bc". */
static void test_identity_is_both_names(void **state)
{
        static const struct check_carry_id ids[] = { { "ab", "c" } };
        struct check_carry_index *ix = check_carry_index_new(ids, 1);
        struct check_carry_id split = { "a", "bc" };

        (void)state;
        assert_int_equal(check_carry_take(ix, &split), -1);
        assert_int_equal(check_carry_take(ix, &ids[0]), 0);
        check_carry_index_free(ix);
}

/* 37,000 servers, the new model in reverse: each found once (the
 * hashing, not a scan, or this test would take minutes under ASan). */
static void test_many_servers_reversed(void **state)
{
        enum { N = 37000 };
        struct check_carry_id *ids = calloc(N, sizeof(*ids));
        char (*vs)[32] = calloc(N, sizeof(*vs)), (*rs)[32] = calloc(N, sizeof(*rs));
        struct check_carry_index *ix;

        (void)state;
        for (size_t i = 0; i < N; i++) {
                snprintf(vs[i], sizeof(vs[i]), "[10.0.%zu.%zu]:tcp:80", i / 16 / 256, i / 16 % 256);
                snprintf(rs[i], sizeof(rs[i]), "[10.1.%zu.%zu]:tcp:80", i / 256, i % 256);
                ids[i] = (struct check_carry_id){ vs[i], rs[i] };
        }
        ix = check_carry_index_new(ids, N);
        for (size_t i = N; i-- > 0;)
                assert_int_equal(check_carry_take(ix, &ids[i]), (ssize_t)i);
        check_carry_index_free(ix);
        free(ids);
        free(vs);
        free(rs);
}

/* ---- checkers -------------------------------------------------------------------------------- */

struct rs_pair {
        struct diag_list d;
        struct conf *c;
        struct check_probe_who old[4], new_[4];
        size_t on, nn;
};

static size_t whos(const struct conf_virtual_server *vs, struct check_probe_who *w)
{
        const struct conf_checker *ck;
        size_t n = 0;

        CONF_FOREACH(ck, &vs->real_servers.first->checkers) {
                w[n++] = (struct check_probe_who){ vs, vs->real_servers.first, ck };
        }
        return n;
}

/* The same real server before (first VS) and after (second VS, the same
 * address: what a reload reads) with the checker blocks given. */
static void build(struct rs_pair *p, const char *before, const char *after, const char *rs_after)
{
        static char text[8192];

        snprintf(text, sizeof(text),
                 "virtual_server 10.0.0.1 80 {\n delay_loop 3\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
                 " real_server 10.0.1.1 8080 {\n  weight 1\n%s\n }\n}\n"
                 "virtual_server 10.0.0.2 80 {\n delay_loop 3\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
                 " real_server 10.0.1.1 8080 {\n  weight 1\n%s\n%s\n }\n}\n",
                 before, rs_after, after);
        diag_list_init(&p->d);
        p->c = parse_text(text, &p->d);
        assert_non_null(p->c);
        if (diag_exit_code(&p->d) > 1)
                dump_diags(&p->d);
        p->on = whos(p->c->virtual_servers.first, p->old);
        p->nn = whos(p->c->virtual_servers.first->next, p->new_);
}

static void done(struct rs_pair *p)
{
        conf_free(p->c);
        diag_list_free(&p->d);
}

#define TCP "  TCP_CHECK {\n   connect_timeout 1\n  }\n"
#define TCP2 "  TCP_CHECK {\n   connect_timeout 2\n  }\n"
#define HTTP(path) "  HTTP_GET {\n   url {\n    path " path "\n    status_code 200\n   }\n  }\n"
#define MISC(cmd) "  MISC_CHECK {\n   misc_path \"" cmd "\"\n  }\n"

static void test_unchanged_checkers_all_carried(void **state)
{
        struct rs_pair p;
        ssize_t map[4];

        (void)state;
        build(&p, TCP HTTP("/a") MISC("/bin/true"), TCP HTTP("/a") MISC("/bin/true"), "");
        assert_int_equal(check_carry_checkers(p.old, p.on, p.new_, p.nn, map), 3);
        assert_int_equal(map[0], 0);
        assert_int_equal(map[1], 1);
        assert_int_equal(map[2], 2);
        done(&p);
}

/* A changed checker restarts; its siblings keep their state. */
static void test_one_changed_checker_restarts_alone(void **state)
{
        struct rs_pair p;
        ssize_t map[4];

        (void)state;
        build(&p, TCP HTTP("/a"), TCP HTTP("/b"), "");
        assert_int_equal(check_carry_checkers(p.old, p.on, p.new_, p.nn, map), 1);
        assert_int_equal(map[0], 0);
        assert_int_equal(map[1], -1);
        done(&p);
        build(&p, TCP HTTP("/a"), TCP2 HTTP("/a"), "");
        assert_int_equal(check_carry_checkers(p.old, p.on, p.new_, p.nn, map), 1);
        assert_int_equal(map[0], -1);
        assert_int_equal(map[1], 1);
        done(&p);
        build(&p, MISC("/bin/true"), MISC("/bin/false"), "");
        assert_int_equal(check_carry_checkers(p.old, p.on, p.new_, p.nn, map), 0);
        done(&p);
}

/* Checkers are matched by what they are, not where they are listed; each
 * old one is carried once (two identical new ones: the second restarts). */
static void test_reordered_and_duplicated_checkers(void **state)
{
        struct rs_pair p;
        ssize_t map[4];

        (void)state;
        build(&p, TCP HTTP("/a"), HTTP("/a") TCP, "");
        assert_int_equal(check_carry_checkers(p.old, p.on, p.new_, p.nn, map), 2);
        assert_int_equal(map[0], 1);
        assert_int_equal(map[1], 0);
        done(&p);
        build(&p, TCP, TCP TCP, "");
        assert_int_equal(check_carry_checkers(p.old, p.on, p.new_, p.nn, map), 1);
        assert_int_equal(map[0], 0);
        assert_int_equal(map[1], -1);
        done(&p);
}

/* What only the real server reads (its weight, inhibit_on_failure) is no
 * change of its checkers: they are carried and the weight is set in place. */
static void test_weight_change_keeps_checkers(void **state)
{
        struct rs_pair p;
        ssize_t map[4];

        (void)state;
        build(&p, TCP, TCP, "  inhibit_on_failure\n");
        assert_int_equal(check_carry_checkers(p.old, p.on, p.new_, p.nn, map), 1);
        done(&p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_found_where_it_was_without_hashing),
                cmocka_unit_test(test_moved_servers_found_by_identity),
                cmocka_unit_test(test_identity_is_both_names),
                cmocka_unit_test(test_many_servers_reversed),
                cmocka_unit_test(test_unchanged_checkers_all_carried),
                cmocka_unit_test(test_one_changed_checker_restarts_alone),
                cmocka_unit_test(test_reordered_and_duplicated_checkers),
                cmocka_unit_test(test_weight_change_keeps_checkers),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
