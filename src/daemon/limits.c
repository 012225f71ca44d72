#include "daemon/limits.h"

static void not_yet(struct diag_list *d, const struct conf_pos *pos, const char *what, const char *name)
{
        diag_add(d, DIAG_WARNING, DIAG_CONFIG, pos, "(%s) %s is not acted on by this build yet; it is ignored",
                 name, what);
}

void conf_report_engine_limits(const struct conf *c, struct diag_list *d)
{
        const struct conf_vrrp_instance *vi;
        const struct conf_sync_group *g;

        if (c->global.smtp_alert > 0)
                diag_add(d, DIAG_WARNING, DIAG_CONFIG, NULL, "smtp_alert is not acted on by this build yet; it is ignored");
        CONF_FOREACH(vi, &c->instances) {
                if (vi->smtp_alert > 0)
                        not_yet(d, &vi->pos, "smtp_alert", vi->name);
        }
        CONF_FOREACH(g, &c->sync_groups)
                if (g->smtp_alert > 0)
                        not_yet(d, &g->pos, "smtp_alert", g->name);
        if (c->virtual_servers.count)
                diag_add(d, DIAG_WARNING, DIAG_CONFIG, &c->virtual_servers.first->pos,
                         "virtual_server: the health checker is not in this build yet; LVS blocks are ignored");
}
