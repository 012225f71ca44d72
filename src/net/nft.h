/* no_accept (Accept_Mode off, strict mode's default): traffic addressed to
 * the VIPs is dropped while this node holds them, with nftables through
 * libnftables (in process, no fork). Table "ip vigil" / "ip6 vigil", a set
 * of VIPs and one prerouting drop rule; removed on stop. */
#pragma once

#include <stdbool.h>

#include "conf/model.h"

/* One context per engine, made when the first no_accept instance needs
 * it: the tables are created once, so that instances opened later (a
 * reload, a restart) add their elements beside the kept masters' ones. */
struct nft_no_accept;

/* Create the tables (a crashed run's are replaced); 0 or a negative value
 * with the reason logged. */
int nft_no_accept_open(struct nft_no_accept **ret);
/* Remove the tables and free the context; NULL is a no-op. */
void nft_no_accept_close(struct nft_no_accept *n);
/* Add or remove the instance's VIPs from the drop set. */
int nft_no_accept_vips(struct nft_no_accept *n, bool add, const conf_ipaddress_list *vips);
