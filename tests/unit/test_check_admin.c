/* The operator's overrides (check/admin.h) and what they do to a pool
 * (check/quorum.h): drain, enable, disable, their survival across a
 * reload, and the names an operator may use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check/admin.h"
#include "check/counters.h"

static const struct check_vs_params params = { .quorum = 1 };

/* Two real servers of weight 3; the first alive or not, with an override. */
static void decide(bool alive, bool inhibit, enum check_admin_state st, struct check_rs_output *out,
                   struct check_vs_result *r)
{
        struct check_rs_input in[2] = { { .alive = alive, .weight = 3, .inhibit_on_failure = inhibit },
                                        { .alive = true, .weight = 3 } };

        check_admin_input(st, &in[0]);
        check_vs_update(&params, true, in, 2, out, r);
}

static void test_drain_alive_keeps_it_at_weight_0(void **state)
{
        struct check_rs_output out[2];
        struct check_vs_result r;

        (void)state;
        decide(true, false, CHECK_ADMIN_DRAINED, out, &r);
        assert_true(out[0].in_table);
        assert_int_equal(out[0].weight, 0);
        assert_int_equal(r.weight_sum, 3); /* not counted for the quorum */
}

static void test_drain_of_a_dead_server_keeps_it_out(void **state)
{
        struct check_rs_output out[2];
        struct check_vs_result r;

        (void)state;
        decide(false, false, CHECK_ADMIN_DRAINED, out, &r);
        assert_false(out[0].in_table);
        decide(false, true, CHECK_ADMIN_DRAINED, out, &r); /* inhibit: weight 0, as without the drain */
        assert_true(out[0].in_table);
        assert_int_equal(out[0].weight, 0);
}

static void test_enable_restores_the_checked_state(void **state)
{
        struct check_admin a = { 0 };
        struct check_rs_output out[2];
        struct check_vs_result r;

        (void)state;
        assert_int_equal(check_admin_set(&a, "VS", "RS", CHECK_ADMIN_DRAINED), 0);
        assert_int_equal(check_admin_get(&a, "VS", "RS"), CHECK_ADMIN_DRAINED);
        assert_int_equal(check_admin_set(&a, "VS", "RS", check_admin_state_of_cmd("enable")), 0);
        assert_int_equal(a.n, 0);
        decide(true, false, check_admin_get(&a, "VS", "RS"), out, &r);
        assert_true(out[0].in_table);
        assert_int_equal(out[0].weight, 3);
        assert_int_equal(r.weight_sum, 6);
        decide(false, false, check_admin_get(&a, "VS", "RS"), out, &r);
        assert_false(out[0].in_table);
        check_admin_free(&a);
}

static void test_disable_removes_it(void **state)
{
        struct check_rs_output out[2];
        struct check_vs_result r;

        (void)state;
        decide(true, false, CHECK_ADMIN_DISABLED, out, &r);
        assert_false(out[0].in_table);
        assert_int_equal(r.weight_sum, 3);
        decide(false, true, CHECK_ADMIN_DISABLED, out, &r); /* even with inhibit_on_failure */
        assert_false(out[0].in_table);
        assert_true(out[1].in_table);
}

static bool kept_rs(void *ctx, const char *vs, const char *rs)
{
        (void)ctx;
        return !strcmp(vs, "[10.0.0.1]:tcp:80") && !strcmp(rs, "[10.0.0.2]:tcp:80");
}

static void count_dropped(void *ctx, const struct check_admin_entry *en)
{
        (void)en;
        (*(int *)ctx)++;
}

