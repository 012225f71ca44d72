/* The real servers of the VM benchmark (bench/lvs_vm.py), in one process.
 *
 *   bench_rs [-H | -S CERT -K KEY] -a FIRST_ADDR -n NADDR -p FIRST_PORT -m NPORTS -d DELAY_MS
 *
 * listens on NPORTS TCP ports (0.0.0.0) and stands for NADDR x NPORTS real servers:
 * the server a connection is for is its local address and port (getsockname), so
 * 100 sockets serve 10,000 servers on 100 addresses of a dummy link.  Plain mode
 * accepts and closes (TCP_CHECK); -H answers one HTTP/1.0 200 (HTTP_GET); -S/-K do
 * the same over TLS (SSL_GET), every connection non-blocking on the one epoll loop, so
 * the servers are not what limits the checks (openssl s_server serves one connection
 * at a time). OpenSSL's defaults stand: TLS 1.3, two session tickets per handshake,
 * so a checker that offers a ticket resumes.
 *
 * It is also the benchmark's clock of check start times, without tcpdump: every
 * accept is timestamped per server.  SIGUSR1 opens a window (forgets the past),
 * SIGUSR2 prints one JSON line about the window and opens the next:
 *   accepts, servers seen, seconds, the interval between two checks of one server
 *   (p50/p99/max, ms), its deviation from DELAY_MS (p50/p99), and how bursty the
 *   checks are (the busiest 10 ms against the mean), and its own CPU time (ms).
 * Built on the host by bench/lvs_vm.py and put in the image with build.py --extra;
 * never installed, never part of make check. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXPORTS 4096
#define BUCKET_US 10000
#define MAXFD 65536

static volatile sig_atomic_t want_reset, want_dump;
static uint32_t first_addr;
static int naddr, first_port, nports, http_mode, delay_ms;
static int64_t *last_us;   /* per server: its last accept */
static int64_t *ivals;     /* intervals of this window, us */
static size_t nivals, civals;
static int64_t win_start, accepts;
static uint32_t *seen_gen, gen = 1;
static int64_t seen;
static uint32_t *buckets;  /* accepts per 10 ms of the window */
static size_t nbuckets;
static int64_t win_cpu_us; /* our own CPU time at the window's start */
static SSL_CTX *tls;       /* -S: every connection is TLS */
static SSL *conn_tls[MAXFD];

