/* vrrp_instance NAME { ... } and its authentication block. */
#include <stddef.h>
#include <string.h>

#include "conf/addr_lines.h"
#include "conf/kw_common.h"
#include "conf/parser.h"
#include "conf/values.h"

#define VI struct conf_vrrp_instance
#define SEC 1000000LL

void *kw_open_instance(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf *c = obj;
        const char *name = kw_block_name(p, ln);
        VI *vi;

        if (!name)
                return NULL;
        if (conf_find_instance(c, name)) {
                perr(p, ln, 1, "vrrp_instance '%s' is defined twice; ignoring this one", name);
                return NULL;
        }
        vi = arena_alloc(&c->arena, sizeof(*vi));
        conf_instance_defaults(vi);
        vi->name = name;
        vi->pos = ppos(p, ln, 1);
        CONF_LIST_APPEND(&c->instances, vi);
        c->have_vrrp = true;
        return vi;
}

static void kw_state(struct parser *p, const struct conf_line *ln, void *obj)
{
        static const char *const words[] = { "MASTER", "BACKUP" };
        VI *vi = obj;
        int v;

        if (!pargs(p, ln, 1, 1))
                return;
        vi->state_pos = ppos(p, ln, 1);
        if (!read_choice(p, ln, 1, words, 2, false, &v)) {
                vi->state = STATE_BACKUP;
                vi->state_set = true;
                return;
        }
        vi->state = v == 0 ? STATE_MASTER : STATE_BACKUP;
        vi->state_set = true;
}

static void kw_interface(struct parser *p, const struct conf_line *ln, void *obj)
{
        VI *vi = obj;

        if (vi->interface && !strcmp(vi->interface, "lo")) {
                perr(p, ln, 1, "the loopback interface cannot carry VRRP");
                vi->interface = NULL;
        }
}

static void remember(struct parser *p, const struct conf_line *ln, struct conf_pos *pos)
{
        *pos = ppos(p, ln, ln->ntok > 1 ? 1 : 0);
}

static void kw_priority(struct parser *p, const struct conf_line *ln, void *obj)
{
        remember(p, ln, &((VI *)obj)->priority_pos);
}

/* A virtual_router_id line that was there but out of range is reported
 * once, by the range check, not again as missing. */
static void kw_vrid(struct parser *p, const struct conf_line *ln, void *obj)
{
        remember(p, ln, &((VI *)obj)->vrid_pos);
}

static void kw_advert_int(struct parser *p, const struct conf_line *ln, void *obj)
{
        remember(p, ln, &((VI *)obj)->advert_int_pos);
}

static void kw_version(struct parser *p, const struct conf_line *ln, void *obj)
{
        remember(p, ln, &((VI *)obj)->version_pos);
}

static void kw_nopreempt(struct parser *p, const struct conf_line *ln, void *obj)
{
        remember(p, ln, &((VI *)obj)->nopreempt_pos);
}

static void kw_preempt(struct parser *p, const struct conf_line *ln, void *obj)
{
        VI *vi = obj;

        pargs(p, ln, 0, 0);
        vi->nopreempt = false;
}

static void kw_preempt_delay(struct parser *p, const struct conf_line *ln, void *obj)
{
        remember(p, ln, &((VI *)obj)->preempt_delay_pos);
}

static void add_address(struct parser *p, const struct conf_line *ln, conf_ipaddress_list *list)
{
        struct conf_ipaddress *a = arena_alloc(&p->conf->arena, sizeof(*a));

        if (parse_ipaddress_line(p, ln, false, a))
                CONF_LIST_APPEND(list, a);
}

static void vip_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        add_address(p, ln, &((VI *)obj)->virtual_ipaddress);
}

static void evip_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        add_address(p, ln, &((VI *)obj)->virtual_ipaddress_excluded);
}

static void vroute_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf_route *r = arena_alloc(&p->conf->arena, sizeof(*r));

        if (parse_route_line(p, ln, false, r))
                CONF_LIST_APPEND(&((VI *)obj)->virtual_routes, r);
}

