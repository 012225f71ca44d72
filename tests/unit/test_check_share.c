/* One probe, many users (check/probe_key.h): which checkers of a parsed
 * configuration may run as one probe. Two virtual servers with the same
 * real server; each test changes one thing in the second and says whether
 * the two checkers still share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "check/probe_key.h"
#include "memfs.h"

struct pair {
        struct diag_list d;
        struct conf *c;
        struct check_probe_who a, b;
};

static void who_of(const struct conf_virtual_server *vs, struct check_probe_who *w)
{
        w->vs = vs;
        w->rs = vs->real_servers.first;
        assert_non_null(w->rs);
        w->ck = w->rs->checkers.first;
        assert_non_null(w->ck);
}

/* vs2/rs2: extra lines in the second virtual server / real server;
 * ck1/ck2: the two checkers' blocks; rs_addr2: the second real server. */
static void build(struct pair *p, const char *ck1, const char *ck2, const char *vs2, const char *rs2,
                  const char *rs_addr2)
{
        static char text[8192];

        snprintf(text, sizeof(text),
                 "track_file f {\n file /run/vigil-test-f\n}\n"
                 "virtual_server 10.0.0.1 80 {\n delay_loop 3\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
                 " real_server 10.0.1.1 8080 {\n  weight 1\n%s\n }\n}\n"
                 "virtual_server 10.0.0.2 80 {\n delay_loop 3\n lb_algo rr\n lb_kind NAT\n protocol TCP\n%s\n"
                 " real_server %s {\n  weight 1\n%s\n%s\n }\n}\n",
                 ck1, vs2, rs_addr2, rs2, ck2);
        diag_list_init(&p->d);
        p->c = parse_text(text, &p->d);
        assert_non_null(p->c);
        if (diag_exit_code(&p->d) > 1)
                dump_diags(&p->d);
        who_of(p->c->virtual_servers.first, &p->a);
        who_of(p->c->virtual_servers.first->next, &p->b);
}

static void done(struct pair *p)
{
        conf_free(p->c);
        diag_list_free(&p->d);
}

/* Whether the checkers share, checking that the relation is symmetric
 * and that sharing ones hash alike. */
static bool shares_full(const char *ck1, const char *ck2, const char *vs2, const char *rs2, const char *addr2)
{
        struct pair p;
        bool eq;

        build(&p, ck1, ck2, vs2, rs2, addr2);
        eq = check_probe_key_equal(&p.a, &p.b);
        assert_int_equal(eq, check_probe_key_equal(&p.b, &p.a));
        if (eq)
                assert_true(check_probe_key_hash(&p.a) == check_probe_key_hash(&p.b));
        done(&p);
        return eq;
}

static bool shares(const char *ck1, const char *ck2)
{
        return shares_full(ck1, ck2, "", "", "10.0.1.1 8080");
}

#define TCP(x) "  TCP_CHECK {\n   connect_timeout 2\n" x "\n  }"

static void identical_tcp_checks_share(void **state)
{
        (void)state;
        assert_true(shares(TCP(""), TCP("")));
        /* the virtual server, the real server's weight and what only a
         * user reads do not split the group */
        assert_true(shares_full(TCP(""), TCP("   log_all_failures"), " lb_algo wlc\n persistence_timeout 60",
                                "  weight 7\n  inhibit_on_failure\n  notify_up /bin/true", "10.0.1.1 8080"));
        /* the same port, given twice over */
        assert_true(shares(TCP(""), TCP("   connect_port 8080")));
        assert_true(shares(TCP("   connect_ip 10.0.1.1"), TCP("")));
        /* a timeout inherited from the real server equal to the checker's */
        assert_true(shares_full(TCP(""), "  TCP_CHECK {\n  }", "", "  connect_timeout 2", "10.0.1.1 8080"));
}

