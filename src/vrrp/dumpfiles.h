/* The data, stats and JSON dump files keepalived writes on SIGUSR1,
 * SIGUSR2 and its JSON signal (reference §3.3), same names and formats. */
#pragma once

#include <stdbool.h>

#include "conf/model.h"
#include "vrrp/announce.h"
#include "vrrp/instance.h"

void vrrp_dump_data(const struct conf *conf, const struct vrrp_instance *inst, unsigned n,
                    const struct vrrp_events *ev);
/* clear: zero the counters after writing (STATS_CLEAR). */
void vrrp_dump_stats(struct vrrp_instance *inst, unsigned n, bool clear);
void vrrp_dump_json(const struct vrrp_instance *inst, unsigned n);
