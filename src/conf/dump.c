#include "conf/dump.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "conf/values.h"

static json_t *seconds(int64_t us)
{
        if (us == TIMER_UNSET)
                return json_null();
        if (us % 1000000 == 0)
                return json_integer(us / 1000000);
        return json_real((double)us / 1e6);
}

static json_t *str_or_null(const char *s)
{
        return s ? json_string(s) : json_null();
}

static json_t *ip_json(const struct conf_ip *ip)
{
        char buf[INET6_ADDRSTRLEN];

        return ip->family ? json_string(conf_ip_str(ip, buf, sizeof(buf))) : json_null();
}

static json_t *prefix_json(const struct conf_ip *ip, unsigned len)
{
        char buf[INET6_ADDRSTRLEN];

        return json_sprintf("%s/%u", conf_ip_str(ip, buf, sizeof(buf)), len);
}

static json_t *tri(int v)
{
        return v < 0 ? json_null() : json_boolean(v);
}

static json_t *script_json(const struct conf_script *s)
{
        json_t *o, *argv;

        if (!s->cmdline)
                return json_null();
        argv = json_array();
        for (unsigned i = 0; i < s->argc; i++)
                json_array_append_new(argv, json_string(s->argv[i]));
        o = json_pack("{s:s, s:o, s:o, s:o}", "command", s->cmdline, "argv", argv, "user", str_or_null(s->user),
                      "group", str_or_null(s->group));
        return o;
}

static json_t *strlist_json(const conf_strlist *l)
{
        json_t *a = json_array();
        struct conf_strlist_item *it;

        CONF_FOREACH(it, l)
                json_array_append_new(a, json_string(it->value));
        return a;
}

static json_t *addresses_json(const conf_ipaddress_list *l)
{
        static const char *const brd[] = { NULL, NULL, "+", "-" };
        json_t *a = json_array();
        struct conf_ipaddress *x;

        CONF_FOREACH(x, l) {
                json_t *o = json_pack("{s:o, s:o, s:i, s:o, s:b}", "address", ip_json(&x->addr), "dev",
                                      str_or_null(x->dev), "scope", x->scope, "label", str_or_null(x->label),
                                      "no_track", x->no_track);
                json_object_set_new(o, "prefix", json_integer(x->prefixlen));
                if (x->brd_kind == BRD_ADDR)
                        json_object_set_new(o, "broadcast", ip_json(&x->brd));
                else if (brd[x->brd_kind])
                        json_object_set_new(o, "broadcast", json_string(brd[x->brd_kind]));
                json_array_append_new(a, o);
        }
        return a;
}

static json_t *routes_json(const conf_route_list *l)
{
        json_t *a = json_array();
        struct conf_route *r;

        CONF_FOREACH(r, l) {
                json_t *via = json_array();
                for (unsigned i = 0; i < r->nvia; i++)
                        json_array_append_new(via, ip_json(&r->via[i]));
                json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o, s:i, s:i, s:o, s:i}",
                        "to", r->dst_default ? json_string("default") : prefix_json(&r->dst, r->dst_len),
                        "src", r->has_src ? ip_json(&r->src) : json_null(), "via", via, "dev", str_or_null(r->dev),
                        "scope", r->scope, "table", (int)r->table,
                        "metric", r->has_metric ? json_integer(r->metric) : json_null(), "type", r->type));
        }
        return a;
}

static json_t *rules_json(const conf_rule_list *l)
{
        json_t *a = json_array();
        struct conf_rule *r;

        CONF_FOREACH(r, l)
                json_array_append_new(a, json_pack("{s:s, s:o, s:o, s:i, s:o, s:i}",
                        "family", r->family == AF_INET ? "inet" : "inet6",
                        "from", r->has_from ? prefix_json(&r->from, r->from_len) : json_null(),
                        "to", r->has_to ? prefix_json(&r->to, r->to_len) : json_null(), "table", (int)r->table,
                        "preference", r->has_preference ? json_integer(r->preference) : json_null(),
                        "action", r->action));
        return a;
}

static json_t *tracks_json(const conf_track_list *l)
{
        json_t *a = json_array();
        struct conf_track *t;

        CONF_FOREACH(t, l)
                json_array_append_new(a, json_pack("{s:s, s:o, s:o}", "name", t->name,
                        "weight", t->weight_set ? json_integer(t->weight) : json_null(), "reverse", tri(t->reverse)));
        return a;
}

