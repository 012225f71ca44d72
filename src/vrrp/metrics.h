/* The VRRP worker's series in the metrics endpoint (daemon/metrics.c). */
#pragma once

#include <jansson.h>

#include "worker/prom.h"

/* The series of a VRRP status ({"instances": [...], "interfaces": [...]}). */
void vrrp_metrics_render(struct prom_out *o, json_t *status);
