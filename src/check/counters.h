/* The kernel's counters per destination, for status and metrics: what
 * IPVS_DEST_ATTR_ACTIVE_CONNS/INACT_CONNS/PERSIST_CONNS and the
 * IPVS_DEST_ATTR_STATS(64) nest report. Sorted by service then
 * destination key, so that a real server's are found by bisection. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "check/table.h"

struct check_dest_counters {
        struct check_svc svc;
        struct check_dest dest;
        uint32_t active_conns, inact_conns, persist_conns;
        uint64_t conns, inpkts, outpkts, inbytes, outbytes;
        uint64_t cps, inpps, outpps, inbps, outbps;
};

struct check_counters {
        struct check_dest_counters *v;
        size_t n;
};

void check_counters_sort(struct check_counters *c);
/* svc/dest's counters, or NULL. */
const struct check_dest_counters *check_counters_find(const struct check_counters *c, const struct check_svc *svc,
                                                      const struct check_dest *dest);
void check_counters_free(struct check_counters *c);
