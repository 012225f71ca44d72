/* DNS_CHECK: the query of check/dns_msg.c byte by byte (the root, a
 * trailing dot, every type, names that cannot be encoded), the judgement
 * of a reply (truncated header, wrong ID, QR clear, every RCODE, answers
 * with compression pointers, pointer loops, records cut short, TC), and
 * the keywords as keepalived reads them (type in any case, an unknown
 * type a warning, SOA and the root by default, the real server's port,
 * retry 3). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check/dns_msg.h"
#include "memfs.h"

static void test_query_bytes(void **state)
{
        static const uint8_t want[] = { 0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'e', 'x', 'a', 'm', 'p',
                                        'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1 };
        uint8_t buf[DNS_QUERY_MAX];
        size_t len;

        (void)state;
        assert_int_equal(dns_build_query(0xbeef, "example.com", 1, buf, sizeof(buf), &len), 0);
        assert_int_equal(len, sizeof(want));
        assert_memory_equal(buf, want, sizeof(want));
        assert_int_equal(dns_build_query(0xbeef, "example.com.", 1, buf, sizeof(buf), &len), 0);
        assert_memory_equal(buf, want, sizeof(want));
        /* the root, however written: one zero byte, then SOA IN */
        static const char *const roots[] = { NULL, "", "." };
        static const uint8_t root[] = { 0, 0, 6, 0, 1 };
        for (size_t i = 0; i < 3; i++) {
                assert_int_equal(dns_build_query(1, roots[i], 6, buf, sizeof(buf), &len), 0);
                assert_int_equal(len, DNS_HEADER_LEN + 5);
                assert_memory_equal(buf + DNS_HEADER_LEN, root, 5);
        }
        assert_int_equal(dns_build_query(1, "a", 1, buf, 16, &len), -ENOSPC);
}

static void test_query_bad_names(void **state)
{
        char name[300];
        uint8_t buf[DNS_QUERY_MAX];
        size_t len;

        (void)state;
        assert_int_equal(dns_build_query(1, "a..b", 1, buf, sizeof(buf), &len), -EINVAL);
        assert_int_equal(dns_build_query(1, ".a", 1, buf, sizeof(buf), &len), -EINVAL);
        memset(name, 'x', 64);
        name[64] = '\0';
        assert_int_equal(dns_build_query(1, name, 1, buf, sizeof(buf), &len), -EINVAL);
        name[63] = '\0';
        assert_int_equal(dns_build_query(1, name, 1, buf, sizeof(buf), &len), 0);
        /* 4 labels of 63: 256 bytes on the wire, one too many */
        for (int i = 0; i < 4; i++) {
                memset(name + i * 64, 'y', 63);
                name[i * 64 + 63] = '.';
        }
        name[255] = '\0';
        assert_int_equal(dns_build_query(1, name, 1, buf, sizeof(buf), &len), -EINVAL);
}

static void test_types(void **state)
{
        static const char *const names[] = { "A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY" };
        static const uint16_t codes[] = { 1, 2, 5, 6, 15, 16, 28, 46, 48 };

        (void)state;
        for (size_t i = 0; i < 9; i++) {
                assert_int_equal(dns_type_code(names[i]), codes[i]);
                assert_string_equal(dns_type_name(codes[i]), names[i]);
        }
        assert_int_equal(dns_type_code("aaaa"), 28);
        assert_int_equal(dns_type_code(NULL), 6);
        assert_int_equal(dns_type_code("PTR"), 0);
}

/* A reply: header (id 0x1234, flags, counts), the question for
 * example.com A, then what the test appends. */
static size_t reply(uint8_t *m, uint16_t flags, uint16_t an, const uint8_t *rest, size_t rest_len)
{
        static const uint8_t q[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1 };
        uint8_t h[] = { 0x12, 0x34, (uint8_t)(flags >> 8), (uint8_t)flags, 0, 1, (uint8_t)(an >> 8), (uint8_t)an,
                        0, 0, 0, 0 };

        memcpy(m, h, sizeof(h));
        memcpy(m + sizeof(h), q, sizeof(q));
        if (rest_len)
                memcpy(m + sizeof(h) + sizeof(q), rest, rest_len);
        return sizeof(h) + sizeof(q) + rest_len;
}

