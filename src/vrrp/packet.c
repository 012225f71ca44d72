/* VRRP advertisement codec. Wire layout (both versions share the first 4 bytes):
 *   v2: ver|type  vrid  prio  count | auth_type  adver_int(s)  checksum | addrs | auth[8]
 *   v3: ver|type  vrid  prio  count | rsvd(4)|max_adver_int(12, cs)  checksum | addrs */
#include "vrrp/packet.h"

#include <errno.h>
#include <string.h>

static const char *const result_names[VRRP_DEC_N_RESULTS] = {
        [VRRP_DEC_OK] = "ok",
        [VRRP_DEC_TOO_SHORT] = "too_short",
        [VRRP_DEC_BAD_VERSION] = "bad_version",
        [VRRP_DEC_BAD_TYPE] = "bad_type",
        [VRRP_DEC_BAD_LENGTH] = "bad_length",
        [VRRP_DEC_BAD_CHECKSUM] = "bad_checksum",
        [VRRP_DEC_BAD_INTERVAL] = "bad_interval",
};

const char *vrrp_decode_result_name(enum vrrp_decode_result r)
{
        return (unsigned)r < VRRP_DEC_N_RESULTS ? result_names[r] : "unknown";
}

void vrrp_auth_pad(const char *pass, uint8_t ret[VRRP_AUTH_LEN])
{
        memset(ret, 0, VRRP_AUTH_LEN);
        if (pass)
                memcpy(ret, pass, strnlen(pass, VRRP_AUTH_LEN));
}

uint16_t inet_csum(const void *buf, size_t len, uint32_t sum)
{
        const uint8_t *p = buf;

        for (; len > 1; p += 2, len -= 2)
                sum += (uint32_t)(p[0] << 8 | p[1]);
        if (len)
                sum += (uint32_t)(p[0] << 8);
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return (uint16_t)~sum;
}

static size_t addr_size(int family)
{
        return family == AF_INET6 ? 16 : 4;
}

/* Partial (unfolded, uncomplemented) sum of the IP pseudo-header. */
static uint32_t pseudo_sum(const struct vrrp_ip_pair *ip, size_t len)
{
        uint8_t ph[40];
        size_t n;
        uint32_t sum = 0;

        if (ip->family == AF_INET6) {
                memcpy(ph, &ip->src.v6, 16);
                memcpy(ph + 16, &ip->dst.v6, 16);
                ph[32] = (uint8_t)(len >> 24), ph[33] = (uint8_t)(len >> 16);
                ph[34] = (uint8_t)(len >> 8), ph[35] = (uint8_t)len;
                ph[36] = ph[37] = ph[38] = 0;
                ph[39] = VRRP_PROTO;
                n = 40;
        } else {
                memcpy(ph, &ip->src.v4, 4);
                memcpy(ph + 4, &ip->dst.v4, 4);
                ph[8] = 0, ph[9] = VRRP_PROTO;
                ph[10] = (uint8_t)(len >> 8), ph[11] = (uint8_t)len;
                n = 12;
        }
        for (size_t i = 0; i < n; i += 2)
                sum += (uint32_t)(ph[i] << 8 | ph[i + 1]);
        return sum;
}

static uint16_t vrrp_csum(const uint8_t *msg, size_t len, const struct vrrp_ip_pair *ip, enum vrrp_csum_form form)
{
        return inet_csum(msg, len, form == VRRP_CSUM_PSEUDO ? pseudo_sum(ip, len) : 0);
}

static size_t message_len(unsigned version, int family, unsigned naddr)
{
        return VRRP_HDR_LEN + naddr * addr_size(family) + (version == 2 ? VRRP_AUTH_LEN : 0);
}

static enum vrrp_decode_result check_sum(const uint8_t *buf, size_t len, const struct vrrp_ip_pair *ip,
                                         unsigned version, enum vrrp_csum_form *ret_form)
{
        if (version == 2) {
                *ret_form = VRRP_CSUM_PLAIN;
                return vrrp_csum(buf, len, ip, VRRP_CSUM_PLAIN) == 0 ? VRRP_DEC_OK : VRRP_DEC_BAD_CHECKSUM;
        }
        if (vrrp_csum(buf, len, ip, VRRP_CSUM_PSEUDO) == 0) {
                *ret_form = VRRP_CSUM_PSEUDO;
                return VRRP_DEC_OK;
        }
        /* IPv4 v3 senders may use the RFC 9568 form (keepalived's v3_checksum_as_v2). */
        if (ip->family == AF_INET && vrrp_csum(buf, len, ip, VRRP_CSUM_PLAIN) == 0) {
                *ret_form = VRRP_CSUM_PLAIN;
                return VRRP_DEC_OK;
        }
        return VRRP_DEC_BAD_CHECKSUM;
}

