/* Fake no_accept filter (replaces src/net/nft.c): VIP set changes counted. */
#include <stdlib.h>

#include "fakes.h"
#include "net/nft.h"

struct nft_no_accept {
        int unused;
};

int nft_no_accept_open(struct nft_no_accept **ret)
{
        *ret = calloc(1, sizeof(**ret));
        return *ret ? 0 : -12;
}

void nft_no_accept_close(struct nft_no_accept *n)
{
        free(n);
}

int nft_no_accept_vips(struct nft_no_accept *n, bool add, const conf_ipaddress_list *vips)
{
        (void)n, (void)vips;
        if (add)
                fake.nft_adds++;
        else
                fake.nft_dels++;
        return 0;
}
