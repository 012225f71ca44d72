/* lvs_drift_check's count of what someone else changed (check/drift_tally.c):
 * from the change set of a repair, the kernel's table as read back against
 * the one wanted, diffed by check/table.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "check/drift.h"

static struct check_dest dest(const char *ip, uint16_t port, int64_t w)
{
        struct check_dest d = { .port = port, .weight = w };

        d.addr.family = AF_INET;
        inet_pton(AF_INET, ip, &d.addr.u.v4);
        return d;
}

static struct check_svc svc(void)
{
        struct check_svc s = { .af = AF_INET, .protocol = 6, .port = 80, .sched = "wrr" };

        s.addr.family = AF_INET;
        inet_pton(AF_INET, "10.0.0.1", &s.addr.u.v4);
        return s;
}

/* ipvsadm -d of one server, ipvsadm -e of another's weight, ipvsadm -a
 * of a third: one missing, one changed, one foreign. */
static void test_hand_edits(void **state)
{
        struct check_dest want_d[] = { dest("10.0.1.1", 80, 1), dest("10.0.1.2", 80, 1) };
        struct check_dest have_d[] = { dest("10.0.1.2", 80, 5), dest("10.0.1.3", 80, 1) };
        struct check_table_svc want_s = { svc(), want_d, 2 }, have_s = { svc(), have_d, 2 };
        struct check_table want = { &want_s, 1 }, have = { &have_s, 1 };
        struct check_changes ch = { 0 };
        struct check_drift_counters c = { 0 };

        (void)state;
        assert_int_equal(check_table_diff(&have, &want, &want, &ch), 0);
        check_drift_tally(&ch, &c);
        assert_int_equal(c.checks, 1);
        assert_int_equal(c.drifted, 1);
        assert_int_equal(c.dest_missing, 1);
        assert_int_equal(c.dest_changed, 1);
        assert_int_equal(c.dest_foreign, 1);
        assert_int_equal(c.svc_missing + c.svc_changed + c.svc_foreign, 0);
        check_changes_free(&ch);
}

/* ipvsadm -C: the service is re-added with its servers. */
static void test_flushed(void **state)
{
        struct check_dest want_d[] = { dest("10.0.1.1", 80, 1) };
        struct check_table_svc want_s = { svc(), want_d, 1 };
        struct check_table want = { &want_s, 1 }, have = { 0 };
        struct check_changes ch = { 0 };
        struct check_drift_counters c = { 0 };

        (void)state;
        assert_int_equal(check_table_diff(&have, &want, &want, &ch), 0);
        check_drift_tally(&ch, &c);
        assert_int_equal(c.svc_missing, 1);
        assert_int_equal(c.dest_missing, 1);
        check_changes_free(&ch);
}

/* Nothing changed: a check, no drift. */
static void test_no_drift(void **state)
{
        struct check_dest want_d[] = { dest("10.0.1.1", 80, 1) };
        struct check_table_svc want_s = { svc(), want_d, 1 };
        struct check_table want = { &want_s, 1 };
        struct check_changes ch = { 0 };
        struct check_drift_counters c = { 0 };

        (void)state;
        assert_int_equal(check_table_diff(&want, &want, &want, &ch), 0);
        check_drift_tally(&ch, &c);
        assert_int_equal(c.checks, 1);
        assert_int_equal(c.drifted, 0);
        check_changes_free(&ch);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hand_edits),
                cmocka_unit_test(test_flushed),
                cmocka_unit_test(test_no_drift),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
