/* Notifications (worker/notify.c) on a fake script runner
 * (tests/fakes/script.c): per object, a notify script starts only after the
 * previous one ended, so MASTER then BACKUP arrive in that order; objects
 * do not wait for each other; a failure and a timeout are counted; clearing
 * drops what has not started. The FIFO gets keepalived's line, byte for
 * byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake_script.h"
#include "worker/notify.h"

static char notify_sh[] = "/bin/notify.sh", other_sh[] = "/bin/other.sh";
static char *argv_notify[] = { notify_sh, NULL };
static char *argv_other[] = { other_sh, NULL };

static void push(struct notify_queue *q, char **argv, const char *name, const char *state)
{
        struct script_cmd sc = { .argv = argv, .what = "VRRP_Instance" };
        static struct script_cmd kept[16];
        static unsigned n;
        const char *extra[] = { "INSTANCE", name, state, "100", NULL };

        kept[n % 16] = sc; /* the queue keeps the pointer: it must outlive the run */
        notify_queue_push(q, &kept[n++ % 16], extra);
}

static void test_in_order_per_object(void **state)
{
        struct notify_queue q;

        (void)state;
        fake_script_reset();
        notify_queue_init(&q, NULL);
        push(&q, argv_notify, "VI_1", "MASTER");
        push(&q, argv_notify, "VI_1", "BACKUP");
        push(&q, argv_notify, "VI_1", "FAULT");
        assert_int_equal(fake_nruns, 1); /* the second waits for the first */
        assert_string_equal(fake_runs[0].cmdline, "/bin/notify.sh INSTANCE VI_1 MASTER 100");
        fake_script_finish(0, false);
        assert_int_equal(fake_nruns, 2);
        assert_string_equal(fake_runs[1].cmdline, "/bin/notify.sh INSTANCE VI_1 BACKUP 100");
        fake_script_finish(1, false);
        assert_int_equal(fake_nruns, 3);
        assert_string_equal(fake_runs[2].cmdline, "/bin/notify.sh INSTANCE VI_1 FAULT 100");
        fake_script_finish(0, true);
        assert_int_equal(q.runs, 3);
        assert_int_equal(q.failures, 1);
        assert_int_equal(q.timeouts, 1);
        assert_false(q.running);
}

static void test_objects_do_not_wait_for_each_other(void **state)
{
        struct notify_queue a, b;

        (void)state;
        fake_script_reset();
        notify_queue_init(&a, NULL);
        notify_queue_init(&b, NULL);
        push(&a, argv_notify, "VI_1", "MASTER");
        push(&b, argv_other, "VI_2", "BACKUP");
        assert_int_equal(fake_nruns, 2);
        assert_string_equal(fake_runs[1].cmdline, "/bin/other.sh INSTANCE VI_2 BACKUP 100");
        fake_script_finish(0, false);
        fake_script_finish(0, false);
}

static void test_clear_drops_what_has_not_started(void **state)
{
        struct notify_queue q;

        (void)state;
        fake_script_reset();
        notify_queue_init(&q, NULL);
        push(&q, argv_notify, "VI_1", "MASTER");
        push(&q, argv_notify, "VI_1", "BACKUP");
        notify_queue_clear(&q);
        fake_script_finish(0, false); /* the running one ends normally */
        assert_int_equal(fake_nruns, 1);
        assert_int_equal(q.runs, 1);
        assert_null(q.head);
}

static void test_fifo_line_bytes(void **state)
{
        struct notify_fifo f;
        char path[64], line[128], got[128];
        struct notify_object vi = { NOTIFY_INSTANCE, "VI_1" }, rs = { NOTIFY_RS, "[10.0.0.2]:tcp:80 [10.0.0.1]:tcp:80" };
        size_t n, m;

        (void)state;
        snprintf(path, sizeof(path), "/tmp/vigil-test-notify-%d", (int)getpid());
        unlink(path);
        assert_int_equal(notify_fifo_open(&f, path), 0);
        n = notify_fifo_line(line, sizeof(line), &vi, "MASTER", 100);
        notify_fifo_write(&f, line, n);
        assert_int_equal(read(f.fd, got, sizeof(got)), (ssize_t)n);
        assert_memory_equal(got, "INSTANCE \"VI_1\" MASTER 100\n", n);
        m = notify_fifo_line(line, sizeof(line), &rs, "DOWN", 0);
        notify_fifo_write(&f, line, m);
        assert_int_equal(read(f.fd, got, sizeof(got)), (ssize_t)m);
        assert_int_equal(m, sizeof("RS [10.0.0.2]:tcp:80 [10.0.0.1]:tcp:80 DOWN\n")); /* with its NUL */
        assert_memory_equal(got, "RS [10.0.0.2]:tcp:80 [10.0.0.1]:tcp:80 DOWN\n", m);
        notify_fifo_close(&f);
        assert_int_equal(access(path, F_OK), -1); /* we made it, we removed it */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_in_order_per_object),
                cmocka_unit_test(test_objects_do_not_wait_for_each_other),
                cmocka_unit_test(test_clear_drops_what_has_not_started),
                cmocka_unit_test(test_fifo_line_bytes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
