/* VRRPv2 "IPsec AH" authentication (RFC 2338 auth type 2), as keepalived
 * puts it on the wire: an IPv4 header with protocol 51, an AH header whose
 * SPI is the sender's address and whose sequence number counts adverts, then
 * the VRRP message. The ICV is HMAC-MD5-96 keyed with the 8-byte zero-padded
 * auth_pass over the whole packet with TOS, fragment offset and header
 * checksum zeroed (the key comes from vrrp_auth_pad()), and TTL zeroed as well when the advert is unicast.
 * Pure: bytes in, bytes out. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_AH_PROTO 51
#define VRRP_AH_LEN 24
#define VRRP_AH_ICV_LEN 12
#define VRRP_AH_KEY_LEN 8
#define VRRP_IPV4_HDR_LEN 20

/* HMAC-MD5 (16 bytes out). The core takes it as a parameter so that it
 * stays pure and so that the daemon can load libcrypto only when an
 * instance uses AH (common/lazylib.h). */
typedef void (*vrrp_hmac_md5_fn)(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
                                 uint8_t out[16]);

struct vrrp_ah_send {
        struct in_addr src, dst;
        uint16_t ip_id;
        uint8_t ttl;
        uint32_t seq;
        bool unicast;                   /* TTL is then left out of the ICV */
        uint8_t key[VRRP_AH_KEY_LEN];
        vrrp_hmac_md5_fn hmac;
};

/* Build IPv4 header + AH + msg into buf; returns the length or -ENOSPC. */
int vrrp_ah_encode(const struct vrrp_ah_send *p, const uint8_t *msg, size_t msg_len, uint8_t *buf, size_t size);

enum vrrp_ah_result {
        VRRP_AH_OK,
        VRRP_AH_MALFORMED,              /* short, wrong length field, or not carrying VRRP */
        VRRP_AH_BAD_SPI,                /* SPI is not the sender's address */
        VRRP_AH_BAD_ICV,
};

struct vrrp_ah_rx {
        uint32_t seq;
        size_t msg_off;                 /* where the VRRP message starts in the packet */
};

/* Parse the AH header of the IPv4 packet pkt (header length ip_hdr_len, total
 * length len) from src; no key needed. */
enum vrrp_ah_result vrrp_ah_decode(const uint8_t *pkt, size_t len, size_t ip_hdr_len, struct in_addr src,
                                   struct vrrp_ah_rx *ret);
/* Check the ICV of a decoded packet: either keepalived form (TTL kept for
 * multicast, zeroed for unicast) is accepted. */
enum vrrp_ah_result vrrp_ah_verify(const uint8_t *pkt, size_t len, size_t ip_hdr_len,
                                   const uint8_t key[VRRP_AH_KEY_LEN], vrrp_hmac_md5_fn hmac);

/* libcrypto's HMAC-MD5: linked (ah_openssl.c, for tests and fuzzing) or
 * loaded on first use (ah_lazy.c, in the daemon; NULL if it cannot be). */
void vrrp_hmac_md5_openssl(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len, uint8_t out[16]);
vrrp_hmac_md5_fn vrrp_hmac_md5_lazy(void);
