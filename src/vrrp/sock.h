/* Raw IP protocol 112 sockets: one per interface and address family, shared
 * by the instances on it. The edge between the codec and the network. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf/model.h"

struct vrrp_sock {
        int fd;
        int family;
        int ifindex;
        char ifname[32];
};

/* Open, bind to the device and join group (NULL: do not join). */
int vrrp_sock_open(int family, int ifindex, const char *ifname, const struct conf_ip *group, struct vrrp_sock *ret);
void vrrp_sock_close(struct vrrp_sock *s);

/* An IPv4 socket for AH-authenticated adverts (IP protocol 51): we build
 * the IP header ourselves because the ICV covers it. */
int vrrp_sock_open_ah(int ifindex, const char *ifname, const struct conf_ip *group, struct vrrp_sock *ret);
/* Send a whole IPv4 packet (header included) on an AH socket. */
int vrrp_sock_send_ip(const struct vrrp_sock *s, const struct conf_ip *dst, const uint8_t *pkt, size_t len);

/* Send one VRRP message from src to dst with the given TTL / hop limit.
 * Inside a batch it is queued (and errors are logged when it leaves). */
int vrrp_sock_send(const struct vrrp_sock *s, const struct conf_ip *src, const struct conf_ip *dst, int ttl,
                   const uint8_t *msg, size_t len);
/* Between begin and end, sends are queued and leave together at the end, in
 * one sendmmsg() per socket. The sockets must stay open until then. */
void vrrp_sock_batch_begin(void);
void vrrp_sock_batch_end(void);

/* One received datagram, IP header (IPv4) already parsed off. */
struct vrrp_sock_rx {
        struct conf_ip src, dst;
        int ttl;                    /* TTL or hop limit, -1 if unknown */
        int64_t arrived_wall_us;    /* kernel receive time (CLOCK_REALTIME), 0 if unknown */
        const uint8_t *msg;
        size_t len;
        bool bad_ip;                /* IPv4 header did not parse */
        /* AH (IPv4 protocol 51): the whole packet, for the ICV check */
        bool ah, bad_ah;
        uint32_t ah_seq;
        const uint8_t *ip_pkt;
        size_t ip_len, ip_hdr_len;
};

/* Receive one datagram into buf; -EAGAIN when nothing is pending. */
int vrrp_sock_recv(const struct vrrp_sock *s, uint8_t *buf, size_t size, struct vrrp_sock_rx *ret);
