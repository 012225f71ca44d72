/* The notify FIFO line per object kind (worker/notify_line.h), as
 * keepalived writes them (reference §5.5 for VRRP, §6.9 for LVS). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "worker/notify_line.h"

static void assert_line(enum notify_kind kind, const char *name, const char *state, unsigned prio,
                        const char *want, size_t want_len)
{
        struct notify_object o = { kind, name };
        char buf[256];
        size_t n = notify_fifo_line(buf, sizeof(buf), &o, state, prio);

        assert_int_equal(n, want_len);
        assert_memory_equal(buf, want, want_len);
}

static void test_instance_line_quotes_the_name_and_ends_with_the_priority(void **state)
{
        (void)state;
        assert_line(NOTIFY_INSTANCE, "VI_1", "MASTER", 100, "INSTANCE \"VI_1\" MASTER 100\n", 27);
        assert_line(NOTIFY_INSTANCE, "VI_1", "MASTER_RX_LOWER_PRI", 100,
                    "INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 100\n", 40);
}

static void test_group_line_has_priority_zero(void **state)
{
        (void)state;
        assert_line(NOTIFY_GROUP, "VG_1", "BACKUP", 0, "GROUP \"VG_1\" BACKUP 0\n", 22);
}

static void test_lvs_lines_are_unquoted_and_keep_their_nul(void **state)
{
        (void)state;
        /* keepalived writes the terminating NUL of the LVS lines too */
        assert_line(NOTIFY_VS, "[192.168.201.15]:tcp:80", "UP", 0, "VS [192.168.201.15]:tcp:80 UP\n\0", 31);
        assert_line(NOTIFY_VS, "FWM 1", "DOWN", 0, "VS FWM 1 DOWN\n\0", 15);
        assert_line(NOTIFY_RS, "[1.2.3.4]:tcp:80 [192.168.201.15]:tcp:80", "DOWN", 0,
                    "RS [1.2.3.4]:tcp:80 [192.168.201.15]:tcp:80 DOWN\n\0", 50);
}

static void test_kind_words_and_titles(void **state)
{
        (void)state;
        assert_string_equal(notify_kind_word(NOTIFY_INSTANCE), "INSTANCE");
        assert_string_equal(notify_kind_word(NOTIFY_GROUP), "GROUP");
        assert_string_equal(notify_kind_word(NOTIFY_VS), "VS");
        assert_string_equal(notify_kind_word(NOTIFY_RS), "RS");
        assert_string_equal(notify_kind_title(NOTIFY_INSTANCE), "Instance");
        assert_string_equal(notify_kind_title(NOTIFY_GROUP), "Group");
}

static void test_a_line_that_does_not_fit_is_not_written(void **state)
{
        struct notify_object o = { NOTIFY_INSTANCE, "VI_1" };
        char buf[16];

        (void)state;
        assert_int_equal(notify_fifo_line(buf, sizeof(buf), &o, "MASTER", 100), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_instance_line_quotes_the_name_and_ends_with_the_priority),
                cmocka_unit_test(test_group_line_has_priority_zero),
                cmocka_unit_test(test_lvs_lines_are_unquoted_and_keep_their_nul),
                cmocka_unit_test(test_kind_words_and_titles),
                cmocka_unit_test(test_a_line_that_does_not_fit_is_not_written),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
