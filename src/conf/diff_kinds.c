/* One table per kind: every field of the model, with what a change to it
 * costs at a reload. A field the tables do not list is not compared, so a
 * new field of model.h belongs here too (test_diff.c counts them).
 *
 * UPDATE means the running object takes the new value where it stands;
 * RESTART means it is stopped gracefully and started again; NONE marks
 * what is not a setting (the name, positions, list links, "was it written"
 * flags whose resolved value is compared instead). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "conf/diff.h"
#include "conf/diff_internal.h"

#define UP CONF_DIFF_UPDATE
#define RS CONF_DIFF_RESTART
#define NO CONF_DIFF_KEEP
#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* ---- vrrp_instance ------------------------------------------------------------------------------ */

#define VI(m, t, e) CONF_FIELD(struct conf_vrrp_instance, m, t, e)
static const struct conf_field instance_fields[] = {
        VI(name, CF_NONE, NO),
        /* the election: a new priority or preemption goes out with the next advert */
        VI(state, CF_ENUM, UP), VI(state_set, CF_NONE, NO),
        VI(priority, CF_UINT, UP), VI(priority_set, CF_NONE, NO),
        VI(nopreempt, CF_BOOL, UP), VI(preempt_delay, CF_I64, UP),
        VI(lower_prio_no_advert, CF_BOOL, UP), VI(higher_prio_send_advert, CF_BOOL, UP),
        VI(lower_prio_takeover, CF_BOOL, UP),
        /* what the advert is and where it goes: peers must see a new router */
        VI(interface, CF_STR, RS), VI(virtual_router_id, CF_UINT, RS), VI(advert_int, CF_I64, RS),
        VI(version, CF_UINT, RS), VI(version_set, CF_NONE, NO), VI(family, CF_INT, RS),
        VI(down_timer_adverts, CF_UINT, RS),
        VI(virtual_ipaddress, CF_ADDRS, RS), VI(virtual_ipaddress_excluded, CF_ADDRS, RS),
        VI(no_virtual_ipaddress, CF_BOOL, RS), VI(virtual_routes, CF_ROUTES, RS), VI(virtual_rules, CF_RULES, RS),
        VI(promote_secondaries, CF_BOOL, RS), VI(accept, CF_INT, RS), VI(dont_track_primary, CF_BOOL, RS),
        VI(mcast_src_ip, CF_IP, RS), VI(unicast_src_ip, CF_IP, RS), VI(unicast_peer, CF_PEERS, RS),
        VI(unicast_configured, CF_BOOL, RS), VI(unicast_ttl, CF_INT, RS), VI(check_unicast_src, CF_BOOL, RS),
        VI(unicast_fault_no_peer, CF_BOOL, RS), VI(mcast_dst_ip, CF_IP, RS), VI(track_src_ip, CF_BOOL, RS),
        VI(auth_type, CF_ENUM, RS), VI(auth_pass, CF_STR, RS),
        VI(owner_ignore_adverts, CF_BOOL, RS), VI(strict_mode, CF_BOOL, RS), VI(strict_mode_set, CF_NONE, NO),
        VI(skip_check_adv_addr, CF_BOOL, RS), VI(v3_checksum_as_v2, CF_BOOL, RS),
        VI(use_vmac, CF_BOOL, RS), VI(vmac_name, CF_STR, RS), VI(vmac_xmit_base, CF_BOOL, RS),
        VI(sync_group, CF_STR, RS),
        /* trackers are re-resolved at every reload, keeping the state of unchanged ones */
        VI(track_interface, CF_TRACKS, UP), VI(track_script, CF_TRACKS, UP), VI(track_file, CF_TRACKS, UP),
        VI(track_process, CF_TRACKS, UP),
        /* what happens after a transition, read when it happens */
        VI(notify, CF_NOTIFY_PTR, UP), VI(smtp_alert, CF_INT, UP), VI(notify_priority_changes, CF_INT, UP),
        VI(garp_master_delay, CF_I64, UP), VI(garp_master_repeat, CF_UINT, UP), VI(garp_master_refresh, CF_I64, UP),
        VI(garp_master_refresh_repeat, CF_UINT, UP), VI(garp_lower_prio_delay, CF_I64, UP),
        VI(garp_lower_prio_repeat, CF_UINT, UP),
        VI(debug, CF_UINT, UP), VI(lvs_sync_daemon_interface, CF_STR, UP),
        VI(garp_master_delay_set, CF_NONE, NO), VI(garp_master_repeat_set, CF_NONE, NO),
        VI(garp_master_refresh_set, CF_NONE, NO), VI(garp_master_refresh_repeat_set, CF_NONE, NO),
        VI(garp_lower_prio_delay_set, CF_NONE, NO), VI(garp_lower_prio_repeat_set, CF_NONE, NO),
        VI(down_timer_adverts_set, CF_NONE, NO), VI(lower_prio_no_advert_set, CF_NONE, NO),
        VI(higher_prio_send_advert_set, CF_NONE, NO), VI(lower_prio_takeover_set, CF_NONE, NO),
        VI(owner_ignore_adverts_set, CF_NONE, NO),
        VI(skip_check_adv_addr_set, CF_NONE, NO), VI(v3_checksum_as_v2_set, CF_NONE, NO),
        VI(nopreempt_set, CF_NONE, NO), VI(preempt_delay_set, CF_NONE, NO),
        VI(pos, CF_NONE, NO), VI(state_pos, CF_NONE, NO), VI(vrid_pos, CF_NONE, NO), VI(priority_pos, CF_NONE, NO),
        VI(nopreempt_pos, CF_NONE, NO), VI(preempt_delay_pos, CF_NONE, NO), VI(auth_pos, CF_NONE, NO),
        VI(advert_int_pos, CF_NONE, NO), VI(version_pos, CF_NONE, NO), VI(accept_pos, CF_NONE, NO),
        VI(next, CF_NONE, NO),
};

