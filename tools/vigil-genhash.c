/* vigil-genhash: keepalived's genhash, the digest a url's `digest`
 * expects. It sends the very request HTTP_GET/SSL_GET sends (check/http_req.h)
 * through the same transfer set-up and body digest (check/http_xfer.h) on
 * the same libcurl-multi driver (worker/curl_uv.h), so what it prints is
 * what the checker compares.
 *
 * Options and output are genhash's (genhash --help): -s -p -u [-S] [-I]
 * [-V] [-P] [-t] [-m] [-v] [-h], long forms too; the digest on a line of
 * its own; -v adds genhash's hex dumps of the header and body. Where it
 * differs on purpose: a failed fetch exits 1 (genhash prints "Connection
 * failed" and exits 0, so scripts took an error for a digest), with the
 * reason on stderr; --sha256 prints the 64-hex SHA-256 digest vigil's
 * checker also accepts; --decode-chunked digests as decode_chunked does;
 * -s takes IPv6 addresses too. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/http_xfer.h"
#include "common/log.h"

struct genhash {
        struct sockaddr_storage dst;
        const char *server, *url, *vhost, *protocol;
        unsigned port;
        bool ssl, sni, verbose, sha256, decode_chunked;
        uint32_t fwmark;
        long timeout_s;
        /* the outcome */
        bool done;
        CURLcode code;
};

static void usage(FILE *f, const char *prog)
{
        fprintf(f,
                "Usage: %s COMMAND [OPTIONS]\n"
                "Commands:\n"
                "   -s server-address -p port -u url\n"
                "   -S -s server-address -p port -u url\n"
                "   -h\n\n"
                "Options:\n"
                "Either long or short options are allowed.\n"
                "   --use-ssl         -S       Use SSL connection to remote server.\n"
                "   --use-sni         -I       Use SNI during SSL handshake (uses virtualhost setting; see -V).\n"
                "   --server          -s       Use the specified remote server address.\n"
                "   --port            -p       Use the specified remote server port.\n"
                "   --url             -u       Use the specified remote server url.\n"
                "   --use-virtualhost -V       Use the specified virtualhost in GET query.\n"
                "   --verbose         -v       Use verbose mode output.\n"
                "   --help            -h       Display this short inlined help screen.\n"
                "   --fwmark          -m       Use the specified FW mark.\n"
                "   --protocol        -P       Use the specified HTTP protocol - '1.0', 1.0c', '1.1'.\n"
                "                                1.0c means 1.0 with 'Connection: close'\n"
                "   --timeout         -t       Timeout in seconds\n"
                "   --sha256                   Print the SHA-256 digest instead of MD5 (vigil extension).\n"
                "   --decode-chunked           Digest a chunked body without its framing, as decode_chunked\n"
                "                                does (vigil extension).\n",
                prog);
}

static int parse_server(struct genhash *g)
{
        struct sockaddr_in *sin = (struct sockaddr_in *)&g->dst;
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&g->dst;

        memset(&g->dst, 0, sizeof(g->dst));
        if (inet_pton(AF_INET, g->server, &sin->sin_addr) == 1) {
                sin->sin_family = AF_INET;
                sin->sin_port = htons((uint16_t)g->port);
                return 0;
        }
        if (inet_pton(AF_INET6, g->server, &sin6->sin6_addr) == 1) {
                sin6->sin6_family = AF_INET6;
                sin6->sin6_port = htons((uint16_t)g->port);
                return 0;
        }
        return -EINVAL;
}

static bool parse_number(const char *s, unsigned long max, unsigned long *ret)
{
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno || end == s || *end || v > max)
                return false;
        *ret = v;
        return true;
}

static const struct option long_opts[] = {
        { "use-ssl", no_argument, NULL, 'S' },          { "use-sni", no_argument, NULL, 'I' },
        { "server", required_argument, NULL, 's' },     { "port", required_argument, NULL, 'p' },
        { "url", required_argument, NULL, 'u' },        { "use-virtualhost", required_argument, NULL, 'V' },
        { "verbose", no_argument, NULL, 'v' },          { "help", no_argument, NULL, 'h' },
        { "fwmark", required_argument, NULL, 'm' },     { "protocol", required_argument, NULL, 'P' },
        { "timeout", required_argument, NULL, 't' },    { "sha256", no_argument, NULL, '2' },
        { "decode-chunked", no_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 },
};

/* 0 to run, else the exit status (usage said). */
static int parse_args(struct genhash *g, int argc, char **argv)
{
        unsigned long v;
        int opt;

        while ((opt = getopt_long(argc, argv, "SIs:p:u:V:vhm:P:t:", long_opts, NULL)) != -1) {
                switch (opt) {
                case 'S': g->ssl = true; break;
                case 'I': g->sni = true; break;
                case 's': g->server = optarg; break;
                case 'u': g->url = optarg; break;
                case 'V': g->vhost = optarg; break;
                case 'v': g->verbose = true; break;
                case '2': g->sha256 = true; break;
                case 'c': g->decode_chunked = true; break;
                case 'p':
                        if (!parse_number(optarg, 65535, &v) || !v)
                                goto bad;
                        g->port = (unsigned)v;
                        break;
                case 'm':
                        if (!parse_number(optarg, UINT32_MAX, &v))
                                goto bad;
                        g->fwmark = (uint32_t)v;
                        break;
                case 't':
                        if (!parse_number(optarg, 86400, &v) || !v)
                                goto bad;
                        g->timeout_s = (long)v;
                        break;
                case 'P':
                        if (strcmp(optarg, "1.0") && strcmp(optarg, "1.0c") && strcmp(optarg, "1.0C") &&
                            strcmp(optarg, "1.1"))
                                goto bad;
                        g->protocol = optarg;
                        break;
                default:
                        goto bad;
                }
        }
        if (optind == argc && g->server && g->port && g->url) {
                if (parse_server(g) == 0)
                        return 0;
                fprintf(stderr, "server should be an IP, not %s\n", g->server);
                return 1;
        }
bad:
        usage(stderr, argv[0]);
        return 1;
}

