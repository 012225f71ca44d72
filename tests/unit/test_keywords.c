/* Keyword tables: each block's keywords, defaults, ranges and messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <cmocka.h>

#include "conf/values.h"
#include "memfs.h"

struct fixture {
        struct diag_list d;
        struct conf *c;
};

static struct fixture *parse(const char *text)
{
        static struct fixture f;

        diag_list_init(&f.d);
        f.c = parse_text(text, &f.d);
        return &f;
}

static void done(struct fixture *f)
{
        conf_free(f->c);
        diag_list_free(&f->d);
}

static void assert_no_diags(struct fixture *f)
{
        if (f->d.count)
                dump_diags(&f->d);
        assert_int_equal(f->d.count, 0);
}

static void assert_ip(const struct conf_ip *ip, const char *expected)
{
        char buf[64];

        assert_string_equal(conf_ip_str(ip, buf, sizeof(buf)), expected);
}

#define MIN_INSTANCE "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n  10.0.0.1\n }\n"

static void test_instance_defaults(void **state)
{
        struct fixture *f = parse(MIN_INSTANCE "}\n");
        struct conf_vrrp_instance *vi = f->c->instances.first;

        (void)state;
        assert_no_diags(f);
        assert_string_equal(vi->name, "VI_1");
        assert_int_equal(vi->state, STATE_BACKUP);
        assert_int_equal(vi->priority, 100);
        assert_int_equal(vi->advert_int, 1000000);
        assert_int_equal(vi->version, 2);
        assert_int_equal(vi->family, AF_INET);
        assert_false(vi->nopreempt);
        assert_int_equal(vi->preempt_delay, 0);
        assert_int_equal(vi->garp_master_delay, 5000000);
        assert_int_equal(vi->garp_master_repeat, 5);
        assert_int_equal(vi->garp_master_refresh_repeat, 1);
        assert_int_equal(vi->down_timer_adverts, 3);
        assert_int_equal(vi->auth_type, AUTH_NONE);
        assert_string_equal(vi->virtual_ipaddress.first->dev, "eth0");
        assert_int_equal(vi->virtual_ipaddress.first->prefixlen, 32);
        done(f);
}

static void test_state_master_without_priority_is_owner(void **state)
{
        struct fixture *f = parse(MIN_INSTANCE " state MASTER\n}\n");

        (void)state;
        assert_int_equal(f->c->instances.first->priority, 255);
        assert_int_equal(f->c->instances.first->state, STATE_MASTER);
        done(f);
        f = parse(MIN_INSTANCE " priority 255\n}\n");
        assert_int_equal(f->c->instances.first->state, STATE_MASTER);
        done(f);
}

static void test_state_is_case_sensitive(void **state)
{
        struct fixture *f = parse(MIN_INSTANCE " state master\n}\n");
        const struct diag *d = find_diag(&f->d, "did you mean 'MASTER'");

        (void)state;
        assert_non_null(d);
        assert_int_equal(d->pos.line, 7);
        assert_int_equal(d->pos.col, 8);
        assert_int_equal(f->c->instances.first->state, STATE_BACKUP);
        done(f);
}

static void test_ranges(void **state)
{
        struct fixture *f = parse(MIN_INSTANCE " priority 256\n virtual_router_id 0\n advert_int x\n}\n");

        (void)state;
        assert_non_null(find_diag(&f->d, "priority 256 is out of range 1..255"));
        assert_non_null(find_diag(&f->d, "virtual_router_id 0 is out of range 1..255"));
        assert_non_null(find_diag(&f->d, "'x' is not a time in seconds"));
        assert_int_equal(diag_exit_code(&f->d), 5);
        done(f);
}

/* keepalived ignores a VMAC name an interface cannot have, and makes vrrp.VRID */
static void test_vmac_name_too_long(void **state)
{
        struct fixture *f = parse(MIN_INSTANCE " use_vmac vrrp.averyveryverylongname\n}\n");

        (void)state;
        assert_non_null(find_diag(&f->d, "VMAC interface name 'vrrp.averyveryverylongname' too long or invalid "
                                         "characters - ignoring"));
        assert_true(f->c->instances.first->use_vmac);
        assert_null(f->c->instances.first->vmac_name);
        assert_int_equal(diag_exit_code(&f->d), 0);
        done(f);
        f = parse(MIN_INSTANCE " use_vmac vrrp.fifteench\n}\n");
        assert_string_equal(f->c->instances.first->vmac_name, "vrrp.fifteench");
        assert_int_equal(f->d.count, 0);
        done(f);
}

