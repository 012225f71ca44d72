/* The LVS keywords the check worker reads (global_defs' lvs_*, the
 * scheduler flags, persistence_engine, the forwarding methods with their
 * tunnel options), what validation derives from them, and the config-test
 * warnings for the checkers this build does not run (daemon/limits.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

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

static void assert_clean(void)
{
        if (d.count)
                dump_diags(&d);
        assert_int_equal(d.count, 0);
}

#define GD(body) "global_defs {\n" body "}\n"
/* A complete NAT service; extra goes into the virtual_server, rs into its
 * real server (port 8080), before its TCP_CHECK. */
#define VS(extra, rs)                                                                                     \
        "virtual_server 10.0.0.9 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n" extra                \
        " real_server 10.0.0.20 8080 {\n" rs "  TCP_CHECK {\n   connect_timeout 3\n  }\n }\n}\n"
#define VS_KIND(kind, extra)                                                                              \
        "virtual_server 10.0.0.9 80 {\n lb_algo rr\n lb_kind " kind "\n protocol TCP\n" extra           \
        " real_server 10.0.0.20 80 {\n  TCP_CHECK {\n  }\n }\n}\n"

static void test_lvs_timeouts(void **state)
{
        (void)state;
        parse(GD(" lvs_timeouts tcp 900 udp 300\n") VS("", ""));
        assert_clean();
        assert_true(c->global.lvs_timeouts_set);
        assert_int_equal(c->global.lvs_timeout_tcp, 900);
        assert_int_equal(c->global.lvs_timeout_tcpfin, 0); /* not given: the kernel's stays */
        assert_int_equal(c->global.lvs_timeout_udp, 300);
        done();
        parse(GD(" lvs_timeouts tcpfin 2678400\n") VS("", ""));
        assert_clean();
        assert_int_equal(c->global.lvs_timeout_tcpfin, 2678400);
        done();
}

static void test_lvs_timeouts_errors(void **state)
{
        static const char *const bad[][2] = {
                { GD(" lvs_timeouts\n"), "needs at least one of tcp" },
                { GD(" lvs_timeouts tcp\n"), "needs at least one of tcp" },
                { GD(" lvs_timeouts tcp 3 udp\n"), "lvs_timeouts udp needs a number of seconds" },
                { GD(" lvs_timeouts tcp 2678401\n"), "2678401" },
                { GD(" lvs_timeouts tcp abc\n"), "abc" },
                { GD(" lvs_timeouts tcpfn 3\n"), "tcpfn" },
        };

        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                parse(bad[i][0]);
                if (!find_diag(&d, bad[i][1]))
                        dump_diags(&d);
                assert_non_null(find_diag(&d, bad[i][1]));
                assert_int_equal(diag_exit_code(&d), 5);
                done();
        }
}

static void test_lvs_flush_on_stop(void **state)
{
        (void)state;
        parse(VS("", ""));
        assert_int_equal(c->global.lvs_flush_onstop, CONF_FLUSH_ONSTOP_NONE);
        done();
        parse(GD(" lvs_flush_on_stop\n") VS("", ""));
        assert_clean();
        assert_int_equal(c->global.lvs_flush_onstop, CONF_FLUSH_ONSTOP_ALL);
        done();
        parse(GD(" lvs_flush_onstop VS\n") VS("", ""));
        assert_clean();
        assert_int_equal(c->global.lvs_flush_onstop, CONF_FLUSH_ONSTOP_VS);
        done();
        /* keepalived: "Unknown lvs_flush_on_stop type vs" (the word is case-sensitive) */
        parse(GD(" lvs_flush_on_stop vs\n") VS("", ""));
        assert_non_null(find_diag(&d, "lvs_flush_on_stop takes nothing or VS, not 'vs'"));
        assert_int_equal(diag_exit_code(&d), 5);
        assert_int_equal(c->global.lvs_flush_onstop, CONF_FLUSH_ONSTOP_NONE);
        done();
}

