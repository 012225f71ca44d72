#include "daemon/limits.h"

void conf_report_engine_limits(const struct conf *c, struct diag_list *d)
{
        if (c->virtual_servers.count)
                diag_add(d, DIAG_WARNING, DIAG_CONFIG, &c->virtual_servers.first->pos,
                         "virtual_server: the health checker is not in this build yet; LVS blocks are ignored");
}
