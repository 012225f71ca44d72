#include "vrrp/ah.h"

#include <errno.h>
#include <string.h>

#include "vrrp/packet.h"

/* Offsets in the IPv4 header and the AH header. */
enum { OFF_TOS = 1, OFF_LEN = 2, OFF_ID = 4, OFF_FRAG = 6, OFF_TTL = 8, OFF_PROTO = 9, OFF_CSUM = 10, OFF_SRC = 12,
       OFF_DST = 16 };
enum { OFF_AH_NEXT = 0, OFF_AH_PLEN = 1, OFF_AH_SPI = 4, OFF_AH_SEQ = 8, OFF_AH_ICV = 12 };
#define AH_PAYLOAD_LEN_WORDS (VRRP_AH_LEN / 4 - 2) /* RFC 4302: 32-bit words minus 2 */
#define TOS_CS6 0xc0
#define MAX_PKT (60 + VRRP_AH_LEN + VRRP_MAX_PKT)

static void put16(uint8_t *p, uint16_t v)
{
        p[0] = (uint8_t)(v >> 8);
        p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
        put16(p, (uint16_t)(v >> 16));
        put16(p + 2, (uint16_t)v);
}

static uint32_t get32(const uint8_t *p)
{
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* HMAC-MD5-96 over pkt with the mutable fields and the ICV taken as zero. */
static void icv(const uint8_t *pkt, size_t len, size_t ip_hdr_len, bool zero_ttl, const uint8_t *key,
                vrrp_hmac_md5_fn hmac, uint8_t ret[VRRP_AH_ICV_LEN])
{
        uint8_t tmp[MAX_PKT];
        uint8_t md[16];

        memcpy(tmp, pkt, len);
        tmp[OFF_TOS] = 0;
        memset(tmp + OFF_FRAG, 0, 2);
        memset(tmp + OFF_CSUM, 0, 2);
        if (zero_ttl)
                tmp[OFF_TTL] = 0;
        memset(tmp + ip_hdr_len + OFF_AH_ICV, 0, VRRP_AH_ICV_LEN);
        hmac(key, VRRP_AH_KEY_LEN, tmp, len, md);
        memcpy(ret, md, VRRP_AH_ICV_LEN);
}

int vrrp_ah_encode(const struct vrrp_ah_send *p, const uint8_t *msg, size_t msg_len, uint8_t *buf, size_t size)
{
        size_t len = VRRP_IPV4_HDR_LEN + VRRP_AH_LEN + msg_len;
        uint8_t *ah = buf + VRRP_IPV4_HDR_LEN;

        if (len > size || len > MAX_PKT)
                return -ENOSPC;
        memset(buf, 0, VRRP_IPV4_HDR_LEN + VRRP_AH_LEN);
        buf[0] = 0x45;
        buf[OFF_TOS] = TOS_CS6;
        put16(buf + OFF_LEN, (uint16_t)len);
        put16(buf + OFF_ID, p->ip_id);
        buf[OFF_TTL] = p->ttl;
        buf[OFF_PROTO] = VRRP_AH_PROTO;
        memcpy(buf + OFF_SRC, &p->src, 4);
        memcpy(buf + OFF_DST, &p->dst, 4);
        ah[OFF_AH_NEXT] = VRRP_PROTO;
        ah[OFF_AH_PLEN] = AH_PAYLOAD_LEN_WORDS;
        memcpy(ah + OFF_AH_SPI, &p->src, 4);
        put32(ah + OFF_AH_SEQ, p->seq);
        memcpy(buf + VRRP_IPV4_HDR_LEN + VRRP_AH_LEN, msg, msg_len);
        icv(buf, len, VRRP_IPV4_HDR_LEN, p->unicast, p->key, p->hmac, ah + OFF_AH_ICV);
        /* The kernel rewrites the header checksum; fill it so the bytes are whole. */
        put16(buf + OFF_CSUM, inet_csum(buf, VRRP_IPV4_HDR_LEN, 0));
        return (int)len;
}

enum vrrp_ah_result vrrp_ah_decode(const uint8_t *pkt, size_t len, size_t ip_hdr_len, struct in_addr src,
                                   struct vrrp_ah_rx *ret)
{
        const uint8_t *ah = pkt + ip_hdr_len;

        if (len > MAX_PKT || len < ip_hdr_len + VRRP_AH_LEN || ah[OFF_AH_NEXT] != VRRP_PROTO ||
            ah[OFF_AH_PLEN] != AH_PAYLOAD_LEN_WORDS)
                return VRRP_AH_MALFORMED;
        if (memcmp(ah + OFF_AH_SPI, &src, 4) != 0)
                return VRRP_AH_BAD_SPI;
        ret->seq = get32(ah + OFF_AH_SEQ);
        ret->msg_off = ip_hdr_len + VRRP_AH_LEN;
        return VRRP_AH_OK;
}

enum vrrp_ah_result vrrp_ah_verify(const uint8_t *pkt, size_t len, size_t ip_hdr_len,
                                   const uint8_t key[VRRP_AH_KEY_LEN], vrrp_hmac_md5_fn hmac)
{
        const uint8_t *got = pkt + ip_hdr_len + OFF_AH_ICV;
        uint8_t want[2][VRRP_AH_ICV_LEN];
        unsigned diff[2] = { 0, 0 };

        if (len > MAX_PKT || len < ip_hdr_len + VRRP_AH_LEN)
                return VRRP_AH_MALFORMED;
        for (int form = 0; form < 2; form++) {
                icv(pkt, len, ip_hdr_len, form == 1, key, hmac, want[form]);
                for (unsigned i = 0; i < VRRP_AH_ICV_LEN; i++) /* constant time */
                        diff[form] |= (unsigned)(want[form][i] ^ got[i]);
        }
        return diff[0] == 0 || diff[1] == 0 ? VRRP_AH_OK : VRRP_AH_BAD_ICV;
}