static void test_lvs_dry_run_is_an_extension(void **state)
{
        const struct diag *x;

        (void)state;
        parse(GD(" lvs_dry_run\n") VS("", ""));
        x = find_diag(&d, "lvs_dry_run is a vigil extension: keepalived does not accept this file");
        assert_non_null(x);
        assert_int_equal(x->severity, DIAG_WARNING);
        assert_int_equal(x->pos.line, 2);
        assert_true(c->global.lvs_dry_run);
        assert_int_equal(diag_exit_code(&d), 0);
        done();
        parse(GD(" lvs_dry_run false\n") VS("", ""));
        assert_false(c->global.lvs_dry_run);
        done();
}

static void test_rs_init_notifies(void **state)
{
        (void)state;
        parse(GD(" rs_init_notifies\n") VS("", ""));
        assert_clean();
        assert_true(c->global.rs_init_notifies);
        done();
        parse(GD(" rs_init_notifies x\n") VS("", ""));
        assert_int_equal(diag_exit_code(&d), 5);
        done();
}

static void test_scheduler_flags(void **state)
{
        (void)state;
        parse("virtual_server 10.0.0.9 80 {\n lb_algo sh\n sh-port\n sh-fallback\n flag-3\n lb_kind NAT\n"
              " protocol TCP\n real_server 10.0.0.20 80 {\n }\n}\n");
        assert_clean();
        assert_int_equal(c->virtual_servers.first->sched_flags, CONF_SCHED_F1 | CONF_SCHED_F2 | CONF_SCHED_F3);
        done();
        /* keepalived takes either family's flags with either of the two */
        parse("virtual_server 10.0.0.9 80 {\n lb_algo mh\n mh-port\n lb_kind NAT\n protocol TCP\n"
              " real_server 10.0.0.20 80 {\n }\n}\n");
        assert_clean();
        assert_int_equal(c->virtual_servers.first->sched_flags, CONF_SCHED_F2);
        done();
        parse(VS(" flag-1\n", ""));
        assert_clean();
        assert_int_equal(c->virtual_servers.first->sched_flags, CONF_SCHED_F1);
        done();
}

static void test_scheduler_flags_need_sh_or_mh_first(void **state)
{
        (void)state;
        parse(VS(" mh-fallback\n", ""));
        assert_non_null(find_diag(&d, "mh-fallback only applies to the sh and mh schedulers"));
        assert_int_equal(c->virtual_servers.first->sched_flags, 0);
        assert_int_equal(diag_exit_code(&d), 5);
        done();
        /* the order counts, as in keepalived */
        parse("virtual_server 10.0.0.9 80 {\n sh-port\n lb_algo sh\n lb_kind NAT\n protocol TCP\n"
              " real_server 10.0.0.20 80 {\n }\n}\n");
        assert_non_null(find_diag(&d, "sh-port only applies to the sh and mh schedulers"));
        done();
}

static void test_persistence_engine(void **state)
{
        (void)state;
        parse(VS(" persistence_engine sip\n", ""));
        assert_clean();
        assert_string_equal(c->virtual_servers.first->persistence_engine, "sip");
        done();
        parse(VS(" persistence_engine abcdefghijklmnop\n", ""));
        assert_non_null(find_diag(&d, "longer than the kernel's 15 characters"));
        assert_null(c->virtual_servers.first->persistence_engine);
        done();
}

static void test_tunnel_options(void **state)
{
        const struct conf_virtual_server *vs;

        (void)state;
        parse(VS_KIND("TUN type gue port 6080 csum", ""));
        assert_clean();
        vs = c->virtual_servers.first;
        assert_string_equal(vs->lb_kind, "TUN");
        assert_int_equal(vs->lb_tun.type, CONF_TUN_GUE);
        assert_int_equal(vs->lb_tun.port, 6080);
        assert_int_equal(vs->lb_tun.flags, CONF_TUN_F_CSUM);
        /* the real server inherits the method with its options */
        assert_string_equal(vs->real_servers.first->lvs_method, "TUN");
        assert_int_equal(vs->real_servers.first->tun.port, 6080);
        done();
        parse(VS_KIND("TUN type gre csum", ""));
        assert_clean();
        assert_int_equal(c->virtual_servers.first->lb_tun.type, CONF_TUN_GRE);
        done();
        parse(VS_KIND("TUN", ""));
        assert_clean();
        assert_int_equal(c->virtual_servers.first->lb_tun.type, CONF_TUN_IPIP);
        done();
}

