/* Instance glue: FSM actions become adverts, netlink requests and GARPs;
 * received adverts are validated (in vrrp-protocol.md's order) before the
 * FSM sees them. Logging happens here, once per event, in keepalived's words. */
#include "vrrp/instance.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <net/if.h>
#include <string.h>

#include "common/addr.h"
#include "common/clock.h"
#include "common/log.h"
#include "net/nft.h"
#include "net/nl.h"
#include "net/rtnl_msg.h"
#include "net/sysctl.h"
#include "net/vmac.h"
#include "vrrp/ah.h"
#include "vrrp/dropwarn.h"
#include "vrrp/why.h"

const char *vrrp_drop_name(enum vrrp_drop d)
{
        static const char *const names[DROP_N] = {
                [DROP_TTL] = "bad_ttl",
                [DROP_VERSION] = "bad_version",
                [DROP_MODE] = "wrong_delivery_mode",
                [DROP_NOT_A_PEER] = "not_a_peer",
                [DROP_AUTH_TYPE] = "auth_type_mismatch",
                [DROP_AUTH] = "auth_failure",
                [DROP_INTERVAL] = "interval_mismatch",
                [DROP_OWNER_IGNORE] = "owner_ignored",
                [DROP_AH_REPLAY] = "ah_sequence_replay",
        };
        return (unsigned)d < DROP_N ? names[d] : "unknown";
}

static size_t ip_size(int family)
{
        return family == AF_INET6 ? 16 : 4;
}

static int fam_idx(int family)
{
        return family == AF_INET6 ? 1 : 0;
}

/* Sized to the list: a fixed 255-address buffer per instance cost 4 KB
 * each, a page or two of resident memory per instance at scale. */
static int pack_vips(struct vrrp_instance *vi)
{
        const struct conf_ipaddress *a;
        unsigned n = vi->c->virtual_ipaddress.count;

        vi->naddr = 0;
        vi->addrs = calloc(n ? (n > VRRP_MAX_ADDRS ? VRRP_MAX_ADDRS : n) : 1, ip_size(vi->family));
        if (!vi->addrs)
                return -ENOMEM;
        CONF_FOREACH(a, &vi->c->virtual_ipaddress) {
                if (a->addr.family != vi->family || vi->naddr == VRRP_MAX_ADDRS)
                        continue;
                memcpy(vi->addrs + vi->naddr * ip_size(vi->family), &a->addr.u, ip_size(vi->family));
                vi->naddr++;
        }
        return 0;
}

static void pick_source(struct vrrp_instance *vi)
{
        const struct conf_vrrp_instance *c = vi->c;

        memset(&vi->src, 0, sizeof(vi->src));
        if (vi->unicast && c->unicast_src_ip.family) {
                vi->src = c->unicast_src_ip;
        } else if (!vi->unicast && c->mcast_src_ip.family) {
                vi->src = c->mcast_src_ip;
        } else if (vi->family == AF_INET6 && vi->ifc->info.has_ll6) {
                vi->src.family = AF_INET6;
                vi->src.u.v6 = vi->ifc->info.linklocal6;
        } else if (vi->family == AF_INET && vi->ifc->info.has_v4) {
                vi->src.family = AF_INET;
                vi->src.u.v4 = vi->ifc->info.primary4;
        }
}

int vrrp_instance_setup(struct vrrp_instance *vi, const struct conf *c, const struct conf_vrrp_instance *ci,
                        struct vrrp_iface *ifc, struct nl *nl)
{
        struct vrrp_fsm_params p;

        vrrp_instance_fsm_params(ci, &p);
        memset(vi, 0, sizeof(*vi));
        vi->c = ci;
        vi->ifc = ifc;
        vi->nl = nl;
        vi->family = ci->family ? ci->family : AF_INET;
        vi->unicast = ci->unicast_peer.count > 0;
        vi->ttl = ci->unicast_ttl >= 0 && vi->unicast ? ci->unicast_ttl : VRRP_TTL;
        vi->mcast_dst = ci->mcast_dst_ip.family ? ci->mcast_dst_ip
                        : vi->family == AF_INET6 ? c->global.vrrp_mcast_group6 : c->global.vrrp_mcast_group4;
        vi->garp_spacing = vi->family == AF_INET6 ? c->global.vrrp_gna_interval : c->global.vrrp_garp_interval;
        if (vi->garp_spacing < 0)
                vi->garp_spacing = 0;
        /* RFC 5798 Accept_Mode: an owner always accepts. */
        vi->no_accept = ci->accept == 0 && ci->priority != VRRP_PRIO_OWNER;
        vi->ah = ci->auth_type == AUTH_AH && ci->auth_pass && vi->family == AF_INET && ci->version == 2;

