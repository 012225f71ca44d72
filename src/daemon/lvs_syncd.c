/* lvs_sync_daemon in the supervisor. keepalived drives the kernel's sync
 * daemon from its VRRP process; in vigil vrrp/ may not include lb/ (they
 * are sibling layers), and the VRRP worker would need an IPVS socket and
 * the lb/ code for one request per failover. The supervisor already sees
 * every transition of every instance as an event (the history vigilctl
 * events reads), may include lb/, and outlives a VRRP worker crash, after
 * which it puts the daemon back to backup (the worker's leftovers, the
 * VIPs, are removed then too). It has its own IPVS handle, opened when a
 * lvs_sync_daemon is configured, independent of the check worker's: the
 * sync daemon works without any virtual_server, as in keepalived.
 *
 * At most one state runs: entering MASTER stops the backup thread set and
 * starts the master one, leaving it the reverse (keepalived's
 * ipvs_syncd_master / ipvs_syncd_backup). A kernel that already runs the
 * state (a restarted vigild) answers -EEXIST: stopped and started again
 * with the configured parameters. */
#include "daemon/lvs_syncd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "conf/model.h"
#include "lb/ipvs.h"

static struct {
        struct ipvs *ipvs;
        bool dry_run;
        bool configured;
        struct lb_sync_daemon cfg;      /* the parameters; state unused */
        char instance[64];
        enum lb_sync_state running;     /* 0: nothing */
} sd;

enum lb_sync_state lvs_syncd_wanted(const char *vrrp_state)
{
        return vrrp_state && !strcmp(vrrp_state, "MASTER") ? LB_SYNC_MASTER : LB_SYNC_BACKUP;
}

static int daemon_cmd(bool start, enum lb_sync_state st)
{
        struct lb_sync_daemon d = sd.cfg;
        char what[160];
        int r;

        d.state = st;
        r = ipvs_sync_daemon(sd.ipvs, start, &d);
        if (r == -EEXIST && start && (r = ipvs_sync_daemon(sd.ipvs, false, &d)) == 0)
                r = ipvs_sync_daemon(sd.ipvs, true, &d);
        lb_sync_daemon_str(&d, what, sizeof(what));
        if (r < 0 && !(r == -ESRCH && !start))
                log_err("IPVS: cannot %s the sync daemon (%s): %s", start ? "start" : "stop", what, strerror(-r));
        else if (!sd.dry_run)
                log_info("IPVS: sync daemon %s: %s", start ? "started" : "stopped", what);
        return r;
}

static void go(enum lb_sync_state want)
{
        if (!sd.configured || !sd.ipvs || sd.running == want)
                return;
        if (sd.running)
                daemon_cmd(false, sd.running);
        sd.running = 0;
        if (want && daemon_cmd(true, want) == 0)
                sd.running = want;
}

static void close_ipvs(void)
{
        go(0);
        if (sd.ipvs)
                ipvs_close(sd.ipvs);
        sd.ipvs = NULL;
}

static struct lb_sync_daemon params_of(const struct conf_lvs_syncd *s)
{
        struct lb_sync_daemon d = { .syncid = (uint8_t)s->syncid, .maxlen = (uint16_t)s->maxlen,
                                    .port = (uint16_t)s->port, .ttl = (uint8_t)s->ttl, .group = s->group };

        snprintf(d.ifname, sizeof(d.ifname), "%s", s->ifname);
        return d;
}

static bool same_params(const struct lb_sync_daemon *a, const struct lb_sync_daemon *b)
{
        return !strcmp(a->ifname, b->ifname) && a->syncid == b->syncid && a->maxlen == b->maxlen &&
               a->port == b->port && a->ttl == b->ttl && conf_ip_equal(&a->group, &b->group);
}

void lvs_syncd_configure(const struct conf *c, bool dry_run)
{
        const struct conf_lvs_syncd *s = &c->global.lvs_syncd;
        struct lb_sync_daemon want;
        enum lb_sync_state keep = sd.running;
        int r;

        if (!s->ifname || !s->instance) {
                close_ipvs();
                sd.configured = false;
                return;
        }
        want = params_of(s);
        if (sd.configured && sd.dry_run == dry_run && same_params(&sd.cfg, &want) && !strcmp(sd.instance, s->instance))
                return;
        /* another instance: its state is not known until it changes */
        if (sd.configured && strcmp(sd.instance, s->instance))
                keep = LB_SYNC_BACKUP;
        close_ipvs();
        sd.configured = true;
        sd.dry_run = dry_run;
        sd.cfg = want;
        snprintf(sd.instance, sizeof(sd.instance), "%s", s->instance);
        if ((r = dry_run ? ipvs_open_dry_run(&sd.ipvs) : ipvs_open(&sd.ipvs)) < 0) {
                log_err("IPVS: cannot open it for lvs_sync_daemon: %s", strerror(-r));
                sd.ipvs = NULL;
                return;
        }
        go(keep ? keep : LB_SYNC_BACKUP);
}

void lvs_syncd_on_event(const json_t *ev)
{
        const char *kind = json_string_value(json_object_get(ev, "event"));
        const char *inst = json_string_value(json_object_get(ev, "instance"));

        if (!sd.configured || !kind || strcmp(kind, "transition") || !inst || strcmp(inst, sd.instance))
                return;
        go(lvs_syncd_wanted(json_string_value(json_object_get(ev, "to"))));
}

void lvs_syncd_vrrp_gone(void)
{
        go(LB_SYNC_BACKUP);
}

void lvs_syncd_stop(void)
{
        close_ipvs();
        sd.configured = false;
}
