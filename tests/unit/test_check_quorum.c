/* A virtual server's quorum, hysteresis and sorry server
 * (keepalived-reference.md §6.5) with the keepalived.conf.quorum sample's
 * numbers, inhibit_on_failure and weights (§6.2, §6.3), alpha at start and
 * omega at stop (§6.4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check/quorum.h"

#define NRS 10

/* keepalived.conf.quorum: 10 real servers of weight 1, quorum 7,
 * hysteresis 2, alpha, omega, quorum_up/quorum_down. */
static const struct check_vs_params sample = { .quorum = 7, .hysteresis = 2, .omega = true };

static void pool(struct check_rs_input *rs, size_t n, size_t alive, int64_t weight)
{
        for (size_t i = 0; i < n; i++)
                rs[i] = (struct check_rs_input){ .alive = i < alive, .weight = weight };
}

static size_t in_table(const struct check_rs_output *out, size_t n)
{
        size_t k = 0;

        for (size_t i = 0; i < n; i++)
                k += out[i].in_table;
        return k;
}

static void test_sample_alpha_starts_down(void **state)
{
        struct check_rs_input rs[NRS];
        struct check_rs_output out[NRS];
        struct check_vs_result r;

        (void)state;
        pool(rs, NRS, 0, 1);    /* alpha: every server starts dead */
        check_vs_start(&sample, rs, NRS, out, &r);
        assert_int_equal(r.weight_sum, 0);
        assert_false(r.quorum_up);
        assert_false(r.run_quorum_up || r.run_quorum_down);
        assert_int_equal(r.change, CHECK_SAME);
        assert_int_equal(in_table(out, NRS), 0);
        assert_false(out[0].notify_up);
}

/* Up at 9 alive servers (7+2), down below 5 (7-2), and nothing between. */
static void test_sample_gain_at_nine_lose_at_four(void **state)
{
        struct check_rs_input rs[NRS];
        struct check_rs_output out[NRS];
        struct check_vs_result r;
        bool up = false;
        unsigned ups = 0, downs = 0;

        (void)state;
        for (size_t alive = 0; alive <= NRS; alive++) {
                pool(rs, NRS, alive, 1);
                check_vs_update(&sample, up, rs, NRS, out, &r);
                up = r.quorum_up;
                assert_int_equal(up, alive >= 9);
                if (r.run_quorum_up) {
                        ups++;
                        assert_int_equal(alive, 9);
                        assert_int_equal(r.threshold, 9);
                        assert_int_equal(r.change, CHECK_WENT_UP);
                }
                assert_int_equal(in_table(out, NRS), alive);
        }
        for (size_t alive = NRS; alive-- > 0;) {
                pool(rs, NRS, alive, 1);
                check_vs_update(&sample, up, rs, NRS, out, &r);
                up = r.quorum_up;
                assert_int_equal(up, alive >= 5);
                if (r.run_quorum_down) {
                        downs++;
                        assert_int_equal(alive, 4);
                        assert_int_equal(r.threshold, 5);
                        assert_int_equal(r.change, CHECK_WENT_DOWN);
                }
        }
        /* coming back, 5..8 alive is still not enough */
        for (size_t alive = 0; alive <= 8; alive++) {
                pool(rs, NRS, alive, 1);
                check_vs_update(&sample, up, rs, NRS, out, &r);
                assert_false(r.quorum_up);
                assert_false(r.run_quorum_up);
        }
        assert_int_equal(ups, 1);
        assert_int_equal(downs, 1);
}

/* Many servers changing at once (a switch failing) cross the whole band
 * in one update: one script, no flapping. */
