/* The IPVS sync-daemon messages (lb/ipvs_daemon_msg.c), byte by byte
 * against messages written out by hand from linux/ip_vs.h: a netlink
 * header (16 bytes), a genl header (cmd, version 1, 2 reserved), the
 * nested IPVS_CMD_ATTR_DAEMON and its attributes (u16 length, u16 type,
 * payload padded to 4). Little-endian host; the port in network order.
 * Then the parse of the kernel's GET_DAEMON answer and malformed ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>

#include "lb/ipvs_daemon_msg.h"
#include "lb/ipvs_msg.h"

#define FAM 0x1d

#define U16(x) (uint8_t)((x) & 0xff), (uint8_t)(((x) >> 8) & 0xff)
#define U32(x) U16((x) & 0xffff), U16(((unsigned)(x) >> 16) & 0xffff)
#define BE16(x) (uint8_t)(((x) >> 8) & 0xff), (uint8_t)((x) & 0xff)
#define NLA(len, type) U16(len), U16(type)
#define NEST(type) ((type) | NLA_F_NESTED)
#define HDR(len, flags) U32(len), U16(FAM), U16(flags), U32(0), U32(0)
#define GENL(cmd) (cmd), IPVS_GENL_VERSION, 0, 0
#define REQ_ACK (NLM_F_REQUEST | NLM_F_ACK)

/* state master, "eth0", syncid 51: 28 bytes of attributes */
#define MASTER_ETH0_51                                                  \
        NLA(8, IPVS_DAEMON_ATTR_STATE), U32(IP_VS_STATE_MASTER),        \
        NLA(9, IPVS_DAEMON_ATTR_MCAST_IFN), 'e', 't', 'h', '0', 0, 0, 0, 0, \
        NLA(8, IPVS_DAEMON_ATTR_SYNC_ID), U32(51)

static unsigned char buf[IPVS_MSG_MAX] __attribute__((aligned(4)));

static void expect_bytes(const struct nlmsghdr *nlh, const unsigned char *want, size_t n)
{
        assert_non_null(nlh);
        assert_int_equal(nlh->nlmsg_len, n);
        for (size_t i = 0; i < n; i++)
                if (((const unsigned char *)nlh)[i] != want[i])
                        fail_msg("byte %zu: 0x%02x, want 0x%02x", i, ((const unsigned char *)nlh)[i], want[i]);
}

static struct lb_sync_daemon master_eth0(void)
{
        struct lb_sync_daemon d = { .state = LB_SYNC_MASTER, .ifname = "eth0", .syncid = 51 };
        return d;
}

static void test_start_minimal(void **state)
{
        static const unsigned char want[] = {
                HDR(52, REQ_ACK), GENL(IPVS_CMD_NEW_DAEMON),
                NLA(32, NEST(IPVS_CMD_ATTR_DAEMON)), MASTER_ETH0_51,
        };
        struct lb_sync_daemon d = master_eth0();
        struct nlmsghdr *nlh = NULL;

        (void)state;
        assert_int_equal(ipvs_msg_daemon(buf, FAM, true, &d, &nlh), 0);
        expect_bytes(nlh, want, sizeof(want));
}

static void test_start_every_option(void **state)
{
        static const unsigned char want[] = {
                HDR(84, REQ_ACK), GENL(IPVS_CMD_NEW_DAEMON),
                NLA(64, NEST(IPVS_CMD_ATTR_DAEMON)), MASTER_ETH0_51,
                NLA(6, IPVS_DAEMON_ATTR_SYNC_MAXLEN), U16(1472), 0, 0,
                NLA(8, IPVS_DAEMON_ATTR_MCAST_GROUP), 224, 0, 0, 81,
                NLA(6, IPVS_DAEMON_ATTR_MCAST_PORT), BE16(8848), 0, 0,
                NLA(5, IPVS_DAEMON_ATTR_MCAST_TTL), 2, 0, 0, 0,
        };
        struct lb_sync_daemon d = master_eth0();
        struct nlmsghdr *nlh = NULL;

        (void)state;
        d.maxlen = 1472;
        d.port = 8848;
        d.ttl = 2;
        d.group.family = AF_INET;
        inet_pton(AF_INET, "224.0.0.81", &d.group.u.v4);
        assert_int_equal(ipvs_msg_daemon(buf, FAM, true, &d, &nlh), 0);
        expect_bytes(nlh, want, sizeof(want));
}

