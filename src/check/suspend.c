/* ha_suspend: the checkers of a virtual server run only while one of its
 * addresses is on a local interface (reference §6: "disable the checkers
 * while the VIP is not configured locally"; useful on the BACKUP director,
 * where VRRP adds the VIP at MASTER). The host's addresses come from the
 * netlink monitor into net/addrtab.h, as the VRRP worker keeps them.
 * Suspending stops the virtual server's checker timers and cancels their
 * probes; its real servers and the IPVS table stay as they are (the
 * reference says nothing of the table while suspended, so vigil leaves it).
 * Resuming runs each checker again at once. */
#include <errno.h>
#include <string.h>

#include "check/engine_internal.h"
#include "common/clock.h"
#include "common/log.h"
#include "net/nl.h"

static bool any_ha_suspend(const struct check_engine *e)
{
        for (size_t i = 0; i < e->nvs; i++)
                if (e->vs[i].c->ha_suspend)
                        return true;
        return false;
}

/* On any interface: the table is keyed by interface, the VIP may be on any. */
static bool addr_is_local(const struct addrtab *t, const struct conf_ip *a)
{
        for (size_t i = 0; i < t->cap; i++)
                if (t->slots[i].ifindex > 0 && conf_ip_equal(&t->slots[i].addr, a))
                        return true;
        return false;
}

static bool vs_has_local_addr(const struct check_engine *e, const struct ck_vs *v)
{
        for (size_t s = 0; s < v->nsvcs; s++)
                if (!v->svcs[s].fwmark && addr_is_local(&e->addrs, &v->svcs[s].addr))
                        return true;
        return false;
}

/* Idempotent: a suspended virtual server's timers are stopped again after
 * ck_model_start armed them (start, reload); the lines mark the changes. */
void ck_suspend_apply(struct check_engine *e)
{
        for (size_t i = 0; i < e->nvs; i++) {
                struct ck_vs *v = &e->vs[i];
                bool want = v->c->ha_suspend && v->nsvcs && !v->svcs[0].fwmark && !vs_has_local_addr(e, v);
                if (want) {
                        ck_model_stop_checks(v, 1);
                        if (!v->suspended)
                                log_info("Suspending health checks for VS %s: its address is not on this host (ha_suspend)",
                                         v->name);
                } else if (v->suspended) {
                        log_info("Resuming health checks for VS %s: %s", v->name,
                                 v->c->ha_suspend ? "its address is on this host" : "ha_suspend is no longer set");
                        ck_vs_resume_checks(v, mono_usec());
                }
                v->suspended = want;
        }
}

static void addrs_apply(void *ctx, const struct nl_event *ev)
{
        struct check_engine *e = ctx;

        nl_addrtab_apply(&e->addrs, ev);
}

static void addrs_dump(struct check_engine *e)
{
        nl_addrtab_dump(e->nl, &e->addrs);
}

static void on_monitor(uv_poll_t *h, int status, int events)
{
        struct check_engine *e = h->data;

        (void)status, (void)events;
        if (nl_monitor_read(e->mon, addrs_apply, e) == -ENOBUFS)
                addrs_dump(e);
        if (!e->shutdown_until) /* stopping: the checkers stay stopped */
                ck_suspend_apply(e);
}

/* The monitor opens with the first configuration that has ha_suspend (at
 * start or at a reload) and stays open. Without it, every virtual server
 * runs its checkers (as if its address were there), and that is said. */
void ck_suspend_sync(struct check_engine *e)
{
        int r;

        if (!e->mon_open && any_ha_suspend(e)) {
                addrtab_init(&e->addrs);
                if ((r = nl_open(&e->nl)) < 0 || (r = nl_monitor_open(&e->mon)) < 0) {
                        log_err("ha_suspend: cannot watch the host's addresses (%s): the checkers run regardless",
                                strerror(-r));
                        if (e->nl)
                                nl_close(e->nl);
                        e->nl = NULL;
                        addrtab_free(&e->addrs);
                        return;
                }
                uv_poll_init(&e->loop, &e->mon_poll, nl_monitor_fd(e->mon));
                e->mon_poll.data = e;
                uv_poll_start(&e->mon_poll, UV_READABLE, on_monitor);
                e->mon_open = true;
                addrs_dump(e);
        }
        if (e->mon_open)
                ck_suspend_apply(e);
}

/* After the loop closed mon_poll. */
void ck_suspend_close(struct check_engine *e)
{
        if (!e->mon_open)
                return;
        nl_close(e->mon);
        nl_close(e->nl);
        addrtab_free(&e->addrs);
        e->mon_open = false;
}
