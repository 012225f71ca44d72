#include "daemon/metrics.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/lazylib.h"
#include "common/log.h"
#include "vigil-config.h"

/* libmicrohttpd, loaded only when metrics_listen is set (common/lazylib.h). */
static struct {
        struct MHD_Daemon *(*start_daemon)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
                                           MHD_AccessHandlerCallback, void *, ...);
        void (*stop_daemon)(struct MHD_Daemon *);
        struct MHD_Response *(*create_response_from_buffer)(size_t, void *, enum MHD_ResponseMemoryMode);
        enum MHD_Result (*add_response_header)(struct MHD_Response *, const char *, const char *);
        enum MHD_Result (*queue_response)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
        void (*destroy_response)(struct MHD_Response *);
} mhd;

typedef __typeof__(mhd) mhd_t;
static const struct lazysym mhd_syms[] = {
        LAZYSYM(mhd_t, start_daemon, "MHD_start_daemon"),
        LAZYSYM(mhd_t, stop_daemon, "MHD_stop_daemon"),
        LAZYSYM(mhd_t, create_response_from_buffer, "MHD_create_response_from_buffer"),
        LAZYSYM(mhd_t, add_response_header, "MHD_add_response_header"),
        LAZYSYM(mhd_t, queue_response, "MHD_queue_response"),
        LAZYSYM(mhd_t, destroy_response, "MHD_destroy_response"),
};
static struct lazylib mhd_lib = LAZYLIB("libmicrohttpd.so.12", "metrics_listen", mhd_syms, mhd);

struct metrics {
        struct MHD_Daemon *d;
        pthread_mutex_t lock;
        pthread_cond_t fresh;
        unsigned long generation;       /* metrics_update() calls */
        metrics_wake_fn wake;
        void *wake_ctx;
        char *text;
};

#define FRESH_WAIT_MS 250

/* Ask the loop for new numbers and wait a little for them. */
static void wait_fresh(struct metrics *m)
{
        struct timespec until;
        unsigned long gen;

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += FRESH_WAIT_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_mutex_lock(&m->lock);
        gen = m->generation;
        pthread_mutex_unlock(&m->lock);
        m->wake(m->wake_ctx);
        pthread_mutex_lock(&m->lock);
        while (m->generation == gen)
                if (pthread_cond_timedwait(&m->fresh, &m->lock, &until) != 0)
                        break;
        pthread_mutex_unlock(&m->lock);
}

/* ---- rendering ----------------------------------------------------------------------------- */

struct out {
        char *buf;
        size_t len, cap;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
        va_list ap;
        int n;

        for (;;) {
                va_start(ap, fmt);
                n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
                va_end(ap);
                if (n >= 0 && (size_t)n < o->cap - o->len) {
                        o->len += (size_t)n;
                        return;
                }
                size_t cap = o->cap * 2 + (size_t)(n > 0 ? n : 0) + 4096;
                char *p = realloc(o->buf, cap);
                if (!p)
                        return;
                o->buf = p;
                o->cap = cap;
        }
}

