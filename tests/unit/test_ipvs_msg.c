/* The IPVS generic-netlink messages (lb/ipvs_msg.c), byte by byte against
 * messages written out by hand from the kernel's uapi (linux/netlink.h,
 * genetlink.h, ip_vs.h): a netlink header (16 bytes), a genl header
 * (cmd, version 1, 2 reserved), then attributes (u16 length, u16 type,
 * payload padded to 4). The host is little-endian (x86): lengths and
 * u16/u32 values are written in that order, ports and IPv4 masks in
 * network order. Then the parse of dump replies written the way the
 * kernel fills them, round trips, and truncated or malformed replies. */
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
#include <netinet/in.h>

#include "lb/ipvs_msg.h"
#include "lb/ipvs_text.h"

#define FAM 0x1d        /* a family id as CTRL_CMD_GETFAMILY could answer */

#define U16(x) (uint8_t)((x) & 0xff), (uint8_t)(((x) >> 8) & 0xff)
#define U32(x) U16((x) & 0xffff), U16(((unsigned)(x) >> 16) & 0xffff)
#define U64(x) U32((x) & 0xffffffffu), U32(((uint64_t)(x) >> 32) & 0xffffffffu)
#define BE16(x) (uint8_t)(((x) >> 8) & 0xff), (uint8_t)((x) & 0xff)
#define NLA(len, type) U16(len), U16(type)
#define NEST(type) ((type) | NLA_F_NESTED)
#define HDR(len, flags) U32(len), U16(FAM), U16(flags), U32(0), U32(0)
#define GENL(cmd) (cmd), IPVS_GENL_VERSION, 0, 0
#define REQ_ACK (NLM_F_REQUEST | NLM_F_ACK)
#define V4(a, b, c, d) a, b, c, d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 /* union nf_inet_addr */
#define V6_DB8(last) 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last

/* The service key the dest messages carry: TCP 10.0.0.1:80, 48 bytes. */
#define SVC_KEY_TCP_10_0_0_1_80                                                                   \
        NLA(48, NEST(IPVS_CMD_ATTR_SERVICE)),                                                     \
        NLA(6, IPVS_SVC_ATTR_AF), U16(AF_INET), 0, 0,                                             \
        NLA(6, IPVS_SVC_ATTR_PROTOCOL), U16(IPPROTO_TCP), 0, 0,                                   \
        NLA(20, IPVS_SVC_ATTR_ADDR), V4(10, 0, 0, 1),                                             \
        NLA(6, IPVS_SVC_ATTR_PORT), BE16(80), 0, 0

static unsigned char buf[IPVS_MSG_MAX] __attribute__((aligned(4)));

static void expect_bytes(const struct nlmsghdr *nlh, const unsigned char *want, size_t n)
{
        assert_non_null(nlh);
        assert_int_equal(nlh->nlmsg_len, n);
        for (size_t i = 0; i < n; i++)
                if (((const unsigned char *)nlh)[i] != want[i])
                        fail_msg("byte %zu: 0x%02x, want 0x%02x", i, ((const unsigned char *)nlh)[i], want[i]);
}

static struct conf_ip ip(const char *text)
{
        struct conf_ip a = { 0 };

        assert_true(conf_parse_ip(text, &a));
        return a;
}

static struct lb_service tcp_service(const char *addr, uint16_t port, const char *sched)
{
        struct lb_service s = { .key = { .protocol = IPPROTO_TCP, .addr = ip(addr), .port = port } };

        s.key.af = s.key.addr.family;
        strcpy(s.sched, sched);
        return s;
}

static struct lb_dest dest(const char *addr, uint16_t port, enum lb_fwd fwd, uint32_t weight)
{
        struct lb_dest d = { .key = { .addr = ip(addr), .port = port }, .fwd = fwd, .weight = weight };

        return d;
}

static struct nlmsghdr *svc_msg(uint8_t cmd, const struct lb_service *s)
{
        struct nlmsghdr *nlh = NULL;

        assert_int_equal(ipvs_msg_service(buf, FAM, cmd, s, &nlh), 0);
        return nlh;
}

static struct nlmsghdr *dest_msg(uint8_t cmd, const struct lb_service_key *k, const struct lb_dest *d)
{
        struct nlmsghdr *nlh = NULL;

        assert_int_equal(ipvs_msg_dest(buf, FAM, cmd, k, d, &nlh), 0);
        return nlh;
}

/* ---- requests ---------------------------------------------------------- */

static void test_getfamily(void **state)
{
        static const unsigned char want[] = {
                U32(32), U16(GENL_ID_CTRL), U16(NLM_F_REQUEST), U32(0), U32(0),
                CTRL_CMD_GETFAMILY, 1, 0, 0,
                NLA(9, CTRL_ATTR_FAMILY_NAME), 'I', 'P', 'V', 'S', 0, 0, 0, 0,
        };

        (void)state;
        expect_bytes(ipvs_msg_getfamily(buf), want, sizeof(want));
}

static void test_new_service_v4(void **state)
{
        static const unsigned char want[] = {
                HDR(104, REQ_ACK), GENL(IPVS_CMD_NEW_SERVICE),
                NLA(84, NEST(IPVS_CMD_ATTR_SERVICE)),
                NLA(6, IPVS_SVC_ATTR_AF), U16(AF_INET), 0, 0,
                NLA(6, IPVS_SVC_ATTR_PROTOCOL), U16(IPPROTO_TCP), 0, 0,
                NLA(20, IPVS_SVC_ATTR_ADDR), V4(10, 0, 0, 1),
                NLA(6, IPVS_SVC_ATTR_PORT), BE16(80), 0, 0,
                NLA(8, IPVS_SVC_ATTR_SCHED_NAME), 'w', 'r', 'r', 0,
                NLA(4 + sizeof(struct ip_vs_flags), IPVS_SVC_ATTR_FLAGS), U32(0), U32(0xffffffffu),
                NLA(8, IPVS_SVC_ATTR_TIMEOUT), U32(0),
                NLA(8, IPVS_SVC_ATTR_NETMASK), 0xff, 0xff, 0xff, 0xff,
        };
        struct lb_service s = tcp_service("10.0.0.1", 80, "wrr");

        (void)state;
        expect_bytes(svc_msg(IPVS_CMD_NEW_SERVICE, &s), want, sizeof(want));
}

/* Persistence, IPv6 granularity as a prefix length, ops, the sh flags and
 * a persistence engine. */
