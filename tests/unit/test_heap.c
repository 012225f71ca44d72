/* The deadline heap: order, update in place through the back-pointers,
 * removal from the middle, and a randomised check against a sorted model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "common/heap.h"

#define N 64

static struct heap_node nodes[N];

static void fill(struct heap *h, const int64_t *keys, unsigned n)
{
        heap_init(h);
        for (unsigned i = 0; i < n; i++) {
                nodes[i] = (struct heap_node){ .key = keys[i], .idx = HEAP_NONE };
                assert_int_equal(heap_push(h, &nodes[i]), 0);
        }
}

/* Every parent no later than its children, every back-pointer right. */
static void check_invariant(const struct heap *h)
{
        for (uint32_t i = 0; i < h->n; i++) {
                assert_int_equal(h->a[i]->idx, i);
                if (i)
                        assert_true(h->a[(i - 1) / 2]->key <= h->a[i]->key);
        }
}

static void test_push_pop_in_order(void **state)
{
        static const int64_t keys[] = { 50, 10, 40, 30, 20, 60, 10 };
        static const int64_t want[] = { 10, 10, 20, 30, 40, 50, 60 };
        struct heap h;

        (void)state;
        fill(&h, keys, 7);
        check_invariant(&h);
        for (unsigned i = 0; i < 7; i++) {
                struct heap_node *x = heap_pop(&h);
                assert_non_null(x);
                assert_int_equal(x->key, want[i]);
                assert_false(heap_contains(x));
                check_invariant(&h);
        }
        assert_null(heap_pop(&h));
        assert_null(heap_top(&h));
        heap_free(&h);
}

static void test_update_moves_both_ways(void **state)
{
        static const int64_t keys[] = { 10, 20, 30, 40, 50 };
        struct heap h;

        (void)state;
        fill(&h, keys, 5);
        heap_update(&h, &nodes[4], 5); /* 50 -> 5: to the top */
        check_invariant(&h);
        assert_ptr_equal(heap_top(&h), &nodes[4]);
        heap_update(&h, &nodes[4], 35); /* down again */
        check_invariant(&h);
        assert_ptr_equal(heap_top(&h), &nodes[0]);
        heap_update(&h, &nodes[0], 100); /* the top goes last */
        check_invariant(&h);
        assert_ptr_equal(heap_top(&h), &nodes[1]);
        heap_free(&h);
}

static void test_remove_from_the_middle(void **state)
{
        static const int64_t keys[] = { 10, 20, 30, 40, 50, 60, 70 };
        struct heap h;

        (void)state;
        fill(&h, keys, 7);
        heap_remove(&h, &nodes[2]);
        assert_false(heap_contains(&nodes[2]));
        check_invariant(&h);
        assert_int_equal(h.n, 6);
        heap_remove(&h, &nodes[2]); /* not in it: nothing */
        assert_int_equal(h.n, 6);
        heap_remove(&h, &nodes[6]); /* the last slot */
        check_invariant(&h);
        assert_int_equal(heap_pop(&h)->key, 10);
        assert_int_equal(heap_pop(&h)->key, 20);
        assert_int_equal(heap_pop(&h)->key, 40);
        heap_free(&h);
}

static void test_push_twice_is_an_update(void **state)
{
        static const int64_t keys[] = { 10, 20 };
        struct heap h;

        (void)state;
        fill(&h, keys, 2);
        nodes[1].key = 1;
        assert_int_equal(heap_push(&h, &nodes[1]), 0);
        assert_int_equal(h.n, 2);
        assert_ptr_equal(heap_top(&h), &nodes[1]);
        heap_clear(&h);
        assert_false(heap_contains(&nodes[0]));
        assert_int_equal(h.n, 0);
        heap_free(&h);
}

/* Random pushes, updates and removals; the pops come out sorted. */
static void test_random_against_model(void **state)
{
        struct heap h;
        int64_t last = INT64_MIN;

        (void)state;
        srand(12);
        heap_init(&h);
        for (unsigned i = 0; i < N; i++) {
                nodes[i] = (struct heap_node){ .key = rand() % 1000, .idx = HEAP_NONE };
                assert_int_equal(heap_push(&h, &nodes[i]), 0);
        }
        for (unsigned round = 0; round < 500; round++) {
                struct heap_node *x = &nodes[rand() % N];
                if (heap_contains(x) && rand() % 4 == 0)
                        heap_remove(&h, x);
                else if (heap_contains(x))
                        heap_update(&h, x, rand() % 1000);
                else
                        assert_int_equal((x->key = rand() % 1000, heap_push(&h, x)), 0);
                check_invariant(&h);
        }
        for (struct heap_node *x; (x = heap_pop(&h));) {
                assert_true(x->key >= last);
                last = x->key;
        }
        heap_free(&h);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_push_pop_in_order),
                cmocka_unit_test(test_update_moves_both_ways),
                cmocka_unit_test(test_remove_from_the_middle),
                cmocka_unit_test(test_push_twice_is_an_update),
                cmocka_unit_test(test_random_against_model),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