static void test_vip_options(void **state)
{
        struct fixture *f = parse("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n"
                                  " virtual_ipaddress {\n  192.168.1.1/24 brd + dev eth1 scope link label eth1:vip\n"
                                  "  192.168.1.2/24 broadcast 192.168.1.255\n  10.1.1.1 no_track\n }\n"
                                  " virtual_ipaddress_excluded {\n  fd00::5/64\n }\n}\n");
        struct conf_ipaddress *a = f->c->instances.first->virtual_ipaddress.first;

        (void)state;
        assert_no_diags(f);
        assert_ip(&a->addr, "192.168.1.1");
        assert_int_equal(a->prefixlen, 24);
        assert_int_equal(a->brd_kind, BRD_SET_HOST_BITS);
        assert_string_equal(a->dev, "eth1");
        assert_int_equal(a->scope, RT_SCOPE_LINK);
        assert_string_equal(a->label, "eth1:vip");
        a = a->next;
        assert_int_equal(a->brd_kind, BRD_ADDR);
        assert_ip(&a->brd, "192.168.1.255");
        assert_true(a->next->no_track);
        a = f->c->instances.first->virtual_ipaddress_excluded.first;
        assert_ip(&a->addr, "fd00::5");
        assert_int_equal(a->prefixlen, 64);
        done(f);
}

static void test_vip_errors(void **state)
{
        struct fixture *f = parse("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n"
                                  " virtual_ipaddress {\n  10.0.0.1/33\n  10.0.0.2 devv eth0\n  fd00::1 scope link\n }\n}\n");

        (void)state;
        assert_non_null(find_diag(&f->d, "invalid prefix length"));
        assert_non_null(find_diag(&f->d, "did you mean 'dev'"));
        assert_non_null(find_diag(&f->d, "IPv4 addresses only"));
        done(f);
}

static void test_authentication(void **state)
{
        struct fixture *f = parse(MIN_INSTANCE " authentication {\n  auth_type PASS\n  auth_pass 123456789\n }\n}\n");
        struct conf_vrrp_instance *vi = f->c->instances.first;

        (void)state;
        assert_int_equal(vi->auth_type, AUTH_PASS);
        assert_string_equal(vi->auth_pass, "12345678");
        assert_non_null(find_diag(&f->d, "longer than 8 characters"));
        done(f);
        /* no password: authentication is off */
        f = parse(MIN_INSTANCE " authentication {\n  auth_type AH\n }\n}\n");
        assert_int_equal(f->c->instances.first->auth_type, AUTH_NONE);
        assert_non_null(find_diag(&f->d, "without auth_pass"));
        done(f);
        f = parse(MIN_INSTANCE " authentication {\n  auth_type pass\n }\n}\n");
        assert_non_null(find_diag(&f->d, "did you mean 'PASS'"));
        done(f);
}

static void test_tracking_entries(void **state)
{
        struct fixture *f = parse("vrrp_script chk { \n script \"/bin/true\"\n weight -20\n}\n" MIN_INSTANCE
                                  " track_script {\n  chk weight 10 reverse\n }\n"
                                  " track_interface {\n  eth1 weight -254\n  eth2\n }\n}\n");
        struct conf_vrrp_instance *vi = f->c->instances.first;

        (void)state;
        assert_no_diags(f);
        assert_string_equal(vi->track_script.first->name, "chk");
        assert_int_equal(vi->track_script.first->weight, 10);
        assert_int_equal(vi->track_script.first->reverse, 1);
        assert_int_equal(vi->track_interface.first->weight, -253);
        assert_false(vi->track_interface.last->weight_set);
        done(f);
}

