/* lvs_drift_check (vigil extension): every INTERVAL the check worker
 * reads the kernel's IPVS table back, compares it with the one it wants
 * (check/table.c's diff, the services it owns only), repairs what
 * differs and counts it: a change someone else made (ipvsadm -d by hand,
 * another tool, a flush) no longer stays until the next health change.
 * The IPVS sysctls (lvs_expire_nodest_conn, lvs_expire_quiescent_template)
 * are written here too, when the worker opens IPVS. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "check/table.h"

struct conf;
struct check_engine;

/* What the repairs found, ever (for status and metrics). */
struct check_drift_counters {
        uint64_t checks;                /* table reads compared */
        uint64_t drifted;               /* reads that found something to repair */
        uint64_t svc_missing, svc_changed, svc_foreign; /* services re-added, reset, removed */
        uint64_t dest_missing, dest_changed, dest_foreign;
        uint64_t failed;                /* reads or repairs that failed */
};

/* Pure: add one repair's changes to c (a change set from the kernel's
 * table to the wanted one: an ADD is something missing, a SET something
 * changed, a DEL something added by someone else). */
void check_drift_tally(const struct check_changes *ch, struct check_drift_counters *c);

/* The counters of this process's check worker (zero before any check),
 * for check/status.c and check/metrics.c to show. */
const struct check_drift_counters *check_drift_counters(void);

/* After IPVS is open: the sysctls, then the drift timer if configured.
 * The timer is one of the loop's handles (closed with them). */
void ck_drift_start(struct check_engine *e);