/* example.com A 10.0.0.1, its name a pointer to the question's (offset 12) */
static const uint8_t answer[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1 };

static void test_judge_ours(void **state)
{
        uint8_t m[512];
        size_t len;
        struct dns_judgement j;

        (void)state;
        len = reply(m, 0x8180, 1, answer, sizeof(answer));
        j = dns_judge_reply(m, len, 0x1234);
        assert_int_equal(j.verdict, DNS_ANSWERED);
        assert_int_equal(j.answers, 1);
        /* NOERROR without data still says the server works, as keepalived */
        len = reply(m, 0x8180, 0, NULL, 0);
        assert_int_equal(dns_judge_reply(m, len, 0x1234).verdict, DNS_ANSWERED);
        /* a name pointing into a name, then labels of its own */
        static const uint8_t chained[] = { 3, 'w', 'w', 'w', 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 29 };
        len = reply(m, 0x8180, 1, chained, sizeof(chained));
        assert_int_equal(dns_judge_reply(m, len, 0x1234).verdict, DNS_ANSWERED);
}

static void test_judge_not_ours(void **state)
{
        uint8_t m[512];
        size_t len = reply(m, 0x8180, 1, answer, sizeof(answer));
        struct dns_judgement j;

        (void)state;
        j = dns_judge_reply(m, len, 0x4321);
        assert_int_equal(j.verdict, DNS_NOT_OURS);
        assert_string_equal(j.why, "reply id mismatch");
        for (size_t cut = 0; cut < DNS_HEADER_LEN; cut++) {
                j = dns_judge_reply(m, cut, 0x1234);
                assert_int_equal(j.verdict, DNS_NOT_OURS);
                assert_string_equal(j.why, "shorter than a DNS header");
        }
        len = reply(m, 0x0100, 0, NULL, 0);
        j = dns_judge_reply(m, len, 0x1234);
        assert_int_equal(j.verdict, DNS_NOT_OURS);
        assert_string_equal(j.why, "QR clear (a query, not a reply)");
}

static void test_judge_rcodes(void **state)
{
        static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                             "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE" };
        uint8_t m[512];

        (void)state;
        for (unsigned rc = 1; rc < 16; rc++) {
                size_t len = reply(m, (uint16_t)(0x8180 | rc), 0, NULL, 0);
                struct dns_judgement j = dns_judge_reply(m, len, 0x1234);
                assert_int_equal(j.verdict, DNS_RCODE);
                assert_int_equal(j.rcode, rc);
                assert_string_equal(dns_rcode_name(rc), rc < 11 ? names[rc] : "unassigned");
        }
        /* the RCODE is judged even when the rest is junk (a FORMERR may echo nothing) */
        static const uint8_t junk[] = { 0x12, 0x34, 0x81, 0x82, 0xff, 0xff, 0, 0, 0, 0, 0, 0 };
        assert_int_equal(dns_judge_reply(junk, sizeof(junk), 0x1234).verdict, DNS_RCODE);
}

static void test_judge_malformed(void **state)
{
        static const struct {
                uint8_t rest[20];
                size_t len;
                const char *why;
        } cases[] = {
                { { 0xc0, 40, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4 }, 16,
                  "a compression pointer that does not point back" },
                { { 0xc0, 29 }, 2, "a compression pointer that does not point back" },     /* itself */
                { { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 9, 1, 2 }, 14, "a record runs past the end" },
                { { 0xc0, 12, 0, 1, 0, 1 }, 6, "a record runs past the end" },
                { { 5, 'a', 'b' }, 3, "a name runs past the end" },
                { { 0xc0 }, 1, "a name runs past the end" },
                { { 0x40, 'a', 0 }, 3, "a label of a reserved type" },
                { { 0 }, 0, "a name runs past the end" },
        };
        uint8_t m[512];

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                size_t len = reply(m, 0x8180, 1, cases[i].rest, cases[i].len);
                struct dns_judgement j = dns_judge_reply(m, len, 0x1234);
                assert_int_equal(j.verdict, DNS_MALFORMED);
                assert_string_equal(j.why, cases[i].why);
                /* with TC set, a message cut short is what the server said it is */
                m[2] |= 0x02;
                j = dns_judge_reply(m, len, 0x1234);
                assert_int_equal(j.verdict, cases[i].why[2] == 'c' || cases[i].why[2] == 'l' ? DNS_MALFORMED
                                                                                              : DNS_ANSWERED);
        }
}

