#include "worker/curl_uv.h"

#include <errno.h>
#include <stdlib.h>

#include "common/lazylib.h"
#include "common/log.h"

/* libcurl, loaded at the first transfer. */
static struct {
        struct curl_uv_lib easy;
        CURLcode (*global_init)(long);
        CURLM *(*multi_init)(void);
        CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
        CURLMcode (*multi_add_handle)(CURLM *, CURL *);
        CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
        CURLMcode (*multi_socket_action)(CURLM *, curl_socket_t, int, int *);
        CURLMcode (*multi_assign)(CURLM *, curl_socket_t, void *);
        CURLMsg *(*multi_info_read)(CURLM *, int *);
} lc;

typedef __typeof__(lc) lc_t;
static const struct lazysym curl_syms[] = {
        LAZYSYM(lc_t, easy.easy_init, "curl_easy_init"),
        LAZYSYM(lc_t, easy.easy_setopt, "curl_easy_setopt"),
        LAZYSYM(lc_t, easy.easy_cleanup, "curl_easy_cleanup"),
        LAZYSYM(lc_t, easy.easy_reset, "curl_easy_reset"),
        LAZYSYM(lc_t, easy.easy_strerror, "curl_easy_strerror"),
        LAZYSYM(lc_t, easy.slist_append, "curl_slist_append"),
        LAZYSYM(lc_t, easy.slist_free_all, "curl_slist_free_all"),
        LAZYSYM(lc_t, easy.easy_getinfo, "curl_easy_getinfo"),
        LAZYSYM(lc_t, easy.share_init, "curl_share_init"),
        LAZYSYM(lc_t, easy.share_setopt, "curl_share_setopt"),
        LAZYSYM(lc_t, easy.share_cleanup, "curl_share_cleanup"),
        LAZYSYM(lc_t, global_init, "curl_global_init"),
        LAZYSYM(lc_t, multi_init, "curl_multi_init"),
        LAZYSYM(lc_t, multi_setopt, "curl_multi_setopt"),
        LAZYSYM(lc_t, multi_add_handle, "curl_multi_add_handle"),
        LAZYSYM(lc_t, multi_remove_handle, "curl_multi_remove_handle"),
        LAZYSYM(lc_t, multi_socket_action, "curl_multi_socket_action"),
        LAZYSYM(lc_t, multi_assign, "curl_multi_assign"),
        LAZYSYM(lc_t, multi_info_read, "curl_multi_info_read"),
};
static struct lazylib curl_lib = LAZYLIB("libcurl.so.4", "smtp_alert or HTTP_GET", curl_syms, lc);

/* One driver per process: a worker has one loop. */
static struct {
        uv_loop_t *loop;
        CURLM *multi;
        uv_timer_t timer;
        unsigned running;
} drv;

/* What a transfer carries while it runs (CURLOPT_PRIVATE). */
struct transfer {
        curl_uv_done_fn done;
        void *ctx;
};

/* A socket curl asked us to watch (curl_multi_assign). */
struct watch {
        uv_poll_t poll;
        curl_socket_t fd;
};

const struct curl_uv_lib *curl_uv_lib(void)
{
        bool first = curl_lib.state == 0;

        if (!lazylib_get(&curl_lib))
                return NULL;
        if (first)
                lc.global_init(CURL_GLOBAL_DEFAULT);
        return &lc.easy;
}

/* Hand back every transfer curl says is finished. */
static void collect(void)
{
        CURLMsg *msg;
        int left;

        while ((msg = lc.multi_info_read(drv.multi, &left))) {
                struct transfer *t = NULL;
                CURL *easy = msg->easy_handle;
                CURLcode result = msg->data.result;

                if (msg->msg != CURLMSG_DONE)
                        continue;
                lc.easy.easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
                lc.multi_remove_handle(drv.multi, easy);
                /* done: curl_uv_cancel on it later is a no-op */
                lc.easy.easy_setopt(easy, CURLOPT_PRIVATE, NULL);
                drv.running--;
                if (t) {
                        t->done(t->ctx, easy, result);
                        free(t);
                }
        }
}

