/* A test driver for the check worker's probes: parse a keepalived.conf,
 * run every checker of every real server once on a libuv loop through
 * check/probe.h, and print one line per probe as it ends:
 *   VS RS CHECKER result=<check_result_key> exit=N
 * Usage: check_probe_driver [-a] [-n MAX_IN_FLIGHT] [-k N] [-c K] CONFIG
 * -a adds " detail=<the layer's detail>" to each line.
 * -c K cancels the K-th probe started (checkers in the file's order) from
 * the first probe's callback, whether it waits or runs.
 * -k N closes the prober from the N-th probe's callback: whatever still
 * runs or waits is dropped without a line (scripts killed).
 * -b MS holds the loop busy for MS ms once the probes have started, as a
 * saturated machine does: their timeouts are due before the loop polls.
 * Built by meson for tests/integration/test_check_probes.py, not installed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check/probe.h"
#include "common/addr.h"
#include "common/log.h"
#include "conf/fs_posix.h"

struct probe_line {
        char vs[96], rs[64], ck[32];
        unsigned index;                 /* the K of -c */
        bool reported;
        struct check_probe_run *run;
        struct probe_line *next;
};

static struct probe_line *lines;

static unsigned pending, close_after, cancel_index, reported, started;
static bool all_types;
static struct check_prober *prober;

static const char *const type_names[] = { "TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "MISC_CHECK",
                                          "DNS_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK" };

static void endpoint(const struct conf_ip *ip, uint16_t port, char *buf, size_t size)
{
        char a[INET6_ADDRSTRLEN];

        conf_ip_str(ip, a, sizeof(a));
        snprintf(buf, size, ip->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

static void vs_label(const struct conf_virtual_server *vs, char *buf, size_t size)
{
        if (vs->kind == VS_FWMARK)
                snprintf(buf, size, "fwmark:%u", vs->fwmark);
        else if (vs->kind == VS_GROUP)
                snprintf(buf, size, "group:%s", vs->group);
        else
                endpoint(&vs->addr, vs->port, buf, size);
}

static int64_t now_us(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void cancel(unsigned index)
{
        for (struct probe_line *l = lines; l; l = l->next) {
                if (l->index == index && l->run && !l->reported) {
                        check_probe_cancel(l->run);
                        l->reported = true;
                        pending--;
                }
        }
}

static void done(void *ctx, const struct check_probe *res)
{
        struct probe_line *l = ctx;

        printf("%s %s %s result=%s exit=%d", l->vs, l->rs, l->ck, check_result_key(res->result), res->exit_status);
        printf(all_types ? " detail=%s\n" : "\n", res->detail);
        fflush(stdout);
        l->reported = true;
        pending--;
        if (reported == 0 && cancel_index)
                cancel(cancel_index);
        if (++reported == close_after) {
                check_prober_close(prober);
                prober = NULL;
                pending = 0;
        }
}

static int start_all(struct check_prober *p, const struct conf *c)
{
        const struct conf_virtual_server *vs;
        const struct conf_real_server *rs;
        const struct conf_checker *ck;

        CONF_FOREACH(vs, &c->virtual_servers) {
                CONF_FOREACH(rs, &vs->real_servers) {
                        unsigned i = 0;
                        CONF_FOREACH(ck, &rs->checkers) {
                                struct probe_line *l = calloc(1, sizeof(*l));
                                if (!l)
                                        return -1;
                                l->next = lines;
                                lines = l;
                                vs_label(vs, l->vs, sizeof(l->vs));
                                endpoint(&rs->addr, rs->port, l->rs, sizeof(l->rs));
                                snprintf(l->ck, sizeof(l->ck), "%s#%u", type_names[ck->type], ++i);
                                l->index = ++started;
                                pending++;
                                if (!(l->run = check_probe_start(p, vs, rs, ck, now_us(), done, l)))
                                        return -1;
                        }
                }
        }
        return 0;
}

static struct conf *parse(const char *path)
{
        struct diag_list d;
        struct conf_parse_opts po = { .fs = &conf_fs_posix, .random_seed = 1, .hostname = "driver",
                                      .config_id = "driver", .username = "root" };
        struct conf *c;

        diag_list_init(&d);
        c = conf_parse(&po, path, &d);
        if (c && diag_blocks_start(&d)) {
                conf_free(c);
                c = NULL;
        }
        for (size_t i = 0; !c && i < d.count; i++)
                fprintf(stderr, "%s\n", d.items[i].msg);
        diag_list_free(&d);
        return c;
}

int main(int argc, char **argv)
{
        unsigned cap = 0, busy_ms = 0;
        struct conf *c;
        uv_loop_t loop;
        int opt;

        while ((opt = getopt(argc, argv, "an:k:c:b:")) != -1) {
                if (opt == 'b')
                        busy_ms = (unsigned)strtoul(optarg, NULL, 10);
                else if (opt == 'n')
                        cap = (unsigned)strtoul(optarg, NULL, 10);
                else if (opt == 'k')
                        close_after = (unsigned)strtoul(optarg, NULL, 10);
                else if (opt == 'a')
                        all_types = true;
                else if (opt == 'c')
                        cancel_index = (unsigned)strtoul(optarg, NULL, 10);
                else
                        return 2;
        }
        if (optind != argc - 1) {
                fprintf(stderr, "usage: %s [-a] [-b MS] [-n MAX_IN_FLIGHT] [-k N] [-c K] CONFIG\n", argv[0]);
                return 2;
        }
        log_open("check_probe_driver", true, false);
        if (!(c = parse(argv[optind])))
                return 2;
        uv_loop_init(&loop);
        if (check_prober_open(&loop, c, cap, &prober) < 0 || start_all(prober, c) < 0)
                return 1;
        if (busy_ms) {
                struct timespec ts = { busy_ms / 1000, (long)(busy_ms % 1000) * 1000000L };
                while (nanosleep(&ts, &ts) < 0)
                        ;
        }
        while (pending && uv_run(&loop, UV_RUN_ONCE))
                ;
        check_prober_close(prober);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        conf_free(c);
        while (lines) {
                struct probe_line *l = lines;
                lines = l->next;
                free(l);
        }
        return pending ? 1 : 0;
}
