/* The rate limit of the "advert dropped" warnings (vrrp/droplog.h): first
 * drop of each (reason, source) logged, repeats summarised once a minute,
 * and a bounded table whatever the number of sources. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vrrp/droplog.h"

#define T0 5000000000LL
#define SEC 1000000LL

static enum droplog_verdict note4(struct droplog *d, unsigned reason, unsigned host, int64_t now,
                                  struct droplog_say *say)
{
        uint8_t a[4] = { 10, 0, (uint8_t)(host >> 8), (uint8_t)host };

        droplog_note(d, reason, AF_INET, a, now, say);
        return say->verdict;
}

static void test_first_then_quiet_then_one_summary_a_minute(void **state)
{
        struct droplog d = { 0 };
        struct droplog_say say;

        (void)state;
        assert_int_equal(note4(&d, 1, 2, T0, &say), DROPLOG_FIRST);
        for (int i = 1; i <= 57; i++)
                assert_int_equal(note4(&d, 1, 2, T0 + i * SEC, &say), DROPLOG_QUIET);
        /* 59.9 s after the first line: still quiet */
        assert_int_equal(note4(&d, 1, 2, T0 + 60 * SEC - 1, &say), DROPLOG_QUIET);
        assert_int_equal(note4(&d, 1, 2, T0 + 60 * SEC, &say), DROPLOG_SUMMARY);
        assert_int_equal(say.count, 59);
        assert_int_equal(say.window_us, 60 * SEC);
        /* the next minute starts at that summary */
        assert_int_equal(note4(&d, 1, 2, T0 + 61 * SEC, &say), DROPLOG_QUIET);
        assert_int_equal(note4(&d, 1, 2, T0 + 125 * SEC, &say), DROPLOG_SUMMARY);
        assert_int_equal(say.count, 2);
        assert_int_equal(say.window_us, 65 * SEC);
}

static void test_pairs_are_reason_and_source(void **state)
{
        struct droplog d = { 0 };
        struct droplog_say say;
        uint8_t v6[16] = { 0xfd, 0x31 }, v4[4] = { 0xfd, 0x31, 0, 0 };

        (void)state;
        assert_int_equal(note4(&d, 1, 2, T0, &say), DROPLOG_FIRST);
        assert_int_equal(note4(&d, 2, 2, T0, &say), DROPLOG_FIRST);     /* another reason */
        assert_int_equal(note4(&d, 1, 3, T0, &say), DROPLOG_FIRST);     /* another source */
        droplog_note(&d, 1, AF_INET6, v6, T0, &say);
        assert_int_equal(say.verdict, DROPLOG_FIRST);
        droplog_note(&d, 1, AF_INET, v4, T0, &say);                     /* same leading bytes, v4 */
        assert_int_equal(say.verdict, DROPLOG_FIRST);
        droplog_note(&d, 1, AF_INET6, v6, T0 + 1, &say);
        assert_int_equal(say.verdict, DROPLOG_QUIET);
        /* an unknown sender (no IP header) is one source */
        droplog_note(&d, 3, 0, NULL, T0, &say);
        assert_int_equal(say.verdict, DROPLOG_FIRST);
        droplog_note(&d, 3, 0, NULL, T0 + 1, &say);
        assert_int_equal(say.verdict, DROPLOG_QUIET);
        assert_int_equal(d.n, 6);
}

static void test_a_flood_of_sources_stays_in_the_table(void **state)
{
        struct droplog d = { 0 };
        struct droplog_say say;

        (void)state;
        for (unsigned h = 0; h < DROPLOG_CAP; h++)
                assert_int_equal(note4(&d, 1, h, T0, &say), DROPLOG_FIRST);
        /* the 65th pair: logged once, with the note that the rest are pooled */
        assert_int_equal(note4(&d, 1, 1000, T0 + 1 * SEC, &say), DROPLOG_FIRST_UNTRACKED);
        for (unsigned h = 1001; h < 5000; h++)
                assert_int_equal(note4(&d, 1, h, T0 + 2 * SEC, &say), DROPLOG_QUIET);
        assert_int_equal(d.n, DROPLOG_CAP);
        /* the tracked pairs stay busy, so none can be reused */
        for (unsigned h = 0; h < DROPLOG_CAP; h++)
                note4(&d, 1, h, T0 + 30 * SEC, &say);
        assert_int_equal(note4(&d, 1, 6000, T0 + 61 * SEC, &say), DROPLOG_SUMMARY_UNTRACKED);
        assert_int_equal(say.count, 5000 - 1001 + 1);
        assert_int_equal(say.window_us, 60 * SEC);
        /* a tracked pair still gets its own summary */
        assert_int_equal(note4(&d, 1, 7, T0 + 61 * SEC, &say), DROPLOG_SUMMARY);
        assert_int_equal(say.count, 2);
}

static void test_a_pair_quiet_for_a_period_gives_its_slot_away(void **state)
{
        struct droplog d = { 0 };
        struct droplog_say say;

        (void)state;
        for (unsigned h = 0; h < DROPLOG_CAP; h++)
                note4(&d, 1, h, T0 + h, &say);
        /* host 0 has been idle longest, for a whole period */
        assert_int_equal(note4(&d, 1, 500, T0 + 60 * SEC, &say), DROPLOG_FIRST);
        assert_int_equal(d.n, DROPLOG_CAP);
        /* host 0 is new again and takes host 1's slot, idle a period by then;
         * host 2 is 1 µs short of it, so the next new pair is pooled */
        assert_int_equal(note4(&d, 1, 0, T0 + 60 * SEC + 1, &say), DROPLOG_FIRST);
        assert_int_equal(note4(&d, 1, 501, T0 + 60 * SEC + 1, &say), DROPLOG_FIRST_UNTRACKED);
        assert_int_equal(note4(&d, 1, 500, T0 + 61 * SEC, &say), DROPLOG_QUIET);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_first_then_quiet_then_one_summary_a_minute),
                cmocka_unit_test(test_pairs_are_reason_and_source),
                cmocka_unit_test(test_a_flood_of_sources_stays_in_the_table),
                cmocka_unit_test(test_a_pair_quiet_for_a_period_gives_its_slot_away),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
