/* A checker's up/down decision (keepalived-reference.md §6.1, §6.6):
 * scheduling of the first probe, retry counts, checker errors that never
 * count against a server, MISC_CHECK's exit codes, and a real server's
 * alive/dead over several checkers (§6.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check/decide.h"

#define SEC CHECK_USEC_PER_SEC

/* TCP_CHECK's defaults: retry 1, delay_before_retry 1 s, delay_loop 60 s. */
static const struct check_policy tcp = { .retry = 1, .delay_before_retry = 1 * SEC, .delay_loop = 60 * SEC,
                                         .warmup = 60 * SEC };

static struct check_probe probe(enum check_result r)
{
        return (struct check_probe){ .result = r };
}

static struct check_probe script(int status)
{
        return (struct check_probe){ .result = CHECK_SCRIPT_EXIT, .exit_status = status };
}

/* A probe that took no time: it started at `now`, as it ended. The cadence
 * tests below give the start of their own. */
static struct check_decision decide_now(const struct check_policy *pol, const struct check_status *st,
                                        struct check_probe p, int64_t now)
{
        p.started = now;
        return check_decide(pol, st, &p, now);
}

/* Feed outcomes ('s' success, 'f' connect refused, 'e' checker error) from
 * `st`; the trail has one mark per result: '^' went up, 'v' went down,
 * else the state after it ('?' unknown, '+' up, '-' down). */
static void trail(const struct check_policy *pol, struct check_status *st, const char *runs, char *out)
{
        int64_t now = 0;

        for (; *runs; runs++, out++) {
                struct check_probe p = probe(*runs == 's' ? CHECK_OK : *runs == 'e' ? CHECK_ERROR : CHECK_CONNECT_REFUSED);
                struct check_decision d = decide_now(pol, st, p, now);
                *st = d.next;
                now = d.next_due;
                if (d.change == CHECK_WENT_UP)
                        *out = '^';
                else if (d.change == CHECK_WENT_DOWN)
                        *out = 'v';
                else
                        *out = st->state == CHECK_UNKNOWN ? '?' : st->state == CHECK_UP ? '+' : '-';
        }
        *out = 0;
}

static void test_first_probe_after_bootstrap_and_warmup(void **state)
{
        int64_t due;
        struct check_status st;

        (void)state;
        st = check_start(&tcp, 100, 0, &due);
        assert_int_equal(st.state, CHECK_UNKNOWN);
        assert_int_equal(due, 100 + SEC);
        check_start(&tcp, 100, UINT32_MAX, &due);
        assert_int_equal(due, 100 + SEC + 60 * SEC);
        check_start(&tcp, 0, UINT32_MAX / 2, &due);
        assert_true(due > SEC + 29 * SEC && due < SEC + 31 * SEC);
}

static void test_warmup_zero_is_bootstrap_only(void **state)
{
        struct check_policy p = tcp;
        int64_t due;

        (void)state;
        p.warmup = 0;
        check_start(&p, 5, UINT32_MAX, &due);
        assert_int_equal(due, 5 + SEC);
}

static void test_alpha_starts_down(void **state)
{
        struct check_policy p = tcp;
        struct check_status st;
        int64_t due;
        char t[16];

        (void)state;
        p.alpha = true;
        st = check_start(&p, 0, 0, &due);
        assert_int_equal(st.state, CHECK_DOWN);
        assert_true(check_state_failed(st.state));
        /* failures while DOWN are not retried; one success brings it up */
        trail(&p, &st, "ffs", t);
        assert_string_equal(t, "--^");
}

static void test_no_alpha_first_success_only_logs(void **state)
{
        struct check_status st = check_start(&tcp, 0, 0, &(int64_t){ 0 });
        struct check_probe p = probe(CHECK_OK);
        struct check_decision d = decide_now(&tcp, &st, p, 10);

        (void)state;
        assert_false(check_state_failed(CHECK_UNKNOWN));
        assert_int_equal(d.next.state, CHECK_UP);
        assert_int_equal(d.change, CHECK_SAME);
        assert_true(d.success && d.counted);
        assert_int_equal(d.next_due, 10 + 60 * SEC);
}

/* vigil honours retry on the very first failures too (keepalived would go
 * DOWN on the first failure here: its retry counter starts full). */
