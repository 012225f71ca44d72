/* Hitless reload of the VRRP engine: see reload.c for what carries over. */
#pragma once

#include "conf/model.h"

struct engine;

struct reload_report {
        unsigned kept, updated, restarted, added, removed;
};

/* Switch the engine to nc (already validated); the engine owns nc after. */
int engine_reload(struct engine *e, struct conf *nc, struct reload_report *rep);
