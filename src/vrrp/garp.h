/* Gratuitous ARP (IPv4) and unsolicited neighbour advertisements (IPv6) that
 * tell the segment a VIP now lives behind this MAC. Frame building is pure;
 * sending is the edge. */
#pragma once

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define GARP_FRAME_LEN 42   /* Ethernet 14 + ARP 28 */
#define NA_LEN 32           /* ICMPv6 NA 24 + target link-layer address option 8 */

/* An ARP request with sender = target = vip, broadcast destination. */
void garp_build(const uint8_t mac[6], struct in_addr vip, uint8_t frame[GARP_FRAME_LEN]);
/* An unsolicited NA for vip with the Router and Override flags (the ICMPv6
 * checksum is left 0: the kernel fills it in on raw ICMPv6 sockets). */
void na_build(const uint8_t mac[6], const struct in6_addr *vip, uint8_t msg[NA_LEN]);

struct garp_sock {
        int fd;
        int family;
        int ifindex;
};

int garp_open(int family, int ifindex, struct garp_sock *ret);
void garp_close(struct garp_sock *g);
int garp_send4(const struct garp_sock *g, const uint8_t mac[6], struct in_addr vip);
int garp_send6(const struct garp_sock *g, const uint8_t mac[6], const struct in6_addr *vip);
