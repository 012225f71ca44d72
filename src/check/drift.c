/* lvs_drift_check and the IPVS sysctls; see check/drift.h. A read is
 * skipped while a change set is pending or the worker is stopping: the
 * table is then in motion by our own hand. The repair is the diff from
 * the kernel's table to e->current (what the worker last made it), with
 * e->current as the services owned: foreign services are never touched,
 * a destination added by hand to an owned service is removed. */
#include "check/drift.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check/engine_internal.h"
#include "common/log.h"
#include "net/sysctl.h"

static struct check_drift_counters counters;
static uv_timer_t drift_timer;

const struct check_drift_counters *check_drift_counters(void)
{
        return &counters;
}

/* "TCP 10.0.0.1:80", "FWM 5" */
static void svc_str(const struct check_svc *s, char *out, size_t n)
{
        char ip[INET6_ADDRSTRLEN] = "";

        if (s->fwmark) {
                snprintf(out, n, "FWM %" PRIu32, s->fwmark);
                return;
        }
        inet_ntop(s->addr.family, &s->addr.u, ip, sizeof(ip));
        snprintf(out, n, s->af == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, s->port);
}

static void log_op(const struct check_op *op)
{
        char svc[INET6_ADDRSTRLEN + 16], ip[INET6_ADDRSTRLEN] = "";
        bool on_dest = op->kind == CHECK_OP_ADD_DEST || op->kind == CHECK_OP_SET_DEST || op->kind == CHECK_OP_DEL_DEST;

        svc_str(&op->svc, svc, sizeof(svc));
        if (!on_dest) {
                log_warn("IPVS drift: the kernel's table was changed outside vigil; repairing: %s %s",
                         check_op_name(op->kind), svc);
                return;
        }
        inet_ntop(op->dest.addr.family, &op->dest.addr.u, ip, sizeof(ip));
        log_warn(op->dest.addr.family == AF_INET6
                         ? "IPVS drift: the kernel's table was changed outside vigil; repairing: %s %s -> [%s]:%u"
                         : "IPVS drift: the kernel's table was changed outside vigil; repairing: %s %s -> %s:%u",
                 check_op_name(op->kind), svc, ip, op->dest.port);
}

static void check_once(struct check_engine *e)
{
        struct check_table kernel = { 0 };
        struct check_changes ch = { 0 };
        int r;

        if ((r = e->opts.ipvs->dump(e->opts.ipvs->ctx, &kernel)) < 0 ||
            (r = check_table_diff(&kernel, &e->current, &e->current, &ch)) < 0) {
                counters.failed++;
                log_warn("IPVS drift: cannot compare the kernel's table: %s", strerror(-r));
                check_table_free(&kernel);
                return;
        }
        check_drift_tally(&ch, &counters);
        for (size_t i = 0; i < ch.n; i++)
                log_op(&ch.ops[i]);
        if (ch.n && (r = e->opts.ipvs->apply(e->opts.ipvs->ctx, &ch)) != 0) {
                counters.failed++;
                log_warn("IPVS drift: %d repair%s refused", r, r == 1 ? "" : "s");
        } else if (ch.n) {
                log_info("IPVS drift: %zu change%s repaired", ch.n, ch.n == 1 ? "" : "s");
        }
        check_changes_free(&ch);
        check_table_free(&kernel);
}

static void on_drift_timer(uv_timer_t *t)
{
        struct check_engine *e = t->data;
        int64_t every = e->conf->global.lvs_drift_check;

        if (!e->shutdown_until && !uv_is_active((uv_handle_t *)&e->apply_soon))
                check_once(e);
        /* a reload may change the interval; 0 ends the checks */
        if (every > 0)
                uv_timer_start(t, on_drift_timer, (uint64_t)(every / 1000), 0);
}

static void write_sysctl(const char *name, bool on, bool dry_run)
{
        char path[96];
        int r;

        if (dry_run) {
                log_info("IPVS (dry run): sysctl net.ipv4.vs.%s = %d", name, on);
                return;
        }
        snprintf(path, sizeof(path), "net/ipv4/vs/%s", name);
        if ((r = sysctl_swap(path, on ? "1" : "0", NULL, 0)) < 0)
                log_warn("IPVS: cannot set net.ipv4.vs.%s: %s", name, strerror(-r));
        else
                log_info("IPVS: net.ipv4.vs.%s = %d", name, on);
}

void ck_drift_start(struct check_engine *e)
{
        const struct conf_global *g = &e->conf->global;

        if (g->lvs_expire_nodest_conn_set)
                write_sysctl("expire_nodest_conn", g->lvs_expire_nodest_conn, e->opts.dry_run);
        if (g->lvs_expire_quiescent_template_set)
                write_sysctl("expire_quiescent_template", g->lvs_expire_quiescent_template, e->opts.dry_run);
        if (g->lvs_drift_check <= 0)
                return;
        uv_timer_init(&e->loop, &drift_timer);
        drift_timer.data = e;
        uv_timer_start(&drift_timer, on_drift_timer, (uint64_t)(g->lvs_drift_check / 1000), 0);
        log_info("IPVS drift check every %" PRId64 " ms", g->lvs_drift_check / 1000);
}