enum vrrp_decode_result vrrp_decode(const uint8_t *buf, size_t len, const struct vrrp_ip_pair *ip,
                                    struct vrrp_advert *ret_adv, enum vrrp_csum_form *ret_form)
{
        struct vrrp_advert a;
        enum vrrp_csum_form form;
        enum vrrp_decode_result r;

        if (len < VRRP_HDR_LEN)
                return VRRP_DEC_TOO_SHORT;
        memset(&a, 0, sizeof(a));
        a.version = buf[0] >> 4;
        a.type = buf[0] & 0x0f;
        if (a.version != 3 && !(a.version == 2 && ip->family == AF_INET))
                return VRRP_DEC_BAD_VERSION;
        if (a.type != VRRP_TYPE_ADVERT)
                return VRRP_DEC_BAD_TYPE;
        a.vrid = buf[1];
        a.priority = buf[2];
        a.naddr = buf[3];
        if (len != message_len(a.version, ip->family, a.naddr))
                return VRRP_DEC_BAD_LENGTH;
        r = check_sum(buf, len, ip, a.version, &form);
        if (r != VRRP_DEC_OK)
                return r;
        if (a.version == 2) {
                a.auth_type = buf[4];
                a.adver_int = buf[5];
                memcpy(a.auth_data, buf + len - VRRP_AUTH_LEN, VRRP_AUTH_LEN);
        } else {
                a.adver_int = (uint16_t)((buf[4] & 0x0f) << 8 | buf[5]);
                if (a.adver_int == 0)
                        return VRRP_DEC_BAD_INTERVAL;
        }
        a.checksum = (uint16_t)(buf[6] << 8 | buf[7]);
        a.addrs = buf + VRRP_HDR_LEN;
        *ret_adv = a;
        *ret_form = form;
        return VRRP_DEC_OK;
}

int vrrp_encode(const struct vrrp_advert *adv, const struct vrrp_ip_pair *ip, enum vrrp_csum_form form,
                uint8_t *buf, size_t size)
{
        size_t len = message_len(adv->version, ip->family, adv->naddr);
        size_t alen = adv->naddr * addr_size(ip->family);
        uint16_t sum;

        if ((adv->version != 2 && adv->version != 3) || (adv->version == 2 && ip->family != AF_INET))
                return -EINVAL;
        if (adv->version == 3 && (adv->adver_int == 0 || adv->adver_int > 4095))
                return -EINVAL;
        if (len > size)
                return -ENOSPC;
        buf[0] = (uint8_t)(adv->version << 4 | VRRP_TYPE_ADVERT);
        buf[1] = adv->vrid;
        buf[2] = adv->priority;
        buf[3] = adv->naddr;
        if (adv->version == 2) {
                buf[4] = adv->auth_type;
                buf[5] = (uint8_t)adv->adver_int;
                memcpy(buf + VRRP_HDR_LEN + alen, adv->auth_data, VRRP_AUTH_LEN);
                form = VRRP_CSUM_PLAIN;
        } else {
                buf[4] = (uint8_t)(adv->adver_int >> 8 & 0x0f);
                buf[5] = (uint8_t)adv->adver_int;
                if (ip->family == AF_INET6)
                        form = VRRP_CSUM_PSEUDO;
        }
        buf[6] = buf[7] = 0;
        if (alen)
                memcpy(buf + VRRP_HDR_LEN, adv->addrs, alen);
        sum = vrrp_csum(buf, len, ip, form);
        buf[6] = (uint8_t)(sum >> 8);
        buf[7] = (uint8_t)sum;
        return (int)len;
}

bool ipv4_parse(const uint8_t *buf, size_t len, struct ipv4_info *ret)
{
        size_t ihl, total;

        if (len < 20 || buf[0] >> 4 != 4)
                return false;
        ihl = (size_t)(buf[0] & 0x0f) * 4;
        total = (size_t)(buf[2] << 8 | buf[3]);
        if (ihl < 20 || ihl > len || total < ihl || total > len)
                return false;
        ret->ttl = buf[8];
        ret->proto = buf[9];
        memcpy(&ret->src, buf + 12, 4);
        memcpy(&ret->dst, buf + 16, 4);
        ret->hdr_len = ihl;
        ret->payload_len = total - ihl;
        return true;
}
