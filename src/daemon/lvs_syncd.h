/* The IPVS connection-sync daemon (lvs_sync_daemon), driven by the
 * supervisor from the VRRP worker's transition events: master while the
 * instance it follows is MASTER, backup otherwise, so that the backup
 * director's kernel already holds the master's connections when it takes
 * over. See lvs_syncd.c for why the supervisor drives it. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "lb/ipvs_daemon_msg.h"

struct conf;

/* What the instance's state (a VRRP state name: "MASTER", "BACKUP",
 * "FAULT", ...) wants of the daemon. Pure. */
enum lb_sync_state lvs_syncd_wanted(const char *vrrp_state);

/* At start and after a reload: a changed or removed lvs_sync_daemon stops
 * what runs; one that runs nothing starts as backup (the instance starts
 * as backup; its transition to MASTER follows as an event). */
void lvs_syncd_configure(const struct conf *c, bool dry_run);
/* One event of the VRRP worker (any; transitions of the tied instance act). */
void lvs_syncd_on_event(const json_t *ev);
/* The VRRP worker is gone (its addresses with it): back to backup. */
void lvs_syncd_vrrp_gone(void);
/* At shutdown: stop whatever runs. */
void lvs_syncd_stop(void);
