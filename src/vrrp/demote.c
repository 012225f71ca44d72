#include "vrrp/demote.h"

#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"
#include "vrrp/engine.h"
#include "vrrp/engine_internal.h"

static int find(const struct demote_list *l, const char *name)
{
        for (unsigned i = 0; i < l->n; i++)
                if (!strcmp(l->names[i], name))
                        return (int)i;
        return -1;
}

static void set(struct demote_list *l, const char *name, bool on)
{
        int i = find(l, name);
        char **grown;

        if (!on && i >= 0) {
                free(l->names[i]);
                l->names[i] = l->names[--l->n];
        } else if (on && i < 0 && (grown = realloc(l->names, (l->n + 1) * sizeof(*grown)))) {
                l->names = grown;
                if ((l->names[l->n] = strdup(name)))
                        l->n++;
        }
}

/* Names separated by spaces: keepalived's names never contain one. */
static void load(struct demote_list *l)
{
        const char *env = getenv(VIGIL_DEMOTED_ENV);
        char *copy, *save = NULL;

        l->loaded = true;
        if (!env || !*env || !(copy = strdup(env)))
                return;
        for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
                set(l, t, true);
        free(copy);
}

bool engine_demoted_has(struct engine *e, const char *name)
{
        if (!e->demoted.loaded)
                load(&e->demoted);
        return find(&e->demoted, name) >= 0;
}

int engine_demote(struct engine *e, const char *name, bool on)
{
        int64_t now = mono_usec();
        int found = 0;

        if (!e->demoted.loaded)
                load(&e->demoted);
        for (unsigned i = 0; i < e->ninst; i++) {
                struct vrrp_instance *vi = &e->inst[i];
                struct vrrp_actions acts = { 0 };
                if (strcmp(vi->c->name, name) && (!vi->c->sync_group || strcmp(vi->c->sync_group, name)))
                        continue;
                found++;
                set(&e->demoted, vi->c->name, on);
                log_info("(%s) %s by the operator", vi->c->name, on ? "demoted" : "promoted");
                vrrp_fsm_demote(&vi->fsm, now, on, &acts);
                vrrp_instance_apply(vi, now, &acts);
        }
        engine_rearm(e);
        return found;
}

static bool configured(const struct conf *c, const char *name)
{
        const struct conf_vrrp_instance *ci;

        CONF_FOREACH(ci, &c->instances)
                if (!strcmp(ci->name, name))
                        return true;
        return false;
}

void engine_demoted_prune(struct engine *e)
{
        struct demote_list *l = &e->demoted;

        if (!l->loaded)
                load(l);
        for (unsigned i = 0; i < l->n;) {
                if (configured(e->conf, l->names[i])) {
                        i++;
                        continue;
                }
                log_info("(%s) is no longer configured; its demote is forgotten", l->names[i]);
                set(l, l->names[i], false);
        }
}

json_t *engine_demoted_json(const struct engine *e)
{
        json_t *a = json_array();

        for (unsigned i = 0; i < e->demoted.n; i++)
                json_array_append_new(a, json_string(e->demoted.names[i]));
        return a;
}

void engine_demoted_free(struct demote_list *l)
{
        for (unsigned i = 0; i < l->n; i++)
                free(l->names[i]);
        free(l->names);
        *l = (struct demote_list){ 0 };
}
