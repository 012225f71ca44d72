/* From a parsed keepalived.conf to the check decisions' inputs, and the
 * keepalived.conf.quorum sample run end to end through the decisions: the
 * checkers (alpha), the quorum (7, hysteresis 2), the table and omega. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "check/conf_map.h"
#include "memfs.h"

#define SEC CHECK_USEC_PER_SEC

static struct diag_list d;
static struct conf *c;

static void parse(const char *text)
{
        diag_list_init(&d);
        c = parse_text(text, &d);
        assert_non_null(c);
        if (diag_exit_code(&d))
                dump_diags(&d);
        assert_int_equal(diag_exit_code(&d), 0);
}

static void done(void)
{
        conf_free(c);
        diag_list_free(&d);
}

#define RS_TCP(n) " real_server 192.168.200." #n " 8080 {\n  weight 1\n  TCP_CHECK {\n   connect_port 80\n   connect_timeout 3\n  }\n }\n"

/* The shape of keepalived's doc/samples/keepalived.conf.quorum. */
static const char quorum_sample[] =
        "virtual_server 10.10.10.2 80 {\n"
        " delay_loop 6\n lb_algo wrr\n lb_kind NAT\n protocol TCP\n"
        " alpha\n omega\n quorum 7\n hysteresis 2\n"
        " quorum_up \"/bin/true up\"\n quorum_down \"/bin/true down\"\n"
        RS_TCP(1) RS_TCP(2) RS_TCP(3) RS_TCP(4) RS_TCP(5) RS_TCP(6) RS_TCP(7) RS_TCP(8) RS_TCP(9) RS_TCP(10)
        "}\n";

#define NRS 10

struct sample_run {
        const struct conf_virtual_server *vs;
        struct check_vs_params params;
        struct check_policy pol[NRS];
        struct check_status ck[NRS];
        uint32_t failed[NRS];
        struct check_dest dests[NRS];
        struct check_rs_input in[NRS];
        struct check_rs_output out[NRS];
        struct check_vs_result pool;
        struct check_svc svc;
};

static void sample_start(struct sample_run *s)
{
        const struct conf_real_server *rs;
        size_t i = 0;

        s->vs = c->virtual_servers.first;
        s->params = check_vs_params_of(s->vs, false);
        assert_int_equal(check_vs_svcs(c, s->vs, &s->svc, 1), 1);
        CONF_FOREACH(rs, &s->vs->real_servers) {
                int64_t due;
                s->pol[i] = check_policy_of(rs->checkers.first);
                s->ck[i] = check_start(&s->pol[i], 0, 0, &due);
                s->failed[i] = check_state_failed(s->ck[i].state);
                s->in[i] = check_rs_input_of(rs, s->failed[i] == 0);
                s->dests[i] = check_dest_of(s->vs, rs);
                i++;
        }
        assert_int_equal(i, NRS);
        check_vs_start(&s->params, s->in, NRS, s->out, &s->pool);
}

/* One probe result for real server i, carried through to the pool. */
static void sample_probe(struct sample_run *s, size_t i, enum check_result r)
{
        struct check_probe p = { .result = r };
        struct check_decision dec = check_decide(&s->pol[i], &s->ck[i], &p, 0);

        s->ck[i] = dec.next;
        check_rs_apply(&s->failed[i], dec.change);
        s->in[i].alive = s->failed[i] == 0;
        check_vs_update(&s->params, s->pool.quorum_up, s->in, NRS, s->out, &s->pool);
}

static size_t table_dests(const struct sample_run *s)
{
        struct check_vs_model m = { .svcs = &s->svc, .nsvcs = 1, .rs = s->dests, .rs_out = s->out, .nrs = NRS,
                                    .pool = &s->pool };
        struct check_table t;
        size_t n;

        assert_int_equal(check_table_build(&m, 1, &t), 0);
        n = t.svcs[0].ndests;
        check_table_free(&t);
        return n;
}

