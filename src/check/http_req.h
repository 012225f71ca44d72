/* The request HTTP_GET, SSL_GET and vigil-genhash send, as keepalived
 * sends it (keepalived-reference.md §1.13): "GET <path> HTTP/1.0|1.1",
 * "User-Agent: KeepAliveClient", "Connection: close" for 1.0C and 1.1,
 * "Host: <virtualhost>" or "Host: <ip>:<port>" ("[v6]:port"). Pure:
 * strings for libcurl, built from the target and the url. The URL's host
 * is the SNI name when there is one (libcurl sends SNI from it and checks
 * the certificate against it) and the address otherwise; libcurl is told
 * to connect to the target address whatever the URL's host says. */
#pragma once

#include <stdbool.h>
#include <sys/socket.h>

#define HTTP_URL_MAX 2048
#define HTTP_HOST_MAX 320

struct http_req_in {
        bool tls;
        const char *path;
        const char *vhost;              /* NULL: the Host header is ip:port */
        const char *sni;                /* NULL: no SNI */
        const struct sockaddr_storage *dst;
        const char *protocol;           /* "1.0", "1.0C", "1.0c", "1.1"; NULL: 1.0 */
};

struct http_req {
        char url[HTTP_URL_MAX];
        char host_header[HTTP_HOST_MAX + 8];    /* "Host: ..." */
        char connect_to[2 * HTTP_HOST_MAX];     /* libcurl's HOST:PORT:ADDR:PORT */
        bool tls;
        bool http11;
        bool conn_close;
};

#define HTTP_USER_AGENT "User-Agent: KeepAliveClient"

/* 0, -EINVAL (no path, an address family that is not IP), -ENAMETOOLONG. */
int http_req_build(const struct http_req_in *in, struct http_req *out);
