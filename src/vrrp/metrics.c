/* The VRRP worker's Prometheus series, from the status it reports
 * (vrrp/status.c): rendered by the supervisor through the worker table's
 * kind ops, so that each worker kind names its own series. */
#include "vrrp/metrics.h"

#include <stdio.h>
#include <string.h>

static int state_number(const char *s)
{
        return !strcmp(s, "BACKUP") ? 1 : !strcmp(s, "MASTER") ? 2 : !strcmp(s, "FAULT") ? 3 : 0;
}

static const char *s_of(json_t *o, const char *k)
{
        const char *s = json_string_value(json_object_get(o, k));
        return s ? s : "";
}

#define LABELS "iname=\"%s\",intf=\"%s\",vrid=\"%lld\""
#define LABEL_ARGS(vi) s_of(vi, "name"), s_of(vi, "interface"), json_integer_value(json_object_get(vi, "vrid"))

/* keepalived-exporter's counter names where one exists. */
static const struct {
        const char *metric, *key, *help;
} counters[] = {
        { "keepalived_advertisements_received_total", "adverts_received", "Adverts accepted." },
        { "keepalived_advertisements_sent_total", "adverts_sent", "Adverts sent." },
        { "keepalived_become_master_total", "became_master", "Transitions to MASTER." },
        { "keepalived_release_master_total", "released_master", "Transitions out of MASTER." },
        { "keepalived_priority_zero_received_total", "priority_zero_received", "Priority-0 adverts received." },
        { "keepalived_priority_zero_sent_total", "priority_zero_sent", "Priority-0 adverts sent." },
        { "keepalived_address_list_errors_total", "address_list_mismatch", "Adverts whose address list differs." },
        { "vigil_vrrp_transitions_total", "transitions", "State changes since the VRRP worker started." },
};

static const struct {
        const char *metric, *drop, *help;
} drop_aliases[] = {
        { "keepalived_ip_ttl_errors_total", "bad_ttl", "Adverts dropped for their TTL." },
        { "keepalived_advertisements_interval_errors_total", "interval_mismatch", "Adverts dropped for their interval." },
        { "keepalived_authentication_mismatch_total", "auth_type_mismatch", "Adverts with another auth type." },
        { "keepalived_authentication_failure_total", "auth_failure", "Adverts failing authentication." },
};

static void instance_metrics(struct prom_out *o, json_t *list)
{
        size_t i;
        json_t *vi;

        prom_help(o, "keepalived_vrrp_state", "gauge", "0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT (one series per VIP).");
        json_array_foreach(list, i, vi) {
                size_t k;
                json_t *ip;
                json_array_foreach(json_object_get(vi, "vips"), k, ip) {
                        char addr[64];
                        snprintf(addr, sizeof(addr), "%s", json_string_value(ip));
                        addr[strcspn(addr, "/")] = 0;
                        prom_put(o, "keepalived_vrrp_state{" LABELS ",ip_address=\"%s\"} %d\n", LABEL_ARGS(vi), addr,
                            state_number(s_of(vi, "state")));
                }
        }
        prom_help(o, "vigil_vrrp_base_priority", "gauge", "Configured priority.");
        json_array_foreach(list, i, vi)
                prom_put(o, "vigil_vrrp_base_priority{" LABELS "} %lld\n", LABEL_ARGS(vi),
                    json_integer_value(json_object_get(vi, "base_priority")));
        prom_help(o, "vigil_vrrp_effective_priority", "gauge", "Priority after trackers.");
        json_array_foreach(list, i, vi)
                prom_put(o, "vigil_vrrp_effective_priority{" LABELS "} %lld\n", LABEL_ARGS(vi),
                    json_integer_value(json_object_get(vi, "effective_priority")));
        for (size_t c = 0; c < sizeof(counters) / sizeof(counters[0]); c++) {
                prom_help(o, counters[c].metric, "counter", counters[c].help);
                json_array_foreach(list, i, vi)
                        prom_put(o, "%s{" LABELS "} %lld\n", counters[c].metric, LABEL_ARGS(vi),
                            json_integer_value(json_object_get(json_object_get(vi, "counters"), counters[c].key)));
        }
        for (size_t c = 0; c < sizeof(drop_aliases) / sizeof(drop_aliases[0]); c++) {
                prom_help(o, drop_aliases[c].metric, "counter", drop_aliases[c].help);
                json_array_foreach(list, i, vi)
                        prom_put(o, "%s{" LABELS "} %lld\n", drop_aliases[c].metric, LABEL_ARGS(vi),
                            json_integer_value(json_object_get(
                                    json_object_get(json_object_get(vi, "counters"), "drops"), drop_aliases[c].drop)));
        }
        prom_help(o, "vigil_vrrp_dropped_adverts_total", "counter", "Adverts dropped after the VRID matched, by reason.");
        json_array_foreach(list, i, vi) {
                const char *reason;
                json_t *v;
                json_object_foreach(json_object_get(json_object_get(vi, "counters"), "drops"), reason, v)
                        prom_put(o, "vigil_vrrp_dropped_adverts_total{" LABELS ",reason=\"%s\"} %lld\n", LABEL_ARGS(vi),
                            reason, json_integer_value(v));
        }
}