        vrrp_auth_pad(vi->ah ? ci->auth_pass : NULL, vi->ah_key);
        vrrp_fsm_init(&vi->fsm, &p);
        if (pack_vips(vi) < 0)
                return -ENOMEM;
        pick_source(vi);
        if (vi->ah && !(vi->hmac = vrrp_hmac_md5_lazy()))
                return -ENOPKG; /* no libcrypto: an AH instance could authenticate nothing */
        return 0;
}

bool vrrp_instance_pick_source(struct vrrp_instance *vi)
{
        pick_source(vi);
        return vi->src.family != 0;
}

/* dynamic_interfaces: the first interface a VIP of the instance names that
 * does not exist yet. Until it does the instance stays in FAULT: as MASTER
 * it would advertise addresses it cannot hold. */
static const char *missing_vip_dev(const struct vrrp_instance *vi)
{
        const conf_ipaddress_list *lists[2] = { &vi->c->virtual_ipaddress, &vi->c->virtual_ipaddress_excluded };
        const struct conf_ipaddress *a;

        for (int k = 0; k < 2; k++)
                CONF_FOREACH(a, lists[k])
                        if (a->dev_explicit && a->dev && !if_nametoindex(a->dev))
                                return a->dev;
        return NULL;
}

bool vrrp_instance_setup_faulty(struct vrrp_instance *vi)
{
        const char *dev = missing_vip_dev(vi);

        snprintf(vi->missing_dev, sizeof(vi->missing_dev), "%s", dev ? dev : "");
        return !vi->src.family || (vi->c->unicast_configured && !vi->unicast && vi->c->unicast_fault_no_peer) || dev;
}

bool vrrp_instance_owns(const struct vrrp_instance *vi, const struct conf_ip *addr)
{
        const struct conf_ipaddress *a;

        CONF_FOREACH(a, &vi->c->virtual_ipaddress)
                if (!a->no_track && conf_ip_equal(&a->addr, addr))
                        return true;
        CONF_FOREACH(a, &vi->c->virtual_ipaddress_excluded)
                if (!a->no_track && conf_ip_equal(&a->addr, addr))
                        return true;
        return false;
}

/* ---- sending -------------------------------------------------------------- */

static void fill_advert(const struct vrrp_instance *vi, uint8_t prio, struct vrrp_advert *adv)
{
        memset(adv, 0, sizeof(*adv));
        adv->version = (uint8_t)vi->c->version;
        adv->vrid = (uint8_t)vi->c->virtual_router_id;
        adv->priority = prio;
        adv->naddr = vi->naddr;
        adv->addrs = vi->addrs;
        if (adv->version == 2) {
                adv->adver_int = (uint16_t)(vi->c->advert_int / USEC_PER_SEC);
                if (vi->c->auth_pass && vi->c->auth_type == AUTH_PASS) {
                        adv->auth_type = VRRP_AUTH_PASS;
                        vrrp_auth_pad(vi->c->auth_pass, adv->auth_data);
                } else if (vi->ah) {
                        adv->auth_type = VRRP_AUTH_AH; /* the 8 bytes stay zero; AH carries the proof */
                }
        } else {
                adv->adver_int = (uint16_t)(vi->c->advert_int / 10000);
        }
}

/* Wrap the message in IPv4 + AH; the sequence number is shared with what
 * we accept, so a new master continues where the old one stopped. */
