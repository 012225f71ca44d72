/* UDP_CHECK (keepalived-reference.md §1.13): the reply matcher
 * (check/udp_match.c: lengths, the pattern over the shorter length, X
 * nibbles, silence with and without require_reply, keepalived's default
 * payload), and the keywords as parsed and validated (free-format hex,
 * X wildcards in require_reply only, min/max bounds, the reload diff of a
 * changed wildcard). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check/udp_match.h"
#include "conf/diff.h"
#include "memfs.h"

static char detail[CHECK_DETAIL_MAX];

static enum check_result judge(const struct udp_reply_spec *s, const char *reply, size_t len)
{
        return udp_reply_judge(s, (const uint8_t *)reply, len, len, detail, sizeof(detail));
}

static void test_default_payload_is_keepalived_filler(void **state)
{
        struct conf_checker ck = { .type = CHECK_UDP };
        size_t len;
        const uint8_t *p;

        (void)state;
        p = udp_payload_of(&ck, &len);
        assert_int_equal(len, 32);
        assert_memory_equal(p, "keepalived check - keepalived ch", 32);
        uint8_t mine[] = { 1, 2, 3 };
        ck.payload = mine;
        ck.payload_len = 3;
        assert_ptr_equal(udp_payload_of(&ck, &len), mine);
        assert_int_equal(len, 3);
}

static void test_without_require_reply_anything_goes(void **state)
{
        struct udp_reply_spec s = { .require_reply = false, .min_len = 10, .max_len = 20 };

        (void)state;
        /* silence is success: keepalived's default */
        assert_int_equal(udp_silence_judge(&s, detail, sizeof(detail)), CHECK_OK);
        assert_string_equal(detail, "no reply (success without require_reply)");
        /* and any datagram, even outside the bounds, is success */
        assert_int_equal(judge(&s, "x", 1), CHECK_OK);
        assert_string_equal(detail, "reply 1 bytes");
}

static void test_require_reply_needs_a_reply(void **state)
{
        struct udp_reply_spec s = { .require_reply = true, .max_len = 255 };

        (void)state;
        assert_int_equal(udp_silence_judge(&s, detail, sizeof(detail)), CHECK_NO_REPLY);
        assert_string_equal(detail, "no reply within connect_timeout");
        /* no pattern: any content, even empty, within the bounds */
        assert_int_equal(judge(&s, "", 0), CHECK_OK);
        assert_int_equal(judge(&s, "hello", 5), CHECK_OK);
        assert_int_equal(udp_reply_needed(&s), 0);
}

static void test_lengths(void **state)
{
        struct udp_reply_spec s = { .require_reply = true, .min_len = 4, .max_len = 6 };

        (void)state;
        assert_int_equal(judge(&s, "abc", 3), CHECK_PROBE_FAILED);
        assert_string_equal(detail, "reply 3 bytes, min_reply_length 4");
        assert_int_equal(judge(&s, "abcd", 4), CHECK_OK);
        assert_int_equal(judge(&s, "abcdef", 6), CHECK_OK);
        assert_int_equal(judge(&s, "abcdefg", 7), CHECK_PROBE_FAILED);
        assert_string_equal(detail, "reply 7 bytes, max_reply_length 6");
        /* the default bound: 255 */
        s.min_len = 0;
        s.max_len = 255;
        static char big[300];
        assert_int_equal(judge(&s, big, 255), CHECK_OK);
        assert_int_equal(judge(&s, big, 256), CHECK_PROBE_FAILED);
        assert_string_equal(detail, "reply 256 bytes, max_reply_length 255");
}

static void test_pattern_over_the_shorter_length(void **state)
{
        static const uint8_t pat[] = { 'O', 'K', '!', '!' };
        struct udp_reply_spec s = { .require_reply = true, .data = pat, .len = 4, .max_len = 255 };

        (void)state;
        assert_int_equal(udp_reply_needed(&s), 4);
        assert_int_equal(judge(&s, "OK!!", 4), CHECK_OK);
        assert_string_equal(detail, "reply 4 bytes");
        /* longer: only the pattern's length is compared */
        assert_int_equal(judge(&s, "OK!!and more", 12), CHECK_OK);
        /* shorter: compared over its own length (keepalived's rule) */
        assert_int_equal(judge(&s, "OK", 2), CHECK_OK);
        assert_int_equal(judge(&s, "", 0), CHECK_OK);
        /* ... unless min_reply_length asks for the whole pattern */
        s.min_len = 4;
        assert_int_equal(judge(&s, "OK", 2), CHECK_PROBE_FAILED);
        assert_int_equal(judge(&s, "OK?!", 4), CHECK_PROBE_FAILED);
        assert_string_equal(detail, "reply does not match at byte 2");
        assert_int_equal(judge(&s, "NO!!", 4), CHECK_PROBE_FAILED);
        assert_string_equal(detail, "reply does not match at byte 0");
}

