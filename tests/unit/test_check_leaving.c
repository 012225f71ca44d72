/* drain_on_remove's pure part (check/leaving.h): when a leaving real
 * server is deleted (no connection left, its time up, gone from the
 * kernel), and how it stays in the desired table meanwhile (weight 0, in
 * the services that remain, never twice). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "check/leaving.h"

static struct conf_ip ip(const char *s)
{
        struct conf_ip a = { 0 };

        assert_true(conf_parse_ip(s, &a));
        return a;
}

static struct check_svc tcp_svc(const char *addr, uint16_t port)
{
        struct check_svc s = { .protocol = IPPROTO_TCP, .addr = ip(addr), .port = port, .sched = "rr" };

        s.af = s.addr.family;
        return s;
}

static struct check_dest dest(const char *addr, uint16_t port, int64_t weight)
{
        return (struct check_dest){ .addr = ip(addr), .port = port, .fwd = CHECK_FWD_NAT, .weight = weight };
}

static struct check_leaving leaving(struct check_svc *svcs, size_t n, const char *addr, uint16_t port)
{
        struct check_leaving l = { .svcs = svcs, .nsvcs = n, .dest = dest(addr, port, 7), .deadline = 1000 };

        snprintf(l.vs, sizeof(l.vs), "[%s]:tcp:%u", "192.168.200.10", 80);
        snprintf(l.rs, sizeof(l.rs), "[%s]:tcp:%u", addr, port);
        return l;
}

static void test_decide_waits_while_connections_remain(void **state)
{
        struct check_leave_conns c = { .known = true, .present = true, .active = 1, .inactive = 0 };

        (void)state;
        assert_int_equal(check_leave_decide(10, 1000, &c), CHECK_LEAVE_STAY);
        c.active = 0, c.inactive = 2; /* TIME_WAIT, CLOSE, UDP: still the kernel's */
        assert_int_equal(check_leave_decide(10, 1000, &c), CHECK_LEAVE_STAY);
        assert_int_equal(check_leave_decide(1000, 1000, &c), CHECK_LEAVE_TIMEOUT);
}

static void test_decide_deletes_when_drained(void **state)
{
        struct check_leave_conns c = { .known = true, .present = true };

        (void)state;
        assert_int_equal(check_leave_decide(10, 1000, &c), CHECK_LEAVE_DRAINED);
        /* drained wins over the time: the reason said is the true one */
        assert_int_equal(check_leave_decide(5000, 1000, &c), CHECK_LEAVE_DRAINED);
}

static void test_decide_without_counters_waits_for_the_time(void **state)
{
        struct check_leave_conns c = { 0 }; /* the dry run: no counters */

        (void)state;
        assert_int_equal(check_leave_decide(10, 1000, &c), CHECK_LEAVE_STAY);
        assert_int_equal(check_leave_decide(999, 1000, &c), CHECK_LEAVE_STAY);
        assert_int_equal(check_leave_decide(1000, 1000, &c), CHECK_LEAVE_TIMEOUT);
}

static void test_decide_vanished(void **state)
{
        struct check_leave_conns c = { .known = true, .present = false };

        (void)state;
        assert_int_equal(check_leave_decide(10, 1000, &c), CHECK_LEAVE_VANISHED);
}

static void test_conns_sum_over_services(void **state)
{
        struct check_svc svcs[2] = { tcp_svc("192.168.200.10", 80), tcp_svc("192.168.200.11", 80) };
        struct check_leaving l = leaving(svcs, 2, "10.0.0.2", 0); /* NAT, no port: the service's */
        struct check_dest_counters v[2] = {
                { .svc = svcs[0], .dest = dest("10.0.0.2", 80, 0), .active_conns = 2, .inact_conns = 1 },
                { .svc = svcs[1], .dest = dest("10.0.0.2", 80, 0), .active_conns = 3, .inact_conns = 4 },
        };
        struct check_counters kc = { v, 2 };
        struct check_leave_conns c;

        (void)state;
        check_counters_sort(&kc);
        c = check_leaving_conns(&l, &kc);
        assert_true(c.known && c.present);
        assert_int_equal(c.active, 5);
        assert_int_equal(c.inactive, 5);
        c = check_leaving_conns(&l, NULL);
        assert_false(c.known);
        kc.n = 0;
        c = check_leaving_conns(&l, &kc);
        assert_true(c.known);
        assert_false(c.present);
}

/* A table of one service with the given destinations (heap, as built). */
static struct check_table table_of(const struct check_svc *svc, const struct check_dest *d, size_t n)
{
        struct check_table t = { calloc(1, sizeof(struct check_table_svc)), 1 };