static json_t *notify_json(const struct conf_notify *n)
{
        return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "notify_master", script_json(&n->master),
                         "notify_backup", script_json(&n->backup), "notify_fault", script_json(&n->fault),
                         "notify_stop", script_json(&n->stop), "notify", script_json(&n->generic),
                         "notify_deleted", n->notify_deleted ? (n->deleted.cmdline ? script_json(&n->deleted) : json_true()) : json_false(),
                         "notify_master_rx_lower_pri", script_json(&n->master_rx_lower_pri));
}

/* null when none; 0 for the kernel's default of an option */
static json_t *lvs_syncd_json(const struct conf_lvs_syncd *d)
{
        if (!d->ifname)
                return json_null();
        return json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:o}", "interface", d->ifname, "instance", d->instance,
                         "syncid", (int)d->syncid, "maxlen", (int)d->maxlen, "port", (int)d->port, "ttl", (int)d->ttl,
                         "group", ip_json(&d->group));
}

static json_t *global_json(const struct conf_global *g)
{
        json_t *o = json_object();

        json_object_set_new(o, "router_id", str_or_null(g->router_id));
        json_object_set_new(o, "notification_email", strlist_json(&g->notification_email));
        json_object_set_new(o, "notification_email_from", str_or_null(g->notification_email_from));
        json_object_set_new(o, "smtp_server", str_or_null(g->smtp_server));
        json_object_set_new(o, "smtp_server_port", json_integer(g->smtp_server_port));
        json_object_set_new(o, "smtp_connect_timeout", seconds(g->smtp_connect_timeout));
        json_object_set_new(o, "smtp_alert", tri(g->smtp_alert));
        json_object_set_new(o, "script_user", str_or_null(g->script_user));
        json_object_set_new(o, "enable_script_security", json_boolean(g->enable_script_security));
        json_object_set_new(o, "vrrp_mcast_group4", ip_json(&g->vrrp_mcast_group4));
        json_object_set_new(o, "vrrp_mcast_group6", ip_json(&g->vrrp_mcast_group6));
        json_object_set_new(o, "vrrp_version", json_integer(g->vrrp_version));
        json_object_set_new(o, "vrrp_strict", json_boolean(g->vrrp_strict));
        json_object_set_new(o, "vrrp_skip_check_adv_addr", json_boolean(g->vrrp_skip_check_adv_addr));
        json_object_set_new(o, "vrrp_garp_master_delay", seconds(g->vrrp_garp_master_delay));
        json_object_set_new(o, "vrrp_garp_master_repeat", json_integer(g->vrrp_garp_master_repeat));
        json_object_set_new(o, "vrrp_garp_master_refresh", seconds(g->vrrp_garp_master_refresh));
        json_object_set_new(o, "vrrp_garp_interval", seconds(g->vrrp_garp_interval));
        json_object_set_new(o, "vrrp_gna_interval", seconds(g->vrrp_gna_interval));
        json_object_set_new(o, "default_interface", str_or_null(g->default_interface));
        json_object_set_new(o, "notify_fifo", script_json(&g->notify_fifo));
        json_object_set_new(o, "vrrp_notify_fifo", script_json(&g->vrrp_notify_fifo));
        json_object_set_new(o, "lvs_flush", json_boolean(g->lvs_flush));
        json_object_set_new(o, "lvs_flush_on_stop", g->lvs_flush_onstop == CONF_FLUSH_ONSTOP_NONE ? json_null()
                                    : json_string(g->lvs_flush_onstop == CONF_FLUSH_ONSTOP_VS ? "VS" : "all"));
        json_object_set_new(o, "lvs_timeouts", json_pack("{s:I, s:I, s:I}", "tcp", (json_int_t)g->lvs_timeout_tcp,
                                                           "tcpfin", (json_int_t)g->lvs_timeout_tcpfin, "udp",
                                                           (json_int_t)g->lvs_timeout_udp));
        json_object_set_new(o, "lvs_dry_run", json_boolean(g->lvs_dry_run));
        json_object_set_new(o, "lvs_sync_daemon", lvs_syncd_json(&g->lvs_syncd));
        json_object_set_new(o, "lvs_expire_nodest_conn",
                            g->lvs_expire_nodest_conn_set ? json_boolean(g->lvs_expire_nodest_conn) : json_null());
        json_object_set_new(o, "lvs_expire_quiescent_template", g->lvs_expire_quiescent_template_set
                                    ? json_boolean(g->lvs_expire_quiescent_template) : json_null());
        json_object_set_new(o, "lvs_drift_check", seconds(g->lvs_drift_check));
        json_object_set_new(o, "rs_init_notifies", json_boolean(g->rs_init_notifies));
        return o;
}

