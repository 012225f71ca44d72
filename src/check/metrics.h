/* The check worker's Prometheus series, rendered by the supervisor from
 * the worker's last status (daemon/metrics.c calls it through the worker
 * table, as vrrp/metrics.h's). */
#pragma once

#include <jansson.h>

struct prom_out;

void check_metrics_render(struct prom_out *o, json_t *status);