static void vrule_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf_rule *r = arena_alloc(&p->conf->arena, sizeof(*r));

        if (parse_rule_line(p, ln, false, r))
                CONF_LIST_APPEND(&((VI *)obj)->virtual_rules, r);
}

static void kw_accept(struct parser *p, const struct conf_line *ln, void *obj)
{
        VI *vi = obj;

        pargs(p, ln, 0, 0);
        vi->accept = strcmp(ln->tok[0].s, "no_accept") != 0;
        remember(p, ln, &vi->accept_pos);
}

static void track_interface_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        VI *vi = obj;
        struct conf_track *t;

        kw_track_line(p, ln, &vi->track_interface, -254, 254, true);
        t = vi->track_interface.last;
        /* keepalived clamps ±254 to ±253 */
        if (t && t->weight == 254)
                t->weight = 253;
        if (t && t->weight == -254)
                t->weight = -253;
}

static void track_script_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        conf_track_list *list = &((VI *)obj)->track_script;
        struct conf_track *last = list->last;

        kw_track_line(p, ln, list, -253, 253, true);
        /* keepalived 2.2.7 resolves the name here, so a later vrrp_script is
         * "not found, ignoring"; vigil resolves after the whole file */
        if (list->last && list->last != last && !conf_find_vrrp_script(p->conf, list->last->name))
                list->last->defined_later = true;
}

static void track_file_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        kw_track_line(p, ln, &((VI *)obj)->track_file, -254, 254, true);
}

static void track_process_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        kw_track_line(p, ln, &((VI *)obj)->track_process, -254, 254, true);
}

static void kw_unicast_flag(struct parser *p, const struct conf_line *ln, void *obj)
{
        ((VI *)obj)->unicast_configured = true;
}

static void kw_unicast_src_ip(struct parser *p, const struct conf_line *ln, void *obj)
{
        VI *vi = obj;

        vi->unicast_configured = true;
        if (ln->ntok > 2)
                pwarn(p, ln, 2, "extra arguments to unicast_src_ip are ignored");
        read_ip_drop_prefix(p, ln, 1, "unicast_src_ip", &vi->unicast_src_ip);
}

static void unicast_peer_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        VI *vi = obj;
        struct conf_unicast_peer *peer = arena_alloc(&p->conf->arena, sizeof(*peer)), *q;
        int64_t v;

        vi->unicast_configured = true;
        if (!read_ip_drop_prefix(p, ln, 0, "unicast_peer", &peer->addr))
                return;
        peer->min_ttl = peer->max_ttl = -1;
        peer->pos = ppos(p, ln, 0);
        for (size_t i = 1; i < ln->ntok; i += 2) {
                bool min = !strcmp(ln->tok[i].s, "min_ttl");
                if (!min && strcmp(ln->tok[i].s, "max_ttl")) {
                        perr(p, ln, i, "unexpected '%s': unicast_peer entries are IP [min_ttl N] [max_ttl N]",
                             ln->tok[i].s);
                        return;
                }
                if (!read_int64(p, ln, i + 1, 0, 255, &v))
                        return;
                *(min ? &peer->min_ttl : &peer->max_ttl) = (int)v;
                vi->check_unicast_src = true;
        }
        CONF_FOREACH(q, &vi->unicast_peer)
                if (conf_ip_equal(&q->addr, &peer->addr)) {
                        perr(p, ln, 0, "unicast_peer %s is listed twice", ln->tok[0].s);
                        return;
                }
        CONF_LIST_APPEND(&vi->unicast_peer, peer);
}

static void *open_auth(struct parser *p, const struct conf_line *ln, void *obj)
{
        VI *vi = obj;

        pargs(p, ln, 0, 0);
        remember(p, ln, &vi->auth_pos);
        return vi;
}

static void kw_auth_type(struct parser *p, const struct conf_line *ln, void *obj)
{
        static const char *const words[] = { "PASS", "AH" };
        VI *vi = obj;
        int v;

        if (pargs(p, ln, 1, 1) && read_choice(p, ln, 1, words, 2, false, &v))
                vi->auth_type = v == 0 ? AUTH_PASS : AUTH_AH;
}

