/* libFuzzer target: arbitrary bytes as a received VRRP datagram, both as an
 * IPv4 raw-socket read (IP header first) and as an IPv6 payload. Decoded
 * adverts must re-encode to the same bytes. IPv4 protocol 51 goes through
 * the AH parser and ICV check first, as the receive path does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vrrp/ah.h"
#include "vrrp/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const uint8_t *msg, size_t len, const struct vrrp_ip_pair *ip)
{
        struct vrrp_advert adv;
        enum vrrp_csum_form form;
        uint8_t buf[VRRP_MAX_PKT];

        if (vrrp_decode(msg, len, ip, &adv, &form) != VRRP_DEC_OK)
                return;
        if (vrrp_encode(&adv, ip, form, buf, sizeof(buf)) != (int)len)
                abort();
        /* reserved bits are not carried, so compare what is */
        if (memcmp(buf + 1, msg + 1, 3) || memcmp(buf + 8, msg + 8, len - 8))
                abort();
}

static void ah_path(const uint8_t *data, const struct ipv4_info *ip4, const struct vrrp_ip_pair *p4)
{
        static const uint8_t key[VRRP_AH_KEY_LEN] = "secret1";
        size_t total = ip4->hdr_len + ip4->payload_len;
        struct vrrp_ah_rx ah;

        if (vrrp_ah_decode(data, total, ip4->hdr_len, ip4->src, &ah) != VRRP_AH_OK)
                return;
        if (ah.msg_off > total)
                abort();
        (void)vrrp_ah_verify(data, total, ip4->hdr_len, key, vrrp_hmac_md5_openssl);
        roundtrip(data + ah.msg_off, total - ah.msg_off, p4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct ipv4_info ip4;
        struct vrrp_ip_pair ip = { .family = AF_INET6 };

        if (ipv4_parse(data, size, &ip4)) {
                struct vrrp_ip_pair p4 = { .family = AF_INET };
                p4.src.v4 = ip4.src;
                p4.dst.v4 = ip4.dst;
                roundtrip(data + ip4.hdr_len, ip4.payload_len, &p4);
                if (ip4.proto == VRRP_AH_PROTO)
                        ah_path(data, &ip4, &p4);
        }
        if (size > 32) {
                memcpy(&ip.src.v6, data, 16);
                memcpy(&ip.dst.v6, data + 16, 16);
                roundtrip(data + 32, size - 32, &ip);
        }
        return 0;
}