/* The reload keeps 10.0.0.2 and removes 10.0.0.3. */
static void test_reload_keeps_or_drops_by_identity(void **state)
{
        struct check_admin a = { 0 };
        int dropped = 0;

        (void)state;
        check_admin_set(&a, "[10.0.0.1]:tcp:80", "[10.0.0.2]:tcp:80", CHECK_ADMIN_DRAINED);
        check_admin_set(&a, "[10.0.0.1]:tcp:80", "[10.0.0.3]:tcp:80", CHECK_ADMIN_DISABLED);
        assert_int_equal(check_admin_prune(&a, kept_rs, count_dropped, &dropped), 1);
        assert_int_equal(dropped, 1);
        assert_int_equal(check_admin_get(&a, "[10.0.0.1]:tcp:80", "[10.0.0.2]:tcp:80"), CHECK_ADMIN_DRAINED);
        assert_int_equal(check_admin_get(&a, "[10.0.0.1]:tcp:80", "[10.0.0.3]:tcp:80"), CHECK_ADMIN_ACTIVE);
        check_admin_free(&a);
}

static void test_names(void **state)
{
        const char *svcs[] = { "10.0.0.1:80" };
        const char *fw[] = { "FWM 1" };

        (void)state;
        assert_true(check_admin_vs_match("[10.0.0.1]:tcp:80", "[10.0.0.1]:tcp:80", svcs, 1, NULL));
        assert_true(check_admin_vs_match("10.0.0.1:80", "[10.0.0.1]:tcp:80", svcs, 1, NULL));
        assert_true(check_admin_vs_match("[10.0.0.1]:80", "[10.0.0.1]:tcp:80", svcs, 1, NULL));
        assert_false(check_admin_vs_match("10.0.0.1:81", "[10.0.0.1]:tcp:80", svcs, 1, NULL));
        assert_true(check_admin_vs_match("fwmark 1", "FWM 1", fw, 1, NULL));
        assert_false(check_admin_vs_match("fwmark 12", "FWM 1", fw, 1, NULL));
        assert_true(check_admin_vs_match("web", "[web]:80", NULL, 0, "web"));
        assert_true(check_admin_rs_match("10.0.0.2:80", "[10.0.0.2]:tcp:80", "10.0.0.2", 80));
        assert_true(check_admin_rs_match("10.0.0.2", "[10.0.0.2]:tcp:80", "10.0.0.2", 80));
        assert_true(check_admin_rs_match("[10.0.0.2]:80", "[10.0.0.2]:tcp:80", "10.0.0.2", 80));
        assert_false(check_admin_rs_match("10.0.0.2:81", "[10.0.0.2]:tcp:80", "10.0.0.2", 80));
        assert_int_equal(check_admin_state_of_cmd("undrain"), CHECK_ADMIN_ACTIVE);
        assert_int_equal(check_admin_state_of_cmd("disable"), CHECK_ADMIN_DISABLED);
        assert_true(check_admin_state_of_cmd("bogus") < 0);
        assert_int_equal(check_admin_state_of_name("drained"), CHECK_ADMIN_DRAINED);
}

/* The kernel's counters are found per service and destination, whatever
 * order the dump gave them in. */
static void test_counters_found_by_key(void **state)
{
        struct check_dest_counters v[3] = { 0 };
        struct check_counters c = { v, 3 };
        struct check_svc svc = { .af = 2, .protocol = 6, .port = 80 };
        struct check_dest d = { .port = 8080 };

        (void)state;
        for (int i = 0; i < 3; i++) {
                v[i].svc = svc;
                v[i].dest = d;
                v[i].dest.port = (uint16_t)(8082 - i);
                v[i].active_conns = (uint32_t)(100 + i);
        }
        check_counters_sort(&c);
        assert_non_null(check_counters_find(&c, &svc, &d));
        assert_int_equal(check_counters_find(&c, &svc, &d)->active_conns, 102);
        d.port = 8082;
        assert_int_equal(check_counters_find(&c, &svc, &d)->active_conns, 100);
        d.port = 9999;
        assert_null(check_counters_find(&c, &svc, &d));
        svc.port = 81;
        d.port = 8080;
        assert_null(check_counters_find(&c, &svc, &d));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_drain_alive_keeps_it_at_weight_0),
                cmocka_unit_test(test_drain_of_a_dead_server_keeps_it_out),
                cmocka_unit_test(test_enable_restores_the_checked_state),
                cmocka_unit_test(test_disable_removes_it),
                cmocka_unit_test(test_reload_keeps_or_drops_by_identity),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_counters_found_by_key),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