static json_t *vrrp_scripts_json(const struct conf *c)
{
        json_t *a = json_array();
        struct conf_vrrp_script *s;

        CONF_FOREACH(s, &c->vrrp_scripts)
                json_array_append_new(a, json_pack("{s:s, s:o, s:o, s:o, s:i, s:b, s:i, s:i, s:b, s:o}",
                        "name", s->name, "script", script_json(&s->script), "interval", seconds(s->interval),
                        "timeout", seconds(s->timeout), "weight", s->weight, "reverse", s->weight_reverse,
                        "rise", (int)s->rise, "fall", (int)s->fall, "init_fail", s->init_fail,
                        "user", str_or_null(s->user)));
        return a;
}

static json_t *auth_json(const struct conf_vrrp_instance *vi)
{
        if (vi->auth_type == AUTH_NONE)
                return json_null();
        return json_pack("{s:s, s:s}", "auth_type", vi->auth_type == AUTH_PASS ? "PASS" : "AH", "auth_pass",
                         vi->auth_pass);
}

static json_t *peers_json(const struct conf_vrrp_instance *vi)
{
        json_t *a = json_array();
        struct conf_unicast_peer *p;

        CONF_FOREACH(p, &vi->unicast_peer)
                json_array_append_new(a, json_pack("{s:o, s:i, s:i}", "address", ip_json(&p->addr), "min_ttl",
                                                   p->min_ttl, "max_ttl", p->max_ttl));
        return a;
}

json_t *conf_instance_to_json(const struct conf_vrrp_instance *vi)
{
        json_t *o = json_object();

        json_object_set_new(o, "name", json_string(vi->name));
        json_object_set_new(o, "state", json_string(vi->state == STATE_MASTER ? "MASTER" : "BACKUP"));
        json_object_set_new(o, "interface", str_or_null(vi->interface));
        json_object_set_new(o, "virtual_router_id", json_integer(vi->virtual_router_id));
        json_object_set_new(o, "priority", json_integer(vi->priority));
        json_object_set_new(o, "advert_int", seconds(vi->advert_int));
        json_object_set_new(o, "version", json_integer(vi->version));
        json_object_set_new(o, "family", json_string(vi->family == AF_INET6 ? "inet6" : "inet"));
        json_object_set_new(o, "nopreempt", json_boolean(vi->nopreempt));
        json_object_set_new(o, "preempt_delay", seconds(vi->preempt_delay));
        json_object_set_new(o, "authentication", auth_json(vi));
        json_object_set_new(o, "virtual_ipaddress", addresses_json(&vi->virtual_ipaddress));
        json_object_set_new(o, "virtual_ipaddress_excluded", addresses_json(&vi->virtual_ipaddress_excluded));
        json_object_set_new(o, "virtual_routes", routes_json(&vi->virtual_routes));
        json_object_set_new(o, "virtual_rules", rules_json(&vi->virtual_rules));
        json_object_set_new(o, "track_interface", tracks_json(&vi->track_interface));
        json_object_set_new(o, "track_script", tracks_json(&vi->track_script));
        json_object_set_new(o, "track_file", tracks_json(&vi->track_file));
        json_object_set_new(o, "track_process", tracks_json(&vi->track_process));
        json_object_set_new(o, "dont_track_primary", json_boolean(vi->dont_track_primary));
        json_object_set_new(o, "mcast_src_ip", ip_json(&vi->mcast_src_ip));
        json_object_set_new(o, "unicast_src_ip", ip_json(&vi->unicast_src_ip));
        json_object_set_new(o, "unicast_peer", peers_json(vi));
        json_object_set_new(o, "accept", tri(vi->accept));
        json_object_set_new(o, "strict_mode", json_boolean(vi->strict_mode));
        json_object_set_new(o, "garp_master_delay", seconds(vi->garp_master_delay));
        json_object_set_new(o, "garp_master_repeat", json_integer(vi->garp_master_repeat));
        json_object_set_new(o, "garp_master_refresh", seconds(vi->garp_master_refresh));
        json_object_set_new(o, "garp_master_refresh_repeat", json_integer(vi->garp_master_refresh_repeat));
        json_object_set_new(o, "garp_lower_prio_delay", seconds(vi->garp_lower_prio_delay));
        json_object_set_new(o, "garp_lower_prio_repeat", json_integer(vi->garp_lower_prio_repeat));
        json_object_set_new(o, "down_timer_adverts", json_integer(vi->down_timer_adverts));
        json_object_set_new(o, "lower_prio_no_advert", json_boolean(vi->lower_prio_no_advert));
        json_object_set_new(o, "higher_prio_send_advert", json_boolean(vi->higher_prio_send_advert));
        json_object_set_new(o, "lower_prio_takeover", json_boolean(vi->lower_prio_takeover));
        json_object_set_new(o, "skip_check_adv_addr", json_boolean(vi->skip_check_adv_addr));
        json_object_set_new(o, "use_vmac", json_boolean(vi->use_vmac));
        json_object_set_new(o, "vmac_xmit_base", json_boolean(vi->vmac_xmit_base));
        json_object_set_new(o, "smtp_alert", json_boolean(vi->smtp_alert > 0));
        json_object_set_new(o, "sync_group", str_or_null(vi->sync_group));
        json_object_set_new(o, "v3_checksum_as_v2", json_boolean(vi->v3_checksum_as_v2));
        json_object_set_new(o, "owner_ignore_adverts", json_boolean(vi->owner_ignore_adverts));
        json_object_set_new(o, "vmac_name", str_or_null(vi->vmac_name));
        json_object_set_new(o, "unicast_ttl", json_integer(vi->unicast_ttl));
        json_object_set_new(o, "check_unicast_src", json_boolean(vi->check_unicast_src));
        json_object_set_new(o, "unicast_fault_no_peer", json_boolean(vi->unicast_fault_no_peer));
        json_object_set_new(o, "mcast_dst_ip", ip_json(&vi->mcast_dst_ip));
        json_object_set_new(o, "notify_priority_changes", json_integer(vi->notify_priority_changes));
        json_object_update_new(o, notify_json(conf_instance_notify(vi)));
        return o;
}

