/* See dropwarn.h. */
#include "vrrp/dropwarn.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/addr.h"
#include "common/log.h"
#include "vrrp/droplog.h"

/* One reason space per table: the instance's drops, then the interface's. */
#define IFACE_REASON(r) (DROP_N + 1 + (unsigned)(r))
#define REASON_BAD_IP IFACE_REASON(VRRP_DEC_N_RESULTS)
#define REASON_BAD_AH IFACE_REASON(VRRP_DEC_N_RESULTS + 1)

static bool is_multicast(const struct conf_ip *ip)
{
        return ip->family == AF_INET6 ? IN6_IS_ADDR_MULTICAST(&ip->u.v6) : IN_MULTICAST(ntohl(ip->u.v4.s_addr));
}

static void ttl_text(const struct vrrp_instance *vi, const struct vrrp_sock_rx *rx, char *buf, size_t size)
{
        const struct conf_unicast_peer *p;

        if (is_multicast(&rx->dst)) {
                snprintf(buf, size, "invalid TTL/HL. Received %d and expect %d", rx->ttl, VRRP_TTL);
                return;
        }
        CONF_FOREACH(p, &vi->c->unicast_peer)
                if (conf_ip_equal(&p->addr, &rx->src)) {
                        snprintf(buf, size, "TTL/HL %d not in range %d - %d", rx->ttl, p->min_ttl, p->max_ttl);
                        return;
                }
        snprintf(buf, size, "invalid TTL/HL %d", rx->ttl);
}

static void auth_text(const struct vrrp_instance *vi, const struct vrrp_sock_rx *rx, const struct vrrp_advert *adv,
                      enum vrrp_drop why, char *buf, size_t size)
{
        bool pass = vi->c->auth_pass && vi->c->auth_type == AUTH_PASS;
        int ours = pass ? VRRP_AUTH_PASS : vi->ah ? VRRP_AUTH_AH : VRRP_AUTH_NONE;

        if (why == DROP_AUTH)
                snprintf(buf, size, "%s", vi->ah ? "IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation "
                                                   "or bad password !"
                                                 : "received an invalid passwd!");
        else if (rx->ah && !vi->ah)
                snprintf(buf, size, "Received AH header but auth type not AH");
        else if (vi->ah && !rx->ah)
                snprintf(buf, size, "No AH header but auth type is AH");
        else
                snprintf(buf, size, "received a %d auth, expecting %d!", adv->auth_type, ours);
}

/* keepalived's words for a policy drop; false for drops that are intended
 * (owner_ignore_adverts) and stay at debug level. */
static bool instance_text(const struct vrrp_instance *vi, const struct vrrp_sock_rx *rx,
                          const struct vrrp_advert *adv, enum vrrp_drop why, char *buf, size_t size)
{
        switch (why) {
        case DROP_TTL: ttl_text(vi, rx, buf, size); return true;
        case DROP_VERSION:
                snprintf(buf, size, "wrong version. Received %d and expect %u", adv->version, vi->c->version);
                return true;
        case DROP_MODE:
                snprintf(buf, size, "Expected %sicast packet but received %sicast packet", vi->unicast ? "un" : "mult",
                         vi->unicast ? "mult" : "un");
                return true;
        case DROP_NOT_A_PEER: snprintf(buf, size, "advert from an address not in unicast_peer"); return true;
        case DROP_AUTH_TYPE:
        case DROP_AUTH: auth_text(vi, rx, adv, why, buf, size); return true;
        case DROP_INTERVAL:
                snprintf(buf, size, "advertisement interval mismatch mine=%lld sec rcv'd=%d sec",
                         (long long)(vi->c->advert_int / USEC_PER_SEC), adv->adver_int);
                return true;
        case DROP_AH_REPLAY:
                snprintf(buf, size, "IPSEC-AH : sequence number %u below the last one seen (%u)", rx->ah_seq,
                         vi->ah_seq);
                return true;
        case DROP_OWNER_IGNORE:
        case DROP_N: break;
        }
        return false;
}

