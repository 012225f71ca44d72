/* The advert codec, byte by byte, and the GARP/NA frame builders. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vrrp/garp.h"
#include "vrrp/packet.h"

static struct vrrp_ip_pair pair4(const char *src, const char *dst)
{
        struct vrrp_ip_pair ip = { .family = AF_INET };

        inet_pton(AF_INET, src, &ip.src.v4);
        inet_pton(AF_INET, dst, &ip.dst.v4);
        return ip;
}

static struct vrrp_ip_pair pair6(const char *src, const char *dst)
{
        struct vrrp_ip_pair ip = { .family = AF_INET6 };

        inet_pton(AF_INET6, src, &ip.src.v6);
        inet_pton(AF_INET6, dst, &ip.dst.v6);
        return ip;
}

/* lab-notes.md: keepalived's v2 advert for VRID 77, priority 150, VIP
 * 10.77.0.100, decoded by tshark as checksum 0x3dff [correct]. */
static void test_v2_bytes_match_keepalived(void **state)
{
        static const uint8_t want[] = { 0x21, 77, 150, 1, 0, 1, 0x3d, 0xff, 10, 77, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0 };
        uint8_t vip[4] = { 10, 77, 0, 100 }, buf[64];
        struct vrrp_advert adv = { .version = 2, .vrid = 77, .priority = 150, .naddr = 1, .adver_int = 1, .addrs = vip };
        struct vrrp_ip_pair ip = pair4("10.77.0.1", "224.0.0.18");
        struct vrrp_advert out;
        enum vrrp_csum_form form;

        (void)state;
        assert_int_equal(vrrp_encode(&adv, &ip, VRRP_CSUM_PSEUDO, buf, sizeof(buf)), 20);
        assert_memory_equal(buf, want, sizeof(want));
        assert_int_equal(vrrp_decode(buf, 20, &ip, &out, &form), VRRP_DEC_OK);
        assert_int_equal(out.version, 2);
        assert_int_equal(out.vrid, 77);
        assert_int_equal(out.priority, 150);
        assert_int_equal(out.adver_int, 1);
        assert_int_equal(out.checksum, 0x3dff);
        assert_memory_equal(out.addrs, vip, 4);
}

static void test_v2_password_is_carried(void **state)
{
        uint8_t vip[4] = { 10, 0, 0, 1 }, buf[64];
        struct vrrp_advert adv = { .version = 2, .vrid = 1, .priority = 100, .naddr = 1, .adver_int = 1,
                                   .auth_type = VRRP_AUTH_PASS, .addrs = vip };
        struct vrrp_ip_pair ip = pair4("10.0.0.2", "224.0.0.18");
        struct vrrp_advert out;
        enum vrrp_csum_form form;

        (void)state;
        memcpy(adv.auth_data, "secret\0\0", 8);
        assert_int_equal(vrrp_encode(&adv, &ip, VRRP_CSUM_PLAIN, buf, sizeof(buf)), 20);
        assert_int_equal(buf[4], 1);
        assert_memory_equal(buf + 12, "secret\0\0", 8);
        assert_int_equal(vrrp_decode(buf, 20, &ip, &out, &form), VRRP_DEC_OK);
        assert_int_equal(out.auth_type, VRRP_AUTH_PASS);
        assert_memory_equal(out.auth_data, "secret\0\0", 8);
}