static int send_ah(struct vrrp_instance *vi, const struct conf_ip *dst, const uint8_t *msg, size_t len)
{
        struct vrrp_ah_send p = { .src = vi->src.u.v4, .dst = dst->u.v4, .ip_id = ++vi->ip_id,
                                  .ttl = (uint8_t)vi->ttl, .seq = ++vi->ah_seq, .unicast = vi->unicast };
        uint8_t pkt[VRRP_IPV4_HDR_LEN + VRRP_AH_LEN + VRRP_MAX_PKT];
        bool via_vmac = vi->vmac && vi->vmac->tx.fd >= 0 && !vi->c->vmac_xmit_base;
        int n;

        memcpy(p.key, vi->ah_key, sizeof(p.key));
        p.hmac = vi->hmac;
        n = vrrp_ah_encode(&p, msg, len, pkt, sizeof(pkt));
        if (n < 0)
                return n;
        return vrrp_sock_send_ip(via_vmac ? &vi->vmac->tx : &vi->ifc->sock[VRRP_SOCK_AH], dst, pkt, (size_t)n);
}

static void send_to(struct vrrp_instance *vi, const struct vrrp_advert *adv, const struct conf_ip *dst)
{
        struct vrrp_ip_pair ip = { .family = vi->family };
        uint8_t buf[VRRP_MAX_PKT];
        bool via_vmac = vi->vmac && vi->vmac->tx.fd >= 0 && !vi->c->vmac_xmit_base;
        const struct vrrp_sock *s = via_vmac ? &vi->vmac->tx : &vi->ifc->sock[fam_idx(vi->family)];
        int len, r;
        char a[INET6_ADDRSTRLEN];

        memcpy(&ip.src, &vi->src.u, ip_size(vi->family));
        memcpy(&ip.dst, &dst->u, ip_size(vi->family));
        len = vrrp_encode(adv, &ip, vi->c->v3_checksum_as_v2 ? VRRP_CSUM_PLAIN : VRRP_CSUM_PSEUDO, buf, sizeof(buf));
        if (len < 0)
                return;
        if (vi->ah)
                r = send_ah(vi, dst, buf, (size_t)len);
        else
                r = vrrp_sock_send(s, &vi->src, dst, vi->ttl, buf, (size_t)len);
        if (r < 0)
                log_warn("(%s) cannot send advert to %s: %s", vi->c->name, conf_ip_str(dst, a, sizeof(a)), strerror(-r));
}

static void send_advert(struct vrrp_instance *vi, uint8_t prio)
{
        struct vrrp_advert adv;
        const struct conf_unicast_peer *p;

        if (!vi->src.family)
                return;
        fill_advert(vi, prio, &adv);
        if (!vi->unicast) {
                send_to(vi, &adv, &vi->mcast_dst);
        } else {
                CONF_FOREACH(p, &vi->c->unicast_peer)
                        if (!conf_ip_equal(&p->addr, &vi->src)) /* users often list themselves */
                                send_to(vi, &adv, &p->addr);
        }
        vi->st.adverts_tx++;
        if (prio == VRRP_PRIO_STOP)
                vi->st.prio0_tx++;
}

/* ---- addresses -------------------------------------------------------------- */

static int ifindex_of(const struct vrrp_instance *vi, const char *dev)
{
        if (!dev || !strcmp(dev, vi->ifc->name))
                return vi->ifc->info.ifindex;
        return (int)if_nametoindex(dev);
}

/* With use_vmac, addresses without an explicit dev live on the macvlan. */
static int addr_ifindex(const struct vrrp_instance *vi, const struct conf_ipaddress *a)
{
        if (vi->vmac && !a->dev_explicit)
                return vi->vmac->ifindex;
        return ifindex_of(vi, a->dev);
}

static void addr_list(struct vrrp_instance *vi, bool add, const conf_ipaddress_list *list)
{
        const struct conf_ipaddress *a;
        char s[INET6_ADDRSTRLEN], what[112], msg[RTNL_MSG_MAX];

        CONF_FOREACH(a, list) {
                int idx = addr_ifindex(vi, a);
                snprintf(what, sizeof(what), "(%s) cannot %s %s on %s", vi->c->name, add ? "add" : "remove",
                         conf_ip_str(&a->addr, s, sizeof(s)), a->dev ? a->dev : vi->ifc->name);
                if (idx > 0)
                        nl_batch_add(vi->nl, rtnl_addr_msg(msg, add, idx, a), NL_REQ_ADDR, add, what);
                else
                        log_err("%s: %s", what, strerror(ENODEV));
        }
}

