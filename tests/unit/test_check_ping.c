/* PING_CHECK (keepalived-reference.md §1.13): the echo codec
 * (check/icmp_echo.c: the request's bytes for IPv4 and IPv6, a reply
 * judged by type, sequence and data), the ICMP errors the datagram probes
 * read from their connected sockets, net.ipv4.ping_group_range widened
 * to take our group in, and the target of a checker that needs no port. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "check/icmp_echo.h"
#include "check/probe_addr.h"
#include "memfs.h"

static void test_request_bytes_v4(void **state)
{
        uint8_t data[4] = { 0xde, 0xad, 0xbe, 0xef }, buf[64];
        size_t n;

        (void)state;
        n = icmp_echo_build(AF_INET, 0x1234, data, sizeof(data), buf, sizeof(buf));
        assert_int_equal(n, 12);
        /* type 8 code 0, checksum, identifier 0 (the kernel's), sequence, data */
        static const uint8_t want[] = { 8, 0, 0x48, 0x2e, 0, 0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef };
        assert_memory_equal(buf, want, sizeof(want));
        /* a right checksum sums the message back to 0 */
        assert_int_equal(icmp_checksum(buf, n), 0);
        /* too small a buffer */
        assert_int_equal(icmp_echo_build(AF_INET, 1, data, sizeof(data), buf, 11), 0);
        assert_int_equal(icmp_echo_build(AF_INET, 1, data, 0, buf, 7), 0);
}

static void test_request_bytes_v6(void **state)
{
        uint8_t data[ICMP_ECHO_DATA_LEN], buf[ICMP_ECHO_HDR_LEN + ICMP_ECHO_DATA_LEN];

        (void)state;
        icmp_echo_data(0x0102030405060708ULL, data, sizeof(data));
        assert_memory_equal(data, "\x01\x02\x03\x04\x05\x06\x07\x08vigil PING_CHECK ", 25);
        assert_int_equal(icmp_echo_build(AF_INET6, 7, data, sizeof(data), buf, sizeof(buf)), 64);
        assert_int_equal(buf[0], 128);
        assert_int_equal(buf[1], 0);
        /* the kernel computes ICMPv6's checksum over its pseudo header */
        assert_int_equal(buf[2] | buf[3], 0);
        assert_int_equal(buf[6] << 8 | buf[7], 7);
        assert_memory_equal(buf + 8, data, sizeof(data));
}

static void test_checksum_odd_length(void **state)
{
        static const uint8_t p[] = { 0x01, 0x02, 0x03 };

        (void)state;
        /* 0x0102 + 0x0300 = 0x0402 -> ~ = 0xfbfd */
        assert_int_equal(icmp_checksum(p, 3), 0xfbfd);
        assert_int_equal(icmp_checksum(p, 0), 0xffff);
}

static void reply_of(int family, uint16_t seq, const uint8_t *data, size_t len, uint8_t *buf)
{
        icmp_echo_build(family, seq, data, len, buf, ICMP_ECHO_HDR_LEN + len);
        buf[0] = family == AF_INET6 ? 129 : 0;
}