static void test_quorum_sample_end_to_end(void **state)
{
        struct sample_run s;
        unsigned quorum_ups = 0, quorum_downs = 0;

        (void)state;
        parse(quorum_sample);
        sample_start(&s);
        assert_int_equal(s.params.quorum, 7);
        assert_int_equal(s.params.hysteresis, 2);
        assert_true(s.params.omega);
        assert_true(s.pol[0].alpha);
        assert_int_equal(s.pol[0].retry, 1);
        assert_int_equal(s.pol[0].delay_loop, 6 * SEC);
        assert_string_equal(s.svc.sched, "wrr");
        /* alpha: everything starts down, nothing in the table, quorum down */
        assert_false(s.pool.quorum_up);
        assert_int_equal(table_dests(&s), 0);
        for (size_t i = 0; i < NRS; i++) {
                sample_probe(&s, i, CHECK_OK);
                quorum_ups += s.pool.run_quorum_up;
                assert_int_equal(s.pool.quorum_up, i + 1 >= 9);
                assert_int_equal(table_dests(&s), i + 1);
        }
        assert_int_equal(quorum_ups, 1);
        /* TCP_CHECK's retry 1: two failures take a server out */
        for (size_t i = 0; i < 6; i++) {
                sample_probe(&s, i, CHECK_CONNECT_REFUSED);
                assert_true(s.in[i].alive);
                sample_probe(&s, i, CHECK_CONNECT_TIMEOUT);
                assert_false(s.in[i].alive);
                quorum_downs += s.pool.run_quorum_down;
                assert_int_equal(s.pool.quorum_up, NRS - (i + 1) >= 5);
        }
        assert_int_equal(quorum_downs, 1);
        assert_int_equal(table_dests(&s), 4);
        /* a checker error on a live server changes nothing */
        sample_probe(&s, 9, CHECK_ERROR);
        assert_true(s.in[9].alive);
        /* omega at stop: quorum_down only if up; notify_down for the 4 alive */
        check_vs_stop(&s.params, s.pool.quorum_up, s.in, NRS, s.out, &s.pool);
        assert_false(s.pool.run_quorum_down);
        for (size_t i = 0; i < NRS; i++)
                assert_int_equal(s.out[i].notify_down, i >= 6);
        done();
}

static void test_policies_from_checkers(void **state)
{
        const struct conf_real_server *rs;
        struct check_policy p;

        (void)state;
        parse("virtual_server 10.0.0.1 80 {\n delay_loop 10\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
              " real_server 10.0.1.1 80 {\n  MISC_CHECK {\n   misc_path \"/bin/true\"\n   misc_dynamic\n  }\n }\n"
              " real_server 10.0.1.2 80 {\n  retry 4\n  HTTP_GET {\n   url {\n    path /\n   }\n  }\n }\n"
              " real_server 10.0.1.3 80 {\n  alpha\n  TCP_CHECK {\n   warmup 0\n  }\n }\n"
              "}\n");
        rs = c->virtual_servers.first->real_servers.first;
        p = check_policy_of(rs->checkers.first);
        assert_int_equal(p.retry, 0);
        assert_true(p.misc_dynamic);
        assert_int_equal(p.delay_loop, 10 * SEC);
        assert_int_equal(p.warmup, 10 * SEC);
        rs = rs->next;
        p = check_policy_of(rs->checkers.first);
        assert_int_equal(p.retry, 4);
        assert_int_equal(p.delay_before_retry, 3 * SEC);
        assert_false(p.misc_dynamic || p.alpha);
        rs = rs->next;
        p = check_policy_of(rs->checkers.first);
        assert_true(p.alpha);
        assert_int_equal(p.retry, 1);
        assert_int_equal(p.delay_before_retry, 1 * SEC);
        assert_int_equal(p.warmup, 0);
        done();
}

static void test_services_and_destinations(void **state)
{
        const struct conf_virtual_server *vs;
        struct check_svc s;
        struct check_dest dst;
        struct check_rs_input in;

        (void)state;
        parse("virtual_server 10.0.0.1 443 {\n lb_algo sh\n lb_kind DR\n protocol TCP\n"
              " persistence_timeout 300\n persistence_granularity 255.255.255.0\n persistence_engine sip\n"
              " sorry_server 10.0.9.9 443\n inhibit_on_failure\n"
              " real_server 10.0.1.1 443 {\n  weight 3\n  uthreshold 100\n }\n}\n"
              "virtual_server fwmark 7 {\n lb_algo rr\n lb_kind DR\n"
              " real_server 2001:db8::1 {\n }\n}\n"
              "virtual_server 10.0.0.2 53 {\n lb_algo rr\n lb_kind TUN\n protocol UDP\n ops\n"
              " real_server 10.0.1.2 53 {\n }\n}\n");
        vs = c->virtual_servers.first;
        assert_int_equal(check_vs_svc_count(c, vs, 100), 1);
        assert_int_equal(check_vs_svcs(c, vs, &s, 1), 1);
        assert_int_equal(s.af, AF_INET);
        assert_int_equal(s.protocol, IPPROTO_TCP);
        assert_int_equal(s.port, 443);
        assert_string_equal(s.sched, "sh");
        assert_int_equal(s.flags, CHECK_SVC_F_PERSISTENT);
        assert_int_equal(s.timeout, 300);
        assert_int_equal(s.netmask, 0xffffff00u);
        assert_string_equal(s.pe_name, "sip");
        dst = check_dest_of(vs, vs->real_servers.first);
        assert_int_equal(dst.fwd, CHECK_FWD_DR);
        assert_int_equal(dst.weight, 3);
        assert_int_equal(dst.u_thresh, 100);
        in = check_rs_input_of(vs->real_servers.first, true);
        assert_true(in.inhibit_on_failure && in.alive);
        assert_int_equal(in.weight, 3);
        dst = check_sorry_dest_of(vs);
        assert_int_equal(dst.port, 443);
        assert_int_equal(dst.weight, 1);
        assert_true(check_vs_params_of(vs, false).has_sorry_server);
        vs = vs->next;
        assert_int_equal(check_vs_svcs(c, vs, &s, 1), 1);
        assert_int_equal(s.fwmark, 7);
        assert_string_equal(s.pe_name, ""); /* no engine */
        assert_int_equal(s.af, AF_INET6);
        assert_int_equal(s.protocol, 0);
        vs = vs->next;
        assert_int_equal(check_vs_svcs(c, vs, &s, 1), 1);
        assert_int_equal(s.protocol, IPPROTO_UDP);
        assert_int_equal(s.flags, CHECK_SVC_F_ONEPACKET);
        assert_int_equal(check_dest_of(vs, vs->real_servers.first).fwd, CHECK_FWD_TUN);
        assert_int_equal(check_vs_svcs(c, vs, &s, 0), 0);
        done();
}