static void test_tunnel_option_errors(void **state)
{
        static const char *const bad[][2] = {
                { VS_KIND("TUN type gue", ""), "gue tunnels need a port" },
                { VS_KIND("TUN port 6080", ""), "gue tunnels need a port" },
                { VS_KIND("DR type gue", ""), "gue tunnels need a port" },
                { VS_KIND("TUN type ipip csum", ""), "ipip tunnels take no checksum option" },
                { VS_KIND("TUN remcsum", ""), "ipip tunnels take no checksum option" },
                { VS_KIND("TUN type gre remcsum", ""), "gre tunnels do not support remcsum" },
                { VS_KIND("TUN type foo", ""), "foo" },
                { VS_KIND("TUN type", ""), "type needs a value" },
                { VS_KIND("TUN type gue port", ""), "port needs a value" },
                { VS_KIND("TUN type gue port 0", ""), "0" },
                { VS_KIND("TUN foo", ""), "'foo' is not a tunnel option" },
        };

        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                parse(bad[i][0]);
                if (!find_diag(&d, bad[i][1]))
                        dump_diags(&d);
                assert_non_null(find_diag(&d, bad[i][1]));
                assert_int_equal(diag_exit_code(&d), 5);
                done();
        }
}

static void test_real_server_lvs_method(void **state)
{
        const struct conf_real_server *rs;

        (void)state;
        /* keepalived: a DR real server in a NAT service gets the service's port */
        parse(VS("", "  lvs_method DR\n"));
        rs = c->virtual_servers.first->real_servers.first;
        assert_string_equal(rs->lvs_method, "DR");
        assert_int_equal(rs->port, 80);
        assert_non_null(find_diag(&d, "with DR the real server port must equal the service port; using 80"));
        assert_int_equal(diag_exit_code(&d), 0);
        done();
        parse(VS("", "  lvs_method TUN type gue port 5555 remcsum\n"));
        rs = c->virtual_servers.first->real_servers.first;
        assert_int_equal(rs->tun.type, CONF_TUN_GUE);
        assert_int_equal(rs->tun.flags, CONF_TUN_F_REMCSUM);
        done();
        parse(VS("", "  lvs_method TUN type gue\n"));
        assert_non_null(find_diag(&d, "gue tunnels need a port"));
        done();
        /* NAT keeps the real server's own port */
        parse(VS("", ""));
        assert_clean();
        rs = c->virtual_servers.first->real_servers.first;
        assert_string_equal(rs->lvs_method, "NAT");
        assert_int_equal(rs->port, 8080);
        done();
}

static void test_sorry_server_lvs_method(void **state)
{
        const struct conf_virtual_server *vs;

        (void)state;
        parse(VS(" sorry_server 10.0.0.30 80\n sorry_server_lvs_method TUN type gre\n", ""));
        assert_clean();
        vs = c->virtual_servers.first;
        assert_string_equal(vs->sorry_server_lvs_method, "TUN");
        assert_int_equal(vs->sorry_tun.type, CONF_TUN_GRE);
        done();
        parse(VS(" sorry_server 10.0.0.30 80\n", ""));
        assert_string_equal(c->virtual_servers.first->sorry_server_lvs_method, "NAT");
        done();
        /* keepalived: "sorry_server forwarding used without sorry_server" */
        parse(VS(" sorry_server_lvs_method DR\n", ""));
        assert_non_null(find_diag(&d, "sorry_server_lvs_method needs a sorry_server line before it"));
        assert_int_equal(diag_exit_code(&d), 5);
        done();
}

#define RS_WITH(checkers) \
        "virtual_server 10.0.0.9 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n" \
        " real_server 10.0.0.20 80 {\n" checkers " }\n real_server 10.0.0.21 80 {\n" checkers " }\n}\n"