static void kw_auth_pass(struct parser *p, const struct conf_line *ln, void *obj)
{
        VI *vi = obj;

        if (!pargs(p, ln, 1, 1))
                return;
        if (strlen(ln->tok[1].s) > 8)
                pwarn(p, ln, 1, "auth_pass is longer than 8 characters; only '%.8s' is used", ln->tok[1].s);
        vi->auth_pass = arena_strndup(&p->conf->arena, ln->tok[1].s, strnlen(ln->tok[1].s, 8));
}

static const struct kw auth_kw[] = {
        KW_FN("auth_type", kw_auth_type),
        KW_FN("auth_pass", kw_auth_pass),
        KW_END,
};
const struct kw_table kw_auth_table = { "authentication", auth_kw };

static struct conf_notify *notify_of(struct parser *p, VI *vi)
{
        if (!vi->notify)
                vi->notify = arena_alloc(&p->conf->arena, sizeof(*vi->notify));
        return vi->notify;
}

#define NOTIFY_KW(field)                                                                      \
        static void kw_notify_##field(struct parser *p, const struct conf_line *ln, void *obj) \
        {                                                                                     \
                read_script(p, ln, &notify_of(p, obj)->field);                                \
        }
NOTIFY_KW(master)
NOTIFY_KW(backup)
NOTIFY_KW(fault)
NOTIFY_KW(stop)
NOTIFY_KW(generic)
NOTIFY_KW(master_rx_lower_pri)

static void kw_notify_deleted(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf_notify *n = notify_of(p, obj);

        n->notify_deleted = true;
        if (ln->ntok > 1)
                read_script(p, ln, &n->deleted);
}

/* keepalived quirk: any valid boolean, even "off", sets the flag */
static void kw_skip_check_adv_addr(struct parser *p, const struct conf_line *ln, void *obj)
{
        VI *vi = obj;
        bool b;

        pargs(p, ln, 0, 1);
        if (read_bool_opt(p, ln, 1, &b)) {
                vi->skip_check_adv_addr = true;
                vi->skip_check_adv_addr_set = true;
                if (!b)
                        pwarn(p, ln, 1, "skip_check_adv_addr %s still turns the check off (keepalived compatibility)",
                              ln->tok[1].s);
        }
}

static void kw_use_vmac(struct parser *p, const struct conf_line *ln, void *obj)
{
        VI *vi = obj;

        vi->use_vmac = true;
        if (ln->ntok > 1 && strchr(ln->tok[1].s, ':') == NULL) {
                /* keepalived ignores such a name and makes vrrp.VRID; so does vigil */
                if (strlen(ln->tok[1].s) >= 16 || strpbrk(ln->tok[1].s, "/ \t"))
                        pwarn(p, ln, 1, "VMAC interface name '%s' too long or invalid characters - ignoring",
                              ln->tok[1].s);
                else
                        vi->vmac_name = arena_strdup(&p->conf->arena, ln->tok[1].s);
                if (ln->ntok == 2)
                        return;
        }
        if (ln->ntok > 2)
                pwarn(p, ln, 2, "use_vmac options beyond the interface name are not supported yet; ignoring them");
        else if (ln->ntok > 1 && !vi->vmac_name)
                pwarn(p, ln, 1, "a custom VMAC address is not supported yet; using 00:00:5e:00:01:VRID");
}

static void kw_debug(struct parser *p, const struct conf_line *ln, void *obj)
{
        pwarn(p, ln, 0, "'debug' has no effect (as in keepalived); use 'vigild -D' for detailed logs");
}

/* The deprecated form of global_defs' lvs_sync_daemon IF VI: the global
 * sync daemon on IF, following this instance (keepalived's warnings). */
