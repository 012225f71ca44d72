/* Trackers: the rise/fall counter of keepalived-reference.md §5.3, the
 * weight/reverse table, the effective priority clamp, and the sync group
 * decisions of §5.4. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vrrp/sync.h"
#include "vrrp/track_rules.h"

/* Feed a string of outcomes ('s' success, 'f' failure); return the OK/KO
 * trail after each ('+' OK, '-' KO, '?' undecided). */
static void trail(struct track_rf *rf, const char *runs, char *out)
{
        for (; *runs; runs++, out++) {
                track_rf_update(rf, *runs == 's');
                *out = !rf->decided ? '?' : rf->ok ? '+' : '-';
        }
        *out = 0;
}

static void test_first_run_decides(void **state)
{
        struct track_rf rf;
        char t[32];

        (void)state;
        track_rf_init(&rf, 3, 2, false);
        assert_false(rf.decided);
        trail(&rf, "s", t);
        assert_string_equal(t, "+");
        track_rf_init(&rf, 3, 2, false);
        trail(&rf, "f", t);
        assert_string_equal(t, "-");
}

static void test_fall_needs_consecutive_failures(void **state)
{
        struct track_rf rf;
        char t[32];

        (void)state;
        track_rf_init(&rf, 2, 3, false);
        /* OK at once; two failures are not enough; a success refills; three fail it */
        trail(&rf, "sffsfff", t);
        assert_string_equal(t, "++++++-");
        assert_true(rf.ok == false);
}

static void test_rise_needs_consecutive_successes(void **state)
{
        struct track_rf rf;
        char t[32];

        (void)state;
        track_rf_init(&rf, 3, 1, false);
        trail(&rf, "fssfsss", t);
        assert_string_equal(t, "------+");
}

static void test_init_fail_starts_ko_and_needs_rise(void **state)
{
        struct track_rf rf;
        char t[32];

        (void)state;
        track_rf_init(&rf, 2, 2, true);
        assert_true(rf.decided);
        assert_false(rf.ok);
        trail(&rf, "ss", t);
        assert_string_equal(t, "-+");
}

static void test_update_reports_changes_only(void **state)
{
        struct track_rf rf;

        (void)state;
        track_rf_init(&rf, 1, 2, false);
        assert_true(track_rf_update(&rf, true));   /* undecided -> OK */
        assert_false(track_rf_update(&rf, true));
        assert_false(track_rf_update(&rf, false)); /* 1 of 2 */
        assert_true(track_rf_update(&rf, false));  /* OK -> KO */
        assert_false(track_rf_update(&rf, false));
        track_rf_init(&rf, 1, 1, false);
        assert_true(track_rf_update(&rf, false));  /* undecided -> KO is a change */
}

static void test_bool_weights_and_reverse(void **state)
{
        struct track_effect e;

        (void)state;
        e = track_effect_bool(false, 0, false);
        assert_true(e.fault);
        e = track_effect_bool(true, 0, false);
        assert_false(e.fault);
        e = track_effect_bool(true, 0, true);       /* weight 0 reverse: FAULT while up */
        assert_true(e.fault);
        e = track_effect_bool(true, 20, false);
        assert_int_equal(e.delta, 20);
        e = track_effect_bool(false, 20, false);
        assert_int_equal(e.delta, 0);
        e = track_effect_bool(false, -20, false);
        assert_int_equal(e.delta, -20);
        e = track_effect_bool(true, -20, false);
        assert_int_equal(e.delta, 0);
        /* reverse turns the sign, as keepalived 2.2.7 does (observed: a
         * succeeding script with weight 10 reverse takes 100 to 90) */
        e = track_effect_bool(true, 20, true);
        assert_int_equal(e.delta, -20);
        e = track_effect_bool(false, 20, true);
        assert_int_equal(e.delta, 0);
        e = track_effect_bool(false, -20, true);
        assert_int_equal(e.delta, 20);
        e = track_effect_bool(true, -20, true);
        assert_int_equal(e.delta, 0);
        assert_false(e.fault);
        e = track_effect_bool(false, 0, true);      /* weight 0 reverse: fine while down */
        assert_false(e.fault);
}

