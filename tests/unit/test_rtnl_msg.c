/* The rtnetlink request builders, byte by byte against messages decoded by
 * hand from the kernel's headers (linux/netlink.h, rtnetlink.h, if_addr.h,
 * fib_rules.h). The host is little-endian (x86): lengths and u32s below are
 * written in that order; addresses are in network order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <cmocka.h>

#include "net/rtnl_msg.h"

static unsigned char buf[RTNL_MSG_MAX];

static void expect_bytes(const struct nlmsghdr *nlh, const unsigned char *want, size_t n)
{
        assert_int_equal(nlh->nlmsg_len, n);
        for (size_t i = 0; i < n; i++)
                if (((const unsigned char *)nlh)[i] != want[i])
                        fail_msg("byte %zu: 0x%02x, want 0x%02x", i, ((const unsigned char *)nlh)[i], want[i]);
}

static struct conf_ipaddress v4(const char *ip, uint8_t len)
{
        struct conf_ipaddress a = { .addr.family = AF_INET, .prefixlen = len };

        inet_pton(AF_INET, ip, &a.addr.u.v4);
        return a;
}

static void test_addr_add_v4(void **state)
{
        static const unsigned char want[] = {
                0x28, 0, 0, 0, 0x14, 0, 0x05, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, /* RTM_NEWADDR, REQ|ACK|REPLACE|CREATE */
                0x02, 0x18, 0, 0, 0x03, 0, 0, 0,                            /* AF_INET /24 scope 0 ifindex 3 */
                0x08, 0, 0x02, 0, 192, 0, 2, 10,                            /* IFA_LOCAL */
                0x08, 0, 0x01, 0, 192, 0, 2, 10,                            /* IFA_ADDRESS */
        };
        struct conf_ipaddress a = v4("192.0.2.10", 24);

        (void)state;
        expect_bytes(rtnl_addr_msg(buf, true, 3, &a), want, sizeof(want));
}

static void test_addr_del_v4(void **state)
{
        static const unsigned char want[] = {
                0x28, 0, 0, 0, 0x15, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* RTM_DELADDR, REQ|ACK */
                0x02, 0x18, 0, 0, 0x03, 0, 0, 0,
                0x08, 0, 0x02, 0, 192, 0, 2, 10,
                0x08, 0, 0x01, 0, 192, 0, 2, 10,
        };
        struct conf_ipaddress a = v4("192.0.2.10", 24);

        (void)state;
        a.brd_kind = BRD_SET_HOST_BITS; /* a deletion names no broadcast or label */
        a.label = "eth0:1";
        expect_bytes(rtnl_addr_msg(buf, false, 3, &a), want, sizeof(want));
}

static void test_addr_add_v4_broadcast_label(void **state)
{
        static const unsigned char want[] = {
                0x3c, 0, 0, 0, 0x14, 0, 0x05, 0x05, 0, 0, 0, 0, 0, 0, 0, 0,
                0x02, 0x18, 0, 0xfd, 0x03, 0, 0, 0,                         /* scope 253 (link) */
                0x08, 0, 0x02, 0, 192, 0, 2, 10,
                0x08, 0, 0x01, 0, 192, 0, 2, 10,
                0x08, 0, 0x04, 0, 192, 0, 2, 255,                           /* IFA_BROADCAST: host bits set */
                0x0b, 0, 0x03, 0, 'e', 't', 'h', '0', ':', '1', 0, 0,       /* IFA_LABEL, padded to 4 */
        };
        struct conf_ipaddress a = v4("192.0.2.10", 24);

        (void)state;
        a.brd_kind = BRD_SET_HOST_BITS;
        a.label = "eth0:1";
        a.scope = 253;
        expect_bytes(rtnl_addr_msg(buf, true, 3, &a), want, sizeof(want));
}

static void test_addr_add_v6_nodad(void **state)
{
        static const unsigned char want[] = {
                0x48, 0, 0, 0, 0x14, 0, 0x05, 0x05, 0, 0, 0, 0, 0, 0, 0, 0,
                0x0a, 0x40, 0, 0, 0x02, 0, 0, 0,                            /* AF_INET6 /64 ifindex 2 */
                0x14, 0, 0x02, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                0x14, 0, 0x01, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                0x08, 0, 0x08, 0, 0x02, 0, 0, 0,                            /* IFA_FLAGS: IFA_F_NODAD */
        };
        struct conf_ipaddress a = { .addr.family = AF_INET6, .prefixlen = 64 };

        (void)state;
        inet_pton(AF_INET6, "2001:db8::1", &a.addr.u.v6);
        expect_bytes(rtnl_addr_msg(buf, true, 2, &a), want, sizeof(want));
}

