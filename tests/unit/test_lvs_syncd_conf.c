/* lvs_sync_daemon (global_defs) and the instance's deprecated
 * lvs_sync_daemon_interface, with what validation derives (the sync id
 * from the VRID, an unknown instance cleared), keepalived's warnings for
 * values out of range; lvs_expire_nodest_conn, lvs_expire_quiescent_template
 * and lvs_drift_check (vigil extensions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "memfs.h"

static struct diag_list d;
static struct conf *c;

static void parse(const char *text)
{
        diag_list_init(&d);
        c = parse_text(text, &d);
        assert_non_null(c);
}

static void done(void)
{
        conf_free(c);
        diag_list_free(&d);
}

static void expect_diag(const char *text)
{
        if (!find_diag(&d, text))
                dump_diags(&d);
        assert_non_null(find_diag(&d, text));
}

#define GD(body) "global_defs {\n" body "}\n"
#define VI(extra)                                                                                          \
        "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n" extra              \
        " virtual_ipaddress {\n  10.0.0.100\n }\n}\n"

static void test_full_line(void **state)
{
        const struct conf_lvs_syncd *s;
        struct in_addr want;

        (void)state;
        parse(GD(" lvs_sync_daemon eth1 VI_1 id 7 maxlen 1400 port 8849 ttl 3 group 239.1.2.3\n") VI(""));
        assert_int_equal(d.count, 0);
        s = &c->global.lvs_syncd;
        assert_string_equal(s->ifname, "eth1");
        assert_string_equal(s->instance, "VI_1");
        assert_int_equal(s->syncid, 7);
        assert_int_equal(s->maxlen, 1400);
        assert_int_equal(s->port, 8849);
        assert_int_equal(s->ttl, 3);
        inet_pton(AF_INET, "239.1.2.3", &want);
        assert_int_equal(s->group.family, AF_INET);
        assert_memory_equal(&s->group.u.v4, &want, 4);
        done();
}

/* "inst" is optional before the instance; the id defaults to the VRID. */
static void test_defaults(void **state)
{
        (void)state;
        parse(GD(" lvs_sync_daemon eth1 inst VI_1\n") VI(""));
        assert_int_equal(d.count, 0);
        assert_string_equal(c->global.lvs_syncd.instance, "VI_1");
        assert_int_equal(c->global.lvs_syncd.syncid, 51);
        assert_int_equal(c->global.lvs_syncd.port, 0);  /* the kernel's 8848 */
        assert_int_equal(c->global.lvs_syncd.group.family, 0);
        done();
}

static void test_out_of_range_ignored(void **state)
{
        (void)state;
        parse(GD(" lvs_sync_daemon eth1 VI_1 id 300 maxlen 0 port 70000 ttl 0 group 10.1.1.1\n") VI(""));
        expect_diag("Invalid syncid (300) - defaulting to vrid");
        expect_diag("Invalid lvs_sync_daemon maxlen (0) - ignoring");
        expect_diag("Invalid lvs_sync_daemon port (70000) - ignoring");
        expect_diag("Invalid lvs_sync_daemon ttl (0) - ignoring");
        expect_diag("group address 10.1.1.1 is not multicast - ignoring");
        assert_int_equal(diag_exit_code(&d), 0);
        assert_int_equal(c->global.lvs_syncd.syncid, 51);
        assert_int_equal(c->global.lvs_syncd.port, 0);
        done();
}

static void test_errors(void **state)
{
        (void)state;
        parse(GD(" lvs_sync_daemon\n") VI(""));
        assert_null(c->global.lvs_syncd.ifname);
        assert_int_equal(diag_exit_code(&d), 5);
        done();
        parse(GD(" lvs_sync_daemon eth1 VI_1 id\n") VI(""));
        expect_diag("lvs_sync_daemon id needs a value");
        assert_null(c->global.lvs_syncd.ifname);
        done();
        parse(GD(" lvs_sync_daemon eth1 VI_1 speed 3\n") VI(""));
        expect_diag("speed");
        done();
}

static void test_unknown_instance_cleared(void **state)
{
        (void)state;
        parse(GD(" lvs_sync_daemon eth1 VI_9\n") VI(""));
        expect_diag("Unable to find vrrp instance VI_9 for lvs_sync_daemon - clearing lvs_syncd config");
        assert_null(c->global.lvs_syncd.ifname);
        done();
        parse(GD(" lvs_sync_daemon eth1\n") VI(""));
        expect_diag("names no vrrp instance");
        assert_null(c->global.lvs_syncd.ifname);
        done();
}

static void test_deprecated_instance_form(void **state)
{
        (void)state;
        parse(VI(" lvs_sync_daemon_interface eth2\n"));
        expect_diag("(VI_1) Specifying lvs_sync_daemon_interface against a vrrp is deprecated");
        assert_int_equal(diag_exit_code(&d), 0);
        assert_string_equal(c->global.lvs_syncd.ifname, "eth2");
        assert_string_equal(c->global.lvs_syncd.instance, "VI_1");
        assert_int_equal(c->global.lvs_syncd.syncid, 51);
        done();
        parse(GD(" lvs_sync_daemon eth1 VI_1\n") VI(" lvs_sync_daemon_interface eth2\n"));
        expect_diag("lvs_sync_daemon_interface has already been specified as eth1 - ignoring");
        assert_string_equal(c->global.lvs_syncd.ifname, "eth1");
        done();
}

static void test_sysctls_and_drift(void **state)
{
        (void)state;
        parse(GD(" lvs_expire_nodest_conn\n lvs_expire_quiescent_template off\n lvs_drift_check 2.5\n") VI(""));
        expect_diag("lvs_expire_nodest_conn is a vigil extension");
        assert_true(c->global.lvs_expire_nodest_conn_set);
        assert_true(c->global.lvs_expire_nodest_conn);
        assert_true(c->global.lvs_expire_quiescent_template_set);
        assert_false(c->global.lvs_expire_quiescent_template);
        assert_int_equal(c->global.lvs_drift_check, 2500000);
        done();
        parse(VI(""));
        assert_false(c->global.lvs_expire_nodest_conn_set);
        assert_int_equal(c->global.lvs_drift_check, 0);
        done();
        parse(GD(" lvs_drift_check 0.5\n") VI(""));
        assert_int_equal(diag_exit_code(&d), 5);
        done();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_full_line),
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_out_of_range_ignored),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_unknown_instance_cleared),
                cmocka_unit_test(test_deprecated_instance_form),
                cmocka_unit_test(test_sysctls_and_drift),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
