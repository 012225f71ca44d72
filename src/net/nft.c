#include "net/nft.h"

#include <nftables/libnftables.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/lazylib.h"
#include "common/log.h"

struct nft_no_accept {
        struct nft_ctx *ctx;
};

/* libnftables, loaded only when no_accept is in use (common/lazylib.h). */
static struct {
        struct nft_ctx *(*ctx_new)(uint32_t);
        void (*ctx_free)(struct nft_ctx *);
        int (*ctx_buffer_error)(struct nft_ctx *);
        const char *(*ctx_get_error_buffer)(struct nft_ctx *);
        int (*run_cmd_from_buffer)(struct nft_ctx *, const char *);
} lib;

typedef __typeof__(lib) lib_t;
static const struct lazysym nft_syms[] = {
        LAZYSYM(lib_t, ctx_new, "nft_ctx_new"),
        LAZYSYM(lib_t, ctx_free, "nft_ctx_free"),
        LAZYSYM(lib_t, ctx_buffer_error, "nft_ctx_buffer_error"),
        LAZYSYM(lib_t, ctx_get_error_buffer, "nft_ctx_get_error_buffer"),
        LAZYSYM(lib_t, run_cmd_from_buffer, "nft_run_cmd_from_buffer"),
};
static struct lazylib nft_lib = LAZYLIB("libnftables.so.1", "no_accept", nft_syms, lib);

static int run(struct nft_ctx *nft, const char *cmd)
{
        int r = lib.run_cmd_from_buffer(nft, cmd);

        if (r != 0) {
                const char *err = lib.ctx_get_error_buffer(nft);
                log_err("nftables: '%s' failed: %s", cmd, err && *err ? err : "unknown error");
        }
        return r == 0 ? 0 : -1;
}

int nft_no_accept_open(struct nft_no_accept **ret)
{
        static const char ruleset[] =
                "table ip vigil {\n"
                "  set vips { type ipv4_addr; }\n"
                "  chain no_accept { type filter hook prerouting priority -1; ip daddr @vips drop; }\n"
                "}\n"
                "table ip6 vigil {\n"
                "  set vips { type ipv6_addr; }\n"
                "  chain no_accept { type filter hook prerouting priority -1; ip6 daddr @vips drop; }\n"
                "}\n";

        struct nft_no_accept *n;
        struct nft_ctx *nft;

        if (!lazylib_get(&nft_lib))
                return -1;
        n = calloc(1, sizeof(*n));
        nft = n ? lib.ctx_new(NFT_CTX_DEFAULT) : NULL;
        if (!nft) {
                free(n);
                log_err("no_accept needs nftables, and libnftables could not start");
                return -1;
        }
        lib.ctx_buffer_error(nft);
        /* a table a crashed run left behind; "not found" is the normal case */
        lib.run_cmd_from_buffer(nft, "delete table ip vigil\n");
        lib.run_cmd_from_buffer(nft, "delete table ip6 vigil\n");
        lib.ctx_get_error_buffer(nft); /* reading it empties it */
        if (run(nft, ruleset) < 0) {
                log_err("no_accept needs nftables (kernel nf_tables); the VIPs would accept traffic, so not starting");
                lib.ctx_free(nft);
                free(n);
                return -1;
        }
        n->ctx = nft;
        *ret = n;
        return 0;
}

void nft_no_accept_close(struct nft_no_accept *n)
{
        if (!n)
                return;
        lib.run_cmd_from_buffer(n->ctx, "delete table ip vigil\n");
        lib.run_cmd_from_buffer(n->ctx, "delete table ip6 vigil\n");
        lib.ctx_free(n->ctx);
        free(n);
}

/* "add element ip vigil vips { a, b, c }" for one family's VIPs: one
 * parser run per family and transition, not one per VIP. 0 when the list
 * has none of the family. */
static size_t elements_cmd(bool add, int family, const conf_ipaddress_list *vips, char **ret)
{
        const struct conf_ipaddress *a;
        size_t len = 0, n = 0;
        FILE *f = open_memstream(ret, &len);

        if (!f)
                return 0;
        fprintf(f, "%s element %s vigil vips { ", add ? "add" : "delete", family == AF_INET6 ? "ip6" : "ip");
        CONF_FOREACH(a, vips) {
                char ip[64];
                if (a->addr.family != family)
                        continue;
                fprintf(f, "%s%s", n++ ? ", " : "", conf_ip_str(&a->addr, ip, sizeof(ip)));
        }
        fputs(" }\n", f);
        fclose(f);
        return n;
}

/* A set deletion is one transaction: one element already gone (another
 * instance with the same VIP released it) fails it whole, so the rest go
 * one by one as before. Rare: only after a failed batch. */
static void delete_each(struct nft_no_accept *n, int family, const conf_ipaddress_list *vips)
{
        const struct conf_ipaddress *a;

        lib.ctx_get_error_buffer(n->ctx); /* reading it empties it */
        CONF_FOREACH(a, vips) {
                char ip[64], cmd[160];
                if (a->addr.family != family)
                        continue;
                snprintf(cmd, sizeof(cmd), "delete element %s vigil vips { %s }\n", family == AF_INET6 ? "ip6" : "ip",
                         conf_ip_str(&a->addr, ip, sizeof(ip)));
                lib.run_cmd_from_buffer(n->ctx, cmd);
        }
        lib.ctx_get_error_buffer(n->ctx);
}

int nft_no_accept_vips(struct nft_no_accept *n, bool add, const conf_ipaddress_list *vips)
{
        static const int families[] = { AF_INET, AF_INET6 };
        int r = 0;

        if (!n)
                return -1;
        for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
                char *cmd = NULL;
                if (elements_cmd(add, families[i], vips, &cmd)) {
                        if (add)
                                r |= run(n->ctx, cmd);
                        else if (lib.run_cmd_from_buffer(n->ctx, cmd) != 0)
                                delete_each(n, families[i], vips);
                }
                free(cmd);
        }
        return r;
}