/* Log what the table decided; prefix is "(VI_1)" or "eth0:". */
static void say(struct droplog **tab, const char *prefix, unsigned reason, const char *counter, const char *text,
                const struct conf_ip *src, int64_t now)
{
        struct droplog_say s;
        char a[INET6_ADDRSTRLEN];

        if (!*tab && !(*tab = calloc(1, sizeof(**tab))))
                return;
        droplog_note(*tab, reason, src->family, &src->u, now, &s);
        conf_ip_str(src, a, sizeof(a));
        switch (s.verdict) {
        case DROPLOG_QUIET: break;
        case DROPLOG_FIRST:
                log_warn("%s %s (advert from %s dropped: %s)", prefix, text, a, counter);
                break;
        case DROPLOG_SUMMARY:
                log_warn("%s %s: %llu more from %s in the last %lld s", prefix, counter, (unsigned long long)s.count,
                         a, (long long)((s.window_us + USEC_PER_SEC / 2) / USEC_PER_SEC));
                break;
        case DROPLOG_FIRST_UNTRACKED:
                log_warn("%s %s (advert from %s dropped: %s); over %d reasons and senders seen: further new ones "
                         "are summarised together", prefix, text, a, counter, DROPLOG_CAP);
                break;
        case DROPLOG_SUMMARY_UNTRACKED:
                log_warn("%s %llu more dropped adverts from other senders in the last %lld s", prefix,
                         (unsigned long long)s.count, (long long)((s.window_us + USEC_PER_SEC / 2) / USEC_PER_SEC));
                break;
        }
}

void dropwarn_instance(struct vrrp_instance *vi, int64_t now, const struct vrrp_sock_rx *rx,
                       const struct vrrp_advert *adv, enum vrrp_drop why)
{
        char text[160], prefix[48], a[INET6_ADDRSTRLEN];

        if (!instance_text(vi, rx, adv, why, text, sizeof(text))) {
                log_debug("(%s) advert from %s dropped: %s", vi->c->name, conf_ip_str(&rx->src, a, sizeof(a)),
                          vrrp_drop_name(why));
                return;
        }
        snprintf(prefix, sizeof(prefix), "(%s)", vi->c->name);
        say(&vi->droplog, prefix, why, vrrp_drop_name(why), text, &rx->src, now);
}

static void decode_text(const struct vrrp_sock_rx *rx, enum vrrp_decode_result r, char *buf, size_t size)
{
        switch (r) {
        case VRRP_DEC_TOO_SHORT: snprintf(buf, size, "vrrp packet too short, length %zu", rx->len); break;
        case VRRP_DEC_BAD_VERSION: snprintf(buf, size, "wrong version. Received %d", rx->msg[0] >> 4); break;
        case VRRP_DEC_BAD_TYPE: snprintf(buf, size, "Invalid packet type. %d and expect 1", rx->msg[0] & 0xf); break;
        case VRRP_DEC_BAD_LENGTH:
                snprintf(buf, size, "vrrp packet length %zu does not match its address count", rx->len);
                break;
        case VRRP_DEC_BAD_CHECKSUM: snprintf(buf, size, "bad checksum"); break;
        case VRRP_DEC_BAD_INTERVAL: snprintf(buf, size, "advertisement interval 0 is invalid"); break;
        case VRRP_DEC_OK:
        case VRRP_DEC_N_RESULTS: snprintf(buf, size, "invalid advert"); break;
        }
}

void dropwarn_iface(struct vrrp_iface *ifc, int fam, int64_t now, const struct vrrp_sock_rx *rx,
                    enum vrrp_decode_result decode)
{
        /* the advert's own VRID byte, if it has one, says whose it was */
        struct vrrp_instance *vi = !rx->bad_ip && !rx->bad_ah && rx->len >= 2 ? ifc->by_vrid[fam][rx->msg[1]] : NULL;
        char text[160], prefix[48];
        const char *counter;
        unsigned reason;

        if (rx->bad_ip) {
                reason = REASON_BAD_IP, counter = "bad_ip_header";
                snprintf(text, sizeof(text), "bad IP header");
        } else if (rx->bad_ah) {
                reason = REASON_BAD_AH, counter = "bad_ah";
                snprintf(text, sizeof(text), "IPSEC-AH : malformed AH header or SPI");
        } else {
                reason = IFACE_REASON(decode), counter = vrrp_decode_result_name(decode);
                decode_text(rx, decode, text, sizeof(text));
        }
        if (vi)
                snprintf(prefix, sizeof(prefix), "(%s)", vi->c->name);
        else
                snprintf(prefix, sizeof(prefix), "%s:", ifc->name);
        say(vi ? &vi->droplog : &ifc->droplog, prefix, reason, counter, text, &rx->src, now);
}

void dropwarn_free_instance(struct vrrp_instance *vi)
{
        free(vi->droplog);
        vi->droplog = NULL;
}

void dropwarn_free_iface(struct vrrp_iface *ifc)
{
        free(ifc->droplog);
        ifc->droplog = NULL;
}
