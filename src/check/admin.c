/* The operator's overrides of real servers; see admin.h for the rules. */
#include "check/admin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = { "active", "drained", "disabled" };

const char *check_admin_state_name(enum check_admin_state s)
{
        return (unsigned)s < 3 ? state_names[s] : "active";
}

int check_admin_state_of_cmd(const char *cmd)
{
        if (!cmd)
                return -EINVAL;
        if (!strcmp(cmd, "drain"))
                return CHECK_ADMIN_DRAINED;
        if (!strcmp(cmd, "enable") || !strcmp(cmd, "undrain"))
                return CHECK_ADMIN_ACTIVE;
        if (!strcmp(cmd, "disable"))
                return CHECK_ADMIN_DISABLED;
        return -EINVAL;
}

int check_admin_state_of_name(const char *name)
{
        for (int i = 0; name && i < 3; i++)
                if (!strcmp(name, state_names[i]))
                        return i;
        return -EINVAL;
}

static long find(const struct check_admin *a, const char *vs, const char *rs)
{
        for (size_t i = 0; i < a->n; i++)
                if (!strcmp(a->v[i].vs, vs) && !strcmp(a->v[i].rs, rs))
                        return (long)i;
        return -1;
}

int check_admin_set(struct check_admin *a, const char *vs, const char *rs, enum check_admin_state st)
{
        long i = find(a, vs, rs);
        struct check_admin_entry *grown;

        if (strlen(vs) >= CHECK_ADMIN_NAME || strlen(rs) >= CHECK_ADMIN_NAME)
                return -ENAMETOOLONG;
        if (st == CHECK_ADMIN_ACTIVE) {
                if (i >= 0)
                        a->v[i] = a->v[--a->n];
                return 0;
        }
        if (i < 0) {
                if (!(grown = realloc(a->v, (a->n + 1) * sizeof(*grown))))
                        return -ENOMEM;
                a->v = grown;
                i = (long)a->n++;
                snprintf(a->v[i].vs, sizeof(a->v[i].vs), "%s", vs);
                snprintf(a->v[i].rs, sizeof(a->v[i].rs), "%s", rs);
        }
        a->v[i].state = st;
        return 0;
}

enum check_admin_state check_admin_get(const struct check_admin *a, const char *vs, const char *rs)
{
        long i = a->n ? find(a, vs, rs) : -1;

        return i < 0 ? CHECK_ADMIN_ACTIVE : a->v[i].state;
}

size_t check_admin_prune(struct check_admin *a, bool (*exists)(void *ctx, const char *vs, const char *rs),
                         void (*dropped)(void *ctx, const struct check_admin_entry *en), void *ctx)
{
        size_t k = 0, gone = 0;

        for (size_t i = 0; i < a->n; i++) {
                if (exists(ctx, a->v[i].vs, a->v[i].rs)) {
                        a->v[k++] = a->v[i];
                        continue;
                }
                gone++;
                if (dropped)
                        dropped(ctx, &a->v[i]);
        }
        a->n = k;
        return gone;
}

void check_admin_free(struct check_admin *a)
{
        free(a->v);
        a->v = NULL;
        a->n = 0;
}

void check_admin_input(enum check_admin_state st, struct check_rs_input *in)
{
        in->drained = st == CHECK_ADMIN_DRAINED;
        in->disabled = st == CHECK_ADMIN_DISABLED;
}

/* "[a]:proto:port" -> "[a]:port": the name without its protocol. */
static void without_proto(const char *name, char *buf, size_t size)
{
        const char *close = strchr(name, ']');
        const char *last = strrchr(name, ':');

        if (!close || !last || last <= close + 1 || close[1] != ':') {
                snprintf(buf, size, "%s", name);
                return;
        }
        snprintf(buf, size, "%.*s%s", (int)(close + 1 - name), name, last);
}

bool check_admin_vs_match(const char *query, const char *name, const char *const *svcs, size_t nsvcs,
                          const char *group)
{
        char buf[CHECK_ADMIN_NAME + 16];
        unsigned mark;
        char tail;

        if (!strcmp(query, name))
                return true;
        without_proto(name, buf, sizeof(buf));
        if (!strcmp(query, buf))
                return true;
        if (group && !strcmp(query, group))
                return true;
        if (sscanf(query, "fwmark %u%c", &mark, &tail) == 1 || sscanf(query, "fwm %u%c", &mark, &tail) == 1) {
                snprintf(buf, sizeof(buf), "FWM %u", mark);
                if (!strcmp(buf, name))
                        return true;
        }
        for (size_t i = 0; i < nsvcs; i++)
                if (!strcmp(query, svcs[i]))
                        return true;
        return false;
}

bool check_admin_rs_match(const char *query, const char *name, const char *addr, unsigned port)
{
        char buf[CHECK_ADMIN_NAME + 16];

        if (!strcmp(query, name) || !strcmp(query, addr))
                return true;
        without_proto(name, buf, sizeof(buf));
        if (!strcmp(query, buf))
                return true;
        snprintf(buf, sizeof(buf), "%s:%u", addr, port);
        return !strcmp(query, buf);
}
