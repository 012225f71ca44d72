#include "daemon/limits.h"

static void not_yet(struct diag_list *d, const struct conf_pos *pos, const char *what, const char *name)
{
        diag_add(d, DIAG_WARNING, DIAG_CONFIG, pos, "(%s) %s is not acted on by this build yet; it is ignored",
                 name, what);
}

static bool has_notify(const struct conf_notify *n)
{
        return n->master.cmdline || n->backup.cmdline || n->fault.cmdline || n->stop.cmdline ||
               n->deleted.cmdline || n->generic.cmdline || n->master_rx_lower_pri.cmdline;
}

void conf_report_engine_limits(const struct conf *c, struct diag_list *d)
{
        const struct conf_vrrp_instance *vi;
        const struct conf_sync_group *g;

        CONF_FOREACH(vi, &c->instances) {
                if (vi->track_script.count)
                        not_yet(d, &vi->pos, "track_script", vi->name);
                if (vi->track_interface.count)
                        not_yet(d, &vi->pos, "track_interface", vi->name);
                if (vi->track_file.count)
                        not_yet(d, &vi->pos, "track_file", vi->name);
                if (vi->track_process.count)
                        not_yet(d, &vi->pos, "track_process", vi->name);
                if (has_notify(&vi->notify))
                        not_yet(d, &vi->pos, "notify", vi->name);
                if (vi->smtp_alert > 0)
                        not_yet(d, &vi->pos, "smtp_alert", vi->name);
        }
        CONF_FOREACH(g, &c->sync_groups)
                not_yet(d, &g->pos, "vrrp_sync_group", g->name);
        if (c->global.notify_fifo.cmdline || c->global.vrrp_notify_fifo.cmdline)
                diag_add(d, DIAG_WARNING, DIAG_CONFIG, NULL, "notify_fifo is not acted on by this build yet; it is ignored");
        if (c->virtual_servers.count)
                diag_add(d, DIAG_WARNING, DIAG_CONFIG, &c->virtual_servers.first->pos,
                         "virtual_server: the health checker is not in this build yet; LVS blocks are ignored");
}
