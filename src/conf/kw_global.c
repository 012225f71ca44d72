/* global_defs { ... } */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "conf/kw_common.h"
#include "conf/parser.h"
#include "conf/values.h"

#define G struct conf_global
#define SEC 1000000LL

static void notification_email_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        G *g = obj;

        kw_strlist_line(p, ln, &g->notification_email);
}

static void kw_smtp_server(struct parser *p, const struct conf_line *ln, void *obj)
{
        G *g = obj;
        int64_t port = 25;

        if (!pargs(p, ln, 1, 2))
                return;
        if (ln->ntok > 2 && !read_int64(p, ln, 2, 1, 65535, &port))
                return;
        g->smtp_server = arena_strdup(&p->conf->arena, ln->tok[1].s);
        g->smtp_server_port = (uint16_t)port;
}

static void kw_smtp_connect_timeout(struct parser *p, const struct conf_line *ln, void *obj)
{
        G *g = obj;

        /* keepalived reads whole seconds and treats 0 as 1 */
        if (g->smtp_connect_timeout == 0)
                g->smtp_connect_timeout = SEC;
}

static void kw_script_user(struct parser *p, const struct conf_line *ln, void *obj)
{
        G *g = obj;

        if (!pargs(p, ln, 1, 2))
                return;
        g->script_user = arena_strdup(&p->conf->arena, ln->tok[1].s);
        g->script_group = ln->ntok > 2 ? arena_strdup(&p->conf->arena, ln->tok[2].s) : NULL;
}

static void mcast_group(struct parser *p, const struct conf_line *ln, struct conf_ip *dst, int family)
{
        struct conf_ip ip;

        if (!pargs(p, ln, 1, 1) || !read_ip(p, ln, 1, &ip))
                return;
        if (ip.family != family) {
                perr(p, ln, 1, "%s must be an %s address", ln->tok[0].s, family == AF_INET ? "IPv4" : "IPv6");
                return;
        }
        if (family == AF_INET ? !IN_MULTICAST(ntohl(ip.u.v4.s_addr)) : !IN6_IS_ADDR_MULTICAST(&ip.u.v6)) {
                perr(p, ln, 1, "%s is not a multicast address", ln->tok[1].s);
                return;
        }
        *dst = ip;
}

static void kw_mcast4(struct parser *p, const struct conf_line *ln, void *obj)
{
        mcast_group(p, ln, &((G *)obj)->vrrp_mcast_group4, AF_INET);
}

static void kw_mcast6(struct parser *p, const struct conf_line *ln, void *obj)
{
        mcast_group(p, ln, &((G *)obj)->vrrp_mcast_group6, AF_INET6);
}

/* vrrp_garp_interval / vrrp_gna_interval: the minimum is 1 µs; 0 (in the
 * shipped keepalived.conf and so in many users' files) is the default
 * already, so it gets a warning rather than an error. */
static void gap_interval(struct parser *p, const struct conf_line *ln, int64_t *dst)
{
        int64_t v;

        if (!pargs(p, ln, 1, 1))
                return;
        if (!strcmp(ln->tok[1].s, "0") || !strcmp(ln->tok[1].s, "0.0")) {
                pwarn(p, ln, 1, "%s 0 is below the minimum 0.000001; no spacing is already the default, so it has no effect",
                      ln->tok[0].s);
                return;
        }
        if (read_timer(p, ln, 1, 1, 1000 * SEC, &v))
                *dst = v;
}

static void kw_garp_interval(struct parser *p, const struct conf_line *ln, void *obj)
{
        gap_interval(p, ln, &((G *)obj)->vrrp_garp_interval);
}

static void kw_gna_interval(struct parser *p, const struct conf_line *ln, void *obj)
{
        gap_interval(p, ln, &((G *)obj)->vrrp_gna_interval);
}

static void kw_garp_repeat(struct parser *p, const struct conf_line *ln, void *obj)
{
        G *g = obj;

        if (g->vrrp_garp_master_repeat == 0)
                g->vrrp_garp_master_repeat = 1;
}

static void kw_lower_prio_repeat(struct parser *p, const struct conf_line *ln, void *obj)
{
        G *g = obj;
        int64_t v;

        if (pargs(p, ln, 1, 1) && read_int64(p, ln, 1, 0, 255, &v))
                g->vrrp_garp_lower_prio_repeat = (int)v;
}

