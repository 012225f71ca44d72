/* use_vmac: a macvlan (private mode) on the instance's interface carrying
 * the virtual MAC 00:00:5e:00:01:VRID (IPv6 00:00:5e:00:02:VRID), so the VIP
 * moves without clients relearning a MAC. */
#pragma once

#include <stdint.h>

#include "net/nl.h"

void vmac_address(int family, unsigned vrid, uint8_t ret_mac[6]);
/* Create (replacing a stale one of the same name) and bring up; returns the
 * new ifindex or -errno. */
int vmac_create(struct nl *nl, const char *name, int base_ifindex, const uint8_t mac[6]);
int vmac_delete(struct nl *nl, const char *name);
