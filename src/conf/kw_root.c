/* Root-level keywords, static_* blocks and the SSL block. */
#include <stddef.h>
#include <string.h>

#include "conf/addr_lines.h"
#include "conf/kw_common.h"
#include "conf/parser.h"
#include "conf/values.h"

static void *open_global(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf *c = obj;

        pargs(p, ln, 0, 0);
        return &c->global;
}

static void static_address_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf *c = obj;
        struct conf_ipaddress *a = arena_alloc(&c->arena, sizeof(*a));

        if (!parse_ipaddress_line(p, ln, true, a))
                return;
        CONF_LIST_APPEND(&c->static_ipaddress, a);
        c->have_vrrp = true;
}

static void static_route_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf *c = obj;
        struct conf_route *r = arena_alloc(&c->arena, sizeof(*r));

        if (!parse_route_line(p, ln, true, r))
                return;
        CONF_LIST_APPEND(&c->static_routes, r);
        c->have_vrrp = true;
}

static void static_rule_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf *c = obj;
        struct conf_rule *r = arena_alloc(&c->arena, sizeof(*r));

        if (!parse_rule_line(p, ln, true, r))
                return;
        CONF_LIST_APPEND(&c->static_rules, r);
        c->have_vrrp = true;
}

static void *open_ssl(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf *c = obj;

        pargs(p, ln, 0, 0);
        c->ssl.present = true;
        return &c->ssl;
}

static const struct kw ssl_kw[] = {
        KW_T("password", T_STRING, struct conf_ssl, password, 0, 0),
        KW_T("ca", T_STRING, struct conf_ssl, ca, 0, 0),
        KW_T("certificate", T_STRING, struct conf_ssl, certificate, 0, 0),
        KW_T("key", T_STRING, struct conf_ssl, key, 0, 0),
        KW_END,
};
const struct kw_table kw_ssl_table = { "SSL", ssl_kw };

static const struct kw root_kw[] = {
        KW_BLOCK("global_defs", &kw_global_table, open_global, NULL),
        KW_LINES("static_ipaddress", static_address_line),
        KW_LINES("static_routes", static_route_line),
        KW_LINES("static_rules", static_rule_line),
        KW_BLOCK("vrrp_script", &kw_vrrp_script_table, kw_open_vrrp_script, NULL),
        KW_BLOCK("track_file", &kw_track_file_table, kw_open_track_file, kw_close_track_file),
        KW_BLOCK("vrrp_track_file", &kw_track_file_table, kw_open_track_file, kw_close_track_file),
        KW_BLOCK("vrrp_track_process", &kw_track_process_table, kw_open_track_process, kw_close_track_process),
        KW_BLOCK("vrrp_sync_group", &kw_sync_group_table, kw_open_sync_group, NULL),
        KW_BLOCK("vrrp_instance", &kw_instance_table, kw_open_instance, NULL),
        KW_NAMED_LINES("virtual_server_group", kw_open_vsg, kw_vsg_line),
        KW_BLOCK("virtual_server", &kw_vs_table, kw_open_virtual_server, kw_close_virtual_server),
        KW_BLOCK("SSL", &kw_ssl_table, open_ssl, NULL),
        KW_NS("net_namespace", "run vigild inside the namespace with 'ip netns exec'"),
        KW_NS("net_namespace_ipvs", NULL),
        KW_NS("namespace_with_ipsets", NULL),
        KW_NS("instance", NULL),
        KW_NS("use_pid_dir", NULL),
        KW_NS("child_wait_time", NULL),
        KW_NS("linkbeat_use_polling", "link state comes from netlink"),
        KW_NS("linkbeat_interfaces", "link state comes from netlink"),
        KW_NS("interface_up_down_delays", NULL),
        KW_NS("track_group", NULL),
        KW_NS("garp_group", NULL),
        KW_NS("bfd_instance", "BFD is not implemented"),
        KW_END,
};

const struct kw_table kw_root_table = { "the top level", root_kw };
