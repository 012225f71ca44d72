/* HTTP_GET / SSL_GET keywords as parsed and validated: every url keyword
 * of keepalived (regex with PCRE2, no longer "built without PCRE2"), the
 * Host inheritance url <- checker <- real server <- virtual server, and
 * vigil's extensions said as such. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

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

#define VS(vs_extra, rs_extra, checker)                                                                 \
        "virtual_server 10.0.0.9 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n" vs_extra              \
        " real_server 10.0.0.20 8080 {\n" rs_extra checker " }\n}\n"

static const struct conf_checker *first_checker(void)
{
        return c->virtual_servers.first->real_servers.first->checkers.first;
}

static void test_url_keywords(void **state)
{
        const struct conf_checker *ck;
        const struct conf_url *u;

        (void)state;
        parse(VS("", "", "  HTTP_GET {\n   url {\n    path /health\n    digest 6F5902AC237024BDD0C176CB93063DC4\n"
                         "    status_code 200 301-302\n    regex \"ok|fine\"\n    regex_no_match\n"
                         "    regex_options caseless multiline\n    regex_min_offset 10\n    regex_max_offset 400\n"
                         "    regex_stack 32768 1048576\n   }\n   http_protocol 1.1\n   fast_recovery\n  }\n"));
        if (d.count)
                dump_diags(&d);
        assert_int_equal(d.count, 0);
        ck = first_checker();
        assert_int_equal(ck->type, CHECK_HTTP);
        assert_string_equal(ck->http_protocol, "1.1");
        assert_true(ck->fast_recovery);
        u = ck->url.first;
        assert_string_equal(u->path, "/health");
        assert_string_equal(u->digest, "6f5902ac237024bdd0c176cb93063dc4");
        assert_int_equal(u->nstatus, 2);
        assert_int_equal(u->status[1].lo, 301);
        assert_int_equal(u->status[1].hi, 302);
        assert_string_equal(u->regex, "ok|fine");
        assert_true(u->regex_no_match);
        assert_int_equal(u->regex_options, PCRE2_CASELESS | PCRE2_MULTILINE);
        assert_int_equal(u->regex_min_offset, 10);
        assert_int_equal(u->regex_max_offset, 400);
        assert_int_equal(u->regex_stack_start, 32768);
        assert_int_equal(u->regex_stack_max, 1048576);
        done();
}

static void test_regex_errors(void **state)
{
        (void)state;
        parse(VS("", "", "  HTTP_GET {\n   url {\n    path /\n    regex \"(unclosed\"\n   }\n  }\n"));
        assert_non_null(find_diag(&d, "does not compile"));
        assert_null(first_checker()->url.first->regex);
        done();
        parse(VS("", "", "  HTTP_GET {\n   url {\n    path /\n    regex x\n    regex_options shouting\n   }\n  }\n"));
        assert_non_null(find_diag(&d, "unknown regex option 'shouting'"));
        done();
        parse(VS("", "", "  HTTP_GET {\n   url {\n    path /\n    regex_min_offset 10\n    regex_max_offset 5\n"
                         "   }\n  }\n"));
        assert_non_null(find_diag(&d, "regex_max_offset is below regex_min_offset"));
        done();
}

static void test_virtualhost_inheritance(void **state)
{
        const struct conf_url *u;

        (void)state;
        /* url's own, else the checker's, else the real server's, else the virtual server's */
        parse(VS(" virtualhost vs.example\n", "", "  HTTP_GET {\n   url {\n    path /a\n   }\n"
                                                  "   url {\n    path /b\n    virtualhost url.example\n   }\n  }\n"));
        u = first_checker()->url.first;
        assert_string_equal(u->virtualhost, "vs.example");
        assert_string_equal(u->next->virtualhost, "url.example");
        done();
        parse(VS(" virtualhost vs.example\n", "  virtualhost rs.example\n",
                 "  HTTP_GET {\n   url {\n    path /a\n   }\n  }\n"));
        assert_string_equal(first_checker()->url.first->virtualhost, "rs.example");
        done();
        parse(VS(" virtualhost vs.example\n", "  virtualhost rs.example\n",
                 "  HTTP_GET {\n   virtualhost ck.example\n   url {\n    path /a\n   }\n  }\n"));
        assert_string_equal(first_checker()->url.first->virtualhost, "ck.example");
        done();
}

static void test_ssl_get_and_extensions(void **state)
{
        const struct conf_checker *ck;

        (void)state;
        parse("SSL {\n ca /etc/ssl/ca.pem\n certificate /c.pem\n key /k.pem\n password s3cret\n}\n"
              VS("", "", "  SSL_GET {\n   enable_sni\n   sni_name api.example\n   tls_compliant\n   tls_verify\n"
                         "   tls_session_reuse\n   decode_chunked\n   url {\n    path /\n    digest "
                         "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447\n   }\n  }\n"));
        ck = first_checker();
        assert_int_equal(ck->type, CHECK_SSL);
        assert_true(ck->enable_sni);
        assert_string_equal(ck->sni_name, "api.example");
        assert_true(ck->tls_compliant);
        assert_true(ck->tls_verify);
        assert_true(ck->tls_session_reuse);
        assert_true(ck->decode_chunked);
        assert_string_equal(ck->url.first->digest, "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447");
        assert_true(c->ssl.present);
        assert_string_equal(c->ssl.ca, "/etc/ssl/ca.pem");
        assert_string_equal(c->ssl.password, "s3cret");
        assert_non_null(find_diag(&d, "tls_verify is a vigil extension: keepalived does not accept this file"));
        assert_non_null(find_diag(&d, "tls_session_reuse is a vigil extension"));
        assert_non_null(find_diag(&d, "decode_chunked is a vigil extension"));
        assert_non_null(find_diag(&d, "a SHA-256 digest is a vigil extension"));
        assert_null(find_diag(&d, "tls_verify without an SSL { ca }"));
        done();
        /* keepalived's keywords alone: nothing said */
        parse(VS("", "", "  SSL_GET {\n   enable_sni\n   url {\n    path /\n    tls_compliant\n   }\n  }\n"));
        if (d.count)
                dump_diags(&d);
        assert_int_equal(d.count, 0);
        done();
        /* TLS settings on HTTP_GET mean nothing; tls_verify without ca uses the system's */
        parse(VS("", "", "  HTTP_GET {\n   tls_verify\n   url {\n    path /\n   }\n  }\n"));
        assert_non_null(find_diag(&d, "apply to SSL_GET only"));
        assert_non_null(find_diag(&d, "tls_verify without an SSL { ca } block"));
        done();
}

static void test_digest_length(void **state)
{
        (void)state;
        parse(VS("", "", "  HTTP_GET {\n   url {\n    path /\n    digest 6f5902ac\n   }\n  }\n"));
        assert_non_null(find_diag(&d, "digest must be 32 hexadecimal characters"));
        assert_null(first_checker()->url.first->digest);
        done();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_url_keywords),
                cmocka_unit_test(test_regex_errors),
                cmocka_unit_test(test_virtualhost_inheritance),
                cmocka_unit_test(test_ssl_get_and_extensions),
                cmocka_unit_test(test_digest_length),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
