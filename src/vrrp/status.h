/* The VRRP worker's state as JSON: what `vigilctl status` and `show`
 * print and what the metrics endpoint exports. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "vrrp/announce.h"
#include "vrrp/instance.h"

/* One instance; detail adds timers, every counter and the trackers. */
json_t *vrrp_instance_status(const struct vrrp_instance *vi, bool detail);
/* Per interface, the drops counted before an instance is known:
 * [{"name": "eth0", "counters": {"bad_checksum": N, ..., "unknown_vrid": N}}]. */
json_t *vrrp_status_interfaces(const struct vrrp_instance *inst, unsigned n);
/* Everything, every instance in detail: {"instances": [...], "groups": [...],
 * "interfaces": [...]}. */
json_t *vrrp_status(const struct vrrp_instance *inst, unsigned n, const struct vrrp_events *ev);
/* How many instances are in each state: {"instances": n, "master": m,
 * "backup": b, "fault": f}; the worker's heartbeat to its supervisor. */
json_t *vrrp_status_counts(const struct vrrp_instance *inst, unsigned n);
/* A transition or another event, for the ordered stream. */
json_t *vrrp_event_json(const struct vrrp_instance *vi, const struct vrrp_action *a);