static void test_set_service_v6_every_option(void **state)
{
        static const unsigned char want[] = {
                HDR(112, REQ_ACK), GENL(IPVS_CMD_SET_SERVICE),
                NLA(92, NEST(IPVS_CMD_ATTR_SERVICE)),
                NLA(6, IPVS_SVC_ATTR_AF), U16(AF_INET6), 0, 0,
                NLA(6, IPVS_SVC_ATTR_PROTOCOL), U16(IPPROTO_UDP), 0, 0,
                NLA(20, IPVS_SVC_ATTR_ADDR), V6_DB8(1),
                NLA(6, IPVS_SVC_ATTR_PORT), BE16(53), 0, 0,
                NLA(7, IPVS_SVC_ATTR_SCHED_NAME), 's', 'h', 0, 0,
                NLA(8, IPVS_SVC_ATTR_PE_NAME), 's', 'i', 'p', 0,
                NLA(12, IPVS_SVC_ATTR_FLAGS),
                U32(IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET | IP_VS_SVC_F_SCHED_SH_FALLBACK |
                    IP_VS_SVC_F_SCHED_SH_PORT), U32(0xffffffffu),
                NLA(8, IPVS_SVC_ATTR_TIMEOUT), U32(300),
                NLA(8, IPVS_SVC_ATTR_NETMASK), U32(64),
        };
        struct lb_service s = { .key = { .af = AF_INET6, .protocol = IPPROTO_UDP, .addr = ip("2001:db8::1"), .port = 53 },
                                .sched = "sh", .timeout = 300, .netmask_prefix = 64, .pe_name = "sip",
                                .flags = LB_SVC_ONEPACKET | LB_SVC_SH_FALLBACK | LB_SVC_SH_PORT };

        (void)state;
        expect_bytes(svc_msg(IPVS_CMD_SET_SERVICE, &s), want, sizeof(want));
}

/* A fwmark service names no protocol, address or port; an IPv4
 * granularity is a mask. */
static void test_new_service_fwmark_persistent(void **state)
{
        static const unsigned char want[] = {
                HDR(76, REQ_ACK), GENL(IPVS_CMD_NEW_SERVICE),
                NLA(56, NEST(IPVS_CMD_ATTR_SERVICE)),
                NLA(6, IPVS_SVC_ATTR_AF), U16(AF_INET), 0, 0,
                NLA(8, IPVS_SVC_ATTR_FWMARK), U32(7),
                NLA(7, IPVS_SVC_ATTR_SCHED_NAME), 'm', 'h', 0, 0,
                NLA(12, IPVS_SVC_ATTR_FLAGS), U32(IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED2), U32(0xffffffffu),
                NLA(8, IPVS_SVC_ATTR_TIMEOUT), U32(600),
                NLA(8, IPVS_SVC_ATTR_NETMASK), 255, 255, 255, 0,
        };
        struct lb_service s = { .key = { .af = AF_INET, .fwmark = 7 }, .sched = "mh", .timeout = 600,
                                .netmask_prefix = 24, .flags = LB_SVC_MH_PORT };

        (void)state;
        expect_bytes(svc_msg(IPVS_CMD_NEW_SERVICE, &s), want, sizeof(want));
}

/* A persistent flag without a timeout is not sent: persistence follows
 * the timeout. */
static void test_persistent_flag_follows_timeout(void **state)
{
        struct lb_service s = tcp_service("10.0.0.1", 80, "rr");
        const struct nlattr *a;
        struct nlmsghdr *nlh;
        struct ip_vs_flags f = { 1, 1 };

        (void)state;
        s.flags = LB_SVC_PERSISTENT;
        nlh = svc_msg(IPVS_CMD_NEW_SERVICE, &s);
        /* header 16, genl 4, nest 4, AF 8, PROTO 8, ADDR 20, PORT 8, SCHED 8 */
        a = (const struct nlattr *)(const void *)((const char *)nlh + 16 + 4 + 4 + 8 + 8 + 20 + 8 + 8);
        assert_int_equal(mnl_attr_get_type(a), IPVS_SVC_ATTR_FLAGS);
        memcpy(&f, mnl_attr_get_payload(a), sizeof(f));
        assert_int_equal(f.flags, 0);
}

static void test_del_service_key_only(void **state)
{
        static const unsigned char want[] = {
                HDR(68, REQ_ACK), GENL(IPVS_CMD_DEL_SERVICE),
                NLA(48, NEST(IPVS_CMD_ATTR_SERVICE)),
                NLA(6, IPVS_SVC_ATTR_AF), U16(AF_INET), 0, 0,
                NLA(6, IPVS_SVC_ATTR_PROTOCOL), U16(IPPROTO_SCTP), 0, 0,
                NLA(20, IPVS_SVC_ATTR_ADDR), V4(192, 0, 2, 7),
                NLA(6, IPVS_SVC_ATTR_PORT), BE16(3868), 0, 0,
        };
        struct lb_service s = tcp_service("192.0.2.7", 3868, "");

        (void)state;
        s.key.protocol = IPPROTO_SCTP;
        expect_bytes(svc_msg(IPVS_CMD_DEL_SERVICE, &s), want, sizeof(want));
}

static void test_new_dest_dr(void **state)
{
        static const unsigned char want[] = {
                HDR(140, REQ_ACK), GENL(IPVS_CMD_NEW_DEST),
                SVC_KEY_TCP_10_0_0_1_80,
                NLA(72, NEST(IPVS_CMD_ATTR_DEST)),
                NLA(20, IPVS_DEST_ATTR_ADDR), V4(10, 0, 1, 2),
                NLA(6, IPVS_DEST_ATTR_PORT), BE16(8080), 0, 0,
                NLA(6, IPVS_DEST_ATTR_ADDR_FAMILY), U16(AF_INET), 0, 0,
                NLA(8, IPVS_DEST_ATTR_FWD_METHOD), U32(IP_VS_CONN_F_DROUTE),
                NLA(8, IPVS_DEST_ATTR_WEIGHT), U32(3),
                NLA(8, IPVS_DEST_ATTR_U_THRESH), U32(1000),
                NLA(8, IPVS_DEST_ATTR_L_THRESH), U32(750),
        };
        struct lb_service s = tcp_service("10.0.0.1", 80, "wrr");
        struct lb_dest d = dest("10.0.1.2", 8080, LB_FWD_ROUTE, 3);

        (void)state;
        d.u_thresh = 1000;
        d.l_thresh = 750;
        d.tun_type = LB_TUN_GUE; /* ignored but for tunnels */
        expect_bytes(dest_msg(IPVS_CMD_NEW_DEST, &s.key, &d), want, sizeof(want));
}

/* A tunnel: type, port and flags; an IPv6 real server behind an IPv4 VIP
 * is allowed through a tunnel only. */
