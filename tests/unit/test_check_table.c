/* The desired IPVS table (keepalived-reference.md §6.2, §6.5) and the diff
 * from the kernel's dump: adoption without a flush, services vigil does
 * not own left alone, released ones deleted, the change order. */
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

#include "check/table.h"

static struct conf_ip ip(const char *s)
{
        struct conf_ip a = { 0 };

        assert_true(conf_parse_ip(s, &a));
        return a;
}

static struct check_svc tcp_svc(const char *addr, uint16_t port, const char *sched)
{
        struct check_svc s = { .protocol = IPPROTO_TCP, .addr = ip(addr), .port = port };

        s.af = s.addr.family;
        snprintf(s.sched, sizeof(s.sched), "%s", sched);
        return s;
}

static struct check_dest dest(const char *addr, uint16_t port, enum check_fwd fwd, int64_t weight)
{
        return (struct check_dest){ .addr = ip(addr), .port = port, .fwd = fwd, .weight = weight };
}

/* The change set as text, one op per line: "add destination 10.0.0.2:80 w5". */
static void render(const struct check_changes *c, char *buf, size_t size)
{
        size_t off = 0;

        buf[0] = 0;
        for (size_t i = 0; i < c->n && off < size; i++) {
                const struct check_op *op = &c->ops[i];
                char a[64], b[64];
                conf_ip_str(&op->svc.addr, a, sizeof(a));
                if (op->svc.fwmark)
                        snprintf(a, sizeof(a), "fwm%u", op->svc.fwmark);
                if (op->kind >= CHECK_OP_ADD_DEST)
                        off += (size_t)snprintf(buf + off, size - off, "%s %s:%u %s:%u w%lld\n", check_op_name(op->kind), a,
                                                op->svc.port, conf_ip_str(&op->dest.addr, b, sizeof(b)), op->dest.port,
                                                (long long)op->dest.weight);
                else
                        off += (size_t)snprintf(buf + off, size - off, "%s %s:%u %s\n", check_op_name(op->kind), a,
                                                op->svc.port, op->svc.sched);
        }
}

/* A one-service table by hand, as a kernel dump would give it. */
struct one {
        struct check_table t;
        struct check_table_svc ts;
        struct check_dest d[4];
};

static void one(struct one *o, const struct check_svc *svc, const struct check_dest *d, size_t n)
{
        o->ts.svc = *svc;
        memcpy(o->d, d, n * sizeof(*d));
        o->ts.dests = o->d;
        o->ts.ndests = n;
        o->t.svcs = &o->ts;
        o->t.n = 1;
}

static void test_build_places_real_servers(void **state)
{
        struct check_svc svc = tcp_svc("192.168.200.10", 80, "wrr");
        struct check_dest rs[3] = { dest("10.0.0.1", 8080, CHECK_FWD_NAT, 9), dest("10.0.0.2", 0, CHECK_FWD_NAT, 9),
                                    dest("10.0.0.3", 8080, CHECK_FWD_NAT, 9) };
        struct check_rs_output out[3] = { { .in_table = true, .weight = 3 }, { .in_table = true, .weight = 0 },
                                          { .in_table = false } };
        struct check_vs_result pool = { .quorum_up = true };
        struct check_vs_model vs = { .svcs = &svc, .nsvcs = 1, .rs = rs, .rs_out = out, .nrs = 3, .pool = &pool };
        struct check_table t;

        (void)state;
        assert_int_equal(check_table_build(&vs, 1, &t), 0);
        assert_int_equal(t.n, 1);
        assert_string_equal(t.svcs[0].svc.sched, "wrr");
        assert_int_equal(t.svcs[0].ndests, 2);
        assert_int_equal(t.svcs[0].dests[0].weight, 3);
        assert_int_equal(t.svcs[0].dests[0].port, 8080);
        /* NAT without a port takes the service's; the weight comes from the pool */
        assert_int_equal(t.svcs[0].dests[1].port, 80);
        assert_int_equal(t.svcs[0].dests[1].weight, 0);
        check_table_free(&t);
        assert_null(t.svcs);
}