static int64_t now_us(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_signal(int sig)
{
        if (sig == SIGUSR1)
                want_reset = 1;
        else
                want_dump = 1;
}

static int64_t cpu_us(void)
{
        struct rusage ru;

        getrusage(RUSAGE_SELF, &ru);
        return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
               ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static void reset(void)
{
        win_cpu_us = cpu_us();
        nivals = 0;
        accepts = 0;
        seen = 0;
        gen++;
        win_start = now_us();
        memset(buckets, 0, nbuckets * sizeof(*buckets));
}

static int cmp64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

        return (x > y) - (x < y);
}

static double pct(const int64_t *v, size_t n, double p)
{
        if (!n)
                return 0;
        return (double)v[(size_t)(p * (double)(n - 1))] / 1000.0;
}

static void dump(void)
{
        int64_t dur = now_us() - win_start;
        size_t used = (size_t)(dur / BUCKET_US), i;
        uint32_t peak = 0;
        int64_t *dev = malloc((nivals + 1) * sizeof(*dev));

        qsort(ivals, nivals, sizeof(*ivals), cmp64);
        for (i = 0; i < nivals; i++)
                dev[i] = llabs(ivals[i] - (int64_t)delay_ms * 1000);
        qsort(dev, nivals, sizeof(*dev), cmp64);
        if (used > nbuckets)
                used = nbuckets;
        for (i = 0; i < used; i++)
                if (buckets[i] > peak)
                        peak = buckets[i];
        printf("{\"accepts\": %lld, \"servers_seen\": %lld, \"servers\": %d, \"seconds\": %.3f, "
               "\"interval_ms\": {\"p50\": %.1f, \"p99\": %.1f, \"max\": %.1f}, "
               "\"deviation_ms\": {\"p50\": %.1f, \"p99\": %.1f}, \"intervals\": %zu, "
               "\"peak_10ms\": %u, \"mean_10ms\": %.2f, \"cpu_ms\": %.1f}\n",
               (long long)accepts, (long long)seen, naddr * nports, (double)dur / 1e6,
               pct(ivals, nivals, 0.5), pct(ivals, nivals, 0.99),
               nivals ? (double)ivals[nivals - 1] / 1000.0 : 0.0, pct(dev, nivals, 0.5),
               pct(dev, nivals, 0.99), nivals, peak,
               used ? (double)accepts / (double)used : 0.0,
               (double)(cpu_us() - win_cpu_us) / 1000.0);
        fflush(stdout);
        free(dev);
        reset();
}

static void record(int fd)
{
        struct sockaddr_in sa;
        socklen_t len = sizeof(sa);
        int64_t t = now_us(), idx;
        uint32_t a;
        size_t b;

        if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
                return;
        a = ntohl(sa.sin_addr.s_addr) - first_addr;
        idx = (int64_t)a * nports + (ntohs(sa.sin_port) - first_port);
        if (a >= (uint32_t)naddr || idx < 0 || idx >= (int64_t)naddr * nports)
                return;
        accepts++;
        b = (size_t)((t - win_start) / BUCKET_US);
        if (b < nbuckets)
                buckets[b]++;
        if (seen_gen[idx] != gen) {
                seen_gen[idx] = gen;
                seen++;
        }
        /* an interval counts when both of its ends fall in this window */
        if (last_us[idx] >= win_start) {
                if (nivals == civals) {
                        civals = civals ? civals * 2 : 65536;
                        ivals = realloc(ivals, civals * sizeof(*ivals));
                }
                ivals[nivals++] = t - last_us[idx];
        }
        last_us[idx] = t;
}

static void tls_done(int fd)
{
        SSL_free(conn_tls[fd]);
        conn_tls[fd] = NULL;
        close(fd);
}

/* Waits for what OpenSSL asked for, or ends the connection on anything else. */
static void tls_wait(int ep, int fd, int err)
{
        struct epoll_event ev = { .data.u64 = (uint64_t)fd << 1 | 1 };

        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
                tls_done(fd);
                return;
        }
        ev.events = err == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT;
        if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) < 0)
                tls_done(fd);
}

static const char reply[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                            "Content-Length: 3\r\nConnection: close\r\n\r\nok\n";

/* One step of a TLS connection: the handshake, then one read holds the checker's
 * request; the answer and a close_notify go out and the connection ends. */
static void tls_step(int ep, int fd)
{
        SSL *s = conn_tls[fd];
        char buf[4096];
        int r;

        if (!SSL_is_init_finished(s) && (r = SSL_do_handshake(s)) != 1) {
                tls_wait(ep, fd, SSL_get_error(s, r));
                return;
        }
        if ((r = SSL_read(s, buf, sizeof(buf))) <= 0) {
                tls_wait(ep, fd, SSL_get_error(s, r));
                return;
        }
        if (SSL_write(s, reply, (int)sizeof(reply) - 1) > 0)
                SSL_shutdown(s);
        tls_done(fd);
}

static void serve(int ep, int lfd)
{
        struct epoll_event ev = { .events = EPOLLIN };
        int fd;

        while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                record(fd);
                if ((!http_mode && !tls) || fd >= MAXFD) {
                        close(fd);
                        continue;
                }
                if (tls && (!(conn_tls[fd] = SSL_new(tls)) || !SSL_set_fd(conn_tls[fd], fd))) {
                        tls_done(fd);
                        continue;
                }
                if (tls)
                        SSL_set_accept_state(conn_tls[fd]);
                ev.data.u64 = (uint64_t)fd << 1 | 1;
                if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
                        if (tls)
                                tls_done(fd);
                        else
                                close(fd);
                }
        }
}