static void test_start_group6(void **state)
{
        static const unsigned char want[] = {
                HDR(72, REQ_ACK), GENL(IPVS_CMD_NEW_DAEMON),
                NLA(52, NEST(IPVS_CMD_ATTR_DAEMON)), MASTER_ETH0_51,
                NLA(20, IPVS_DAEMON_ATTR_MCAST_GROUP6), 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x51,
        };
        struct lb_sync_daemon d = master_eth0();
        struct nlmsghdr *nlh = NULL;

        (void)state;
        d.group.family = AF_INET6;
        inet_pton(AF_INET6, "ff02::51", &d.group.u.v6);
        assert_int_equal(ipvs_msg_daemon(buf, FAM, true, &d, &nlh), 0);
        expect_bytes(nlh, want, sizeof(want));
}

/* A stop names the state alone: the kernel stops that thread set. */
static void test_stop_backup(void **state)
{
        static const unsigned char want[] = {
                HDR(32, REQ_ACK), GENL(IPVS_CMD_DEL_DAEMON),
                NLA(12, NEST(IPVS_CMD_ATTR_DAEMON)), NLA(8, IPVS_DAEMON_ATTR_STATE), U32(IP_VS_STATE_BACKUP),
        };
        struct lb_sync_daemon d = master_eth0();
        struct nlmsghdr *nlh = NULL;

        (void)state;
        d.state = LB_SYNC_BACKUP;
        assert_int_equal(ipvs_msg_daemon(buf, FAM, false, &d, &nlh), 0);
        expect_bytes(nlh, want, sizeof(want));
}

static void test_dump(void **state)
{
        static const unsigned char want[] = {
                HDR(20, NLM_F_REQUEST | NLM_F_DUMP), GENL(IPVS_CMD_GET_DAEMON),
        };

        (void)state;
        expect_bytes(ipvs_msg_dump_daemons(buf, FAM), want, sizeof(want));
}

static void test_refused(void **state)
{
        struct lb_sync_daemon d = master_eth0();
        struct nlmsghdr *nlh = NULL;

        (void)state;
        d.state = 0;
        assert_int_equal(ipvs_msg_daemon(buf, FAM, true, &d, &nlh), -EINVAL);
        d = master_eth0();
        d.ifname[0] = 0;
        assert_int_equal(ipvs_msg_daemon(buf, FAM, true, &d, &nlh), -EINVAL);
        d = master_eth0();
        memset(d.ifname, 'x', sizeof(d.ifname));
        assert_int_equal(ipvs_msg_daemon(buf, FAM, true, &d, &nlh), -EINVAL);
        d = master_eth0();
        d.group.family = AF_UNIX;
        assert_int_equal(ipvs_msg_daemon(buf, FAM, true, &d, &nlh), -EINVAL);
        assert_null(nlh);
}

/* The kernel's answer to GET_DAEMON, as ip_vs_genl_dump_daemon fills it. */
static void test_parse(void **state)
{
        static const unsigned char reply[] __attribute__((aligned(4))) = {
                HDR(84, NLM_F_MULTI), GENL(IPVS_CMD_NEW_DAEMON),
                NLA(64, NEST(IPVS_CMD_ATTR_DAEMON)), MASTER_ETH0_51,
                NLA(6, IPVS_DAEMON_ATTR_SYNC_MAXLEN), U16(1472), 0, 0,
                NLA(6, IPVS_DAEMON_ATTR_MCAST_PORT), BE16(8848), 0, 0,
                NLA(5, IPVS_DAEMON_ATTR_MCAST_TTL), 1, 0, 0, 0,
                NLA(8, IPVS_DAEMON_ATTR_MCAST_GROUP), 224, 0, 0, 81,
        };
        struct lb_sync_daemon d;
        char line[128];

        (void)state;
        assert_int_equal(ipvs_parse_daemon((const struct nlmsghdr *)reply, FAM, &d), 0);
        assert_int_equal(d.state, LB_SYNC_MASTER);
        assert_string_equal(d.ifname, "eth0");
        assert_int_equal(d.syncid, 51);
        assert_int_equal(d.maxlen, 1472);
        assert_int_equal(d.port, 8848);
        assert_int_equal(d.ttl, 1);
        assert_int_equal(d.group.family, AF_INET);
        lb_sync_daemon_str(&d, line, sizeof(line));
        assert_string_equal(line, "master on eth0 syncid 51 maxlen 1472 port 8848 ttl 1 group 224.0.0.81");
}

