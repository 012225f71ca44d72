#include "check/http_sessions.h"

#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024u
/* buckets looked at for idle shares per http_session_get: the whole
 * table is swept every BUCKETS / SWEEP probes */
#define SWEEP 2u

struct http_session {
        struct http_session *next;
        CURLSH *share;
        unsigned users;
        int64_t last_ms;
        char key[];
};

static struct {
        struct http_session *bucket[BUCKETS];
        unsigned n, cursor;
        const struct curl_uv_lib *lc;
} tab;

static unsigned hash_of(const char *key)
{
        uint32_t h = 2166136261u;

        for (const unsigned char *p = (const unsigned char *)key; *p; p++)
                h = (h ^ *p) * 16777619u;
        return h % BUCKETS;
}

static void drop(struct http_session **at)
{
        struct http_session *s = *at;

        *at = s->next;
        tab.lc->share_cleanup(s->share);
        free(s);
        tab.n--;
}

static void sweep_bucket(unsigned b, int64_t now_ms, int64_t idle_ms)
{
        struct http_session **at = &tab.bucket[b];

        while (*at) {
                if (!(*at)->users && now_ms - (*at)->last_ms >= idle_ms)
                        drop(at);
                else
                        at = &(*at)->next;
        }
}

static struct http_session *make(const struct curl_uv_lib *lc, const char *key, int64_t now_ms)
{
        size_t len = strlen(key) + 1;
        struct http_session *s = malloc(sizeof(*s) + len);

        if (!s)
                return NULL;
        if (!(s->share = lc->share_init())) {
                free(s);
                return NULL;
        }
        lc->share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
        memcpy(s->key, key, len);
        s->users = 0;
        s->last_ms = now_ms;
        return s;
}

struct http_session *http_session_get(const struct curl_uv_lib *lc, const char *key, int64_t now_ms)
{
        unsigned b = hash_of(key);
        struct http_session *s;

        tab.lc = lc;
        for (unsigned i = 0; i < SWEEP; i++)
                sweep_bucket(tab.cursor++ % BUCKETS, now_ms, HTTP_SESSIONS_IDLE_MS);
        for (s = tab.bucket[b]; s && strcmp(s->key, key); s = s->next)
                ;
        if (!s) {
                if (!(s = make(lc, key, now_ms)))
                        return NULL;
                s->next = tab.bucket[b];
                tab.bucket[b] = s;
                tab.n++;
        }
        s->users++;
        s->last_ms = now_ms;
        return s;
}

CURLSH *http_session_share(const struct http_session *s)
{
        return s->share;
}

void http_session_put(struct http_session *s, int64_t now_ms)
{
        if (!s)
                return;
        s->users--;
        s->last_ms = now_ms;
}

unsigned http_sessions_count(void)
{
        return tab.n;
}

void http_sessions_clear(const struct curl_uv_lib *lc)
{
        tab.lc = lc;
        for (unsigned b = 0; b < BUCKETS; b++)
                sweep_bucket(b, INT64_MAX, 0);
}