static const char *instance_name(const void *o, char *buf, size_t size)
{
        (void)buf, (void)size;
        return ((const struct conf_vrrp_instance *)o)->name;
}

/* Becoming or ceasing to be the address owner changes Accept_Mode and
 * the start-up state: a priority change the table alone would update. */
static enum conf_diff_action owner_change(const void *a, const void *b)
{
        const struct conf_vrrp_instance *x = a, *y = b;

        return (x->priority == 255) != (y->priority == 255) ? RS : NO;
}

const struct conf_diff_kind conf_diff_vrrp_instance = {
        "vrrp_instance", instance_fields, COUNT(instance_fields), instance_name,
        offsetof(struct conf_vrrp_instance, next), owner_change,
};

/* ---- vrrp_sync_group ------------------------------------------------------------------------------- */

#define SG(m, t, e) CONF_FIELD(struct conf_sync_group, m, t, e)
static const struct conf_field group_fields[] = {
        SG(name, CF_NONE, NO), SG(group, CF_STRLIST, RS), SG(notify, CF_NOTIFY, UP), SG(smtp_alert, CF_INT, UP),
        SG(track_interface, CF_TRACKS, UP), SG(track_script, CF_TRACKS, UP), SG(track_file, CF_TRACKS, UP),
        SG(track_process, CF_TRACKS, UP), SG(sync_group_tracking_weight, CF_BOOL, UP),
        SG(notify_priority_changes, CF_INT, UP), SG(pos, CF_NONE, NO), SG(next, CF_NONE, NO),
};

static const char *group_name(const void *o, char *buf, size_t size)
{
        (void)buf, (void)size;
        return ((const struct conf_sync_group *)o)->name;
}

const struct conf_diff_kind conf_diff_sync_group = {
        "vrrp_sync_group", group_fields, COUNT(group_fields), group_name, offsetof(struct conf_sync_group, next), NULL,
};

/* ---- trackers: RESTART forgets the tracker's state (its rise/fall history) ---------------------- */

