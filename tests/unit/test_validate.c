/* Cross-object validators and the strict-mode rewrites. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "memfs.h"

static struct diag_list d;
static struct conf *c;

static void parse(const char *text)
{
        diag_list_init(&d);
        c = parse_text(text, &d);
}

static void done(void)
{
        conf_free(c);
        diag_list_free(&d);
}

#define VI(name, vrid, extra) \
        "vrrp_instance " name " {\n interface eth0\n virtual_router_id " #vrid "\n virtual_ipaddress {\n  10.0.0." #vrid "\n }\n" extra "}\n"

static void test_unknown_track_script(void **state)
{
        const struct diag *x;

        (void)state;
        parse("vrrp_script chk_nginx {\n script /bin/true\n}\n" VI("VI_1", 1, " track_script {\n  chk_ngnix\n }\n"));
        x = find_diag(&d, "unknown vrrp_script 'chk_ngnix'; did you mean 'chk_nginx'?");
        assert_non_null(x);
        assert_int_equal(x->pos.line, 11);
        assert_int_equal(diag_exit_code(&d), 5);
        done();
}

static void test_sync_group_members(void **state)
{
        (void)state;
        parse(VI("VI_1", 1, "") VI("VI_2", 2, "")
              "vrrp_sync_group G1 {\n group {\n  VI_1 VI_3\n }\n}\n"
              "vrrp_sync_group G2 {\n group {\n  VI_1\n  VI_2\n }\n}\n");
        assert_non_null(find_diag(&d, "G1: unknown vrrp_instance 'VI_3'"));
        assert_non_null(find_diag(&d, "VI_1 is already in vrrp_sync_group G1"));
        assert_string_equal(conf_find_instance(c, "VI_2")->sync_group, "G2");
        done();
}

static void test_sync_group_drops_weights(void **state)
{
        (void)state;
        parse("vrrp_script s {\n script /bin/true\n weight 10\n}\n"
              VI("VI_1", 1, " track_script {\n  s\n  s weight 5\n }\n")
              "vrrp_sync_group G {\n group {\n  VI_1\n }\n}\n");
        assert_int_equal(conf_find_instance(c, "VI_1")->track_script.count, 1);
        assert_non_null(find_diag(&d, "only one member"));
        done();
}

static void test_duplicate_vrid(void **state)
{
        (void)state;
        parse(VI("VI_1", 7, "") VI("VI_2", 7, ""));
        assert_non_null(find_diag(&d, "(VI_2) virtual_router_id 7 on eth0 (IPv4) is already used by VI_1"));
        done();
        /* the same VRID for the other family is fine */
        parse(VI("VI_1", 7, "") "vrrp_instance V6 {\n interface eth0\n virtual_router_id 7\n virtual_ipaddress {\n  fe80::7\n }\n}\n");
        assert_null(find_diag(&d, "already used"));
        assert_int_equal(conf_find_instance(c, "V6")->version, 3);
        done();
}

static void test_vip_family_mismatch(void **state)
{
        (void)state;
        parse("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1\n  fd00::1\n }\n}\n");
        assert_non_null(find_diag(&d, "virtual_ipaddress mixes families"));
        done();
}

static void test_missing_vrid_is_fatal(void **state)
{
        (void)state;
        parse("vrrp_instance VI_1 {\n interface eth0\n}\n");
        assert_non_null(find_diag(&d, "virtual_router_id is required"));
        /* keepalived 2.2.7 -t exits 5; the daemon refuses it */
        assert_int_equal(diag_exit_code(&d), 5);
        assert_true(diag_blocks_start(&d));
        done();
}

static void test_vrid_out_of_range_is_one_error(void **state)
{
        (void)state;
        parse("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 300\n}\n");
        assert_non_null(find_diag(&d, "virtual_router_id 300 is out of range 1..255"));
        assert_null(find_diag(&d, "virtual_router_id is required"));
        assert_int_equal(diag_count(&d, DIAG_ERROR), 1);
        assert_int_equal(diag_exit_code(&d), 5);
        done();
}

