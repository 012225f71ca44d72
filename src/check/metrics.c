/* The check worker's Prometheus series, from the status it reports
 * (check/status.c), rendered by the supervisor through the worker table:
 * the checker verdicts keepalived's exporter cannot give (real-server
 * health, weights, quorum, results by reason, latency), and the checks and
 * IPVS changes counted. The names are vigil_lvs_* (observability.md: no
 * exporter has them); label values are escaped as the text format asks. */
#include "check/metrics.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "worker/prom.h"

/* Room for a virtual or real server's name (check/engine_internal.h's
 * CK_NAME_MAX), every byte escaped. */
#define LABEL_MAX 264

static const char *s_of(json_t *o, const char *k)
{
        const char *s = json_string_value(json_object_get(o, k));
        return s ? s : "";
}

static long long i_of(json_t *o, const char *k)
{
        json_t *x = json_object_get(o, k);
        return json_is_boolean(x) ? json_is_true(x) : (long long)json_integer_value(x);
}

/* A label value: backslash, double quote and newline escaped; a name too
 * long for buf is cut (names are at most CK_NAME_MAX bytes). */
static const char *esc(const char *s, char *buf, size_t size)
{
        size_t n = 0;

        for (; *s && n + 3 < size; s++) {
                if (*s == '\\' || *s == '"' || *s == '\n')
                        buf[n++] = '\\';
                buf[n++] = *s == '\n' ? 'n' : *s;
        }
        buf[n] = '\0';
        return buf;
}

static void vs_gauge(struct prom_out *o, json_t *vss, const char *metric, const char *help, const char *key,
                     bool is_state)
{
        char vs[LABEL_MAX];
        size_t i;
        json_t *v;

        prom_help(o, metric, "gauge", help);
        json_array_foreach(vss, i, v)
                prom_put(o, "%s{vs=\"%s\"} %lld\n", metric, esc(s_of(v, "name"), vs, sizeof(vs)),
                         is_state ? (long long)!strcmp(s_of(v, key), "up") : i_of(v, key));
}

static void rs_gauge(struct prom_out *o, json_t *vss, const char *metric, const char *help, const char *key)
{
        char vs[LABEL_MAX], rs[LABEL_MAX];
        size_t i, k;
        json_t *v, *r;

        prom_help(o, metric, "gauge", help);
        json_array_foreach(vss, i, v) {
                esc(s_of(v, "name"), vs, sizeof(vs));
                json_array_foreach(json_object_get(v, "real_servers"), k, r)
                        prom_put(o, "%s{vs=\"%s\",rs=\"%s\"} %lld\n", metric, vs, esc(s_of(r, "name"), rs, sizeof(rs)),
                                 i_of(r, key));
        }
}

/* Per real server: its checkers' results by name (a counter per result
 * seen), and the latency of the probes that fed them (a summary). */
static void rs_checks(struct prom_out *o, json_t *vss)
{
        char vs[LABEL_MAX], rs[LABEL_MAX];
        const char *res;
        size_t i, k;
        json_t *v, *r, *n;

        prom_help(o, "vigil_lvs_real_server_check_results_total", "counter",
                  "Results fed to the real server's checkers, by named result.");
        json_array_foreach(vss, i, v) {
                esc(s_of(v, "name"), vs, sizeof(vs));
                json_array_foreach(json_object_get(v, "real_servers"), k, r) {
                        esc(s_of(r, "name"), rs, sizeof(rs));
                        json_object_foreach(json_object_get(r, "results"), res, n)
                                prom_put(o, "vigil_lvs_real_server_check_results_total{vs=\"%s\",rs=\"%s\",result=\"%s\"} %lld\n",
                                         vs, rs, res, (long long)json_integer_value(n));
                }
        }
        prom_help(o, "vigil_lvs_real_server_check_latency_seconds", "summary",
                  "How long the probes of the real server's checkers took.");
        json_array_foreach(vss, i, v) {
                esc(s_of(v, "name"), vs, sizeof(vs));
                json_array_foreach(json_object_get(v, "real_servers"), k, r) {
                        json_t *lat = json_object_get(r, "check_latency");
                        esc(s_of(r, "name"), rs, sizeof(rs));
                        prom_put(o, "vigil_lvs_real_server_check_latency_seconds_sum{vs=\"%s\",rs=\"%s\"} %.6f\n", vs, rs,
                                 json_number_value(json_object_get(lat, "sum")));
                        prom_put(o, "vigil_lvs_real_server_check_latency_seconds_count{vs=\"%s\",rs=\"%s\"} %lld\n", vs,
                                 rs, (long long)json_integer_value(json_object_get(lat, "count")));
                }
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
                         json_number_value(json_object_get(v, "sum")));
                prom_put(o, "vigil_lvs_probe_latency_seconds_count{type=\"%s\"} %lld\n", type,
                         (long long)json_integer_value(json_object_get(v, "count")));
        }
}

/* keepalived-exporter's protocol label: the number (6, 17, 132), read
 * from the virtual server's name ("[10.0.0.1]:tcp:80"); 0 for a fwmark or
 * group service, which has none. */
static int proto_of(const char *vs)
{
        const char *p = strstr(vs, "]:");

        if (!p)
                return 0;
        p += 2;
        return !strncmp(p, "tcp:", 4) ? 6 : !strncmp(p, "udp:", 4) ? 17 : !strncmp(p, "sctp:", 5) ? 132 : 0;
}

