/* The netlink monitor's parse (net/nl_parse.c) on hand-built rtnetlink
 * messages: addresses and links become the events the engine reacts to,
 * several messages in one read come out in order, and malformed ones (an
 * interface name without its NUL, a length past the read) are skipped
 * without reading past the buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "net/nl_parse.h"

static struct nl_event seen[8];
static unsigned nseen;

static void collect(void *ctx, const struct nl_event *ev)
{
        (void)ctx;
        if (nseen < 8)
                seen[nseen] = *ev;
        nseen++;
}

static char buf[1024] __attribute__((aligned(4)));

static struct nlmsghdr *put_addr(char *at, uint16_t type, int family, const char *text, uint8_t plen, int idx)
{
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);
        struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        uint8_t a[16];

        nlh->nlmsg_type = type;
        ifa->ifa_family = (uint8_t)family;
        ifa->ifa_prefixlen = plen;
        ifa->ifa_index = (unsigned)idx;
        inet_pton(family, text, a);
        mnl_attr_put(nlh, IFA_LOCAL, family == AF_INET6 ? 16 : 4, a);
        return nlh;
}

static struct nlmsghdr *put_link(char *at, uint16_t type, unsigned flags, int idx, const char *name)
{
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

        nlh->nlmsg_type = type;
        ifi->ifi_index = idx;
        ifi->ifi_flags = flags;
        if (name)
                mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        return nlh;
}

static void test_address_and_link_events(void **state)
{
        struct nlmsghdr *a, *b, *c;
        char text[INET6_ADDRSTRLEN];

        (void)state;
        memset(buf, 0, sizeof(buf));
        nseen = 0;
        a = put_addr(buf, RTM_NEWADDR, AF_INET, "10.0.0.1", 24, 2);
        b = put_addr(buf + MNL_ALIGN(a->nlmsg_len), RTM_DELADDR, AF_INET6, "fd00::1", 64, 3);
        c = put_link((char *)b + MNL_ALIGN(b->nlmsg_len), RTM_NEWLINK, IFF_UP | IFF_RUNNING, 4, "eth0");
        put_link((char *)c + MNL_ALIGN(c->nlmsg_len), RTM_NEWLINK, IFF_UP, 5, "eth1");
        nl_parse_events(buf, sizeof(buf), collect, NULL);
        assert_int_equal(nseen, 4);
        assert_int_equal(seen[0].kind, NL_ADDR_NEW);
        assert_int_equal(seen[0].ifindex, 2);
        assert_int_equal(seen[0].prefixlen, 24);
        assert_string_equal(inet_ntop(AF_INET, &seen[0].addr.u, text, sizeof(text)), "10.0.0.1");
        assert_int_equal(seen[1].kind, NL_ADDR_DEL);
        assert_string_equal(inet_ntop(AF_INET6, &seen[1].addr.u, text, sizeof(text)), "fd00::1");
        assert_int_equal(seen[2].kind, NL_LINK_UP);
        assert_string_equal(seen[2].ifname, "eth0");
        assert_int_equal(seen[3].kind, NL_LINK_DOWN); /* up but not running */
        assert_int_equal(seen[3].ifindex, 5);
}

static void test_dellink_is_the_interface_gone(void **state)
{
        (void)state;
        memset(buf, 0, sizeof(buf));
        nseen = 0;
        put_link(buf, RTM_DELLINK, IFF_UP | IFF_RUNNING, 9, "vrrp.51");
        nl_parse_events(buf, sizeof(buf), collect, NULL);
        assert_int_equal(nseen, 1);
        assert_int_equal(seen[0].kind, NL_LINK_DEL);
        assert_string_equal(seen[0].ifname, "vrrp.51");
}

static void test_name_without_nul_is_bounded(void **state)
{
        struct nlmsghdr *nlh;

        (void)state;
        memset(buf, 'x', sizeof(buf));
        nseen = 0;
        nlh = put_link(buf, RTM_NEWLINK, 0, 6, NULL);
        mnl_attr_put(nlh, IFLA_IFNAME, 3, "abc"); /* no NUL; the padding after is 'x' */
        nl_parse_events(buf, nlh->nlmsg_len, collect, NULL);
        assert_int_equal(nseen, 1);
        assert_string_equal(seen[0].ifname, "abc");
}

static void test_length_past_the_read_is_skipped(void **state)
{
        struct nlmsghdr *nlh;

        (void)state;
        memset(buf, 0, sizeof(buf));
        nseen = 0;
        nlh = put_addr(buf, RTM_NEWADDR, AF_INET, "10.0.0.1", 24, 2);
        nlh->nlmsg_len = 0x80000010u; /* libmnl's int compare would accept it */
        nl_parse_events(buf, 64, collect, NULL);
        assert_int_equal(nseen, 0);
        nlh = put_addr(buf, RTM_NEWADDR, AF_INET, "10.0.0.1", 24, 2);
        nl_parse_events(buf, 20, collect, NULL); /* shorter than its ifaddrmsg */
        assert_int_equal(nseen, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_address_and_link_events),
                cmocka_unit_test(test_dellink_is_the_interface_gone),
                cmocka_unit_test(test_name_without_nul_is_bounded),
                cmocka_unit_test(test_length_past_the_read_is_skipped),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