static void test_x_nibbles_match_anything(void **state)
{
        /* "1X X2": 0x10 with its low nibble free, 0x02 with its high one */
        static const uint8_t pat[] = { 0x10, 0x02 };
        static const uint8_t ignore[] = { 0x0f, 0xf0 };
        struct udp_reply_spec s = { .require_reply = true, .data = pat, .ignore = ignore, .len = 2, .max_len = 255 };

        (void)state;
        assert_int_equal(judge(&s, "\x10\x02", 2), CHECK_OK);
        assert_int_equal(judge(&s, "\x1f\xe2", 2), CHECK_OK);
        assert_int_equal(judge(&s, "\x20\x02", 2), CHECK_PROBE_FAILED);
        assert_string_equal(detail, "reply does not match at byte 0");
        assert_int_equal(judge(&s, "\x10\x03", 2), CHECK_PROBE_FAILED);
        assert_string_equal(detail, "reply does not match at byte 1");
}

static void test_bytes_not_kept_do_not_match(void **state)
{
        static const uint8_t pat[] = { 'a', 'b', 'c' };
        struct udp_reply_spec s = { .require_reply = true, .data = pat, .len = 3, .max_len = 255 };

        (void)state;
        /* the probe kept 1 byte of a 3-byte reply: byte 1 is unknown */
        assert_int_equal(udp_reply_judge(&s, (const uint8_t *)"abc", 1, 3, detail, sizeof(detail)), CHECK_PROBE_FAILED);
        assert_string_equal(detail, "reply does not match at byte 1");
        /* no detail buffer is fine */
        assert_int_equal(udp_reply_judge(&s, (const uint8_t *)"abc", 3, 3, NULL, 0), CHECK_OK);
}

/* ---- the keywords ---- */

#define UDP_VS(ck)                                                                                          \
        "virtual_server 10.0.0.9 53 {\n lb_algo rr\n lb_kind NAT\n protocol UDP\n"                         \
        " real_server 10.0.0.20 53 {\n  UDP_CHECK {\n" ck "  }\n }\n}\n"

static struct diag_list d;

static struct conf *parse(const char *text)
{
        struct conf *c;

        diag_list_init(&d);
        c = parse_text(text, &d);
        assert_non_null(c);
        return c;
}

static const struct conf_checker *first_checker(const struct conf *c)
{
        return c->virtual_servers.first->real_servers.first->checkers.first;
}

static bool has_diag(enum diag_severity sev, const char *needle)
{
        for (size_t i = 0; i < d.count; i++)
                if (d.items[i].severity == sev && strstr(d.items[i].msg, needle))
                        return true;
        return false;
}

static void test_keywords_parse(void **state)
{
        struct conf *c = parse(UDP_VS("   payload Ab12f 3 456\n   require_reply 4f 4X x0\n   min_reply_length 2\n"
                                      "   max_reply_length 300\n"));
        const struct conf_checker *ck = first_checker(c);

        (void)state;
        if (d.count)
                dump_diags(&d);
        assert_int_equal(d.count, 0);
        assert_int_equal(ck->payload_len, 6);
        assert_memory_equal(ck->payload, "\xab\x12\x0f\x03\x45\x06", 6);
        assert_true(ck->require_reply);
        assert_int_equal(ck->reply_len, 3);
        assert_memory_equal(ck->reply, "\x4f\x40\x00", 3);
        assert_memory_equal(ck->reply_mask, "\x00\x0f\xf0", 3);
        assert_int_equal(ck->min_reply_length, 2);
        assert_int_equal(ck->max_reply_length, 300);
        struct udp_reply_spec s = udp_reply_spec_of(ck);
        assert_int_equal(udp_reply_judge(&s, (const uint8_t *)"\x4f\x4b\xc0", 3, 3, NULL, 0), CHECK_OK);
        conf_free(c);
        diag_list_free(&d);
}