/* A name is at most 255 bytes, however it is made. */
static void test_judge_long_name(void **state)
{
        uint8_t m[512];
        size_t len = reply(m, 0x8180, 1, NULL, 0);

        (void)state;
        /* 130 one-byte labels: 261 bytes */
        for (int i = 0; i < 130; i++) {
                m[len++] = 1;
                m[len++] = 'a';
        }
        m[len++] = 0;
        memcpy(m + len, answer + 2, sizeof(answer) - 2);
        len += sizeof(answer) - 2;
        assert_string_equal(dns_judge_reply(m, len, 0x1234).why, "a name longer than 255 bytes");
}

/* ---- the keywords -------------------------------------------------------------------------- */

#define DNS_VS(checker)                                                                                     \
        "virtual_server 10.0.0.9 53 {\n lb_algo rr\n lb_kind NAT\n protocol UDP\n delay_loop 7\n"             \
        " real_server 10.0.0.20 53 {\n  DNS_CHECK {\n" checker "  }\n }\n}\n"

static void test_conf(void **state)
{
        struct diag_list d;
        struct conf *c;
        const struct conf_checker *ck;

        (void)state;
        diag_list_init(&d);
        c = parse_text(DNS_VS(""), &d);
        ck = c->virtual_servers.first->real_servers.first->checkers.first;
        assert_string_equal(ck->dns_type, "SOA");
        assert_null(ck->dns_name);
        assert_int_equal(ck->connect_port, 53);
        assert_int_equal(ck->retry, 3);
        assert_int_equal(ck->delay_before_retry, 7 * 1000000);
        conf_free(c);
        diag_list_free(&d);

        diag_list_init(&d);
        c = parse_text(DNS_VS("   type aaaa\n   name .\n"), &d);
        assert_int_equal(d.count, 0);
        ck = c->virtual_servers.first->real_servers.first->checkers.first;
        assert_string_equal(ck->dns_type, "AAAA");
        assert_string_equal(ck->dns_name, ".");
        conf_free(c);
        diag_list_free(&d);

        /* keepalived: "Unknown DNS check type BOGUS - ignoring"; the file stays valid */
        diag_list_init(&d);
        c = parse_text(DNS_VS("   type SAO\n   name example.com.\n"), &d);
        assert_int_equal(diag_exit_code(&d), 0);
        assert_non_null(find_diag(&d, "unknown DNS_CHECK type 'SAO' (did you mean 'SOA'?); using SOA"));
        ck = c->virtual_servers.first->real_servers.first->checkers.first;
        assert_string_equal(ck->dns_type, "SOA");
        assert_string_equal(ck->dns_name, "example.com.");
        conf_free(c);
        diag_list_free(&d);
}

static void test_conf_bad_names(void **state)
{
        static const char *const bad[][2] = {
                { DNS_VS("   name a..b\n"), "has an empty label" },
                { DNS_VS("   name .example.com\n"), "has an empty label" },
                { DNS_VS("   name aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com\n"),
                  "a label longer than 63" },
        };

        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct diag_list d;
                struct conf *c;
                diag_list_init(&d);
                c = parse_text(bad[i][0], &d);
                if (!find_diag(&d, bad[i][1]))
                        dump_diags(&d);
                assert_non_null(find_diag(&d, bad[i][1]));
                assert_int_not_equal(diag_exit_code(&d), 0);
                conf_free(c);
                diag_list_free(&d);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_query_bytes),
                cmocka_unit_test(test_query_bad_names),
                cmocka_unit_test(test_types),
                cmocka_unit_test(test_judge_ours),
                cmocka_unit_test(test_judge_not_ours),
                cmocka_unit_test(test_judge_rcodes),
                cmocka_unit_test(test_judge_malformed),
                cmocka_unit_test(test_judge_long_name),
                cmocka_unit_test(test_conf),
                cmocka_unit_test(test_conf_bad_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
