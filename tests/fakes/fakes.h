/* Link-time fakes of vigil's edge modules (the .c files beside this one), linked in
 * place of src/vrrp/sock.c, src/vrrp/garp.c, src/net/nft.c and the other
 * syscall edges an instance touches, so the glue above them (vrrp/instance.c)
 * runs in a unit test. Each records what would have gone on the wire. */
#pragma once

struct fake_counts {
        unsigned adverts_sent;          /* vrrp_sock_send / vrrp_sock_send_ip */
        unsigned garps_sent;            /* garp_send4 / garp_send6 */
        unsigned nft_adds, nft_dels;    /* nft_no_accept_vips */
        unsigned addr_adds, addr_dels;  /* address requests in nl_batch_add */
};

extern struct fake_counts fake;
void fake_reset(void);
