/* The check worker's status for `vigilctl status` and the metrics: per
 * virtual server its quorum and sorry server, per real server its health,
 * weight, place in the IPVS table and last result; the summary the
 * heartbeat carries. */
#include <stdio.h>
#include <string.h>

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
        json_object_set_new(o, "last_detail", ck->has_last && ck->last_detail[0] ? json_string(ck->last_detail)
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

/* The metrics' per real server fields (check/metrics.c): the configured
 * weight, the results fed by name (those seen only: 10,000 servers times
 * every result would be mostly zeros) and the probes' latency. */
static void rs_counters_json(const struct ck_rs *rs, json_t *o)
{
        json_t *res = json_object();

        for (int r = 0; r < CHECK_RESULT_COUNT; r++)
                if (rs->results[r])
                        json_object_set_new(res, check_result_key((enum check_result)r),
                                            json_integer((json_int_t)rs->results[r]));
        json_object_set_new(o, "configured_weight", json_integer((json_int_t)rs->c->weight));
        json_object_set_new(o, "results", res);
        json_object_set_new(o, "check_latency", json_pack("{s:f,s:I}", "sum", (double)rs->latency_sum / 1e6, "count",
                                                    (json_int_t)rs->latency_count));
}

static json_t *rs_json(const struct ck_vs *v, size_t r)
{
        const struct ck_rs *rs = &v->rs[r];
        char a[INET6_ADDRSTRLEN];
        json_t *cks = json_array();
        const char *last = NULL;

        for (size_t k = 0; k < rs->nck; k++) {
                json_array_append_new(cks, checker_json(&rs->ck[k]));
                if (rs->ck[k].has_last && (!last || rs->ck[k].last != CHECK_OK))
                        last = check_result_key(rs->ck[k].last);
        }
        json_t *o = json_pack("{s:s,s:s,s:i,s:s,s:b,s:I,s:I,s:b,s:o,s:o}", "name", rs->name, "address",
                         conf_ip_str(&rs->c->addr, a, sizeof(a)), "port", rs->c->port, "health", rs_health(rs),
                         "alive", rs->num_failed == 0, "weight", (json_int_t)v->in[r].weight, "table_weight",
                         (json_int_t)v->out[r].weight, "in_table", v->out[r].in_table && !v->pool.sorry_active,
                         "last_result", last ? json_string(last) : json_null(), "checkers", cks);
        rs_counters_json(rs, o);
        return o;
}

static json_t *vs_json(const struct ck_vs *v)
{
        json_t *rss = json_array(), *svcs = json_array();
        char buf[96], a[INET6_ADDRSTRLEN];
        json_t *o;

        for (size_t r = 0; r < v->nrs; r++)
                json_array_append_new(rss, rs_json(v, r));
        for (size_t i = 0; i < v->nsvcs; i++)
                json_array_append_new(svcs, json_string(ck_svc_str(&v->svcs[i], buf, sizeof(buf))));
        o = json_pack("{s:s,s:o,s:s,s:I,s:i,s:i,s:b,s:b,s:o}", "name", v->name, "services", svcs, "quorum_state",
                      v->pool.quorum_up ? "up" : "down", "alive_weight", (json_int_t)v->pool.weight_sum, "quorum",
                      (int)v->params.quorum, "hysteresis", (int)v->params.hysteresis, "sorry_server_in_use",
                      v->pool.sorry_active, "sorry_server_in_table", v->params.has_sorry_server && v->pool.sorry_in_table,
                      "real_servers", rss);
        json_object_set_new(o, "ha_suspend", json_boolean(v->c->ha_suspend));
        json_object_set_new(o, "suspended", json_boolean(v->suspended));
        if (v->params.has_sorry_server) {
                snprintf(buf, sizeof(buf), "[%s]:%u", conf_ip_str(&v->sorry.addr, a, sizeof(a)), v->sorry.port);
                json_object_set_new(o, "sorry_server", json_string(buf));
        }
        return o;
}

json_t *ck_status(const struct check_engine *e)
{
        json_t *vss = json_array(), *res = json_object();

        for (size_t i = 0; i < e->nvs; i++)
                json_array_append_new(vss, vs_json(&e->vs[i]));
        for (int r = 0; r < CHECK_RESULT_COUNT; r++)
                json_object_set_new(res, check_result_key((enum check_result)r), json_integer((json_int_t)e->results[r]));
        return json_pack("{s:o,s:o,s:{s:b,s:I,s:I,s:I,s:I},s:{s:i,s:i,s:I,s:I,s:o}}", "virtual_servers", vss,
                         "checks", res, "ipvs", "dry_run", e->opts.dry_run, "batches", (json_int_t)e->batches,
                         "changes", (json_int_t)e->changes, "refused", (json_int_t)e->refused, "services",
                         (json_int_t)e->current.n, "probes", "in_flight",
                         e->prober ? (int)check_prober_in_flight(e->prober) : 0, "waiting",
                         e->prober ? (int)check_prober_waiting(e->prober) : 0, "run", (json_int_t)e->probes_run,
                         "results_fed", (json_int_t)e->results_fed, "latency", latency_json(e));
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
