/* The check worker's Prometheus series, from the status it reports
 * (check/status.c), rendered by the supervisor through the worker table:
 * the checker verdicts keepalived's exporter cannot give (real-server
 * health, weights, quorum), and the checks and IPVS changes counted. */
#include "check/metrics.h"

#include <string.h>

#include "worker/prom.h"

static const char *s_of(json_t *o, const char *k)
{
        const char *s = json_string_value(json_object_get(o, k));
        return s ? s : "";
}

static void vs_series(struct prom_out *o, json_t *vss)
{
        size_t i;
        json_t *v;

        prom_help(o, "vigil_lvs_virtual_server_quorum_up", "gauge", "1 while the virtual server has its quorum.");
        json_array_foreach(vss, i, v)
                prom_put(o, "vigil_lvs_virtual_server_quorum_up{vs=\"%s\"} %d\n", s_of(v, "name"),
                         !strcmp(s_of(v, "quorum_state"), "up"));
        prom_help(o, "vigil_lvs_virtual_server_alive_weight", "gauge", "Sum of the alive real servers' weights.");
        json_array_foreach(vss, i, v)
                prom_put(o, "vigil_lvs_virtual_server_alive_weight{vs=\"%s\"} %lld\n", s_of(v, "name"),
                         (long long)json_integer_value(json_object_get(v, "alive_weight")));
        prom_help(o, "vigil_lvs_sorry_server_active", "gauge", "1 while the sorry server replaces the pool.");
        json_array_foreach(vss, i, v)
                prom_put(o, "vigil_lvs_sorry_server_active{vs=\"%s\"} %d\n", s_of(v, "name"),
                         json_is_true(json_object_get(v, "sorry_server_in_use")));
}

static void rs_series(struct prom_out *o, json_t *vss, const char *metric, const char *help, const char *key)
{
        size_t i, k;
        json_t *v, *rs;

        prom_help(o, metric, "gauge", help);
        json_array_foreach(vss, i, v)
                json_array_foreach(json_object_get(v, "real_servers"), k, rs) {
                        json_t *x = json_object_get(rs, key);
                        long long n = json_is_boolean(x) ? json_is_true(x) : (long long)json_integer_value(x);
                        prom_put(o, "%s{vs=\"%s\",rs=\"%s\"} %lld\n", metric, s_of(v, "name"), s_of(rs, "name"), n);
                }
}

/* Probes run against results fed (one probe may feed several virtual
 * servers' checkers), and each checker type's probe latency. */
static void probe_series(struct prom_out *o, json_t *probes)
{
        json_t *lat = json_object_get(probes, "latency"), *v;
        const char *type;

        prom_help(o, "vigil_lvs_probes_total", "counter", "Probes run (a shared probe counts once).");
        prom_put(o, "vigil_lvs_probes_total %lld\n", (long long)json_integer_value(json_object_get(probes, "run")));
        prom_help(o, "vigil_lvs_probe_results_fed_total", "counter",
                  "Probe results fed to checkers (a shared probe feeds each of its users).");
        prom_put(o, "vigil_lvs_probe_results_fed_total %lld\n",
                 (long long)json_integer_value(json_object_get(probes, "results_fed")));
        prom_help(o, "vigil_lvs_probe_latency_seconds", "summary", "How long the probes took, per checker type.");
        json_object_foreach(lat, type, v) {
                prom_put(o, "vigil_lvs_probe_latency_seconds_sum{type=\"%s\"} %.6f\n", type,
                         json_real_value(json_object_get(v, "sum")));
                prom_put(o, "vigil_lvs_probe_latency_seconds_count{type=\"%s\"} %lld\n", type,
                         (long long)json_integer_value(json_object_get(v, "count")));
        }
}

void check_metrics_render(struct prom_out *o, json_t *status)
{
        json_t *vss = json_object_get(status, "virtual_servers");
        json_t *checks = json_object_get(status, "checks"), *ipvs = json_object_get(status, "ipvs"), *n;
        const char *key;

        vs_series(o, vss);
        rs_series(o, vss, "vigil_lvs_real_server_up", "1 while no checker of the real server is failed.", "alive");
        rs_series(o, vss, "vigil_lvs_real_server_in_table", "1 while the real server is a destination in IPVS.",
                  "in_table");
        rs_series(o, vss, "vigil_lvs_real_server_weight", "The weight the real server has in IPVS.", "table_weight");
        prom_help(o, "vigil_lvs_checks_total", "counter", "Probes finished, by named result.");
        json_object_foreach(checks, key, n)
                prom_put(o, "vigil_lvs_checks_total{result=\"%s\"} %lld\n", key, (long long)json_integer_value(n));
        probe_series(o, json_object_get(status, "probes"));
        prom_help(o, "vigil_lvs_ipvs_changes_total", "counter", "IPVS changes sent.");
        prom_put(o, "vigil_lvs_ipvs_changes_total %lld\n", (long long)json_integer_value(json_object_get(ipvs, "changes")));
        prom_help(o, "vigil_lvs_ipvs_refused_total", "counter", "IPVS changes the kernel refused.");
        prom_put(o, "vigil_lvs_ipvs_refused_total %lld\n", (long long)json_integer_value(json_object_get(ipvs, "refused")));
}
