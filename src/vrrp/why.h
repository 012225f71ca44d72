/* Why an instance changed state, in the log: the line that precedes
 * "Entering ... STATE", in keepalived's words where it has them
 * ("Master received advert from 10.0.0.2 with higher priority 150, ours
 * 100"). The FSM says which reason and which priorities (vrrp_action); this
 * glue adds what only it knows: the sender's address, the failing tracker. */
#pragma once

#include <stddef.h>

#include "vrrp/instance.h"

/* Before the "Entering" line of an ACT_STATE action. */
void vrrp_why_transition(const struct vrrp_instance *vi, const struct vrrp_action *a);
/* A MASTER heard a lower priority (ACT_LOWER_PRIO_SEEN). */
void vrrp_why_lower_priority(const struct vrrp_instance *vi, const struct vrrp_action *a);
/* A validated advert with priority 0, before the FSM acts on it. */
void vrrp_why_priority_zero(const struct vrrp_instance *vi);
/* What keeps vi in FAULT ("VRRP_Script(chk) failed; interface eth1 is down"),
 * into buf; "unknown" if no fault bit is set. */
void vrrp_why_fault(const struct vrrp_instance *vi, char *buf, size_t size);
