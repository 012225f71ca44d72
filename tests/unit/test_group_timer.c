/* The probe groups' timers (check/group_timer.c): one libuv timer over a
 * heap keeps libuv's own semantics for each group. Only 0 ms deadlines
 * and far ones, run with UV_RUN_NOWAIT (and one UV_RUN_ONCE for the
 * tick's next turn): no sleep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "check/engine_internal.h"

static struct check_engine eng;
static struct ck_group grp[4];
static struct ck_checker lead[4];
static struct ck_rs rs[4];
static int fired[16], nfired;
static int rearm = -1;          /* this group arms itself again with 0 ms when it fires */

void ck_group_due(struct ck_group *g)
{
        int i = (int)(g - grp);

        fired[nfired++] = i;
        if (i == rearm)
                ck_group_timer_start(g, 0);
}

static int setup(void **state)
{
        (void)state;
        memset(&eng, 0, sizeof(eng));
        assert_int_equal(uv_loop_init(&eng.loop), 0);
        ck_timers_init(&eng.timers, &eng.loop);
        for (int i = 0; i < 4; i++) {
                memset(&grp[i], 0, sizeof(grp[i]));
                grp[i].e = &eng;
                grp[i].lead = &lead[i];
                lead[i].rs = &rs[i];
                rs[i].name = "[10.0.0.2]:tcp:80";
                ck_group_timer_init(&grp[i]);
        }
        nfired = 0;
        rearm = -1;
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        uv_close((uv_handle_t *)&eng.timers.tick, NULL);
        uv_run(&eng.loop, UV_RUN_DEFAULT);
        assert_int_equal(uv_loop_close(&eng.loop), 0);
        ck_timers_free(&eng.timers);
        return 0;
}

/* Equal deadlines fire in the order they were armed, as libuv's timers. */
static void test_same_deadline_in_arming_order(void **state)
{
        (void)state;
        ck_group_timer_start(&grp[2], 0);
        ck_group_timer_start(&grp[0], 0);
        ck_group_timer_start(&grp[3], 0);
        uv_run(&eng.loop, UV_RUN_NOWAIT);
        assert_int_equal(nfired, 3);
        assert_int_equal(fired[0], 2);
        assert_int_equal(fired[1], 0);
        assert_int_equal(fired[2], 3);
}

/* Starting again replaces the deadline; a stopped group never fires. */
static void test_restart_replaces_and_stop_cancels(void **state)
{
        (void)state;
        ck_group_timer_start(&grp[0], 0);
        ck_group_timer_start(&grp[0], 3600 * 1000);
        ck_group_timer_start(&grp[1], 0);
        ck_group_timer_stop(&grp[1]);
        ck_group_timer_start(&grp[2], 0);
        uv_run(&eng.loop, UV_RUN_NOWAIT);
        assert_int_equal(nfired, 1);
        assert_int_equal(fired[0], 2);
        assert_true(heap_contains(&grp[0].timer));
        ck_group_timer_stop(&grp[0]);
        assert_false(heap_contains(&grp[0].timer));
}

/* A group armed again from its own callback waits for the next turn:
 * stopped by an earlier callback of the same turn does not fire. */
static void test_rearmed_in_callback_fires_next_turn(void **state)
{
        (void)state;
        rearm = 1;
        ck_group_timer_start(&grp[1], 0);
        uv_run(&eng.loop, UV_RUN_NOWAIT);
        assert_int_equal(nfired, 1);
        rearm = -1;
        uv_run(&eng.loop, UV_RUN_ONCE); /* the tick, 1 ms on */
        assert_int_equal(nfired, 2);
        assert_int_equal(fired[1], 1);
}


int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_same_deadline_in_arming_order, setup, teardown),
                cmocka_unit_test_setup_teardown(test_restart_replaces_and_stop_cancels, setup, teardown),
                cmocka_unit_test_setup_teardown(test_rearmed_in_callback_fires_next_turn, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