static void test_keyword_defaults(void **state)
{
        struct conf *c = parse(UDP_VS("   connect_timeout 5\n"));
        const struct conf_checker *ck = first_checker(c);

        (void)state;
        assert_int_equal(d.count, 0);
        assert_false(ck->require_reply);
        assert_int_equal(ck->payload_len, 0);
        assert_int_equal(ck->min_reply_length, 0);
        assert_int_equal(ck->max_reply_length, 255);
        conf_free(c);
        diag_list_free(&d);
        /* require_reply alone: a reply is needed, its content is not looked at */
        c = parse(UDP_VS("   require_reply\n"));
        ck = first_checker(c);
        assert_int_equal(d.count, 0);
        assert_true(ck->require_reply);
        assert_int_equal(ck->reply_len, 0);
        conf_free(c);
        diag_list_free(&d);
}

static void test_bad_hex_and_bounds(void **state)
{
        struct conf *c;

        (void)state;
        /* X is a wildcard of require_reply; a payload is sent as it is */
        c = parse(UDP_VS("   payload 1X\n"));
        assert_true(has_diag(DIAG_ERROR, "'1X' is not hexadecimal data"));
        conf_free(c);
        diag_list_free(&d);
        c = parse(UDP_VS("   require_reply 12 zz\n"));
        assert_true(has_diag(DIAG_ERROR, "'zz' is not hexadecimal data"));
        conf_free(c);
        diag_list_free(&d);
        c = parse(UDP_VS("   require_reply\n   min_reply_length 10\n   max_reply_length 4\n"));
        assert_true(has_diag(DIAG_ERROR, "UDP_CHECK min_reply_length 10 > max_reply_length 4"));
        conf_free(c);
        diag_list_free(&d);
        c = parse(UDP_VS("   min_reply_length 10\n"));
        assert_true(has_diag(DIAG_WARNING, "apply only with require_reply"));
        conf_free(c);
        diag_list_free(&d);
        /* a powered-off server on the segment shows only once ARP gives up */
        c = parse(UDP_VS("   connect_timeout 3\n"));
        assert_true(has_diag(DIAG_WARNING, "UDP_CHECK without require_reply and connect_timeout below 4 s"));
        conf_free(c);
        diag_list_free(&d);
        c = parse(UDP_VS("   connect_timeout 4\n"));
        assert_int_equal(d.count, 0);
        conf_free(c);
        diag_list_free(&d);
        c = parse(UDP_VS("   connect_timeout 1\n   require_reply\n"));
        assert_int_equal(d.count, 0);
        conf_free(c);
        diag_list_free(&d);
        c = parse(UDP_VS("   max_reply_length 65536\n"));
        assert_true(d.count > 0);
        conf_free(c);
        diag_list_free(&d);
}

static void test_changed_wildcard_restarts_the_checker(void **state)
{
        struct conf *a = parse(UDP_VS("   require_reply 10\n"));
        diag_list_free(&d);
        struct conf *b = parse(UDP_VS("   require_reply 1X\n"));
        diag_list_free(&d);
        const struct conf_field *why = NULL;

        (void)state;
        /* the same data bytes (0x10), another mask: not the same checker */
        assert_memory_equal(first_checker(a)->reply, first_checker(b)->reply, 1);
        assert_int_equal(conf_diff_classify(&conf_diff_real_server, a->virtual_servers.first->real_servers.first,
                                            b->virtual_servers.first->real_servers.first, &why),
                         CONF_DIFF_RESTART);
        assert_non_null(why);
        assert_string_equal(why->name, "checkers");
        conf_free(a);
        conf_free(b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_default_payload_is_keepalived_filler),
                cmocka_unit_test(test_without_require_reply_anything_goes),
                cmocka_unit_test(test_require_reply_needs_a_reply),
                cmocka_unit_test(test_lengths),
                cmocka_unit_test(test_pattern_over_the_shorter_length),
                cmocka_unit_test(test_x_nibbles_match_anything),
                cmocka_unit_test(test_bytes_not_kept_do_not_match),
                cmocka_unit_test(test_keywords_parse),
                cmocka_unit_test(test_keyword_defaults),
                cmocka_unit_test(test_bad_hex_and_bounds),
                cmocka_unit_test(test_changed_wildcard_restarts_the_checker),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