static void test_set_dest_tunnel_mixed_family(void **state)
{
        static const unsigned char want[] = {
                HDR(164, REQ_ACK), GENL(IPVS_CMD_SET_DEST),
                SVC_KEY_TCP_10_0_0_1_80,
                NLA(96, NEST(IPVS_CMD_ATTR_DEST)),
                NLA(20, IPVS_DEST_ATTR_ADDR), V6_DB8(0x22),
                NLA(6, IPVS_DEST_ATTR_PORT), BE16(80), 0, 0,
                NLA(6, IPVS_DEST_ATTR_ADDR_FAMILY), U16(AF_INET6), 0, 0,
                NLA(8, IPVS_DEST_ATTR_FWD_METHOD), U32(IP_VS_CONN_F_TUNNEL),
                NLA(8, IPVS_DEST_ATTR_WEIGHT), U32(0),
                NLA(8, IPVS_DEST_ATTR_U_THRESH), U32(0),
                NLA(8, IPVS_DEST_ATTR_L_THRESH), U32(0),
                NLA(5, IPVS_DEST_ATTR_TUN_TYPE), IP_VS_CONN_F_TUNNEL_TYPE_GUE, 0, 0, 0,
                NLA(6, IPVS_DEST_ATTR_TUN_PORT), BE16(6080), 0, 0,
                NLA(6, IPVS_DEST_ATTR_TUN_FLAGS), U16(IP_VS_TUNNEL_ENCAP_FLAG_CSUM | IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM), 0, 0,
        };
        struct lb_service s = tcp_service("10.0.0.1", 80, "wrr");
        struct lb_dest d = dest("2001:db8::22", 80, LB_FWD_TUNNEL, 0);
        struct nlmsghdr *nlh;

        (void)state;
        d.tun_type = LB_TUN_GUE;
        d.tun_port = 6080;
        d.tun_flags = LB_TUN_F_CSUM | LB_TUN_F_REMCSUM;
        expect_bytes(dest_msg(IPVS_CMD_SET_DEST, &s.key, &d), want, sizeof(want));
        d.fwd = LB_FWD_ROUTE;
        assert_int_equal(ipvs_msg_dest(buf, FAM, IPVS_CMD_SET_DEST, &s.key, &d, &nlh), -EINVAL);
}

static void test_del_dest_key_only(void **state)
{
        static const unsigned char want[] = {
                HDR(108, REQ_ACK), GENL(IPVS_CMD_DEL_DEST),
                SVC_KEY_TCP_10_0_0_1_80,
                NLA(40, NEST(IPVS_CMD_ATTR_DEST)),
                NLA(20, IPVS_DEST_ATTR_ADDR), V4(10, 0, 1, 3),
                NLA(6, IPVS_DEST_ATTR_PORT), BE16(80), 0, 0,
                NLA(6, IPVS_DEST_ATTR_ADDR_FAMILY), U16(AF_INET), 0, 0,
        };
        struct lb_service s = tcp_service("10.0.0.1", 80, "wrr");
        struct lb_dest d = dest("10.0.1.3", 80, LB_FWD_MASQ, 5);

        (void)state;
        expect_bytes(dest_msg(IPVS_CMD_DEL_DEST, &s.key, &d), want, sizeof(want));
}

static void test_flush_info_config_dumps(void **state)
{
        static const unsigned char flush[] = { HDR(20, REQ_ACK), GENL(IPVS_CMD_FLUSH) };
        static const unsigned char info[] = { HDR(20, NLM_F_REQUEST), GENL(IPVS_CMD_GET_INFO) };
        static const unsigned char config[] = { HDR(20, NLM_F_REQUEST), GENL(IPVS_CMD_GET_CONFIG) };
        static const unsigned char services[] = { HDR(20, NLM_F_REQUEST | NLM_F_DUMP), GENL(IPVS_CMD_GET_SERVICE) };
        static const unsigned char dests[] = { HDR(68, NLM_F_REQUEST | NLM_F_DUMP), GENL(IPVS_CMD_GET_DEST),
                                               SVC_KEY_TCP_10_0_0_1_80 };
        struct lb_service s = tcp_service("10.0.0.1", 80, "wrr");
        struct nlmsghdr *nlh = NULL;

        (void)state;
        expect_bytes(ipvs_msg_flush(buf, FAM), flush, sizeof(flush));
        expect_bytes(ipvs_msg_get_info(buf, FAM), info, sizeof(info));
        expect_bytes(ipvs_msg_get_config(buf, FAM), config, sizeof(config));
        expect_bytes(ipvs_msg_dump_services(buf, FAM), services, sizeof(services));
        assert_int_equal(ipvs_msg_dump_dests(buf, FAM, &s.key, &nlh), 0);
        expect_bytes(nlh, dests, sizeof(dests));
}

/* lvs_timeouts: a 0 is not sent (the kernel keeps its value). */
static void test_timeouts(void **state)
{
        static const unsigned char want[] = {
                HDR(36, REQ_ACK), GENL(IPVS_CMD_SET_CONFIG),
                NLA(8, IPVS_CMD_ATTR_TIMEOUT_TCP), U32(900),
                NLA(8, IPVS_CMD_ATTR_TIMEOUT_UDP), U32(300),
        };
        static const unsigned char all[] = {
                HDR(44, REQ_ACK), GENL(IPVS_CMD_SET_CONFIG),
                NLA(8, IPVS_CMD_ATTR_TIMEOUT_TCP), U32(7200),
                NLA(8, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN), U32(120),
                NLA(8, IPVS_CMD_ATTR_TIMEOUT_UDP), U32(60),
        };
        struct lb_timeouts t = { .tcp = 900, .udp = 300 }, t2 = { 7200, 120, 60 };

        (void)state;
        expect_bytes(ipvs_msg_timeouts(buf, FAM, &t), want, sizeof(want));
        expect_bytes(ipvs_msg_timeouts(buf, FAM, &t2), all, sizeof(all));
}