static void test_vrrp_script_defaults(void **state)
{
        struct fixture *f = parse("vrrp_script chk {\n script \"/usr/bin/killall -0 nginx\"\n}\n");
        struct conf_vrrp_script *s = f->c->vrrp_scripts.first;

        (void)state;
        assert_no_diags(f);
        assert_int_equal(s->interval, 1000000);
        assert_int_equal(s->timeout, 1000000); /* = interval */
        assert_int_equal(s->weight, 0);
        assert_int_equal(s->rise, 1);
        assert_int_equal(s->fall, 1);
        assert_int_equal(s->script.argc, 3);
        assert_string_equal(s->script.argv[0], "/usr/bin/killall");
        assert_string_equal(s->script.argv[2], "nginx");
        done(f);
}

static void test_script_quoting(void **state)
{
        struct fixture *f = parse(MIN_INSTANCE " notify \"/x.sh 'a b' c\\tx\" nobody nogroup\n"
                                  " notify_master /y.sh arg\n}\n");
        struct conf_vrrp_instance *vi = f->c->instances.first;

        (void)state;
        assert_int_equal(vi->notify->generic.argc, 3);
        assert_string_equal(vi->notify->generic.argv[1], "a b");
        assert_string_equal(vi->notify->generic.argv[2], "c\tx");
        assert_string_equal(vi->notify->generic.user, "nobody");
        assert_string_equal(vi->notify->generic.group, "nogroup");
        /* an unquoted argument is the user name, as in keepalived */
        assert_int_equal(vi->notify->master.argc, 1);
        assert_string_equal(vi->notify->master.user, "arg");
        done(f);
}

static void test_global_defs(void **state)
{
        struct fixture *f = parse("global_defs {\n notification_email {\n  a@b.c d@e.f\n  g@h.i\n }\n"
                                  " smtp_server 10.0.0.9 2525\n smtp_connect_timeout 0\n router_id r1\n"
                                  " vrrp_mcast_group4 224.0.0.19\n vrrp_version 3\n vrrp_strict\n"
                                  " vrrp_garp_master_repeat 0\n}\n");
        struct conf_global *g = &f->c->global;

        (void)state;
        assert_no_diags(f);
        assert_int_equal(g->notification_email.count, 3);
        assert_string_equal(g->notification_email.last->value, "g@h.i");
        assert_string_equal(g->smtp_server, "10.0.0.9");
        assert_int_equal(g->smtp_server_port, 2525);
        assert_int_equal(g->smtp_connect_timeout, 1000000); /* 0 is 1 */
        assert_string_equal(g->router_id, "r1");
        assert_ip(&g->vrrp_mcast_group4, "224.0.0.19");
        assert_int_equal(g->vrrp_version, 3);
        assert_true(g->vrrp_strict);
        assert_int_equal(g->vrrp_garp_master_repeat, 1);
        done(f);
        f = parse("global_defs {\n}\n");
        assert_string_equal(f->c->global.router_id, "testhost");
        assert_string_equal(f->c->global.notification_email_from, "root@testhost");
        assert_ip(&f->c->global.vrrp_mcast_group6, "ff02::12");
        assert_int_equal(f->c->global.smtp_connect_timeout, 30000000);
        done(f);
}

static void test_unknown_keyword_suggestion(void **state)
{
        struct fixture *f = parse(MIN_INSTANCE " priorty 120\n}\n");
        const struct diag *d = find_diag(&f->d, "unknown keyword 'priorty' in vrrp_instance; did you mean 'priority'?");

        (void)state;
        assert_non_null(d);
        assert_int_equal(d->pos.line, 7);
        assert_int_equal(d->pos.col, 2);
        done(f);
        f = parse("global_defs {\n virtual_router_id 5\n}\n");
        assert_non_null(find_diag(&f->d, "'virtual_router_id' is not valid in global_defs; it belongs in vrrp_instance"));
        done(f);
}