static void kw_dynamic_interfaces(struct parser *p, const struct conf_line *ln, void *obj)
{
        G *g = obj;

        pargs(p, ln, 0, 1);
        if (ln->ntok > 1 && strcmp(ln->tok[1].s, "allow_if_changes"))
                perr(p, ln, 1, "dynamic_interfaces takes only 'allow_if_changes'");
        g->dynamic_interfaces = true;
}

/* vigil extension: the Prometheus endpoint. Said so at config-test time,
 * because keepalived rejects the keyword. */
static void kw_metrics_listen(struct parser *p, const struct conf_line *ln, void *obj)
{
        G *g = obj;

        if (!pargs(p, ln, 1, 1))
                return;
        if (!strchr(ln->tok[1].s, ':')) {
                perr(p, ln, 1, "metrics_listen takes ADDR:PORT (for example 127.0.0.1:9165 or [::1]:9165)");
                return;
        }
        g->metrics_listen = arena_strdup(&p->conf->arena, ln->tok[1].s);
        pwarn(p, ln, 0, "metrics_listen is a vigil extension: keepalived does not accept this file");
}

/* vigil's extensions (lower_prio_takeover; lvs_dry_run: the check worker
 * records its IPVS changes and makes none, as vigild --dry-run): said at
 * config-test time, as for metrics_listen, because keepalived rejects them. */
static void kw_takeover_extension(struct parser *p, const struct conf_line *ln, void *obj)
{
        (void)obj;
        pwarn(p, ln, 0, "%s is a vigil extension: keepalived does not accept this file", ln->tok[0].s);
}

/* lvs_timeouts [tcp S] [tcpfin S] [udp S]: at least one, 0..31 days each
 * (0 leaves the kernel's value as it is). */
static void kw_lvs_timeouts(struct parser *p, const struct conf_line *ln, void *obj)
{
        static const char *const names[] = { "tcp", "tcpfin", "udp" };
        G *g = obj;
        uint32_t *field[] = { &g->lvs_timeout_tcp, &g->lvs_timeout_tcpfin, &g->lvs_timeout_udp };
        int64_t v;
        int k;

        if (ln->ntok < 3) {
                perr(p, ln, ln->ntok, "lvs_timeouts needs at least one of tcp SECS, tcpfin SECS, udp SECS");
                return;
        }
        for (size_t i = 1; i < ln->ntok; i += 2) {
                if (!read_choice(p, ln, i, names, 3, false, &k))
                        continue;
                if (i + 1 >= ln->ntok) {
                        perr(p, ln, i + 1, "lvs_timeouts %s needs a number of seconds", names[k]);
                        return;
                }
                if (!read_int64(p, ln, i + 1, 0, 2678400, &v))
                        continue;
                *field[k] = (uint32_t)v;
                g->lvs_timeouts_set = true;
        }
}

/* lvs_flush_on_stop [VS] (lvs_flush_onstop is its old name). */
static void kw_lvs_flush_onstop(struct parser *p, const struct conf_line *ln, void *obj)
{
        G *g = obj;

        if (ln->ntok < 2) {
                g->lvs_flush_onstop = CONF_FLUSH_ONSTOP_ALL;
                return;
        }
        if (strcmp(ln->tok[1].s, "VS")) {
                perr(p, ln, 1, "%s takes nothing or VS, not '%s'", ln->tok[0].s, ln->tok[1].s);
                return;
        }
        g->lvs_flush_onstop = CONF_FLUSH_ONSTOP_VS;
}

/* A number in keepalived's range for the option, else false. */
static bool syncd_number(const char *s, int64_t lo, int64_t hi, unsigned *ret)
{
        char *end;
        long long v;

        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno || end == s || *end || v < lo || v > hi)
                return false;
        *ret = (unsigned)v;
        return true;
}

static bool is_multicast(const struct conf_ip *ip)
{
        if (ip->family == AF_INET)
                return (ntohl(ip->u.v4.s_addr) >> 28) == 0xe;
        return ip->u.v6.s6_addr[0] == 0xff;
}

