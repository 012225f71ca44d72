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
#include "worker/prom.h"
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

char *metrics_render(const struct metrics_input *in)
{
        struct prom_out o = { 0 };

        prom_put(&o, "%s", "");
        prom_help(&o, "keepalived_up", "gauge", "1 while the VRRP worker runs.");
        prom_put(&o, "keepalived_up %d\n", in->worker_running ? 1 : 0);
        prom_help(&o, "vigil_build_info", "gauge", "Build information.");
        prom_put(&o, "vigil_build_info{version=\"%s\"} 1\n", VIGIL_VERSION);
        prom_help(&o, "vigil_worker_restarts_total", "counter", "VRRP worker restarts by the supervisor.");
        prom_put(&o, "vigil_worker_restarts_total %u\n", in->worker_restarts);
        prom_help(&o, "vigil_reloads_total", "counter", "Reload requests (SIGHUP or vigilctl), by result.");
        prom_put(&o, "vigil_reloads_total{result=\"ok\"} %u\n", in->reloads - in->reload_failures);
        prom_put(&o, "vigil_reloads_total{result=\"invalid\"} %u\n", in->reload_failures);
        prom_help(&o, "vigil_last_reload_success", "gauge", "1 if the last reload was valid, 0 if not.");
        prom_put(&o, "vigil_last_reload_success %d\n", in->reloads ? in->last_reload_ok : 1);
        prom_help(&o, "vigil_last_reload_timestamp_seconds", "gauge", "When the last reload was asked for.");
        prom_put(&o, "vigil_last_reload_timestamp_seconds %.3f\n", in->last_reload_time);
        for (size_t i = 0; i < in->nparts; i++)
                if (in->parts[i].render && in->parts[i].status)
                        in->parts[i].render(&o, in->parts[i].status);
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
