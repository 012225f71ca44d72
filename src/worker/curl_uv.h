/* libcurl's multi interface on the worker's libuv loop: one driver for
 * every transfer a worker makes (SMTP alerts now, HTTP_GET checks next), so
 * nothing waits for a slow server, on the loop or on the thread pool.
 * curl says which sockets to watch (CURLMOPT_SOCKETFUNCTION -> uv_poll_t)
 * and when it next needs to run (CURLMOPT_TIMERFUNCTION -> uv_timer_t); we
 * call curl_multi_socket_action() when either fires.
 *
 * libcurl is loaded on first use (common/lazylib.h says why); callers set up
 * their easy handles through the table curl_uv_lib() returns. */
#pragma once

#include <curl/curl.h>
#include <stdbool.h>
#include <uv.h>

/* The part of libcurl's easy API a transfer needs. */
struct curl_uv_lib {
        CURL *(*easy_init)(void);
        CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
        void (*easy_cleanup)(CURL *);
        /* every option back to its default; a kept handle starts clean */
        void (*easy_reset)(CURL *);
        const char *(*easy_strerror)(CURLcode);
        struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
        void (*slist_free_all)(struct curl_slist *);
        CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
        /* a share (CURLSH) keeps TLS sessions between transfers */
        CURLSH *(*share_init)(void);
        CURLSHcode (*share_setopt)(CURLSH *, CURLSHoption, ...);
        CURLSHcode (*share_cleanup)(CURLSH *);
};

/* libcurl, loaded and globally initialised once; NULL (logged once) if it
 * cannot be loaded. */
const struct curl_uv_lib *curl_uv_lib(void);

/* Called on the loop when a transfer ends, with its result; the easy
 * handle is the caller's again (to read info from and clean up). */
typedef void (*curl_uv_done_fn)(void *ctx, CURL *easy, CURLcode result);

/* Run easy on loop's driver (made at the first transfer); done() is called
 * exactly once, also when the transfer cannot start. 0 or -errno. */
int curl_uv_start(uv_loop_t *loop, CURL *easy, curl_uv_done_fn done, void *ctx);
/* Stop a running transfer without calling its done(); the easy handle is
 * the caller's again. Nothing happens if it is not running. */
void curl_uv_cancel(CURL *easy);
/* Transfers started and not yet done. */
unsigned curl_uv_running(void);
