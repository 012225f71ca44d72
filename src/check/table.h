/* The IPVS table vigil wants, and the change set that takes the kernel's
 * table there (keepalived-reference.md §6.2, §6.5; checkers.md §1.4).
 * Pure: the virtual servers' services, real servers and pool decisions
 * (check/quorum.h) in, a table out; two tables in, a list of changes out.
 * The structs are vigil's own, with the kernel's values where a value is a
 * kernel one (forwarding methods, service flags), so the netlink side
 * (src/lb/) maps them field by field.
 *
 * Adoption: a service of the desired table that the kernel already has is
 * taken over in place. Its attributes are set if they differ and its
 * destinations corrected one by one (added, edited, removed); it is never
 * deleted and re-created, so established connections keep flowing across a
 * restart of the check worker. A kernel service that vigil does not want is
 * left alone unless it is listed in `release` (what vigil owned and no
 * longer wants: a virtual server removed by a reload, or everything at
 * stop). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/quorum.h"
#include "common/addr.h"

#define CHECK_SCHED_LEN 16      /* the kernel's scheduler name size, NUL included */
#define CHECK_PE_LEN 16         /* the kernel's persistence engine name size, NUL included */

/* The kernel's service flags (uapi ip_vs.h). The kernel reports HASHED on
 * every service it holds; it is never compared. */
#define CHECK_SVC_F_PERSISTENT 0x0001u
#define CHECK_SVC_F_HASHED 0x0002u
#define CHECK_SVC_F_ONEPACKET 0x0004u
#define CHECK_SVC_F_SCHED1 0x0008u      /* sh-fallback, mh-fallback, flag-1 */
#define CHECK_SVC_F_SCHED2 0x0010u      /* sh-port, mh-port, flag-2 */
#define CHECK_SVC_F_SCHED3 0x0020u      /* flag-3 */

/* Forwarding methods with the kernel's values (IP_VS_CONN_F_*). */
enum check_fwd { CHECK_FWD_NAT = 0, CHECK_FWD_LOCAL = 1, CHECK_FWD_TUN = 2, CHECK_FWD_DR = 3 };

/* A service: fwmark != 0 is a firewall-mark service (af and fwmark are its
 * key); otherwise protocol, addr and port are. */
struct check_svc {
        int af;                         /* AF_INET or AF_INET6 */
        uint16_t protocol;              /* IPPROTO_TCP, _UDP, _SCTP; 0 with fwmark */
        struct conf_ip addr;
        uint16_t port;
        uint32_t fwmark;
        char sched[CHECK_SCHED_LEN];
        uint32_t flags;                 /* CHECK_SVC_F_* */
        uint32_t timeout;               /* persistence, s (with CHECK_SVC_F_PERSISTENT) */
        uint32_t netmask;               /* persistence granularity (compared only when persistent) */
        char pe_name[CHECK_PE_LEN];     /* persistence engine ("sip"), "" for none */
};

/* A destination: addr and port are its key within a service. */
struct check_dest {
        struct conf_ip addr;
        uint16_t port;
        enum check_fwd fwd;
        int64_t weight;                 /* 0..CHECK_WEIGHT_MAX */
        uint32_t u_thresh, l_thresh;
        uint8_t tun_type;               /* with CHECK_FWD_TUN: ipip 0, gue 1, gre 2 */
        uint16_t tun_port;
        uint16_t tun_flags;
};

struct check_table_svc {
        struct check_svc svc;
        struct check_dest *dests;
        size_t ndests;
};

struct check_table {
        struct check_table_svc *svcs;
        size_t n;
};

/* One virtual server as the table builder sees it: its services (one, or
 * one per entry of a virtual_server_group), its real servers as
 * destinations (their weight is ignored: rs_out gives it) and the pool
 * decision check_vs_start/update/stop made. */
struct check_vs_model {
        const struct check_svc *svcs;
        size_t nsvcs;
        const struct check_dest *rs;
        const struct check_rs_output *rs_out;   /* one per rs */
        size_t nrs;
        bool has_sorry_server;
        struct check_dest sorry;                /* its weight is ignored: pool gives it */
        const struct check_vs_result *pool;
};

/* The desired table: per service, the real servers rs_out puts in the
 * table at their weight, and the sorry server when the pool puts it there.
 * Ports follow IPVS: a fwmark service's destinations have port 0; with DR
 * or TUN (and a port of 0) a destination takes the service's port. A
 * destination listed twice in a service (a sorry server that is also a
 * real server) keeps the entry with the higher weight. Each service must
 * appear once (conf/ refuses duplicates). Returns 0 or -ENOMEM. */
int check_table_build(const struct check_vs_model *vs, size_t n, struct check_table *ret_table);
void check_table_free(struct check_table *t);

enum check_op_kind {
        CHECK_OP_ADD_SVC,
        CHECK_OP_SET_SVC,
        CHECK_OP_DEL_SVC,
        CHECK_OP_ADD_DEST,
        CHECK_OP_SET_DEST,
        CHECK_OP_DEL_DEST,
};

/* One change. svc is the service it applies to (the kernel's for
 * DEL_SVC, the desired one otherwise: both have the same key); dest only
 * for *_DEST (the kernel's for DEL_DEST). */
struct check_op {
        enum check_op_kind kind;
        struct check_svc svc;
        struct check_dest dest;
};

struct check_changes {
        struct check_op *ops;
        size_t n;
        size_t cap;
};

/* The change set from `current` (the kernel's dump) to `desired`, in an
 * order that keeps traffic flowing: per desired service, in desired order,
 * the service's own ADD or SET, then its destinations' ADDs, SETs, DELs;
 * then the DEL_SVC of each service of `release` (may be NULL) that the
 * kernel has and `desired` does not. Equal tables give no change. Returns
 * 0 or -ENOMEM. */
int check_table_diff(const struct check_table *current, const struct check_table *desired,
                     const struct check_table *release, struct check_changes *ret_changes);
void check_changes_free(struct check_changes *c);

/* Orders and equalities the diff uses, for the netlink side's mirror. */
int check_svc_key_cmp(const struct check_svc *a, const struct check_svc *b);
int check_dest_key_cmp(const struct check_dest *a, const struct check_dest *b);
bool check_svc_same_attrs(const struct check_svc *want, const struct check_svc *have);
bool check_dest_same_attrs(const struct check_dest *want, const struct check_dest *have);

const char *check_op_name(enum check_op_kind k);
