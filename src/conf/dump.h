/* The resolved model as JSON (vigild --dump-config): keys are keepalived's
 * keyword names, times are seconds, addresses are strings. */
#pragma once

#include <jansson.h>

#include "conf/model.h"

json_t *conf_to_json(const struct conf *c);
/* One vrrp_instance, every resolved field (reload compares these). */
json_t *conf_instance_to_json(const struct conf_vrrp_instance *vi);
/* malloc'd, indented text; NULL on allocation failure. */
char *conf_dump_json(const struct conf *c);