static void help(struct out *o, const char *name, const char *type, const char *text)
{
        put(o, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

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

static void instance_metrics(struct out *o, json_t *list)
{
        size_t i;
        json_t *vi;

        help(o, "keepalived_vrrp_state", "gauge", "0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT (one series per VIP).");
        json_array_foreach(list, i, vi) {
                size_t k;
                json_t *ip;
                json_array_foreach(json_object_get(vi, "vips"), k, ip) {
                        char addr[64];
                        snprintf(addr, sizeof(addr), "%s", json_string_value(ip));
                        addr[strcspn(addr, "/")] = 0;
                        put(o, "keepalived_vrrp_state{" LABELS ",ip_address=\"%s\"} %d\n", LABEL_ARGS(vi), addr,
                            state_number(s_of(vi, "state")));
                }
        }
        help(o, "vigil_vrrp_base_priority", "gauge", "Configured priority.");
        json_array_foreach(list, i, vi)
                put(o, "vigil_vrrp_base_priority{" LABELS "} %lld\n", LABEL_ARGS(vi),
                    json_integer_value(json_object_get(vi, "base_priority")));
        help(o, "vigil_vrrp_effective_priority", "gauge", "Priority after trackers.");
        json_array_foreach(list, i, vi)
                put(o, "vigil_vrrp_effective_priority{" LABELS "} %lld\n", LABEL_ARGS(vi),
                    json_integer_value(json_object_get(vi, "effective_priority")));
        for (size_t c = 0; c < sizeof(counters) / sizeof(counters[0]); c++) {
                help(o, counters[c].metric, "counter", counters[c].help);
                json_array_foreach(list, i, vi)
                        put(o, "%s{" LABELS "} %lld\n", counters[c].metric, LABEL_ARGS(vi),
                            json_integer_value(json_object_get(json_object_get(vi, "counters"), counters[c].key)));
        }
        for (size_t c = 0; c < sizeof(drop_aliases) / sizeof(drop_aliases[0]); c++) {
                help(o, drop_aliases[c].metric, "counter", drop_aliases[c].help);
                json_array_foreach(list, i, vi)
                        put(o, "%s{" LABELS "} %lld\n", drop_aliases[c].metric, LABEL_ARGS(vi),
                            json_integer_value(json_object_get(
                                    json_object_get(json_object_get(vi, "counters"), "drops"), drop_aliases[c].drop)));
        }
        help(o, "vigil_vrrp_dropped_adverts_total", "counter", "Adverts dropped after the VRID matched, by reason.");
        json_array_foreach(list, i, vi) {
                const char *reason;
                json_t *v;
                json_object_foreach(json_object_get(json_object_get(vi, "counters"), "drops"), reason, v)
                        put(o, "vigil_vrrp_dropped_adverts_total{" LABELS ",reason=\"%s\"} %lld\n", LABEL_ARGS(vi),
                            reason, json_integer_value(v));
        }
}

static void tracker_metrics(struct out *o, json_t *list)
{
        size_t i, k;
        json_t *vi, *t;

        help(o, "vigil_tracker_up", "gauge", "1 up, 0 down, -1 no result yet (track_file: its value).");
        json_array_foreach(list, i, vi)
                json_array_foreach(json_object_get(vi, "trackers"), k, t) {
                        json_t *st = json_object_get(t, "status");
                        long long v = json_is_integer(st) ? json_integer_value(st)
                                      : !strcmp(json_string_value(st), "up") ? 1
                                      : !strcmp(json_string_value(st), "down") ? 0 : -1;
                        put(o, "vigil_tracker_up{iname=\"%s\",kind=\"%s\",name=\"%s\"} %lld\n", s_of(vi, "name"),
                            s_of(t, "kind"), s_of(t, "name"), v);
                }
        help(o, "vigil_script_runs_total", "counter", "vrrp_script runs, by outcome.");
        json_array_foreach(list, i, vi)
                json_array_foreach(json_object_get(vi, "trackers"), k, t) {
                        json_t *runs = json_object_get(t, "runs");
                        if (!runs)
                                continue;
                        put(o, "vigil_script_runs_total{iname=\"%s\",name=\"%s\",result=\"all\"} %lld\n",
                            s_of(vi, "name"), s_of(t, "name"), json_integer_value(json_object_get(runs, "total")));
                        put(o, "vigil_script_runs_total{iname=\"%s\",name=\"%s\",result=\"failed\"} %lld\n",
                            s_of(vi, "name"), s_of(t, "name"), json_integer_value(json_object_get(runs, "failed")));
                        put(o, "vigil_script_runs_total{iname=\"%s\",name=\"%s\",result=\"timed_out\"} %lld\n",
                            s_of(vi, "name"), s_of(t, "name"), json_integer_value(json_object_get(runs, "timed_out")));
                }
}

/* The worker's per-interface drops (before an instance is known). */
static void interface_metrics(struct out *o, json_t *list)
{
        size_t i;
        json_t *ifc;

        help(o, "vigil_vrrp_interface_drops_total", "counter",
             "Adverts dropped on an interface before an instance took them, by reason.");
        json_array_foreach(list, i, ifc) {
                const char *reason;
                json_t *v;
                json_object_foreach(json_object_get(ifc, "counters"), reason, v)
                        put(o, "vigil_vrrp_interface_drops_total{interface=\"%s\",reason=\"%s\"} %lld\n",
                            s_of(ifc, "name"), reason, json_integer_value(v));
        }
}

char *metrics_render(const struct metrics_input *in)
{
        struct out o = { 0 };
        json_t *list = json_object_get(in->status, "instances");

        put(&o, "%s", "");
        help(&o, "keepalived_up", "gauge", "1 while the VRRP worker runs.");
        put(&o, "keepalived_up %d\n", in->worker_running ? 1 : 0);
        help(&o, "vigil_build_info", "gauge", "Build information.");
        put(&o, "vigil_build_info{version=\"%s\"} 1\n", VIGIL_VERSION);
        help(&o, "vigil_worker_restarts_total", "counter", "VRRP worker restarts by the supervisor.");
        put(&o, "vigil_worker_restarts_total %u\n", in->worker_restarts);
        help(&o, "vigil_reloads_total", "counter", "Reload requests (SIGHUP or vigilctl), by result.");
        put(&o, "vigil_reloads_total{result=\"ok\"} %u\n", in->reloads - in->reload_failures);
        put(&o, "vigil_reloads_total{result=\"invalid\"} %u\n", in->reload_failures);
        help(&o, "vigil_last_reload_success", "gauge", "1 if the last reload was valid, 0 if not.");
        put(&o, "vigil_last_reload_success %d\n", in->reloads ? in->last_reload_ok : 1);
        help(&o, "vigil_last_reload_timestamp_seconds", "gauge", "When the last reload was asked for.");
        put(&o, "vigil_last_reload_timestamp_seconds %.3f\n", in->last_reload_time);
        if (list) {
                instance_metrics(&o, list);
                tracker_metrics(&o, list);
        }
        if (json_is_array(json_object_get(in->status, "interfaces")))
                interface_metrics(&o, json_object_get(in->status, "interfaces"));
        return o.buf;
}

/* ---- serving ------------------------------------------------------------------------------ */

static enum MHD_Result serve(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                             const char *version, const char *upload, size_t *upload_size, void **req)
{
        struct metrics *m = cls;
        struct MHD_Response *r;
        enum MHD_Result ret;
        char *body;
        bool found = !strcmp(url, "/metrics");

        (void)version, (void)upload, (void)upload_size, (void)req;
        if (strcmp(method, "GET") && strcmp(method, "HEAD"))
                return MHD_NO;
        if (found)
                wait_fresh(m);
        pthread_mutex_lock(&m->lock);
        body = strdup(found && m->text ? m->text : found ? "" : "see /metrics\n");
        pthread_mutex_unlock(&m->lock);
        if (!body)
                return MHD_NO;
        r = mhd.create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
        mhd.add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ret = mhd.queue_response(c, found ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND, r);
        mhd.destroy_response(r);
        return ret;
}

static bool parse_listen(const char *s, struct sockaddr_storage *ret, unsigned *ret_flags)
{
        char host[128];
        const char *colon = strrchr(s, ':');
        long port;
        char *end;

        if (!colon || (size_t)(colon - s) >= sizeof(host))
                return false;
        port = strtol(colon + 1, &end, 10);
        if (*end || port < 1 || port > 65535)
                return false;
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = 0;
        memset(ret, 0, sizeof(*ret));
        if (host[0] == '[') {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *)ret;
                host[strcspn(host, "]")] = 0;
                a->sin6_family = AF_INET6;
                a->sin6_port = htons((uint16_t)port);
                *ret_flags = MHD_USE_IPv6;
                return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1;
        }
        struct sockaddr_in *a = (struct sockaddr_in *)ret;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        *ret_flags = 0;
        return !host[0] || inet_pton(AF_INET, host, &a->sin_addr) == 1;
}

struct metrics *metrics_start(const char *listen, metrics_wake_fn wake, void *ctx)
{
        struct sockaddr_storage sa;
        unsigned flags;
        struct metrics *m;

        if (!parse_listen(listen, &sa, &flags)) {
                log_err("metrics_listen '%s': expected ADDR:PORT ([ADDR]:PORT for IPv6)", listen);
                return NULL;
        }
        if (!lazylib_get(&mhd_lib))
                return NULL;
        m = calloc(1, sizeof(*m));
        if (!m)
                return NULL;
        pthread_mutex_init(&m->lock, NULL);
        pthread_cond_init(&m->fresh, NULL);
        m->wake = wake;
        m->wake_ctx = ctx;
        m->d = mhd.start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | flags, 0, NULL, NULL, serve, m,
                                MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, 16U,
                                MHD_OPTION_CONNECTION_TIMEOUT, 10U, MHD_OPTION_END);
        if (!m->d) {
                log_err("metrics_listen %s: cannot listen there", listen);
                pthread_mutex_destroy(&m->lock);
                pthread_cond_destroy(&m->fresh);
                free(m);
                return NULL;
        }
        log_info("metrics on http://%s/metrics", listen);
        return m;
}

void metrics_update(struct metrics *m, const struct metrics_input *in)
{
        char *text;

        if (!m)
                return;
        text = metrics_render(in);
        pthread_mutex_lock(&m->lock);
        free(m->text);
        m->text = text;
        m->generation++;
        pthread_cond_broadcast(&m->fresh);
        pthread_mutex_unlock(&m->lock);
}

void metrics_stop(struct metrics *m)
{
        if (!m)
                return;
        mhd.stop_daemon(m->d);
        pthread_mutex_destroy(&m->lock);
        pthread_cond_destroy(&m->fresh);
        free(m->text);
        free(m);
}