/* The fwmark (-m) on the socket libcurl connects with. */
static curl_socket_t open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
        struct genhash *g = ctx;
        int fd;

        (void)purpose;
        if ((fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol)) < 0)
                return CURL_SOCKET_BAD;
        if (g->fwmark && setsockopt(fd, SOL_SOCKET, SO_MARK, &g->fwmark, sizeof(g->fwmark)) < 0) {
                fprintf(stderr, "cannot set fwmark %u: %s\n", g->fwmark, strerror(errno));
                close(fd);
                return CURL_SOCKET_BAD;
        }
        return fd;
}

static void on_done(void *ctx, CURL *easy, CURLcode code)
{
        struct genhash *g = ctx;

        (void)easy;
        g->code = code;
        g->done = true;
}

/* genhash's dump: decimal offsets, 16 bytes a line split by "- ", then
 * the printable characters. */
static void hexdump(const uint8_t *p, size_t n)
{
        for (size_t off = 0; off < n; off += 16) {
                printf("%04zu  ", off);
                for (size_t i = 0; i < 16; i++) {
                        if (i == 8)
                                printf("- ");
                        if (off + i < n)
                                printf("%02x ", p[off + i]);
                        else
                                printf("   ");
                }
                printf("  ");
                for (size_t i = 0; i < 16; i++)
                        putchar(off + i < n ? (isprint(p[off + i]) ? p[off + i] : '.') : ' ');
                putchar('\n');
        }
}

static void banner(const char *title)
{
        printf("-----------------------[%s]-----------------------\n", title);
}

static void print_verbose(const struct http_xfer *x, const char *digest)
{
        uint8_t raw[HTTP_DIGEST_HEX_MAX / 2];
        size_t n = strlen(digest) / 2;

        banner("    HTTP Header Buffer    ");
        hexdump((const uint8_t *)x->head, x->head_len);
        banner(" HTTP Header Ascii Buffer ");
        printf("%s\n", x->head ? x->head : "");
        banner("        HTML Buffer        ");
        hexdump(x->body.buf, x->body.len);
        printf("\n");
        for (size_t i = 0; i < n; i++)
                sscanf(digest + 2 * i, "%2hhx", &raw[i]);
        banner("    HTML hash resulting    ");
        hexdump(raw, n);
        banner(" HTML hash final resulting ");
}

static int fetch(struct genhash *g, uv_loop_t *loop, struct http_xfer *x, struct http_req *rq)
{
        /* -v dumps the body: a url with a regex is one whose bytes are kept */
        struct conf_url keep = { .path = g->url, .regex = g->verbose ? "" : NULL };
        struct http_req_in in = { .tls = g->ssl, .path = g->url, .vhost = g->vhost,
                                  .sni = g->ssl && g->sni ? g->vhost : NULL, .dst = &g->dst, .protocol = g->protocol };
        struct http_xfer_opts o = { .req = rq, .url = g->verbose ? &keep : NULL, .timeout_ms = g->timeout_s * 1000,
                                    .always_digest = true, .sha256 = g->sha256, .keep_headers = g->verbose,
                                    .decode_chunked = g->decode_chunked,
                                    .open_socket = open_socket, .open_socket_ctx = g };
        int e;

        if ((e = http_req_build(&in, rq)) < 0 || (e = http_xfer_setup(x, &o)) < 0) {
                fprintf(stderr, "cannot set up the request: %s\n", strerror(-e));
                return -1;
        }
        if (curl_uv_start(loop, x->easy, on_done, g) < 0 && !g->done)
                return -1;
        while (!g->done && uv_run(loop, UV_RUN_ONCE))
                ;
        return 0;
}

int main(int argc, char **argv)
{
        struct genhash g = { .protocol = "1.0", .timeout_s = 5 };
        struct http_req rq;
        struct http_xfer x = { 0 };
        uv_loop_t loop;
        char detail[CHECK_DETAIL_MAX];
        long status;
        uint64_t t0;
        int rc;

        if ((rc = parse_args(&g, argc, argv)))
                return rc;
        log_open("vigil-genhash", true, false);
        uv_loop_init(&loop);
        t0 = uv_hrtime();
        rc = fetch(&g, &loop, &x, &rq) < 0 || !g.done ||
             http_xfer_result(&x, NULL, g.code, detail, sizeof(detail), &status) != CHECK_OK;
        if (rc) {
                printf("Connection failed\n");
                fprintf(stderr, "%s\n", g.done ? detail : "the transfer did not start");
        } else {
                if (g.verbose)
                        print_verbose(&x, x.body.digest);
                printf("%s\n", x.body.digest);
        }
        if (g.verbose)
                printf("\nGlobal response time for [%s] = %llu usecs\n", g.url,
                       (unsigned long long)((uv_hrtime() - t0) / 1000));
        http_xfer_free(&x);
        return rc;
}
