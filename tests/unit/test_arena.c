/* The region allocator, and the split between what a parse keeps (the model,
 * file names, source lines) and what it drops (line texts and tokens). */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/arena.h"
#include "memfs.h"

static void test_allocations_are_aligned_and_zeroed(void **state)
{
        struct arena a;

        (void)state;
        arena_init(&a);
        for (size_t size = 1; size < 200; size += 7) {
                unsigned char *p = arena_alloc(&a, size);
                assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
                for (size_t i = 0; i < size; i++)
                        assert_int_equal(p[i], 0);
                memset(p, 0xff, size);
                arena_strdup(&a, "x"); /* leaves the next block unaligned */
        }
        arena_free(&a);
}

static void test_strings_are_packed(void **state)
{
        struct arena a;
        char *one, *two, *three;
        size_t before;

        (void)state;
        arena_init(&a);
        one = arena_strdup(&a, "eth0");
        two = arena_strndup(&a, "VI_1 and more", 4);
        three = arena_printf(&a, "%s.%u", "vrrp", 51u);
        assert_string_equal(one, "eth0");
        assert_string_equal(two, "VI_1");
        assert_string_equal(three, "vrrp.51");
        assert_ptr_equal(two, one + 5);
        assert_ptr_equal(three, two + 5);
        before = a.used_bytes;
        arena_strdup(&a, "");
        assert_int_equal(a.used_bytes, before + 1);
        assert_null(arena_strdup(&a, NULL));
        arena_free(&a);
        assert_int_equal(a.used_bytes, 0);
}

static void test_large_blocks_get_their_own_chunk(void **state)
{
        struct arena a;
        char *small, *big;

        (void)state;
        arena_init(&a);
        small = arena_strdup(&a, "kept");
        big = arena_alloc(&a, 100000);
        memset(big, 'b', 100000);
        assert_string_equal(small, "kept");
        assert_int_equal(big[99999], 'b');
        assert_true(a.used_bytes >= 100005);
        arena_free(&a);
        arena_init_bulk(&a);
        assert_true(a.chunk_bytes >= 256 * 1024); /* above malloc's mmap threshold: returned on free */
        assert_non_null(arena_alloc(&a, 16));
        arena_free(&a);
}

/* A large model takes chunks that double (few brk calls, and huge pages
 * at the bulk size), a small one stays in the first; a freed arena
 * starts small again. Every allocation keeps its bytes. */
static void test_chunks_grow_with_the_model(void **state)
{
        struct arena a;
        char *first, *p = NULL;

        (void)state;
        arena_init(&a);
        assert_int_equal(a.chunk_bytes, 16384);
        first = arena_strdup(&a, "first");
        assert_int_equal(a.chunk_bytes, 32768); /* the next chunk's size */
        for (int i = 0; i < 100000; i++) {
                p = arena_alloc(&a, 100);
                memset(p, i & 0xff, 100);
        }
        assert_string_equal(first, "first");
        assert_int_equal(p[99], (char)(99999 & 0xff));
        /* 10 MB in 16 KiB chunks would be 600 of them; doubling from
         * 16 KiB reaches the 4 MiB bulk size within nine chunks */
        assert_int_equal(a.chunk_bytes, 4u << 20);
        arena_free(&a);
        assert_int_equal(a.chunk_bytes, 16384);
        assert_non_null(arena_alloc(&a, 16));
        arena_free(&a);
        arena_init_bulk(&a);
        (void)arena_alloc(&a, 16);
        assert_int_equal(a.chunk_bytes, 4u << 20);
        arena_free(&a);
        assert_int_equal(a.chunk_bytes, 4u << 20);
}

/* Positions outlive the parse's line texts: what a reload, a dump or a
 * later check reads from the model is still there after conf_parse(). */
static void test_model_positions_survive_the_parse(void **state)
{
        struct diag_list d;
        struct conf *c;
        const struct conf_vrrp_instance *vi;

        (void)state;
        diag_list_init(&d);
        c = parse_text("vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority 150\n"
                       "  virtual_ipaddress {\n    10.0.0.1/32\n  }\n}\n",
                       &d);
        vi = c->instances.first;
        assert_string_equal(vi->name, "VI_1");
        assert_string_equal(vi->interface, "eth0");
        assert_string_equal(vi->pos.src, "vrrp_instance VI_1 {");
        assert_int_equal(vi->priority_pos.line, 4);
        assert_string_equal(vi->priority_pos.src, "  priority 150");
        assert_string_equal(vi->virtual_ipaddress.first->pos.src, "    10.0.0.1/32");
        assert_non_null(vi->pos.file);
        assert_null(vi->notify);
        assert_false(conf_instance_notify(vi)->notify_deleted);
        assert_null(conf_instance_notify(vi)->master.cmdline);
        conf_free(c);
        diag_list_free(&d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_allocations_are_aligned_and_zeroed),
                cmocka_unit_test(test_strings_are_packed),
                cmocka_unit_test(test_large_blocks_get_their_own_chunk),
                cmocka_unit_test(test_chunks_grow_with_the_model),
                cmocka_unit_test(test_model_positions_survive_the_parse),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