static void kw_lvs_sync_daemon_interface(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf_vrrp_instance *vi = obj;
        struct conf_lvs_syncd *d = &p->conf->global.lvs_syncd;

        if (!pargs(p, ln, 1, 1))
                return;
        pwarn(p, ln, 0, "(%s) Specifying lvs_sync_daemon_interface against a vrrp is deprecated. Please use global lvs_sync_daemon",
              vi->name);
        if (d->ifname) {
                pwarn(p, ln, 1, "(%s) lvs_sync_daemon_interface has already been specified as %s - ignoring", vi->name,
                      d->ifname);
                return;
        }
        if (strlen(ln->tok[1].s) >= 16) {
                perr(p, ln, 1, "lvs_sync_daemon_interface name '%s' is too long", ln->tok[1].s);
                return;
        }
        vi->lvs_sync_daemon_interface = arena_strdup(&p->conf->arena, ln->tok[1].s);
        d->ifname = vi->lvs_sync_daemon_interface;
        d->instance = vi->name;
        d->pos = ln->pos;
}

/* vigil's extension: said at config-test time (keepalived rejects it). */
static void kw_takeover_extension(struct parser *p, const struct conf_line *ln, void *obj)
{
        (void)obj;
        pwarn(p, ln, 0, "%s is a vigil extension: keepalived does not accept this file", ln->tok[0].s);
}

