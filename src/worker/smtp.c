#include "worker/smtp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "worker/curl_uv.h"

#define MAX_RCPT 32

struct mail {
        char url[300];
        char from[256];
        char *rcpt[MAX_RCPT];
        unsigned nrcpt;
        long connect_timeout_s;
        char text[2048];
        size_t sent, len;
        char error[CURL_ERROR_SIZE];
        struct curl_slist *to;
};

/* curl_uv_lib(), once loaded */
static const struct curl_uv_lib *lc;

bool smtp_alert_global_init(void)
{
        if (!lc)
                lc = curl_uv_lib();
        return lc != NULL;
}

static size_t read_body(char *buf, size_t size, size_t nmemb, void *ctx)
{
        struct mail *m = ctx;
        size_t n = size * nmemb, left = m->len - m->sent;

        if (n > left)
                n = left;
        memcpy(buf, m->text + m->sent, n);
        m->sent += n;
        return n;
}

static void mail_free(struct mail *m)
{
        for (unsigned i = 0; i < m->nrcpt; i++)
                free(m->rcpt[i]);
        free(m);
}

static void delivered(void *ctx, CURL *c, CURLcode result)
{
        struct mail *m = ctx;

        if (result == CURLE_OK)
                log_info("SMTP alert sent to %u recipient%s", m->nrcpt, m->nrcpt == 1 ? "" : "s");
        else
                log_warn("SMTP alert not sent: %s", m->error[0] ? m->error : lc->easy_strerror(result));
        lc->slist_free_all(m->to);
        lc->easy_cleanup(c);
        mail_free(m);
}

/* Talk SMTP on the loop (worker/curl_uv.c): a slow or dead mail server
 * costs a socket, never an advert. */
static void deliver(uv_loop_t *loop, struct mail *m)
{
        CURL *c = lc->easy_init();

        if (!c) {
                log_warn("SMTP alert not sent: %s", lc->easy_strerror(CURLE_FAILED_INIT));
                mail_free(m);
                return;
        }
        for (unsigned i = 0; i < m->nrcpt; i++)
                m->to = lc->slist_append(m->to, m->rcpt[i]);
        lc->easy_setopt(c, CURLOPT_URL, m->url);
        lc->easy_setopt(c, CURLOPT_MAIL_FROM, m->from);
        lc->easy_setopt(c, CURLOPT_MAIL_RCPT, m->to);
        lc->easy_setopt(c, CURLOPT_READFUNCTION, read_body);
        lc->easy_setopt(c, CURLOPT_READDATA, m);
        lc->easy_setopt(c, CURLOPT_UPLOAD, 1L);
        lc->easy_setopt(c, CURLOPT_CONNECTTIMEOUT, m->connect_timeout_s);
        lc->easy_setopt(c, CURLOPT_TIMEOUT, m->connect_timeout_s + 30);
        lc->easy_setopt(c, CURLOPT_ERRORBUFFER, m->error);
        curl_uv_start(loop, c, delivered, m);
}

static const char *what_it_means(const char *state)
{
        if (!strcmp(state, "MASTER"))
                return "now holds the virtual addresses";
        if (!strcmp(state, "BACKUP"))
                return "no longer holds the virtual addresses";
        if (!strcmp(state, "FAULT"))
                return "is in FAULT and holds no virtual addresses";
        return "has stopped";
}

/* The headers and the text of one mail: "[router_id] subject" (router_id
 * defaults to the host's name, as keepalived's). */
static void compose_text(struct mail *m, const struct conf *c, const char *rid, const char *subject, const char *body)
{
        char date[64], to[512] = "";
        const struct conf_strlist_item *r;
        time_t now = time(NULL);
        struct tm tm;

        strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", localtime_r(&now, &tm));
        CONF_FOREACH(r, &c->global.notification_email) {
                if (to[0])
                        strncat(to, ", ", sizeof(to) - strlen(to) - 1);
                strncat(to, r->value, sizeof(to) - strlen(to) - 1);
        }
        m->len = (size_t)snprintf(m->text, sizeof(m->text), "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: [%s] %s\r\n\r\n%s\r\n",
                                  date, m->from, to, rid, subject, body);
        if (m->len >= sizeof(m->text))
                m->len = sizeof(m->text) - 1;
}

static void compose(struct mail *m, const struct conf *c, const struct notify_object *o, const char *state,
                    const char *rid)
{
        const char *kind = notify_kind_title(o->kind), *name = o->name;
        char subject[384], body[512];

        snprintf(subject, sizeof(subject), "VRRP %s %s - Entering %s state", kind, name, state);
        snprintf(body, sizeof(body), "VRRP %s %s on %s %s (state %s).", kind, name, rid, what_it_means(state), state);
        compose_text(m, c, rid, subject, body);
}

/* A mail to notification_email through smtp_server, or NULL when none is
 * configured; host: this host's name. */
static struct mail *mail_new(const struct conf *c, char *host, size_t hsize)
{
        const struct conf_strlist_item *r;
        struct mail *m;

        if (!c->global.smtp_server || !c->global.notification_email.count || !smtp_alert_global_init())
                return NULL;
        m = calloc(1, sizeof(*m));
        if (!m)
                return NULL;
        gethostname(host, hsize - 1);
        snprintf(m->url, sizeof(m->url), "smtp://%s:%u/%s", c->global.smtp_server, c->global.smtp_server_port,
                 c->global.smtp_helo_name ? c->global.smtp_helo_name : host);
        if (c->global.notification_email_from)
                snprintf(m->from, sizeof(m->from), "%s", c->global.notification_email_from);
        else
                snprintf(m->from, sizeof(m->from), "keepalived@%s", host);
        CONF_FOREACH(r, &c->global.notification_email)
                if (m->nrcpt < MAX_RCPT)
                        m->rcpt[m->nrcpt++] = strdup(r->value);
        m->connect_timeout_s = (long)(c->global.smtp_connect_timeout / 1000000);
        if (m->connect_timeout_s < 1)
                m->connect_timeout_s = 1;
        return m;
}

void smtp_alert_send(uv_loop_t *loop, const struct conf *c, const struct notify_object *o, const char *state)
{
        char host[128] = "localhost";
        struct mail *m = mail_new(c, host, sizeof(host));

        if (!m)
                return;
        compose(m, c, o, state, c->global.router_id ? c->global.router_id : host);
        deliver(loop, m);
}

void smtp_alert_send_text(uv_loop_t *loop, const struct conf *c, const char *subject, const char *body)
{
        char host[128] = "localhost";
        struct mail *m = mail_new(c, host, sizeof(host));

        if (!m)
                return;
        compose_text(m, c, c->global.router_id ? c->global.router_id : host, subject, body);
        deliver(loop, m);
}

unsigned smtp_alert_pending(void)
{
        return curl_uv_running();
}
