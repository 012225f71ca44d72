/* The supervisor channel's framing (worker/ipc.c): one JSON object per
 * line. A line split over two reads is decoded once whole, several lines
 * in one read are decoded in order, a line that is not JSON is reported as
 * NULL (the channel then closes), and a line that never ends stops growing
 * the buffer past IPC_MAX_LINE (the peer is dropped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "worker/ipc.h"

static char buf[256];
static size_t len;

static void feed(const char *s)
{
        memcpy(buf + len, s, strlen(s));
        len += strlen(s);
}

static json_t *take(void)
{
        json_t *msg = (json_t *)1;

        assert_true(ipc_frame_take(buf, &len, &msg));
        return msg;
}

static void test_partial_line_waits_for_its_newline(void **state)
{
        json_t *msg;

        (void)state;
        len = 0;
        feed("{\"cmd\":\"sta");
        assert_false(ipc_frame_take(buf, &len, &msg));
        assert_int_equal(len, 11);
        feed("tus\",\"id\":7}\n");
        msg = take();
        assert_string_equal(json_string_value(json_object_get(msg, "cmd")), "status");
        assert_int_equal(json_integer_value(json_object_get(msg, "id")), 7);
        assert_int_equal(len, 0);
        json_decref(msg);
}

static void test_several_messages_in_one_read(void **state)
{
        json_t *a, *b, *msg;

        (void)state;
        len = 0;
        feed("{\"id\":1}\n{\"id\":2}\n{\"id\":");
        a = take();
        b = take();
        assert_int_equal(json_integer_value(json_object_get(a, "id")), 1);
        assert_int_equal(json_integer_value(json_object_get(b, "id")), 2);
        assert_false(ipc_frame_take(buf, &len, &msg));
        assert_memory_equal(buf, "{\"id\":", 6); /* the rest waits */
        assert_int_equal(len, 6);
        json_decref(a);
        json_decref(b);
}

static void test_line_that_is_not_json_is_null(void **state)
{
        (void)state;
        len = 0;
        feed("hello\n{\"id\":3}\n");
        assert_null(take());
        assert_int_equal(len, 9);
}

static void test_over_long_line_is_refused(void **state)
{
        size_t cap = 0, steps = 0;

        (void)state;
        /* the buffer doubles from 8 KiB, then refuses: at most 2 x IPC_MAX_LINE (128 MiB) for one line */
        while ((cap = ipc_frame_grow(cap)))
                assert_true(cap <= 2 * IPC_MAX_LINE), steps++;
        assert_int_equal(ipc_frame_grow(0), 8192);
        assert_int_equal(ipc_frame_grow(IPC_MAX_LINE), 2 * IPC_MAX_LINE);
        assert_int_equal(ipc_frame_grow(2 * IPC_MAX_LINE), 0);
        assert_int_equal(steps, 15); /* 8 KiB << 14 = 128 MiB */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_partial_line_waits_for_its_newline),
                cmocka_unit_test(test_several_messages_in_one_read),
                cmocka_unit_test(test_line_that_is_not_json_is_null),
                cmocka_unit_test(test_over_long_line_is_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