static void syncd_group(struct parser *p, const struct conf_line *ln, size_t i, struct conf_lvs_syncd *d)
{
        struct conf_ip ip;

        if (!read_ip(p, ln, i, &ip))
                return;
        if (!is_multicast(&ip)) {
                pwarn(p, ln, i, "lvs_sync_daemon group address %s is not multicast - ignoring", ln->tok[i].s);
                return;
        }
        d->group = ip;
}

/* The options after IF [[inst] VI]: a value out of keepalived's range is
 * ignored with its warning (an id out of range: the VRID), as keepalived
 * does. Returns false on a line to drop. */
static bool syncd_options(struct parser *p, const struct conf_line *ln, size_t i, struct conf_lvs_syncd *d)
{
        static const char *const opts[] = { "id", "maxlen", "port", "ttl", "group" };
        static const int64_t lo[] = { 0, 1, 1, 1 }, hi[] = { 255, 65507, 65535, 255 };
        unsigned *field[] = { &d->syncid, &d->maxlen, &d->port, &d->ttl };
        int k;

        for (; i < ln->ntok; i += 2) {
                if (!read_choice(p, ln, i, opts, 5, false, &k))
                        return false;
                if (i + 1 >= ln->ntok) {
                        perr(p, ln, i + 1, "lvs_sync_daemon %s needs a value", opts[k]);
                        return false;
                }
                if (k == 4)
                        syncd_group(p, ln, i + 1, d);
                else if (syncd_number(ln->tok[i + 1].s, lo[k], hi[k], field[k]))
                        d->syncid_set |= k == 0;
                else if (k == 0)
                        pwarn(p, ln, i + 1, "Invalid syncid (%s) - defaulting to vrid", ln->tok[i + 1].s);
                else
                        pwarn(p, ln, i + 1, "Invalid lvs_sync_daemon %s (%s) - ignoring", opts[k], ln->tok[i + 1].s);
        }
        return true;
}

static bool is_syncd_option(const char *s, const char *const *opts)
{
        for (size_t k = 0; k < 5; k++)
                if (!strcmp(s, opts[k]))
                        return true;
        return false;
}

/* lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group IP] */
static void kw_lvs_sync_daemon(struct parser *p, const struct conf_line *ln, void *obj)
{
        static const char *const opts[] = { "id", "maxlen", "port", "ttl", "group" };
        G *g = obj;
        struct conf_lvs_syncd d = { 0 };
        size_t i = 2;

        if (!pargs(p, ln, 1, -1))
                return;
        if (g->lvs_syncd.ifname) {
                pwarn(p, ln, 1, "lvs_sync_daemon has already been specified as %s - ignoring", g->lvs_syncd.ifname);
                return;
        }
        if (strlen(ln->tok[1].s) >= 16) {
                perr(p, ln, 1, "lvs_sync_daemon interface name '%s' is too long", ln->tok[1].s);
                return;
        }
        d.ifname = arena_strdup(&p->conf->arena, ln->tok[1].s);
        d.pos = ln->pos;
        if (i < ln->ntok && !strcmp(ln->tok[i].s, "inst"))
                i++;
        /* after "inst" the next word is the instance whatever it is */
        if (i < ln->ntok && (i == 3 || !is_syncd_option(ln->tok[i].s, opts)))
                d.instance = arena_strdup(&p->conf->arena, ln->tok[i++].s);
        if (syncd_options(p, ln, i, &d))
                g->lvs_syncd = d;
}