        t.svcs[0].svc = *svc;
        t.svcs[0].dests = calloc(n + 1, sizeof(*d));
        memcpy(t.svcs[0].dests, d, n * sizeof(*d));
        t.svcs[0].ndests = n;
        return t;
}

static void test_extend_keeps_leaving_at_weight_zero(void **state)
{
        struct check_svc svc = tcp_svc("192.168.200.10", 80), gone = tcp_svc("192.168.200.99", 80);
        struct check_svc both[2] = { svc, gone };
        struct check_dest stay = dest("10.0.0.1", 80, 5);
        struct check_table want = table_of(&svc, &stay, 1);
        struct check_leaving_set s = { 0 };
        struct check_leaving l = leaving(both, 2, "10.0.0.2", 80);

        (void)state;
        assert_int_equal(check_leaving_add(&s, &l), 0);
        both[0] = gone; /* the set has its own copy of the services */
        assert_int_equal(check_leaving_extend(&s, &want), 0);
        assert_int_equal(want.n, 1); /* a service the table lost is not brought back */
        assert_int_equal(want.svcs[0].ndests, 2);
        assert_int_equal(check_dest_key_cmp(&want.svcs[0].dests[1], &l.dest), 0);
        assert_int_equal(want.svcs[0].dests[1].weight, 0);
        assert_int_equal(want.svcs[0].dests[0].weight, 5);
        check_table_free(&want);
        check_leaving_free(&s);
}

static void test_extend_never_doubles_a_wanted_destination(void **state)
{
        struct check_svc svc = tcp_svc("192.168.200.10", 80);
        struct check_dest back = dest("10.0.0.2", 80, 3); /* the same destination, wanted again */
        struct check_table want = table_of(&svc, &back, 1);
        struct check_leaving_set s = { 0 };
        struct check_leaving l = leaving(&svc, 1, "10.0.0.2", 80);

        (void)state;
        assert_int_equal(check_leaving_add(&s, &l), 0);
        assert_int_equal(check_leaving_extend(&s, &want), 0);
        assert_int_equal(want.svcs[0].ndests, 1);
        assert_int_equal(want.svcs[0].dests[0].weight, 3);
        check_table_free(&want);
        check_leaving_free(&s);
}

/* The whole cycle against the diff: the reload sets weight 0, the later
 * delete is one DEL_DEST once the entry is dropped. */
static void test_diff_sets_weight_zero_then_deletes(void **state)
{
        struct check_svc svc = tcp_svc("192.168.200.10", 80);
        struct check_dest before[2] = { dest("10.0.0.1", 80, 5), dest("10.0.0.2", 80, 7) };
        struct check_table cur = table_of(&svc, before, 2), want = table_of(&svc, before, 1), again;
        struct check_leaving_set s = { 0 };
        struct check_leaving l = leaving(&svc, 1, "10.0.0.2", 80);
        struct check_changes ch;

        (void)state;
        assert_int_equal(check_leaving_add(&s, &l), 0);
        assert_int_equal(check_leaving_extend(&s, &want), 0);
        assert_int_equal(check_table_diff(&cur, &want, &cur, &ch), 0);
        assert_int_equal(ch.n, 1);
        assert_int_equal(ch.ops[0].kind, CHECK_OP_SET_DEST);
        assert_int_equal(ch.ops[0].dest.weight, 0);
        check_changes_free(&ch);
        assert_int_equal(check_leaving_find(&s, l.vs, l.rs), 0);
        check_leaving_drop(&s, 0);
        assert_int_equal(check_leaving_find(&s, l.vs, l.rs), -1);
        again = table_of(&svc, before, 1);
        assert_int_equal(check_leaving_extend(&s, &again), 0);
        assert_int_equal(check_table_diff(&want, &again, &want, &ch), 0);
        assert_int_equal(ch.n, 1);
        assert_int_equal(ch.ops[0].kind, CHECK_OP_DEL_DEST);
        check_changes_free(&ch);
        check_table_free(&cur);
        check_table_free(&want);
        check_table_free(&again);
        check_leaving_free(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_decide_waits_while_connections_remain),
                cmocka_unit_test(test_decide_deletes_when_drained),
                cmocka_unit_test(test_decide_without_counters_waits_for_the_time),
                cmocka_unit_test(test_decide_vanished),
                cmocka_unit_test(test_conns_sum_over_services),
                cmocka_unit_test(test_extend_keeps_leaving_at_weight_zero),
                cmocka_unit_test(test_extend_never_doubles_a_wanted_destination),
                cmocka_unit_test(test_diff_sets_weight_zero_then_deletes),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