#define HTTP "  HTTP_GET {\n   url {\n    path /\n   }\n  }\n"

#define RS_WITH(checkers) \
        "virtual_server 10.0.0.9 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n" \
        " real_server 10.0.0.20 80 {\n" checkers " }\n real_server 10.0.0.21 80 {\n" checkers " }\n}\n"
#define HTTP "  HTTP_GET {\n   url {\n    path /\n   }\n  }\n"

/* Issue 15: every checker keepalived has (BFD_CHECK aside) is run, so a
 * configuration using each of them validates without a word. */
static void test_every_checker_type_validates_clean(void **state)
{
        (void)state;
        parse("track_file f {\n file /tmp/vigil-unit-nofile\n weight 0\n}\n"
              RS_WITH("  TCP_CHECK {\n  }\n  MISC_CHECK {\n   misc_path /bin/true\n  }\n" HTTP
                      "  SSL_GET {\n   url {\n    path /\n   }\n  }\n  SMTP_CHECK {\n  }\n"
                      "  DNS_CHECK {\n  }\n  UDP_CHECK {\n  }\n  PING_CHECK {\n  }\n"
                      "  FILE_CHECK {\n   track_file f\n  }\n"));
        assert_clean();
        assert_int_equal(c->virtual_servers.first->real_servers.first->checkers.count, 9);
        done();
}

/* A duplicate real server is dropped with a warning, the first one kept,
 * in a small service (compared in turn) as in a large one (hashed). */
static void dedupe_case(int nrs, int dup_of)
{
        static char text[1 << 16];
        size_t n = (size_t)snprintf(text, sizeof(text), "virtual_server 10.0.0.9 80 {\n lb_algo rr\n lb_kind NAT\n"
                                                           " protocol TCP\n");
        const struct conf_real_server *rs;
        int k = 0, warned = 0;

        for (int i = 0; i <= nrs; i++) /* the last one repeats server dup_of, weight 9 */
                n += (size_t)snprintf(text + n, sizeof(text) - n,
                                      " real_server 10.0.%d.%d 8080 {\n  weight %d\n  TCP_CHECK {\n  }\n }\n",
                                      (i < nrs ? i : dup_of) / 250, (i < nrs ? i : dup_of) % 250 + 1,
                                      i < nrs ? 1 : 9);
        snprintf(text + n, sizeof(text) - n, "}\n");
        parse(text);
        for (size_t i = 0; i < d.count; i++)
                warned += strstr(d.items[i].msg, "duplicate real server removed") != NULL;
        assert_int_equal(warned, 1);
        assert_int_equal(c->virtual_servers.first->real_servers.count, nrs);
        CONF_FOREACH(rs, &c->virtual_servers.first->real_servers) {
                assert_int_equal(rs->weight, 1);
                k++;
        }
        assert_int_equal(k, nrs);
        assert_ptr_equal(c->virtual_servers.first->real_servers.last->next, NULL);
        done();
}

static void test_duplicate_real_servers_small_and_large(void **state)
{
        (void)state;
        dedupe_case(3, 1);
        dedupe_case(600, 0);
        dedupe_case(600, 599);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lvs_timeouts),
                cmocka_unit_test(test_lvs_timeouts_errors),
                cmocka_unit_test(test_lvs_flush_on_stop),
                cmocka_unit_test(test_lvs_dry_run_is_an_extension),
                cmocka_unit_test(test_rs_init_notifies),
                cmocka_unit_test(test_scheduler_flags),
                cmocka_unit_test(test_scheduler_flags_need_sh_or_mh_first),
                cmocka_unit_test(test_persistence_engine),
                cmocka_unit_test(test_tunnel_options),
                cmocka_unit_test(test_tunnel_option_errors),
                cmocka_unit_test(test_real_server_lvs_method),
                cmocka_unit_test(test_sorry_server_lvs_method),
                cmocka_unit_test(test_every_checker_type_validates_clean),
                cmocka_unit_test(test_duplicate_real_servers_small_and_large),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
