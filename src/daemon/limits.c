#include "daemon/limits.h"

#include <stdbool.h>

#include "check/probe_addr.h"

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
                                if (check_probe_supported(ck->type) || (warned & bit))
                                        continue;
                                warned |= bit;
                                diag_add(d, DIAG_WARNING, DIAG_CONFIG, &ck->pos,
                                         "%s is not in this build yet (LVS part 2): this checker is not run, and its real server counts as alive",
                                         conf_checker_name(ck->type));
                        }
}
