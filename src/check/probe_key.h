/* One probe, many users: when two checkers, configured under different
 * virtual servers (or twice under one), would send the very same probe to
 * the very same place on the very same schedule, the engine runs it once
 * and feeds its result to each of them (check/sched.c). This says when
 * that is so. Pure: the models in, a verdict and a hash out.
 *
 * The key is everything a probe or its schedule reads: the checker type;
 * the target as check_probe_target_of resolves it (destination address
 * and port, bindto/bind_port, bind_if, fwmark, connect_timeout); the
 * type's own parameters (HTTP: every url's path, digest, status codes and
 * virtualhost, the checker's virtualhost, http_protocol, fast_recovery,
 * enable_sni/sni_name; SMTP: helo_name; DNS: type and name; UDP: the
 * payload, require_reply and its pattern, the reply lengths); and the
 * schedule as check_policy_of resolves it (delay_loop, retry,
 * delay_before_retry, warmup, alpha). What only a user reads stays out
 * of it: the real server's weight, inhibit_on_failure, its scripts, the
 * virtual server itself, log_all_failures. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "conf/model.h"

struct check_probe_who {
        const struct conf_virtual_server *vs;
        const struct conf_real_server *rs;
        const struct conf_checker *ck;
};

/* Whether ck may share its probe at all. MISC_CHECK never does: a script
 * may read its arguments or environment per virtual server, and its exit
 * status may set a weight that belongs to one real server (misc_dynamic);
 * keepalived runs it once per user and so does vigil. FILE_CHECK is no
 * probe (a watched file, read once whoever uses it). An SMTP_CHECK with
 * the deprecated host blocks checks several places as one checker, and a
 * checker whose target does not resolve runs alone to say so. */
bool check_probe_shareable(const struct check_probe_who *w);

/* Whether a and b may run as one probe (both shareable and of one key). */
bool check_probe_key_equal(const struct check_probe_who *a, const struct check_probe_who *b);

/* A hash of the key: equal keys hash alike. */
uint64_t check_probe_key_hash(const struct check_probe_who *w);