static void test_build_ports_follow_ipvs(void **state)
{
        struct check_svc svcs[2] = { tcp_svc("192.168.200.10", 80, "rr"), tcp_svc("192.168.200.11", 443, "rr") };
        struct check_svc fwm = { .af = AF_INET, .fwmark = 7, .sched = "rr" };
        struct check_dest rs[2] = { dest("10.0.0.1", 8080, CHECK_FWD_DR, 1), dest("10.0.0.2", 0, CHECK_FWD_TUN, 1) };
        struct check_rs_output out[2] = { { .in_table = true, .weight = 1 }, { .in_table = true, .weight = 1 } };
        struct check_vs_result pool = { .quorum_up = true };
        struct check_vs_model vs[2] = {
                { .svcs = svcs, .nsvcs = 2, .rs = rs, .rs_out = out, .nrs = 2, .pool = &pool },
                { .svcs = &fwm, .nsvcs = 1, .rs = rs, .rs_out = out, .nrs = 2, .pool = &pool },
        };
        struct check_table t;

        (void)state;
        assert_int_equal(check_table_build(vs, 2, &t), 0);
        assert_int_equal(t.n, 3);
        /* a group's entries each get the destinations, DR/TUN on the entry's port */
        assert_int_equal(t.svcs[0].dests[0].port, 80);
        assert_int_equal(t.svcs[0].dests[1].port, 80);
        assert_int_equal(t.svcs[1].dests[0].port, 443);
        /* a fwmark service's destinations have no port */
        assert_int_equal(t.svcs[2].dests[0].port, 0);
        assert_int_equal(t.svcs[2].dests[1].port, 0);
        check_table_free(&t);
}

static void test_build_sorry_server(void **state)
{
        struct check_svc svc = tcp_svc("192.168.200.10", 80, "wlc");
        struct check_dest rs[2] = { dest("10.0.0.1", 80, CHECK_FWD_NAT, 1), dest("10.0.0.2", 80, CHECK_FWD_NAT, 1) };
        struct check_rs_output out[2] = { { .in_table = true, .weight = 0 }, { .in_table = false } };
        struct check_vs_result pool = { .sorry_active = true, .sorry_in_table = true, .sorry_weight = 1 };
        struct check_vs_model vs = { .svcs = &svc, .nsvcs = 1, .rs = rs, .rs_out = out, .nrs = 2,
                                     .has_sorry_server = true, .sorry = dest("10.0.9.9", 0, CHECK_FWD_NAT, 77),
                                     .pool = &pool };
        struct check_table t;

        (void)state;
        assert_int_equal(check_table_build(&vs, 1, &t), 0);
        assert_int_equal(t.svcs[0].ndests, 2);
        assert_int_equal(t.svcs[0].dests[1].weight, 1);
        assert_int_equal(t.svcs[0].dests[1].port, 80);
        check_table_free(&t);
        /* not in use and not inhibited: absent */
        pool = (struct check_vs_result){ .quorum_up = true };
        assert_int_equal(check_table_build(&vs, 1, &t), 0);
        assert_int_equal(t.svcs[0].ndests, 1);
        check_table_free(&t);
}

static void test_build_sorry_server_that_is_a_real_server(void **state)
{
        struct check_svc svc = tcp_svc("192.168.200.10", 80, "wlc");
        struct check_dest rs[1] = { dest("10.0.0.1", 80, CHECK_FWD_NAT, 1) };
        struct check_rs_output out[1] = { { .in_table = true, .weight = 0 } };
        struct check_vs_result pool = { .sorry_active = true, .sorry_in_table = true, .sorry_weight = 1 };
        struct check_vs_model vs = { .svcs = &svc, .nsvcs = 1, .rs = rs, .rs_out = out, .nrs = 1,
                                     .has_sorry_server = true, .sorry = dest("10.0.0.1", 80, CHECK_FWD_NAT, 0),
                                     .pool = &pool };
        struct check_table t;

        (void)state;
        assert_int_equal(check_table_build(&vs, 1, &t), 0);
        assert_int_equal(t.svcs[0].ndests, 1);
        assert_int_equal(t.svcs[0].dests[0].weight, 1);
        check_table_free(&t);
        /* in service at 5 with a weight-0 inhibited sorry entry: the real server's weight wins */
        out[0].weight = 5;
        pool = (struct check_vs_result){ .quorum_up = true, .sorry_in_table = true, .sorry_weight = 0 };
        assert_int_equal(check_table_build(&vs, 1, &t), 0);
        assert_int_equal(t.svcs[0].ndests, 1);
        assert_int_equal(t.svcs[0].dests[0].weight, 5);
        check_table_free(&t);
}

