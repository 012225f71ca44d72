/* GARP and unsolicited NA frames: pure builders, unit-tested byte by byte. */
#include <netinet/icmp6.h>
#include <string.h>

#include "vrrp/garp.h"

static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void garp_build(const uint8_t mac[6], struct in_addr vip, uint8_t f[GARP_FRAME_LEN])
{
        static const uint8_t arp_head[8] = { 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01 }; /* Ethernet, IPv4, request */

        memcpy(f, broadcast, 6);
        memcpy(f + 6, mac, 6);
        f[12] = 0x08, f[13] = 0x06;
        memcpy(f + 14, arp_head, 8);
        memcpy(f + 22, mac, 6);          /* sender MAC */
        memcpy(f + 28, &vip, 4);         /* sender IP */
        memcpy(f + 32, broadcast, 6);    /* target MAC, as keepalived sends it */
        memcpy(f + 38, &vip, 4);         /* target IP */
}

void na_build(const uint8_t mac[6], const struct in6_addr *vip, uint8_t m[NA_LEN])
{
        memset(m, 0, NA_LEN);
        m[0] = ND_NEIGHBOR_ADVERT;
        m[4] = 0x80 | 0x20;              /* Router, Override; not Solicited */
        memcpy(m + 8, vip, 16);
        m[24] = ND_OPT_TARGET_LINKADDR;
        m[25] = 1;                       /* in units of 8 bytes */
        memcpy(m + 26, mac, 6);
}