static void test_route_via_main_table(void **state)
{
        static const unsigned char want[] = {
                0x34, 0, 0, 0, 0x18, 0, 0x05, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, /* RTM_NEWROUTE */
                0x02, 0x18, 0, 0, 0xfe, 0x03, 0, 0x01, 0, 0, 0, 0,          /* main, boot, universe, unicast */
                0x08, 0, 0x01, 0, 198, 51, 100, 0,                          /* RTA_DST */
                0x08, 0, 0x05, 0, 192, 0, 2, 1,                             /* RTA_GATEWAY */
                0x08, 0, 0x04, 0, 0x03, 0, 0, 0,                            /* RTA_OIF */
        };
        struct conf_route r = { .dst.family = AF_INET, .dst_len = 24, .nvia = 1, .scope = -1, .protocol = -1 };

        (void)state;
        inet_pton(AF_INET, "198.51.100.0", &r.dst.u.v4);
        r.via[0].family = AF_INET;
        inet_pton(AF_INET, "192.0.2.1", &r.via[0].u.v4);
        expect_bytes(rtnl_route_msg(buf, true, 3, &r), want, sizeof(want));
}

static void test_route_default_big_table_metric(void **state)
{
        static const unsigned char want[] = {
                0x34, 0, 0, 0, 0x19, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0,    /* RTM_DELROUTE */
                0x02, 0, 0, 0, 0, 0x03, 0, 0x01, 0, 0, 0, 0,                /* table in RTA_TABLE */
                0x08, 0, 0x0f, 0, 0xe8, 0x03, 0, 0,                         /* RTA_TABLE 1000 */
                0x08, 0, 0x05, 0, 192, 0, 2, 1,                             /* RTA_GATEWAY */
                0x08, 0, 0x06, 0, 0x05, 0, 0, 0,                            /* RTA_PRIORITY 5 */
        };
        struct conf_route r = { .dst_default = true, .nvia = 1, .scope = -1, .protocol = -1, .table = 1000,
                                .has_metric = true, .metric = 5 };

        (void)state;
        r.via[0].family = AF_INET;
        inet_pton(AF_INET, "192.0.2.1", &r.via[0].u.v4);
        expect_bytes(rtnl_route_msg(buf, false, 0, &r), want, sizeof(want));
}

static void test_rule_from_table_preference(void **state)
{
        static const unsigned char want[] = {
                0x34, 0, 0, 0, 0x20, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, /* RTM_NEWRULE, REQ|ACK|EXCL|CREATE */
                0x02, 0, 0x18, 0, 0, 0, 0, 0x01, 0, 0, 0, 0,                /* from /24, FR_ACT_TO_TBL */
                0x08, 0, 0x02, 0, 192, 0, 2, 0,                             /* FRA_SRC */
                0x08, 0, 0x0f, 0, 100, 0, 0, 0,                             /* FRA_TABLE */
                0x08, 0, 0x06, 0, 50, 0, 0, 0,                              /* FRA_PRIORITY */
        };
        struct conf_rule r = { .family = AF_INET, .has_from = true, .from_len = 24, .table = 100,
                               .has_preference = true, .preference = 50 };

        (void)state;
        r.from.family = AF_INET;
        inet_pton(AF_INET, "192.0.2.0", &r.from.u.v4);
        expect_bytes(rtnl_rule_msg(buf, true, &r), want, sizeof(want));
}

static void test_link_up(void **state)
{
        static const unsigned char want[] = {
                0x20, 0, 0, 0, 0x10, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* RTM_NEWLINK */
                0, 0, 0, 0, 0x07, 0, 0, 0, 0x01, 0, 0, 0, 0x01, 0, 0, 0, /* ifindex 7, flags/change IFF_UP */
        };

        (void)state;
        expect_bytes(rtnl_link_up_msg(buf, 7), want, sizeof(want));
}

static void test_benign_results(void **state)
{
        (void)state;
        assert_int_equal(rtnl_addr_result(true, -EEXIST), 0);
        assert_int_equal(rtnl_addr_result(false, -EADDRNOTAVAIL), 0);
        assert_int_equal(rtnl_addr_result(true, -EADDRNOTAVAIL), -EADDRNOTAVAIL);
        assert_int_equal(rtnl_route_result(false, -ESRCH), 0);
        assert_int_equal(rtnl_route_result(true, -EEXIST), -EEXIST);
        assert_int_equal(rtnl_rule_result(true, -EEXIST), 0);
        assert_int_equal(rtnl_rule_result(false, -ENOENT), 0);
        assert_int_equal(rtnl_rule_result(true, -EPERM), -EPERM);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_addr_add_v4),
                cmocka_unit_test(test_addr_del_v4),
                cmocka_unit_test(test_addr_add_v4_broadcast_label),
                cmocka_unit_test(test_addr_add_v6_nodad),
                cmocka_unit_test(test_route_via_main_table),
                cmocka_unit_test(test_route_default_big_table_metric),
                cmocka_unit_test(test_rule_from_table_preference),
                cmocka_unit_test(test_link_up),
                cmocka_unit_test(test_benign_results),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