/* What the kernel would refuse is refused before it is sent. */
static void test_builders_refuse(void **state)
{
        struct lb_service s = tcp_service("10.0.0.1", 80, "wrr");
        struct lb_dest d = dest("10.0.1.2", 80, LB_FWD_ROUTE, 1);
        struct nlmsghdr *nlh = NULL;
        struct lb_service bad;

        (void)state;
        bad = s, bad.sched[0] = 0;
        assert_int_equal(ipvs_msg_service(buf, FAM, IPVS_CMD_NEW_SERVICE, &bad, &nlh), -EINVAL);
        bad = s, memset(bad.sched, 'x', sizeof(bad.sched));
        assert_int_equal(ipvs_msg_service(buf, FAM, IPVS_CMD_NEW_SERVICE, &bad, &nlh), -EINVAL);
        bad = s, bad.key.protocol = IPPROTO_ICMP;
        assert_int_equal(ipvs_msg_service(buf, FAM, IPVS_CMD_NEW_SERVICE, &bad, &nlh), -EINVAL);
        bad = s, bad.key.af = AF_UNIX;
        assert_int_equal(ipvs_msg_service(buf, FAM, IPVS_CMD_DEL_SERVICE, &bad, &nlh), -EINVAL);
        bad = s, bad.key.af = AF_INET6; /* the address is IPv4 */
        assert_int_equal(ipvs_msg_service(buf, FAM, IPVS_CMD_DEL_SERVICE, &bad, &nlh), -EINVAL);
        bad = s, bad.netmask_prefix = 33;
        assert_int_equal(ipvs_msg_service(buf, FAM, IPVS_CMD_NEW_SERVICE, &bad, &nlh), -EINVAL);
        assert_int_equal(ipvs_msg_service(buf, FAM, IPVS_CMD_NEW_DEST, &s, &nlh), -EINVAL);
        assert_int_equal(ipvs_msg_dest(buf, FAM, IPVS_CMD_NEW_SERVICE, &s.key, &d, &nlh), -EINVAL);
        d.tun_flags = 0x80;
        d.fwd = LB_FWD_TUNNEL;
        assert_int_equal(ipvs_msg_dest(buf, FAM, IPVS_CMD_NEW_DEST, &s.key, &d, &nlh), -EINVAL);
        assert_null(nlh);
}

/* A change set's change is the same message as the builder's. */
static void test_change_msg_is_the_builders(void **state)
{
        static unsigned char direct[IPVS_MSG_MAX];
        struct lb_change c = { .op = LB_ADD_DEST, .svc = tcp_service("10.0.0.1", 80, "wrr"),
                               .dest = dest("10.0.1.2", 80, LB_FWD_MASQ, 2) };
        struct nlmsghdr *nlh = NULL, *d = NULL;

        (void)state;
        assert_int_equal(ipvs_msg_dest(direct, FAM, IPVS_CMD_NEW_DEST, &c.svc.key, &c.dest, &d), 0);
        assert_int_equal(ipvs_change_msg(buf, FAM, &c, &nlh), 0);
        assert_memory_equal(nlh, d, d->nlmsg_len);
        c.op = LB_EDIT_SERVICE;
        assert_int_equal(ipvs_msg_service(direct, FAM, IPVS_CMD_SET_SERVICE, &c.svc, &d), 0);
        assert_int_equal(ipvs_change_msg(buf, FAM, &c, &nlh), 0);
        assert_memory_equal(nlh, d, d->nlmsg_len);
        c.op = LB_FLUSH;
        assert_int_equal(ipvs_change_msg(buf, FAM, &c, &nlh), 0);
        assert_int_equal(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd, IPVS_CMD_FLUSH);
}

/* ---- replies ------------------------------------------------------------ */

#define STAT32(type, v) NLA(8, type), U32(v)
#define STAT64(type, v) NLA(12, type), U64(v)
#define STATS64_NEST(type, conns, inbytes)                                                        \
        NLA(124, type), STAT64(IPVS_STATS_ATTR_CONNS, conns), STAT64(IPVS_STATS_ATTR_INPKTS, 11), \
        STAT64(IPVS_STATS_ATTR_OUTPKTS, 12), STAT64(IPVS_STATS_ATTR_INBYTES, inbytes),            \
        STAT64(IPVS_STATS_ATTR_OUTBYTES, 14), STAT64(IPVS_STATS_ATTR_CPS, 1),                     \
        STAT64(IPVS_STATS_ATTR_INPPS, 2), STAT64(IPVS_STATS_ATTR_OUTPPS, 3),                      \
        STAT64(IPVS_STATS_ATTR_INBPS, 4), STAT64(IPVS_STATS_ATTR_OUTBPS, 5)

/* A GET_SERVICE dump message as ip_vs_genl_fill_service() writes it: no
 * NLA_F_NESTED, the HASHED flag, both stats sets (64-bit wins). */
static const unsigned char svc_reply[] __attribute__((aligned(4))) = {
        HDR(320, NLM_F_MULTI), GENL(IPVS_CMD_NEW_SERVICE),
        NLA(300, IPVS_CMD_ATTR_SERVICE),
        NLA(6, IPVS_SVC_ATTR_AF), U16(AF_INET), 0, 0,
        NLA(6, IPVS_SVC_ATTR_PROTOCOL), U16(IPPROTO_TCP), 0, 0,
        NLA(20, IPVS_SVC_ATTR_ADDR), V4(10, 0, 0, 1),
        NLA(6, IPVS_SVC_ATTR_PORT), BE16(443), 0, 0,
        NLA(8, IPVS_SVC_ATTR_SCHED_NAME), 'w', 'l', 'c', 0,
        NLA(12, IPVS_SVC_ATTR_FLAGS), U32(IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_HASHED), U32(0xffffffffu),
        NLA(8, IPVS_SVC_ATTR_TIMEOUT), U32(300),
        NLA(8, IPVS_SVC_ATTR_NETMASK), 255, 255, 255, 0,
        NLA(92, IPVS_SVC_ATTR_STATS),
        STAT32(IPVS_STATS_ATTR_CONNS, 10), STAT32(IPVS_STATS_ATTR_INPKTS, 11), STAT32(IPVS_STATS_ATTR_OUTPKTS, 12),
        STAT64(IPVS_STATS_ATTR_INBYTES, 13), STAT64(IPVS_STATS_ATTR_OUTBYTES, 14), STAT32(IPVS_STATS_ATTR_CPS, 1),
        STAT32(IPVS_STATS_ATTR_INPPS, 2), STAT32(IPVS_STATS_ATTR_OUTPPS, 3), STAT32(IPVS_STATS_ATTR_INBPS, 4),
        STAT32(IPVS_STATS_ATTR_OUTBPS, 5),
        STATS64_NEST(IPVS_SVC_ATTR_STATS64, 10, 0x100000007ull),
};

/* A GET_DEST dump message as ip_vs_genl_fill_dest() writes it (tunnel
 * attributes on every destination; here a GUE tunnel). */