static const struct kw instance_kw[] = {
        KW_FN("state", kw_state),
        { .name = "interface", .kind = KW_VALUE, .type = T_STRING, .off = offsetof(VI, interface), .set_off = -1,
          .fn = kw_interface },
        { .name = "virtual_router_id", .kind = KW_VALUE, .type = T_UINT, .off = offsetof(VI, virtual_router_id),
          .set_off = -1, .min = 1, .max = 255, .fn = kw_vrid },
        { .name = "priority", .kind = KW_VALUE, .type = T_UINT, .off = offsetof(VI, priority),
          .set_off = offsetof(VI, priority_set), .min = 1, .max = 255, .fn = kw_priority },
        { .name = "advert_int", .kind = KW_VALUE, .type = T_TIMER, .off = offsetof(VI, advert_int), .set_off = -1,
          .min = 1, .max = 255 * SEC, .fn = kw_advert_int },
        { .name = "version", .kind = KW_VALUE, .type = T_UINT, .off = offsetof(VI, version),
          .set_off = offsetof(VI, version_set), .min = 2, .max = 3, .fn = kw_version },
        { .name = "nopreempt", .kind = KW_VALUE, .type = T_FLAG, .off = offsetof(VI, nopreempt),
          .set_off = offsetof(VI, nopreempt_set), .fn = kw_nopreempt },
        KW_FN("preempt", kw_preempt),
        { .name = "preempt_delay", .kind = KW_VALUE, .type = T_TIMER, .off = offsetof(VI, preempt_delay),
          .set_off = offsetof(VI, preempt_delay_set), .min = 0, .max = 1000 * SEC, .fn = kw_preempt_delay },
        KW_LINES("virtual_ipaddress", vip_line),
        KW_LINES("virtual_ipaddress_excluded", evip_line),
        KW_T("no_virtual_ipaddress", T_FLAG, VI, no_virtual_ipaddress, 0, 0),
        KW_LINES("virtual_routes", vroute_line),
        KW_LINES("virtual_rules", vrule_line),
        KW_T("promote_secondaries", T_FLAG, VI, promote_secondaries, 0, 0),
        KW_FN("accept", kw_accept),
        KW_FN("no_accept", kw_accept),
        KW_T("dont_track_primary", T_FLAG, VI, dont_track_primary, 0, 0),
        KW_LINES("track_interface", track_interface_line),
        KW_LINES("track_script", track_script_line),
        KW_LINES("track_file", track_file_line),
        KW_LINES("track_process", track_process_line),
        KW_NS("track_bfd", "BFD is not implemented"),
        KW_T("mcast_src_ip", T_IP, VI, mcast_src_ip, 0, 0),
        KW_FN("unicast_src_ip", kw_unicast_src_ip),
        KW_LINES("unicast_peer", unicast_peer_line),
        KW_T("unicast_ttl", T_INT, VI, unicast_ttl, 0, 255),
        { .name = "check_unicast_src", .kind = KW_VALUE, .type = T_FLAG, .off = offsetof(VI, check_unicast_src),
          .set_off = -1, .fn = kw_unicast_flag },
        { .name = "unicast_fault_no_peer", .kind = KW_VALUE, .type = T_FLAG,
          .off = offsetof(VI, unicast_fault_no_peer), .set_off = -1, .fn = kw_unicast_flag },
        KW_NS("old_unicast_checksum", "pre-1.3.6 keepalived peers are not supported"),
        KW_T("mcast_dst_ip", T_IP, VI, mcast_dst_ip, 0, 0),
        KW_T("track_src_ip", T_FLAG, VI, track_src_ip, 0, 0),
        KW_NS("vrf", NULL),
        KW_BLOCK("authentication", &kw_auth_table, open_auth, NULL),
        KW_NS("auth_hmac", NULL),
        KW_FN("notify_master", kw_notify_master),
        KW_FN("notify_backup", kw_notify_backup),
        KW_FN("notify_fault", kw_notify_fault),
        KW_FN("notify_stop", kw_notify_stop),
        KW_FN("notify", kw_notify_generic),
        KW_FN("notify_deleted", kw_notify_deleted),
        KW_FN("notify_master_rx_lower_pri", kw_notify_master_rx_lower_pri),
        KW_T("notify_priority_changes", T_TRIBOOL, VI, notify_priority_changes, 0, 0),
        KW_T("smtp_alert", T_TRIBOOL, VI, smtp_alert, 0, 0),
        KW_TS("garp_master_delay", T_TIMER, VI, garp_master_delay, 0, 86400 * SEC),
        KW_TS("garp_master_repeat", T_UINT, VI, garp_master_repeat, 1, 255),
        KW_TS("garp_master_refresh", T_TIMER, VI, garp_master_refresh, 0, 86400 * SEC),
        KW_TS("garp_master_refresh_repeat", T_UINT, VI, garp_master_refresh_repeat, 1, 255),
        KW_TS("garp_lower_prio_delay", T_TIMER, VI, garp_lower_prio_delay, 0, 86400 * SEC),
        KW_TS("garp_lower_prio_repeat", T_UINT, VI, garp_lower_prio_repeat, 0, 255),
        KW_NS("garp_extra_if", NULL),
        KW_NS("vmac_garp_intvl", NULL),
        KW_TS("down_timer_adverts", T_UINT, VI, down_timer_adverts, 1, 100),
        KW_TS("lower_prio_no_advert", T_BOOL, VI, lower_prio_no_advert, 0, 0),
        KW_TS("higher_prio_send_advert", T_BOOL, VI, higher_prio_send_advert, 0, 0),
        { .name = "lower_prio_takeover", .kind = KW_VALUE, .type = T_BOOL, .off = offsetof(VI, lower_prio_takeover),
          .set_off = offsetof(VI, lower_prio_takeover_set), .fn = kw_takeover_extension },
        KW_TS("owner_ignore_adverts", T_BOOL, VI, owner_ignore_adverts, 0, 0),
        KW_NS("timer_expired_backup", NULL),
        KW_NS("thread_timer_expired", NULL),
        KW_T("strict_mode", T_TRIBOOL, VI, strict_mode_set, 0, 0),
        KW_FN("skip_check_adv_addr", kw_skip_check_adv_addr),
        KW_TS("v3_checksum_as_v2", T_BOOL, VI, v3_checksum_as_v2, 0, 0),
        KW_FN("use_vmac", kw_use_vmac),
        KW_T("vmac_xmit_base", T_FLAG, VI, vmac_xmit_base, 0, 0),
        KW_NS("use_vmac_addr", NULL),
        KW_NS("use_ipvlan", NULL),
        KW_NS("native_ipv6", "an IPv6 VIP or mcast_src_ip makes the instance IPv6"),
        KW_FN("lvs_sync_daemon_interface", kw_lvs_sync_daemon_interface),
        { .name = "debug", .kind = KW_VALUE, .type = T_UINT, .off = offsetof(VI, debug), .set_off = -1,
          .min = 0, .max = 4, .fn = kw_debug },
        KW_NS("kernel_rx_buf_size", NULL),
        KW_NS("linkbeat_use_polling", "link state comes from netlink"),
        KW_END,
};
const struct kw_table kw_instance_table = { "vrrp_instance", instance_kw };
