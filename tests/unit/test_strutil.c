#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/strutil.h"

static void test_distance(void **state)
{
        (void)state;
        assert_int_equal(str_edit_distance("vrrp_script", "vrrp_script", 5), 0);
        assert_int_equal(str_edit_distance("vrrip_script", "vrrp_script", 5), 1);
        assert_int_equal(str_edit_distance("vrp_sync_group", "vrrp_sync_group", 5), 1);
        assert_int_equal(str_edit_distance("priorty", "priority", 5), 1);
        assert_int_equal(str_edit_distance("lbc", "lblc", 5), 1);
        /* adjacent swap counts once */
        assert_int_equal(str_edit_distance("inetrval", "interval", 5), 1);
        /* gives up past the limit */
        assert_int_equal(str_edit_distance("abc", "xyzxyz", 2), 3);
}

static void test_closest(void **state)
{
        const char *const words[] = { "vrrp_script", "vrrp_instance", "vrrp_sync_group", "global_defs" };

        (void)state;
        assert_string_equal(str_closest("vrrip_script", words, 4), "vrrp_script");
        assert_string_equal(str_closest("vrp_sync_group", words, 4), "vrrp_sync_group");
        assert_string_equal(str_closest("global_def", words, 4), "global_defs");
        assert_null(str_closest("completely_else", words, 4));
        assert_null(str_closest("vrrp_script", words, 4)); /* an exact match is no suggestion */
}

/* The letter-count filter only skips candidates the full distance would
 * reject too: every one-edit typo of a keyword still finds a keyword one edit
 * away (deletion, substitution, adjacent swap, insertion). */
static void test_closest_filter_keeps_near_words(void **state)
{
        const char *const words[] = { "virtual_server", "real_server", "delay_loop", "lb_algo",
                                      "lb_kind", "persistence_timeout", "connect_timeout",
                                      "connect_port", "sorry_server", "quorum_up", "inhibit_on_failure",
                                      "vrrp_instance", "virtual_ipaddress", "advert_int" };
        const size_t n = sizeof(words) / sizeof(words[0]);
        char typo[64];

        (void)state;
        for (size_t w = 0; w < n; w++) {
                size_t len = strlen(words[w]);
                for (size_t i = 0; i < len; i++) {
                        for (int kind = 0; kind < 4; kind++) {
                                const char *got;
                                strcpy(typo, words[w]);
                                if (kind == 0)
                                        memmove(typo + i, typo + i + 1, len - i);
                                else if (kind == 1)
                                        typo[i] = typo[i] == 'q' ? 'z' : 'q';
                                else if (kind == 2 && i + 1 < len && typo[i] != typo[i + 1]) {
                                        typo[i] = words[w][i + 1];
                                        typo[i + 1] = words[w][i];
                                } else if (kind == 3) {
                                        memmove(typo + i + 1, typo + i, len - i + 1);
                                        typo[i] = 'q';
                                } else
                                        continue;
                                got = str_closest(typo, words, n);
                                assert_non_null(got);
                                assert_int_equal(str_edit_distance(typo, got, 5), 1);
                        }
                }
        }
}

/* conf_ip_str's own IPv4 formatter says what inet_ntop says: every
 * value in every octet, a spread of whole addresses, and the buffer's
 * size at the edge ("(none)" when the address does not fit). */
static void test_ip_str_matches_inet_ntop(void **state)
{
        char got[INET6_ADDRSTRLEN], want[INET6_ADDRSTRLEN];
        struct conf_ip ip = { .family = AF_INET };
        uint32_t x = 12345;

        (void)state;
        for (int octet = 0; octet < 4; octet++)
                for (unsigned v = 0; v < 256; v++) {
                        unsigned char b[4] = { 10, 0, 255, 7 };
                        b[octet] = (unsigned char)v;
                        memcpy(&ip.u.v4, b, 4);
                        inet_ntop(AF_INET, &ip.u.v4, want, sizeof(want));
                        assert_string_equal(conf_ip_str(&ip, got, sizeof(got)), want);
                }
        for (int i = 0; i < 20000; i++) {
                x = x * 1103515245u + 12345u;
                ip.u.v4.s_addr = x;
                inet_ntop(AF_INET, &ip.u.v4, want, sizeof(want));
                assert_string_equal(conf_ip_str(&ip, got, sizeof(got)), want);
        }
        inet_pton(AF_INET, "255.255.255.255", &ip.u.v4);
        assert_string_equal(conf_ip_str(&ip, got, 16), "255.255.255.255");
        assert_string_equal(conf_ip_str(&ip, got, 15), "(none)");
        inet_pton(AF_INET, "0.0.0.0", &ip.u.v4);
        assert_string_equal(conf_ip_str(&ip, got, 8), "0.0.0.0");
        assert_string_equal(conf_ip_str(&ip, got, 7), "(none)");
        ip.family = 0;
        assert_string_equal(conf_ip_str(&ip, got, sizeof(got)), "(none)");
        ip.family = AF_INET6;
        inet_pton(AF_INET6, "2001:db8::1", &ip.u.v6);
        assert_string_equal(conf_ip_str(&ip, got, sizeof(got)), "2001:db8::1");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_distance),
                cmocka_unit_test(test_closest),
                cmocka_unit_test(test_closest_filter_keeps_near_words),
                cmocka_unit_test(test_ip_str_matches_inet_ntop),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
