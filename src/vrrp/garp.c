#include "vrrp/garp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <netinet/icmp6.h>
#include <netpacket/packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

int garp_open(int family, int ifindex, struct garp_sock *ret)
{
        int fd;

        if (family == AF_INET6) {
                int hops = 255;
                fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
                if (fd >= 0 && (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
                                setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0)) {
                        close(fd);
                        return -errno;
                }
        } else {
                fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        }
        if (fd < 0)
                return -errno;
        ret->fd = fd;
        ret->family = family;
        ret->ifindex = ifindex;
        return 0;
}

void garp_close(struct garp_sock *g)
{
        if (g->fd >= 0)
                close(g->fd);
        g->fd = -1;
}

int garp_send4(const struct garp_sock *g, const uint8_t mac[6], struct in_addr vip)
{
        uint8_t frame[GARP_FRAME_LEN];
        struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
                                  .sll_ifindex = g->ifindex, .sll_halen = 6 };

        memcpy(to.sll_addr, broadcast, 6);
        garp_build(mac, vip, frame);
        if (sendto(g->fd, frame, sizeof(frame), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
                return -errno;
        return 0;
}

int garp_send6(const struct garp_sock *g, const uint8_t mac[6], const struct in6_addr *vip)
{
        uint8_t msg[NA_LEN];
        struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)g->ifindex };
        union {
                char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
                struct cmsghdr align;
        } ctl;
        struct in6_pktinfo pi = { .ipi6_addr = *vip, .ipi6_ifindex = (unsigned)g->ifindex };
        struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
        struct msghdr mh = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov, .msg_iovlen = 1,
                             .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

        inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
        cm->cmsg_level = IPPROTO_IPV6, cm->cmsg_type = IPV6_PKTINFO;
        cm->cmsg_len = CMSG_LEN(sizeof(pi));
        memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
        na_build(mac, vip, msg);
        if (sendmsg(g->fd, &mh, 0) < 0)
                return -errno;
        return 0;
}
