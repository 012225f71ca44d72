/* The IPVS model as text: the dry-run backend's record of changes, the
 * names in error messages, the schedulers the kernel has. Pure; caller-
 * owned buffers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lb/ipvs_model.h"

/* Room for any line below. */
#define LB_TEXT_MAX 256

/* rr wrr lc wlc fo ovf lblc lblcr dh sh mh sed nq twos. */
bool lb_sched_known(const char *name);
/* "TCP", "UDP", "SCTP" (the protocol number otherwise). */
const char *lb_proto_name(unsigned protocol, char *buf, size_t size);
/* "masq" "route" "tunnel" "local" "bypass" ("fwd-N" for another value). */
const char *lb_fwd_name(enum lb_fwd fwd);
/* "10.0.0.1:80", "[2001:db8::1]:80". */
const char *lb_addr_port_str(const struct conf_ip *ip, unsigned port, char *buf, size_t size);
/* "TCP 10.0.0.1:80", "UDP [2001:db8::1]:53", "FWM 7", "FWM 7 IPv6". */
const char *lb_service_str(const struct lb_service_key *k, char *buf, size_t size);
/* The service's scheduler and options, as the change lines write them:
 * "wrr persistent 300 mask 24 ops sh-port pe sip". */
const char *lb_service_opts_str(const struct lb_service *s, char *buf, size_t size);
/* One change as a line, e.g.
 *   add service TCP 10.0.0.1:80 wrr
 *   add dest TCP 10.0.0.1:80 -> 10.0.1.2:80 route w1
 *   delete dest TCP 10.0.0.1:80 -> 10.0.1.2:80
 *   set timeouts tcp 900 tcpfin 120 udp 300   (those not 0)
 *   flush */
const char *lb_change_str(const struct lb_change *c, char *buf, size_t size);
