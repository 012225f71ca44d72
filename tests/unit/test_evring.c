/* The event history's byte ring: it hands back the newest records in
 * order, forgets the oldest to make room by bytes and by count, keeps a
 * record that wraps around the end whole, and refuses one too big. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/evring.h"

struct seen {
        int64_t seq[4096];
        char text[4096][64];
        unsigned n, stop_at;
};

static int collect(void *ctx, int64_t seq, const uint8_t *p, size_t len)
{
        struct seen *s = ctx;

        assert_true(len < sizeof(s->text[0]));
        s->seq[s->n] = seq;
        memcpy(s->text[s->n], p, len);
        s->text[s->n][len] = '\0';
        s->n++;
        return s->stop_at && s->n == s->stop_at ? 7 : 0;
}

/* The record of seq k: "event k", padded to a length that varies with k. */
static size_t record(int64_t k, char *out)
{
        return (size_t)snprintf(out, 64, "event %lld%.*s", (long long)k, (int)(k % 17), "................");
}

static void push(struct evring *r, int64_t k)
{
        char buf[64];
        size_t len = record(k, buf);

        assert_int_equal(evring_push(r, k, (const uint8_t *)buf, len), 0);
}

/* What the ring holds must be exactly seq first..last, each with its bytes. */
static void expect_range(const struct evring *r, int64_t first, int64_t last)
{
        static struct seen s;
        char want[64];

        memset(&s, 0, sizeof(s));
        assert_int_equal(evring_each(r, 0, collect, &s), 0);
        assert_int_equal(s.n, (unsigned)(last - first + 1));
        for (unsigned i = 0; i < s.n; i++) {
                assert_int_equal(s.seq[i], first + i);
                record(first + i, want);
                assert_string_equal(s.text[i], want);
        }
}

static void test_keeps_every_record_in_order_until_full(void **state)
{
        struct evring r;

        (void)state;
        assert_int_equal(evring_init(&r, 4096, 100), 0);
        expect_range(&r, 1, 0);
        for (int64_t k = 1; k <= 50; k++)
                push(&r, k);
        expect_range(&r, 1, 50);
        evring_free(&r);
}

static void test_count_limit_forgets_the_oldest(void **state)
{
        struct evring r;

        (void)state;
        assert_int_equal(evring_init(&r, 1 << 16, 10), 0);
        for (int64_t k = 1; k <= 25; k++)
                push(&r, k);
        assert_int_equal(r.n, 10);
        expect_range(&r, 16, 25);
        evring_free(&r);
}

/* A ring of 1,000 bytes wraps every 30-odd records: after thousands of
 * pushes it still holds a run of the newest ones, each whole (the ones
 * that straddle the end included), and never more bytes than it has. */
static void test_byte_limit_and_wrapping(void **state)
{
        struct evring r;

        (void)state;
        assert_int_equal(evring_init(&r, 1000, 1000), 0);
        for (int64_t k = 1; k <= 5000; k++) {
                push(&r, k);
                assert_true(r.used <= r.cap);
                expect_range(&r, k - r.n + 1, k);
        }
        /* full to within one record: the oldest went only to make room */
        assert_true(r.used + 12 + 40 > r.cap);
        evring_free(&r);
}

static void test_skip_and_stop(void **state)
{
        static struct seen s;
        struct evring r;

        (void)state;
        assert_int_equal(evring_init(&r, 4096, 100), 0);
        for (int64_t k = 1; k <= 20; k++)
                push(&r, k);
        memset(&s, 0, sizeof(s));
        assert_int_equal(evring_each(&r, 15, collect, &s), 0);
        assert_int_equal(s.n, 5);
        assert_int_equal(s.seq[0], 16);
        memset(&s, 0, sizeof(s));
        s.stop_at = 3;
        assert_int_equal(evring_each(&r, 0, collect, &s), 7);
        assert_int_equal(s.n, 3);
        memset(&s, 0, sizeof(s));
        assert_int_equal(evring_each(&r, 50, collect, &s), 0);
        assert_int_equal(s.n, 0);
        evring_free(&r);
}

static void test_a_record_too_big_changes_nothing(void **state)
{
        uint8_t big[200] = { 0 };
        struct evring r;

        (void)state;
        assert_int_equal(evring_init(&r, 200, 10), 0);
        push(&r, 1);
        assert_int_equal(evring_push(&r, 2, big, sizeof(big) - 12 + 1), -1);
        expect_range(&r, 1, 1);
        /* one that needs the whole ring pushes everything else out */
        assert_int_equal(evring_push(&r, 2, big, sizeof(big) - 12), 0);
        assert_int_equal(r.n, 1);
        assert_int_equal(r.used, 200);
        push(&r, 3);
        expect_range(&r, 3, 3);
        evring_free(&r);
}

static void test_an_empty_record_is_kept(void **state)
{
        static struct seen s;
        struct evring r;

        (void)state;
        assert_int_equal(evring_init(&r, 100, 10), 0);
        assert_int_equal(evring_push(&r, 9, (const uint8_t *)"", 0), 0);
        memset(&s, 0, sizeof(s));
        assert_int_equal(evring_each(&r, 0, collect, &s), 0);
        assert_int_equal(s.n, 1);
        assert_int_equal(s.seq[0], 9);
        assert_string_equal(s.text[0], "");
        evring_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_keeps_every_record_in_order_until_full),
                cmocka_unit_test(test_count_limit_forgets_the_oldest),
                cmocka_unit_test(test_byte_limit_and_wrapping),
                cmocka_unit_test(test_skip_and_stop),
                cmocka_unit_test(test_a_record_too_big_changes_nothing),
                cmocka_unit_test(test_an_empty_record_is_kept),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
