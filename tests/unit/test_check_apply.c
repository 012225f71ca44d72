/* The check worker's table in lb/'s terms (daemon/check_lbmap.c): each
 * change of a change set as the lb_change the backends send, the change
 * lines the dry run logs for them, and a dump read back so that a service
 * held as it was asked for compares equal (adoption changes nothing).
 * And the check worker's Prometheus series from its status. */
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

#include "check/metrics.h"
#include "check/table.h"
#include "daemon/check_lbmap.h"
#include "lb/ipvs_text.h"
#include "worker/prom.h"

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

static const char *line_of(const struct check_op *op, char *buf, size_t size)
{
        struct lb_change c;

        check_lb_change_of(op, &c);
        return lb_change_str(&c, buf, size);
}

static void test_each_op_maps_to_its_lb_change(void **state)
{
        struct check_op op = { .svc = tcp_svc("10.0.0.1", 80, "wrr"),
                               .dest = { .addr = ip("10.0.1.2"), .port = 8080, .fwd = CHECK_FWD_NAT, .weight = 3 } };
        char buf[LB_TEXT_MAX];
        struct lb_change c;

        (void)state;
        op.kind = CHECK_OP_ADD_SVC;
        assert_string_equal(line_of(&op, buf, sizeof(buf)), "add service TCP 10.0.0.1:80 wrr");
        op.kind = CHECK_OP_ADD_DEST;
        assert_string_equal(line_of(&op, buf, sizeof(buf)), "add dest TCP 10.0.0.1:80 -> 10.0.1.2:8080 masq w3");
        op.kind = CHECK_OP_SET_DEST;
        op.dest.weight = 0;
        assert_string_equal(line_of(&op, buf, sizeof(buf)), "edit dest TCP 10.0.0.1:80 -> 10.0.1.2:8080 masq w0");
        op.kind = CHECK_OP_DEL_DEST;
        assert_string_equal(line_of(&op, buf, sizeof(buf)), "delete dest TCP 10.0.0.1:80 -> 10.0.1.2:8080");
        op.kind = CHECK_OP_DEL_SVC;
        assert_string_equal(line_of(&op, buf, sizeof(buf)), "delete service TCP 10.0.0.1:80");
        check_lb_change_of(&op, &c);
        assert_int_equal(c.op, LB_DEL_SERVICE);
        assert_string_equal(c.svc.sched, ""); /* a deletion carries the key alone */
        op.kind = CHECK_OP_SET_SVC;
        check_lb_change_of(&op, &c);
        assert_int_equal(c.op, LB_EDIT_SERVICE);
        assert_string_equal(c.svc.sched, "wrr");
}

static void test_forwarding_methods_and_tunnels(void **state)
{
        struct check_dest d = { .addr = ip("10.0.1.2"), .port = 80, .fwd = CHECK_FWD_TUN, .weight = 1, .tun_type = 1,
                                .tun_port = 6080, .tun_flags = 1, .u_thresh = 100, .l_thresh = 10 };
        struct lb_dest l;

        (void)state;
        check_lb_dest_of(&d, &l);
        assert_int_equal(l.fwd, LB_FWD_TUNNEL);
        assert_int_equal(l.tun_type, LB_TUN_GUE);
        assert_int_equal(l.tun_port, 6080);
        assert_int_equal(l.tun_flags, LB_TUN_F_CSUM);
        assert_int_equal(l.u_thresh, 100);
        assert_int_equal(l.l_thresh, 10);
        d.fwd = CHECK_FWD_DR;
        check_lb_dest_of(&d, &l);
        assert_int_equal(l.fwd, LB_FWD_ROUTE);
        assert_int_equal(l.tun_port, 0); /* tunnel options only with TUN */
        d.weight = CHECK_WEIGHT_MAX + 5;
        check_lb_dest_of(&d, &l);
        assert_int_equal(l.weight, (uint32_t)CHECK_WEIGHT_MAX);
}

