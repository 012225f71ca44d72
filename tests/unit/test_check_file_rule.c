/* FILE_CHECK's rule (check/file_rule.h): the number a track_file holds,
 * the weight it takes from the checker or the track_file block, and what
 * value x weight does to the real server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check/file_rule.h"

static long val(const char *s)
{
        return check_file_value(s, strlen(s));
}

static void the_value_is_read_as_keepalived_reads_it(void **state)
{
        (void)state;
        assert_int_equal(val("5\n"), 5);
        assert_int_equal(val("-3"), -3);
        assert_int_equal(val("0x10\n"), 16);
        assert_int_equal(val("010"), 8);
        assert_int_equal(val("  7 apples\n9\n"), 7);
        assert_int_equal(val(""), 0);
        assert_int_equal(val("\n5\n"), 0);      /* only the first line */
        assert_int_equal(val("junk"), 0);
        assert_int_equal(check_file_value(NULL, 0), 0);   /* a missing file */
        assert_int_equal(check_file_value("12345", 2), 12);     /* only what was read */
}

static void the_weight_comes_from_the_checker_else_the_track_file(void **state)
{
        struct conf_checker ck = { .type = CHECK_FILE };
        struct conf_track_file tf = { .weight = -4, .weight_reverse = true };
        int w;
        bool rev;

        (void)state;
        check_file_weight_of(&ck, &tf, &w, &rev);
        assert_int_equal(w, -4);
        assert_true(rev);
        ck.file_weight_set = true;
        ck.file_weight = 10;
        check_file_weight_of(&ck, &tf, &w, &rev);
        assert_int_equal(w, 10);
        assert_false(rev);
        ck.file_reverse = true;
        check_file_weight_of(&ck, &tf, &w, &rev);
        assert_true(rev);
        ck.file_weight_set = false;
        check_file_weight_of(&ck, NULL, &w, &rev);
        assert_int_equal(w, 1);
}

static void weight_zero_is_down_on_any_non_zero_value(void **state)
{
        (void)state;
        assert_false(check_file_effect(0, 0, false).down);
        assert_int_equal(check_file_effect(0, 0, false).delta, 0);
        assert_true(check_file_effect(1, 0, false).down);
        assert_true(check_file_effect(-1, 0, false).down);
        assert_true(check_file_effect(1, 0, true).down);
        assert_false(check_file_effect(0, 0, true).down);
}

static void value_times_weight_adds_to_the_weight(void **state)
{
        struct check_file_effect e;

        (void)state;
        e = check_file_effect(3, 10, false);
        assert_false(e.down);
        assert_int_equal(e.delta, 30);
        e = check_file_effect(3, 10, true);
        assert_false(e.down);
        assert_int_equal(e.delta, -30);
        e = check_file_effect(-2, -5, false);
        assert_int_equal(e.delta, 10);
        e = check_file_effect(0, 10, false);
        assert_false(e.down);
        assert_int_equal(e.delta, 0);
}

static void at_or_below_int32_min_is_down(void **state)
{
        (void)state;
        assert_false(check_file_effect(-2147483647L, 1, false).down);
        assert_true(check_file_effect(-2147483648L, 1, false).down);
        assert_true(check_file_effect(2147483648L, 1, true).down);
        assert_true(check_file_effect(-2, 2147483647, false).down);
        /* a product beyond 64 bits saturates, it does not wrap */
        assert_true(check_file_effect(-9000000000000000000L, 2147483647, false).down);
        assert_false(check_file_effect(9000000000000000000L, 2147483647, false).down);
        assert_true(check_file_effect(9000000000000000000L, 2147483647, false).delta == INT64_MAX);
        assert_true(check_file_effect(9000000000000000000L, -2147483647, true).delta == INT64_MAX);
        assert_true(check_file_effect(-9000000000000000000L, -2147483647, true).down);
}

static void the_ipvs_weight_is_clamped(void **state)
{
        (void)state;
        assert_int_equal(check_file_weight_apply(1, 30), 31);
        assert_int_equal(check_file_weight_apply(10, -30), 0);
        assert_int_equal(check_file_weight_apply(1, INT64_MAX), INT32_MAX);
        assert_int_equal(check_file_weight_apply(1, 3000000000LL), INT32_MAX);
        assert_int_equal(check_file_weight_apply(-5, INT64_MIN), 0);
        assert_int_equal(check_file_weight_apply(0, 0), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(the_value_is_read_as_keepalived_reads_it),
                cmocka_unit_test(the_weight_comes_from_the_checker_else_the_track_file),
                cmocka_unit_test(weight_zero_is_down_on_any_non_zero_value),
                cmocka_unit_test(value_times_weight_adds_to_the_weight),
                cmocka_unit_test(at_or_below_int32_min_is_down),
                cmocka_unit_test(the_ipvs_weight_is_clamped),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