static void test_diff_from_empty_adds_everything(void **state)
{
        struct check_svc svc = tcp_svc("192.168.200.10", 80, "rr");
        struct check_dest d[2] = { dest("10.0.0.1", 80, CHECK_FWD_DR, 1), dest("10.0.0.2", 80, CHECK_FWD_DR, 2) };
        struct one want;
        struct check_table empty = { 0 };
        struct check_changes c;
        char buf[1024];

        (void)state;
        one(&want, &svc, d, 2);
        assert_int_equal(check_table_diff(&empty, &want.t, NULL, &c), 0);
        render(&c, buf, sizeof(buf));
        assert_string_equal(buf, "add service 192.168.200.10:80 rr\n"
                                 "add destination 192.168.200.10:80 10.0.0.1:80 w1\n"
                                 "add destination 192.168.200.10:80 10.0.0.2:80 w2\n");
        check_changes_free(&c);
}

static void test_diff_equal_tables_change_nothing(void **state)
{
        struct check_svc svc = tcp_svc("192.168.200.10", 80, "rr"), dumped;
        struct check_dest d[1] = { dest("10.0.0.1", 80, CHECK_FWD_NAT, 1) };
        struct one want, have;
        struct check_changes c;

        (void)state;
        /* the kernel reports HASHED, and any timeout/netmask of a non-persistent service */
        dumped = svc;
        dumped.flags |= CHECK_SVC_F_HASHED;
        dumped.timeout = 300;
        dumped.netmask = 0xffffffff;
        one(&want, &svc, d, 1);
        one(&have, &dumped, d, 1);
        assert_int_equal(check_table_diff(&have.t, &want.t, &want.t, &c), 0);
        assert_int_equal(c.n, 0);
        check_changes_free(&c);
}

static void test_adopt_corrects_destinations_without_flush(void **state)
{
        struct check_svc svc = tcp_svc("192.168.200.10", 80, "wlc");
        struct check_dest kernel[3] = { dest("10.0.0.1", 80, CHECK_FWD_NAT, 1), dest("10.0.0.8", 80, CHECK_FWD_NAT, 1),
                                        dest("10.0.0.3", 80, CHECK_FWD_NAT, 3) };
        struct check_dest wanted[3] = { dest("10.0.0.3", 80, CHECK_FWD_NAT, 3), dest("10.0.0.1", 80, CHECK_FWD_NAT, 5),
                                        dest("10.0.0.2", 80, CHECK_FWD_NAT, 5) };
        struct one want, have;
        struct check_changes c;
        char buf[1024];

        (void)state;
        one(&have, &svc, kernel, 3);
        one(&want, &svc, wanted, 3);
        assert_int_equal(check_table_diff(&have.t, &want.t, &want.t, &c), 0);
        render(&c, buf, sizeof(buf));
        /* new capacity first, then corrections, then removals; the service itself untouched */
        assert_string_equal(buf, "add destination 192.168.200.10:80 10.0.0.2:80 w5\n"
                                 "set destination 192.168.200.10:80 10.0.0.1:80 w5\n"
                                 "delete destination 192.168.200.10:80 10.0.0.8:80 w1\n");
        check_changes_free(&c);
}

static void test_adopt_sets_service_attributes_in_place(void **state)
{
        struct check_svc want_svc = tcp_svc("192.168.200.10", 80, "wrr"), have_svc = tcp_svc("192.168.200.10", 80, "rr");
        struct check_dest d[1] = { dest("10.0.0.1", 80, CHECK_FWD_NAT, 1) };
        struct one want, have;
        struct check_changes c;
        char buf[512];

        (void)state;
        one(&have, &have_svc, d, 1);
        one(&want, &want_svc, d, 1);
        assert_int_equal(check_table_diff(&have.t, &want.t, NULL, &c), 0);
        render(&c, buf, sizeof(buf));
        assert_string_equal(buf, "set service 192.168.200.10:80 wrr\n");
        check_changes_free(&c);
        /* persistence: timeout and granularity count once persistent */
        snprintf(want_svc.sched, sizeof(want_svc.sched), "rr");
        want_svc.flags = CHECK_SVC_F_PERSISTENT;
        want_svc.timeout = 360;
        want_svc.netmask = 0xffffffff;
        have_svc = want_svc;
        have_svc.netmask = 0xffffff00;
        one(&have, &have_svc, d, 1);
        one(&want, &want_svc, d, 1);
        assert_int_equal(check_table_diff(&have.t, &want.t, NULL, &c), 0);
        assert_int_equal(c.n, 1);
        assert_int_equal(c.ops[0].kind, CHECK_OP_SET_SVC);
        assert_int_equal(c.ops[0].svc.netmask, 0xffffffff);
        check_changes_free(&c);
}