static const struct kw global_kw[] = {
        KW_FN("metrics_listen", kw_metrics_listen),
        KW_T("router_id", T_STRING, G, router_id, 0, 0),
        KW_LINES("notification_email", notification_email_line),
        KW_T("notification_email_from", T_STRING, G, notification_email_from, 0, 0),
        KW_FN("smtp_server", kw_smtp_server),
        KW_T("smtp_helo_name", T_STRING, G, smtp_helo_name, 0, 0),
        { .name = "smtp_connect_timeout", .kind = KW_VALUE, .type = T_TIMER,
          .off = offsetof(G, smtp_connect_timeout), .set_off = -1, .min = 0, .max = 3600 * SEC,
          .fn = kw_smtp_connect_timeout },
        KW_T("smtp_alert", T_TRIBOOL, G, smtp_alert, 0, 0),
        KW_FN("script_user", kw_script_user),
        KW_T("enable_script_security", T_FLAG, G, enable_script_security, 0, 0),
        KW_T("set_supplementary_groups", T_BOOL, G, set_supplementary_groups, 0, 0),
        KW_FN("vrrp_mcast_group4", kw_mcast4),
        KW_FN("vrrp_mcast_group6", kw_mcast6),
        KW_T("vrrp_version", T_UINT, G, vrrp_version, 2, 3),
        KW_T("vrrp_strict", T_BOOL, G, vrrp_strict, 0, 0),
        KW_T("vrrp_skip_check_adv_addr", T_BOOL, G, vrrp_skip_check_adv_addr, 0, 0),
        KW_T("vrrp_check_unicast_src", T_FLAG, G, vrrp_check_unicast_src, 0, 0),
        KW_TS("vrrp_garp_master_delay", T_TIMER, G, vrrp_garp_master_delay, 0, 86400 * SEC),
        { .name = "vrrp_garp_master_repeat", .kind = KW_VALUE, .type = T_UINT,
          .off = offsetof(G, vrrp_garp_master_repeat), .set_off = offsetof(G, vrrp_garp_master_repeat_set),
          .min = 0, .max = 255, .fn = kw_garp_repeat },
        KW_T("vrrp_garp_master_refresh", T_TIMER, G, vrrp_garp_master_refresh, 0, 86400 * SEC),
        KW_T("vrrp_garp_master_refresh_repeat", T_UINT, G, vrrp_garp_master_refresh_repeat, 1, 255),
        KW_FN("vrrp_garp_interval", kw_garp_interval),
        KW_FN("vrrp_gna_interval", kw_gna_interval),
        KW_T("vrrp_garp_lower_prio_delay", T_TIMER, G, vrrp_garp_lower_prio_delay, 0, 86400 * SEC),
        KW_FN("vrrp_garp_lower_prio_repeat", kw_lower_prio_repeat),
        KW_T("vrrp_min_garp", T_BOOL, G, vrrp_min_garp, 0, 0),
        KW_T("vrrp_down_timer_adverts", T_UINT, G, vrrp_down_timer_adverts, 1, 100),
        KW_T("vrrp_lower_prio_no_advert", T_BOOL, G, vrrp_lower_prio_no_advert, 0, 0),
        KW_T("vrrp_higher_prio_send_advert", T_BOOL, G, vrrp_higher_prio_send_advert, 0, 0),
        { .name = "vrrp_lower_prio_takeover", .kind = KW_VALUE, .type = T_BOOL,
          .off = offsetof(G, vrrp_lower_prio_takeover), .set_off = -1, .fn = kw_takeover_extension },
        KW_T("vrrp_owner_ignore_adverts", T_BOOL, G, vrrp_owner_ignore_adverts, 0, 0),
        KW_T("v3_checksum_as_v2", T_FLAG, G, v3_checksum_as_v2, 0, 0),
        KW_T("default_interface", T_STRING, G, default_interface, 0, 0),
        KW_FN("dynamic_interfaces", kw_dynamic_interfaces),
        KW_T("vrrp_startup_delay", T_TIMER, G, vrrp_startup_delay, 0, 3600 * SEC),
        KW_T("log_unknown_vrids", T_FLAG, G, log_unknown_vrids, 0, 0),
        KW_T("vmac_prefix", T_STRING, G, vmac_prefix, 0, 0),
        KW_T("vmac_addr_prefix", T_STRING, G, vmac_prefix, 0, 0),
        KW_T("notify_fifo", T_SCRIPT, G, notify_fifo, 0, 0),
        KW_T("notify_fifo_script", T_SCRIPT, G, notify_fifo_script, 0, 0),
        KW_T("vrrp_notify_fifo", T_SCRIPT, G, vrrp_notify_fifo, 0, 0),
        KW_T("vrrp_notify_fifo_script", T_SCRIPT, G, vrrp_notify_fifo_script, 0, 0),
        KW_T("lvs_notify_fifo", T_SCRIPT, G, lvs_notify_fifo, 0, 0),
        KW_T("lvs_notify_fifo_script", T_SCRIPT, G, lvs_notify_fifo_script, 0, 0),
        KW_T("vrrp_notify_priority_changes", T_BOOL, G, vrrp_notify_priority_changes, 0, 0),
        KW_T("lvs_flush", T_FLAG, G, lvs_flush, 0, 0),
        KW_FN("lvs_flush_on_stop", kw_lvs_flush_onstop),
        KW_FN("lvs_flush_onstop", kw_lvs_flush_onstop),
        KW_FN("lvs_timeouts", kw_lvs_timeouts),
        { .name = "lvs_dry_run", .kind = KW_VALUE, .type = T_BOOL,
          .off = offsetof(G, lvs_dry_run), .set_off = -1, .fn = kw_takeover_extension },
        KW_T("rs_init_notifies", T_BOOL, G, rs_init_notifies, 0, 0),
        KW_NS("enable_traps", "vigil has no SNMP agent (its metrics endpoint covers the same ground)"),
        KW_OLD("lvs_id", "keepalived dropped it long ago; router_id names the node"),
        KW_NS("smtp_alert_vrrp", NULL),
        KW_NS("smtp_alert_checker", "checker e-mail alerts are not implemented"),
        KW_NS("no_email_faults", NULL),
        KW_NS("checker_log_all_failures", "the check worker logs each checker's state changes, not every failure"),
        KW_NS("no_checker_emails", "checker e-mail alerts are not implemented"),
        KW_NS("startup_script", NULL),
        KW_NS("shutdown_script", NULL),
        KW_NS("startup_script_timeout", NULL),
        KW_NS("shutdown_script_timeout", NULL),
        KW_NS("use_symlink_paths", NULL),
        KW_NS("vrrp_garp_extra_if", NULL),
        KW_NS("vrrp_vmac_garp_intvl", NULL),
        KW_NS("vrrp_delay_after_boot", NULL),
        KW_NS("nftables", "vigil picks nftables itself when a filter is needed"),
        KW_NS("nftables_priority", NULL),
        KW_NS("nftables_ifindex", NULL),
        KW_NS("nftables_counters", NULL),
        KW_NS("vrrp_iptables", "vigil uses nftables"),
        KW_NS("vrrp_ipsets", "vigil uses nftables"),
        KW_NS("disable_local_igmp", NULL),
        KW_NS("nftables_ipvs", "keepalived's nftables rules for IPVS are not implemented"),
        KW_NS("nftables_ipvs_priority", "keepalived's nftables rules for IPVS are not implemented"),
        KW_NS("nftables_ipvs_start_fwmark", "keepalived's nftables rules for IPVS are not implemented"),
        KW_NS("fifo_write_vrrp_states_on_reload", NULL),
        KW_FN("lvs_sync_daemon", kw_lvs_sync_daemon),
        { .name = "lvs_expire_nodest_conn", .kind = KW_VALUE, .type = T_BOOL, .off = offsetof(G, lvs_expire_nodest_conn),
          .set_off = offsetof(G, lvs_expire_nodest_conn_set), .fn = kw_takeover_extension },
        { .name = "lvs_expire_quiescent_template", .kind = KW_VALUE, .type = T_BOOL,
          .off = offsetof(G, lvs_expire_quiescent_template), .set_off = offsetof(G, lvs_expire_quiescent_template_set),
          .fn = kw_takeover_extension },
        { .name = "lvs_drift_check", .kind = KW_VALUE, .type = T_TIMER, .off = offsetof(G, lvs_drift_check),
          .set_off = -1, .min = SEC, .max = 86400 * SEC, .fn = kw_takeover_extension },
        { .name = "lvs_drain_on_remove", .kind = KW_VALUE, .type = T_TIMER, .off = offsetof(G, lvs_drain_on_remove),
          .set_off = -1, .min = 0, .max = 86400 * SEC, .fn = kw_takeover_extension },
        KW_NS("process_names", NULL),
        KW_NS("process_name", NULL),
        KW_NS("vrrp_process_name", NULL),
        KW_NS("checker_process_name", "the check worker's process name, priority and limits are not configurable"),
        KW_NS("lvs_process_name", "the check worker's process name, priority and limits are not configurable"),
        KW_NS("bfd_process_name", NULL),
        KW_NS("vrrp_priority", NULL),
        KW_NS("checker_priority", "the check worker's process name, priority and limits are not configurable"),
        KW_NS("bfd_priority", NULL),
        KW_NS("vrrp_no_swap", NULL),
        KW_NS("checker_no_swap", "the check worker's process name, priority and limits are not configurable"),
        KW_NS("bfd_no_swap", NULL),
        KW_NS("vrrp_rt_priority", NULL),
        KW_NS("checker_rt_priority", "the check worker's process name, priority and limits are not configurable"),
        KW_NS("bfd_rt_priority", NULL),
        KW_NS("vrrp_cpu_affinity", NULL),
        KW_NS("checker_cpu_affinity", "the check worker's process name, priority and limits are not configurable"),
        KW_NS("bfd_cpu_affinity", NULL),
        KW_NS("vrrp_rlimit_rttime", NULL),
        KW_NS("checker_rlimit_rttime", "the check worker's process name, priority and limits are not configurable"),
        KW_NS("bfd_rlimit_rttime", NULL),
        KW_NS("vrrp_rlimit_rtime", NULL),
        KW_NS("checker_rlimit_rtime", "the check worker's process name, priority and limits are not configurable"),
        KW_NS("bfd_rlimit_rtime", NULL),
        KW_NS("max_auto_priority", NULL),
        KW_NS("min_auto_priority_delay", NULL),
        KW_NS("snmp_socket", "vigil has no SNMP agent"),
        KW_NS("enable_snmp_vrrp", "vigil has no SNMP agent"),
        KW_NS("enable_snmp_keepalived", "vigil has no SNMP agent"),
        KW_NS("enable_snmp_checker", "vigil has no SNMP agent"),
        KW_NS("enable_snmp_rfc", "vigil has no SNMP agent"),
        KW_NS("enable_snmp_rfcv2", "vigil has no SNMP agent"),
        KW_NS("enable_snmp_rfcv3", "vigil has no SNMP agent"),
        KW_NS("snmp_vs_stats_update_interval", NULL),
        KW_NS("snmp_rs_stats_update_interval", NULL),
        KW_NS("enable_dbus", "vigil has no DBus interface (vigilctl and the control socket replace it)"),
        KW_NS("dbus_service_name", NULL),
        KW_NS("dbus_no_interface_name", NULL),
        KW_NS("vrrp_netlink_cmd_rcv_bufs", NULL),
        KW_NS("vrrp_netlink_cmd_rcv_bufs_force", NULL),
        KW_NS("vrrp_netlink_monitor_rcv_bufs", NULL),
        KW_NS("vrrp_netlink_monitor_rcv_bufs_force", NULL),
        KW_NS("lvs_netlink_cmd_rcv_bufs", "vigil sizes its IPVS netlink buffers itself"),
        KW_NS("lvs_netlink_cmd_rcv_bufs_force", "vigil sizes its IPVS netlink buffers itself"),
        KW_NS("lvs_netlink_monitor_rcv_bufs", "vigil sizes its IPVS netlink buffers itself"),
        KW_NS("lvs_netlink_monitor_rcv_bufs_force", "vigil sizes its IPVS netlink buffers itself"),
        KW_NS("process_monitor_rcv_bufs", NULL),
        KW_NS("process_monitor_rcv_bufs_force", NULL),
        KW_NS("vrrp_rx_bufs_policy", NULL),
        KW_NS("vrrp_rx_bufs_multiplier", NULL),
        KW_NS("umask", NULL),
        KW_NS("random_seed", NULL),
        KW_NS("include_check", "use 'vigild -e' to make include problems errors"),
        KW_NS("reload_check_config", "vigil always validates a new config before it reloads"),
        KW_NS("reload_time_file", NULL),
        KW_NS("reload_repeat", NULL),
        KW_NS("reload_file", NULL),
        KW_NS("config_save_dir", NULL),
        KW_NS("tmp_config_directory", NULL),
        KW_NS("data_use_instance", NULL),
        KW_NS("state_dump_file", NULL),
        KW_NS("stats_dump_file", NULL),
        KW_NS("json_dump_file", NULL),
        KW_NS("json_version", NULL),
        KW_NS("iproute_usr_dir", NULL),
        KW_NS("iproute_etc_dir", NULL),
        KW_END,
};

const struct kw_table kw_global_table = { "global_defs", global_kw };