static void route_list(struct vrrp_instance *vi, bool add)
{
        const struct conf_route *rt;
        char s[INET6_ADDRSTRLEN], what[112], msg[RTNL_MSG_MAX];

        CONF_FOREACH(rt, &vi->c->virtual_routes) {
                snprintf(what, sizeof(what), "(%s) cannot %s the route to %s", vi->c->name, add ? "add" : "remove",
                         rt->dst.family ? conf_ip_str(&rt->dst, s, sizeof(s)) : "default");
                nl_batch_add(vi->nl, rtnl_route_msg(msg, add, rt->dev ? ifindex_of(vi, rt->dev) : 0, rt), NL_REQ_ROUTE,
                             add, what);
        }
}

static void rule_list(struct vrrp_instance *vi, bool add)
{
        const struct conf_rule *ru;
        char what[112], msg[RTNL_MSG_MAX];

        snprintf(what, sizeof(what), "(%s) cannot %s a virtual_rule", vi->c->name, add ? "add" : "remove");
        CONF_FOREACH(ru, &vi->c->virtual_rules)
                nl_batch_add(vi->nl, rtnl_rule_msg(msg, add, ru), NL_REQ_RULE, add, what);
}

/* All of a transition's requests in one batch (net/nl.h): addresses, then
 * routes, then rules when taking over; the reverse when leaving. The
 * kernel has run them when nl_batch_send returns, so the GARP that
 * follows (ACT_GARP) announces addresses that are there. */
static void set_addresses(struct vrrp_instance *vi, bool add)
{
        if (add) {
                if (vi->no_accept)
                        nft_no_accept_vips(vi->nft, true, &vi->c->virtual_ipaddress);
                addr_list(vi, true, &vi->c->virtual_ipaddress);
                addr_list(vi, true, &vi->c->virtual_ipaddress_excluded);
                route_list(vi, true);
                rule_list(vi, true);
                nl_batch_send(vi->nl);
                vi->addrs_installed = true;
                return;
        }
        rule_list(vi, false);
        route_list(vi, false);
        addr_list(vi, false, &vi->c->virtual_ipaddress);
        addr_list(vi, false, &vi->c->virtual_ipaddress_excluded);
        nl_batch_send(vi->nl);
        if (vi->no_accept)
                nft_no_accept_vips(vi->nft, false, &vi->c->virtual_ipaddress);
        vi->addrs_installed = false;
}