static const unsigned char dest_reply[] __attribute__((aligned(4))) = {
        HDR(264, NLM_F_MULTI), GENL(IPVS_CMD_NEW_DEST),
        NLA(244, IPVS_CMD_ATTR_DEST),
        NLA(20, IPVS_DEST_ATTR_ADDR), V4(10, 0, 1, 2),
        NLA(6, IPVS_DEST_ATTR_ADDR_FAMILY), U16(AF_INET), 0, 0,
        NLA(6, IPVS_DEST_ATTR_PORT), BE16(8443), 0, 0,
        NLA(8, IPVS_DEST_ATTR_FWD_METHOD), U32(IP_VS_CONN_F_TUNNEL),
        NLA(8, IPVS_DEST_ATTR_WEIGHT), U32(100),
        NLA(5, IPVS_DEST_ATTR_TUN_TYPE), IP_VS_CONN_F_TUNNEL_TYPE_GUE, 0, 0, 0,
        NLA(6, IPVS_DEST_ATTR_TUN_PORT), BE16(5555), 0, 0,
        NLA(6, IPVS_DEST_ATTR_TUN_FLAGS), U16(IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM), 0, 0,
        NLA(8, IPVS_DEST_ATTR_U_THRESH), U32(500),
        NLA(8, IPVS_DEST_ATTR_L_THRESH), U32(400),
        NLA(8, IPVS_DEST_ATTR_ACTIVE_CONNS), U32(6),
        NLA(8, IPVS_DEST_ATTR_INACT_CONNS), U32(7),
        NLA(8, IPVS_DEST_ATTR_PERSIST_CONNS), U32(8),
        STATS64_NEST(IPVS_DEST_ATTR_STATS64, 42, 99),
};

static const struct nlmsghdr *as_msg(const unsigned char *bytes)
{
        return (const struct nlmsghdr *)(const void *)bytes;
}

static void test_parse_service_reply(void **state)
{
        struct lb_service_entry e;

        (void)state;
        assert_int_equal(sizeof(svc_reply), 320);
        assert_int_equal(ipvs_parse_service(as_msg(svc_reply), FAM, &e), 0);
        assert_int_equal(e.svc.key.af, AF_INET);
        assert_int_equal(e.svc.key.protocol, IPPROTO_TCP);
        assert_true(conf_ip_equal(&e.svc.key.addr, &(struct conf_ip){ 0 }) == false);
        assert_int_equal(e.svc.key.port, 443);
        assert_int_equal(e.svc.key.fwmark, 0);
        assert_string_equal(e.svc.sched, "wlc");
        assert_int_equal(e.svc.flags, 0); /* HASHED is the kernel's, PERSISTENT the timeout */
        assert_int_equal(e.svc.timeout, 300);
        assert_int_equal(e.svc.netmask_prefix, 24);
        assert_string_equal(e.svc.pe_name, "");
        assert_int_equal(e.stats.conns, 10);
        assert_int_equal(e.stats.inpkts, 11);
        assert_int_equal(e.stats.outpkts, 12);
        assert_int_equal(e.stats.inbytes, 0x100000007ull);
        assert_int_equal(e.stats.outbytes, 14);
        assert_int_equal(e.stats.outbps, 5);
        {
                struct conf_ip want = ip("10.0.0.1");
                assert_true(conf_ip_equal(&e.svc.key.addr, &want));
        }
}

static void test_parse_dest_reply(void **state)
{
        struct lb_dest_entry e;
        struct conf_ip want = ip("10.0.1.2");

        (void)state;
        assert_int_equal(sizeof(dest_reply), 264);
        assert_int_equal(ipvs_parse_dest(as_msg(dest_reply), FAM, AF_INET, &e), 0);
        assert_true(conf_ip_equal(&e.dest.key.addr, &want));
        assert_int_equal(e.dest.key.port, 8443);
        assert_int_equal(e.dest.fwd, LB_FWD_TUNNEL);
        assert_int_equal(e.dest.weight, 100);
        assert_int_equal(e.dest.tun_type, LB_TUN_GUE);
        assert_int_equal(e.dest.tun_port, 5555);
        assert_int_equal(e.dest.tun_flags, LB_TUN_F_REMCSUM);
        assert_int_equal(e.dest.u_thresh, 500);
        assert_int_equal(e.dest.l_thresh, 400);
        assert_int_equal(e.active_conns, 6);
        assert_int_equal(e.inact_conns, 7);
        assert_int_equal(e.persist_conns, 8);
        assert_int_equal(e.stats.conns, 42);
        assert_int_equal(e.stats.inbytes, 99);
}

/* A destination as a kernel without the 64-bit nest reports it (before
 * 4.1): IPVS_DEST_ATTR_STATS alone, 32-bit counters and rates, 64-bit
 * bytes; the connection counters of `vigilctl status`. */
static const unsigned char dest_reply32[] __attribute__((aligned(4))) = {
        HDR(176, NLM_F_MULTI), GENL(IPVS_CMD_NEW_DEST),
        NLA(156, IPVS_CMD_ATTR_DEST),
        NLA(20, IPVS_DEST_ATTR_ADDR), V4(10, 0, 1, 3),
        NLA(6, IPVS_DEST_ATTR_PORT), BE16(80), 0, 0,
        NLA(8, IPVS_DEST_ATTR_FWD_METHOD), U32(IP_VS_CONN_F_MASQ),
        NLA(8, IPVS_DEST_ATTR_WEIGHT), U32(0),
        NLA(8, IPVS_DEST_ATTR_ACTIVE_CONNS), U32(3),
        NLA(8, IPVS_DEST_ATTR_INACT_CONNS), U32(4),
        NLA(92, IPVS_DEST_ATTR_STATS),
        STAT32(IPVS_STATS_ATTR_CONNS, 1000), STAT32(IPVS_STATS_ATTR_INPKTS, 2000),
        STAT32(IPVS_STATS_ATTR_OUTPKTS, 3000), STAT64(IPVS_STATS_ATTR_INBYTES, 0x123456789ull),
        STAT64(IPVS_STATS_ATTR_OUTBYTES, 0x987654321ull), STAT32(IPVS_STATS_ATTR_CPS, 7),
        STAT32(IPVS_STATS_ATTR_INPPS, 8), STAT32(IPVS_STATS_ATTR_OUTPPS, 9), STAT32(IPVS_STATS_ATTR_INBPS, 10),
        STAT32(IPVS_STATS_ATTR_OUTBPS, 11),
};

