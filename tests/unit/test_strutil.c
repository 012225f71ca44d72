#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "common/strutil.h"

static void test_distance(void **state)
{
        (void)state;
        assert_int_equal(str_edit_distance("vrrp_script", "vrrp_script", 5), 0);
        assert_int_equal(str_edit_distance("vrrip_script", "vrrp_script", 5), 1);
        assert_int_equal(str_edit_distance("vrp_sync_group", "vrrp_sync_group", 5), 1);
        assert_int_equal(str_edit_distance("priorty", "priority", 5), 1);
        assert_int_equal(str_edit_distance("lbc", "lblc", 5), 1);
        /* adjacent swap counts once */
        assert_int_equal(str_edit_distance("inetrval", "interval", 5), 1);
        /* gives up past the limit */
        assert_int_equal(str_edit_distance("abc", "xyzxyz", 2), 3);
}

static void test_closest(void **state)
{
        const char *const words[] = { "vrrp_script", "vrrp_instance", "vrrp_sync_group", "global_defs" };

        (void)state;
        assert_string_equal(str_closest("vrrip_script", words, 4), "vrrp_script");
        assert_string_equal(str_closest("vrp_sync_group", words, 4), "vrrp_sync_group");
        assert_string_equal(str_closest("global_def", words, 4), "global_defs");
        assert_null(str_closest("completely_else", words, 4));
        assert_null(str_closest("vrrp_script", words, 4)); /* an exact match is no suggestion */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_distance),
                cmocka_unit_test(test_closest),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
