/* One url's GET on a libcurl easy handle, shared by HTTP_GET/SSL_GET
 * (check/probe_http.c) and vigil-genhash: the same request (check/http_req.h),
 * the same TLS settings, the body streamed into the same digest, and the
 * same reading of how it ended (check/http_verdict.h). */
#pragma once

#include <curl/curl.h>

#include "check/http_req.h"
#include "check/http_verdict.h"
#include "worker/curl_uv.h"

struct http_xfer_opts {
        const struct http_req *req;
        const struct conf_url *url;     /* what the answer must be; NULL: no verdict (genhash) */
        const struct conf_ssl *ssl;     /* the root SSL block; NULL or !present: none */
        bool tls_verify;                /* vigil extension: verify the certificate and its name */
        bool decode_chunked;            /* vigil extension: digest the de-chunked body */
        CURLSH *share;                  /* TLS sessions kept between probes; NULL: none */
        int64_t timeout_ms;             /* the whole transfer */
        bool always_digest, sha256;     /* genhash: a digest without a url digest */
        bool keep_headers;              /* genhash -v */
        curl_opensocket_callback open_socket;   /* NULL: libcurl's own socket */
        void *open_socket_ctx;
};

struct http_xfer {
        const struct curl_uv_lib *lc;
        CURL *easy;
        struct curl_slist *headers, *connect_to;
        struct http_body body;
        bool body_failed;               /* the body could not be kept (ENOMEM) */
        bool connected;                 /* libcurl sent the request */
        bool local_failure;             /* set by the caller's open_socket when it fails */
        char *head;                     /* keep_headers: the header bytes */
        size_t head_len;
        char errbuf[CURL_ERROR_SIZE];
};

/* An easy handle ready to run (curl_uv_start or curl_easy_perform).
 * 0, -ENOSYS (no libcurl or libcrypto), -ENOMEM; x is freed on failure. */
int http_xfer_setup(struct http_xfer *x, const struct http_xfer_opts *o);
/* After the transfer: its check_result, with a detail ("503", curl's
 * reason); *status the HTTP status (0: none). */
enum check_result http_xfer_result(struct http_xfer *x, const struct conf_url *u, CURLcode code, char *detail,
                                   size_t size, long *status);
void http_xfer_free(struct http_xfer *x);