static void test_judge_reply(void **state)
{
        uint8_t data[ICMP_ECHO_DATA_LEN], pkt[ICMP_ECHO_HDR_LEN + ICMP_ECHO_DATA_LEN];
        int fams[] = { AF_INET, AF_INET6 };

        (void)state;
        icmp_echo_data(42, data, sizeof(data));
        for (size_t f = 0; f < 2; f++) {
                int fam = fams[f];
                reply_of(fam, 9, data, sizeof(data), pkt);
                assert_int_equal(icmp_echo_judge(fam, pkt, sizeof(pkt), 9, data, sizeof(data)), ICMP_ECHO_MATCH);
                assert_int_equal(icmp_echo_judge(fam, pkt, sizeof(pkt), 10, data, sizeof(data)), ICMP_ECHO_OTHER_SEQ);
                assert_int_equal(icmp_echo_judge(fam, pkt, sizeof(pkt) - 1, 9, data, sizeof(data)),
                                 ICMP_ECHO_OTHER_DATA);
                assert_int_equal(icmp_echo_judge(fam, pkt, 7, 9, data, sizeof(data)), ICMP_ECHO_SHORT);
                pkt[20] ^= 1;
                assert_int_equal(icmp_echo_judge(fam, pkt, sizeof(pkt), 9, data, sizeof(data)), ICMP_ECHO_OTHER_DATA);
                pkt[20] ^= 1;
                /* our own request looped back is no reply; nor another family's reply type */
                pkt[0] = fam == AF_INET6 ? 128 : 8;
                assert_int_equal(icmp_echo_judge(fam, pkt, sizeof(pkt), 9, data, sizeof(data)), ICMP_ECHO_NOT_REPLY);
                pkt[0] = fam == AF_INET6 ? 0 : 129;
                assert_int_equal(icmp_echo_judge(fam, pkt, sizeof(pkt), 9, data, sizeof(data)), ICMP_ECHO_NOT_REPLY);
                pkt[0] = fam == AF_INET6 ? 129 : 0;
                pkt[1] = 1;
                assert_int_equal(icmp_echo_judge(fam, pkt, sizeof(pkt), 9, data, sizeof(data)), ICMP_ECHO_NOT_REPLY);
        }
        assert_string_equal(icmp_echo_verdict_name(ICMP_ECHO_OTHER_SEQ), "echo reply of another sequence");
}

static void test_icmp_errors(void **state)
{
        char d[CHECK_DETAIL_MAX];

        (void)state;
        /* later: what the network said */
        assert_int_equal(icmp_error_result(ECONNREFUSED, false, d, sizeof(d)), CHECK_PORT_UNREACHABLE);
        assert_string_equal(d, "ICMP port unreachable");
        assert_int_equal(icmp_error_result(EHOSTUNREACH, false, d, sizeof(d)), CHECK_PORT_UNREACHABLE);
        assert_string_equal(d, "ICMP host unreachable");
        assert_int_equal(icmp_error_result(ENETUNREACH, false, d, sizeof(d)), CHECK_PORT_UNREACHABLE);
        assert_string_equal(d, "ICMP network unreachable");
        assert_int_equal(icmp_error_result(EACCES, false, d, sizeof(d)), CHECK_PORT_UNREACHABLE);
        assert_string_equal(d, "ICMP administratively prohibited");
        assert_int_equal(icmp_error_result(ENOPROTOOPT, false, d, sizeof(d)), CHECK_PORT_UNREACHABLE);
        assert_int_equal(icmp_error_result(EHOSTDOWN, false, d, sizeof(d)), CHECK_PORT_UNREACHABLE);
        /* not an ICMP error: vigil's trouble */
        assert_int_equal(icmp_error_result(ENOBUFS, false, d, sizeof(d)), CHECK_ERROR);
        assert_int_equal(icmp_error_result(EIO, false, NULL, 0), CHECK_ERROR);
        /* at the call: this machine's routes and firewall */
        assert_int_equal(icmp_error_result(ENETUNREACH, true, d, sizeof(d)), CHECK_ERROR);
        assert_string_equal(d, strerror(ENETUNREACH));
        assert_int_equal(icmp_error_result(EHOSTUNREACH, true, d, sizeof(d)), CHECK_ERROR);
        assert_int_equal(icmp_error_result(EACCES, true, d, sizeof(d)), CHECK_ERROR);
        assert_int_equal(icmp_error_result(EPERM, true, d, sizeof(d)), CHECK_ERROR);
        assert_int_equal(icmp_error_result(ECONNREFUSED, true, d, sizeof(d)), CHECK_PORT_UNREACHABLE);
}

