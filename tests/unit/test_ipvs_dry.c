/* The dry-run backend (lb/ipvs_dry.c behind lb/ipvs.h): a change set is
 * applied in order to a table of its own, each change made is recorded
 * as a line, results come back through the callback with the sequence
 * ipvs_add gave, what the kernel would refuse is refused with the
 * kernel's errno, and the dumps read the table back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>

#include "common/log.h"
#include "lb/ipvs.h"

struct result {
        uint32_t seq;
        enum lb_op op;
        int err;
};

static struct result results[16];
static unsigned nresults;

static void on_result(void *ctx, uint32_t seq, const struct lb_change *c, int err)
{
        (void)ctx;
        if (nresults < 16)
                results[nresults] = (struct result){ seq, c->op, err };
        nresults++;
}

static struct lb_service_entry svcs[8];
static unsigned nsvcs;
static struct lb_dest_entry dests[8];
static unsigned ndests;

static void keep_service(void *ctx, const struct lb_service_entry *e)
{
        (void)ctx;
        if (nsvcs < 8)
                svcs[nsvcs++] = *e;
}

static void keep_dest(void *ctx, const struct lb_dest_entry *e)
{
        (void)ctx;
        if (ndests < 8)
                dests[ndests++] = *e;
}

static struct lb_change service(enum lb_op op, const char *sched)
{
        struct lb_change c = { .op = op, .svc = { .key = { .af = AF_INET, .protocol = IPPROTO_TCP, .port = 80 } } };

        assert_true(conf_parse_ip("10.0.0.1", &c.svc.key.addr));
        strcpy(c.svc.sched, sched);
        return c;
}

static struct lb_change dest(enum lb_op op, const char *addr, uint32_t weight)
{
        struct lb_change c = service(op, "wrr");

        assert_true(conf_parse_ip(addr, &c.dest.key.addr));
        c.dest.key.port = 80;
        c.dest.fwd = LB_FWD_ROUTE;
        c.dest.weight = weight;
        return c;
}

static int setup(void **state)
{
        struct ipvs *ipvs;

        assert_int_equal(ipvs_open_dry_run(&ipvs), 0);
        ipvs_on_result(ipvs, on_result, NULL);
        nresults = nsvcs = ndests = 0;
        *state = ipvs;
        return 0;
}

static int teardown(void **state)
{
        ipvs_close(*state);
        return 0;
}

static void add(struct ipvs *ipvs, struct lb_change c, uint32_t *ret_seq)
{
        assert_int_equal(ipvs_add(ipvs, &c, ret_seq), 0);
}

static void test_records_and_reads_back(void **state)
{
        struct ipvs *ipvs = *state;
        struct lb_change svc = service(LB_ADD_SERVICE, "wrr");
        uint32_t seq1 = 0, seq3 = 0;

        svc.svc.timeout = 300;
        add(ipvs, svc, &seq1);
        add(ipvs, dest(LB_ADD_DEST, "10.0.1.2", 1), NULL);
        add(ipvs, dest(LB_ADD_DEST, "10.0.1.3", 2), &seq3);
        assert_int_equal(nresults, 0);  /* nothing is made before the change set goes */
        assert_int_equal(ipvs_send(ipvs), 0);
        assert_int_equal(nresults, 3);
        assert_int_equal(results[0].seq, seq1);
        assert_int_equal(results[0].op, LB_ADD_SERVICE);
        assert_int_equal(results[2].seq, seq3);
        assert_int_equal(results[2].err, 0);
        assert_string_equal(ipvs_dry_run_line(ipvs, 0), "add service TCP 10.0.0.1:80 wrr persistent 300");
        assert_string_equal(ipvs_dry_run_line(ipvs, 1), "add dest TCP 10.0.0.1:80 -> 10.0.1.2:80 route w1");
        assert_string_equal(ipvs_dry_run_line(ipvs, 2), "add dest TCP 10.0.0.1:80 -> 10.0.1.3:80 route w2");
        assert_null(ipvs_dry_run_line(ipvs, 3));
        assert_int_equal(ipvs_dump_services(ipvs, keep_service, NULL, NULL), 0);
        assert_int_equal(nsvcs, 1);
        assert_true(lb_service_key_equal(&svcs[0].svc.key, &svc.svc.key));
        assert_int_equal(svcs[0].svc.flags, 0); /* persistence is the timeout */
        assert_int_equal(svcs[0].svc.timeout, 300);
        assert_int_equal(ipvs_dump_dests(ipvs, &svc.svc.key, keep_dest, NULL, NULL), 0);
        assert_int_equal(ndests, 2);
        assert_int_equal(dests[1].dest.weight, 2);
        assert_int_equal(ipvs_fd(ipvs), -1);
        assert_int_equal(ipvs_in_flight(ipvs), 0);
        assert_true(ipvs_is_dry_run(ipvs));
}

