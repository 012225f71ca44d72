/* Fake VRRP sockets (replaces src/vrrp/sock.c): sends are counted, nothing
 * is received. */
#include <errno.h>

#include "fakes.h"
#include "vrrp/sock.h"

struct fake_counts fake;

void fake_reset(void)
{
        fake = (struct fake_counts){ 0 };
}

int vrrp_sock_open(int family, int ifindex, const char *ifname, const struct conf_ip *group, struct vrrp_sock *ret)
{
        (void)family, (void)ifindex, (void)ifname, (void)group, (void)ret;
        return 0;
}

int vrrp_sock_open_ah(int ifindex, const char *ifname, const struct conf_ip *group, struct vrrp_sock *ret)
{
        (void)ifindex, (void)ifname, (void)group, (void)ret;
        return 0;
}

void vrrp_sock_close(struct vrrp_sock *s)
{
        (void)s;
}

int vrrp_sock_send_ip(const struct vrrp_sock *s, const struct conf_ip *dst, const uint8_t *pkt, size_t len)
{
        (void)s, (void)dst, (void)pkt, (void)len;
        fake.adverts_sent++;
        return 0;
}

int vrrp_sock_send(const struct vrrp_sock *s, const struct conf_ip *src, const struct conf_ip *dst, int ttl,
                   const uint8_t *msg, size_t len)
{
        (void)s, (void)src, (void)dst, (void)ttl, (void)msg, (void)len;
        fake.adverts_sent++;
        return 0;
}

void vrrp_sock_batch_begin(void)
{
}

void vrrp_sock_batch_end(void)
{
}

int vrrp_sock_recv(const struct vrrp_sock *s, uint8_t *buf, size_t size, struct vrrp_sock_rx *ret)
{
        (void)s, (void)buf, (void)size, (void)ret;
        return -EAGAIN;
}