static void test_parse_dest_stats32(void **state)
{
        unsigned char bad[sizeof(dest_reply32)] __attribute__((aligned(4)));
        struct lb_dest_entry e;

        (void)state;
        assert_int_equal(sizeof(dest_reply32), 176);
        assert_int_equal(ipvs_parse_dest(as_msg(dest_reply32), FAM, AF_INET, &e), 0);
        assert_int_equal(e.dest.weight, 0);
        assert_int_equal(e.active_conns, 3);
        assert_int_equal(e.inact_conns, 4);
        assert_int_equal(e.persist_conns, 0);
        assert_int_equal(e.stats.conns, 1000);
        assert_int_equal(e.stats.inpkts, 2000);
        assert_int_equal(e.stats.outpkts, 3000);
        assert_int_equal(e.stats.inbytes, 0x123456789ull);
        assert_int_equal(e.stats.outbytes, 0x987654321ull);
        assert_int_equal(e.stats.cps, 7);
        assert_int_equal(e.stats.inpps, 8);
        assert_int_equal(e.stats.outpps, 9);
        assert_int_equal(e.stats.inbps, 10);
        assert_int_equal(e.stats.outbps, 11);
        /* INBYTES as 32 bits (its length 8, not 12) is refused, not misread */
        memcpy(bad, dest_reply32, sizeof(bad));
        for (size_t i = 0; i + 4 <= sizeof(bad); i += 4)
                if (bad[i] == 12 && bad[i + 1] == 0 && bad[i + 2] == IPVS_STATS_ATTR_INBYTES && bad[i + 3] == 0) {
                        bad[i] = 8;
                        break;
                }
        assert_int_equal(ipvs_parse_dest(as_msg(bad), FAM, AF_INET, &e), -EINVAL);
}

static void test_parse_info_config_family(void **state)
{
        static const unsigned char info[] __attribute__((aligned(4))) = {
                HDR(36, 0), GENL(IPVS_CMD_SET_INFO),
                NLA(8, IPVS_INFO_ATTR_VERSION), U32(0x010201),
                NLA(8, IPVS_INFO_ATTR_CONN_TAB_SIZE), U32(4096),
        };
        static const unsigned char config[] __attribute__((aligned(4))) = {
                HDR(44, 0), GENL(IPVS_CMD_SET_CONFIG),
                NLA(8, IPVS_CMD_ATTR_TIMEOUT_TCP), U32(900),
                NLA(8, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN), U32(120),
                NLA(8, IPVS_CMD_ATTR_TIMEOUT_UDP), U32(300),
        };
        /* the controller's NEWFAMILY: name, then id (and more we skip) */
        static const unsigned char family[] __attribute__((aligned(4))) = {
                U32(48), U16(GENL_ID_CTRL), U16(0), U32(1), U32(0), CTRL_CMD_NEWFAMILY, 2, 0, 0,
                NLA(9, CTRL_ATTR_FAMILY_NAME), 'I', 'P', 'V', 'S', 0, 0, 0, 0,
                NLA(6, CTRL_ATTR_FAMILY_ID), U16(FAM), 0, 0,
                NLA(8, CTRL_ATTR_VERSION), U32(1),
        };
        struct lb_info i;
        struct lb_timeouts t;
        uint16_t id = 0;

        (void)state;
        assert_int_equal(ipvs_parse_info(as_msg(info), FAM, &i), 0);
        assert_int_equal(i.version, 0x010201);
        assert_int_equal(i.conn_tab_size, 4096);
        assert_int_equal(ipvs_parse_config(as_msg(config), FAM, &t), 0);
        assert_int_equal(t.tcp, 900);
        assert_int_equal(t.tcpfin, 120);
        assert_int_equal(t.udp, 300);
        assert_int_equal(ipvs_parse_family(as_msg(family), &id), 0);
        assert_int_equal(id, FAM);
        assert_int_equal(ipvs_parse_info(as_msg(config), FAM, &i), -EINVAL); /* another command */
}

/* What the builder writes, the parser reads back the same, for every
 * scheduler, both families, fwmarks and every option. */
static void roundtrip_service(const struct lb_service *s)
{
        struct lb_service_entry e;

        svc_msg(IPVS_CMD_NEW_SERVICE, s);
        assert_int_equal(ipvs_parse_service(as_msg(buf), FAM, &e), 0);
        assert_true(lb_service_key_equal(&e.svc.key, &s->key));
        assert_string_equal(e.svc.sched, s->sched);
        assert_int_equal(e.svc.flags, s->flags);
        assert_int_equal(e.svc.timeout, s->timeout);
        assert_int_equal(e.svc.netmask_prefix, s->netmask_prefix);
        assert_string_equal(e.svc.pe_name, s->pe_name);
}

static void test_roundtrip_services(void **state)
{
        static const char *const sched[] = { "rr", "wrr", "lc", "wlc", "fo", "ovf", "lblc",
                                             "lblcr", "dh", "sh", "mh", "sed", "nq", "twos" };
        static const char *const addrs[] = { "10.0.0.1", "2001:db8::80" };

        (void)state;
        for (size_t i = 0; i < sizeof(sched) / sizeof(sched[0]); i++) {
                for (size_t a = 0; a < 2; a++) {
                        struct lb_service s = tcp_service(addrs[a], (uint16_t)(80 + i), sched[i]);
                        assert_true(lb_sched_known(sched[i]));
                        s.key.protocol = i % 3 == 0 ? IPPROTO_TCP : i % 3 == 1 ? IPPROTO_UDP : IPPROTO_SCTP;
                        roundtrip_service(&s);
                        s.timeout = (uint32_t)(60 * i + 1);
                        s.netmask_prefix = (uint8_t)(a ? 48 + i : 16 + i);
                        s.flags = LB_SVC_ONEPACKET | (i & 1 ? LB_SVC_SCHED1 : LB_SVC_SCHED2 | LB_SVC_SCHED3);
                        strcpy(s.pe_name, i & 1 ? "sip" : "");
                        roundtrip_service(&s);
                        s.key = (struct lb_service_key){ .af = s.key.af, .fwmark = (uint32_t)(i + 1) };
                        roundtrip_service(&s);
                }
        }
        assert_false(lb_sched_known("wlcx"));
        assert_false(lb_sched_known(""));
}

static void roundtrip_dest(const struct lb_service_key *k, const struct lb_dest *d)
{
        struct lb_dest_entry e;

        dest_msg(IPVS_CMD_NEW_DEST, k, d);
        assert_int_equal(ipvs_parse_dest(as_msg(buf), FAM, k->af, &e), 0);
        assert_memory_equal(&e.dest, d, sizeof(*d));
}

