/* The check worker's notifications in keepalived's words: the smtp_alert
 * subjects and text (check/alert_text.c) and the LVS notify FIFO lines
 * for each kind of virtual server name (worker/notify_line.c, §6.9). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check/alert_text.h"
#include "worker/notify_line.h"

static void test_real_server_mail_names_both_servers_and_the_checker(void **state)
{
        struct check_alert a;

        (void)state;
        check_alert_rs(&a, "[10.0.0.2]:tcp:80", "[10.0.0.1]:tcp:80", CHECK_TCP, false);
        assert_string_equal(a.subject, "Realserver [10.0.0.2]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - DOWN");
        assert_string_equal(a.body, "=> TCP CHECK failed on service <=");
        check_alert_rs(&a, "[10.0.0.2]:tcp:80", "[10.0.0.1]:tcp:80", CHECK_TCP, true);
        assert_string_equal(a.subject, "Realserver [10.0.0.2]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - UP");
        assert_string_equal(a.body, "=> TCP CHECK succeed on service <=");
}

static void test_checker_words_follow_keepalived(void **state)
{
        struct check_alert a;

        (void)state;
        check_alert_rs(&a, "[10.0.0.2]:udp:53", "FWM 1", CHECK_UDP, false);
        assert_string_equal(a.body, "=> UDP CHECK failed on service <=");
        check_alert_rs(&a, "r", "v", CHECK_MISC, true);
        assert_string_equal(a.body, "=> MISC CHECK succeed on service <=");
        check_alert_rs(&a, "r", "v", CHECK_FILE, false);
        assert_string_equal(a.body, "=> FILE CHECK failed on service <=");
        check_alert_rs(&a, "r", "v", CHECK_HTTP, false);
        assert_string_equal(a.body, "=> CHECK failed on service <=");
        check_alert_rs(&a, "r", "v", CHECK_SSL, true);
        assert_string_equal(a.body, "=> CHECK succeed on service <=");
}

static void test_quorum_mail_has_keepalived_arithmetic(void **state)
{
        struct check_alert a;

        (void)state;
        check_alert_quorum(&a, "[10.0.0.1]:tcp:80", true, 2, 1, 3, 3);
        assert_string_equal(a.subject, "Virtualserver [10.0.0.1]:tcp:80 - UP");
        assert_string_equal(a.body, "=> Gained quorum 2+1=3 <= 3 <=");
        check_alert_quorum(&a, "[VSG_1]:80", false, 2, 1, 1, 0);
        assert_string_equal(a.subject, "Virtualserver [VSG_1]:80 - DOWN");
        assert_string_equal(a.body, "=> Lost quorum 2+1=1 <= 0 <=");
}

static void test_omega_stop_mails_say_shutting_down(void **state)
{
        struct check_alert a;

        (void)state;
        check_alert_shutdown(&a, "[10.0.0.2]:tcp:80", "[10.0.0.1]:tcp:80");
        assert_string_equal(a.subject, "Realserver [10.0.0.2]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - DOWN");
        assert_string_equal(a.body, "=> Shutting down <=");
        check_alert_shutdown(&a, NULL, "FWM 1");
        assert_string_equal(a.subject, "Virtualserver FWM 1 - DOWN");
        assert_string_equal(a.body, "=> Shutting down <=");
}

static void assert_fifo(enum notify_kind kind, const char *name, const char *st, const char *want)
{
        struct notify_object o = { kind, name };
        char buf[512];
        size_t n = notify_fifo_line(buf, sizeof(buf), &o, st, 0);

        /* the NUL keepalived writes after each LVS line is part of it */
        assert_int_equal(n, strlen(want) + 1);
        assert_memory_equal(buf, want, n);
}

static void test_fifo_lines_for_every_kind_of_virtual_server(void **state)
{
        (void)state;
        assert_fifo(NOTIFY_VS, "[10.0.0.1]:tcp:80", "UP", "VS [10.0.0.1]:tcp:80 UP\n");
        assert_fifo(NOTIFY_VS, "[10.0.0.1]:udp:53", "DOWN", "VS [10.0.0.1]:udp:53 DOWN\n");
        assert_fifo(NOTIFY_VS, "FWM 7", "UP", "VS FWM 7 UP\n");
        assert_fifo(NOTIFY_VS, "[VSG_1]:0", "UP", "VS [VSG_1]:0 UP\n");
        assert_fifo(NOTIFY_VS, "[2001:db8::1]:tcp:443", "DOWN", "VS [2001:db8::1]:tcp:443 DOWN\n");
        assert_fifo(NOTIFY_RS, "[10.0.0.2]:tcp:8080 [10.0.0.1]:tcp:80", "DOWN",
                    "RS [10.0.0.2]:tcp:8080 [10.0.0.1]:tcp:80 DOWN\n");
        assert_fifo(NOTIFY_RS, "[10.0.0.2]:tcp:0 FWM 7", "UP", "RS [10.0.0.2]:tcp:0 FWM 7 UP\n");
        assert_fifo(NOTIFY_RS, "[10.0.0.2]:tcp:80 [VSG_1]:80", "UP", "RS [10.0.0.2]:tcp:80 [VSG_1]:80 UP\n");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_real_server_mail_names_both_servers_and_the_checker),
                cmocka_unit_test(test_checker_words_follow_keepalived),
                cmocka_unit_test(test_quorum_mail_has_keepalived_arithmetic),
                cmocka_unit_test(test_omega_stop_mails_say_shutting_down),
                cmocka_unit_test(test_fifo_lines_for_every_kind_of_virtual_server),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
