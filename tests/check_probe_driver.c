/* A test driver for the check worker's probes: parse a keepalived.conf,
 * run every checker of every real server once on a libuv loop through
 * check/probe.h, and print one line per probe as it ends:
 *   VS RS CHECKER result=<check_result_key> exit=N
 * Usage: check_probe_driver [-n MAX_IN_FLIGHT] CONFIG
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
};

static unsigned pending;

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

static void done(void *ctx, const struct check_probe *res)
{
        struct probe_line *l = ctx;

        printf("%s %s %s result=%s exit=%d\n", l->vs, l->rs, l->ck, check_result_key(res->result), res->exit_status);
        fflush(stdout);
        pending--;
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
                                struct probe_line *l = calloc(1, sizeof(*l)); /* freed at exit */
                                if (!l)
                                        return -1;
                                vs_label(vs, l->vs, sizeof(l->vs));
                                endpoint(&rs->addr, rs->port, l->rs, sizeof(l->rs));
                                snprintf(l->ck, sizeof(l->ck), "%s#%u", type_names[ck->type], ++i);
                                if (!check_probe_supported(ck->type)) {
                                        printf("%s %s %s unsupported\n", l->vs, l->rs, l->ck);
                                        continue;
                                }
                                pending++;
                                if (!check_probe_start(p, vs, rs, ck, now_us(), done, l))
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
        unsigned cap = 0;
        struct check_prober *p;
        struct conf *c;
        uv_loop_t loop;
        int opt;

        while ((opt = getopt(argc, argv, "n:")) != -1) {
                if (opt != 'n')
                        return 2;
                cap = (unsigned)strtoul(optarg, NULL, 10);
        }
        if (optind != argc - 1) {
                fprintf(stderr, "usage: %s [-n MAX_IN_FLIGHT] CONFIG\n", argv[0]);
                return 2;
        }
        log_open("check_probe_driver", true, false);
        if (!(c = parse(argv[optind])))
                return 2;
        uv_loop_init(&loop);
        if (check_prober_open(&loop, c, cap, &p) < 0 || start_all(p, c) < 0)
                return 1;
        while (pending && uv_run(&loop, UV_RUN_ONCE))
                ;
        check_prober_close(p);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        conf_free(c);
        return pending ? 1 : 0;
}