static void tracker_metrics(struct prom_out *o, json_t *list)
{
        size_t i, k;
        json_t *vi, *t;

        prom_help(o, "vigil_tracker_up", "gauge", "1 up, 0 down, -1 no result yet (track_file: its value).");
        json_array_foreach(list, i, vi)
                json_array_foreach(json_object_get(vi, "trackers"), k, t) {
                        json_t *st = json_object_get(t, "status");
                        const char *word = json_string_value(st) ? json_string_value(st) : "";
                        long long v = json_is_integer(st) ? json_integer_value(st)
                                      : !strcmp(word, "up") ? 1 : !strcmp(word, "down") ? 0 : -1;
                        prom_put(o, "vigil_tracker_up{iname=\"%s\",kind=\"%s\",name=\"%s\"} %lld\n", s_of(vi, "name"),
                            s_of(t, "kind"), s_of(t, "name"), v);
                }
        prom_help(o, "vigil_script_runs_total", "counter", "vrrp_script runs, by outcome.");
        json_array_foreach(list, i, vi)
                json_array_foreach(json_object_get(vi, "trackers"), k, t) {
                        json_t *runs = json_object_get(t, "runs");
                        if (!runs)
                                continue;
                        prom_put(o, "vigil_script_runs_total{iname=\"%s\",name=\"%s\",result=\"all\"} %lld\n",
                            s_of(vi, "name"), s_of(t, "name"), json_integer_value(json_object_get(runs, "total")));
                        prom_put(o, "vigil_script_runs_total{iname=\"%s\",name=\"%s\",result=\"failed\"} %lld\n",
                            s_of(vi, "name"), s_of(t, "name"), json_integer_value(json_object_get(runs, "failed")));
                        prom_put(o, "vigil_script_runs_total{iname=\"%s\",name=\"%s\",result=\"timed_out\"} %lld\n",
                            s_of(vi, "name"), s_of(t, "name"), json_integer_value(json_object_get(runs, "timed_out")));
                }
}

/* The worker's per-interface drops (before an instance is known). */
static void interface_metrics(struct prom_out *o, json_t *list)
{
        size_t i;
        json_t *ifc;

        prom_help(o, "vigil_vrrp_interface_drops_total", "counter",
             "Adverts dropped on an interface before an instance took them, by reason.");
        json_array_foreach(list, i, ifc) {
                const char *reason;
                json_t *v;
                json_object_foreach(json_object_get(ifc, "counters"), reason, v)
                        prom_put(o, "vigil_vrrp_interface_drops_total{interface=\"%s\",reason=\"%s\"} %lld\n",
                            s_of(ifc, "name"), reason, json_integer_value(v));
        }
}

void vrrp_metrics_render(struct prom_out *o, json_t *status)
{
        json_t *list = json_object_get(status, "instances");

        if (list) {
                instance_metrics(o, list);
                tracker_metrics(o, list);
        }
        if (json_is_array(json_object_get(status, "interfaces")))
                interface_metrics(o, json_object_get(status, "interfaces"));
        if (json_is_object(json_object_get(status, "netlink"))) {
                prom_help(o, "vigil_vrrp_netlink_failed_requests_total", "counter",
                     "Address, route and rule requests the kernel refused.");
                prom_put(o, "vigil_vrrp_netlink_failed_requests_total %lld\n",
                    json_integer_value(json_object_get(json_object_get(status, "netlink"), "failed_requests")));
        }
}
