/* The check worker's status for `vigilctl status` and the metrics: per
 * virtual server its quorum and sorry server, per real server its health,
 * weight, place in the IPVS table and last result; the summary the
 * heartbeat carries. */
#include <stdio.h>
#include <string.h>

#include "check/drift.h"
#include "check/engine_internal.h"

const char *ck_svc_str(const struct check_svc *s, char *buf, size_t size)
{
        char a[INET6_ADDRSTRLEN];

        if (s->fwmark)
                snprintf(buf, size, "FWM %u", s->fwmark);
        else
                snprintf(buf, size, "%s:%u", conf_ip_str(&s->addr, a, sizeof(a)), s->port);
        return buf;
}

static const char *rs_health(const struct ck_rs *rs)
{
        bool unknown = true;

        if (rs->num_failed)
                return "down";
        for (size_t k = 0; k < rs->nck; k++)
                unknown &= rs->ck[k].st.state == CHECK_UNKNOWN;
        return rs->nck && unknown ? "unknown" : "up";
}

/* shared_by: how many checkers (this one included) its probe feeds. */
static json_t *checker_json(const struct ck_checker *ck)
{
        json_t *o = json_pack("{s:s,s:s,s:i,s:i}", "type", conf_checker_name(ck->c->type), "state",
                              check_state_name(ck->st.state), "failures", (int)ck->st.failures, "shared_by",
                              ck->grp ? (int)ck->grp->nusers : 1);

        json_object_set_new(o, "last_result", ck->has_last ? json_string(check_result_key(ck->last)) : json_null());
        json_object_set_new(o, "last_detail", ck->has_last && ck->last_detail ? json_string(ck->last_detail)
                                                                                  : json_null());
        json_object_set_new(o, "last_latency", ck->has_last ? json_real((double)ck->last_latency / 1e6) : json_null());
        json_object_set_new(o, "last_time", ck->has_last ? json_real((double)ck->last_time / 1e6) : json_null());
        if (ck->c->type == CHECK_FILE)
                json_object_set_new(o, "file_value", json_integer((json_int_t)ck->file_value));
        return o;
}

/* Per checker type that ran: the probes' latency, summed (s) and counted. */
static json_t *latency_json(const struct check_engine *e)
{
        json_t *o = json_object();

        for (int t = 0; t < CK_TYPES; t++)
                if (e->latency_count[t])
                        json_object_set_new(o, conf_checker_name((enum conf_checker_type)t),
                                            json_pack("{s:f,s:I}", "sum", (double)e->latency_sum[t] / 1e6, "count",
                                                      (json_int_t)e->latency_count[t]));
        return o;
}

/* The checker whose last result speaks for the real server: the first
 * that failed, else the latest. */
static const struct ck_checker *last_of(const struct ck_rs *rs)
{
        const struct ck_checker *last = NULL;

        for (size_t k = 0; k < rs->nck; k++) {
                const struct ck_checker *ck = &rs->ck[k];
                if (!ck->has_last)
                        continue;
                if (!last || (ck->last != CHECK_OK && last->last == CHECK_OK) ||
                    (ck->last_time > last->last_time && (ck->last != CHECK_OK) == (last->last != CHECK_OK)))
                        last = ck;
        }
        return last;
}

/* A real server's counters summed over its virtual server's services
 * (a group has several); null when the kernel gave none (dry run). */
