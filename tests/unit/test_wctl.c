/* The worker's command table and envelope (worker/ctl.h), on a fake
 * supervisor channel (fake_ipc.c): each request gets one reply carrying its
 * id, followed by a heartbeat; an unknown command is an error; a message
 * that names no command gets nothing; a closed channel is reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_ipc.h"
#include "worker/ctl.h"

struct worker {
        int pings, gone;
        char last_arg[32];
};

static json_t *cmd_ping(void *ctx, json_t *msg)
{
        struct worker *w = ctx;

        w->pings++;
        snprintf(w->last_arg, sizeof(w->last_arg), "%s", json_string_value(json_object_get(msg, "name")));
        return json_pack("{s:b,s:i}", "ok", 1, "pings", w->pings);
}

static json_t *cmd_refuse(void *ctx, json_t *msg)
{
        (void)ctx, (void)msg;
        return json_pack("{s:b,s:s}", "ok", 0, "error", "no");
}

static json_t *summary(void *ctx)
{
        struct worker *w = ctx;

        return json_pack("{s:i}", "pings", w->pings);
}

static void gone(void *ctx)
{
        ((struct worker *)ctx)->gone++;
}

static const struct wctl_cmd cmds[] = {
        { "ping", cmd_ping, false },
        { "refuse", cmd_refuse, true },
        { NULL, NULL, false },
};
static const struct wctl_ops ops = { cmds, summary, gone };

static json_t *sent(size_t i)
{
        return json_array_get(fake_ipc_sent, i);
}

static void deliver(const char *text)
{
        json_t *msg = json_loads(text, 0, NULL);

        assert_non_null(msg);
        fake_ipc_deliver(msg);
        json_decref(msg);
}

struct fixture {
        uv_loop_t loop;
        struct wctl ctl;
        struct worker w;
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));

        uv_loop_init(&f->loop);
        assert_int_equal(wctl_attach(&f->ctl, &f->loop, -1, &ops, &f->w), 0);
        fake_ipc_reset();
        *state = f;
        return 0;
}

static void close_cb(uv_handle_t *h, void *arg)
{
        (void)arg;
        if (!uv_is_closing(h))
                uv_close(h, NULL);
}

static int teardown(void **state)
{
        struct fixture *f = *state;

        if (wctl_attached(&f->ctl))
                fake_ipc_deliver(NULL);
        uv_walk(&f->loop, close_cb, NULL);
        uv_run(&f->loop, UV_RUN_DEFAULT);
        uv_loop_close(&f->loop);
        free(f);
        json_decref(fake_ipc_sent);
        fake_ipc_sent = NULL;
        return 0;
}

static void test_a_command_gets_its_reply_then_a_heartbeat(void **state)
{
        struct fixture *f = *state;

        deliver("{\"cmd\": \"ping\", \"id\": 7, \"name\": \"VI_1\"}");
        assert_int_equal(f->w.pings, 1);
        assert_string_equal(f->w.last_arg, "VI_1");
        assert_int_equal(json_array_size(fake_ipc_sent), 2);
        assert_int_equal(json_integer_value(json_object_get(sent(0), "reply")), 7);
        assert_true(json_is_true(json_object_get(sent(0), "ok")));
        assert_int_equal(json_integer_value(json_object_get(sent(0), "pings")), 1);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(sent(1), "summary"), "pings")), 1);
}

static void test_the_handler_says_ok_or_not(void **state)
{
        (void)state;
        deliver("{\"cmd\": \"refuse\", \"id\": \"x\"}");
        assert_string_equal(json_string_value(json_object_get(sent(0), "reply")), "x");
        assert_true(json_is_false(json_object_get(sent(0), "ok")));
        assert_string_equal(json_string_value(json_object_get(sent(0), "error")), "no");
}

static void test_an_unknown_command_is_an_error_with_its_id(void **state)
{
        struct fixture *f = *state;

        deliver("{\"cmd\": \"drain\", \"id\": 3}");
        assert_int_equal(f->w.pings, 0);
        assert_int_equal(json_integer_value(json_object_get(sent(0), "reply")), 3);
        assert_true(json_is_false(json_object_get(sent(0), "ok")));
        assert_string_equal(json_string_value(json_object_get(sent(0), "error")), "unknown command");
}

static void test_no_id_replies_with_null(void **state)
{
        (void)state;
        deliver("{\"cmd\": \"ping\"}");
        assert_true(json_is_null(json_object_get(sent(0), "reply")));
}

static void test_a_message_without_a_command_is_not_answered(void **state)
{
        struct fixture *f = *state;

        json_t *msg = json_pack("{s:i}", "id", 1);

        deliver("{\"id\": 1}");
        assert_int_equal(json_array_size(fake_ipc_sent), 0);
        assert_null(wctl_dispatch(cmds, &f->w, msg));
        assert_int_equal(f->w.pings, 0);
        json_decref(msg);
}

static void test_a_closed_channel_is_reported_and_sends_stop(void **state)
{
        struct fixture *f = *state;

        fake_ipc_deliver(NULL);
        assert_int_equal(f->w.gone, 1);
        assert_false(wctl_attached(&f->ctl));
        wctl_send(&f->ctl, json_pack("{s:s}", "event", "late"));
        wctl_heartbeat(&f->ctl);
        assert_int_equal(json_array_size(fake_ipc_sent), 0);
}

static void test_heartbeat_soon_sends_one_for_a_burst(void **state)
{
        struct fixture *f = *state;

        uv_timer_stop(&f->ctl.period); /* only the "soon" one */
        for (int i = 0; i < 5; i++)
                wctl_heartbeat_soon(&f->ctl);
        uv_run(&f->loop, UV_RUN_NOWAIT);
        assert_int_equal(json_array_size(fake_ipc_sent), 1);
        assert_non_null(json_object_get(sent(0), "summary"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_a_command_gets_its_reply_then_a_heartbeat, setup, teardown),
                cmocka_unit_test_setup_teardown(test_the_handler_says_ok_or_not, setup, teardown),
                cmocka_unit_test_setup_teardown(test_an_unknown_command_is_an_error_with_its_id, setup, teardown),
                cmocka_unit_test_setup_teardown(test_no_id_replies_with_null, setup, teardown),
                cmocka_unit_test_setup_teardown(test_a_message_without_a_command_is_not_answered, setup, teardown),
                cmocka_unit_test_setup_teardown(test_a_closed_channel_is_reported_and_sends_stop, setup, teardown),
                cmocka_unit_test_setup_teardown(test_heartbeat_soon_sends_one_for_a_burst, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