static void test_v3_ipv4_both_checksum_forms(void **state)
{
        uint8_t vip[4] = { 10, 77, 0, 100 }, buf[64];
        struct vrrp_advert adv = { .version = 3, .vrid = 77, .priority = 150, .naddr = 1, .adver_int = 10, .addrs = vip };
        struct vrrp_ip_pair ip = pair4("10.77.0.1", "224.0.0.18");
        struct vrrp_advert out;
        enum vrrp_csum_form form;
        uint16_t pseudo, plain;

        (void)state;
        assert_int_equal(vrrp_encode(&adv, &ip, VRRP_CSUM_PSEUDO, buf, sizeof(buf)), 12);
        assert_int_equal(buf[0], 0x31);
        assert_int_equal(buf[4], 0x00);
        assert_int_equal(buf[5], 10); /* centiseconds */
        pseudo = (uint16_t)(buf[6] << 8 | buf[7]);
        assert_int_equal(vrrp_decode(buf, 12, &ip, &out, &form), VRRP_DEC_OK);
        assert_int_equal(form, VRRP_CSUM_PSEUDO);
        assert_int_equal(out.adver_int, 10);
        assert_int_equal(vrrp_encode(&adv, &ip, VRRP_CSUM_PLAIN, buf, sizeof(buf)), 12);
        plain = (uint16_t)(buf[6] << 8 | buf[7]);
        assert_int_not_equal(pseudo, plain);
        /* header words 0x314d 0x9601 0x000a plus the address, complemented */
        assert_int_equal(plain, (uint16_t)~(0x314d + 0x9601 + 0x000a + 0x0a4d + 0x0064));
        assert_int_equal(vrrp_decode(buf, 12, &ip, &out, &form), VRRP_DEC_OK);
        assert_int_equal(form, VRRP_CSUM_PLAIN);
        /* the pseudo-header form depends on the addresses */
        ip = pair4("10.77.0.9", "224.0.0.18");
        assert_int_equal(vrrp_encode(&adv, &ip, VRRP_CSUM_PSEUDO, buf, sizeof(buf)), 12);
        assert_int_not_equal((uint16_t)(buf[6] << 8 | buf[7]), pseudo);
}

static void test_v3_ipv6(void **state)
{
        uint8_t vips[32], buf[128];
        struct vrrp_ip_pair ip = pair6("fe80::31:1", "ff02::12");
        struct vrrp_advert adv = { .version = 3, .vrid = 9, .priority = 200, .naddr = 2, .adver_int = 4095, .addrs = vips };
        struct vrrp_advert out;
        enum vrrp_csum_form form;

        (void)state;
        inet_pton(AF_INET6, "fe80::100", vips);
        inet_pton(AF_INET6, "fd31:231::100", vips + 16);
        assert_int_equal(vrrp_encode(&adv, &ip, VRRP_CSUM_PLAIN, buf, sizeof(buf)), 40);
        assert_int_equal(buf[4], 0x0f);
        assert_int_equal(buf[5], 0xff);
        assert_int_equal(vrrp_decode(buf, 40, &ip, &out, &form), VRRP_DEC_OK);
        assert_int_equal(form, VRRP_CSUM_PSEUDO); /* IPv6 always uses the pseudo-header */
        assert_int_equal(out.naddr, 2);
        assert_int_equal(out.adver_int, 4095);
        assert_memory_equal(out.addrs + 16, vips + 16, 16);
        /* v2 over IPv6 does not exist */
        adv.version = 2;
        assert_int_equal(vrrp_encode(&adv, &ip, VRRP_CSUM_PLAIN, buf, sizeof(buf)), -EINVAL);
}

static void test_decode_failures_are_named(void **state)
{
        uint8_t vip[4] = { 10, 0, 0, 1 }, buf[64], bad[64];
        struct vrrp_advert adv = { .version = 3, .vrid = 1, .priority = 100, .naddr = 1, .adver_int = 100, .addrs = vip };
        struct vrrp_ip_pair ip = pair4("10.0.0.2", "224.0.0.18"), ip6 = pair6("fe80::1", "ff02::12");
        struct vrrp_advert out;
        enum vrrp_csum_form form;
        int n;

        (void)state;
        n = vrrp_encode(&adv, &ip, VRRP_CSUM_PSEUDO, buf, sizeof(buf));
        assert_int_equal(vrrp_decode(buf, 7, &ip, &out, &form), VRRP_DEC_TOO_SHORT);
        assert_int_equal(vrrp_decode(buf, (size_t)n - 1, &ip, &out, &form), VRRP_DEC_BAD_LENGTH);
        assert_int_equal(vrrp_decode(buf, (size_t)n, &ip6, &out, &form), VRRP_DEC_BAD_LENGTH);
        memcpy(bad, buf, (size_t)n);
        bad[0] = 0x41;
        assert_int_equal(vrrp_decode(bad, (size_t)n, &ip, &out, &form), VRRP_DEC_BAD_VERSION);
        bad[0] = 0x32;
        assert_int_equal(vrrp_decode(bad, (size_t)n, &ip, &out, &form), VRRP_DEC_BAD_TYPE);
        memcpy(bad, buf, (size_t)n);
        bad[2] ^= 1;
        assert_int_equal(vrrp_decode(bad, (size_t)n, &ip, &out, &form), VRRP_DEC_BAD_CHECKSUM);
        adv.adver_int = 0;
        assert_int_equal(vrrp_encode(&adv, &ip, VRRP_CSUM_PSEUDO, buf, sizeof(buf)), -EINVAL);
        memcpy(bad, buf, (size_t)n);
        /* a hand-made interval 0 with a valid checksum */
        bad[4] = bad[5] = 0;
        bad[6] = bad[7] = 0;
        {
                struct vrrp_advert a0 = { .version = 3, .vrid = 1, .priority = 100, .naddr = 1, .adver_int = 1, .addrs = vip };
                uint16_t s;
                vrrp_encode(&a0, &ip, VRRP_CSUM_PSEUDO, bad, sizeof(bad));
                s = (uint16_t)(bad[6] << 8 | bad[7]);
                s = (uint16_t)(s + 1); /* removing 1 from the summed words adds 1 to the complement */
                bad[5] = 0;
                bad[6] = (uint8_t)(s >> 8), bad[7] = (uint8_t)s;
        }
        assert_int_equal(vrrp_decode(bad, (size_t)n, &ip, &out, &form), VRRP_DEC_BAD_INTERVAL);
        assert_string_equal(vrrp_decode_result_name(VRRP_DEC_BAD_CHECKSUM), "bad_checksum");
        assert_int_equal(vrrp_encode(&adv, &ip, VRRP_CSUM_PSEUDO, buf, 4), -EINVAL);
}

