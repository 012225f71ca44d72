/* Hitless reload of the VRRP engine: see reload.c for what carries over.
 * The plan (reload_plan.c) is pure: what a reload would do to each
 * instance, computed from the two configurations alone, so that
 * `vigilctl reload --check` and the real reload cannot disagree. */
#pragma once

#include <jansson.h>

#include "conf/model.h"

struct engine;

struct reload_report {
        unsigned kept, updated, restarted, added, removed;
};

enum reload_action { RELOAD_KEPT, RELOAD_UPDATED, RELOAD_RESTARTED, RELOAD_ADDED, RELOAD_REMOVED };

struct reload_step {
        const char *name;               /* points into one of the two configurations */
        enum reload_action action;
};

/* steps: the new configuration's instances in its order (kept, updated,
 * restarted or added), then the removed ones in the old order. */
struct reload_plan {
        struct reload_step *steps;
        unsigned n;
        struct reload_report counts;
};

/* What switching from oc to nc does to each instance; -ENOMEM. */
int reload_plan_make(const struct conf *oc, const struct conf *nc, struct reload_plan *ret_plan);
void reload_plan_free(struct reload_plan *p);
/* "kept", "updated", "restarted", "added", "removed": the JSON counts' keys. */
const char *reload_action_name(enum reload_action a);
/* {"instances": {counts}, "plan": [{"instance": NAME, "action": WORD}, ...]} */
json_t *reload_plan_json(const struct reload_plan *p);

/* Switch the engine to nc (already validated); the engine owns nc after.
 * ret_plan (may be NULL) receives the plan applied; its names point into
 * nc and the retired configuration, so use it before the loop runs again. */
int engine_reload(struct engine *e, struct conf *nc, struct reload_plan *ret_plan);
/* The plan a reload to nc would apply, without applying it. */
int engine_reload_plan(const struct engine *e, const struct conf *nc, struct reload_plan *ret_plan);
