/* What a probe aims at, resolved from the model as keepalived does
 * (keepalived-reference.md §1.12, §6.8), and how a connect() ending is
 * named. Pure: model in, socket addresses and a check_result out; the
 * probes (probe_tcp.c, probe_misc.c) do the I/O. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "check/decide.h"
#include "conf/model.h"

/* connect_timeout when neither the checker, the real server nor the
 * virtual server gives one (keepalived's 5 s). */
#define CHECK_DEFAULT_CONNECT_TIMEOUT (5 * CHECK_USEC_PER_SEC)
/* delay_loop's default, MISC_CHECK's timeout when nothing else is set. */
#define CHECK_DEFAULT_DELAY_LOOP (60 * CHECK_USEC_PER_SEC)

struct check_probe_target {
        struct sockaddr_storage dst;
        socklen_t dst_len;
        struct sockaddr_storage src;    /* bindto and/or bind_port */
        socklen_t src_len;              /* 0: no bind */
        const char *bind_if;            /* SO_BINDTODEVICE; NULL: none */
        bool dst_link_local;            /* IPv6 fe80::/10: its scope is bind_if's index */
        uint32_t fwmark;                /* SO_MARK; 0: none */
        int64_t timeout;                /* µs: the whole probe */
};

/* connect_ip, else the real server's address; connect_port, else the
 * real server's port, else (a NAT real server written without one) the
 * service's port. A fwmark service's real servers have no port, so its
 * checkers need connect_port (PING_CHECK needs none: its port may be 0).
 * -EDESTADDRREQ: no address or no port;
 * -EAFNOSUPPORT: bindto is of the other family.  *ret is zeroed first, so
 * that two targets compare (and hash) byte for byte whatever the result. */
int check_probe_target_of(const struct conf_virtual_server *vs, const struct conf_real_server *rs,
                          const struct conf_checker *ck, struct check_probe_target *ret);

/* checker <- real server <- virtual server <- 5 s. */
int64_t check_connect_timeout_of(const struct conf_virtual_server *vs, const struct conf_real_server *rs,
                                 const struct conf_checker *ck);
/* misc_timeout, else the virtual server's delay_loop (keepalived's
 * default), else 60 s. */
int64_t check_misc_timeout_of(const struct conf_virtual_server *vs, const struct conf_checker *ck);

/* The name of a TCP connect's ending: err is 0 or a positive errno, from
 * connect() itself (at_call) or from SO_ERROR once it completed. An
 * unreachable network or host at the call is this machine's routing
 * table talking (no route, an unreachable route): vigil's side, so
 * CHECK_ERROR. The same errors arriving later are the network's answer
 * (ICMP, or ARP getting no reply on the server's segment), so the server
 * is unreachable: CHECK_CONNECT_REFUSED. A refusal or reset is the
 * server's answer whenever it comes. Anything else (EADDRNOTAVAIL,
 * EMFILE, ENOBUFS, EACCES/EPERM from a local firewall or prohibit route,
 * EINVAL from a blackhole route ...) is local: CHECK_ERROR. */
enum check_result check_connect_result(int err, bool at_call);

/* The result of a MISC_CHECK run: started false = it could not be run
 * (CHECK_ERROR); timed_out = CHECK_SCRIPT_TIMEOUT; exit 0 = CHECK_OK;
 * another exit = CHECK_SCRIPT_EXIT with that status; killed by a signal
 * (not ours) = CHECK_SCRIPT_EXIT with status 1, a plain failure, so that
 * misc_dynamic never reads a signal number as a weight. */
struct check_probe check_misc_result(bool started, bool timed_out, int exit_status, int term_signal);

