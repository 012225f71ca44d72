#include "check/http_req.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* "1.2.3.4" or "[2001:db8::1]", and the port. */
static int addr_of(const struct sockaddr_storage *ss, char *buf, size_t size, unsigned *port)
{
        char ip[INET6_ADDRSTRLEN];

        if (ss->ss_family == AF_INET) {
                const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
                inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
                *port = ntohs(sin->sin_port);
                snprintf(buf, size, "%s", ip);
                return 0;
        }
        if (ss->ss_family == AF_INET6) {
                const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
                inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
                *port = ntohs(sin6->sin6_port);
                snprintf(buf, size, "[%s]", ip);
                return 0;
        }
        return -EINVAL;
}

static bool fits(int n, size_t size)
{
        return n >= 0 && (size_t)n < size;
}

int http_req_build(const struct http_req_in *in, struct http_req *out)
{
        char addr[INET6_ADDRSTRLEN + 2];
        const char *proto = in->protocol ? in->protocol : "1.0";
        const char *host;
        unsigned port;
        bool ok;

        memset(out, 0, sizeof(*out));
        if (!in->path || addr_of(in->dst, addr, sizeof(addr), &port) < 0)
                return -EINVAL;
        out->tls = in->tls;
        out->http11 = !strcmp(proto, "1.1");
        out->conn_close = out->http11 || !strcmp(proto, "1.0C") || !strcmp(proto, "1.0c");
        host = in->sni && *in->sni ? in->sni : addr;
        ok = fits(snprintf(out->url, sizeof(out->url), "%s://%s:%u%s%s", in->tls ? "https" : "http", host, port,
                           in->path[0] == '/' ? "" : "/", in->path),
                  sizeof(out->url));
        if (in->vhost && *in->vhost)
                ok = ok && fits(snprintf(out->host_header, sizeof(out->host_header), "Host: %s", in->vhost),
                                sizeof(out->host_header));
        else
                snprintf(out->host_header, sizeof(out->host_header), "Host: %s:%u", addr, port);
        ok = ok && fits(snprintf(out->connect_to, sizeof(out->connect_to), "%s:%u:%s:%u", host, port, addr, port),
                        sizeof(out->connect_to));
        return ok ? 0 : -ENAMETOOLONG;
}
