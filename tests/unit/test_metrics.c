/* The Prometheus text (daemon/metrics.c metrics_render, with the VRRP
 * worker's renderer vrrp/metrics.c) from a worker's status: the lines a scraper reads, with keepalived-exporter's names and
 * labels, each drop reason under its own series and alias. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/metrics.h"
#include "vrrp/metrics.h"

static const char *status_text =
        "{\"instances\":[{\"name\":\"VI_1\",\"interface\":\"eth0\",\"vrid\":51,\"state\":\"MASTER\","
        "\"base_priority\":100,\"effective_priority\":90,\"vips\":[\"10.0.0.1/24\",\"10.0.0.2\"],"
        "\"counters\":{\"adverts_received\":7,\"adverts_sent\":12,\"became_master\":1,"
        "\"drops\":{\"bad_ttl\":3,\"interval_mismatch\":2}},"
        "\"trackers\":[{\"kind\":\"script\",\"name\":\"chk\",\"status\":\"down\","
        "\"runs\":{\"total\":5,\"failed\":4,\"timed_out\":1}}]}],"
        "\"interfaces\":[{\"name\":\"eth0\",\"counters\":{\"wrong_vrid\":9}}]}";

static char *render(unsigned reloads, unsigned failures)
{
        struct metrics_part vrrp = { vrrp_metrics_render, json_loads(status_text, 0, NULL) };
        struct metrics_input in = {
                .parts = &vrrp,
                .nparts = 1,
                .worker_running = true,
                .worker_restarts = 2,
                .reloads = reloads,
                .reload_failures = failures,
                .last_reload_ok = failures == 0,
        };
        char *text;

        assert_non_null(vrrp.status);
        text = metrics_render(&in);
        json_decref(vrrp.status);
        assert_non_null(text);
        return text;
}

static void has_line(const char *text, const char *line)
{
        size_t n = strlen(line);

        for (const char *p = text; (p = strstr(p, line)); p += n)
                if ((p == text || p[-1] == '\n') && p[n] == '\n')
                        return;
        fail_msg("no line \"%s\" in:\n%s", line, text);
}

#define L "iname=\"VI_1\",intf=\"eth0\",vrid=\"51\""

static void test_instance_series(void **state)
{
        char *t = render(0, 0);

        (void)state;
        has_line(t, "keepalived_up 1");
        has_line(t, "vigil_worker_restarts_total 2");
        has_line(t, "keepalived_vrrp_state{" L ",ip_address=\"10.0.0.1\"} 2");
        has_line(t, "keepalived_vrrp_state{" L ",ip_address=\"10.0.0.2\"} 2");
        has_line(t, "vigil_vrrp_base_priority{" L "} 100");
        has_line(t, "vigil_vrrp_effective_priority{" L "} 90");
        has_line(t, "keepalived_advertisements_received_total{" L "} 7");
        has_line(t, "keepalived_advertisements_sent_total{" L "} 12");
        has_line(t, "keepalived_release_master_total{" L "} 0"); /* absent: zero, not missing */
        free(t);
}

static void test_drops_by_reason_and_alias(void **state)
{
        char *t = render(0, 0);

        (void)state;
        has_line(t, "keepalived_ip_ttl_errors_total{" L "} 3");
        has_line(t, "keepalived_advertisements_interval_errors_total{" L "} 2");
        has_line(t, "keepalived_authentication_failure_total{" L "} 0");
        has_line(t, "vigil_vrrp_dropped_adverts_total{" L ",reason=\"bad_ttl\"} 3");
        has_line(t, "vigil_vrrp_dropped_adverts_total{" L ",reason=\"interval_mismatch\"} 2");
        has_line(t, "vigil_vrrp_interface_drops_total{interface=\"eth0\",reason=\"wrong_vrid\"} 9");
        has_line(t, "# TYPE vigil_vrrp_dropped_adverts_total counter");
        free(t);
}

static void test_trackers_and_reloads(void **state)
{
        char *t = render(3, 1);

        (void)state;
        has_line(t, "vigil_tracker_up{iname=\"VI_1\",kind=\"script\",name=\"chk\"} 0");
        has_line(t, "vigil_script_runs_total{iname=\"VI_1\",name=\"chk\",result=\"failed\"} 4");
        has_line(t, "vigil_script_runs_total{iname=\"VI_1\",name=\"chk\",result=\"timed_out\"} 1");
        has_line(t, "vigil_reloads_total{result=\"ok\"} 2");
        has_line(t, "vigil_reloads_total{result=\"invalid\"} 1");
        has_line(t, "vigil_last_reload_success 0");
        free(t);
}

static void test_no_worker(void **state)
{
        struct metrics_input in = { 0 };
        char *t = metrics_render(&in);

        (void)state;
        has_line(t, "keepalived_up 0");
        has_line(t, "vigil_last_reload_success 1");
        assert_null(strstr(t, "keepalived_vrrp_state{"));
        free(t);
}

/* A status from an older or newer worker may lack a field: the scrape
 * still answers, with the tracker as "no result yet". */
static void test_tracker_without_status(void **state)
{
        struct metrics_part vrrp = {
                vrrp_metrics_render,
                json_loads("{\"instances\":[{\"name\":\"VI_1\",\"trackers\":[{\"kind\":\"script\",\"name\":\"chk\"}]}]}",
                           0, NULL),
        };
        struct metrics_input in = { .parts = &vrrp, .nparts = 1, .worker_running = true };
        char *t;

        (void)state;
        assert_non_null(vrrp.status);
        t = metrics_render(&in);
        json_decref(vrrp.status);
        has_line(t, "vigil_tracker_up{iname=\"VI_1\",kind=\"script\",name=\"chk\"} -1");
        free(t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_instance_series),
                cmocka_unit_test(test_drops_by_reason_and_alias),
                cmocka_unit_test(test_trackers_and_reloads),
                cmocka_unit_test(test_no_worker),
                cmocka_unit_test(test_tracker_without_status),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