static void test_roundtrip_dests(void **state)
{
        struct lb_service s4 = tcp_service("10.0.0.1", 80, "wrr"), s6 = tcp_service("2001:db8::1", 80, "wrr");
        struct lb_dest d;

        (void)state;
        for (unsigned fwd = LB_FWD_MASQ; fwd <= LB_FWD_BYPASS; fwd++) {
                memset(&d, 0, sizeof(d)); /* the model's padding too: compared whole */
                d = dest("10.0.1.2", 8080, (enum lb_fwd)fwd, 65535);
                d.u_thresh = 10 * fwd;
                d.l_thresh = 5 * fwd;
                roundtrip_dest(&s4.key, &d);
        }
        for (unsigned t = LB_TUN_IPIP; t <= LB_TUN_GRE; t++) {
                memset(&d, 0, sizeof(d));
                d = dest("2001:db8::2", 80, LB_FWD_TUNNEL, 1);
                d.tun_type = (enum lb_tun_type)t;
                d.tun_port = t == LB_TUN_GUE ? 6080 : 0;
                d.tun_flags = (uint16_t)t;
                roundtrip_dest(&s6.key, &d);
                roundtrip_dest(&s4.key, &d);   /* mixed family through a tunnel */
        }
}

/* Every cut of a reply is refused (each cut ends inside the one nested
 * attribute), in a buffer of exactly the cut's size so that ASan sees a
 * read past it. */
static void test_truncated_replies(void **state)
{
        const unsigned char *replies[] = { svc_reply, dest_reply };
        const size_t sizes[] = { sizeof(svc_reply), sizeof(dest_reply) };

        (void)state;
        for (size_t r = 0; r < 2; r++) {
                for (size_t len = 0; len < sizes[r]; len++) {
                        unsigned char *cut = malloc(len ? len : 1);
                        struct nlmsghdr *nlh = (struct nlmsghdr *)(void *)cut;
                        struct lb_service_entry se;
                        struct lb_dest_entry de;
                        memcpy(cut, replies[r], len);
                        if (len < sizeof(*nlh)) {
                                free(cut);
                                continue;   /* the walk (mnl_nlmsg_ok) never hands these over */
                        }
                        nlh->nlmsg_len = (uint32_t)len;
                        assert_int_equal(ipvs_parse_service(nlh, FAM, &se), -EINVAL);
                        assert_int_equal(ipvs_parse_dest(nlh, FAM, AF_INET, &de), -EINVAL);
                        free(cut);
                }
        }
}

/* A copy of svc_reply with the byte at off replaced. */
static int parse_svc_with(size_t off, unsigned char v, struct lb_service_entry *e)
{
        static unsigned char m[sizeof(svc_reply)] __attribute__((aligned(4)));

        memcpy(m, svc_reply, sizeof(m));
        m[off] = v;
        return ipvs_parse_service(as_msg(m), FAM, e);
}

static void test_malformed_replies(void **state)
{
        /* offsets into svc_reply: header 16, genl 4, nest 4, then AF at 24 */
        enum { AF_LEN = 24, AF_VAL = 28, PROTO = 32, ADDR_LEN = 40, SCHED_END = 75, FLAGS_LEN = 76, CMD = 16,
               NEST_TYPE = 22 };
        struct lb_service_entry e;
        struct lb_dest_entry d;

        (void)state;
        assert_int_equal(svc_reply[SCHED_END], 0);
        assert_int_equal(svc_reply[FLAGS_LEN], 12);
        assert_int_equal(parse_svc_with(AF_LEN, 8, &e), -EINVAL);          /* AF as 4 bytes */
        assert_int_equal(parse_svc_with(AF_VAL, 7, &e), -EAFNOSUPPORT);     /* family 7 */
        assert_int_equal(parse_svc_with(PROTO + 2, 0x7f, &e), -EINVAL);    /* PROTOCOL renumbered: missing */
        assert_int_equal(parse_svc_with(ADDR_LEN, 7, &e), -EINVAL);        /* an address of 3 bytes */
        assert_int_equal(parse_svc_with(SCHED_END, 'x', &e), -EINVAL);     /* no NUL */
        assert_int_equal(parse_svc_with(FLAGS_LEN, 8, &e), -EINVAL);       /* flags without a mask */
        assert_int_equal(parse_svc_with(CMD, IPVS_CMD_NEW_DEST, &e), -EINVAL);
        assert_int_equal(parse_svc_with(NEST_TYPE, IPVS_CMD_ATTR_DEST, &e), -EINVAL);
        assert_int_equal(ipvs_parse_service(as_msg(svc_reply), FAM + 1, &e), -EINVAL);
        assert_int_equal(ipvs_parse_dest(as_msg(svc_reply), FAM, AF_INET, &d), -EINVAL);
        assert_int_equal(ipvs_parse_service(as_msg(dest_reply), FAM, &e), -EINVAL);
}

/* The dry-run record: one line per change. */
static void test_change_lines(void **state)
{
        struct lb_change c = { .op = LB_ADD_SERVICE, .svc = tcp_service("10.0.0.1", 80, "wrr") };
        char line[LB_TEXT_MAX];

        (void)state;
        assert_string_equal(lb_change_str(&c, line, sizeof(line)), "add service TCP 10.0.0.1:80 wrr");
        c.op = LB_ADD_DEST;
        c.dest = dest("10.0.1.2", 80, LB_FWD_ROUTE, 1);
        assert_string_equal(lb_change_str(&c, line, sizeof(line)), "add dest TCP 10.0.0.1:80 -> 10.0.1.2:80 route w1");
        c.op = LB_EDIT_DEST;
        c.dest = dest("2001:db8::2", 80, LB_FWD_TUNNEL, 0);
        c.dest.tun_type = LB_TUN_GUE;
        c.dest.tun_port = 6080;
        c.dest.tun_flags = LB_TUN_F_CSUM;
        c.dest.u_thresh = 100;
        assert_string_equal(lb_change_str(&c, line, sizeof(line)),
                            "edit dest TCP 10.0.0.1:80 -> [2001:db8::2]:80 tunnel w0 uthreshold 100 gue port 6080 csum");
        c.op = LB_DEL_DEST;
        assert_string_equal(lb_change_str(&c, line, sizeof(line)), "delete dest TCP 10.0.0.1:80 -> [2001:db8::2]:80");
        c.op = LB_EDIT_SERVICE;
        c.svc = (struct lb_service){ .key = { .af = AF_INET6, .fwmark = 3 }, .sched = "sh", .timeout = 300,
                                     .netmask_prefix = 64, .flags = LB_SVC_ONEPACKET | LB_SVC_SH_PORT };
        assert_string_equal(lb_change_str(&c, line, sizeof(line)),
                            "edit service FWM 3 IPv6 sh persistent 300 mask 64 ops sh-port");
        c.op = LB_DEL_SERVICE;
        assert_string_equal(lb_change_str(&c, line, sizeof(line)), "delete service FWM 3 IPv6");
        c.op = LB_FLUSH;
        assert_string_equal(lb_change_str(&c, line, sizeof(line)), "flush");
        c.op = LB_SET_TIMEOUTS;
        c.timeouts = (struct lb_timeouts){ 900, 120, 300 };
        assert_string_equal(lb_change_str(&c, line, sizeof(line)), "set timeouts tcp 900 tcpfin 120 udp 300");
        /* a short buffer is cut, never overrun */
        assert_string_equal(lb_change_str(&c, line, 8), "set tim");
}