static void test_ping_group_range(void **state)
{
        char out[32];

        (void)state;
        /* the kernel's default: nobody, root included */
        assert_int_equal(icmp_ping_range_widen("1\t0\n", 0, out, sizeof(out)), 1);
        assert_string_equal(out, "0\t0\n");
        /* systemd's: everybody */
        assert_int_equal(icmp_ping_range_widen("0\t2147483647\n", 0, out, sizeof(out)), 0);
        assert_int_equal(icmp_ping_range_widen("0 2147483647", 1000, out, sizeof(out)), 0);
        /* stretched down or up to take the group in, the rest kept */
        assert_int_equal(icmp_ping_range_widen("100\t200\n", 0, out, sizeof(out)), 1);
        assert_string_equal(out, "0\t200\n");
        assert_int_equal(icmp_ping_range_widen("100\t200\n", 300, out, sizeof(out)), 1);
        assert_string_equal(out, "100\t300\n");
        assert_int_equal(icmp_ping_range_widen("100\t200\n", 150, out, sizeof(out)), 0);
        /* garbage */
        assert_int_equal(icmp_ping_range_widen("", 0, out, sizeof(out)), -EINVAL);
        assert_int_equal(icmp_ping_range_widen("1", 0, out, sizeof(out)), -EINVAL);
        assert_int_equal(icmp_ping_range_widen("1 x", 0, out, sizeof(out)), -EINVAL);
        assert_int_equal(icmp_ping_range_widen("1 2 3", 0, out, sizeof(out)), -EINVAL);
        assert_int_equal(icmp_ping_range_widen("-1 2", 0, out, sizeof(out)), -EINVAL);
        assert_int_equal(icmp_ping_range_widen("0 99999999999", 0, out, sizeof(out)), -EINVAL);
}

/* ---- a PING_CHECK's target, from a parsed configuration ---- */

static struct conf *parse(const char *text, struct diag_list *d)
{
        struct conf *c;

        diag_list_init(d);
        c = parse_text(text, d);
        assert_non_null(c);
        return c;
}

static void test_ping_target_needs_no_port(void **state)
{
        struct diag_list d;
        /* a fwmark service: its real servers have no port, and PING_CHECK needs none */
        struct conf *c = parse("virtual_server fwmark 7 {\n lb_algo rr\n lb_kind DR\n"
                               " real_server 10.0.0.20 {\n  PING_CHECK {\n   retry 4\n  }\n"
                               "  TCP_CHECK {\n  }\n }\n}\n",
                               &d);
        const struct conf_virtual_server *vs = c->virtual_servers.first;
        const struct conf_real_server *rs = vs->real_servers.first;
        const struct conf_checker *ping = rs->checkers.first, *tcp = ping->next;
        struct check_probe_target t;

        (void)state;
        assert_int_equal(ping->type, CHECK_PING);
        assert_int_equal(diag_count(&d, DIAG_ERROR), 1); /* the TCP_CHECK's missing port, not the PING_CHECK's */
        assert_int_equal(check_probe_target_of(vs, rs, ping, &t), 0);
        assert_int_equal(t.dst.ss_family, AF_INET);
        assert_int_equal(((struct sockaddr_in *)&t.dst)->sin_port, 0);
        assert_int_equal(check_probe_target_of(vs, rs, tcp, &t), -EDESTADDRREQ);
        conf_free(c);
        diag_list_free(&d);
}

static void test_ping_check_v6_target(void **state)
{
        struct diag_list d;
        struct conf *c = parse("virtual_server 2001:db8::1 53 {\n lb_algo rr\n lb_kind NAT\n protocol UDP\n"
                               " real_server 2001:db8::20 53 {\n  PING_CHECK {\n   connect_timeout 2\n  }\n }\n}\n",
                               &d);
        const struct conf_virtual_server *vs = c->virtual_servers.first;
        const struct conf_real_server *rs = vs->real_servers.first;
        struct check_probe_target t;

        (void)state;
        if (d.count)
                dump_diags(&d);
        assert_int_equal(d.count, 0);
        assert_int_equal(check_probe_target_of(vs, rs, rs->checkers.first, &t), 0);
        assert_int_equal(t.dst.ss_family, AF_INET6);
        assert_int_equal(t.timeout, 2 * CHECK_USEC_PER_SEC);
        conf_free(c);
        diag_list_free(&d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_request_bytes_v4),
                cmocka_unit_test(test_request_bytes_v6),
                cmocka_unit_test(test_checksum_odd_length),
                cmocka_unit_test(test_judge_reply),
                cmocka_unit_test(test_icmp_errors),
                cmocka_unit_test(test_ping_group_range),
                cmocka_unit_test(test_ping_target_needs_no_port),
                cmocka_unit_test(test_ping_check_v6_target),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
