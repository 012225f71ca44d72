/* The netlink monitor's parse, pure: a buffer as read from the monitor
 * socket in, one struct nl_event per address or link message out. Kept
 * apart from nl.c's sockets so the fuzzer and the unit tests feed it bytes. */
#pragma once

#include <stddef.h>

#include "net/nl.h"

/* Walk the messages in buf[0..len) and call cb for each RTM_NEWADDR,
 * RTM_DELADDR, RTM_NEWLINK and RTM_DELLINK one; everything else, and any
 * message too short for its header or its address, is skipped. */
void nl_parse_events(const void *buf, size_t len, nl_event_cb cb, void *ctx);
