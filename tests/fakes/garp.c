/* Fake gratuitous ARP / unsolicited NA sockets (replaces src/vrrp/garp.c). */
#include "fakes.h"
#include "vrrp/garp.h"

int garp_open(int family, int ifindex, struct garp_sock *ret)
{
        (void)family, (void)ifindex, (void)ret;
        return 0;
}

void garp_close(struct garp_sock *g)
{
        (void)g;
}

int garp_send4(const struct garp_sock *g, const uint8_t mac[6], struct in_addr vip)
{
        (void)g, (void)mac, (void)vip;
        fake.garps_sent++;
        return 0;
}

int garp_send6(const struct garp_sock *g, const uint8_t mac[6], const struct in6_addr *vip)
{
        (void)g, (void)mac, (void)vip;
        fake.garps_sent++;
        return 0;
}
