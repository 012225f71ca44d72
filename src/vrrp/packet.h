/* VRRP advertisement codec (RFC 3768 v2, RFC 5798 v3), IPv4 and IPv6.
 * Pure: bytes in, fields out. Decoding checks the format only (lengths,
 * version, type, checksum); policy such as VRID, priority, interval and
 * authentication belongs to the caller. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_PROTO 112
#define VRRP_TTL 255
#define VRRP_TYPE_ADVERT 1
#define VRRP_MAX_ADDRS 255
#define VRRP_AUTH_LEN 8
#define VRRP_HDR_LEN 8
#define VRRP_MAX_PKT (VRRP_HDR_LEN + VRRP_MAX_ADDRS * 16 + VRRP_AUTH_LEN)

enum vrrp_auth_type { VRRP_AUTH_NONE = 0, VRRP_AUTH_PASS = 1, VRRP_AUTH_AH = 2 };

/* Which checksum form a v3 IPv4 advert carried (v2 and IPv6 have one form). */
enum vrrp_csum_form {
        VRRP_CSUM_PLAIN,   /* over the VRRP message only: v2, and v3 "as v2" (RFC 9568) */
        VRRP_CSUM_PSEUDO,  /* with the IP pseudo-header: v3 IPv6, and v3 IPv4 by default */
};

/* Addresses of the IP packet that carried (or will carry) the advert; the
 * v3 checksum covers them. */
struct vrrp_ip_pair {
        int family;
        union {
                struct in_addr v4;
                struct in6_addr v6;
        } src, dst;
};

struct vrrp_advert {
        uint8_t version;
        uint8_t type;
        uint8_t vrid;
        uint8_t priority;
        uint8_t naddr;
        uint8_t auth_type;          /* v2 only */
        uint16_t adver_int;         /* v2: seconds; v3: centiseconds */
        uint16_t checksum;          /* as received or as computed on encode */
        const uint8_t *addrs;       /* naddr packed addresses of the family's size */
        uint8_t auth_data[VRRP_AUTH_LEN]; /* v2 only */
};

enum vrrp_decode_result {
        VRRP_DEC_OK,
        VRRP_DEC_TOO_SHORT,         /* shorter than the fixed header */
        VRRP_DEC_BAD_VERSION,       /* neither 2 nor 3, or 2 over IPv6 */
        VRRP_DEC_BAD_TYPE,          /* not an advertisement */
        VRRP_DEC_BAD_LENGTH,        /* does not match the address count (and auth data) */
        VRRP_DEC_BAD_CHECKSUM,
        VRRP_DEC_BAD_INTERVAL,      /* v3 interval 0 */
        VRRP_DEC_N_RESULTS
};

/* Snake-case names, used for counters, logs and metrics labels. */
const char *vrrp_decode_result_name(enum vrrp_decode_result r);

/* Decode the VRRP message in buf (IP header already removed). On success
 * ret_adv->addrs points into buf and *ret_form says which checksum matched. */
enum vrrp_decode_result vrrp_decode(const uint8_t *buf, size_t len, const struct vrrp_ip_pair *ip,
                                    struct vrrp_advert *ret_adv, enum vrrp_csum_form *ret_form);

/* Encode adv into buf; the checksum is computed in the given form (ignored
 * except for v3 IPv4). Returns the length, or -ENOSPC / -EINVAL. */
int vrrp_encode(const struct vrrp_advert *adv, const struct vrrp_ip_pair *ip, enum vrrp_csum_form form,
                uint8_t *buf, size_t size);

/* A v2 password as the wire and the AH key use it: its first 8 bytes, zero padded. */
void vrrp_auth_pad(const char *pass, uint8_t ret[VRRP_AUTH_LEN]);

/* Internet checksum (RFC 1071) over buf, starting from a partial sum. */
uint16_t inet_csum(const void *buf, size_t len, uint32_t sum);

/* An IPv4 header as a raw socket returns it. */
struct ipv4_info {
        uint8_t ttl;
        uint8_t proto;
        struct in_addr src, dst;
        size_t hdr_len;
        size_t payload_len;         /* from the header's total length */
};

/* Parse the IPv4 header in front of a raw-socket datagram. */
bool ipv4_parse(const uint8_t *buf, size_t len, struct ipv4_info *ret);