static void test_file_values(void **state)
{
        struct track_effect e;

        (void)state;
        e = track_effect_file(0, 0, false);
        assert_false(e.fault);
        e = track_effect_file(7, 0, false);
        assert_true(e.fault);
        e = track_effect_file(5, 1, false);
        assert_int_equal(e.delta, 5);
        e = track_effect_file(-5, 10, false);
        assert_int_equal(e.delta, -50);
        e = track_effect_file(5, 10, true);
        assert_int_equal(e.delta, -50);
        e = track_effect_file(300, 1, false);
        assert_int_equal(e.delta, 253);
        e = track_effect_file(-254, 1, false);
        assert_true(e.fault);
        e = track_effect_file(-253, 1, false);
        assert_false(e.fault);
        assert_int_equal(e.delta, -253);
}

static void test_effective_priority_clamps(void **state)
{
        (void)state;
        assert_int_equal(track_effective_priority(100, -20), 80);
        assert_int_equal(track_effective_priority(90, 2), 92);
        assert_int_equal(track_effective_priority(10, -50), 1);
        assert_int_equal(track_effective_priority(200, 100), 254);
        assert_int_equal(track_effective_priority(255, -100), 255);
}

static void test_group_state(void **state)
{
        struct sync_member m[3] = { { VRRP_MASTER, false, false }, { VRRP_MASTER, false, false },
                                    { VRRP_BACKUP, false, false } };

        (void)state;
        assert_int_equal(sync_group_state(m, 3), VRRP_BACKUP);
        m[2].state = VRRP_MASTER;
        assert_int_equal(sync_group_state(m, 3), VRRP_MASTER);
        m[1].state = VRRP_FAULT;
        assert_int_equal(sync_group_state(m, 3), VRRP_FAULT);
        for (int i = 0; i < 3; i++)
                m[i].state = VRRP_INIT;
        assert_int_equal(sync_group_state(m, 3), VRRP_INIT);
}

/* A member whose timer expired waits for the others: one still hearing a
 * better master holds the whole group in BACKUP (no thrashing). */
static void test_group_goes_master_only_together(void **state)
{
        struct sync_member m[2] = { { VRRP_BACKUP, true, false }, { VRRP_BACKUP, false, false } };

        (void)state;
        assert_false(sync_may_go_master(m, 2));
        m[1].wants_master = true;
        assert_true(sync_may_go_master(m, 2));
        m[1] = (struct sync_member){ VRRP_MASTER, false, false };
        assert_true(sync_may_go_master(m, 2));
        m[1] = (struct sync_member){ VRRP_FAULT, false, true };
        assert_false(sync_may_go_master(m, 2));
}

/* The faulty member is not held by itself, so it can leave FAULT when its
 * own fault clears, and the others follow. */
static void test_group_fault_holds_the_others(void **state)
{
        struct sync_member m[3] = { { VRRP_FAULT, false, true }, { VRRP_FAULT, false, false },
                                    { VRRP_FAULT, false, false } };

        (void)state;
        assert_false(sync_held_in_fault(m, 3, 0));
        assert_true(sync_held_in_fault(m, 3, 1));
        assert_true(sync_held_in_fault(m, 3, 2));
        m[0].own_fault = false;
        assert_false(sync_held_in_fault(m, 3, 1));
}
/* One wording for the log and status, keepalived's */
static void test_script_ending_wording(void **state)
{
        char buf[64];

        (void)state;
        assert_string_equal(track_script_ending(1, 0, buf, sizeof(buf)), "exited with status 1");
        assert_string_equal(track_script_ending(0, 9, buf, sizeof(buf)), "exited due to signal 9");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_first_run_decides),
                cmocka_unit_test(test_fall_needs_consecutive_failures),
                cmocka_unit_test(test_rise_needs_consecutive_successes),
                cmocka_unit_test(test_init_fail_starts_ko_and_needs_rise),
                cmocka_unit_test(test_update_reports_changes_only),
                cmocka_unit_test(test_bool_weights_and_reverse),
                cmocka_unit_test(test_file_values),
                cmocka_unit_test(test_effective_priority_clamps),
                cmocka_unit_test(test_group_state),
                cmocka_unit_test(test_group_goes_master_only_together),
                cmocka_unit_test(test_group_fault_holds_the_others),
                cmocka_unit_test(test_script_ending_wording),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
