#include "vrrp/engine.h"
#include "vrrp/dropwarn.h"
#include "vrrp/dumpfiles.h"
#include "vrrp/engine_internal.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <uv.h>

#include "common/addr.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/signals.h"
#include "common/spawn.h"
#include "net/addrtab.h"
#include "net/nft.h"
#include "net/rtnl_msg.h"
#include "vrrp/announce.h"
#include "vrrp/instance.h"
#include "vrrp/track_probes.h"
#include "worker/smtp.h"

/* ---- timing ----------------------------------------------------------------- */

/* The timerfd for the heap's top; only when it changed. */
static void arm(struct engine *e)
{
        const struct heap_node *top = heap_top(&e->deadlines);
        int64_t next = top ? top->key : 0;
        struct itimerspec its = { 0 };

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

/* inst[i]'s node follows its next deadline (advert, master-down, preempt
 * delay or a GARP round: whatever comes first); none, out of the heap. */
static void deadline_update(struct engine *e, unsigned i)
{
        struct heap_node *x = &e->dl[i];
        int64_t d = vrrp_instance_deadline(&e->inst[i]);

        if (!d) {
                heap_remove(&e->deadlines, x);
        } else if (heap_contains(x)) {
                if (x->key != d)
                        heap_update(&e->deadlines, x, d);
        } else {
                x->key = d;
                if (heap_push(&e->deadlines, x) < 0)
                        e->resync = true; /* out of memory: try again on the next input */
        }
}

/* The instance array changed size (start, reload): new nodes, all out. */
static int deadlines_resize(struct engine *e)
{
        size_t n = e->ninst ? e->ninst : 1;
        struct heap_node *dl;
        struct heap_node **due;

        heap_clear(&e->deadlines); /* it points into the old array */
        dl = realloc(e->dl, n * sizeof(*dl));
        if (dl)
                e->dl = dl;
        due = dl ? realloc(e->due, n * sizeof(*due)) : NULL;
        if (due)
                e->due = due;
        if (!dl || !due)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                e->dl[i].idx = HEAP_NONE;
        e->ndl = e->ninst;
        return 0;
}

void engine_rearm(struct engine *e)
{
        if (e->ndl != e->ninst && deadlines_resize(e) < 0) {
                log_err("no memory for the instances' timers");
                e->resync = true;
                return;
        }
        e->resync = false;
        for (unsigned i = 0; i < e->ninst; i++)
                deadline_update(e, i);
        arm(e);
}

/* After an input to one instance: its node moved already; a sync group
 * member that changed state may have moved its peers (group.c), so all
 * are re-read then. */
static void rearm_touched(struct engine *e)
{
        if (e->resync || e->ndl != e->ninst)
                engine_rearm(e);
        else
                arm(e);
}

static void touched(struct engine *e, struct vrrp_instance *vi, enum vrrp_state before)
{
        unsigned i = (unsigned)(vi - e->inst);

        if (i >= e->ndl)
                return;
        deadline_update(e, i);
        if (vi->fsm.state != before && vi->c->sync_group)
                e->resync = true;
}

static void on_timer(uv_poll_t *h, int status, int events)
{
        struct engine *e = h->data;
        uint64_t expirations;
        int64_t now = mono_usec();
        const struct heap_node *top;
        unsigned ndue = 0;

        (void)status, (void)events;
        if (read(e->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
                log_warn("timerfd read: %s", strerror(errno));
        e->armed_for = -1;
        /* what fell due leaves the heap first, so that each is ticked once */
        while (ndue < e->ndl && (top = heap_top(&e->deadlines)) && top->key <= now)
                e->due[ndue++] = heap_pop(&e->deadlines);
        vrrp_sock_batch_begin();
        for (unsigned k = 0; k < ndue; k++) {
                struct vrrp_instance *vi = &e->inst[e->due[k] - e->dl];
                enum vrrp_state before = vi->fsm.state;
                vrrp_instance_tick(vi, now);
                touched(e, vi, before);
        }
        vrrp_sock_batch_end();
        rearm_touched(e);
}

/* ---- receiving ---------------------------------------------------------------- */

static void dispatch(struct engine *e, struct vrrp_iface *ifc, int fam, const struct vrrp_sock_rx *rx, int64_t now)
{
        struct vrrp_ip_pair ip = { .family = ifc->sock[fam].family };
        struct vrrp_advert adv;
        enum vrrp_csum_form form;
        enum vrrp_decode_result r;
        struct vrrp_instance *vi;

        if (rx->bad_ip || rx->bad_ah) {
                if (rx->bad_ip)
                        ifc->rx_bad_ip++;
                else
                        ifc->rx_bad_ah++;
                dropwarn_iface(ifc, fam, now, rx, VRRP_DEC_OK);
                return;
        }
        memcpy(&ip.src, &rx->src.u, sizeof(ip.src));
        memcpy(&ip.dst, &rx->dst.u, sizeof(ip.dst));
        r = vrrp_decode(rx->msg, rx->len, &ip, &adv, &form);
        if (r != VRRP_DEC_OK) {
                ifc->rx_errors[r]++;
                dropwarn_iface(ifc, fam, now, rx, r);
                return;
        }
        vi = ifc->by_vrid[fam][adv.vrid];
        if (!vi) {
                /* Other routers' VRIDs on a shared segment are normal, and
                 * keepalived says nothing either: counted, not warned about. */
                ifc->rx_unknown_vrid++;
                log_debug("%s: advert for VRID %u, which no instance here has", ifc->name, adv.vrid);
                return;
        }
        enum vrrp_state before = vi->fsm.state;
        vrrp_instance_receive(vi, now, rx, &adv, form);
        touched(e, vi, before);
}

/* The monotonic time at which the datagram arrived, from the kernel's
 * wall-clock stamp; now when there is none (or it looks wrong). */
static int64_t arrival(const struct vrrp_sock_rx *rx)
{
        int64_t now = mono_usec(), age;

        if (!rx->arrived_wall_us)
                return now;
        age = wall_usec() - rx->arrived_wall_us;
        return age >= 0 && age < 1000000 ? now - age : now;
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
                dispatch(slot->eng, &slot->ifc, fam, &rx, arrival(&rx));
        }
        rearm_touched(slot->eng);
}

static void on_vmac_readable(uv_poll_t *h, int status, int events)
{
        struct vmac_slot *vs = h->data;
        struct vrrp_instance *vi = vs->vi;
        uint8_t buf[4096];

        (void)status, (void)events;
        for (int i = 0; i < RX_BATCH; i++) {
                struct vrrp_sock_rx rx;
                if (!vi->vmac || vrrp_sock_recv(&vi->vmac->tx, buf, sizeof(buf), &rx) < 0)
                        break;
                dispatch(vs->eng, vi->ifc, vi->family == AF_INET6 ? 1 : 0, &rx, arrival(&rx));
        }
        rearm_touched(vs->eng);
}

/* ---- netlink events --------------------------------------------------------------- */

/* keepalived's "Netlink reports eth1 down", once per change of a link that
 * an instance runs on or tracks (the monitor repeats link messages). */
static void log_link_change(const struct engine *e, const struct nl_event *ev)
{
        bool up = ev->kind == NL_LINK_UP, changed = false;
        char name[IF_NAMESIZE] = "";

        for (unsigned i = 0; i < e->ninst && !changed; i++) {
                const struct vrrp_instance *vi = &e->inst[i];
                if (ev->ifindex == vi->ifc->info.ifindex && !vi->c->dont_track_primary &&
                    up == !!(vi->faults & VRRP_FAULT_LINK))
                        changed = true;
        }
        for (const struct tracker *t = e->trackers ? e->trackers->list : NULL; t && !changed; t = t->next)
                if (t->kind == TK_IFACE && t->ifindex == ev->ifindex && t->up != up)
                        changed = true;
        if (!changed)
                return;
        if (ev->ifname[0])
                snprintf(name, sizeof(name), "%s", ev->ifname);
        else if (!if_indextoname((unsigned)ev->ifindex, name))
                snprintf(name, sizeof(name), "#%d", ev->ifindex);
        log_info("Netlink reports %s %s", name, up ? "up" : "down");
}

/* A link appeared: the instances held in FAULT for a VIP's interface may run. */
static void vip_devs_recheck(struct engine *e, int64_t now)
{
        for (unsigned i = 0; i < e->ninst; i++) {
                struct vrrp_instance *vi = &e->inst[i];
                char was[sizeof(vi->missing_dev)];
                if (!vi->missing_dev[0])
                        continue;
                memcpy(was, vi->missing_dev, sizeof(was));
                vrrp_instance_set_fault(vi, now, VRRP_FAULT_SETUP, vrrp_instance_setup_faulty(vi));
                if (strcmp(vi->missing_dev, was))
                        log_info("(%s) interface %s of its virtual_ipaddress appeared", vi->c->name, was);
        }
}


/* dynamic_interfaces: a link exists now. The instances held for a VIP's
 * interface may run, and a static address on it, which could not be added
 * at the start, is added (REPLACE: a repeated link message re-adds nothing). */
static void addresses_on_link(struct engine *e, const struct nl_event *ev, int64_t now)
{
        const struct conf_ipaddress *a;

        if (ev->kind != NL_LINK_UP && ev->kind != NL_LINK_DOWN)
                return;
        vip_devs_recheck(e, now);
        if (!e->conf->global.dynamic_interfaces || !ev->ifname[0])
                return;
        CONF_FOREACH(a, &e->conf->static_ipaddress)
                if (a->dev && !strcmp(a->dev, ev->ifname) && !addrtab_has(&e->addrs, ev->ifindex, &a->addr)) {
                        char buf[INET6_ADDRSTRLEN];
                        char what[112], msg[RTNL_MSG_MAX];
                        log_info("interface %s appeared: adding static_ipaddress %s", a->dev,
                                 conf_ip_str(&a->addr, buf, sizeof(buf)));
                        snprintf(what, sizeof(what), "cannot add static_ipaddress %s on %s", buf, a->dev);
                        /* the table has it now, as getifaddrs would have: a
                         * repeated link message before the kernel's RTM_NEWADDR
                         * comes back adds it once */
                        if (nl_batch_add(e->nl, rtnl_addr_msg(msg, true, ev->ifindex, a), NL_REQ_ADDR, true, what) == 0)
                                addrtab_add(&e->addrs, ev->ifindex, &a->addr);
                }
        nl_batch_send(e->nl);
}

/* The interface's facts changed (it appeared, or got an address): the
 * instances on it that had no source address may have one now. */
static void refresh_sources(struct engine *e, struct iface_slot *slot, int64_t now)
{
        for (unsigned i = 0; i < e->ninst; i++) {
                struct vrrp_instance *vi = &e->inst[i];
                if (vi->ifc != &slot->ifc || vi->src.family)
                        continue;
                vrrp_instance_pick_source(vi);
                vrrp_instance_set_fault(vi, now, VRRP_FAULT_SETUP, vrrp_instance_setup_faulty(vi));
        }
}

/* The link fault of an instance follows its interface (dont_track_primary: never). */
static void link_fault(struct vrrp_instance *vi, int64_t now, bool down)
{
        if (vi->c->dont_track_primary)
                return;
        if (down != !!(vi->faults & VRRP_FAULT_LINK))
                log_info("(%s) interface %s is %s", vi->c->name, vi->ifc->name, down ? "down" : "up");
        vrrp_instance_set_fault(vi, now, VRRP_FAULT_LINK, down);
}

/* dynamic_interfaces: an interface its instances wait for exists (again). */
static void iface_reopen(struct engine *e, struct iface_slot *slot, int64_t now)
{
        slot->missing = false;
        log_info("interface %s appeared (index %d)", slot->ifc.name, slot->ifc.info.ifindex);
        for (unsigned i = 0; i < e->ninst; i++)
                if (e->inst[i].ifc == &slot->ifc && engine_iface_open(e, &e->inst[i], slot) < 0)
                        vrrp_instance_set_fault(&e->inst[i], now, VRRP_FAULT_SETUP, true);
        refresh_sources(e, slot, now);
}

/* The last poll handle of a deleted interface is closed: if the interface
 * came back meanwhile (deleted and created in one netlink batch), reopen
 * now; a handle cannot be initialised again while it is closing. */
static void slot_poll_closed(uv_handle_t *h)
{
        struct iface_slot *slot = h->data;
        struct engine *e = slot->eng;
        int64_t now = mono_usec();

        if (--slot->closing || !slot->reappeared || e->shutdown_until)
                return;
        slot->reappeared = false;
        if (iface_lookup(slot->ifc.name, &slot->ifc.info) < 0)
                return;
        log_debug("interface %s: created again while its old sockets closed; reopening now", slot->ifc.name);
        iface_reopen(e, slot, now);
        for (unsigned i = 0; i < e->ninst; i++)
                if (e->inst[i].ifc == &slot->ifc)
                        link_fault(&e->inst[i], now, !slot->ifc.info.up);
        engine_rearm(e);
}

/* What belongs to the deleted ifindex: the shared sockets and the VMACs
 * (the kernel deleted the macvlans with their lower device). */
static void iface_close(struct engine *e, struct iface_slot *slot)
{
        for (unsigned i = 0; i < e->ninst; i++) {
                struct vrrp_instance *vi = &e->inst[i];
                if (vi->ifc != &slot->ifc)
                        continue;
                vrrp_instance_vmac_close(vi);
        }
        for (int f = 0; f < 3; f++) {
                if (slot->ifc.sock[f].fd < 0)
                        continue;
                slot->closing++;
                uv_close((uv_handle_t *)&slot->poll[f], slot_poll_closed);
                vrrp_sock_close(&slot->ifc.sock[f]);
        }
        for (int f = 0; f < 2; f++)
                garp_close(&slot->ifc.garp[f]);
}

/* Its instances go FAULT and release their addresses, as on link down.
 * With dynamic_interfaces the slot waits for the name to appear again (a
 * new ifindex); without, it stays as it is, and so do they, as keepalived's. */
static void iface_slot_deleted(struct engine *e, struct iface_slot *slot, int64_t now)
{
        bool dynamic = e->conf->global.dynamic_interfaces;

        if (dynamic)
                log_warn("interface %s was deleted; its instances stay in FAULT until it is created again "
                         "(dynamic_interfaces)", slot->ifc.name);
        else
                log_warn("interface %s was deleted; without dynamic_interfaces its instances stay in FAULT, "
                         "even if it is created again", slot->ifc.name);
        slot->ifc.info.up = false;
        for (unsigned i = 0; i < e->ninst; i++)
                if (e->inst[i].ifc == &slot->ifc)
                        link_fault(&e->inst[i], now, true);
        if (!dynamic)
                return;
        iface_close(e, slot);
        slot->missing = true;
        memset(&slot->ifc.info, 0, sizeof(slot->ifc.info));
        for (unsigned i = 0; i < e->ninst; i++) {
                struct vrrp_instance *vi = &e->inst[i];
                if (vi->ifc != &slot->ifc)
                        continue;
                vrrp_instance_pick_source(vi); /* the new interface may have another address */
                vrrp_instance_set_fault(vi, now, VRRP_FAULT_SETUP, vrrp_instance_setup_faulty(vi));
        }
}

static void iface_deleted(struct engine *e, const struct nl_event *ev, int64_t now)
{
        for (unsigned k = 0; k < e->nifaces; k++)
                if (!e->ifaces[k]->missing && e->ifaces[k]->ifc.info.ifindex == ev->ifindex)
                        iface_slot_deleted(e, e->ifaces[k], now);
}

/* dynamic_interfaces: an interface its instances wait for now exists. */
static void iface_appeared(struct engine *e, const struct nl_event *ev, int64_t now)
{
        for (unsigned k = 0; k < e->nifaces; k++) {
                struct iface_slot *slot = e->ifaces[k];
                if (strcmp(slot->ifc.name, ev->ifname))
                        continue;
                /* the name under a new index: its deletion was lost (the monitor's buffer overran) */
                if (!slot->missing && slot->ifc.info.ifindex != ev->ifindex && e->conf->global.dynamic_interfaces)
                        iface_slot_deleted(e, slot, now);
                if (!slot->missing)
                        continue;
                if (slot->closing)
                        slot->reappeared = true; /* slot_poll_closed reopens */
                else if (iface_lookup(ev->ifname, &slot->ifc.info) == 0)
                        iface_reopen(e, slot, now);
        }
}

/* An address on an interface whose instances still lack a source. */
static void iface_address_added(struct engine *e, const struct nl_event *ev, int64_t now)
{
        for (unsigned k = 0; k < e->nifaces; k++) {
                struct iface_slot *slot = e->ifaces[k];
                if (slot->missing || slot->ifc.info.ifindex != ev->ifindex ||
                    iface_lookup(slot->ifc.name, &slot->ifc.info) < 0)
                        continue;
                refresh_sources(e, slot, now);
        }
}

static void on_nl_event(void *ctx, const struct nl_event *ev)
{
        struct engine *e = ctx;
        int64_t now = mono_usec();
        bool link = ev->kind == NL_LINK_UP || ev->kind == NL_LINK_DOWN;

        if (ev->kind == NL_LINK_DEL) {
                iface_deleted(e, ev, now);
                trackers_link_event(e->trackers, ev->ifindex, ev->ifname, false, true);
                return;
        }
        if (link)
                log_link_change(e, ev);
        if (link && ev->ifname[0])
                iface_appeared(e, ev, now);
        else if (ev->kind == NL_ADDR_NEW)
                iface_address_added(e, ev, now);
        addresses_on_link(e, ev, now);

        for (unsigned i = 0; i < e->ninst; i++) {
                struct vrrp_instance *vi = &e->inst[i];
                struct vrrp_actions acts = { 0 };
                if (ev->kind == NL_ADDR_DEL) {
                        /* The monitor may report our own earlier removals after we
                         * re-added the address; only an address really gone counts. */
                        if (vi->fsm.state != VRRP_MASTER || !vrrp_instance_owns(vi, &ev->addr) ||
                            addrtab_has(&e->addrs, vi->ifc->info.ifindex, &ev->addr))
                                continue;
                        char s[INET6_ADDRSTRLEN];
                        log_info("(%s) virtual address %s was removed; forcing a new election", vi->c->name,
                                 conf_ip_str(&ev->addr, s, sizeof(s)));
                        vrrp_fsm_address_deleted(&vi->fsm, now, &acts);
                } else if (link && ev->ifindex == vi->ifc->info.ifindex) {
                        link_fault(vi, now, ev->kind == NL_LINK_DOWN);
                }
                vrrp_instance_apply(vi, now, &acts);
        }
        if (link)
                trackers_link_event(e->trackers, ev->ifindex, ev->ifname, ev->kind == NL_LINK_UP, false);
}

/* The ACKs of the transitions' netlink batches (errors are logged there). */
static void on_acks(uv_poll_t *h, int status, int events)
{
        struct engine *e = h->data;

        (void)status, (void)events;
        nl_async_read(e->nl);
}

/* The address table follows the monitor (net/addrtab.h). */
static void addrs_apply(void *ctx, const struct nl_event *ev)
{
        struct engine *e = ctx;

        nl_addrtab_apply(&e->addrs, ev);
}

static void addrs_dump(struct engine *e)
{
        nl_addrtab_dump(e->nl, &e->addrs);
}

static void collect(void *ctx, const struct nl_event *ev)
{
        struct engine *e = ctx;

        if (e->nevq == e->evq_cap) {
                size_t cap = e->evq_cap ? 2 * e->evq_cap : 64;
                struct nl_event *q = realloc(e->evq, cap * sizeof(*q));
                if (!q)
                        return;
                e->evq = q;
                e->evq_cap = cap;
        }
        e->evq[e->nevq++] = *ev;
}

/* All that is pending updates the table first: an address the monitor
 * reports removed and then re-added (our own earlier removal) is there
 * when the removal is looked at. */
static void on_monitor(uv_poll_t *h, int status, int events)
{
        struct engine *e = h->data;
        int r;

        (void)status, (void)events;
        e->nevq = 0;
        r = nl_monitor_read(e->mon, collect, e);
        for (size_t i = 0; i < e->nevq; i++)
                addrs_apply(e, &e->evq[i]);
        if (r == -ENOBUFS)
                addrs_dump(e);
        for (size_t i = 0; i < e->nevq; i++)
                on_nl_event(e, &e->evq[i]);
        engine_rearm(e);
}

/* ---- set-up and shutdown ------------------------------------------------------------- */

struct iface_slot *engine_iface_get(struct engine *e, const char *name)
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
        if (r == -ENODEV && e->conf->global.dynamic_interfaces) {
                /* its instances wait in FAULT; on_nl_event opens it when it appears */
                log_warn("interface %s does not exist (yet); its instances stay in FAULT until it appears "
                         "(dynamic_interfaces)", name);
                slot->missing = true;
        } else if (r < 0) {
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

/* What needs the interface to exist: the VMAC and the shared sockets. */
int engine_iface_open(struct engine *e, struct vrrp_instance *vi, struct iface_slot *slot)
{
        int r;

        if (vrrp_instance_vmac_up(vi) < 0)
                return -ENODEV;
        if (vi->vmac && vi->vmac->tx.fd >= 0) {
                struct vmac_slot *vs = calloc(1, sizeof(*vs));
                if (!vs)
                        return -ENOMEM;
                vs->vi = vi;
                vs->eng = e;
                uv_poll_init(&e->loop, &vs->poll, vi->vmac->tx.fd);
                vs->poll.data = vs;
                uv_poll_start(&vs->poll, UV_READABLE, on_vmac_readable);
                vi->vmac_slot = vs;
        }
        r = iface_open_family(e, slot, vi->family);
        if (r == 0 && vi->ah)
                r = iface_open_ah(e, slot);
        if (r < 0)
                log_err("(%s) cannot open the VRRP socket on %s: %s", vi->c->name, slot->ifc.name, strerror(-r));
        return r;
}

/* Received adverts find their instance by interface, family and VRID. */
void engine_index(struct engine *e)
{
        for (unsigned i = 0; i < e->nifaces; i++)
                memset(e->ifaces[i]->ifc.by_vrid, 0, sizeof(e->ifaces[i]->ifc.by_vrid));
        for (unsigned i = 0; i < e->ninst; i++) {
                struct vrrp_instance *vi = &e->inst[i];
                vi->ifc->by_vrid[vi->family == AF_INET6 ? 1 : 0][vi->c->virtual_router_id] = vi;
                if (vi->vmac_slot)
                        vi->vmac_slot->vi = vi;
        }
}

static int setup_instances(struct engine *e)
{
        const struct conf_vrrp_instance *ci;
        unsigned i = 0;
        int r;

        e->inst = calloc(e->conf->instances.count ? e->conf->instances.count : 1, sizeof(*e->inst));
        if (!e->inst)
                return -ENOMEM;
        engine_demoted_prune(e); /* the inherited list may name instances a reload removed */
        CONF_FOREACH(ci, &e->conf->instances) {
                r = vrrp_instance_open(&e->inst[i], e, ci);
                e->ninst = ++i;
                if (r < 0)
                        return r;
        }
        engine_index(e);
        return 0;
}

/* ---- trackers ------------------------------------------------------------------------- */

static void on_tracker_changed(void *ctx, struct tracker *t)
{
        struct engine *e = ctx;
        int64_t now = mono_usec();

        for (unsigned i = 0; i < e->ninst; i++)
                for (unsigned k = 0; k < e->inst[i].nrefs; k++)
                        if (e->inst[i].refs[k].t == t) {
                                vrrp_instance_track_update(&e->inst[i], now);
                                break;
                        }
        engine_ctl_tracker(e, t);
        engine_rearm(e);
}

struct trackers *engine_new_trackers(struct engine *e)
{
        struct trackers *ts = calloc(1, sizeof(*ts));

        if (ts)
                trackers_init(ts, &e->loop, e->conf, on_tracker_changed, e);
        return ts;
}

/* Before the instances: they refer to the trackers as they open. */
static int setup_trackers(struct engine *e)
{
        return (e->trackers = engine_new_trackers(e)) ? 0 : -ENOMEM;
}

/* Each instance's first inputs, then the sync groups' shared FAULT. */
static void initial_inputs(struct engine *e)
{
        int64_t now = mono_usec();

        for (unsigned i = 0; i < e->ninst; i++)
                vrrp_instance_sense(&e->inst[i], now);
        for (unsigned k = 0; k < e->events->ngroups; k++) {
                struct vrrp_group *g = &e->events->groups[k];
                for (unsigned i = 0; i < g->n; i++)
                        for (unsigned j = 0; j < g->n; j++)
                                if (j != i && g->members[j]->faults)
                                        g->members[i]->faults |= VRRP_FAULT_GROUP;
        }
}

static void start_instances(struct engine *e)
{
        int64_t now = mono_usec();

        for (unsigned i = 0; i < e->ninst; i++)
                vrrp_instance_start(&e->inst[i], now);
}

static void stop_instances(struct engine *e)
{
        int64_t now = mono_usec();

        for (unsigned i = 0; i < e->ninst; i++)
                vrrp_instance_stop(&e->inst[i], now, false);
}

#define NOTIFY_STOP_WAIT_US 1000000 /* notify_stop scripts get up to 1 s, as keepalived */

static void on_shutdown_tick(uv_timer_t *h)
{
        struct engine *e = h->data;

        if (!vrrp_events_idle(e->events) && mono_usec() < e->shutdown_until)
                return;
        spawn_terminate_all();
        uv_stop(&e->loop);
}

static void on_dump_signal(uv_signal_t *h, int signum)
{
        struct engine *e = h->data;

        if (signum == SIGUSR1)
                vrrp_dump_data(e->conf, e->inst, e->ninst, e->events);
        else if (signum == SIGUSR2 || signum == VIGIL_SIG_STATS_CLEAR)
                vrrp_dump_stats(e->inst, e->ninst, signum == VIGIL_SIG_STATS_CLEAR);
        else
                vrrp_dump_json(e->inst, e->ninst);
}

static void on_signal(uv_signal_t *h, int signum)
{
        struct engine *e = h->data;

        if (e->shutdown_until)
                return;
        /* A SIGKILLed supervisor reaches us as PDEATHSIG (SIGTERM) or as the
         * channel closing; by then we have a new parent. Say which it was. */
        if (e->sup_pid && (e->sup_gone || getppid() != e->sup_pid))
                log_err("supervisor (pid %d) is gone; stopping", (int)e->sup_pid);
        else
                log_info("Stopping (signal %d)", signum);
        trackers_stop(e->trackers);
        stop_instances(e);
        engine_static_addresses(e, e->conf, false);
        e->shutdown_until = mono_usec() + NOTIFY_STOP_WAIT_US;
        uv_timer_init(&e->loop, &e->shutdown);
        e->shutdown.data = e;
        uv_timer_start(&e->shutdown, on_shutdown_tick, 0, 10);
}

static void close_cb(uv_handle_t *h, void *arg)
{
        (void)arg;
        if (!uv_is_closing(h))
                uv_close(h, NULL);
}

static void engine_free(struct engine *e)
{
        for (unsigned i = 0; i < e->ninst; i++)
                vrrp_instance_close(&e->inst[i]);
        uv_walk(&e->loop, close_cb, NULL);
        uv_run(&e->loop, UV_RUN_DEFAULT);
        uv_loop_close(&e->loop);
        if (e->trackers)
                trackers_free(e->trackers);
        if (e->events)
                vrrp_events_free(e->events);
        free(e->trackers);
        free(e->events);

        for (unsigned i = 0; i < e->nifaces; i++) {
                for (int f = 0; f < 3; f++)
                        vrrp_sock_close(&e->ifaces[i]->ifc.sock[f]);
                for (int f = 0; f < 2; f++)
                        garp_close(&e->ifaces[i]->ifc.garp[f]);
                dropwarn_free_iface(&e->ifaces[i]->ifc);
                free(e->ifaces[i]);
        }
        nft_no_accept_close(e->nft);
        e->nft = NULL;
        engine_demoted_free(&e->demoted);
        if (e->tfd >= 0)
                close(e->tfd);
        nl_async_read(e->nl); /* the last transitions' failures, queued when they were sent */
        nl_close(e->nl);
        nl_close(e->mon);
        heap_free(&e->deadlines);
        addrtab_free(&e->addrs);
        free(e->evq);
        free(e->dl);
        free(e->due);
        free(e->inst);
}

static int engine_init(struct engine *e)
{
        int r;

        e->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (e->tfd < 0)
                return -errno;
        if ((r = nl_open(&e->nl)) < 0 || (r = nl_monitor_open(&e->mon)) < 0)
                return r;
        addrs_dump(e); /* after the monitor opened: nothing falls between */
        uv_poll_init(&e->loop, &e->timer_poll, e->tfd);
        e->timer_poll.data = e;
        uv_poll_start(&e->timer_poll, UV_READABLE, on_timer);
        if ((r = nl_async_open(e->nl)) >= 0) {
                uv_poll_init(&e->loop, &e->ack_poll, r);
                e->ack_poll.data = e;
                uv_poll_start(&e->ack_poll, UV_READABLE, on_acks);
        } else {
                log_warn("netlink: no channel for batched requests (%s); each waits for its ACK", strerror(-r));
        }
        uv_poll_init(&e->loop, &e->mon_poll, nl_monitor_fd(e->mon));
        e->mon_poll.data = e;
        uv_poll_start(&e->mon_poll, UV_READABLE, on_monitor);
        uv_signal_init(&e->loop, &e->sig_term);
        uv_signal_init(&e->loop, &e->sig_int);
        e->sig_term.data = e->sig_int.data = e;
        uv_signal_start(&e->sig_term, on_signal, SIGTERM);
        uv_signal_start(&e->sig_int, on_signal, SIGINT);
        {
                const int dumps[4] = VIGIL_DUMP_SIGNALS;
                for (int i = 0; i < 4; i++) {
                        uv_signal_init(&e->loop, &e->sig_dump[i]);
                        e->sig_dump[i].data = e;
                        uv_signal_start(&e->sig_dump[i], on_dump_signal, dumps[i]);
                }
        }
        if ((r = setup_trackers(e)) < 0 || (r = setup_instances(e)) < 0)
                return r;
        if (!(e->events = calloc(1, sizeof(*e->events))))
                return -ENOMEM;
        return vrrp_events_init(e->events, &e->loop, e->conf, e->inst, e->ninst) < 0 ? -ENOMEM : 0;
}

int vrrp_engine_run(struct conf *c, int sup_fd, const struct vrrp_conf_loader *load)
{
        struct engine e = { .conf = c, .tfd = -1, .armed_for = -1, .load = *load };
        int r;

        uv_loop_init(&e.loop);
        r = engine_init(&e);
        if (r < 0) {
                log_err("VRRP engine cannot start: %s", strerror(-r));
                engine_free(&e);
                return 1;
        }
        engine_static_addresses(&e, e.conf, true);
        if (sup_fd >= 0) {
                e.sup_pid = getppid(); /* main.c checked it is the supervisor */
                engine_ctl_attach(&e, sup_fd);
        }
        initial_inputs(&e);
        vrrp_events_start(e.events);
        trackers_start(e.trackers);
        start_instances(&e);
        engine_rearm(&e);
        uv_run(&e.loop, UV_RUN_DEFAULT);
        engine_ctl_detach(&e);
        engine_free(&e);
        conf_free(e.conf);
        return e.exit_code;
}