/* Per-real-server methods with their tunnel options, the sorry server's
 * method, and the scheduler flags reach the desired table. */
static void test_methods_and_sched_flags(void **state)
{
        const struct conf_virtual_server *vs;
        struct check_svc s;
        struct check_dest dst;

        (void)state;
        parse("virtual_server 10.0.0.1 80 {\n lb_algo sh\n sh-port\n sh-fallback\n lb_kind TUN type gue port 6080 csum\n"
              " protocol TCP\n sorry_server 10.0.9.9 80\n sorry_server_lvs_method DR\n"
              " real_server 10.0.1.1 80 {\n }\n real_server 10.0.1.2 8080 {\n  lvs_method NAT\n }\n}\n");
        vs = c->virtual_servers.first;
        assert_int_equal(check_vs_svcs(c, vs, &s, 1), 1);
        assert_int_equal(s.flags, CHECK_SVC_F_SCHED1 | CHECK_SVC_F_SCHED2);
        dst = check_dest_of(vs, vs->real_servers.first);
        assert_int_equal(dst.fwd, CHECK_FWD_TUN);
        assert_int_equal(dst.tun_type, 1);
        assert_int_equal(dst.tun_port, 6080);
        assert_int_equal(dst.tun_flags, 1);
        dst = check_dest_of(vs, vs->real_servers.first->next);
        assert_int_equal(dst.fwd, CHECK_FWD_NAT);
        assert_int_equal(dst.port, 8080);
        dst = check_sorry_dest_of(vs);
        assert_int_equal(dst.fwd, CHECK_FWD_DR);
        assert_int_equal(dst.tun_port, 0);
        done();
}

static void test_group_expands_to_services(void **state)
{
        const struct conf_virtual_server *vs;
        struct check_svc s[16];
        char buf[64];

        (void)state;
        parse("virtual_server_group G {\n 10.0.0.1-3 80\n 10.0.1.1 8080\n fwmark 5\n 2001:db8::fffe-ffff 80\n}\n"
              "virtual_server group G {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
              " real_server 10.0.2.1 80 {\n }\n}\n");
        vs = c->virtual_servers.first;
        assert_int_equal(check_vs_svc_count(c, vs, 100), 7);
        assert_int_equal(check_vs_svc_count(c, vs, 4), 4);
        assert_int_equal(check_vs_svcs(c, vs, s, 16), 7);
        assert_string_equal(conf_ip_str(&s[0].addr, buf, sizeof(buf)), "10.0.0.1");
        assert_string_equal(conf_ip_str(&s[2].addr, buf, sizeof(buf)), "10.0.0.3");
        assert_int_equal(s[2].port, 80);
        assert_int_equal(s[3].port, 8080);
        assert_int_equal(s[4].fwmark, 5);
        assert_int_equal(s[4].af, AF_INET);
        assert_string_equal(conf_ip_str(&s[6].addr, buf, sizeof(buf)), "2001:db8::ffff");
        assert_int_equal(s[6].af, AF_INET6);
        for (size_t i = 0; i < 7; i++)
                assert_string_equal(s[i].sched, "rr");
        /* a short buffer takes the first ones */
        assert_int_equal(check_vs_svcs(c, vs, s, 2), 2);
        done();
}

static void test_wide_ranges_saturate(void **state)
{
        const struct conf_virtual_server *vs;

        (void)state;
        parse("virtual_server_group G {\n 10.0.0.0/16 80\n 2001:db8::/64 80\n}\n"
              "virtual_server group G {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n persistence_timeout\n"
              " real_server 10.0.2.1 80 {\n }\n}\n");
        vs = c->virtual_servers.first;
        assert_int_equal(check_vs_svc_count(c, vs, 1000000), 1000000);
        assert_int_equal(check_vs_svc_count(c, vs, 65536), 65536);
        done();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_quorum_sample_end_to_end),
                cmocka_unit_test(test_policies_from_checkers),
                cmocka_unit_test(test_services_and_destinations),
                cmocka_unit_test(test_methods_and_sched_flags),
                cmocka_unit_test(test_group_expands_to_services),
                cmocka_unit_test(test_wide_ranges_saturate),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