/* persistence_engine: an engine added, changed or removed by a reload is a
 * SET of the service in place, never a re-creation. */
static void test_changed_persistence_engine_is_a_set(void **state)
{
        struct check_svc want_svc = tcp_svc("192.168.200.10", 5060, "rr"), have_svc = want_svc;
        struct check_dest d[1] = { dest("10.0.0.1", 5060, CHECK_FWD_NAT, 1) };
        const char *pairs[][2] = { { "sip", "" }, { "", "sip" }, { "sip", "foo" } };
        struct one want, have;
        struct check_changes c;

        (void)state;
        for (size_t i = 0; i < 3; i++) {
                snprintf(want_svc.pe_name, sizeof(want_svc.pe_name), "%s", pairs[i][0]);
                snprintf(have_svc.pe_name, sizeof(have_svc.pe_name), "%s", pairs[i][1]);
                assert_false(check_svc_same_attrs(&want_svc, &have_svc));
                one(&have, &have_svc, d, 1);
                one(&want, &want_svc, d, 1);
                assert_int_equal(check_table_diff(&have.t, &want.t, NULL, &c), 0);
                assert_int_equal(c.n, 1);
                assert_int_equal(c.ops[0].kind, CHECK_OP_SET_SVC);
                assert_string_equal(c.ops[0].svc.pe_name, pairs[i][0]);
                check_changes_free(&c);
        }
        have_svc = want_svc; /* the same engine: nothing to do */
        one(&have, &have_svc, d, 1);
        one(&want, &want_svc, d, 1);
        assert_int_equal(check_table_diff(&have.t, &want.t, NULL, &c), 0);
        assert_int_equal(c.n, 0);
        check_changes_free(&c);
}

static void test_dest_attributes(void **state)
{
        struct check_dest a = dest("10.0.0.1", 80, CHECK_FWD_NAT, 1), b = a;

        (void)state;
        assert_true(check_dest_same_attrs(&a, &b));
        b.fwd = CHECK_FWD_DR;
        assert_false(check_dest_same_attrs(&a, &b));
        b = a;
        b.u_thresh = 100;
        assert_false(check_dest_same_attrs(&a, &b));
        b = a;
        b.l_thresh = 10;
        assert_false(check_dest_same_attrs(&a, &b));
        /* tunnel settings matter only for a tunnel */
        b = a;
        b.tun_type = 2;
        assert_true(check_dest_same_attrs(&a, &b));
        a.fwd = b.fwd = CHECK_FWD_TUN;
        assert_false(check_dest_same_attrs(&a, &b));
        b = a;
        b.tun_port = 6080;
        assert_false(check_dest_same_attrs(&a, &b));
        b = a;
        b.tun_flags = 1;
        assert_false(check_dest_same_attrs(&a, &b));
}

static void test_unowned_services_left_alone(void **state)
{
        struct check_svc mine = tcp_svc("192.168.200.10", 80, "rr"), other = tcp_svc("192.168.200.99", 80, "rr");
        struct check_dest d[1] = { dest("10.0.0.1", 80, CHECK_FWD_NAT, 1) };
        struct one want, have;
        struct check_changes c;
        char buf[512];

        (void)state;
        one(&have, &other, d, 1);
        one(&want, &mine, d, 1);
        assert_int_equal(check_table_diff(&have.t, &want.t, &want.t, &c), 0);
        render(&c, buf, sizeof(buf));
        assert_string_equal(buf, "add service 192.168.200.10:80 rr\n"
                                 "add destination 192.168.200.10:80 10.0.0.1:80 w1\n");
        check_changes_free(&c);
}

