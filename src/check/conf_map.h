/* From the configuration model (conf/model.h, after validation) to the
 * inputs of the check decisions: a checker's retry policy, a virtual
 * server's pool parameters, a real server's weight and inhibit, and the
 * IPVS services and destinations of the desired table. Pure: it reads the
 * model's fields and nothing else. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "check/decide.h"
#include "check/quorum.h"
#include "check/table.h"
#include "conf/model.h"

/* retry, delay_before_retry, delay_loop, warmup and alpha as validation
 * resolved them; MISC_CHECK adds misc_dynamic and counts its next run
 * from the previous one's start, as keepalived does. */
struct check_policy check_policy_of(const struct conf_checker *ck);

struct check_vs_params check_vs_params_of(const struct conf_virtual_server *vs, bool rs_init_notifies);

/* alive is the caller's (check_rs_apply's count); weight is the
 * configured one, unless a MISC_CHECK's dynamic weight replaces it. */
struct check_rs_input check_rs_input_of(const struct conf_real_server *rs, bool alive);

/* The forwarding method of lb_kind ("NAT", "DR", "TUN"). */
enum check_fwd check_fwd_of(const char *lb_kind);

/* The attributes every service of vs shares: scheduler, persistence (a
 * granularity in check_svc's form: an IPv4 mask in host order, or an IPv6
 * prefix length), one-packet scheduling. af is the family the key needs. */
void check_svc_attrs_of(const struct conf_virtual_server *vs, int af, struct check_svc *ret);

/* How many IPVS services vs makes (one, or one per address of its group's
 * ranges and entries); c is needed for a group. Saturates at max_count. */
size_t check_vs_svc_count(const struct conf *c, const struct conf_virtual_server *vs, size_t max_count);
/* Fill up to n services of vs into out; returns how many. */
size_t check_vs_svcs(const struct conf *c, const struct conf_virtual_server *vs, struct check_svc *out, size_t n);

/* A real server, or vs's sorry server, as a destination (weight as
 * configured; the pool decides the table's). */
struct check_dest check_dest_of(const struct conf_virtual_server *vs, const struct conf_real_server *rs);
struct check_dest check_sorry_dest_of(const struct conf_virtual_server *vs);