static void test_retry_honoured_from_start(void **state)
{
        struct check_status st = { CHECK_UNKNOWN, 0 };
        struct check_probe f = probe(CHECK_CONNECT_REFUSED);
        struct check_decision d;

        (void)state;
        d = decide_now(&tcp, &st, f, 0);
        assert_int_equal(d.change, CHECK_SAME);
        assert_int_equal(d.next.state, CHECK_UNKNOWN);
        assert_int_equal(d.retry_index, 1);
        assert_false(check_state_failed(d.next.state));
        assert_int_equal(d.next_due, 1 * SEC);
        st = d.next;
        d = decide_now(&tcp, &st, f, 1 * SEC);
        assert_int_equal(d.change, CHECK_WENT_DOWN);
        assert_true(d.after_retries);
        assert_int_equal(d.retry_index, 0);
        assert_int_equal(d.next.failures, 0);
        assert_int_equal(d.next_due, 61 * SEC);
}

static void test_retry_zero_goes_down_at_once(void **state)
{
        struct check_policy p = tcp;
        struct check_status st = { CHECK_UP, 0 };
        struct check_probe f = probe(CHECK_CONNECT_TIMEOUT);
        struct check_decision d;

        (void)state;
        p.retry = 0;
        d = decide_now(&p, &st, f, 0);
        assert_int_equal(d.change, CHECK_WENT_DOWN);
        assert_false(d.after_retries);
        assert_int_equal(d.next_due, 60 * SEC);
}

static void test_down_needs_retry_plus_one_consecutive(void **state)
{
        struct check_policy p = tcp;
        struct check_status st = { CHECK_UP, 0 };
        char t[32];

        (void)state;
        p.retry = 3;
        /* three failures are retries; a success refills; four in a row fail it */
        trail(&p, &st, "fffsffff", t);
        assert_string_equal(t, "+++++++v");
        assert_int_equal(st.state, CHECK_DOWN);
        /* DOWN stays DOWN on failures, and one success is enough */
        trail(&p, &st, "ffs", t);
        assert_string_equal(t, "--^");
}

static void test_retry_counter_and_delays(void **state)
{
        struct check_policy p = tcp;
        struct check_status st = { CHECK_UP, 0 };
        struct check_probe f = probe(CHECK_PROBE_TIMEOUT), s = probe(CHECK_OK);
        struct check_decision d;

        (void)state;
        p.retry = 2;
        p.delay_before_retry = 3 * SEC;
        d = decide_now(&p, &st, f, 100);
        assert_int_equal(d.retry_index, 1);
        assert_int_equal(d.next_due, 100 + 3 * SEC);
        d = decide_now(&p, &d.next, f, 200);
        assert_int_equal(d.retry_index, 2);
        assert_int_equal(d.next.failures, 2);
        assert_int_equal(d.next_due, 200 + 3 * SEC);
        /* recovering in the middle of retries: no change, back to delay_loop */
        d = decide_now(&p, &d.next, s, 300);
        assert_int_equal(d.change, CHECK_SAME);
        assert_int_equal(d.next.failures, 0);
        assert_int_equal(d.next_due, 300 + 60 * SEC);
}

static void test_checker_error_never_counts(void **state)
{
        struct check_policy p = tcp;
        struct check_status st = { CHECK_UP, 0 };
        struct check_probe e = probe(CHECK_ERROR);
        struct check_decision d;
        char t[32];

        (void)state;
        p.retry = 0;
        /* with retry 0 any real failure would take it down at once */
        d = decide_now(&p, &st, e, 7);
        assert_false(d.counted);
        assert_false(d.success);
        assert_int_equal(d.change, CHECK_SAME);
        assert_int_equal(d.next.state, CHECK_UP);
        assert_int_equal(d.result, CHECK_ERROR);
        assert_int_equal(d.next_due, 7 + 60 * SEC);
        /* neither breaks nor extends a run of failures, and keeps the retry pace */
        p.retry = 1;
        st = (struct check_status){ CHECK_UP, 0 };
        trail(&p, &st, "feeef", t);
        assert_string_equal(t, "++++v");
        st = (struct check_status){ CHECK_UP, 1 };
        d = decide_now(&p, &st, e, 0);
        assert_int_equal(d.next.failures, 1);
        assert_int_equal(d.next_due, p.delay_before_retry);
        /* nor does it bring a DOWN server up, or keep an UNKNOWN one from its result */
        st = (struct check_status){ CHECK_DOWN, 0 };
        trail(&p, &st, "ees", t);
        assert_string_equal(t, "--^");
        st = (struct check_status){ CHECK_UNKNOWN, 0 };
        trail(&p, &st, "e", t);
        assert_string_equal(t, "?");
}