static json_t *kernel_json(const struct check_engine *e, const struct ck_vs *v, size_t r)
{
        struct check_dest_counters sum = { 0 };
        bool any = false;

        if (!e->kc_ok)
                return json_null();
        for (size_t i = 0; i < v->nsvcs; i++) {
                struct check_dest want = ck_rs_dest(&v->rs[r]);
                const struct check_dest_counters *c;
                if (v->svcs[i].fwmark)
                        want.port = 0;
                else if (!want.port || want.fwd == CHECK_FWD_DR || want.fwd == CHECK_FWD_TUN)
                        want.port = v->svcs[i].port;
                if (!(c = check_counters_find(&e->kc, &v->svcs[i], &want)))
                        continue;
                any = true;
                sum.active_conns += c->active_conns, sum.inact_conns += c->inact_conns;
                sum.persist_conns += c->persist_conns, sum.conns += c->conns, sum.inpkts += c->inpkts;
                sum.outpkts += c->outpkts, sum.inbytes += c->inbytes, sum.outbytes += c->outbytes;
                sum.cps += c->cps, sum.inbps += c->inbps, sum.outbps += c->outbps;
        }
        if (!any)
                return json_null();
        return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "active_conns", (json_int_t)sum.active_conns,
                         "inact_conns", (json_int_t)sum.inact_conns, "persist_conns", (json_int_t)sum.persist_conns,
                         "conns", (json_int_t)sum.conns, "inpkts", (json_int_t)sum.inpkts, "outpkts",
                         (json_int_t)sum.outpkts, "inbytes", (json_int_t)sum.inbytes, "outbytes",
                         (json_int_t)sum.outbytes, "cps", (json_int_t)sum.cps, "inbps", (json_int_t)sum.inbps, "outbps",
                         (json_int_t)sum.outbps);
}

static void rs_last_json(const struct ck_rs *rs, json_t *o)
{
        const struct ck_checker *l = last_of(rs);

        json_object_set_new(o, "last_result", l ? json_string(check_result_key(l->last)) : json_null());
        json_object_set_new(o, "last_detail", l && l->last_detail ? json_string(l->last_detail) : json_null());
        json_object_set_new(o, "latency", l ? json_real((double)l->last_latency / 1e6) : json_null());
        json_object_set_new(o, "last_check", l ? json_real((double)l->last_time / 1e6) : json_null());
        json_object_set_new(o, "last_change", rs->seen ? json_real((double)rs->last_change / 1e6) : json_null());
}

/* The metrics' per real server fields (check/metrics.c):
 * the results fed by name (those seen only: 10,000 servers times
 * every result would be mostly zeros) and the probes' latency. */
static void rs_counters_json(const struct ck_rs *rs, json_t *o)
{
        json_t *res = json_object();

        for (int r = 0; r < CHECK_RESULT_COUNT; r++)
                if (ck_rs_results(rs, (enum check_result)r))
                        json_object_set_new(res, check_result_key((enum check_result)r),
                                            json_integer((json_int_t)ck_rs_results(rs, (enum check_result)r)));
        json_object_set_new(o, "results", res);
        json_object_set_new(o, "check_latency", json_pack("{s:f,s:I}", "sum", (double)rs->latency_sum / 1e6, "count",
                                                    (json_int_t)rs->latency_count));
}

static json_t *rs_json(const struct check_engine *e, const struct ck_vs *v, size_t r)
{
        const struct ck_rs *rs = &v->rs[r];
        char a[INET6_ADDRSTRLEN];
        json_t *cks = json_array(), *o;
        bool in_table = v->out[r].in_table && !v->pool.sorry_active;

        for (size_t k = 0; k < rs->nck; k++)
                json_array_append_new(cks, checker_json(&rs->ck[k]));
        o = json_pack("{s:s,s:s,s:i,s:s,s:b,s:I,s:I,s:I,s:b,s:s,s:o}", "name", rs->name, "address",
                      conf_ip_str(&rs->c->addr, a, sizeof(a)), "port", rs->c->port, "health", rs_health(rs), "alive",
                      rs->num_failed == 0, "configured_weight", (json_int_t)rs->c->weight, "weight",
                      (json_int_t)v->in[r].weight, "table_weight", (json_int_t)v->out[r].weight, "in_table", in_table,
                      "admin", check_admin_state_name(rs->admin), "checkers", cks);
        json_object_set_new(o, "effective_weight", in_table ? json_integer((json_int_t)v->out[r].weight) : json_null());
        rs_last_json(rs, o);
        json_object_set_new(o, "kernel", kernel_json(e, v, r));
        rs_counters_json(rs, o);
        return o;
}