static void test_persistence_and_flags(void **state)
{
        struct check_svc s = tcp_svc("10.0.0.1", 443, "sh");
        struct lb_service l;
        char buf[LB_TEXT_MAX];

        (void)state;
        s.flags = CHECK_SVC_F_PERSISTENT | CHECK_SVC_F_ONEPACKET | CHECK_SVC_F_SCHED2;
        s.timeout = 300;
        s.netmask = 0xffffff00u;
        check_lb_service_of(&s, &l);
        assert_int_equal(l.timeout, 300);
        assert_int_equal(l.netmask_prefix, 24);
        assert_int_equal(l.flags, LB_SVC_ONEPACKET | LB_SVC_SH_PORT); /* persistence follows the timeout */
        assert_string_equal(lb_service_opts_str(&l, buf, sizeof(buf)), "sh persistent 300 mask 24 ops sh-port");
        s.netmask = 0xffffffffu; /* the whole address: the kernel's default */
        check_lb_service_of(&s, &l);
        assert_int_equal(l.netmask_prefix, 0);
}

/* persistence_engine reaches the kernel's service (IPVS_SVC_ATTR_PE_NAME)
 * and reads back from a dump, so an adopted service with it is left as is. */
static void test_persistence_engine_maps_both_ways(void **state)
{
        struct check_svc s = tcp_svc("10.0.0.1", 5060, "rr"), back;
        struct lb_service l;
        struct lb_change ch;
        struct check_op op = { .kind = CHECK_OP_SET_SVC };
        char buf[LB_TEXT_MAX];

        (void)state;
        snprintf(s.pe_name, sizeof(s.pe_name), "sip");
        s.flags = CHECK_SVC_F_PERSISTENT;
        s.timeout = 60;
        s.netmask = 0xffffffffu;
        check_lb_service_of(&s, &l);
        assert_string_equal(l.pe_name, "sip");
        assert_string_equal(lb_service_opts_str(&l, buf, sizeof(buf)), "rr persistent 60 pe sip");
        check_svc_of_lb(&l, &back);
        assert_string_equal(back.pe_name, "sip");
        assert_true(check_svc_same_attrs(&s, &back));
        op.svc = s;
        check_lb_change_of(&op, &ch);
        assert_int_equal(ch.op, LB_EDIT_SERVICE);
        assert_string_equal(ch.svc.pe_name, "sip");
        s.pe_name[0] = 0;
        check_lb_service_of(&s, &l);
        assert_string_equal(l.pe_name, "");
}

static void test_fwmark_and_ipv6_keys(void **state)
{
        struct check_svc s = { .af = AF_INET6, .fwmark = 7, .sched = "rr", .flags = CHECK_SVC_F_PERSISTENT,
                               .timeout = 60, .netmask = 64 };
        struct lb_service l;

        (void)state;
        check_lb_service_of(&s, &l);
        assert_int_equal(l.key.fwmark, 7);
        assert_int_equal(l.key.af, AF_INET6);
        assert_int_equal(l.key.protocol, 0);
        assert_int_equal(l.netmask_prefix, 64);
}

/* What a dump gives back compares equal to what was asked: the diff of an
 * adopted table that is already right is empty. */
static void test_a_dump_reads_back_equal(void **state)
{
        struct check_svc want = tcp_svc("10.0.0.1", 80, "wlc"), back;
        struct check_dest dw = { .addr = ip("10.0.1.2"), .port = 80, .fwd = CHECK_FWD_DR, .weight = 5 }, db;
        struct lb_service l;
        struct lb_dest ld;
        struct check_table_svc ts_want = { want, &dw, 1 }, ts_have;
        struct check_table t_want = { &ts_want, 1 }, t_have;
        struct check_changes ch = { 0 };

        (void)state;
        want.flags = CHECK_SVC_F_PERSISTENT;
        want.timeout = 600;
        want.netmask = 0xffffffffu;
        ts_want.svc = want;
        check_lb_service_of(&want, &l);
        check_svc_of_lb(&l, &back);
        assert_true(check_svc_same_attrs(&want, &back));
        assert_int_equal(check_svc_key_cmp(&want, &back), 0);
        check_lb_dest_of(&dw, &ld);
        check_dest_of_lb(&ld, &db);
        assert_true(check_dest_same_attrs(&dw, &db));
        ts_have = (struct check_table_svc){ back, &db, 1 };
        t_have = (struct check_table){ &ts_have, 1 };
        assert_int_equal(check_table_diff(&t_have, &t_want, NULL, &ch), 0);
        assert_int_equal(ch.n, 0);
        check_changes_free(&ch);
}