#define SC(m, t, e) CONF_FIELD(struct conf_vrrp_script, m, t, e)
static const struct conf_field script_fields[] = {
        SC(name, CF_NONE, NO), SC(script, CF_SCRIPT, RS), SC(has_script, CF_BOOL, RS), SC(interval, CF_I64, RS),
        SC(timeout, CF_I64, RS), SC(weight, CF_INT, UP), SC(weight_reverse, CF_BOOL, UP), SC(rise, CF_UINT, RS),
        SC(fall, CF_UINT, RS), SC(init_fail, CF_BOOL, RS), SC(user, CF_STR, RS), SC(group, CF_STR, RS),
        SC(pos, CF_NONE, NO), SC(next, CF_NONE, NO),
};

static const char *script_name(const void *o, char *buf, size_t size)
{
        (void)buf, (void)size;
        return ((const struct conf_vrrp_script *)o)->name;
}

const struct conf_diff_kind conf_diff_vrrp_script = {
        "vrrp_script", script_fields, COUNT(script_fields), script_name, offsetof(struct conf_vrrp_script, next), NULL,
};

#define TF(m, t, e) CONF_FIELD(struct conf_track_file, m, t, e)
static const struct conf_field file_fields[] = {
        TF(name, CF_NONE, NO), TF(file, CF_STR, RS), TF(weight, CF_INT, UP), TF(weight_reverse, CF_BOOL, UP),
        /* only read when the file is created at start-up */
        TF(init_file, CF_BOOL, UP), TF(init_value, CF_LONG, UP), TF(init_overwrite, CF_BOOL, UP),
        TF(pos, CF_NONE, NO), TF(next, CF_NONE, NO),
};

static const char *file_name(const void *o, char *buf, size_t size)
{
        (void)buf, (void)size;
        return ((const struct conf_track_file *)o)->name;
}

const struct conf_diff_kind conf_diff_track_file = {
        "track_file", file_fields, COUNT(file_fields), file_name, offsetof(struct conf_track_file, next), NULL,
};

#define TP(m, t, e) CONF_FIELD(struct conf_track_process, m, t, e)
static const struct conf_field process_fields[] = {
        TP(name, CF_NONE, NO), TP(process, CF_STR, RS),
        CONF_FIELD_N(struct conf_track_process, params, nparams, CF_STRV, RS), TP(nparams, CF_UINT, RS),
        TP(param_match, CF_INT, RS), TP(full_command, CF_BOOL, RS), TP(weight, CF_INT, UP),
        TP(weight_reverse, CF_BOOL, UP), TP(quorum, CF_UINT, UP), TP(quorum_max, CF_UINT, UP), TP(delay, CF_I64, UP),
        TP(fork_delay, CF_I64, UP), TP(terminate_delay, CF_I64, UP), TP(pos, CF_NONE, NO), TP(next, CF_NONE, NO),
};

static const char *process_name(const void *o, char *buf, size_t size)
{
        (void)buf, (void)size;
        return ((const struct conf_track_process *)o)->name;
}

const struct conf_diff_kind conf_diff_track_process = {
        "track_process", process_fields, COUNT(process_fields), process_name, offsetof(struct conf_track_process, next),
        NULL,
};

/* ---- LVS: not applied yet (the check worker will) --------------------------------------------------- */

