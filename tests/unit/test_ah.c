/* AH authentication against packets keepalived 2.2.7 put on the wire
 * (captured in the lab with auth_type AH, auth_pass secret12, VRID 51,
 * priority 255, VIP 10.231.0.100, advert_int 1, sequence 1, IP id 1). */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vrrp/ah.h"
#include "vrrp/packet.h"

/* Multicast to 224.0.0.18: TTL 255 is covered by the ICV. */
static const uint8_t keepalived_mcast[] = {
        0x45, 0xc0, 0x00, 0x40, 0x00, 0x01, 0x00, 0x00, 0xff, 0x33, 0xcf, 0xcf, 0x0a, 0xe7, 0x00, 0x01,
        0xe0, 0x00, 0x00, 0x12, 0x70, 0x04, 0x00, 0x00, 0x0a, 0xe7, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
        0xa7, 0x42, 0xbc, 0x5d, 0x93, 0x80, 0x69, 0x7f, 0x7d, 0xd8, 0x23, 0xa9, 0x21, 0x33, 0xff, 0x01,
        0x02, 0x01, 0xd2, 0x7e, 0x0a, 0xe7, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Unicast to 10.231.0.2: the ICV was computed with TTL 0. */
static const uint8_t keepalived_unicast[] = {
        0x45, 0xc0, 0x00, 0x40, 0x00, 0x01, 0x00, 0x00, 0xff, 0x33, 0xa4, 0xf9, 0x0a, 0xe7, 0x00, 0x01,
        0x0a, 0xe7, 0x00, 0x02, 0x70, 0x04, 0x00, 0x00, 0x0a, 0xe7, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
        0xd1, 0x3e, 0x27, 0x59, 0x37, 0xa3, 0x60, 0x99, 0xce, 0x48, 0xef, 0x50, 0x21, 0x33, 0xff, 0x01,
        0x02, 0x01, 0xd2, 0x7e, 0x0a, 0xe7, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static int encode_like_keepalived(const char *dst, bool unicast, uint8_t *buf, size_t size)
{
        uint8_t vip[4] = { 10, 231, 0, 100 }, msg[64];
        struct vrrp_advert adv = { .version = 2, .vrid = 51, .priority = 255, .naddr = 1, .adver_int = 1,
                                   .auth_type = VRRP_AUTH_AH, .addrs = vip };
        struct vrrp_ip_pair ip = { .family = AF_INET };
        struct vrrp_ah_send p = { .ip_id = 1, .ttl = 255, .seq = 1, .unicast = unicast,
                                  .hmac = vrrp_hmac_md5_openssl };
        int n;

        inet_pton(AF_INET, "10.231.0.1", &p.src);
        inet_pton(AF_INET, dst, &p.dst);
        ip.src.v4 = p.src;
        ip.dst.v4 = p.dst;
        vrrp_auth_pad("secret12", p.key);
        n = vrrp_encode(&adv, &ip, VRRP_CSUM_PLAIN, msg, sizeof(msg));
        assert_int_equal(n, 20);
        return vrrp_ah_encode(&p, msg, (size_t)n, buf, size);
}

static void test_encode_multicast_matches_keepalived(void **state)
{
        uint8_t buf[128];

        (void)state;
        assert_int_equal(encode_like_keepalived("224.0.0.18", false, buf, sizeof(buf)), sizeof(keepalived_mcast));
        assert_memory_equal(buf, keepalived_mcast, sizeof(keepalived_mcast));
}

static void test_encode_unicast_matches_keepalived(void **state)
{
        uint8_t buf[128];

        (void)state;
        assert_int_equal(encode_like_keepalived("10.231.0.2", true, buf, sizeof(buf)), sizeof(keepalived_unicast));
        assert_memory_equal(buf, keepalived_unicast, sizeof(keepalived_unicast));
}

static struct in_addr src_addr(void)
{
        struct in_addr a;

        inet_pton(AF_INET, "10.231.0.1", &a);
        return a;
}

static void test_decode_and_verify_both_forms(void **state)
{
        const uint8_t *pkts[] = { keepalived_mcast, keepalived_unicast };
        uint8_t key[VRRP_AH_KEY_LEN];
        struct vrrp_ah_rx rx;

        (void)state;
        vrrp_auth_pad("secret12", key);
        for (int i = 0; i < 2; i++) {
                assert_int_equal(vrrp_ah_decode(pkts[i], 64, 20, src_addr(), &rx), VRRP_AH_OK);
                assert_int_equal(rx.seq, 1);
                assert_int_equal(rx.msg_off, 44);
                assert_int_equal(vrrp_ah_verify(pkts[i], 64, 20, key, vrrp_hmac_md5_openssl), VRRP_AH_OK);
        }
}

static void test_wrong_key_and_tampering_fail(void **state)
{
        uint8_t key[VRRP_AH_KEY_LEN], pkt[64];

        (void)state;
        vrrp_auth_pad("secret13", key);
        assert_int_equal(vrrp_ah_verify(keepalived_mcast, 64, 20, key, vrrp_hmac_md5_openssl), VRRP_AH_BAD_ICV);
        vrrp_auth_pad("secret12", key);
        memcpy(pkt, keepalived_mcast, 64);
        pkt[46] = 100; /* priority 255 -> 100 */
        assert_int_equal(vrrp_ah_verify(pkt, 64, 20, key, vrrp_hmac_md5_openssl), VRRP_AH_BAD_ICV);
        /* the mutable fields are not covered: a router may rewrite them */
        memcpy(pkt, keepalived_mcast, 64);
        pkt[1] = 0;
        pkt[10] = pkt[11] = 0x55;
        assert_int_equal(vrrp_ah_verify(pkt, 64, 20, key, vrrp_hmac_md5_openssl), VRRP_AH_OK);
}

static void test_decode_rejects_malformed(void **state)
{
        uint8_t pkt[64];
        struct vrrp_ah_rx rx;
        struct in_addr other;

        (void)state;
        assert_int_equal(vrrp_ah_decode(keepalived_mcast, 40, 20, src_addr(), &rx), VRRP_AH_MALFORMED);
        memcpy(pkt, keepalived_mcast, 64);
        pkt[20] = 6; /* next header TCP */
        assert_int_equal(vrrp_ah_decode(pkt, 64, 20, src_addr(), &rx), VRRP_AH_MALFORMED);
        memcpy(pkt, keepalived_mcast, 64);
        pkt[21] = 5; /* payload length with extra ICV words */
        assert_int_equal(vrrp_ah_decode(pkt, 64, 20, src_addr(), &rx), VRRP_AH_MALFORMED);
        inet_pton(AF_INET, "10.231.0.9", &other);
        assert_int_equal(vrrp_ah_decode(keepalived_mcast, 64, 20, other, &rx), VRRP_AH_BAD_SPI);
}

static void test_key_is_zero_padded_and_truncated(void **state)
{
        uint8_t key[VRRP_AH_KEY_LEN];
        static const uint8_t short_key[VRRP_AH_KEY_LEN] = { 'a', 'b', 0, 0, 0, 0, 0, 0 };

        (void)state;
        vrrp_auth_pad("ab", key);
        assert_memory_equal(key, short_key, sizeof(key));
        vrrp_auth_pad("0123456789", key);
        assert_memory_equal(key, "01234567", sizeof(key));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_encode_multicast_matches_keepalived),
                cmocka_unit_test(test_encode_unicast_matches_keepalived),
                cmocka_unit_test(test_decode_and_verify_both_forms),
                cmocka_unit_test(test_wrong_key_and_tampering_fail),
                cmocka_unit_test(test_decode_rejects_malformed),
                cmocka_unit_test(test_key_is_zero_padded_and_truncated),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