static json_t *sync_group_json(const struct conf_sync_group *g)
{
        json_t *o = json_pack("{s:s, s:o, s:o}", "name", g->name, "group", strlist_json(&g->group), "smtp_alert",
                              tri(g->smtp_alert));

        json_object_set_new(o, "track_interface", tracks_json(&g->track_interface));
        json_object_set_new(o, "track_script", tracks_json(&g->track_script));
        json_object_update_new(o, notify_json(&g->notify));
        return o;
}

static json_t *checker_json(const struct conf_checker *ck)
{
        static const char *const names[] = { "TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "MISC_CHECK",
                                             "DNS_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK" };
        json_t *o = json_pack("{s:s, s:o, s:i, s:o, s:o, s:I, s:o, s:o, s:b}", "type", names[ck->type],
                              "connect_ip", ip_json(&ck->connect_ip), "connect_port", ck->connect_port,
                              "connect_timeout", seconds(ck->connect_timeout), "delay_loop", seconds(ck->delay_loop),
                              "retry", (json_int_t)ck->retry, "delay_before_retry", seconds(ck->delay_before_retry),
                              "warmup", seconds(ck->warmup), "alpha", ck->alpha > 0);
        struct conf_url *u;
        json_t *urls = json_array();

        CONF_FOREACH(u, &ck->url) {
                json_t *codes = json_array();
                for (unsigned i = 0; i < u->nstatus; i++)
                        json_array_append_new(codes, u->status[i].lo == u->status[i].hi
                                                             ? json_integer(u->status[i].lo)
                                                             : json_sprintf("%u-%u", u->status[i].lo, u->status[i].hi));
                json_array_append_new(urls, json_pack("{s:o, s:o, s:o}", "path", str_or_null(u->path), "digest",
                                                      str_or_null(u->digest), "status_code", codes));
        }
        if (ck->type == CHECK_HTTP || ck->type == CHECK_SSL)
                json_object_set_new(o, "url", urls);
        else
                json_decref(urls);
        if (ck->type == CHECK_MISC) {
                json_object_set_new(o, "misc_path", script_json(&ck->misc_path));
                json_object_set_new(o, "misc_timeout", seconds(ck->misc_timeout));
                json_object_set_new(o, "misc_dynamic", json_boolean(ck->misc_dynamic));
        }
        if (ck->type == CHECK_SMTP)
                json_object_set_new(o, "helo_name", str_or_null(ck->helo_name));
        return o;
}

/* A forwarding method with its tunnel options, in lb_kind's words. */
static json_t *fwd_json(const char *kind, const struct conf_tunnel *t)
{
        static const char *const types[] = { "ipip", "gue", "gre" };

        if (!kind || strcmp(kind, "TUN"))
                return str_or_null(kind);
        return json_pack("{s:s, s:s, s:i, s:s}", "method", kind, "type", types[t->type % 3], "port", t->port, "csum",
                         t->flags & CONF_TUN_F_REMCSUM ? "remcsum" : t->flags & CONF_TUN_F_CSUM ? "csum" : "nocsum");
}