/* Probes run against results fed, and the per-type latency summary. */
static void test_probe_metrics_from_the_status(void **state)
{
        json_t *st = json_loads("{\"virtual_servers\":[],\"checks\":{},\"ipvs\":{\"changes\":0,\"refused\":0},"
                                "\"probes\":{\"run\":4,\"results_fed\":12,\"latency\":"
                                "{\"TCP_CHECK\":{\"sum\":0.25,\"count\":4}}}}",
                                0, NULL);
        struct prom_out o = { 0 };

        (void)state;
        assert_non_null(st);
        check_metrics_render(&o, st);
        assert_non_null(strstr(o.buf, "vigil_lvs_probes_total 4\n"));
        assert_non_null(strstr(o.buf, "vigil_lvs_probe_results_fed_total 12\n"));
        assert_non_null(strstr(o.buf, "# TYPE vigil_lvs_probe_latency_seconds summary\n"));
        assert_non_null(strstr(o.buf, "vigil_lvs_probe_latency_seconds_sum{type=\"TCP_CHECK\"} 0.250000\n"));
        assert_non_null(strstr(o.buf, "vigil_lvs_probe_latency_seconds_count{type=\"TCP_CHECK\"} 4\n"));
        free(o.buf);
        json_decref(st);
}

static void test_metrics_from_the_status(void **state)
{
        json_t *st = json_loads("{\"virtual_servers\":[{\"name\":\"[10.0.0.1]:tcp:80\",\"quorum_state\":\"up\","
                                "\"alive_weight\":2,\"sorry_server_in_use\":false,\"real_servers\":["
                                "{\"name\":\"[10.0.1.2]:tcp:80\",\"alive\":true,\"in_table\":true,\"table_weight\":2},"
                                "{\"name\":\"[10.0.1.3]:tcp:80\",\"alive\":false,\"in_table\":false,\"table_weight\":0}]}],"
                                "\"checks\":{\"ok\":5,\"connect_refused\":2},\"ipvs\":{\"changes\":4,\"refused\":0}}",
                                0, NULL);
        struct prom_out o = { 0 };

        (void)state;
        assert_non_null(st);
        check_metrics_render(&o, st);
        assert_non_null(strstr(o.buf, "vigil_lvs_real_server_up{vs=\"[10.0.0.1]:tcp:80\",rs=\"[10.0.1.2]:tcp:80\"} 1\n"));
        assert_non_null(strstr(o.buf, "vigil_lvs_real_server_up{vs=\"[10.0.0.1]:tcp:80\",rs=\"[10.0.1.3]:tcp:80\"} 0\n"));
        assert_non_null(strstr(o.buf, "vigil_lvs_real_server_weight{vs=\"[10.0.0.1]:tcp:80\",rs=\"[10.0.1.2]:tcp:80\"} 2\n"));
        assert_non_null(strstr(o.buf, "vigil_lvs_checks_total{result=\"connect_refused\"} 2\n"));
        assert_non_null(strstr(o.buf, "vigil_lvs_virtual_server_quorum_up{vs=\"[10.0.0.1]:tcp:80\"} 1\n"));
        assert_non_null(strstr(o.buf, "vigil_lvs_ipvs_changes_total 4\n"));
        assert_non_null(strstr(o.buf, "# TYPE vigil_lvs_checks_total counter\n"));
        free(o.buf);
        json_decref(st);
}