static void test_jumps_across_the_band(void **state)
{
        struct check_rs_input rs[NRS];
        struct check_rs_output out[NRS];
        struct check_vs_result r;

        (void)state;
        pool(rs, NRS, 10, 1);
        check_vs_update(&sample, false, rs, NRS, out, &r);
        assert_true(r.run_quorum_up && !r.run_quorum_down);
        pool(rs, NRS, 0, 1);
        check_vs_update(&sample, true, rs, NRS, out, &r);
        assert_true(r.run_quorum_down && !r.run_quorum_up);
        assert_int_equal(r.weight_sum, 0);
        /* heavy servers: one of weight 9 alone gains it, and keeps it down to 5 */
        pool(rs, NRS, 0, 1);
        rs[0] = (struct check_rs_input){ .alive = true, .weight = 9 };
        check_vs_update(&sample, false, rs, NRS, out, &r);
        assert_true(r.run_quorum_up);
        rs[0].weight = 5;
        check_vs_update(&sample, true, rs, NRS, out, &r);
        assert_true(r.quorum_up && !r.run_quorum_down);
        rs[0].weight = 4;
        check_vs_update(&sample, true, rs, NRS, out, &r);
        assert_true(r.run_quorum_down);
}

static void test_start_uses_the_gain_threshold(void **state)
{
        struct check_rs_input rs[NRS];
        struct check_rs_output out[NRS];
        struct check_vs_result r;

        (void)state;
        /* 8 alive is enough to keep quorum, not to start with it */
        pool(rs, NRS, 8, 1);
        check_vs_start(&sample, rs, NRS, out, &r);
        assert_false(r.quorum_up);
        pool(rs, NRS, 9, 1);
        check_vs_start(&sample, rs, NRS, out, &r);
        assert_true(r.quorum_up);
        /* no script runs at start, either way */
        assert_false(r.run_quorum_up || r.run_quorum_down);
        assert_int_equal(r.threshold, 9);
}

static void test_no_hysteresis(void **state)
{
        struct check_vs_params p = { .quorum = 3 };
        struct check_rs_input rs[5];
        struct check_rs_output out[5];
        struct check_vs_result r;

        (void)state;
        pool(rs, 5, 3, 1);
        check_vs_update(&p, false, rs, 5, out, &r);
        assert_true(r.run_quorum_up);
        check_vs_update(&p, true, rs, 5, out, &r);
        assert_true(r.quorum_up);
        assert_int_equal(r.change, CHECK_SAME);
        pool(rs, 5, 2, 1);
        check_vs_update(&p, true, rs, 5, out, &r);
        assert_true(r.run_quorum_down);
        assert_false(r.quorum_up);
}

static void test_zero_weight_sum_always_loses(void **state)
{
        /* unvalidated hysteresis >= quorum: Q-H <= 0, yet an empty pool loses */
        struct check_vs_params p = { .quorum = 2, .hysteresis = 5 };
        struct check_rs_input rs[2];
        struct check_rs_output out[2];
        struct check_vs_result r;

        (void)state;
        pool(rs, 2, 1, 1);
        check_vs_update(&p, true, rs, 2, out, &r);
        assert_true(r.quorum_up);
        pool(rs, 2, 0, 1);
        check_vs_update(&p, true, rs, 2, out, &r);
        assert_true(r.run_quorum_down);
}

static void test_weights_make_the_sum(void **state)
{
        struct check_vs_params p = { .quorum = 10 };
        struct check_rs_input rs[4] = {
                { .alive = true, .weight = 6 },
                { .alive = true, .weight = 3 },
                { .alive = false, .weight = 100 },      /* dead: not counted */
                { .alive = true, .weight = -5 },        /* clamped to 0 */
        };
        struct check_rs_output out[4];
        struct check_vs_result r;

        (void)state;
        check_vs_update(&p, false, rs, 4, out, &r);
        assert_int_equal(r.weight_sum, 9);
        assert_false(r.quorum_up);
        assert_int_equal(out[0].weight, 6);
        assert_int_equal(out[3].weight, 0);
        assert_true(out[3].in_table);
        rs[1].weight = 4;       /* MISC_CHECK's dynamic weight raised it */
        check_vs_update(&p, false, rs, 4, out, &r);
        assert_int_equal(r.weight_sum, 10);
        assert_true(r.run_quorum_up);
        assert_int_equal(check_rs_weight(CHECK_WEIGHT_MAX + 10), CHECK_WEIGHT_MAX);
        assert_int_equal(check_rs_weight(-1), 0);
        assert_int_equal(check_rs_weight(7), 7);
}