static void test_every_named_failure_counts(void **state)
{
        const enum check_result fails[] = { CHECK_CONNECT_REFUSED, CHECK_CONNECT_TIMEOUT, CHECK_PROBE_TIMEOUT,
                                            CHECK_PROBE_FAILED, CHECK_SCRIPT_TIMEOUT };
        struct check_policy p = tcp;

        (void)state;
        p.retry = 0;
        for (size_t i = 0; i < sizeof(fails) / sizeof(fails[0]); i++) {
                struct check_status st = { CHECK_UP, 0 };
                struct check_probe f = probe(fails[i]);
                struct check_decision d = decide_now(&p, &st, f, 0);
                assert_true(d.counted);
                assert_false(d.success);
                assert_int_equal(d.change, CHECK_WENT_DOWN);
                assert_int_equal(d.result, fails[i]);
        }
}

static void test_script_exit_codes(void **state)
{
        struct check_policy misc = { .retry = 0, .delay_before_retry = SEC, .delay_loop = 10 * SEC };
        struct check_status up = { CHECK_UP, 0 }, down = { CHECK_DOWN, 0 };
        struct check_probe p;
        struct check_decision d;

        (void)state;
        p = script(0);
        d = decide_now(&misc, &down, p, 0);
        assert_true(d.success);
        assert_int_equal(d.change, CHECK_WENT_UP);
        assert_int_equal(d.weight_op, CHECK_WEIGHT_CLEAR);
        p = script(1);
        d = decide_now(&misc, &up, p, 0);
        assert_false(d.success);
        assert_int_equal(d.change, CHECK_WENT_DOWN);
        assert_int_equal(d.weight_op, CHECK_WEIGHT_CLEAR);
        /* 2..255 without misc_dynamic: a failure */
        p = script(2);
        d = decide_now(&misc, &up, p, 0);
        assert_false(d.success);
        p = script(255);
        d = decide_now(&misc, &up, p, 0);
        assert_false(d.success);
        /* outside 0..255 (a signal, a bad status): a failure even with misc_dynamic */
        misc.misc_dynamic = true;
        p = script(256);
        assert_false(decide_now(&misc, &up, p, 0).success);
        p = script(-1);
        assert_false(decide_now(&misc, &up, p, 0).success);
        p = script(1);
        assert_false(decide_now(&misc, &up, p, 0).success);
}

static void test_misc_dynamic_weight(void **state)
{
        struct check_policy misc = { .retry = 0, .delay_loop = 10 * SEC, .misc_dynamic = true };
        struct check_status up = { CHECK_UP, 0 }, down = { CHECK_DOWN, 0 };
        struct check_probe p;
        struct check_decision d;

        (void)state;
        p = script(2);
        d = decide_now(&misc, &up, p, 0);
        assert_true(d.success);
        assert_int_equal(d.weight_op, CHECK_WEIGHT_SET);
        assert_int_equal(d.weight, 0);
        p = script(255);
        d = decide_now(&misc, &up, p, 0);
        assert_int_equal(d.weight, 253);
        p = script(12);
        d = decide_now(&misc, &down, p, 0);
        assert_int_equal(d.change, CHECK_WENT_UP);
        assert_int_equal(d.weight, 10);
        p = script(0);
        d = decide_now(&misc, &up, p, 0);
        assert_int_equal(d.weight_op, CHECK_WEIGHT_CLEAR);
        /* a failure while retrying keeps the weight; DOWN clears it */
        misc.retry = 1;
        p = script(1);
        d = decide_now(&misc, &up, p, 0);
        assert_int_equal(d.weight_op, CHECK_WEIGHT_KEEP);
        d = decide_now(&misc, &d.next, p, 0);
        assert_int_equal(d.weight_op, CHECK_WEIGHT_CLEAR);
        /* failing while DOWN changes nothing */
        d = decide_now(&misc, &down, p, 0);
        assert_int_equal(d.weight_op, CHECK_WEIGHT_KEEP);
}