static void test_unicast_addresses_with_a_prefix_are_accepted(void **state)
{
        (void)state;
        parse(VI("VI_1", 1, " unicast_src_ip 192.168.0.91/24\n unicast_peer {\n  192.168.0.92/24\n }\n"));
        assert_int_equal(diag_exit_code(&d), 0);
        assert_non_null(find_diag(&d, "unicast_src_ip takes an address; using it without the prefix length"));
        assert_non_null(find_diag(&d, "unicast_peer takes an address; using it without the prefix length"));
        assert_int_equal(c->instances.first->unicast_src_ip.family, AF_INET);
        assert_int_equal(c->instances.first->unicast_peer.first->addr.family, AF_INET);
        done();
}

static void test_track_script_before_its_script_warns(void **state)
{
        (void)state;
        parse(VI("VI_1", 1, " track_script {\n  chk\n }\n") "vrrp_script chk {\n script /bin/true\n}\n");
        assert_int_equal(diag_exit_code(&d), 0);
        assert_non_null(find_diag(&d, "keepalived 2.2.7 would ignore it"));
        assert_int_equal(c->instances.first->track_script.count, 1);
        done();
        parse("vrrp_script chk {\n script /bin/true\n}\n" VI("VI_1", 1, " track_script {\n  chk\n }\n"));
        assert_null(find_diag(&d, "would ignore it"));
        done();
}

static void test_nopreempt_with_master(void **state)
{
        (void)state;
        parse(VI("VI_1", 1, " state MASTER\n priority 150\n nopreempt\n preempt_delay 10\n"));
        assert_non_null(find_diag(&d, "nopreempt does not work with state MASTER"));
        assert_false(c->instances.first->nopreempt);
        assert_non_null(find_diag(&d, "preempt_delay is ignored with state MASTER"));
        assert_int_equal(c->instances.first->preempt_delay, 0);
        assert_int_equal(diag_exit_code(&d), 0);
        done();
}

static void test_advert_int_per_version(void **state)
{
        (void)state;
        parse(VI("VI_1", 1, " advert_int 1.4\n"));
        assert_int_equal(c->instances.first->advert_int, 1000000);
        assert_non_null(find_diag(&d, "whole seconds"));
        done();
        parse(VI("VI_1", 1, " version 3\n advert_int 0.105\n"));
        assert_int_equal(c->instances.first->advert_int, 110000);
        done();
        parse(VI("VI_1", 1, " version 3\n advert_int 50\n"));
        assert_int_equal(c->instances.first->advert_int, 40950000);
        done();
}

static size_t count_diags(const char *needle)
{
        size_t n = 0;

        for (size_t i = 0; i < d.count; i++)
                n += strstr(d.items[i].msg, needle) != NULL;
        return n;
}

/* vigil's lower_prio_takeover: on unless global_defs or the instance says
 * otherwise, and forced off (said when it was asked for) under vrrp_strict. */
static void test_lower_prio_takeover_defaults(void **state)
{
        (void)state;
        parse(VI("VI_1", 1, "") VI("VI_2", 2, " lower_prio_takeover off\n"));
        assert_true(c->instances.first->lower_prio_takeover);
        assert_false(c->instances.first->next->lower_prio_takeover);
        done();
        parse("global_defs {\n vrrp_lower_prio_takeover false\n}\n" VI("VI_1", 1, "") VI("VI_2", 2, " lower_prio_takeover\n"));
        assert_false(c->instances.first->lower_prio_takeover);
        assert_true(c->instances.first->next->lower_prio_takeover);
        assert_non_null(find_diag(&d, "vrrp_lower_prio_takeover is a vigil extension: keepalived does not accept"));
        assert_int_equal(count_diags("lower_prio_takeover is a vigil extension"), 2); /* the instance's too */
        assert_int_equal(diag_exit_code(&d), 0);
        done();
        parse("global_defs {\n vrrp_strict\n}\n" VI("VI_1", 1, "") VI("VI_2", 2, " lower_prio_takeover on\n"));
        assert_false(c->instances.first->lower_prio_takeover);
        assert_false(c->instances.first->next->lower_prio_takeover);
        assert_non_null(find_diag(&d, "(VI_2) strict mode: lower_prio_takeover is forced off"));
        assert_null(find_diag(&d, "(VI_1) strict mode: lower_prio_takeover"));
        done();
}