static json_t *vs_json(const struct check_engine *e, const struct ck_vs *v)
{
        json_t *rss = json_array(), *svcs = json_array();
        char buf[96], a[INET6_ADDRSTRLEN];
        json_t *o;

        for (size_t r = 0; r < v->nrs; r++)
                json_array_append_new(rss, rs_json(e, v, r));
        for (size_t i = 0; i < v->nsvcs; i++)
                json_array_append_new(svcs, json_string(ck_svc_str(&v->svcs[i], buf, sizeof(buf))));
        o = json_pack("{s:s,s:o,s:s,s:I,s:i,s:i,s:b,s:b,s:o}", "name", v->name, "services", svcs, "quorum_state",
                      v->pool.quorum_up ? "up" : "down", "alive_weight", (json_int_t)v->pool.weight_sum, "quorum",
                      (int)v->params.quorum, "hysteresis", (int)v->params.hysteresis, "sorry_server_in_use",
                      v->pool.sorry_active, "sorry_server_in_table", v->params.has_sorry_server && v->pool.sorry_in_table,
                      "real_servers", rss);
        json_object_set_new(o, "ha_suspend", json_boolean(v->c->ha_suspend));
        json_object_set_new(o, "suspended", json_boolean(v->suspended));
        json_object_set_new(o, "leaving", ck_leaving_json(e, v));
        json_object_set_new(o, "group", v->c->kind == VS_GROUP && v->c->group ? json_string(v->c->group) : json_null());
        if (v->params.has_sorry_server) {
                snprintf(buf, sizeof(buf), "[%s]:%u", conf_ip_str(&v->sorry.addr, a, sizeof(a)), v->sorry.port);
                json_object_set_new(o, "sorry_server", json_string(buf));
        }
        return o;
}

/* lvs_drift_check's findings (check/drift.h): what someone else changed. */
static json_t *drift_json(void)
{
        const struct check_drift_counters *c = check_drift_counters();

        return json_pack("{s:I,s:I,s:I,s:{s:I,s:I,s:I,s:I,s:I,s:I}}", "checks", (json_int_t)c->checks, "drifted",
                         (json_int_t)c->drifted, "failed", (json_int_t)c->failed, "repaired", "service_missing",
                         (json_int_t)c->svc_missing, "service_changed", (json_int_t)c->svc_changed, "service_foreign",
                         (json_int_t)c->svc_foreign, "destination_missing", (json_int_t)c->dest_missing,
                         "destination_changed", (json_int_t)c->dest_changed, "destination_foreign",
                         (json_int_t)c->dest_foreign);
}

json_t *ck_status(const struct check_engine *e)
{
        json_t *vss = json_array(), *res = json_object(), *out;

        for (size_t i = 0; i < e->nvs; i++)
                json_array_append_new(vss, vs_json(e, &e->vs[i]));
        for (int r = 0; r < CHECK_RESULT_COUNT; r++)
                json_object_set_new(res, check_result_key((enum check_result)r), json_integer((json_int_t)e->results[r]));
        out = json_pack("{s:o,s:o,s:{s:b,s:b,s:I,s:I,s:I,s:I},s:{s:i,s:i,s:I,s:I,s:o}}", "virtual_servers", vss,
                         "checks", res, "ipvs", "dry_run", e->opts.dry_run, "kernel_counters", e->kc_ok, "batches", (json_int_t)e->batches,
                         "changes", (json_int_t)e->changes, "refused", (json_int_t)e->refused, "services",
                         (json_int_t)e->current.n, "probes", "in_flight",
                         e->prober ? (int)check_prober_in_flight(e->prober) : 0, "waiting",
                         e->prober ? (int)check_prober_waiting(e->prober) : 0, "run", (json_int_t)e->probes_run,
                         "results_fed", (json_int_t)e->results_fed, "latency", latency_json(e));
        json_object_set_new(json_object_get(out, "ipvs"), "drift", drift_json());
        return out;
}

json_t *ck_summary(const struct check_engine *e)
{
        size_t rs = 0, up = 0, quorum_down = 0;

        for (size_t i = 0; i < e->nvs; i++) {
                quorum_down += !e->vs[i].pool.quorum_up;
                for (size_t r = 0; r < e->vs[i].nrs; r++) {
                        rs++;
                        up += e->vs[i].rs[r].num_failed == 0;
                }
        }
        return json_pack("{s:i,s:i,s:i,s:i,s:I,s:I}", "virtual_servers", (int)e->nvs, "real_servers", (int)rs,
                         "real_servers_up", (int)up, "quorum_down", (int)quorum_down, "probes_run",
                         (json_int_t)e->probes_run, "results_fed", (json_int_t)e->results_fed);
}