static void act(curl_socket_t fd, int events)
{
        int still;

        lc.multi_socket_action(drv.multi, fd, events, &still);
        collect();
}

static void on_poll(uv_poll_t *h, int status, int events)
{
        struct watch *w = h->data;
        int ev = 0;

        if (status < 0)
                ev = CURL_CSELECT_ERR;
        if (events & UV_READABLE)
                ev |= CURL_CSELECT_IN;
        if (events & UV_WRITABLE)
                ev |= CURL_CSELECT_OUT;
        act(w->fd, ev);
}

static void on_timer(uv_timer_t *h)
{
        (void)h;
        act(CURL_SOCKET_TIMEOUT, 0);
}

static void watch_closed(uv_handle_t *h)
{
        free(h->data);
}

/* CURLMOPT_SOCKETFUNCTION: curl's interest in a socket changed. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
        struct watch *w = socketp;
        int events = 0;

        (void)easy, (void)userp;
        if (what == CURL_POLL_REMOVE) {
                if (w) {
                        lc.multi_assign(drv.multi, fd, NULL);
                        uv_close((uv_handle_t *)&w->poll, watch_closed);
                }
                return 0;
        }
        if (!w) {
                if (!(w = calloc(1, sizeof(*w))))
                        return -1;
                w->fd = fd;
                if (uv_poll_init_socket(drv.loop, &w->poll, fd) < 0) {
                        free(w);
                        return -1;
                }
                w->poll.data = w;
                lc.multi_assign(drv.multi, fd, w);
        }
        if (what & CURL_POLL_IN)
                events |= UV_READABLE;
        if (what & CURL_POLL_OUT)
                events |= UV_WRITABLE;
        uv_poll_start(&w->poll, events, on_poll);
        return 0;
}

/* CURLMOPT_TIMERFUNCTION: run curl again in timeout_ms (-1: no timer). */
static int on_timeout(CURLM *multi, long timeout_ms, void *userp)
{
        (void)multi, (void)userp;
        if (timeout_ms < 0)
                uv_timer_stop(&drv.timer);
        else
                uv_timer_start(&drv.timer, on_timer, (uint64_t)timeout_ms, 0);
        return 0;
}

static int driver_init(uv_loop_t *loop)
{
        if (drv.multi)
                return drv.loop == loop ? 0 : -EBUSY;
        if (!curl_uv_lib() || !(drv.multi = lc.multi_init()))
                return -ENOSYS;
        drv.loop = loop;
        uv_timer_init(loop, &drv.timer);
        lc.multi_setopt(drv.multi, CURLMOPT_SOCKETFUNCTION, on_socket);
        lc.multi_setopt(drv.multi, CURLMOPT_TIMERFUNCTION, on_timeout);
        return 0;
}

int curl_uv_start(uv_loop_t *loop, CURL *easy, curl_uv_done_fn done, void *ctx)
{
        struct transfer *t;
        int r = driver_init(loop);

        if (r < 0 || !(t = calloc(1, sizeof(*t)))) {
                done(ctx, easy, CURLE_FAILED_INIT);
                return r < 0 ? r : -ENOMEM;
        }
        t->done = done;
        t->ctx = ctx;
        lc.easy.easy_setopt(easy, CURLOPT_PRIVATE, t);
        lc.easy.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        if (lc.multi_add_handle(drv.multi, easy) != CURLM_OK) {
                free(t);
                done(ctx, easy, CURLE_FAILED_INIT);
                return -EINVAL;
        }
        drv.running++;
        return 0;
}

void curl_uv_cancel(CURL *easy)
{
        struct transfer *t = NULL;

        if (!drv.multi || !easy)
                return;
        lc.easy.easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
        if (!t)
                return;
        /* curl tells on_socket to forget the transfer's sockets here */
        if (lc.multi_remove_handle(drv.multi, easy) == CURLM_OK)
                drv.running--;
        lc.easy.easy_setopt(easy, CURLOPT_PRIVATE, NULL);
        free(t);
}

unsigned curl_uv_running(void)
{
        return drv.running;
}