static void test_inhibit_keeps_dead_server_at_weight_zero(void **state)
{
        struct check_vs_params p = { .quorum = 1 };
        struct check_rs_input rs[3] = {
                { .alive = true, .weight = 5, .inhibit_on_failure = true },
                { .alive = false, .weight = 5, .inhibit_on_failure = true },
                { .alive = false, .weight = 5 },
        };
        struct check_rs_output out[3];
        struct check_vs_result r;

        (void)state;
        check_vs_update(&p, true, rs, 3, out, &r);
        assert_true(out[0].in_table);
        assert_int_equal(out[0].weight, 5);
        assert_true(out[1].in_table);
        assert_int_equal(out[1].weight, 0);
        assert_false(out[2].in_table);
}

static void test_sorry_server_replaces_the_pool(void **state)
{
        struct check_vs_params p = sample;
        struct check_rs_input rs[NRS];
        struct check_rs_output out[NRS];
        struct check_vs_result r;

        (void)state;
        p.has_sorry_server = true;
        /* alpha start: quorum down at once, the sorry server installed */
        pool(rs, NRS, 0, 1);
        check_vs_start(&p, rs, NRS, out, &r);
        assert_true(r.sorry_active && r.sorry_in_table);
        assert_int_equal(r.sorry_weight, 1);
        /* alive servers are not added while the sorry server serves */
        pool(rs, NRS, 8, 1);
        check_vs_update(&p, false, rs, NRS, out, &r);
        assert_true(r.sorry_active);
        assert_int_equal(in_table(out, NRS), 0);
        /* gain: the sorry server goes and the alive servers come in */
        pool(rs, NRS, 9, 1);
        check_vs_update(&p, false, rs, NRS, out, &r);
        assert_true(r.run_quorum_up);
        assert_false(r.sorry_active || r.sorry_in_table);
        assert_int_equal(in_table(out, NRS), 9);
        /* loss: the alive servers leave (inhibited ones stay at 0), the sorry server returns */
        pool(rs, NRS, 4, 1);
        rs[0].inhibit_on_failure = true;
        check_vs_update(&p, true, rs, NRS, out, &r);
        assert_true(r.run_quorum_down && r.sorry_active);
        assert_int_equal(in_table(out, NRS), 1);
        assert_true(out[0].in_table);
        assert_int_equal(out[0].weight, 0);
}

static void test_no_sorry_server_keeps_pool_by_health(void **state)
{
        struct check_rs_input rs[NRS];
        struct check_rs_output out[NRS];
        struct check_vs_result r;

        (void)state;
        pool(rs, NRS, 4, 1);
        check_vs_update(&sample, true, rs, NRS, out, &r);
        assert_true(r.run_quorum_down);
        assert_false(r.sorry_active || r.sorry_in_table);
        assert_int_equal(in_table(out, NRS), 4);
}

static void test_sorry_server_inhibit(void **state)
{
        struct check_vs_params p = { .quorum = 1, .has_sorry_server = true, .sorry_server_inhibit = true };
        struct check_rs_input rs[1] = { { .alive = true, .weight = 1 } };
        struct check_rs_output out[1];
        struct check_vs_result r;

        (void)state;
        check_vs_start(&p, rs, 1, out, &r);
        assert_true(r.quorum_up);
        assert_false(r.sorry_active);
        assert_true(r.sorry_in_table);
        assert_int_equal(r.sorry_weight, 0);
        rs[0].alive = false;
        check_vs_update(&p, true, rs, 1, out, &r);
        assert_true(r.sorry_active && r.sorry_in_table);
        assert_int_equal(r.sorry_weight, 1);
}

