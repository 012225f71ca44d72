/* tls_session_reuse's TLS sessions: one libcurl share (CURLSH) per
 * server, found by the request's connect-to string (URL host and port,
 * target address and port), made at the first probe and dropped once
 * unused for HTTP_SESSIONS_IDLE_MS.
 *
 * Why not one share for every checker: libcurl 7.88's share holds 8
 * sessions, least recently used first out, so with more than 8 servers
 * probed in turn each session was pushed out before its server came
 * round again and almost every probe made a full handshake. */
#pragma once

#include <stdint.h>

#include "worker/curl_uv.h"

#define HTTP_SESSIONS_IDLE_MS (10 * 60 * 1000)

struct http_session;

/* The share for key (held until http_session_put), or NULL (ENOMEM or
 * no share in libcurl): the probe then makes a full handshake. now_ms:
 * any monotonic clock in milliseconds. */
struct http_session *http_session_get(const struct curl_uv_lib *lc, const char *key, int64_t now_ms);
CURLSH *http_session_share(const struct http_session *s);
void http_session_put(struct http_session *s, int64_t now_ms);
/* Shares kept (tests, metrics). */
unsigned http_sessions_count(void);
/* Every unused share dropped (tests; the worker's exit). */
void http_sessions_clear(const struct curl_uv_lib *lc);
