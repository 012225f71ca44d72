/* no_accept (Accept_Mode off, strict mode's default): traffic addressed to
 * the VIPs is dropped while this node holds them, with nftables through
 * libnftables (in process, no fork). Table "ip vigil" / "ip6 vigil", a set
 * of VIPs and one prerouting drop rule; removed on stop. */
#pragma once

#include <stdbool.h>

#include "conf/model.h"

/* Create the tables; returns 0 or a negative value with the reason logged. */
int nft_no_accept_init(void);
void nft_no_accept_fini(void);
/* Add or remove the instance's VIPs from the drop set. */
int nft_no_accept_vips(bool add, const conf_ipaddress_list *vips);