/* A checker's every setting restarts it: its state is one check's history. */
#define CK(m, t) CONF_FIELD(struct conf_checker, m, t, RS)
static const struct conf_field checker_fields[] = {
        CK(type, CF_ENUM), CK(connect_ip, CF_IP), CK(connect_port, CF_U16), CK(bindto, CF_IP), CK(bind_port, CF_U16),
        CK(bind_if, CF_STR), CK(connect_timeout, CF_I64), CK(fwmark, CF_U32), CK(retry, CF_I64),
        CK(delay_before_retry, CF_I64), CK(delay_loop, CF_I64), CK(warmup, CF_I64), CK(alpha, CF_INT),
        CK(log_all_failures, CF_BOOL), CK(url, CF_URLS), CK(virtualhost, CF_STR), CK(http_protocol, CF_STR),
        CK(fast_recovery, CF_BOOL), CK(enable_sni, CF_BOOL), CK(sni_name, CF_STR), CK(helo_name, CF_STR),
        CK(hosts, CF_CHECKERS), CK(misc_path, CF_SCRIPT), CK(has_misc_path, CF_BOOL), CK(misc_timeout, CF_I64),
        CK(misc_dynamic, CF_BOOL), CK(user, CF_STR), CK(group, CF_STR), CK(dns_type, CF_STR), CK(dns_name, CF_STR),
        CONF_FIELD_N(struct conf_checker, payload, payload_len, CF_BYTES, RS), CK(payload_len, CF_UINT),
        CK(require_reply, CF_BOOL), CONF_FIELD_N(struct conf_checker, reply, reply_len, CF_BYTES, RS),
        CONF_FIELD_N(struct conf_checker, reply_mask, reply_len, CF_BYTES, RS), CK(reply_len, CF_UINT), CK(min_reply_length, CF_UINT), CK(max_reply_length, CF_UINT), CK(track_file, CF_STR),
        CK(file_weight, CF_INT), CK(file_weight_set, CF_BOOL), CK(file_reverse, CF_BOOL),
        CONF_FIELD(struct conf_checker, pos, CF_NONE, NO), CONF_FIELD(struct conf_checker, next, CF_NONE, NO),
};

static const struct conf_diff_kind checker_kind = {
        "checker", checker_fields, COUNT(checker_fields), NULL, offsetof(struct conf_checker, next), NULL,
};

bool conf_diff_checkers_eq(const conf_checker_list *a, const conf_checker_list *b)
{
        const struct conf_checker *x = a->first, *y = b->first;

        if (a->count != b->count)
                return false;
        for (; x && y; x = x->next, y = y->next)
                if (conf_diff_classify(&checker_kind, x, y, NULL) != NO)
                        return false;
        return !x && !y;
}

static bool url_eq(const struct conf_url *a, const struct conf_url *b)
{
        if (!conf_diff_str_eq(a->path, b->path) || !conf_diff_str_eq(a->digest, b->digest) ||
            !conf_diff_str_eq(a->virtualhost, b->virtualhost) || a->nstatus != b->nstatus)
                return false;
        for (unsigned i = 0; i < a->nstatus && i < 16; i++)
                if (a->status[i].lo != b->status[i].lo || a->status[i].hi != b->status[i].hi)
                        return false;
        return true;
}

bool conf_diff_urls_eq(const conf_url_list *a, const conf_url_list *b)
{
        const struct conf_url *x = a->first, *y = b->first;

        if (a->count != b->count)
                return false;
        for (; x && y; x = x->next, y = y->next)
                if (!url_eq(x, y))
                        return false;
        return !x && !y;
}

/* A real server is its address and port within its virtual server: what
 * IPVS can edit on a destination is UPDATE, what the checks use RESTART. */
#define RSF(m, t, e) CONF_FIELD(struct conf_real_server, m, t, e)
static const struct conf_field rs_fields[] = {
        RSF(addr, CF_NONE, NO), RSF(port, CF_NONE, NO), /* the name */
        RSF(weight, CF_I64, UP), RSF(weight_set, CF_NONE, NO), RSF(inhibit_on_failure, CF_INT, UP),
        RSF(notify_up, CF_SCRIPT, UP), RSF(notify_down, CF_SCRIPT, UP), RSF(smtp_alert, CF_INT, UP),
        RSF(lvs_method, CF_STR, UP), RSF(tun.type, CF_U8, UP), RSF(tun.port, CF_U16, UP), RSF(tun.flags, CF_U16, UP),
        RSF(uthreshold, CF_U32, UP), RSF(lthreshold, CF_U32, UP),
        RSF(retry, CF_I64, RS), RSF(delay_before_retry, CF_I64, RS), RSF(warmup, CF_I64, RS),
        RSF(connect_timeout, CF_I64, RS), RSF(delay_loop, CF_I64, RS), RSF(alpha, CF_INT, RS),
        RSF(virtualhost, CF_STR, RS), RSF(checkers, CF_CHECKERS, RS), RSF(pos, CF_NONE, NO), RSF(next, CF_NONE, NO),
};