static void the_target_splits_a_group(void **state)
{
        (void)state;
        assert_false(shares_full(TCP(""), TCP(""), "", "", "10.0.1.2 8080"));
        assert_false(shares_full(TCP(""), TCP(""), "", "", "10.0.1.1 8081"));
        assert_false(shares(TCP(""), TCP("   connect_port 8081")));
        assert_false(shares(TCP(""), TCP("   connect_ip 10.0.1.9")));
        assert_false(shares(TCP(""), TCP("   bindto 10.0.1.200")));
        assert_false(shares(TCP(""), TCP("   bind_port 40000")));
        assert_false(shares(TCP(""), TCP("   bind_if eth0")));
        assert_false(shares(TCP(""), TCP("   fwmark 7")));
        assert_false(shares(TCP(""), TCP("   connect_timeout 3")));
        assert_false(shares_full("  TCP_CHECK {\n  }", "  TCP_CHECK {\n  }", "", "  connect_timeout 9",
                                 "10.0.1.1 8080"));
}

static void the_schedule_splits_a_group(void **state)
{
        (void)state;
        assert_false(shares(TCP(""), TCP("   delay_loop 4")));
        assert_false(shares_full(TCP(""), TCP(""), " delay_loop 4", "", "10.0.1.1 8080"));
        assert_false(shares(TCP(""), TCP("   retry 3")));
        assert_false(shares(TCP(""), TCP("   delay_before_retry 7")));
        assert_false(shares(TCP(""), TCP("   warmup 1")));
        assert_false(shares(TCP(""), TCP("   alpha")));
        assert_false(shares_full(TCP(""), TCP(""), " alpha", "", "10.0.1.1 8080"));
}

#define HTTP(x) "  HTTP_GET {\n   connect_timeout 2\n   url {\n    path /health\n    status_code 200\n   }\n" x "\n  }"
#define HTTP_URL(u) "  HTTP_GET {\n   connect_timeout 2\n   url {\n" u "\n   }\n  }"

static void http_parameters_split_a_group(void **state)
{
        (void)state;
        assert_true(shares(HTTP(""), HTTP("")));
        assert_false(shares(TCP(""), HTTP("")));
        assert_false(shares(HTTP(""), "  SSL_GET {\n   connect_timeout 2\n   url {\n    path /health\n    status_code 200\n   }\n  }"));
        assert_false(shares(HTTP_URL("    path /a"), HTTP_URL("    path /b")));
        assert_false(shares(HTTP_URL("    path /a\n    digest 0123456789abcdef0123456789abcdef"),
                            HTTP_URL("    path /a\n    digest 0123456789abcdef0123456789abcdee")));
        assert_false(shares(HTTP_URL("    path /a\n    status_code 200"), HTTP_URL("    path /a\n    status_code 201")));
        assert_false(shares(HTTP_URL("    path /a\n    virtualhost a.example"),
                            HTTP_URL("    path /a\n    virtualhost b.example")));
        assert_false(shares(HTTP(""), HTTP("   url {\n    path /more\n   }")));
        assert_false(shares(HTTP(""), HTTP("   virtualhost www.example")));
        assert_false(shares(HTTP(""), HTTP("   http_protocol 1.1")));
        assert_false(shares(HTTP(""), HTTP("   enable_sni")));
        assert_false(shares(HTTP("   sni_name a.example"), HTTP("   sni_name b.example")));
        assert_true(shares(HTTP("   virtualhost www.example"), HTTP("   virtualhost www.example")));
        /* the regex keywords and the TLS extensions are part of what is probed */
        assert_false(shares(HTTP_URL("    path /a\n    regex ok"), HTTP_URL("    path /a\n    regex OK")));
        assert_false(shares(HTTP_URL("    path /a\n    regex ok"), HTTP_URL("    path /a\n    regex ok\n    regex_no_match")));
        assert_false(shares(HTTP_URL("    path /a\n    regex ok"),
                            HTTP_URL("    path /a\n    regex ok\n    regex_min_offset 4")));
        assert_false(shares(HTTP_URL("    path /a\n    regex ok"),
                            HTTP_URL("    path /a\n    regex ok\n    regex_max_offset 40")));
        assert_true(shares(HTTP_URL("    path /a\n    regex ok"), HTTP_URL("    path /a\n    regex ok")));
        assert_false(shares(HTTP(""), HTTP("   tls_verify")));
        assert_false(shares(HTTP(""), HTTP("   tls_session_reuse")));
        assert_false(shares(HTTP(""), HTTP("   decode_chunked")));
}

