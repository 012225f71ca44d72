#include "vrrp/sock.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "vrrp/ah.h"
#include "vrrp/packet.h"

#define TOS_CS6 0xc0 /* network control, as keepalived sends */

static int setopt(int fd, int level, int name, int value)
{
        return setsockopt(fd, level, name, &value, sizeof(value));
}

static int setup_v4(int fd, int ifindex, const struct conf_ip *group)
{
        struct ip_mreqn mr = { .imr_ifindex = ifindex };

        if (setopt(fd, IPPROTO_IP, IP_TOS, TOS_CS6) < 0 || setopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL) < 0 ||
            setopt(fd, IPPROTO_IP, IP_TTL, VRRP_TTL) < 0 || setopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0) < 0 ||
            setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0)
                return -errno;
        if (group) {
                mr.imr_multiaddr = group->u.v4;
                if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
                        return -errno;
        }
        return 0;
}

static int setup_v6(int fd, int ifindex, const struct conf_ip *group)
{
        if (setopt(fd, IPPROTO_IPV6, IPV6_TCLASS, TOS_CS6) < 0 ||
            setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL) < 0 ||
            setopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_TTL) < 0 ||
            setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) < 0 ||
            setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex) < 0 ||
            setopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) < 0 || setopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) < 0)
                return -errno;
        if (group) {
                struct ipv6_mreq mr = { .ipv6mr_multiaddr = group->u.v6, .ipv6mr_interface = (unsigned)ifindex };
                if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
                        return -errno;
        }
        return 0;
}

static int open_proto(int family, int proto, int ifindex, const char *ifname, const struct conf_ip *group,
                      struct vrrp_sock *ret)
{
        int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
        int r;

        if (fd < 0)
                return -errno;
        if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
            (proto == VRRP_AH_PROTO && setopt(fd, IPPROTO_IP, IP_HDRINCL, 1) < 0)) {
                r = -errno;
                close(fd);
                return r;
        }
        r = family == AF_INET6 ? setup_v6(fd, ifindex, group) : setup_v4(fd, ifindex, group);
        /* the kernel's arrival time: the down timer starts when the advert
         * arrived, not when we got round to reading it */
        if (r == 0 && setopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1) < 0)
                r = -errno;
        if (r < 0) {
                close(fd);
                return r;
        }
        ret->fd = fd;
        ret->family = family;
        ret->ifindex = ifindex;
        snprintf(ret->ifname, sizeof(ret->ifname), "%s", ifname);
        return 0;
}

int vrrp_sock_open(int family, int ifindex, const char *ifname, const struct conf_ip *group, struct vrrp_sock *ret)
{
        return open_proto(family, VRRP_PROTO, ifindex, ifname, group, ret);
}

int vrrp_sock_open_ah(int ifindex, const char *ifname, const struct conf_ip *group, struct vrrp_sock *ret)
{
        return open_proto(AF_INET, VRRP_AH_PROTO, ifindex, ifname, group, ret);
}

int vrrp_sock_send_ip(const struct vrrp_sock *s, const struct conf_ip *dst, const uint8_t *pkt, size_t len)
{
        struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = dst->u.v4 };

        if (sendto(s->fd, pkt, len, 0, (const struct sockaddr *)&to, sizeof(to)) < 0)
                return -errno;
        return 0;
}

void vrrp_sock_close(struct vrrp_sock *s)
{
        if (s->fd >= 0)
                close(s->fd);
        s->fd = -1;
}

static void batch_send_failed(const struct vrrp_sock *s, int err)
{
        log_warn("cannot send an advert on %s: %s", s->ifname, strerror(err));
}

/* Write one control message at cm; returns where the next one goes. */
static struct cmsghdr *put_cmsg(struct cmsghdr *cm, int level, int type, const void *data, size_t len)
{
        cm->cmsg_level = level;
        cm->cmsg_type = type;
        cm->cmsg_len = CMSG_LEN(len);
        memcpy(CMSG_DATA(cm), data, len);
        return (struct cmsghdr *)((char *)cm + CMSG_SPACE(len));
}

/* One outgoing datagram: its address, control messages and payload. */
struct out_msg {
        union {
                struct sockaddr_in v4;
                struct sockaddr_in6 v6;
        } to;
        union {
                /* CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int));
                 * aligned as struct cmsghdr, whose flexible member clang will
                 * not have inside another struct */
                char buf[64];
                size_t align;
        } ctl;
        struct iovec iov;
};

static void build_msg(const struct vrrp_sock *s, const struct conf_ip *src, const struct conf_ip *dst, int ttl,
                      struct out_msg *o, struct msghdr *mh)
{
        struct cmsghdr *cm;