static void test_round_trip_v6(void **state)
{
        struct lb_sync_daemon d = master_eth0(), back;
        struct nlmsghdr *nlh = NULL;
        struct genlmsghdr *g;

        (void)state;
        d.state = LB_SYNC_BACKUP;
        d.port = 9000;
        d.group.family = AF_INET6;
        inet_pton(AF_INET6, "ff02::51", &d.group.u.v6);
        assert_int_equal(ipvs_msg_daemon(buf, FAM, true, &d, &nlh), 0);
        g = mnl_nlmsg_get_payload(nlh);
        g->cmd = IPVS_CMD_NEW_DAEMON; /* a dump answers with this command */
        assert_int_equal(ipvs_parse_daemon(nlh, FAM, &back), 0);
        assert_int_equal(back.state, LB_SYNC_BACKUP);
        assert_string_equal(back.ifname, "eth0");
        assert_int_equal(back.port, 9000);
        assert_true(conf_ip_equal(&back.group, &d.group));
}

static void test_parse_malformed(void **state)
{
        static const unsigned char no_ifname[] __attribute__((aligned(4))) = {
                HDR(40, 0), GENL(IPVS_CMD_NEW_DAEMON),
                NLA(20, NEST(IPVS_CMD_ATTR_DAEMON)),
                NLA(8, IPVS_DAEMON_ATTR_STATE), U32(IP_VS_STATE_MASTER),
                NLA(8, IPVS_DAEMON_ATTR_SYNC_ID), U32(51),
        };
        static const unsigned char bad_state[] __attribute__((aligned(4))) = {
                HDR(52, 0), GENL(IPVS_CMD_NEW_DAEMON),
                NLA(32, NEST(IPVS_CMD_ATTR_DAEMON)),
                NLA(8, IPVS_DAEMON_ATTR_STATE), U32(7),
                NLA(9, IPVS_DAEMON_ATTR_MCAST_IFN), 'e', 't', 'h', '0', 0, 0, 0, 0,
                NLA(8, IPVS_DAEMON_ATTR_SYNC_ID), U32(51),
        };
        static const unsigned char short_port[] __attribute__((aligned(4))) = {
                HDR(60, 0), GENL(IPVS_CMD_NEW_DAEMON),
                NLA(40, NEST(IPVS_CMD_ATTR_DAEMON)), MASTER_ETH0_51,
                NLA(5, IPVS_DAEMON_ATTR_MCAST_PORT), 1, 0, 0, 0,
                0, 0, 0, 0,
        };
        struct lb_sync_daemon d = { 0 };

        (void)state;
        assert_int_equal(ipvs_parse_daemon((const struct nlmsghdr *)no_ifname, FAM, &d), -EINVAL);
        assert_int_equal(ipvs_parse_daemon((const struct nlmsghdr *)bad_state, FAM, &d), -EINVAL);
        assert_int_equal(ipvs_parse_daemon((const struct nlmsghdr *)short_port, FAM, &d), -EINVAL);
        assert_int_equal(ipvs_parse_daemon((const struct nlmsghdr *)bad_state, FAM + 1, &d), -EINVAL);
        assert_int_equal(d.state, 0); /* untouched on failure */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_start_minimal),  cmocka_unit_test(test_start_every_option),
                cmocka_unit_test(test_start_group6),   cmocka_unit_test(test_stop_backup),
                cmocka_unit_test(test_dump),           cmocka_unit_test(test_refused),
                cmocka_unit_test(test_parse),          cmocka_unit_test(test_round_trip_v6),
                cmocka_unit_test(test_parse_malformed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