static void test_strict_rewrites(void **state)
{
        struct conf_vrrp_instance *vi;

        (void)state;
        parse("global_defs {\n vrrp_strict\n}\n"
              VI("VI_1", 1, " state MASTER\n priority 100\n preempt_delay 5\n authentication {\n  auth_type PASS\n  auth_pass 1111\n }\n"));
        vi = c->instances.first;
        assert_int_equal(vi->state, STATE_BACKUP);
        assert_int_equal(vi->auth_type, AUTH_NONE);
        assert_int_equal(vi->preempt_delay, 0);
        assert_int_equal(vi->accept, 0);
        assert_true(vi->lower_prio_no_advert);
        assert_int_equal(vi->garp_lower_prio_repeat, 0);
        assert_non_null(find_diag(&d, "state MASTER needs priority 255"));
        assert_non_null(find_diag(&d, "strict mode does not support authentication"));
        assert_non_null(find_diag(&d, "preempt_delay is ignored"));
        assert_non_null(find_diag(&d, "no_accept"));
        assert_int_equal(diag_exit_code(&d), 0);
        done();
}

static void test_strict_fatal_cases(void **state)
{
        (void)state;
        parse("global_defs {\n vrrp_strict\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n}\n");
        assert_non_null(find_diag(&d, "strict mode needs at least one virtual_ipaddress"));
        assert_int_equal(diag_exit_code(&d), 5);
        done();
        parse("vrrp_instance VI_1 {\n strict_mode\n interface eth0\n virtual_router_id 1\n"
              " virtual_ipaddress {\n  fd00::1\n }\n}\n");
        assert_non_null(find_diag(&d, "must be link-local"));
        done();
}

static void test_owner_drops_weighted_trackers(void **state)
{
        (void)state;
        parse("vrrp_script s {\n script /bin/true\n}\n" VI("VI_1", 1, " priority 255\n track_script {\n  s weight 10\n  s\n }\n"));
        assert_int_equal(c->instances.first->track_script.count, 1);
        assert_non_null(find_diag(&d, "weighted track_script 's' is removed"));
        done();
}

static void test_unicast_without_peers(void **state)
{
        (void)state;
        parse(VI("VI_1", 1, " unicast_src_ip 10.0.0.5\n"));
        assert_non_null(find_diag(&d, "adverts go by multicast"));
        done();
        parse(VI("VI_1", 1, " unicast_peer {\n  10.0.0.6\n  10.0.0.6\n  fd00::6\n }\n"));
        assert_non_null(find_diag(&d, "listed twice"));
        assert_non_null(find_diag(&d, "unicast_peer is not IPv4"));
        done();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_unknown_track_script),
                cmocka_unit_test(test_sync_group_members),
                cmocka_unit_test(test_sync_group_drops_weights),
                cmocka_unit_test(test_duplicate_vrid),
                cmocka_unit_test(test_vip_family_mismatch),
                cmocka_unit_test(test_missing_vrid_is_fatal),
                cmocka_unit_test(test_vrid_out_of_range_is_one_error),
                cmocka_unit_test(test_unicast_addresses_with_a_prefix_are_accepted),
                cmocka_unit_test(test_track_script_before_its_script_warns),
                cmocka_unit_test(test_nopreempt_with_master),
                cmocka_unit_test(test_advert_int_per_version),
                cmocka_unit_test(test_strict_rewrites),
                cmocka_unit_test(test_strict_fatal_cases),
                cmocka_unit_test(test_lower_prio_takeover_defaults),
                cmocka_unit_test(test_owner_drops_weighted_trackers),
                cmocka_unit_test(test_unicast_without_peers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
