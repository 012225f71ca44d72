/* The supervisor's copy of the operator's overrides of real servers
 * (check/admin.h): the check worker sends its whole set each time it
 * changes ({"lvs_admin": [[state, vs, rs], ...]}); a worker started after
 * a crash gets it back in VIGIL_LVS_ADMIN_ENV before its first table, so a
 * drained server is not put back at full weight by the restart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/admin.h"
#include "common/log.h"
#include "daemon/sup_internal.h"

void lvs_admin_keep(struct worker_slot *w, json_t *set)
{
        char *text = json_is_array(set) ? json_dumps(set, JSON_COMPACT) : NULL;
        size_t len;

        free(w->env_extra);
        w->env_extra = NULL;
        if (!text || !json_array_size(set)) {
                free(text);
                return;
        }
        len = sizeof(VIGIL_LVS_ADMIN_ENV "=") + strlen(text);
        if ((w->env_extra = malloc(len)))
                snprintf(w->env_extra, len, "%s=%s", VIGIL_LVS_ADMIN_ENV, text);
        free(text);
}

bool lvs_admin_env(const char *env)
{
        return !strncmp(env, VIGIL_LVS_ADMIN_ENV "=", sizeof(VIGIL_LVS_ADMIN_ENV));
}

static bool vs_matches(json_t *vs, const char *q)
{
        const char *svcs[16];
        json_t *list = json_object_get(vs, "services"), *x;
        size_t n = 0, i;

        json_array_foreach(list, i, x)
                if (n < 16 && json_is_string(x))
                        svcs[n++] = json_string_value(x);
        return json_is_string(json_object_get(vs, "name")) &&
               check_admin_vs_match(q, json_string_value(json_object_get(vs, "name")), svcs, n,
                                    json_string_value(json_object_get(vs, "group")));
}

static json_t *refusal(json_t *out, json_t *why)
{
        json_object_set_new(out, "ok", json_false());
        json_object_set_new(out, "error", why);
        return out;
}

/* `vigilctl show vs NAME`: the virtual server NAME names, by any of the
 * forms check/admin.h takes, with its real servers. */
json_t *lvs_show_vs(struct sup *s, json_t *req)
{
        json_t *st = s->slot[WK_CHECK].status, *list = json_object_get(st, "virtual_servers"), *vs, *hit = NULL;
        const char *q = json_string_value(json_object_get(req, "name"));
        json_t *out = answer(json_object_get(req, "id"), true), *names = json_array();
        size_t i, hits = 0;
        char *text;

        if (!st)
                return refusal(out, json_string("the health checker is not running"));
        json_array_foreach(list, i, vs) {
                json_array_append(names, json_object_get(vs, "name"));
                if (q && vs_matches(vs, q)) {
                        hit = vs;
                        hits++;
                }
        }
        if (hits == 1) {
                json_decref(names);
                json_object_set(out, "virtual_server", hit);
                json_object_set(out, "ipvs", json_object_get(st, "ipvs"));
                return out;
        }
        text = json_dumps(names, JSON_COMPACT);
        json_decref(names);
        refusal(out, hits ? json_sprintf("'%s' names %zu virtual servers: %s", q, hits, text)
                          : json_sprintf("no virtual server '%s'; configured: %s", q ? q : "", text ? text : "[]"));
        free(text);
        return out;
}
