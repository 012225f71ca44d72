/* IPVS generic-netlink messages built into the caller's buffer with
 * libmnl, and the kernel's replies parsed into lb/ipvs_model.h's structs.
 * Pure: no socket, no clock, no log; tested byte by byte against the uapi
 * layout (tests/unit/test_ipvs_msg.c) and fuzzed (tests/fuzz/fuzz_ipvs.c).
 *
 * Every request has sequence number and port 0 (the sender numbers it)
 * and NLM_F_REQUEST, with NLM_F_ACK for the changes (the batch collects
 * one acknowledgement per request) and NLM_F_DUMP for the dumps. The
 * family id is the one CTRL_CMD_GETFAMILY resolved at run time. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lb/ipvs_model.h"

/* Room for the largest message built here (a NEW_DEST with a full
 * service key and every tunnel attribute is under 300 bytes). */
#define IPVS_MSG_MAX 512

struct nlmsghdr;

/* ---- requests ---------------------------------------------------------- */

/* CTRL_CMD_GETFAMILY for "IPVS" to the generic netlink controller. */
struct nlmsghdr *ipvs_msg_getfamily(void *buf);

/* IPVS_CMD_NEW_SERVICE / SET_SERVICE (the full service) or DEL_SERVICE
 * (its key only). -EINVAL: a key or scheduler the kernel would refuse
 * (family, protocol, an empty or too long scheduler name, a prefix past
 * the address). */
int ipvs_msg_service(void *buf, uint16_t family, uint8_t cmd, const struct lb_service *svc,
                     struct nlmsghdr **ret_nlh);
/* IPVS_CMD_NEW_DEST / SET_DEST (every parameter) or DEL_DEST (the key),
 * each with the service's key. */
int ipvs_msg_dest(void *buf, uint16_t family, uint8_t cmd, const struct lb_service_key *svc,
                  const struct lb_dest *dest, struct nlmsghdr **ret_nlh);
/* IPVS_CMD_FLUSH: every service and destination goes. */
struct nlmsghdr *ipvs_msg_flush(void *buf, uint16_t family);
/* IPVS_CMD_SET_CONFIG with the timeouts that are not 0. */
struct nlmsghdr *ipvs_msg_timeouts(void *buf, uint16_t family, const struct lb_timeouts *t);
/* One change of a change set, as the message above that makes it. */
int ipvs_change_msg(void *buf, uint16_t family, const struct lb_change *c, struct nlmsghdr **ret_nlh);

/* IPVS_CMD_GET_INFO and GET_CONFIG (answered by one message). */
struct nlmsghdr *ipvs_msg_get_info(void *buf, uint16_t family);
struct nlmsghdr *ipvs_msg_get_config(void *buf, uint16_t family);
/* IPVS_CMD_GET_SERVICE dump of every service; GET_DEST dump of one
 * service's destinations (the kernel has no dump of all of them). */
struct nlmsghdr *ipvs_msg_dump_services(void *buf, uint16_t family);
int ipvs_msg_dump_dests(void *buf, uint16_t family, const struct lb_service_key *svc, struct nlmsghdr **ret_nlh);

/* ---- replies ------------------------------------------------------------ */

/* Each takes one message whose nlmsg_len has been checked against the
 * buffer (mnl_nlmsg_ok, mnl_cb_run) and returns 0, or -EINVAL for a
 * message of another kind or with a missing or malformed attribute,
 * -EAFNOSUPPORT for an address family other than IPv4 and IPv6; ret is
 * untouched on failure. What was asked reads back equal: the kernel's
 * HASHED flag is dropped, PERSISTENT is the timeout, a full persistence
 * mask is prefix 0, tunnel attributes are kept for tunnels only. */
int ipvs_parse_family(const struct nlmsghdr *nlh, uint16_t *ret_family);
int ipvs_parse_service(const struct nlmsghdr *nlh, uint16_t family, struct lb_service_entry *ret);
/* svc_af: the service's family, for a kernel that does not name the
 * destination's own. */
int ipvs_parse_dest(const struct nlmsghdr *nlh, uint16_t family, int svc_af, struct lb_dest_entry *ret);
int ipvs_parse_info(const struct nlmsghdr *nlh, uint16_t family, struct lb_info *ret);
int ipvs_parse_config(const struct nlmsghdr *nlh, uint16_t family, struct lb_timeouts *ret);

/* One read of the answer to request seq on port portid: each of its data
 * messages goes to cb, in order. Returns 1 when more is to come (a dump
 * not yet at NLMSG_DONE, a request not yet acknowledged), 0 at the end
 * (NLMSG_DONE or the ACK), or the kernel's -errno (an error ACK, a dump
 * that ended in an error). Messages of another request (a stale answer
 * after a timeout) are skipped; a message whose length runs past the
 * read ends the walk with -EBADMSG. The walk is ours, not mnl_cb_run's:
 * libmnl compares nlmsg_len as an int, so a length of 2^31 or more
 * passes its check and the next message is looked for gigabytes away. */
typedef void (*ipvs_msg_cb)(const struct nlmsghdr *nlh, void *ctx);
int ipvs_walk_replies(const void *buf, size_t len, uint32_t seq, uint32_t portid, ipvs_msg_cb cb, void *ctx);