int vrrp_instance_vmac_up(struct vrrp_instance *vi)
{
        const struct conf_vrrp_instance *c = vi->c;
        struct vrrp_vmac *v;
        int idx, r;

        if (!c->use_vmac || vi->vmac)
                return 0;
        if (!(v = calloc(1, sizeof(*v))))
                return -ENOMEM;
        v->tx.fd = v->garp.fd = -1;
        conf_vmac_name(c, v->name, sizeof(v->name));
        vmac_address(vi->family, c->virtual_router_id, v->mac);
        idx = vmac_create(vi->nl, v->name, vi->ifc->info.ifindex, v->mac);
        if (idx < 0) {
                log_err("(%s) cannot create the VMAC interface %s: %s", c->name, v->name, strerror(-idx));
                free(v);
                return idx;
        }
        vi->vmac = v;
        v->ifindex = idx;
        /* Only the macvlan may answer ARP for the VIPs, with the virtual MAC
         * (arp_ignore), and the base interface must not name a VIP as the
         * sender of its own ARP requests (arp_announce), or clients learn the
         * base MAC for the VIP from them. */
        if (vi->family == AF_INET) {
                static const char *const knobs[][3] = { { "vmac", "arp_ignore", "1" },
                                                        { "base", "arp_ignore", "1" },
                                                        { "base", "arp_announce", "2" } };
                for (size_t k = 0; k < sizeof(knobs) / sizeof(knobs[0]); k++) {
                        char path[96];
                        snprintf(path, sizeof(path), "net/ipv4/conf/%s/%s",
                                 knobs[k][0][0] == 'v' ? v->name : vi->ifc->name, knobs[k][1]);
                        sysctl_swap(path, knobs[k][2], NULL, 0);
                }
        }
        r = garp_open(vi->family, idx, &v->garp);
        if (r < 0)
                log_warn("(%s) no GARP socket on %s: %s", c->name, v->name, strerror(-r));
        /* A peer's advert carries the same virtual MAC as our macvlan, so the
         * kernel delivers it on the macvlan, not the base interface: listen
         * there too. keepalived: unicast always transmits from the base. */
        if (!vi->unicast) {
                r = vi->ah ? vrrp_sock_open_ah(idx, v->name, &vi->mcast_dst, &v->tx)
                           : vrrp_sock_open(vi->family, idx, v->name, &vi->mcast_dst, &v->tx);
                if (r < 0)
                        log_warn("(%s) no VRRP socket on %s: %s", c->name, v->name, strerror(-r));
        }
        log_info("(%s) VMAC %s (%02x:%02x:%02x:%02x:%02x:%02x) is up", c->name, v->name, v->mac[0], v->mac[1],
                 v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
        return 0;
}

void vrrp_instance_vmac_down(struct vrrp_instance *vi)
{
        struct vrrp_vmac *v = vi->vmac;

        if (!v)
                return;
        vrrp_sock_close(&v->tx);
        garp_close(&v->garp);
        vmac_delete(vi->nl, v->name);
        free(v);
        vi->vmac = NULL;
}

void vrrp_instance_remove_stale(struct vrrp_instance *vi)
{
        set_addresses(vi, false);
}

/* ---- GARP / NA ------------------------------------------------------------------ */

static void garp_list(struct vrrp_instance *vi, const conf_ipaddress_list *list)
{
        const struct conf_ipaddress *a;
        struct vrrp_iface *ifc = vi->ifc;

        CONF_FOREACH(a, list) {
                const struct garp_sock *g = &ifc->garp[fam_idx(a->addr.family)];
                const uint8_t *mac = ifc->info.mac;
                if (vi->vmac && !a->dev_explicit) {
                        g = &vi->vmac->garp;
                        mac = vi->vmac->mac;
                } else if (a->dev && strcmp(a->dev, ifc->name)) {
                        continue; /* addresses on other devices are not announced, as keepalived */
                }
                if (g->fd < 0)
                        continue;
                if (a->addr.family == AF_INET)
                        garp_send4(g, mac, a->addr.u.v4);
                else
                        garp_send6(g, mac, &a->addr.u.v6);
        }
}

static void garp_run(struct vrrp_instance *vi, int64_t now)
{
        while (vi->garp_rounds_left && vi->garp_next <= now) {
                garp_list(vi, &vi->c->virtual_ipaddress);
                garp_list(vi, &vi->c->virtual_ipaddress_excluded);
                vi->garp_rounds_left--;
                vi->garp_next = vi->garp_rounds_left ? now + vi->garp_spacing : 0;
        }
}

static void garp_burst(struct vrrp_instance *vi, int64_t now, unsigned rounds)
{
        vi->garp_rounds_left = rounds;
        vi->garp_next = now;
        garp_run(vi, now);
}

static void garp_start(struct vrrp_instance *vi, int64_t now)
{
        garp_burst(vi, now, vi->c->garp_master_repeat);
        vi->garp_second_at = vi->c->garp_master_delay > 0 ? now + vi->c->garp_master_delay : 0;
        vi->garp_refresh_at = vi->c->garp_master_refresh > 0 ? now + vi->c->garp_master_refresh : 0;
}

/* A MASTER heard a lower priority: the sender may have just taken the
 * addresses, so re-announce them now and once more after the delay. */
static void garp_lower_prio(struct vrrp_instance *vi, int64_t now)
{
        if (!vi->c->garp_lower_prio_repeat)
                return;
        garp_burst(vi, now, vi->c->garp_lower_prio_repeat);
        vi->garp_lower_second_at = vi->c->garp_lower_prio_delay > 0 ? now + vi->c->garp_lower_prio_delay : 0;
}

static void garp_stop(struct vrrp_instance *vi)
{
        vi->garp_rounds_left = 0;
        vi->garp_next = vi->garp_second_at = vi->garp_refresh_at = vi->garp_lower_second_at = 0;
}

static void garp_tick(struct vrrp_instance *vi, int64_t now)
{
        if (vi->fsm.state != VRRP_MASTER)
                return;
        if (vi->garp_second_at && now >= vi->garp_second_at) {
                vi->garp_second_at = 0;
                garp_burst(vi, now, vi->c->garp_master_repeat);
        }
        if (vi->garp_lower_second_at && now >= vi->garp_lower_second_at) {
                vi->garp_lower_second_at = 0;
                garp_burst(vi, now, vi->c->garp_lower_prio_repeat);
        }
        if (vi->garp_refresh_at && now >= vi->garp_refresh_at) {
                vi->garp_refresh_at = now + vi->c->garp_master_refresh;
                garp_burst(vi, now, vi->c->garp_master_refresh_repeat);
        }
        garp_run(vi, now);
}

/* ---- actions ----------------------------------------------------------------------- */

static void log_state(struct vrrp_instance *vi, const struct vrrp_action *a)
{
        const char *name = vi->c->name;

        vi->st.transitions++;
        vrrp_why_transition(vi, a);
        switch (a->state) {
        case VRRP_MASTER:
                vi->st.became_master++;
                log_info("(%s) Entering MASTER STATE", name);
                break;
        case VRRP_BACKUP:
                log_info("(%s) Entering BACKUP STATE%s", name, a->reason == REASON_STARTUP ? " (init)" : "");
                if (vrrp_fsm_is_owner(&vi->fsm) && vi->fsm.prio != VRRP_PRIO_OWNER)
                        log_warn("(%s) another address owner with a higher address is MASTER; "
                                 "using priority %u until it goes away", name, vi->fsm.prio);
                break;
        case VRRP_FAULT:
                log_info("(%s) Entering FAULT STATE%s", name, a->reason == REASON_STARTUP ? " (init)" : "");
                break;
        case VRRP_INIT:
                log_info("(%s) Stopped", name);
                break;
        }
}

/* Status names a master only while its adverts keep the down timer. */
static void forget_master(struct vrrp_instance *vi)
{
        memset(&vi->last_master, 0, sizeof(vi->last_master));
        vi->last_master_prio = 0;
}

void vrrp_instance_apply(struct vrrp_instance *vi, int64_t now, const struct vrrp_actions *acts)
{
        for (unsigned i = 0; i < acts->n; i++) {
                const struct vrrp_action *a = &acts->a[i];
                switch (a->kind) {
                case ACT_SEND_ADVERT:
                        send_advert(vi, a->priority);
                        break;
                case ACT_ADD_ADDRESSES:
                        set_addresses(vi, true);
                        break;
                case ACT_DEL_ADDRESSES:
                        vi->st.released_master++;
                        garp_stop(vi);
                        set_addresses(vi, false);
                        break;
                case ACT_GARP:
                        garp_start(vi, now);
                        break;
                case ACT_LOWER_PRIO_SEEN:
                        vrrp_why_lower_priority(vi, a);
                        garp_lower_prio(vi, now);
                        break;
                case ACT_STATE:
                        vi->prev_state = vi->cur_state;
                        vi->cur_state = a->state;
                        vi->entered_state_at = now;
                        vi->entered_state_wall = wall_usec();
                        vi->last_reason = a->reason;
                        /* a backup knows its master only from what it hears next */
                        if (a->state != VRRP_MASTER && a->reason != REASON_HIGHER_PRIORITY)
                                forget_master(vi);
                        log_state(vi, a);
                        break;
                case ACT_WANT_MASTER:
                        forget_master(vi); /* nothing heard for Master_Down_Interval */
                        break;
                }
                if (vi->on_event && a->kind != ACT_SEND_ADVERT && a->kind != ACT_ADD_ADDRESSES &&
                    a->kind != ACT_DEL_ADDRESSES && a->kind != ACT_GARP)
                        vi->on_event(vi->event_ctx, vi, a);
        }
}

/* ---- inputs: faults and trackers ---------------------------------------------------------- */

void vrrp_instance_set_fault(struct vrrp_instance *vi, int64_t now, unsigned bit, bool on)
{
        struct vrrp_actions acts = { 0 };
        unsigned before = vi->faults;

        vi->faults = on ? vi->faults | bit : vi->faults & ~bit;
        if (vi->faults == before)
                return;
        vrrp_fsm_set_fault(&vi->fsm, now, vi->faults != 0, &acts);
        vrrp_instance_apply(vi, now, &acts);
}

void vrrp_instance_track_update_from(struct vrrp_instance *vi, int64_t now, int from)
{
        struct vrrp_actions acts = { 0 };
        bool fault;
        long delta;
        uint8_t prio, was = from >= 0 ? (uint8_t)from : vi->fsm.prio;

        trackers_eval(vi->refs, vi->nrefs, &fault, &delta);
        prio = track_effective_priority(vi->c->priority, delta);
        if (prio != was && !vrrp_fsm_is_owner(&vi->fsm)) {
                log_info("(%s) Changing effective priority from %u to %u", vi->c->name, was, prio);
                vrrp_fsm_set_priority(&vi->fsm, now, prio, &acts);
                vrrp_instance_apply(vi, now, &acts);
                if (vi->on_priority)
                        vi->on_priority(vi->event_ctx, vi);
        }
        vrrp_instance_set_fault(vi, now, VRRP_FAULT_TRACK, fault);
}

void vrrp_instance_track_update(struct vrrp_instance *vi, int64_t now)
{
        vrrp_instance_track_update_from(vi, now, -1);
}

/* ---- receiving ------------------------------------------------------------------------ */

static const struct conf_unicast_peer *find_peer(const struct vrrp_instance *vi, const struct conf_ip *src)
{
        const struct conf_unicast_peer *p;

        CONF_FOREACH(p, &vi->c->unicast_peer)
                if (conf_ip_equal(&p->addr, src))
                        return p;
        return NULL;
}

static bool is_multicast(const struct conf_ip *ip)
{
        return ip->family == AF_INET6 ? IN6_IS_ADDR_MULTICAST(&ip->u.v6) : IN_MULTICAST(ntohl(ip->u.v4.s_addr));
}

static bool ttl_ok(const struct vrrp_instance *vi, const struct vrrp_sock_rx *rx, bool mcast)
{
        const struct conf_unicast_peer *p;

        if (mcast)
                return rx->ttl == VRRP_TTL;
        p = find_peer(vi, &rx->src);
        if (!p)
                return true;
        return (p->min_ttl < 0 || rx->ttl >= p->min_ttl) && (p->max_ttl < 0 || rx->ttl <= p->max_ttl);
}

static bool ah_ok(const struct vrrp_instance *vi, const struct vrrp_sock_rx *rx, enum vrrp_drop *ret)
{
        if (!rx->ah) {
                *ret = DROP_AUTH_TYPE;
                return false;
        }
        if (vrrp_ah_verify(rx->ip_pkt, rx->ip_len, rx->ip_hdr_len, vi->ah_key, vi->hmac) != VRRP_AH_OK) {
                *ret = DROP_AUTH;
                return false;
        }
        /* keepalived's anti-replay: never go back below the last number seen or sent */
        *ret = DROP_AH_REPLAY;
        return rx->ah_seq >= vi->ah_seq;
}

static bool auth_ok(const struct vrrp_instance *vi, const struct vrrp_sock_rx *rx, const struct vrrp_advert *adv,
                    enum vrrp_drop *ret)
{
        uint8_t want[VRRP_AUTH_LEN];
        unsigned diff = 0;
        bool pass = vi->c->auth_pass && vi->c->auth_type == AUTH_PASS;
        uint8_t type = pass ? VRRP_AUTH_PASS : vi->ah ? VRRP_AUTH_AH : VRRP_AUTH_NONE;

        if (adv->auth_type != type || (rx->ah && !vi->ah)) {
                *ret = DROP_AUTH_TYPE;
                return false;
        }
        if (vi->ah)
                return ah_ok(vi, rx, ret);
        if (!pass)
                return true;
        vrrp_auth_pad(vi->c->auth_pass, want);
        for (unsigned i = 0; i < VRRP_AUTH_LEN; i++) /* constant time */
                diff |= (unsigned)(want[i] ^ adv->auth_data[i]);
        *ret = DROP_AUTH;
        return diff == 0;
}

/* Policy checks after decoding; returns DROP_N when the advert is acceptable. */
static enum vrrp_drop validate(const struct vrrp_instance *vi, const struct vrrp_sock_rx *rx,
                               const struct vrrp_advert *adv)
{
        bool mcast = is_multicast(&rx->dst);
        enum vrrp_drop why;

        if (!ttl_ok(vi, rx, mcast))
                return DROP_TTL;
        if (adv->version != vi->c->version)
                return DROP_VERSION;
        if (mcast == vi->unicast)
                return DROP_MODE;
        if (vi->unicast && vi->c->check_unicast_src && !find_peer(vi, &rx->src))
                return DROP_NOT_A_PEER;
        if (adv->version == 2 && !auth_ok(vi, rx, adv, &why))
                return why;
        if (adv->version == 2 && (int64_t)adv->adver_int * USEC_PER_SEC != vi->c->advert_int)
                return DROP_INTERVAL;
        if (vrrp_fsm_is_owner(&vi->fsm) && vi->c->owner_ignore_adverts)
                return DROP_OWNER_IGNORE;
        return DROP_N;
}

static int ip_cmp(const struct conf_ip *a, const struct conf_ip *b)
{
        int r = memcmp(&a->u, &b->u, ip_size(a->family));

        return (r > 0) - (r < 0);
}

void vrrp_instance_receive(struct vrrp_instance *vi, int64_t now, const struct vrrp_sock_rx *rx,
                           const struct vrrp_advert *adv, enum vrrp_csum_form form)
{
        struct vrrp_actions acts = { 0 };
        struct vrrp_rx r = { 0 };
        enum vrrp_drop drop;

        if (vi->src.family && conf_ip_equal(&rx->src, &vi->src))
                return; /* our own advert, looped back by a unicast peer list naming us */
        drop = validate(vi, rx, adv);
        if (drop != DROP_N) {
                vi->st.drops[drop]++;
                dropwarn_instance(vi, now, rx, adv, drop);
                return;
        }
        vi->st.adverts_rx++;
        if (adv->priority != VRRP_PRIO_STOP) {
                vi->last_master = rx->src;
                vi->last_master_prio = adv->priority;
        } else {
                forget_master(vi); /* it resigned */
        }
        if (rx->ah)
                vi->ah_seq = rx->ah_seq;
        if (adv->priority == VRRP_PRIO_STOP) {
                vi->st.prio0_rx++;
                vrrp_why_priority_zero(vi);
        }
        if (vi->family == AF_INET && adv->version == 3 && form == VRRP_CSUM_PLAIN)
                vi->st.csum_as_v2_rx++;
        if (adv->priority && (adv->naddr != vi->naddr ||
                              memcmp(adv->addrs, vi->addrs, vi->naddr * ip_size(vi->family)) != 0))
                vi->st.addr_list_mismatch++; /* keepalived only logs this */
        r.priority = adv->priority;
        r.adver_int = adv->version == 2 ? (int64_t)adv->adver_int * USEC_PER_SEC : (int64_t)adv->adver_int * 10000;
        r.src_cmp = vi->src.family ? ip_cmp(&rx->src, &vi->src) : 1;
        memcpy(r.src, &rx->src.u, ip_size(rx->src.family)); /* 4 or 16: r.src holds either */
        vrrp_fsm_advert(&vi->fsm, now, &r, &acts);
        vrrp_instance_apply(vi, now, &acts);
}

/* ---- time ---------------------------------------------------------------------------------- */

int64_t vrrp_instance_deadline(const struct vrrp_instance *vi)
{
        int64_t d = vrrp_fsm_next_deadline(&vi->fsm);
        const int64_t g[] = { vi->garp_rounds_left ? vi->garp_next : 0, vi->garp_second_at, vi->garp_refresh_at,
                              vi->garp_lower_second_at };

        for (size_t i = 0; i < sizeof g / sizeof g[0]; i++)
                if (g[i] && (!d || g[i] < d))
                        d = g[i];
        return d;
}

int64_t vrrp_instance_tick(struct vrrp_instance *vi, int64_t now)
{
        int64_t d = vrrp_fsm_next_deadline(&vi->fsm);

        if (d && d <= now) {
                struct vrrp_actions acts = { 0 };
                vrrp_fsm_timer(&vi->fsm, now, &acts);
                vrrp_instance_apply(vi, now, &acts);
        }
        garp_tick(vi, now);
        return vrrp_instance_deadline(vi);
}