static json_t *virtual_server_json(const struct conf_virtual_server *vs)
{
        json_t *o = json_object(), *rss = json_array();
        struct conf_real_server *rs;

        if (vs->kind == VS_ADDR) {
                json_object_set_new(o, "address", ip_json(&vs->addr));
                json_object_set_new(o, "port", json_integer(vs->port));
        } else if (vs->kind == VS_FWMARK) {
                json_object_set_new(o, "fwmark", json_integer(vs->fwmark));
        } else {
                json_object_set_new(o, "group", json_string(vs->group));
        }
        json_object_set_new(o, "lb_algo", str_or_null(vs->lb_algo));
        json_object_set_new(o, "lb_kind", fwd_json(vs->lb_kind, &vs->lb_tun));
        json_object_set_new(o, "sched_flags", json_integer(vs->sched_flags));
        json_object_set_new(o, "persistence_engine", str_or_null(vs->persistence_engine));
        json_object_set_new(o, "protocol", str_or_null(vs->protocol));
        json_object_set_new(o, "persistence_timeout", json_integer(vs->persistence_timeout));
        json_object_set_new(o, "delay_loop", seconds(vs->delay_loop));
        json_object_set_new(o, "quorum", json_integer(vs->quorum));
        json_object_set_new(o, "hysteresis", json_integer(vs->hysteresis));
        json_object_set_new(o, "alpha", json_boolean(vs->alpha));
        json_object_set_new(o, "omega", json_boolean(vs->omega));
        json_object_set_new(o, "sorry_server", vs->has_sorry_server ? ip_json(&vs->sorry_server) : json_null());
        json_object_set_new(o, "sorry_server_lvs_method", fwd_json(vs->sorry_server_lvs_method, &vs->sorry_tun));
        CONF_FOREACH(rs, &vs->real_servers) {
                json_t *cks = json_array();
                struct conf_checker *ck;
                CONF_FOREACH(ck, &rs->checkers)
                        json_array_append_new(cks, checker_json(ck));
                json_array_append_new(rss, json_pack("{s:o, s:i, s:I, s:o, s:b, s:o, s:o, s:o}", "address",
                        ip_json(&rs->addr), "port", rs->port, "weight", (json_int_t)rs->weight,
                        "lvs_method", fwd_json(rs->lvs_method, &rs->tun),
                        "inhibit_on_failure", rs->inhibit_on_failure > 0, "notify_up", script_json(&rs->notify_up),
                        "notify_down", script_json(&rs->notify_down), "checkers", cks));
        }
        json_object_set_new(o, "real_servers", rss);
        return o;
}

json_t *conf_to_json(const struct conf *c)
{
        json_t *root = json_object(), *a;
        struct conf_vrrp_instance *vi;
        struct conf_sync_group *g;
        struct conf_virtual_server *vs;
        struct conf_track_file *tf;

        json_object_set_new(root, "global_defs", global_json(&c->global));
        json_object_set_new(root, "static_ipaddress", addresses_json(&c->static_ipaddress));
        json_object_set_new(root, "static_routes", routes_json(&c->static_routes));
        json_object_set_new(root, "static_rules", rules_json(&c->static_rules));
        json_object_set_new(root, "vrrp_script", vrrp_scripts_json(c));
        a = json_array();
        CONF_FOREACH(tf, &c->track_files)
                json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:b}", "name", tf->name, "file", tf->file,
                                                   "weight", tf->weight, "reverse", tf->weight_reverse));
        json_object_set_new(root, "track_file", a);
        a = json_array();
        CONF_FOREACH(g, &c->sync_groups)
                json_array_append_new(a, sync_group_json(g));
        json_object_set_new(root, "vrrp_sync_group", a);
        a = json_array();
        CONF_FOREACH(vi, &c->instances)
                json_array_append_new(a, conf_instance_to_json(vi));
        json_object_set_new(root, "vrrp_instance", a);
        a = json_array();
        CONF_FOREACH(vs, &c->virtual_servers)
                json_array_append_new(a, virtual_server_json(vs));
        json_object_set_new(root, "virtual_server", a);
        return root;
}

char *conf_dump_json(const struct conf *c)
{
        json_t *j = conf_to_json(c);
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

        json_decref(j);
        return s;
}