/* The kernel's answers (ip_vs_ctl.c): an existing service -EEXIST, a
 * missing one -ESRCH, a missing destination -ENOENT, an unknown
 * scheduler -ENOENT. Nothing refused is recorded. */
static void test_refuses_what_the_kernel_would(void **state)
{
        struct ipvs *ipvs = *state;
        struct lb_change bad = service(LB_ADD_SERVICE, "wrr");

        add(ipvs, service(LB_ADD_SERVICE, "wrr"), NULL);
        add(ipvs, service(LB_ADD_SERVICE, "rr"), NULL);
        add(ipvs, service(LB_EDIT_SERVICE, "nosuch"), NULL);
        add(ipvs, dest(LB_DEL_DEST, "10.0.1.9", 0), NULL);
        add(ipvs, dest(LB_ADD_DEST, "10.0.1.2", 1), NULL);
        add(ipvs, dest(LB_ADD_DEST, "10.0.1.2", 1), NULL);
        add(ipvs, service(LB_DEL_SERVICE, ""), NULL);
        add(ipvs, service(LB_DEL_SERVICE, ""), NULL);
        add(ipvs, dest(LB_ADD_DEST, "10.0.1.2", 1), NULL);
        bad.svc.key.af = AF_UNIX;
        assert_int_equal(ipvs_add(ipvs, &bad, NULL), -EINVAL); /* refused before it is queued */
        assert_int_equal(ipvs_send(ipvs), 0);
        assert_int_equal(nresults, 9);
        assert_int_equal(results[0].err, 0);
        assert_int_equal(results[1].err, -EEXIST);
        assert_int_equal(results[2].err, -ENOENT);
        assert_int_equal(results[3].err, -ENOENT);
        assert_int_equal(results[4].err, 0);
        assert_int_equal(results[5].err, -EEXIST);
        assert_int_equal(results[6].err, 0);
        assert_int_equal(results[7].err, -ESRCH);
        assert_int_equal(results[8].err, -ESRCH);
        assert_int_equal(ipvs_failed(ipvs), 6);
        assert_string_equal(ipvs_dry_run_line(ipvs, 2), "delete service TCP 10.0.0.1:80");
        assert_null(ipvs_dry_run_line(ipvs, 3));
}

static void test_edit_delete_flush_timeouts(void **state)
{
        struct ipvs *ipvs = *state;
        struct lb_change svc = service(LB_ADD_SERVICE, "wrr");
        struct lb_timeouts t;

        add(ipvs, svc, NULL);
        add(ipvs, dest(LB_ADD_DEST, "10.0.1.2", 1), NULL);
        add(ipvs, dest(LB_ADD_DEST, "10.0.1.3", 1), NULL);
        add(ipvs, dest(LB_EDIT_DEST, "10.0.1.3", 0), NULL);     /* inhibit_on_failure */
        add(ipvs, dest(LB_DEL_DEST, "10.0.1.2", 0), NULL);
        add(ipvs, (struct lb_change){ .op = LB_SET_TIMEOUTS, .timeouts = { .tcp = 7200 } }, NULL);
        assert_int_equal(ipvs_wait(ipvs), 0);
        assert_int_equal(ipvs_dump_dests(ipvs, &svc.svc.key, keep_dest, NULL, NULL), 0);
        assert_int_equal(ndests, 1);
        assert_int_equal(dests[0].dest.weight, 0);
        assert_int_equal(ipvs_get_timeouts(ipvs, &t), 0);
        assert_int_equal(t.tcp, 7200);
        assert_int_equal(t.tcpfin, 120);       /* 0 kept the kernel's */
        assert_int_equal(t.udp, 300);
        add(ipvs, (struct lb_change){ .op = LB_FLUSH }, NULL);
        assert_int_equal(ipvs_send(ipvs), 0);
        assert_int_equal(ipvs_dump_services(ipvs, keep_service, NULL, NULL), 0);
        assert_int_equal(nsvcs, 0);
        assert_string_equal(ipvs_dry_run_line(ipvs, 3), "edit dest TCP 10.0.0.1:80 -> 10.0.1.3:80 route w0");
        assert_string_equal(ipvs_dry_run_line(ipvs, 5), "set timeouts tcp 7200");
        assert_string_equal(ipvs_dry_run_line(ipvs, 6), "flush");
        assert_int_equal(ipvs_failed(ipvs), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_records_and_reads_back, setup, teardown),
                cmocka_unit_test_setup_teardown(test_refuses_what_the_kernel_would, setup, teardown),
                cmocka_unit_test_setup_teardown(test_edit_delete_flush_timeouts, setup, teardown),
        };

        log_open("test_ipvs_dry", true, false);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
