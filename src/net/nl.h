/* rtnetlink over libmnl: addresses and routes with ACK checking, interface
 * facts, and a monitor for address and link events. Requests wait for the
 * kernel's ACK on a dedicated socket (microseconds; the kernel answers
 * synchronously), events arrive on a separate socket the loop polls. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "conf/model.h"

struct nl;

/* Request buffers. MNL_SOCKET_BUFFER_SIZE is computed at run time (a VLA);
 * 8 KiB is its value on x86. */
#define NL_BUF 8192

int nl_open(struct nl **ret_nl);
void nl_close(struct nl *nl);

struct nlmsghdr;
/* Send a prepared request (flags REQUEST|ACK are added) and wait for the ACK. */
int nl_request(struct nl *nl, struct nlmsghdr *nlh);

/* Add (or, with add false, delete) one address. Adding an address that is
 * already there and deleting one that is gone both succeed. */
int nl_addr(struct nl *nl, bool add, int ifindex, const struct conf_ipaddress *a);
int nl_route(struct nl *nl, bool add, int ifindex, const struct conf_route *r);
int nl_rule(struct nl *nl, bool add, const struct conf_rule *r);

/* ---- batches --------------------------------------------------------------- */

/* A transition's requests (net/rtnl_msg.h builds them) go out as one
 * sendmsg; the kernel runs them in order before the call returns, so what
 * is sent after (a GARP) follows them. ACKs come back on a non-blocking
 * socket the loop polls (nl_async_read); an error is logged as
 * "WHAT: reason" and counted. Without nl_async_open, each request waits
 * for its ACK (start-up, the supervisor). */
enum nl_req_kind { NL_REQ_ADDR, NL_REQ_ROUTE, NL_REQ_RULE };

/* The ACK socket's fd (for the loop's poll), or -errno. */
int nl_async_open(struct nl *nl);
void nl_async_close(struct nl *nl);
/* Copy one request into the batch (sending first if it is full); what
 * names it in the log (e.g. "(VI_1) cannot add 10.0.0.1 on eth0"). */
int nl_batch_add(struct nl *nl, struct nlmsghdr *nlh, enum nl_req_kind kind, bool add, const char *what);
int nl_batch_send(struct nl *nl);
/* The ACKs that are in; never blocks. */
int nl_async_read(struct nl *nl);
unsigned long nl_async_failed(const struct nl *nl);

/* ---- monitor -------------------------------------------------------------- */

/* NL_LINK_DEL: the interface is gone (RTM_DELLINK); its index will not come back. */
enum nl_event_kind { NL_ADDR_NEW, NL_ADDR_DEL, NL_LINK_UP, NL_LINK_DOWN, NL_LINK_DEL };

struct nl_event {
        enum nl_event_kind kind;
        int ifindex;
        struct conf_ip addr;         /* address events */
        uint8_t prefixlen;
        char ifname[16];             /* link events: an interface that appears is known by name */
};

typedef void (*nl_event_cb)(void *ctx, const struct nl_event *ev);

int nl_monitor_open(struct nl **ret_nl);
int nl_monitor_fd(const struct nl *nl);
/* Read what is pending and call cb per event; -ENOBUFS: events were lost. */
int nl_monitor_read(struct nl *nl, nl_event_cb cb, void *ctx);
/* Every address on the system, as NL_ADDR_NEW events (RTM_GETADDR dump on
 * a request socket; at start and after the monitor lost events). */
int nl_dump_addrs(struct nl *nl, nl_event_cb cb, void *ctx);

/* ---- interface facts (getifaddrs / ioctl; at open, not per event: whether an
 * address is there, the engine asks its address table, net/addrtab.h) ---- */

struct iface_info {
        int ifindex;
        uint8_t mac[6];
        bool up;
        bool has_v4, has_ll6;
        struct in_addr primary4;      /* the first IPv4 address */
        struct in6_addr linklocal6;   /* the first fe80::/10 address */
};

int iface_lookup(const char *name, struct iface_info *ret);

/* The address table (net/addrtab.h) kept by the monitor: one event
 * applied, and the table refilled from a dump (at start, and when the
 * monitor lost events). Shared by every worker that asks "is this address
 * here". */
struct addrtab;
void nl_addrtab_apply(struct addrtab *t, const struct nl_event *ev);
void nl_addrtab_dump(struct nl *nl, struct addrtab *t);