/* A probe that ends within its wait runs again a wait after its start:
 * the duration of the probe is not added to the period (counted from the
 * end, 1,000 checks at delay_loop 1 s came 1.56 s apart in the VM). */
static void test_cadence_counts_from_the_start(void **state)
{
        struct check_status up = { CHECK_UP, 0 };
        struct check_probe p = probe(CHECK_OK);
        struct check_decision d;

        (void)state;
        p.started = 100 * SEC;
        d = check_decide(&tcp, &up, &p, 100 * SEC + 300000);
        assert_int_equal(d.next_due, 160 * SEC);
        /* a failure short of DOWN: delay_before_retry, from the start too */
        p = probe(CHECK_CONNECT_TIMEOUT);
        p.started = 100 * SEC;
        d = check_decide(&tcp, &up, &p, 100 * SEC + 900000);
        assert_int_equal(d.retry_index, 1);
        assert_int_equal(d.next_due, 101 * SEC);
        /* ending exactly a wait after the start: due at once */
        d = check_decide(&tcp, &up, &p, 101 * SEC);
        assert_int_equal(d.next_due, 101 * SEC);
}

/* One that took longer than its wait waits a whole one from its end, so a
 * server that holds its probes is not probed back to back. */
static void test_cadence_slow_probe_waits_from_its_end(void **state)
{
        struct check_status up = { CHECK_UP, 0 };
        struct check_probe p = probe(CHECK_CONNECT_TIMEOUT);
        struct check_decision d;

        (void)state;
        p.started = 100 * SEC;
        d = check_decide(&tcp, &up, &p, 103 * SEC);
        assert_int_equal(d.next_due, 104 * SEC); /* retrying: delay_before_retry 1 s */
        p = probe(CHECK_OK);
        p.started = 100 * SEC;
        d = check_decide(&tcp, &up, &p, 100 * SEC + 60 * SEC + 1);
        assert_int_equal(d.next_due, 160 * SEC + 1 + 60 * SEC);
        /* a start after the end (a caller's mistake) counts from the end */
        p.started = 200 * SEC;
        d = check_decide(&tcp, &up, &p, 100 * SEC);
        assert_int_equal(d.next_due, 160 * SEC);
}

/* The same rule for every checker: MISC_CHECK, which counted from the start
 * even past its delay (and ran again at once), now waits like the others. */
static void test_cadence_is_the_same_for_misc(void **state)
{
        struct check_policy misc = { .retry = 1, .delay_before_retry = 2 * SEC, .delay_loop = 10 * SEC,
                                     .misc_dynamic = true };
        struct check_status up = { CHECK_UP, 0 };
        struct check_probe p = script(0);
        struct check_decision d;

        (void)state;
        p.started = 100 * SEC;
        d = check_decide(&misc, &up, &p, 104 * SEC);
        assert_int_equal(d.next_due, 110 * SEC);
        d = check_decide(&misc, &up, &p, 112 * SEC);
        assert_int_equal(d.next_due, 122 * SEC);
        p = script(1);
        p.started = 100 * SEC;
        d = check_decide(&misc, &up, &p, 101 * SEC);
        assert_int_equal(d.next_due, 102 * SEC);
        d = check_decide(&misc, &up, &p, 105 * SEC);
        assert_int_equal(d.next_due, 107 * SEC);
}

/* Every start offset and duration on a grid, for waits from 1 µs to a
 * minute: never due before the end, never sooner than a wait after the
 * start, exactly a wait after the start when the probe fit in its wait,
 * exactly a wait after the end otherwise. */
static void test_cadence_exhaustive(void **state)
{
        const int64_t waits[] = { 1, 7, 1000, SEC, 60 * SEC };

        (void)state;
        for (size_t w = 0; w < sizeof(waits) / sizeof(waits[0]); w++) {
                int64_t wait = waits[w], step = wait > 64 ? wait / 64 : 1;
                for (int64_t started = -2 * wait; started <= 2 * wait; started += step)
                        for (int64_t took = 0; took <= 3 * wait + 1; took += step) {
                                int64_t now = started + took, due = check_next_due(started, now, wait);
                                assert_true(due >= now);
                                assert_true(due >= started + wait);
                                assert_int_equal(due, took <= wait ? started + wait : now + wait);
                        }
        }
}