/* The kernel's counters of each destination (status "kernel", absent in
 * the dry run), under keepalived-exporter's names and labels: vip is the
 * service ("10.0.0.1:80", "FWM 1"; a group's virtual server name), addr
 * the destination's address:port. */
static void rs_kernel(struct prom_out *o, json_t *vss, const char *metric, const char *help, const char *key)
{
        char vip[LABEL_MAX], addr[LABEL_MAX], tmp[LABEL_MAX];
        size_t i, k;
        json_t *v, *r, *svcs;

        prom_help(o, metric, "counter", help);
        json_array_foreach(vss, i, v) {
                svcs = json_object_get(v, "services");
                esc(json_array_size(svcs) == 1 ? json_string_value(json_array_get(svcs, 0)) : s_of(v, "name"), vip,
                    sizeof(vip));
                json_array_foreach(json_object_get(v, "real_servers"), k, r) {
                        json_t *kc = json_object_get(r, "kernel");
                        if (!json_is_object(kc))
                                continue;
                        snprintf(tmp, sizeof(tmp), "%s:%lld", s_of(r, "address"), i_of(r, "port"));
                        prom_put(o, "%s{vip=\"%s\",addr=\"%s\",proto=\"%d\"} %lld\n", metric, vip,
                                 esc(tmp, addr, sizeof(addr)), proto_of(s_of(v, "name")), i_of(kc, key));
                }
        }
}

static void rs_series(struct prom_out *o, json_t *vss)
{
        rs_gauge(o, vss, "vigil_lvs_real_server_up", "1 while no checker of the real server is failed.", "alive");
        rs_gauge(o, vss, "vigil_lvs_real_server_in_table", "1 while the real server is a destination in IPVS.",
                 "in_table");
        rs_gauge(o, vss, "vigil_lvs_real_server_weight", "The weight the real server has in IPVS.", "table_weight");
        rs_gauge(o, vss, "vigil_lvs_real_server_configured_weight", "The real server's weight in the configuration.",
                 "configured_weight");
        rs_gauge(o, vss, "vigil_lvs_real_server_dynamic_weight",
                 "The configured weight as MISC_CHECK's dynamic weight and track_file change it.", "weight");
        rs_checks(o, vss);
        rs_kernel(o, vss, "keepalived_lvs_rs_conn", "Connections the kernel scheduled to the real server.", "conns");
        rs_kernel(o, vss, "keepalived_lvs_rs_in_packets", "Packets in to the real server.", "inpkts");
        rs_kernel(o, vss, "keepalived_lvs_rs_out_packets", "Packets out of the real server.", "outpkts");
        rs_kernel(o, vss, "keepalived_lvs_rs_in_bytes", "Bytes in to the real server.", "inbytes");
        rs_kernel(o, vss, "keepalived_lvs_rs_out_bytes", "Bytes out of the real server.", "outbytes");
}

/* lvs_drift_check: the table reads compared, and what was repaired, by
 * what someone else had done to it. */
static void drift_series(struct prom_out *o, json_t *drift)
{
        json_t *rep = json_object_get(drift, "repaired"), *n;
        const char *key;

        if (!drift)
                return;
        prom_help(o, "vigil_lvs_ipvs_drift_checks_total", "counter", "Reads of the kernel's IPVS table compared with the wanted one (lvs_drift_check).");
        prom_put(o, "vigil_lvs_ipvs_drift_checks_total %lld\n", (long long)json_integer_value(json_object_get(drift, "checks")));
        prom_help(o, "vigil_lvs_ipvs_drift_repairs_total", "counter", "Entries of the kernel's IPVS table repaired, by what had drifted.");
        json_object_foreach(rep, key, n)
                prom_put(o, "vigil_lvs_ipvs_drift_repairs_total{drift=\"%s\"} %lld\n", key, (long long)json_integer_value(n));
}

void check_metrics_render(struct prom_out *o, json_t *status)
{
        json_t *vss = json_object_get(status, "virtual_servers");
        json_t *checks = json_object_get(status, "checks"), *ipvs = json_object_get(status, "ipvs"), *n;
        const char *key;

        vs_gauge(o, vss, "vigil_lvs_virtual_server_quorum_up", "1 while the virtual server has its quorum.",
                 "quorum_state", true);
        vs_gauge(o, vss, "vigil_lvs_virtual_server_alive_weight", "Sum of the alive real servers' weights.",
                 "alive_weight", false);
        vs_gauge(o, vss, "vigil_lvs_sorry_server_active", "1 while the sorry server replaces the pool.",
                 "sorry_server_in_use", false);
        rs_series(o, vss);
        prom_help(o, "vigil_lvs_checks_total", "counter", "Probes finished, by named result.");
        json_object_foreach(checks, key, n)
                prom_put(o, "vigil_lvs_checks_total{result=\"%s\"} %lld\n", key, (long long)json_integer_value(n));
        probe_series(o, json_object_get(status, "probes"));
        prom_help(o, "vigil_lvs_ipvs_changes_total", "counter", "IPVS changes sent.");
        prom_put(o, "vigil_lvs_ipvs_changes_total %lld\n", (long long)json_integer_value(json_object_get(ipvs, "changes")));
        prom_help(o, "vigil_lvs_ipvs_refused_total", "counter", "IPVS changes the kernel refused.");
        prom_put(o, "vigil_lvs_ipvs_refused_total %lld\n", (long long)json_integer_value(json_object_get(ipvs, "refused")));
        drift_series(o, json_object_get(ipvs, "drift"));
}
