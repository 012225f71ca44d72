/* The kernel's IPVS table, programmed over generic netlink (libmnl), or a
 * dry run with the same interface that records and logs every change
 * instead of making it (--dry-run; the host's integration tests, whose
 * kernel has no IPVS).
 *
 * Changes go out as change sets: ipvs_add() queues one request, each with
 * NLM_F_ACK and its own sequence number; ipvs_send() sends the queue in
 * as few sendmsg calls as its buffer allows. The kernel runs a batch in
 * the sender's context before sendmsg returns, so the acknowledgements
 * are waiting by then: ipvs_send() collects them without blocking and
 * reports each through the result callback (sequence, the change, 0 or
 * -errno); a failure is also logged with the change it was for. A loop
 * may poll ipvs_fd() and call ipvs_read_acks() for anything late; a
 * start-up sequence calls ipvs_wait().
 *
 * Dumps, info and config reads are blocking request/answer exchanges on a
 * socket of their own (start-up, reconcile), bounded by a receive
 * timeout. A callback must not start another dump. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lb/ipvs_daemon_msg.h"
#include "lb/ipvs_model.h"

struct ipvs;

typedef void (*ipvs_result_cb)(void *ctx, uint32_t seq, const struct lb_change *c, int err);
typedef void (*ipvs_service_cb)(void *ctx, const struct lb_service_entry *e);
typedef void (*ipvs_dest_cb)(void *ctx, const struct lb_dest_entry *e);

/* Opens the sockets and resolves the "IPVS" family. -ENOENT (logged as
 * "IPVS family not found: is ip_vs loaded?"): the kernel has no IPVS. */
int ipvs_open(struct ipvs **ret);
/* The recording backend: no socket, a table of its own that the dumps
 * read back and that refuses what the kernel would (an existing service,
 * a missing destination, ...). */
int ipvs_open_dry_run(struct ipvs **ret);
void ipvs_close(struct ipvs *ipvs);
bool ipvs_is_dry_run(const struct ipvs *ipvs);

void ipvs_on_result(struct ipvs *ipvs, ipvs_result_cb cb, void *ctx);

/* Queue one change (-EINVAL: a change the builders refuse, nothing
 * queued); ret_seq (may be NULL) is the sequence its result will carry. */
int ipvs_add(struct ipvs *ipvs, const struct lb_change *c, uint32_t *ret_seq);
int ipvs_send(struct ipvs *ipvs);
/* The acknowledgement socket for a loop's poll; -1 for the dry run
 * (its results are reported by ipvs_send itself). */
int ipvs_fd(const struct ipvs *ipvs);
/* What acknowledgements are in; never blocks. */
int ipvs_read_acks(struct ipvs *ipvs);
/* Send what is queued and collect every outstanding acknowledgement
 * (bounded: -ETIMEDOUT after a few seconds of kernel silence). */
int ipvs_wait(struct ipvs *ipvs);
/* Requests sent whose acknowledgement has not come back. */
unsigned ipvs_in_flight(const struct ipvs *ipvs);
/* Requests the kernel refused (or whose answer was lost), ever. */
unsigned long ipvs_failed(const struct ipvs *ipvs);

/* Every service, then one service's destinations (the kernel dumps
 * destinations per service only). A message that does not parse is
 * skipped and counted in ret_skipped (may be NULL). */
int ipvs_dump_services(struct ipvs *ipvs, ipvs_service_cb cb, void *ctx, unsigned *ret_skipped);
int ipvs_dump_dests(struct ipvs *ipvs, const struct lb_service_key *svc, ipvs_dest_cb cb, void *ctx,
                    unsigned *ret_skipped);
int ipvs_get_info(struct ipvs *ipvs, struct lb_info *ret);
int ipvs_get_timeouts(struct ipvs *ipvs, struct lb_timeouts *ret);

/* The dry run's record, one line per change made, oldest first
 * (lb/ipvs_text.h's lb_change_str); NULL past the end or for netlink. */
const char *ipvs_dry_run_line(const struct ipvs *ipvs, size_t i);

/* The kernel's connection-sync daemon (lvs_sync_daemon): start (or stop)
 * the master or backup thread set d names; a blocking request answered
 * by the kernel's -errno (-EEXIST: that state already runs, -ESRCH: it
 * does not). The dry run logs "IPVS (dry run): start sync daemon master
 * on eth0 syncid 51" and succeeds. */
int ipvs_sync_daemon(struct ipvs *ipvs, bool start, const struct lb_sync_daemon *d);
typedef void (*ipvs_daemon_cb)(void *ctx, const struct lb_sync_daemon *d);
/* The daemons running (none for the dry run). */
int ipvs_dump_daemons(struct ipvs *ipvs, ipvs_daemon_cb cb, void *ctx);