/* Per real server: configured and effective weight, results by name and
 * the probes' latency summary; label values escaped; every series after
 * its family's # TYPE line. */
static void test_real_server_series_from_the_status(void **state)
{
        json_t *st = json_loads("{\"virtual_servers\":[{\"name\":\"[g\\\\1\\\"x]:80\",\"quorum_state\":\"down\","
                                "\"alive_weight\":0,\"sorry_server_in_use\":true,\"real_servers\":["
                                "{\"name\":\"[10.0.1.2]:tcp:80\",\"alive\":false,\"in_table\":false,\"table_weight\":0,"
                                "\"weight\":5,\"configured_weight\":3,\"results\":{\"ok\":4,\"connect_refused\":2},"
                                "\"check_latency\":{\"sum\":0.5,\"count\":6}}]}],"
                                "\"checks\":{},\"ipvs\":{\"changes\":0,\"refused\":0}}",
                                0, NULL);
        struct prom_out o = { 0 };
        const char *vs = "vs=\"[g\\\\1\\\"x]:80\",rs=\"[10.0.1.2]:tcp:80\"";
        char want[256];

        (void)state;
        assert_non_null(st);
        check_metrics_render(&o, st);
        snprintf(want, sizeof(want), "vigil_lvs_real_server_configured_weight{%s} 3\n", vs);
        assert_non_null(strstr(o.buf, want));
        snprintf(want, sizeof(want), "vigil_lvs_real_server_dynamic_weight{%s} 5\n", vs);
        assert_non_null(strstr(o.buf, want));
        snprintf(want, sizeof(want), "vigil_lvs_real_server_check_results_total{%s,result=\"connect_refused\"} 2\n", vs);
        assert_non_null(strstr(o.buf, want));
        snprintf(want, sizeof(want), "vigil_lvs_real_server_check_latency_seconds_sum{%s} 0.500000\n", vs);
        assert_non_null(strstr(o.buf, want));
        snprintf(want, sizeof(want), "vigil_lvs_real_server_check_latency_seconds_count{%s} 6\n", vs);
        assert_non_null(strstr(o.buf, want));
        assert_non_null(strstr(o.buf, "vigil_lvs_virtual_server_quorum_up{vs=\"[g\\\\1\\\"x]:80\"} 0\n"));
        assert_non_null(strstr(o.buf, "vigil_lvs_sorry_server_active{vs=\"[g\\\\1\\\"x]:80\"} 1\n"));
        assert_non_null(strstr(o.buf, "# TYPE vigil_lvs_real_server_check_results_total counter\n"));
        assert_non_null(strstr(o.buf, "# TYPE vigil_lvs_real_server_check_latency_seconds summary\n"));
        assert_true(strstr(o.buf, "# TYPE vigil_lvs_real_server_check_results_total counter\n") <
                    strstr(o.buf, "vigil_lvs_real_server_check_results_total{"));
        free(o.buf);
        json_decref(st);
}

/* The kernel's counters (status "kernel", null in the dry run) under
 * keepalived-exporter's names; a real server without them has none. */
