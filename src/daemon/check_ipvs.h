/* The check worker's IPVS backend (check/engine.h's check_ipvs_ops) on
 * lb/ipvs.h: the kernel over generic netlink, or the dry run. */
#pragma once

#include "check/engine.h"

const struct check_ipvs_ops *check_ipvs_backend(void);