static void test_released_services_deleted(void **state)
{
        struct check_svc keep = tcp_svc("192.168.200.10", 80, "rr"), gone = tcp_svc("192.168.200.11", 80, "rr"),
                         absent = tcp_svc("192.168.200.12", 80, "rr");
        struct check_dest d[1] = { dest("10.0.0.1", 80, CHECK_FWD_NAT, 1) };
        struct check_table_svc kernel_svcs[2] = { { keep, d, 1 }, { gone, d, 1 } };
        struct check_table_svc owned_svcs[3] = { { keep, d, 1 }, { gone, d, 1 }, { absent, d, 1 } };
        struct check_table kernel = { kernel_svcs, 2 }, owned = { owned_svcs, 3 };
        struct one want;
        struct check_changes c;
        char buf[512];

        (void)state;
        one(&want, &keep, d, 1);
        /* a reload dropped .11: it goes; .10 is still wanted; .12 is not in the kernel */
        assert_int_equal(check_table_diff(&kernel, &want.t, &owned, &c), 0);
        render(&c, buf, sizeof(buf));
        assert_string_equal(buf, "delete service 192.168.200.11:80 rr\n");
        check_changes_free(&c);
        /* stop: nothing wanted, everything owned goes */
        struct check_table nothing = { 0 };
        assert_int_equal(check_table_diff(&kernel, &nothing, &owned, &c), 0);
        render(&c, buf, sizeof(buf));
        assert_string_equal(buf, "delete service 192.168.200.10:80 rr\n"
                                 "delete service 192.168.200.11:80 rr\n");
        check_changes_free(&c);
        /* stop keeping the table (nothing released): no change at all */
        assert_int_equal(check_table_diff(&kernel, &nothing, NULL, &c), 0);
        assert_int_equal(c.n, 0);
        check_changes_free(&c);
}

static void test_service_keys(void **state)
{
        struct check_svc a = tcp_svc("10.0.0.1", 80, "rr"), b = a;
        struct check_svc f1 = { .af = AF_INET, .fwmark = 1 }, f1v6 = { .af = AF_INET6, .fwmark = 1 };
        struct check_dest d1 = dest("10.0.0.1", 80, CHECK_FWD_NAT, 1), d2 = dest("10.0.0.1", 81, CHECK_FWD_NAT, 1);

        (void)state;
        assert_int_equal(check_svc_key_cmp(&a, &b), 0);
        b.protocol = IPPROTO_UDP;
        assert_int_not_equal(check_svc_key_cmp(&a, &b), 0);
        b = a;
        b.port = 81;
        assert_true(check_svc_key_cmp(&a, &b) < 0);
        b = tcp_svc("2001:db8::1", 80, "rr");
        assert_int_not_equal(check_svc_key_cmp(&a, &b), 0);
        /* a fwmark service is keyed by family and mark only */
        assert_int_not_equal(check_svc_key_cmp(&f1, &f1v6), 0);
        f1v6.af = AF_INET;
        f1v6.port = 99;
        assert_int_equal(check_svc_key_cmp(&f1, &f1v6), 0);
        assert_int_not_equal(check_svc_key_cmp(&a, &f1), 0);
        assert_int_equal(check_svc_key_cmp(&a, &f1), -check_svc_key_cmp(&f1, &a));
        assert_true(check_dest_key_cmp(&d1, &d2) < 0);
        assert_string_equal(check_op_name(CHECK_OP_DEL_DEST), "delete destination");
}

/* The pool decisions through the table: losing quorum swaps the alive
 * real servers for the sorry server, in place. */