static void test_drained_server_takes_no_new_connections(void **state)
{
        struct check_vs_params p = { .quorum = 2 };
        struct check_rs_input rs[2] = {
                { .alive = true, .weight = 1 },
                { .alive = true, .weight = 1, .drained = true },
        };
        struct check_rs_output out[2];
        struct check_vs_result r;

        (void)state;
        check_vs_update(&p, true, rs, 2, out, &r);
        assert_int_equal(r.weight_sum, 1);
        assert_true(r.run_quorum_down);
        assert_true(out[1].in_table);
        assert_int_equal(out[1].weight, 0);
}

static void test_rs_init_notifies(void **state)
{
        struct check_vs_params p = { .quorum = 1 };
        struct check_rs_input rs[2] = { { .alive = true, .weight = 1 }, { .alive = false, .weight = 1 } };
        struct check_rs_output out[2];
        struct check_vs_result r;

        (void)state;
        check_vs_start(&p, rs, 2, out, &r);
        assert_false(out[0].notify_up);
        p.rs_init_notifies = true;
        check_vs_start(&p, rs, 2, out, &r);
        assert_true(out[0].notify_up);
        assert_false(out[1].notify_up);
        assert_false(out[0].notify_down || out[1].notify_down);
        /* an update never notifies by itself: real server changes come from check_rs_apply */
        check_vs_update(&p, r.quorum_up, rs, 2, out, &r);
        assert_false(out[0].notify_up);
}

static void test_omega_runs_down_scripts_at_stop(void **state)
{
        struct check_vs_params p = sample;
        struct check_rs_input rs[NRS];
        struct check_rs_output out[NRS];
        struct check_vs_result r;
        size_t downs = 0;

        (void)state;
        pool(rs, NRS, 9, 1);
        check_vs_stop(&p, true, rs, NRS, out, &r);
        assert_true(r.run_quorum_down);
        assert_false(r.run_quorum_up);
        for (size_t i = 0; i < NRS; i++)
                downs += out[i].notify_down;
        assert_int_equal(downs, 9);
        assert_false(out[9].notify_down);
        /* quorum already down: no quorum_down again, still the alive servers' notify_down */
        pool(rs, NRS, 3, 1);
        check_vs_stop(&p, false, rs, NRS, out, &r);
        assert_false(r.run_quorum_down);
        assert_true(out[0].notify_down);
        /* without omega nothing runs */
        p.omega = false;
        pool(rs, NRS, 9, 1);
        check_vs_stop(&p, true, rs, NRS, out, &r);
        assert_false(r.run_quorum_down);
        assert_false(out[0].notify_down);
}

static void test_update_is_idempotent(void **state)
{
        struct check_rs_input rs[NRS];
        struct check_rs_output out[NRS];
        struct check_vs_result r;

        (void)state;
        pool(rs, NRS, 9, 1);
        check_vs_update(&sample, false, rs, NRS, out, &r);
        assert_true(r.run_quorum_up);
        check_vs_update(&sample, r.quorum_up, rs, NRS, out, &r);
        assert_false(r.run_quorum_up || r.run_quorum_down);
        assert_int_equal(r.change, CHECK_SAME);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sample_alpha_starts_down),
                cmocka_unit_test(test_sample_gain_at_nine_lose_at_four),
                cmocka_unit_test(test_jumps_across_the_band),
                cmocka_unit_test(test_start_uses_the_gain_threshold),
                cmocka_unit_test(test_no_hysteresis),
                cmocka_unit_test(test_zero_weight_sum_always_loses),
                cmocka_unit_test(test_weights_make_the_sum),
                cmocka_unit_test(test_inhibit_keeps_dead_server_at_weight_zero),
                cmocka_unit_test(test_sorry_server_replaces_the_pool),
                cmocka_unit_test(test_no_sorry_server_keeps_pool_by_health),
                cmocka_unit_test(test_sorry_server_inhibit),
                cmocka_unit_test(test_drained_server_takes_no_new_connections),
                cmocka_unit_test(test_rs_init_notifies),
                cmocka_unit_test(test_omega_runs_down_scripts_at_stop),
                cmocka_unit_test(test_update_is_idempotent),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
