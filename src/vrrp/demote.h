/* The operator's demotes, by instance name. The engine keeps them so that
 * an instance a reload restarts is opened demoted again; the supervisor
 * keeps a copy (the worker sends it after every change) and hands it to a
 * restarted worker in VIGIL_DEMOTED_ENV, read before any instance starts,
 * so that a worker crash does not undo a demote. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

struct engine;

struct demote_list {
        char **names;
        unsigned n;
        bool loaded;            /* the inherited list was read */
};

/* Is this instance demoted? (reads the inherited list on first use) */
bool engine_demoted_has(struct engine *e, const char *name);
/* demote/promote an instance, or every member of a sync group: the FSM
 * and the list. Returns how many instances matched. */
int engine_demote(struct engine *e, const char *name, bool on);
/* Forget the demotes of instances the engine's configuration no longer
 * has (after a reload, and at the start for an inherited list), so that
 * one added back later starts as configured. */
void engine_demoted_prune(struct engine *e);
/* The list as a JSON array of names, for the supervisor. */
json_t *engine_demoted_json(const struct engine *e);
void engine_demoted_free(struct demote_list *l);