static void answer(int fd)
{
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof(buf));

        if (n < 0 && errno == EAGAIN)
                return;
        /* one read holds a checker's whole request; answer and close */
        if (n > 0 && write(fd, reply, sizeof(reply) - 1) < 0)
                perror("bench_rs: write");
        close(fd);
}

static int listen_on(int ep, int port)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)port << 1 };
        int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

        if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
            bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4096) < 0)
                return -1;
        ev.data.u64 = (uint64_t)fd << 1;
        return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* -S CERT -K KEY: the TLS context every connection is made from. */
static int tls_setup(const char *cert, const char *key)
{
        if (!cert && !key)
                return 0;
        if (!cert || !key || !(tls = SSL_CTX_new(TLS_server_method())) ||
            SSL_CTX_use_certificate_chain_file(tls, cert) != 1 ||
            SSL_CTX_use_PrivateKey_file(tls, key, SSL_FILETYPE_PEM) != 1) {
                ERR_print_errors_fp(stderr);
                return -1;
        }
        return 0;
}

static int parse(int argc, char **argv)
{
        const char *cert = NULL, *key = NULL;
        struct in_addr in;
        int c;

        delay_ms = 1000;
        while ((c = getopt(argc, argv, "HS:K:a:n:p:m:d:")) != -1) {
                switch (c) {
                case 'H': http_mode = 1; break;
                case 'S': cert = optarg; break;
                case 'K': key = optarg; break;
                case 'a':
                        if (inet_pton(AF_INET, optarg, &in) != 1)
                                return -1;
                        first_addr = ntohl(in.s_addr);
                        break;
                case 'n': naddr = atoi(optarg); break;
                case 'p': first_port = atoi(optarg); break;
                case 'm': nports = atoi(optarg); break;
                case 'd': delay_ms = atoi(optarg); break;
                default: return -1;
                }
        }
        if (tls_setup(cert, key) < 0)
                return -1;
        return naddr > 0 && nports > 0 && nports <= MAXPORTS && first_port > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
        struct sigaction sa = { .sa_handler = on_signal };
        struct epoll_event evs[256];
        int ep, i, n;

        if (parse(argc, argv) < 0) {
                fprintf(stderr, "usage: %s [-H | -S CERT -K KEY] -a ADDR -n NADDR -p PORT -m NPORTS [-d MS]\n", argv[0]);
                return 2;
        }
        last_us = calloc((size_t)naddr * nports, sizeof(*last_us));
        seen_gen = calloc((size_t)naddr * nports, sizeof(*seen_gen));
        nbuckets = 3600 * 100;
        buckets = calloc(nbuckets, sizeof(*buckets));
        ep = epoll_create1(EPOLL_CLOEXEC);
        sigaction(SIGUSR1, &sa, NULL);
        sigaction(SIGUSR2, &sa, NULL);
        signal(SIGPIPE, SIG_IGN); /* a checker may reset before the answer is out */
        for (i = 0; i < nports; i++)
                if (listen_on(ep, first_port + i) < 0) {
                        perror("bench_rs: listen");
                        return 1;
                }
        reset();
        for (;;) {
                if (want_reset) {
                        want_reset = 0;
                        reset();
                }
                if (want_dump) {
                        want_dump = 0;
                        dump();
                }
                n = epoll_wait(ep, evs, 256, -1);
                for (i = 0; i < n; i++) {
                        int fd = (int)(evs[i].data.u64 >> 1);

                        if ((evs[i].data.u64 & 1) && tls)
                                tls_step(ep, fd);
                        else if (evs[i].data.u64 & 1)
                                answer(fd);
                        else
                                serve(ep, fd);
                }
        }
}