static void test_unknown_block_is_skipped(void **state)
{
        struct fixture *f = parse("vrrp_scritp x {\n script /bin/true\n weight 5\n}\nglobal_defs {\n router_id r\n}\n");

        (void)state;
        /* one error, not one per line of the skipped block */
        assert_int_equal(diag_count(&f->d, DIAG_ERROR), 1);
        assert_string_equal(f->c->global.router_id, "r");
        done(f);
}

static void test_unsupported_and_obsolete(void **state)
{
        struct fixture *f = parse("global_defs {\n enable_snmp_vrrp\n lvs_id LVS_1\n}\nbfd_instance b {\n neighbor_ip 1.2.3.4\n}\n");

        (void)state;
        assert_int_equal(diag_count(&f->d, DIAG_ERROR), 0);
        assert_non_null(find_diag(&f->d, "'enable_snmp_vrrp' is not supported yet"));
        assert_non_null(find_diag(&f->d, "'lvs_id' is obsolete"));
        assert_non_null(find_diag(&f->d, "'bfd_instance' is not supported yet"));
        assert_int_equal(diag_exit_code(&f->d), 0);
        done(f);
}

static void test_braces_errors(void **state)
{
        struct fixture *f = parse("global_defs {\n router_id r\n}\n}\nvrrp_instance VI_1 {\n interface eth0\n");

        (void)state;
        assert_non_null(find_diag(&f->d, "extra '}'"));
        const struct diag *d = find_diag(&f->d, "missing its closing '}'");
        assert_non_null(d);
        assert_int_equal(d->pos.line, 5);
        done(f);
        f = parse("global_defs\nrouter_id x\n");
        assert_non_null(find_diag(&f->d, "must be followed by a block"));
        done(f);
}

static void test_static_routes_rules(void **state)
{
        struct fixture *f = parse("static_ipaddress {\n 192.168.1.1/24 brd + dev eth0 scope global\n}\n"
                                  "static_routes {\n 192.168.2.0/24 via 192.168.1.100 dev eth0\n"
                                  " src 10.0.0.1 to 10.9.0.0/16 via 10.0.0.254 or 10.0.0.253 table 100 metric 5\n"
                                  " blackhole 10.8.0.0/16\n default via 10.0.0.1\n}\n"
                                  "static_rules {\n from 10.0.0.0/8 table 100 priority 10\n}\n");
        struct conf_route *r;

        (void)state;
        assert_no_diags(f);
        assert_int_equal(f->c->static_ipaddress.count, 1);
        r = f->c->static_routes.first;
        assert_ip(&r->dst, "192.168.2.0");
        assert_int_equal(r->dst_len, 24);
        assert_ip(&r->via[0], "192.168.1.100");
        r = r->next;
        assert_true(r->has_src);
        assert_int_equal(r->nvia, 2);
        assert_int_equal(r->table, 100);
        assert_int_equal(r->metric, 5);
        assert_int_equal(r->next->type, RTN_BLACKHOLE);
        assert_true(r->next->next->dst_default);
        assert_int_equal(f->c->static_rules.first->table, 100);
        assert_int_equal(f->c->static_rules.first->preference, 10);
        done(f);
}