        memset(o->ctl.buf, 0, sizeof(o->ctl.buf));
        *mh = (struct msghdr){ .msg_name = &o->to, .msg_iov = &o->iov, .msg_iovlen = 1, .msg_control = o->ctl.buf,
                               .msg_controllen = sizeof(o->ctl.buf) };
        cm = (struct cmsghdr *)o->ctl.buf;
        if (s->family == AF_INET6) {
                struct in6_pktinfo pi = { .ipi6_addr = src->u.v6, .ipi6_ifindex = (unsigned)s->ifindex };
                o->to.v6 = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_addr = dst->u.v6,
                                                  .sin6_scope_id = (uint32_t)s->ifindex };
                mh->msg_namelen = sizeof(o->to.v6);
                cm = put_cmsg(cm, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
                cm = put_cmsg(cm, IPPROTO_IPV6, IPV6_HOPLIMIT, &ttl, sizeof(ttl));
        } else {
                struct in_pktinfo pi = { .ipi_ifindex = s->ifindex, .ipi_spec_dst = src->u.v4 };
                o->to.v4 = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr = dst->u.v4 };
                mh->msg_namelen = sizeof(o->to.v4);
                cm = put_cmsg(cm, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
                cm = put_cmsg(cm, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
        }
        mh->msg_controllen = (size_t)((char *)cm - o->ctl.buf);
}

/* Adverts that fall due together leave in one sendmmsg() per socket: at
 * 1,000 instances that is most of the daemon's system calls. */
#define BATCH_MSGS 64
#define BATCH_BYTES 32768

static struct {
        bool on;
        unsigned n;
        size_t used;
        const struct vrrp_sock *sock[BATCH_MSGS];
        struct out_msg out[BATCH_MSGS];
        struct mmsghdr mm[BATCH_MSGS];
        uint8_t bytes[BATCH_BYTES];
} batch;

void vrrp_sock_batch_begin(void)
{
        batch.on = true;
}

/* Send messages [from, to) of the batch, all on one socket. */
static void flush_run(unsigned from, unsigned to)
{
        const struct vrrp_sock *s = batch.sock[from];

        while (from < to) {
                int sent = sendmmsg(s->fd, &batch.mm[from], to - from, 0);
                if (sent < 0) {
                        batch_send_failed(s, errno);
                        sent = 1; /* skip the one that failed, go on with the rest */
                }
                from += (unsigned)sent;
        }
}

static void flush(void)
{
        unsigned start = 0;

        for (unsigned i = 1; i <= batch.n; i++)
                if (i == batch.n || batch.sock[i]->fd != batch.sock[start]->fd) {
                        flush_run(start, i);
                        start = i;
                }
        batch.n = 0;
        batch.used = 0;
}

void vrrp_sock_batch_end(void)
{
        batch.on = false;
        flush();
}

int vrrp_sock_send(const struct vrrp_sock *s, const struct conf_ip *src, const struct conf_ip *dst, int ttl,
                   const uint8_t *msg, size_t len)
{
        struct out_msg one;
        struct msghdr mh;

        if (!batch.on) {
                one.iov = (struct iovec){ .iov_base = (void *)(uintptr_t)msg, .iov_len = len };
                build_msg(s, src, dst, ttl, &one, &mh);
                return sendmsg(s->fd, &mh, 0) < 0 ? -errno : 0;
        }
        if (batch.n == BATCH_MSGS || BATCH_BYTES - batch.used < len)
                flush();
        if (len > BATCH_BYTES)
                return -EMSGSIZE;
        memcpy(batch.bytes + batch.used, msg, len);
        batch.out[batch.n].iov = (struct iovec){ .iov_base = batch.bytes + batch.used, .iov_len = len };
        build_msg(s, src, dst, ttl, &batch.out[batch.n], &batch.mm[batch.n].msg_hdr);
        batch.sock[batch.n++] = s;
        batch.used += len;
        return 0;
}

static void rx_control(struct msghdr *mh, struct vrrp_sock_rx *rx)
{
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
                if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
                        struct timespec ts;
                        memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
                        rx->arrived_wall_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
                        continue;
                }
                if (cm->cmsg_level != IPPROTO_IPV6)
                        continue;
                if (cm->cmsg_type == IPV6_HOPLIMIT)
                        memcpy(&rx->ttl, CMSG_DATA(cm), sizeof(int));
                else if (cm->cmsg_type == IPV6_PKTINFO) {
                        struct in6_pktinfo pi;
                        memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
                        rx->dst.family = AF_INET6;
                        rx->dst.u.v6 = pi.ipi6_addr;
                }
        }
}

static void rx_ah(const uint8_t *buf, const struct ipv4_info *ip, struct vrrp_sock_rx *rx)
{
        struct vrrp_ah_rx ah;
        size_t total = ip->hdr_len + ip->payload_len;

        if (vrrp_ah_decode(buf, total, ip->hdr_len, ip->src, &ah) != VRRP_AH_OK) {
                rx->bad_ah = true;
                return;
        }
        rx->ah = true;
        rx->ah_seq = ah.seq;
        rx->ip_pkt = buf;
        rx->ip_len = total;
        rx->ip_hdr_len = ip->hdr_len;
        rx->msg = buf + ah.msg_off;
        rx->len = total - ah.msg_off;
}

int vrrp_sock_recv(const struct vrrp_sock *s, uint8_t *buf, size_t size, struct vrrp_sock_rx *ret)
{
        struct sockaddr_in6 from;
        union {
                char buf[256];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = { .iov_base = buf, .iov_len = size };
        struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
                             .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
        ssize_t n = recvmsg(s->fd, &mh, 0);
        struct vrrp_sock_rx rx = { .ttl = -1 };

        if (n < 0)
                return -errno;
        rx_control(&mh, &rx);
        if (s->family == AF_INET6) {
                rx.src.family = AF_INET6;
                rx.src.u.v6 = from.sin6_addr;
                rx.msg = buf;
                rx.len = (size_t)n;
        } else {
                struct ipv4_info ip;
                if (!ipv4_parse(buf, (size_t)n, &ip)) {
                        rx.bad_ip = true;
                } else {
                        rx.src.family = rx.dst.family = AF_INET;
                        rx.src.u.v4 = ip.src;
                        rx.dst.u.v4 = ip.dst;
                        rx.ttl = ip.ttl;
                        rx.msg = buf + ip.hdr_len;
                        rx.len = ip.payload_len;
                        if (ip.proto == VRRP_AH_PROTO)
                                rx_ah(buf, &ip, &rx);
                }
        }
        *ret = rx;
        return 0;
}