static void test_quorum_loss_end_to_end(void **state)
{
        struct check_vs_params p = { .quorum = 2, .has_sorry_server = true };
        struct check_svc svc = tcp_svc("192.168.200.10", 80, "rr");
        struct check_dest rs[2] = { dest("10.0.0.1", 80, CHECK_FWD_NAT, 1), dest("10.0.0.2", 80, CHECK_FWD_NAT, 1) };
        struct check_rs_input in[2] = { { .alive = true, .weight = 1 }, { .alive = true, .weight = 1 } };
        struct check_rs_output out[2];
        struct check_vs_result pool;
        struct check_vs_model vs = { .svcs = &svc, .nsvcs = 1, .rs = rs, .rs_out = out, .nrs = 2,
                                     .has_sorry_server = true, .sorry = dest("10.0.9.9", 80, CHECK_FWD_NAT, 0),
                                     .pool = &pool };
        struct check_table before, after;
        struct check_changes c;
        char buf[1024];

        (void)state;
        check_vs_start(&p, in, 2, out, &pool);
        assert_int_equal(check_table_build(&vs, 1, &before), 0);
        in[1].alive = false;
        check_vs_update(&p, pool.quorum_up, in, 2, out, &pool);
        assert_true(pool.run_quorum_down);
        assert_int_equal(check_table_build(&vs, 1, &after), 0);
        assert_int_equal(check_table_diff(&before, &after, &after, &c), 0);
        render(&c, buf, sizeof(buf));
        assert_string_equal(buf, "add destination 192.168.200.10:80 10.0.9.9:80 w1\n"
                                 "delete destination 192.168.200.10:80 10.0.0.1:80 w1\n"
                                 "delete destination 192.168.200.10:80 10.0.0.2:80 w1\n");
        check_changes_free(&c);
        check_table_free(&before);
        check_table_free(&after);
}

/* Thousands of services and destinations, in scrambled order: the diff
 * matches them by key (and quickly: sorted lookups, not a scan). */
static void test_large_tables_match_by_key(void **state)
{
        enum { NSVC = 2000, NDEST = 20 };
        struct check_table a = { calloc(NSVC, sizeof(struct check_table_svc)), NSVC };
        struct check_table b = { calloc(NSVC, sizeof(struct check_table_svc)), NSVC };
        struct check_changes c;

        (void)state;
        assert_non_null(a.svcs);
        assert_non_null(b.svcs);
        for (size_t i = 0; i < NSVC; i++) {
                char addr[32];
                snprintf(addr, sizeof(addr), "10.%zu.%zu.1", i / 250, i % 250);
                a.svcs[i].svc = tcp_svc(addr, 80, "rr");
                b.svcs[NSVC - 1 - i].svc = a.svcs[i].svc;
                a.svcs[i].dests = calloc(NDEST, sizeof(struct check_dest));
                b.svcs[NSVC - 1 - i].dests = calloc(NDEST, sizeof(struct check_dest));
                assert_non_null(a.svcs[i].dests);
                assert_non_null(b.svcs[NSVC - 1 - i].dests);
                a.svcs[i].ndests = b.svcs[NSVC - 1 - i].ndests = NDEST;
                for (size_t j = 0; j < NDEST; j++) {
                        snprintf(addr, sizeof(addr), "172.16.%zu.%zu", j, i % 250);
                        a.svcs[i].dests[j] = dest(addr, 80, CHECK_FWD_NAT, 1);
                        b.svcs[NSVC - 1 - i].dests[NDEST - 1 - j] = a.svcs[i].dests[j];
                }
        }
        assert_int_equal(check_table_diff(&a, &b, &b, &c), 0);
        assert_int_equal(c.n, 0);
        check_changes_free(&c);
        b.svcs[7].dests[3].weight = 9;
        assert_int_equal(check_table_diff(&a, &b, &b, &c), 0);
        assert_int_equal(c.n, 1);
        assert_int_equal(c.ops[0].kind, CHECK_OP_SET_DEST);
        assert_int_equal(c.ops[0].dest.weight, 9);
        check_changes_free(&c);
        check_table_free(&a);
        check_table_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_build_places_real_servers),
                cmocka_unit_test(test_build_ports_follow_ipvs),
                cmocka_unit_test(test_build_sorry_server),
                cmocka_unit_test(test_build_sorry_server_that_is_a_real_server),
                cmocka_unit_test(test_diff_from_empty_adds_everything),
                cmocka_unit_test(test_diff_equal_tables_change_nothing),
                cmocka_unit_test(test_adopt_corrects_destinations_without_flush),
                cmocka_unit_test(test_adopt_sets_service_attributes_in_place),
                cmocka_unit_test(test_changed_persistence_engine_is_a_set),
                cmocka_unit_test(test_dest_attributes),
                cmocka_unit_test(test_unowned_services_left_alone),
                cmocka_unit_test(test_released_services_deleted),
                cmocka_unit_test(test_service_keys),
                cmocka_unit_test(test_quorum_loss_end_to_end),
                cmocka_unit_test(test_large_tables_match_by_key),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