static const char *endpoint(const struct conf_ip *ip, unsigned port, char *buf, size_t size)
{
        char a[INET6_ADDRSTRLEN];

        conf_ip_str(ip, a, sizeof(a));
        snprintf(buf, size, ip->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
        return buf;
}

static const char *rs_name(const void *o, char *buf, size_t size)
{
        const struct conf_real_server *r = o;

        return endpoint(&r->addr, r->port, buf, size);
}

const struct conf_diff_kind conf_diff_real_server = {
        "real_server", rs_fields, COUNT(rs_fields), rs_name, offsetof(struct conf_real_server, next), NULL,
};

/* A virtual server is what IPVS keys it by: address, port and protocol,
 * or fwmark, or group; its real servers are diffed with their own kind. */
#define VS(m, t, e) CONF_FIELD(struct conf_virtual_server, m, t, e)
static const struct conf_field vs_fields[] = {
        VS(kind, CF_NONE, NO), VS(addr, CF_NONE, NO), VS(port, CF_NONE, NO), VS(fwmark, CF_NONE, NO),
        VS(group, CF_NONE, NO), VS(protocol, CF_NONE, NO), /* the name */
        VS(lb_algo, CF_STR, UP), VS(lb_kind, CF_STR, UP), VS(lb_tun.type, CF_U8, UP), VS(lb_tun.port, CF_U16, UP),
        VS(lb_tun.flags, CF_U16, UP), VS(sched_flags, CF_U32, UP), VS(lb_algo_set, CF_NONE, NO), VS(lb_kind_set, CF_NONE, NO),
        VS(protocol_set, CF_NONE, NO), VS(persistence_timeout, CF_U32, UP), VS(persistence_granularity, CF_STR, UP),
        VS(persistence_engine, CF_STR, UP), VS(ops, CF_BOOL, UP), VS(inhibit_on_failure, CF_BOOL, UP),
        VS(quorum, CF_U32, UP), VS(hysteresis, CF_U32, UP), VS(quorum_up, CF_SCRIPT, UP),
        VS(quorum_down, CF_SCRIPT, UP), VS(has_sorry_server, CF_BOOL, UP), VS(sorry_server, CF_IP, UP),
        VS(sorry_server_port, CF_U16, UP), VS(sorry_server_inhibit, CF_BOOL, UP),
        VS(sorry_server_lvs_method, CF_STR, UP), VS(sorry_tun.type, CF_U8, UP), VS(sorry_tun.port, CF_U16, UP),
        VS(sorry_tun.flags, CF_U16, UP), VS(ha_suspend, CF_BOOL, UP),
        VS(smtp_alert, CF_INT, UP), VS(weight, CF_I64, UP), VS(drain_on_remove, CF_I64, UP),
        /* the defaults of its checkers */
        VS(delay_loop, CF_I64, RS), VS(connect_timeout, CF_I64, RS), VS(delay_before_retry, CF_I64, RS),
        VS(warmup, CF_I64, RS), VS(retry, CF_I64, RS), VS(alpha, CF_BOOL, RS), VS(omega, CF_BOOL, UP),
        VS(virtualhost, CF_STR, RS), VS(ip_family, CF_STR, RS),
        VS(real_servers, CF_NONE, NO), VS(pos, CF_NONE, NO), VS(next, CF_NONE, NO),
};

static const char *vs_name(const void *o, char *buf, size_t size)
{
        const struct conf_virtual_server *v = o;
        const char *proto = v->protocol ? v->protocol : "TCP";
        char ep[INET6_ADDRSTRLEN + 16];

        if (v->kind == VS_FWMARK)
                snprintf(buf, size, "fwmark %u/%s", v->fwmark, proto);
        else if (v->kind == VS_GROUP)
                snprintf(buf, size, "group %s/%s", v->group ? v->group : "", proto);
        else
                snprintf(buf, size, "%s/%s", endpoint(&v->addr, v->port, ep, sizeof(ep)), proto);
        return buf;
}

const struct conf_diff_kind conf_diff_virtual_server = {
        "virtual_server", vs_fields, COUNT(vs_fields), vs_name, offsetof(struct conf_virtual_server, next), NULL,
};