static void test_ipv4_header_parse(void **state)
{
        uint8_t pkt[40] = { 0x45, 0xc0, 0, 32, 0, 1, 0, 0, 255, 112, 0, 0, 10, 0, 0, 2, 224, 0, 0, 18 };
        struct ipv4_info ip;

        (void)state;
        assert_true(ipv4_parse(pkt, 32, &ip));
        assert_int_equal(ip.ttl, 255);
        assert_int_equal(ip.proto, 112);
        assert_int_equal(ip.hdr_len, 20);
        assert_int_equal(ip.payload_len, 12);
        assert_int_equal(ntohl(ip.dst.s_addr), 0xe0000012);
        assert_false(ipv4_parse(pkt, 19, &ip));
        assert_false(ipv4_parse(pkt, 31, &ip)); /* total length beyond the datagram */
        pkt[0] = 0x44;
        assert_false(ipv4_parse(pkt, 32, &ip));
}

static void test_garp_frame(void **state)
{
        static const uint8_t mac[6] = { 0x02, 0x31, 0, 0, 0, 0x01 };
        static const uint8_t want[GARP_FRAME_LEN] = {
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x31, 0, 0, 0, 0x01, 0x08, 0x06,
                0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
                0x02, 0x31, 0, 0, 0, 0x01, 10, 231, 0, 100,
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 10, 231, 0, 100,
        };
        uint8_t f[GARP_FRAME_LEN];
        struct in_addr vip;

        (void)state;
        inet_pton(AF_INET, "10.231.0.100", &vip);
        garp_build(mac, vip, f);
        assert_memory_equal(f, want, sizeof(want));
}

static void test_unsolicited_na(void **state)
{
        static const uint8_t mac[6] = { 0x02, 0x31, 0, 0, 0, 0x02 };
        uint8_t m[NA_LEN];
        struct in6_addr vip;

        (void)state;
        inet_pton(AF_INET6, "fd31:231::100", &vip);
        na_build(mac, &vip, m);
        assert_int_equal(m[0], 136);
        assert_int_equal(m[4], 0xa0); /* Router and Override, not Solicited */
        assert_memory_equal(m + 8, &vip, 16);
        assert_int_equal(m[24], 2);
        assert_int_equal(m[25], 1);
        assert_memory_equal(m + 26, mac, 6);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_v2_bytes_match_keepalived),
                cmocka_unit_test(test_v2_password_is_carried),
                cmocka_unit_test(test_v3_ipv4_both_checksum_forms),
                cmocka_unit_test(test_v3_ipv6),
                cmocka_unit_test(test_decode_failures_are_named),
                cmocka_unit_test(test_ipv4_header_parse),
                cmocka_unit_test(test_garp_frame),
                cmocka_unit_test(test_unsolicited_na),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