/* A checker whose probes take a varying part of its delay keeps its
 * phase: its n-th probe starts n delays after the first, whatever each one
 * took, so the spread that warmup gave the starts is kept for good (no
 * drift; no clumping of checkers whose probes end together). */
static void test_cadence_keeps_its_phase(void **state)
{
        struct check_policy p = tcp;
        struct check_status st = { CHECK_UP, 0 };
        int64_t first = 1 * SEC + 123457, due = first;

        (void)state;
        p.delay_loop = 1 * SEC;
        for (int n = 0; n < 1000; n++) {
                struct check_probe pr = probe(CHECK_OK);
                struct check_decision d;
                pr.started = due;
                d = check_decide(&p, &st, &pr, due + (n * 7919) % 900000);
                st = d.next;
                due = d.next_due;
        }
        assert_int_equal(due, first + 1000 * SEC);
}

static void test_real_server_over_checkers(void **state)
{
        uint32_t failed = 0;

        (void)state;
        /* the first checker down takes the server down; the last one up brings it back */
        assert_int_equal(check_rs_apply(&failed, CHECK_WENT_DOWN), CHECK_WENT_DOWN);
        assert_int_equal(check_rs_apply(&failed, CHECK_WENT_DOWN), CHECK_SAME);
        assert_int_equal(failed, 2);
        assert_int_equal(check_rs_apply(&failed, CHECK_SAME), CHECK_SAME);
        assert_int_equal(check_rs_apply(&failed, CHECK_WENT_UP), CHECK_SAME);
        assert_int_equal(check_rs_apply(&failed, CHECK_WENT_UP), CHECK_WENT_UP);
        assert_int_equal(failed, 0);
        /* an UP with nothing failed is not a change (and does not wrap) */
        assert_int_equal(check_rs_apply(&failed, CHECK_WENT_UP), CHECK_SAME);
        assert_int_equal(failed, 0);
        /* alpha: the server starts with its alpha checkers failed */
        failed = 2;
        assert_int_equal(check_rs_apply(&failed, CHECK_WENT_UP), CHECK_SAME);
        assert_int_equal(check_rs_apply(&failed, CHECK_WENT_UP), CHECK_WENT_UP);
}

static void test_names(void **state)
{
        (void)state;
        assert_string_equal(check_result_name(CHECK_CONNECT_REFUSED), "connect refused");
        assert_string_equal(check_result_key(CHECK_CONNECT_TIMEOUT), "connect_timeout");
        assert_string_equal(check_result_name(CHECK_ERROR), "checker error");
        assert_string_equal(check_result_name((enum check_result)99), "unknown");
        assert_string_equal(check_state_name(CHECK_DOWN), "down");
        assert_string_equal(check_state_name(CHECK_UNKNOWN), "unknown");
        for (int i = 0; i < CHECK_RESULT_COUNT; i++)
                for (int j = 0; j < i; j++) {
                        assert_string_not_equal(check_result_name(i), check_result_name(j));
                        assert_string_not_equal(check_result_key(i), check_result_key(j));
                }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_first_probe_after_bootstrap_and_warmup),
                cmocka_unit_test(test_warmup_zero_is_bootstrap_only),
                cmocka_unit_test(test_alpha_starts_down),
                cmocka_unit_test(test_no_alpha_first_success_only_logs),
                cmocka_unit_test(test_retry_honoured_from_start),
                cmocka_unit_test(test_retry_zero_goes_down_at_once),
                cmocka_unit_test(test_down_needs_retry_plus_one_consecutive),
                cmocka_unit_test(test_retry_counter_and_delays),
                cmocka_unit_test(test_checker_error_never_counts),
                cmocka_unit_test(test_every_named_failure_counts),
                cmocka_unit_test(test_script_exit_codes),
                cmocka_unit_test(test_misc_dynamic_weight),
                cmocka_unit_test(test_cadence_counts_from_the_start),
                cmocka_unit_test(test_cadence_slow_probe_waits_from_its_end),
                cmocka_unit_test(test_cadence_is_the_same_for_misc),
                cmocka_unit_test(test_cadence_exhaustive),
                cmocka_unit_test(test_cadence_keeps_its_phase),
                cmocka_unit_test(test_real_server_over_checkers),
                cmocka_unit_test(test_names),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
