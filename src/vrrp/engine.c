#include "vrrp/engine.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <uv.h>

#include "common/clock.h"
#include "common/log.h"
#include "conf/values.h"
#include "net/nft.h"
#include "vrrp/instance.h"

#define MAX_IFACES 64
#define RX_BATCH 64

struct engine;

struct iface_slot {
        struct vrrp_iface ifc;
        uv_poll_t poll[3];   /* as ifc.sock */
        struct engine *eng;
        int fam;
};

/* Adverts that arrive on an instance's macvlan. */
struct vmac_slot {
        uv_poll_t poll;
        struct vrrp_instance *vi;
        struct engine *eng;
};

struct engine {
        uv_loop_t loop;
        struct conf *conf;
        struct nl *nl, *mon;
        uv_poll_t mon_poll;
        int tfd;
        int64_t armed_for;
        uv_poll_t timer_poll;
        uv_signal_t sig_term, sig_int;
        struct vrrp_instance *inst;
        unsigned ninst;
        struct iface_slot *ifaces[MAX_IFACES];
        struct vmac_slot *vmacs;
        unsigned nifaces;
        int exit_code;
};

/* ---- timing ----------------------------------------------------------------- */

static void rearm(struct engine *e)
{
        int64_t next = 0;
        struct itimerspec its = { 0 };

        for (unsigned i = 0; i < e->ninst; i++) {
                int64_t d = vrrp_instance_deadline(&e->inst[i]);
                if (d && (!next || d < next))
                        next = d;
        }
        if (next == e->armed_for)
                return;
        e->armed_for = next;
        if (next) {
                its.it_value.tv_sec = next / USEC_PER_SEC;
                its.it_value.tv_nsec = (long)(next % USEC_PER_SEC) * 1000;
                if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
                        its.it_value.tv_nsec = 1;
        }
        timerfd_settime(e->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void on_timer(uv_poll_t *h, int status, int events)
{
        struct engine *e = h->data;
        uint64_t expirations;
        int64_t now = mono_usec();

        (void)status, (void)events;
        if (read(e->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
                log_warn("timerfd read: %s", strerror(errno));
        e->armed_for = -1;
        for (unsigned i = 0; i < e->ninst; i++)
                vrrp_instance_tick(&e->inst[i], now);
        rearm(e);
}

/* ---- receiving ---------------------------------------------------------------- */

static void dispatch(struct vrrp_iface *ifc, int fam, const struct vrrp_sock_rx *rx, int64_t now)
{
        struct vrrp_ip_pair ip = { .family = ifc->sock[fam].family };
        struct vrrp_advert adv;
        enum vrrp_csum_form form;
        enum vrrp_decode_result r;
        struct vrrp_instance *vi;

        if (rx->bad_ip) {
                ifc->rx_bad_ip++;
                return;
        }
        if (rx->bad_ah) {
                ifc->rx_bad_ah++;
                log_debug("%s: AH packet dropped: malformed header or SPI", ifc->name);
                return;
        }
        memcpy(&ip.src, &rx->src.u, sizeof(ip.src));
        memcpy(&ip.dst, &rx->dst.u, sizeof(ip.dst));
        r = vrrp_decode(rx->msg, rx->len, &ip, &adv, &form);
        if (r != VRRP_DEC_OK) {
                ifc->rx_errors[r]++;
                log_debug("%s: advert dropped: %s", ifc->name, vrrp_decode_result_name(r));
                return;
        }
        vi = ifc->by_vrid[fam][adv.vrid];
        if (!vi) {
                ifc->rx_unknown_vrid++;
                return;
        }
        vrrp_instance_receive(vi, now, rx, &adv, form);
}

static void on_readable(uv_poll_t *h, int status, int events)
{
        struct iface_slot *slot = h->data;
        int idx = (int)(h - slot->poll);
        int fam = idx == 1 ? 1 : 0;
        uint8_t buf[4096];

        (void)status, (void)events;
        for (int i = 0; i < RX_BATCH; i++) {
                struct vrrp_sock_rx rx;
                if (vrrp_sock_recv(&slot->ifc.sock[idx], buf, sizeof(buf), &rx) < 0)
                        break;
                dispatch(&slot->ifc, fam, &rx, mono_usec());
        }
        rearm(slot->eng);
}

static void on_vmac_readable(uv_poll_t *h, int status, int events)
{
        struct vmac_slot *vs = h->data;
        struct vrrp_instance *vi = vs->vi;
        uint8_t buf[4096];

        (void)status, (void)events;
        for (int i = 0; i < RX_BATCH; i++) {
                struct vrrp_sock_rx rx;
                if (vrrp_sock_recv(&vi->vmac.tx, buf, sizeof(buf), &rx) < 0)
                        break;
                dispatch(vi->ifc, vi->family == AF_INET6 ? 1 : 0, &rx, mono_usec());
        }
        rearm(vs->eng);
}

/* ---- netlink events --------------------------------------------------------------- */

static void on_nl_event(void *ctx, const struct nl_event *ev)
{
        struct engine *e = ctx;
        int64_t now = mono_usec();

        for (unsigned i = 0; i < e->ninst; i++) {
                struct vrrp_instance *vi = &e->inst[i];
                struct vrrp_actions acts = { 0 };
                if (ev->kind == NL_ADDR_DEL) {
                        /* The monitor may report our own earlier removals after we
                         * re-added the address; only an address really gone counts. */
                        if (vi->fsm.state != VRRP_MASTER || !vrrp_instance_owns(vi, &ev->addr) ||
                            iface_has_address(vi->ifc->name, &ev->addr))
                                continue;
                        char s[INET6_ADDRSTRLEN];
                        log_info("(%s) virtual address %s was removed; forcing a new election", vi->c->name,
                                 conf_ip_str(&ev->addr, s, sizeof(s)));
                        vrrp_fsm_address_deleted(&vi->fsm, now, &acts);
                } else if ((ev->kind == NL_LINK_UP || ev->kind == NL_LINK_DOWN) && ev->ifindex == vi->ifc->info.ifindex &&
                           !vi->c->dont_track_primary) {
                        bool down = ev->kind == NL_LINK_DOWN;
                        if (down != vi->fsm.fault)
                                log_info("(%s) interface %s is %s", vi->c->name, vi->ifc->name, down ? "down" : "up");
                        vrrp_fsm_set_fault(&vi->fsm, now, down, &acts);
                }
                vrrp_instance_apply(vi, now, &acts);
        }
}

static void on_monitor(uv_poll_t *h, int status, int events)
{
        struct engine *e = h->data;

        (void)status, (void)events;
        nl_monitor_read(e->mon, on_nl_event, e);
        rearm(e);
}

/* ---- set-up and shutdown ------------------------------------------------------------- */

static struct iface_slot *iface_get(struct engine *e, const char *name)
{
        struct iface_slot *slot;
        int r;

        for (unsigned i = 0; i < e->nifaces; i++)
                if (!strcmp(e->ifaces[i]->ifc.name, name))
                        return e->ifaces[i];
        if (e->nifaces == MAX_IFACES)
                return NULL;
        slot = calloc(1, sizeof(*slot));
        if (!slot)
                return NULL;
        snprintf(slot->ifc.name, sizeof(slot->ifc.name), "%s", name);
        r = iface_lookup(name, &slot->ifc.info);
        if (r < 0) {
                log_err("interface %s: %s", name, strerror(-r));
                free(slot);
                return NULL;
        }
        for (int f = 0; f < 3; f++)
                slot->ifc.sock[f].fd = -1;
        for (int f = 0; f < 2; f++)
                slot->ifc.garp[f].fd = -1;
        slot->eng = e;
        e->ifaces[e->nifaces++] = slot;
        return slot;
}

static void watch(struct engine *e, struct iface_slot *slot, int idx)
{
        uv_poll_init(&e->loop, &slot->poll[idx], slot->ifc.sock[idx].fd);
        slot->poll[idx].data = slot;
        uv_poll_start(&slot->poll[idx], UV_READABLE, on_readable);
}

/* Open the instance's family socket on its interface once, shared after. */
static int iface_open_family(struct engine *e, struct iface_slot *slot, int family)
{
        int f = family == AF_INET6 ? 1 : 0;
        const struct conf_ip *group = family == AF_INET6 ? &e->conf->global.vrrp_mcast_group6
                                                         : &e->conf->global.vrrp_mcast_group4;
        int r;

        if (slot->ifc.sock[f].fd >= 0)
                return 0;
        r = vrrp_sock_open(family, slot->ifc.info.ifindex, slot->ifc.name, group, &slot->ifc.sock[f]);
        if (r < 0)
                return r;
        r = garp_open(family, slot->ifc.info.ifindex, &slot->ifc.garp[f]);
        if (r < 0)
                log_warn("%s: cannot open the %s socket: %s", slot->ifc.name, family == AF_INET6 ? "NA" : "GARP",
                         strerror(-r));
        watch(e, slot, f);
        return 0;
}

/* AH adverts are IP protocol 51: a socket of their own on the interface. */
static int iface_open_ah(struct engine *e, struct iface_slot *slot)
{
        int r;

        if (slot->ifc.sock[VRRP_SOCK_AH].fd >= 0)
                return 0;
        r = vrrp_sock_open_ah(slot->ifc.info.ifindex, slot->ifc.name, &e->conf->global.vrrp_mcast_group4,
                              &slot->ifc.sock[VRRP_SOCK_AH]);
        if (r == 0)
                watch(e, slot, VRRP_SOCK_AH);
        return r;
}

static int setup_instances(struct engine *e)
{
        const struct conf_vrrp_instance *ci;
        unsigned i = 0;

        e->inst = calloc(e->conf->instances.count ? e->conf->instances.count : 1, sizeof(*e->inst));
        e->vmacs = calloc(e->conf->instances.count ? e->conf->instances.count : 1, sizeof(*e->vmacs));
        if (!e->inst || !e->vmacs)
                return -ENOMEM;
        CONF_FOREACH(ci, &e->conf->instances) {
                struct iface_slot *slot = iface_get(e, ci->interface ? ci->interface : "");
                struct vrrp_instance *vi = &e->inst[i];
                int fam, r;
                if (!slot)
                        return -ENODEV;
                vrrp_instance_setup(vi, e->conf, ci, &slot->ifc, e->nl);
                if (vrrp_instance_vmac_up(vi) < 0)
                        return -ENODEV;
                if (vi->vmac.tx.fd >= 0) {
                        struct vmac_slot *vs = &e->vmacs[i];
                        vs->vi = vi;
                        vs->eng = e;
                        uv_poll_init(&e->loop, &vs->poll, vi->vmac.tx.fd);
                        vs->poll.data = vs;
                        uv_poll_start(&vs->poll, UV_READABLE, on_vmac_readable);
                }
                fam = vi->family == AF_INET6 ? 1 : 0;
                r = iface_open_family(e, slot, vi->family);
                if (r == 0 && vi->ah)
                        r = iface_open_ah(e, slot);
                if (r < 0) {
                        log_err("(%s) cannot open the VRRP socket on %s: %s", ci->name, slot->ifc.name, strerror(-r));
                        return r;
                }
                slot->ifc.by_vrid[fam][ci->virtual_router_id] = vi;
                i++;
        }
        e->ninst = i;
        for (i = 0; i < e->ninst; i++)
                if (e->inst[i].no_accept)
                        return nft_no_accept_init() < 0 ? -EPROTONOSUPPORT : 0;
        return 0;
}

static void static_addresses(struct engine *e, bool add)
{
        const struct conf_ipaddress *a;
        const struct conf_route *rt;
        const struct conf_rule *ru;

        if (add) {
                CONF_FOREACH(a, &e->conf->static_ipaddress)
                        nl_addr(e->nl, true, (int)if_nametoindex(a->dev ? a->dev : ""), a);
                CONF_FOREACH(rt, &e->conf->static_routes)
                        nl_route(e->nl, true, rt->dev ? (int)if_nametoindex(rt->dev) : 0, rt);
                CONF_FOREACH(ru, &e->conf->static_rules)
                        nl_rule(e->nl, true, ru);
                return;
        }
        CONF_FOREACH(ru, &e->conf->static_rules)
                nl_rule(e->nl, false, ru);
        CONF_FOREACH(rt, &e->conf->static_routes)
                nl_route(e->nl, false, rt->dev ? (int)if_nametoindex(rt->dev) : 0, rt);
        CONF_FOREACH(a, &e->conf->static_ipaddress)
                nl_addr(e->nl, false, (int)if_nametoindex(a->dev ? a->dev : ""), a);
}

static void start_instances(struct engine *e)
{
        int64_t now = mono_usec();

        for (unsigned i = 0; i < e->ninst; i++) {
                struct vrrp_instance *vi = &e->inst[i];
                struct vrrp_actions acts = { 0 };
                bool faulty = !vi->src.family || (!vi->ifc->info.up && !vi->c->dont_track_primary) ||
                              (vi->c->unicast_configured && !vi->unicast && vi->c->unicast_fault_no_peer);
                vrrp_instance_remove_stale(vi);
                vrrp_fsm_start(&vi->fsm, now, faulty, &acts);
                vrrp_instance_apply(vi, now, &acts);
        }
}

static void stop_instances(struct engine *e)
{
        int64_t now = mono_usec();

        for (unsigned i = 0; i < e->ninst; i++) {
                struct vrrp_actions acts = { 0 };
                vrrp_fsm_stop(&e->inst[i].fsm, now, &acts);
                vrrp_instance_apply(&e->inst[i], now, &acts);
        }
}

static void on_signal(uv_signal_t *h, int signum)
{
        struct engine *e = h->data;

        log_info("Stopping (signal %d)", signum);
        stop_instances(e);
        static_addresses(e, false);
        uv_stop(&e->loop);
}

static void close_cb(uv_handle_t *h, void *arg)
{
        (void)arg;
        if (!uv_is_closing(h))
                uv_close(h, NULL);
}

static void engine_free(struct engine *e)
{
        uv_walk(&e->loop, close_cb, NULL);
        uv_run(&e->loop, UV_RUN_DEFAULT);
        uv_loop_close(&e->loop);
        for (unsigned i = 0; i < e->ninst; i++)
                vrrp_instance_vmac_down(&e->inst[i]);
        for (unsigned i = 0; i < e->nifaces; i++) {
                for (int f = 0; f < 3; f++)
                        vrrp_sock_close(&e->ifaces[i]->ifc.sock[f]);
                for (int f = 0; f < 2; f++)
                        garp_close(&e->ifaces[i]->ifc.garp[f]);
                free(e->ifaces[i]);
        }
        nft_no_accept_fini();
        if (e->tfd >= 0)
                close(e->tfd);
        nl_close(e->nl);
        nl_close(e->mon);
        free(e->inst);
        free(e->vmacs);
}

static int engine_init(struct engine *e)
{
        int r;

        e->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (e->tfd < 0)
                return -errno;
        if ((r = nl_open(&e->nl)) < 0 || (r = nl_monitor_open(&e->mon)) < 0)
                return r;
        uv_poll_init(&e->loop, &e->timer_poll, e->tfd);
        e->timer_poll.data = e;
        uv_poll_start(&e->timer_poll, UV_READABLE, on_timer);
        uv_poll_init(&e->loop, &e->mon_poll, nl_monitor_fd(e->mon));
        e->mon_poll.data = e;
        uv_poll_start(&e->mon_poll, UV_READABLE, on_monitor);
        uv_signal_init(&e->loop, &e->sig_term);
        uv_signal_init(&e->loop, &e->sig_int);
        e->sig_term.data = e->sig_int.data = e;
        uv_signal_start(&e->sig_term, on_signal, SIGTERM);
        uv_signal_start(&e->sig_int, on_signal, SIGINT);
        return setup_instances(e);
}

int vrrp_engine_run(struct conf *c)
{
        struct engine e = { .conf = c, .tfd = -1, .armed_for = -1 };
        int r;

        uv_loop_init(&e.loop);
        r = engine_init(&e);
        if (r < 0) {
                log_err("VRRP engine cannot start: %s", strerror(-r));
                engine_free(&e);
                return 1;
        }
        static_addresses(&e, true);
        start_instances(&e);
        rearm(&e);
        uv_run(&e.loop, UV_RUN_DEFAULT);
        engine_free(&e);
        return e.exit_code;
}
