/* rtnetlink requests built into the caller's buffer with libmnl: pure (no
 * socket, no clock), so each is tested byte by byte (tests/unit/
 * test_rtnl_msg.c). Each message asks for an ACK (NLM_F_REQUEST|ACK) with
 * sequence number and port 0: the sender numbers it. nl.c sends them one by
 * one (nl_request) or as one batch per transition (nl_batch_*). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "conf/model.h"

/* Room for the largest message built here (a rule with both interface
 * names, or a macvlan): the buffer each builder needs. */
#define RTNL_MSG_MAX 512

struct nlmsghdr;

/* RTM_NEWADDR (CREATE|REPLACE: re-adding is not an error) or RTM_DELADDR. */
struct nlmsghdr *rtnl_addr_msg(void *buf, bool add, int ifindex, const struct conf_ipaddress *a);
/* RTM_NEWROUTE (CREATE|REPLACE) or RTM_DELROUTE; ifindex 0: no RTA_OIF. */
struct nlmsghdr *rtnl_route_msg(void *buf, bool add, int ifindex, const struct conf_route *r);
/* RTM_NEWRULE (CREATE|EXCL) or RTM_DELRULE. */
struct nlmsghdr *rtnl_rule_msg(void *buf, bool add, const struct conf_rule *r);
/* RTM_NEWLINK setting IFF_UP on the interface. */
struct nlmsghdr *rtnl_link_up_msg(void *buf, int ifindex);
/* RTM_NEWLINK (CREATE|EXCL) of a private macvlan on base_ifindex. */
struct nlmsghdr *rtnl_macvlan_msg(void *buf, const char *name, int base_ifindex, const uint8_t mac[6]);
/* RTM_DELLINK by name. */
struct nlmsghdr *rtnl_link_del_msg(void *buf, const char *name);

/* What the kernel's answer (0 or -errno) means for the caller: an address
 * or rule that is already there when adding, or already gone when
 * deleting, is what was asked for (0); anything else stays. */
int rtnl_addr_result(bool add, int err);
int rtnl_route_result(bool add, int err);
int rtnl_rule_result(bool add, int err);
