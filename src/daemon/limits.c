#include "daemon/limits.h"

#include <stdbool.h>

/* Whether this build runs checkers of type t. check_probe_supported() of
 * check/probe.h is the answer once the prober (check/probe.c) is merged;
 * until then this file cannot link it, so it gives the same answer from
 * the type: issue 14 runs TCP_CHECK and MISC_CHECK. The lead switches this
 * to check_probe_supported(t) at the merge. */
static bool checker_supported(enum conf_checker_type t)
{
        return t == CHECK_TCP || t == CHECK_MISC;
}

/* One warning per checker type this build does not run, at its first use:
 * the check worker leaves those checkers out, so their real servers stay
 * in the pool as if they passed (as a real server with no checker does). */
void conf_report_engine_limits(const struct conf *c, struct diag_list *d)
{
        const struct conf_virtual_server *vs;
        const struct conf_real_server *rs;
        const struct conf_checker *ck;
        unsigned warned = 0;

        CONF_FOREACH(vs, &c->virtual_servers)
                CONF_FOREACH(rs, &vs->real_servers)
                        CONF_FOREACH(ck, &rs->checkers) {
                                unsigned bit = 1u << ck->type;
                                if (checker_supported(ck->type) || (warned & bit))
                                        continue;
                                warned |= bit;
                                diag_add(d, DIAG_WARNING, DIAG_CONFIG, &ck->pos,
                                         "%s is not in this build yet (LVS part 2): this checker is not run, and its real server counts as alive",
                                         conf_checker_name(ck->type));
                        }
}