static void other_types_parameters_split_a_group(void **state)
{
        (void)state;
        assert_true(shares("  SMTP_CHECK {\n   helo_name a\n  }", "  SMTP_CHECK {\n   helo_name a\n  }"));
        assert_false(shares("  SMTP_CHECK {\n   helo_name a\n  }", "  SMTP_CHECK {\n   helo_name b\n  }"));
        assert_true(shares("  DNS_CHECK {\n   type A\n   name a.example\n  }", "  DNS_CHECK {\n   type A\n   name a.example\n  }"));
        assert_false(shares("  DNS_CHECK {\n   type A\n   name a.example\n  }", "  DNS_CHECK {\n   type MX\n   name a.example\n  }"));
        assert_false(shares("  DNS_CHECK {\n   type A\n   name a.example\n  }", "  DNS_CHECK {\n   type A\n   name b.example\n  }"));
        assert_true(shares("  UDP_CHECK {\n   payload 0102\n  }", "  UDP_CHECK {\n   payload 0102\n  }"));
        assert_false(shares("  UDP_CHECK {\n   payload 0102\n  }", "  UDP_CHECK {\n   payload 0103\n  }"));
        assert_false(shares("  UDP_CHECK {\n  }", "  UDP_CHECK {\n   require_reply\n  }"));
        assert_false(shares("  UDP_CHECK {\n   require_reply 01\n  }", "  UDP_CHECK {\n   require_reply 02\n  }"));
        assert_false(shares("  UDP_CHECK {\n  }", "  UDP_CHECK {\n   min_reply_length 4\n  }"));
        assert_false(shares("  UDP_CHECK {\n  }", "  UDP_CHECK {\n   max_reply_length 4\n  }"));
        assert_true(shares("  PING_CHECK {\n  }", "  PING_CHECK {\n  }"));
        assert_false(shares("  PING_CHECK {\n  }", "  UDP_CHECK {\n  }"));
}

static void misc_file_and_smtp_hosts_never_share(void **state)
{
        struct pair p;

        (void)state;
        assert_false(shares("  MISC_CHECK {\n   misc_path /bin/true\n  }", "  MISC_CHECK {\n   misc_path /bin/true\n  }"));
        build(&p, "  MISC_CHECK {\n   misc_path /bin/true\n  }", TCP(""), "", "", "10.0.1.1 8080");
        assert_false(check_probe_shareable(&p.a));
        assert_true(check_probe_shareable(&p.b));
        done(&p);
        assert_false(shares_full("  FILE_CHECK {\n   track_file f\n  }", "  FILE_CHECK {\n   track_file f\n  }", "", "",
                                 "10.0.1.1 8080"));
        /* validation expands SMTP host blocks into SMTP_CHECKs of their own
         * (conf/validate_lvs.c), which share like any other */
        assert_true(shares("  SMTP_CHECK {\n   host {\n    connect_ip 10.0.1.5\n   }\n  }",
                           "  SMTP_CHECK {\n   host {\n    connect_ip 10.0.1.5\n   }\n  }"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(identical_tcp_checks_share),
                cmocka_unit_test(the_target_splits_a_group),
                cmocka_unit_test(the_schedule_splits_a_group),
                cmocka_unit_test(http_parameters_split_a_group),
                cmocka_unit_test(other_types_parameters_split_a_group),
                cmocka_unit_test(misc_file_and_smtp_hosts_never_share),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