/* ---- the walk over one read ---------------------------------------------- */

static unsigned walked;

static void count_msg(const struct nlmsghdr *nlh, void *ctx)
{
        (void)nlh, (void)ctx;
        walked++;
}

#define SEQ 0x01020304u
#define PORT 77u
#define MSG_HDR(len, type, flags, seq) U32(len), U16(type), U16(flags), U32(seq), U32(PORT)

static void test_walk_dump_and_done(void **state)
{
        static const unsigned char two_and_done[] __attribute__((aligned(4))) = {
                MSG_HDR(20, FAM, NLM_F_MULTI, SEQ), GENL(IPVS_CMD_NEW_SERVICE),
                MSG_HDR(20, FAM, NLM_F_MULTI, SEQ + 1), GENL(IPVS_CMD_NEW_SERVICE), /* a stale answer: skipped */
                MSG_HDR(20, FAM, NLM_F_MULTI, SEQ), GENL(IPVS_CMD_NEW_SERVICE),
                MSG_HDR(20, NLMSG_DONE, NLM_F_MULTI, SEQ), U32(0),
        };
        static const unsigned char more[] __attribute__((aligned(4))) = {
                MSG_HDR(20, FAM, NLM_F_MULTI, SEQ), GENL(IPVS_CMD_NEW_DEST),
        };
        static const unsigned char dump_error[] __attribute__((aligned(4))) = {
                MSG_HDR(20, NLMSG_DONE, NLM_F_MULTI, SEQ), U32((uint32_t)-EMSGSIZE),
        };

        (void)state;
        walked = 0;
        assert_int_equal(ipvs_walk_replies(two_and_done, sizeof(two_and_done), SEQ, PORT, count_msg, NULL), 0);
        assert_int_equal(walked, 2);
        assert_int_equal(ipvs_walk_replies(more, sizeof(more), SEQ, PORT, count_msg, NULL), 1);
        assert_int_equal(walked, 3);
        assert_int_equal(ipvs_walk_replies(dump_error, sizeof(dump_error), SEQ, PORT, count_msg, NULL), -EMSGSIZE);
}

static void test_walk_ack_and_error(void **state)
{
        /* NLMSG_ERROR: the error, then (without NETLINK_CAP_ACK) the request */
        static const unsigned char ack[] __attribute__((aligned(4))) = {
                MSG_HDR(36, NLMSG_ERROR, 0, SEQ), U32(0), MSG_HDR(20, FAM, REQ_ACK, SEQ),
        };
        static const unsigned char eexist[] __attribute__((aligned(4))) = {
                MSG_HDR(36, NLMSG_ERROR, 0, SEQ), U32((uint32_t)-EEXIST), MSG_HDR(20, FAM, REQ_ACK, SEQ),
        };
        static const unsigned char short_error[] __attribute__((aligned(4))) = { MSG_HDR(16, NLMSG_ERROR, 0, SEQ) };

        (void)state;
        assert_int_equal(ipvs_walk_replies(ack, sizeof(ack), SEQ, PORT, count_msg, NULL), 0);
        assert_int_equal(ipvs_walk_replies(eexist, sizeof(eexist), SEQ, PORT, count_msg, NULL), -EEXIST);
        assert_int_equal(ipvs_walk_replies(short_error, sizeof(short_error), SEQ, PORT, count_msg, NULL), -EBADMSG);
}

/* A length of 2^31 or more, or past the read, ends the walk (libmnl's
 * own check lets the first through: found by fuzz_ipvs). */
static void test_walk_refuses_lengths_past_the_read(void **state)
{
        static const unsigned char huge[] __attribute__((aligned(4))) = {
                MSG_HDR(0xffff0024u, FAM, 0, SEQ), GENL(IPVS_CMD_NEW_SERVICE),
        };
        static const unsigned char past[] __attribute__((aligned(4))) = {
                MSG_HDR(24, FAM, 0, SEQ), GENL(IPVS_CMD_NEW_SERVICE),
        };
        static const unsigned char tiny[] __attribute__((aligned(4))) = { MSG_HDR(8, FAM, 0, SEQ) };

        (void)state;
        walked = 0;
        assert_int_equal(ipvs_walk_replies(huge, sizeof(huge), SEQ, PORT, count_msg, NULL), -EBADMSG);
        assert_int_equal(ipvs_walk_replies(past, sizeof(past), SEQ, PORT, count_msg, NULL), -EBADMSG);
        assert_int_equal(ipvs_walk_replies(tiny, sizeof(tiny), SEQ, PORT, count_msg, NULL), -EBADMSG);
        assert_int_equal(walked, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_getfamily),
                cmocka_unit_test(test_new_service_v4),
                cmocka_unit_test(test_set_service_v6_every_option),
                cmocka_unit_test(test_new_service_fwmark_persistent),
                cmocka_unit_test(test_persistent_flag_follows_timeout),
                cmocka_unit_test(test_del_service_key_only),
                cmocka_unit_test(test_new_dest_dr),
                cmocka_unit_test(test_set_dest_tunnel_mixed_family),
                cmocka_unit_test(test_del_dest_key_only),
                cmocka_unit_test(test_flush_info_config_dumps),
                cmocka_unit_test(test_timeouts),
                cmocka_unit_test(test_builders_refuse),
                cmocka_unit_test(test_change_msg_is_the_builders),
                cmocka_unit_test(test_parse_service_reply),
                cmocka_unit_test(test_parse_dest_reply),
                cmocka_unit_test(test_parse_dest_stats32),
                cmocka_unit_test(test_parse_info_config_family),
                cmocka_unit_test(test_roundtrip_services),
                cmocka_unit_test(test_roundtrip_dests),
                cmocka_unit_test(test_truncated_replies),
                cmocka_unit_test(test_malformed_replies),
                cmocka_unit_test(test_change_lines),
                cmocka_unit_test(test_walk_dump_and_done),
                cmocka_unit_test(test_walk_ack_and_error),
                cmocka_unit_test(test_walk_refuses_lengths_past_the_read),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
