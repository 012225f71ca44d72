/* The IPVS table as plain structs: what the check worker wants (services
 * and their destinations, with their parameters) and what a dump of the
 * kernel's table reads back. Nothing here knows netlink; lb/ipvs_msg.h
 * turns these into messages and back, lb/ipvs.h sends them.
 *
 * Values of the enums are the kernel's own (linux/ip_vs.h; ipvs_msg.c
 * checks that at build time), so a dump reads back into them unchanged. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/addr.h"

/* IP_VS_SCHEDNAME_MAXLEN / IP_VS_PENAME_MAXLEN, the NUL included. */
#define LB_SCHED_MAX 16
#define LB_PE_MAX 16

/* Service flags (IP_VS_SVC_F_*). The scheduler flags mean what the
 * scheduler says: sh-fallback and mh-fallback are both FLAG1, sh-port and
 * mh-port both FLAG2 (keepalived's flag-1/2/3). LB_SVC_PERSISTENT follows
 * the timeout: the builder sets it from a timeout, a dump reads it back
 * as the timeout alone, so a service read from the kernel compares equal
 * to the one that was asked for. */
enum {
        LB_SVC_PERSISTENT = 0x0001,
        LB_SVC_ONEPACKET = 0x0004,   /* `ops` */
        LB_SVC_SCHED1 = 0x0008,
        LB_SVC_SCHED2 = 0x0010,
        LB_SVC_SCHED3 = 0x0020,
        LB_SVC_SH_FALLBACK = LB_SVC_SCHED1,
        LB_SVC_SH_PORT = LB_SVC_SCHED2,
        LB_SVC_MH_FALLBACK = LB_SVC_SCHED1,
        LB_SVC_MH_PORT = LB_SVC_SCHED2,
};
/* The flags a user sets (HASHED, 0x2, is the kernel's own bookkeeping). */
#define LB_SVC_USER_FLAGS (LB_SVC_PERSISTENT | LB_SVC_ONEPACKET | LB_SVC_SCHED1 | LB_SVC_SCHED2 | LB_SVC_SCHED3)

/* Forwarding methods (IP_VS_CONN_F_*): lb_kind NAT, DR, TUN. */
enum lb_fwd { LB_FWD_MASQ = 0, LB_FWD_LOCAL = 1, LB_FWD_TUNNEL = 2, LB_FWD_ROUTE = 3, LB_FWD_BYPASS = 4 };
/* Tunnel types and encapsulation flags (IP_VS_CONN_F_TUNNEL_TYPE_*,
 * IP_VS_TUNNEL_ENCAP_FLAG_*; nocsum is no flag at all). */
enum lb_tun_type { LB_TUN_IPIP = 0, LB_TUN_GUE = 1, LB_TUN_GRE = 2 };
enum { LB_TUN_F_NOCSUM = 0, LB_TUN_F_CSUM = 1 << 0, LB_TUN_F_REMCSUM = 1 << 1 };

/* Which service: fwmark (with its address family) or address, port and
 * protocol (IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP). */
struct lb_service_key {
        int af;                 /* AF_INET or AF_INET6; addr.family too when not fwmark */
        uint32_t fwmark;        /* nonzero: a fwmark service; protocol, addr and port unused */
        uint16_t protocol;
        struct conf_ip addr;
        uint16_t port;          /* host order */
};

struct lb_service {
        struct lb_service_key key;
        char sched[LB_SCHED_MAX];       /* rr wrr lc wlc fo ovf lblc lblcr dh sh mh sed nq twos */
        uint32_t flags;                 /* LB_SVC_* but PERSISTENT (see above) */
        uint32_t timeout;               /* persistence_timeout, s; 0: not persistent */
        /* persistence_granularity as a prefix length; 0 means the whole
         * address (/32, /128: the kernel's default), so a zeroed service is
         * a valid one. A dump reads a full mask back as 0. */
        uint8_t netmask_prefix;
        char pe_name[LB_PE_MAX];        /* persistence engine ("sip"), "" for none */
};

struct lb_dest_key {
        struct conf_ip addr;    /* its family may differ from the service's (TUN only) */
        uint16_t port;          /* host order */
};

struct lb_dest {
        struct lb_dest_key key;
        /* a destination on one of the director's own addresses reads back
         * as LB_FWD_LOCAL whatever was asked (the kernel delivers it
         * locally) */
        enum lb_fwd fwd;
        uint32_t weight;
        uint32_t u_thresh, l_thresh;    /* 0: no threshold */
        enum lb_tun_type tun_type;      /* LB_FWD_TUNNEL only */
        uint16_t tun_port;              /* host order; GUE */
        uint16_t tun_flags;             /* LB_TUN_F_* */
};

/* lvs_timeouts: 0 leaves the kernel's value as it is. */
struct lb_timeouts {
        uint32_t tcp, tcpfin, udp;
};

/* Counters, from a dump (the 64-bit set when the kernel sends it). */
struct lb_stats {
        uint64_t conns, inpkts, outpkts, inbytes, outbytes;
        uint64_t cps, inpps, outpps, inbps, outbps;
};

/* What a dump reads back: the parameters plus what only the kernel knows. */
struct lb_service_entry {
        struct lb_service svc;
        struct lb_stats stats;
};

struct lb_dest_entry {
        struct lb_dest dest;
        uint32_t active_conns, inact_conns, persist_conns;
        struct lb_stats stats;
};

struct lb_info {
        uint32_t version;       /* 0x010201 is "1.2.1" */
        uint32_t conn_tab_size;
};

/* One change of a change set: the checker's diff produces these, a
 * backend (lb/ipvs.h: netlink or dry run) applies them in order. */
enum lb_op {
        LB_ADD_SERVICE, LB_EDIT_SERVICE, LB_DEL_SERVICE,
        LB_ADD_DEST, LB_EDIT_DEST, LB_DEL_DEST,
        LB_FLUSH, LB_SET_TIMEOUTS,
};

struct lb_change {
        enum lb_op op;
        struct lb_service svc;          /* the key alone for deletions and dest changes */
        struct lb_dest dest;            /* dest changes (the key alone for LB_DEL_DEST) */
        struct lb_timeouts timeouts;    /* LB_SET_TIMEOUTS */
};

bool lb_service_key_equal(const struct lb_service_key *a, const struct lb_service_key *b);
bool lb_dest_key_equal(const struct lb_dest_key *a, const struct lb_dest_key *b);