static void test_kernel_counters_under_the_exporter_names(void **state)
{
        json_t *st = json_loads("{\"virtual_servers\":[{\"name\":\"[10.0.0.1]:tcp:80\",\"services\":[\"10.0.0.1:80\"],"
                                "\"real_servers\":[{\"name\":\"[10.0.1.2]:tcp:8080\",\"address\":\"10.0.1.2\",\"port\":8080,"
                                "\"kernel\":{\"conns\":7,\"inpkts\":70,\"outpkts\":60,\"inbytes\":7000,\"outbytes\":6000}},"
                                "{\"name\":\"[10.0.1.3]:tcp:8080\",\"address\":\"10.0.1.3\",\"port\":8080,\"kernel\":null}]},"
                                "{\"name\":\"FWM 5\",\"services\":[\"FWM 5\"],\"real_servers\":[{\"name\":\"[10.0.1.2]:tcp:0\","
                                "\"address\":\"10.0.1.2\",\"port\":0,\"kernel\":{\"conns\":1}}]}],"
                                "\"checks\":{},\"ipvs\":{}}",
                                0, NULL);
        struct prom_out o = { 0 };

        (void)state;
        assert_non_null(st);
        check_metrics_render(&o, st);
        assert_non_null(strstr(o.buf, "# TYPE keepalived_lvs_rs_conn counter\n"));
        assert_non_null(strstr(o.buf, "keepalived_lvs_rs_conn{vip=\"10.0.0.1:80\",addr=\"10.0.1.2:8080\",proto=\"6\"} 7\n"));
        assert_non_null(strstr(o.buf, "keepalived_lvs_rs_in_packets{vip=\"10.0.0.1:80\",addr=\"10.0.1.2:8080\",proto=\"6\"} 70\n"));
        assert_non_null(strstr(o.buf, "keepalived_lvs_rs_out_packets{vip=\"10.0.0.1:80\",addr=\"10.0.1.2:8080\",proto=\"6\"} 60\n"));
        assert_non_null(strstr(o.buf, "keepalived_lvs_rs_in_bytes{vip=\"10.0.0.1:80\",addr=\"10.0.1.2:8080\",proto=\"6\"} 7000\n"));
        assert_non_null(strstr(o.buf, "keepalived_lvs_rs_out_bytes{vip=\"10.0.0.1:80\",addr=\"10.0.1.2:8080\",proto=\"6\"} 6000\n"));
        assert_non_null(strstr(o.buf, "keepalived_lvs_rs_conn{vip=\"FWM 5\",addr=\"10.0.1.2:0\",proto=\"0\"} 1\n"));
        assert_null(strstr(o.buf, "addr=\"10.0.1.3:8080\""));
        free(o.buf);
        json_decref(st);
}

/* lvs_drift_check's counters (status ipvs.drift) under their names. */
static void test_drift_series_from_the_status(void **state)
{
        json_t *st = json_loads("{\"virtual_servers\":[],\"checks\":{},\"ipvs\":{\"changes\":0,\"refused\":0,"
                                "\"drift\":{\"checks\":12,\"drifted\":2,\"failed\":0,\"repaired\":"
                                "{\"destination_missing\":1,\"destination_changed\":3}}}}",
                                0, NULL);
        struct prom_out o = { 0 };

        (void)state;
        assert_non_null(st);
        check_metrics_render(&o, st);
        assert_non_null(strstr(o.buf, "# TYPE vigil_lvs_ipvs_drift_checks_total counter\nvigil_lvs_ipvs_drift_checks_total 12\n"));
        assert_non_null(strstr(o.buf, "vigil_lvs_ipvs_drift_repairs_total{drift=\"destination_missing\"} 1\n"));
        assert_non_null(strstr(o.buf, "vigil_lvs_ipvs_drift_repairs_total{drift=\"destination_changed\"} 3\n"));
        free(o.buf);
        json_decref(st);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_each_op_maps_to_its_lb_change),
                cmocka_unit_test(test_forwarding_methods_and_tunnels),
                cmocka_unit_test(test_persistence_and_flags),
                cmocka_unit_test(test_persistence_engine_maps_both_ways),
                cmocka_unit_test(test_fwmark_and_ipv6_keys),
                cmocka_unit_test(test_a_dump_reads_back_equal),
                cmocka_unit_test(test_metrics_from_the_status),
                cmocka_unit_test(test_probe_metrics_from_the_status),
                cmocka_unit_test(test_real_server_series_from_the_status),
                cmocka_unit_test(test_kernel_counters_under_the_exporter_names),
                cmocka_unit_test(test_drift_series_from_the_status),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