static void test_virtual_server(void **state)
{
        struct fixture *f = parse("virtual_server 10.0.0.10 80 {\n delay_loop 6\n lb_algo wrr\n lb_kind DR\n"
                                  " protocol tcp\n persistence_timeout\n real_server 10.0.0.2 8080 {\n  weight 3\n"
                                  "  HTTP_GET {\n   url {\n    path /health\n    status_code 200-299 404\n"
                                  "    digest 0123456789ABCDEF0123456789abcdef\n   }\n   nb_get_retry 4\n  }\n"
                                  "  MISC_CHECK {\n   misc_path \"/bin/check a\"\n   misc_dynamic\n  }\n }\n}\n");
        struct conf_virtual_server *vs = f->c->virtual_servers.first;
        struct conf_real_server *rs = vs->real_servers.first;
        struct conf_checker *ck = rs->checkers.first;

        (void)state;
        assert_non_null(find_diag(&f->d, "nb_get_retry' is deprecated"));
        assert_string_equal(vs->lb_algo, "wrr");
        assert_string_equal(vs->protocol, "TCP");
        assert_int_equal(vs->persistence_timeout, 360);
        assert_int_equal(rs->port, 80); /* DR: forced to the service port */
        assert_non_null(find_diag(&f->d, "real server port must equal the service port"));
        assert_int_equal(ck->type, CHECK_HTTP);
        assert_int_equal(ck->retry, 4);
        assert_int_equal(ck->delay_loop, 6000000);
        assert_int_equal(ck->delay_before_retry, 3000000); /* HTTP default */
        assert_int_equal(ck->connect_timeout, 5000000);
        assert_int_equal(ck->connect_port, 80);
        assert_string_equal(ck->url.first->digest, "0123456789abcdef0123456789abcdef");
        assert_int_equal(ck->url.first->nstatus, 2);
        assert_int_equal(ck->url.first->status[1].lo, 404);
        ck = ck->next;
        assert_int_equal(ck->type, CHECK_MISC);
        assert_int_equal(ck->retry, 0);
        assert_int_equal(ck->misc_timeout, 6000000);
        assert_true(ck->misc_dynamic);
        done(f);
}

static void test_virtual_server_defaults_warn(void **state)
{
        struct fixture *f = parse("virtual_server 10.0.0.10 53 {\n lb_algo lbc\n real_server 10.0.0.2 53 {\n }\n}\n");

        (void)state;
        assert_non_null(find_diag(&f->d, "did you mean 'lblc'"));
        assert_non_null(find_diag(&f->d, "protocol is not set; using UDP"));
        assert_non_null(find_diag(&f->d, "lb_kind is not set; using NAT"));
        assert_string_equal(f->c->virtual_servers.first->protocol, "UDP");
        done(f);
}

static void test_vsg(void **state)
{
        struct fixture *f = parse("virtual_server_group G {\n 10.0.0.1 80\n 10.0.0.3-10 80\n 10.1.0.0/30 443\n"
                                  " fwmark 7\n}\nvirtual_server group G {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n"
                                  " real_server 10.0.0.2 80 {\n }\n}\n");
        struct conf_vsg_entry *e = f->c->vs_groups.first->entries.first;

        (void)state;
        assert_no_diags(f);
        assert_int_equal(e->kind, VSG_ADDR);
        e = e->next;
        assert_int_equal(e->kind, VSG_RANGE);
        assert_ip(&e->range_end, "10.0.0.10");
        e = e->next;
        assert_ip(&e->range_end, "10.1.0.3");
        assert_int_equal(e->next->fwmark, 7);
        done(f);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_instance_defaults),
                cmocka_unit_test(test_state_master_without_priority_is_owner),
                cmocka_unit_test(test_state_is_case_sensitive),
                cmocka_unit_test(test_ranges),
                cmocka_unit_test(test_vmac_name_too_long),
                cmocka_unit_test(test_vip_options),
                cmocka_unit_test(test_vip_errors),
                cmocka_unit_test(test_authentication),
                cmocka_unit_test(test_tracking_entries),
                cmocka_unit_test(test_vrrp_script_defaults),
                cmocka_unit_test(test_script_quoting),
                cmocka_unit_test(test_global_defs),
                cmocka_unit_test(test_unknown_keyword_suggestion),
                cmocka_unit_test(test_unknown_block_is_skipped),
                cmocka_unit_test(test_unsupported_and_obsolete),
                cmocka_unit_test(test_braces_errors),
                cmocka_unit_test(test_static_routes_rules),
                cmocka_unit_test(test_virtual_server),
                cmocka_unit_test(test_virtual_server_defaults_warn),
                cmocka_unit_test(test_vsg),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
