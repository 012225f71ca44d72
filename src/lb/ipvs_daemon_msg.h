/* The IPVS connection-sync daemon's generic-netlink messages:
 * IPVS_CMD_NEW_DAEMON (start), DEL_DAEMON (stop) and the GET_DAEMON dump,
 * built into the caller's buffer (IPVS_MSG_MAX) and parsed back. Pure: no
 * socket, no clock, no log; tested byte by byte in
 * tests/unit/test_ipvs_daemon_msg.c.
 *
 * The kernel runs at most one master and one backup thread set; each is
 * named by its state (a stop names only the state). A start carries the
 * interface and the sync id, and the optional parameters that are not 0
 * (the kernel then keeps its own default: maxlen from the MTU, port 8848,
 * TTL 1, group 224.0.0.81). */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

struct nlmsghdr;

enum lb_sync_state { LB_SYNC_MASTER = 1, LB_SYNC_BACKUP = 2 }; /* IP_VS_STATE_* */

struct lb_sync_daemon {
        enum lb_sync_state state;
        char ifname[IFNAMSIZ];          /* mcast interface, required */
        uint8_t syncid;                 /* 0..255 */
        uint16_t maxlen;                /* UDP payload; 0: the kernel's choice */
        uint16_t port;                  /* host order; 0: 8848 */
        uint8_t ttl;                    /* 0: 1 */
        struct conf_ip group;           /* family 0: 224.0.0.81 */
};

/* IPVS_CMD_NEW_DAEMON (start=1) or DEL_DAEMON (start=0) with NLM_F_ACK.
 * -EINVAL: a state other than master or backup, a start with no or a too
 * long interface name, a group neither IPv4 nor IPv6. */
int ipvs_msg_daemon(void *buf, uint16_t family, bool start, const struct lb_sync_daemon *d,
                    struct nlmsghdr **ret_nlh);
/* IPVS_CMD_GET_DAEMON, NLM_F_DUMP: one reply per running daemon. */
struct nlmsghdr *ipvs_msg_dump_daemons(void *buf, uint16_t family);
/* One reply of that dump (the kernel answers with IPVS_CMD_NEW_DAEMON):
 * 0, or -EINVAL for another message or a missing state, interface or sync
 * id. */
int ipvs_parse_daemon(const struct nlmsghdr *nlh, uint16_t family, struct lb_sync_daemon *ret);

/* "master", "backup" */
const char *lb_sync_state_name(enum lb_sync_state s);
/* The line a user reads: "master on eth0 syncid 51 port 8848 ..." (only
 * the parameters that are set). */
void lb_sync_daemon_str(const struct lb_sync_daemon *d, char *out, size_t n);
