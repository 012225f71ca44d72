/* Derived defaults of VRRP instances and the cross-object validators. */
#include "conf/validate.h"

#include <string.h>

#include "common/strutil.h"
#include "conf/values.h"

#define SEC 1000000LL
#define MAX_VIPS_PER_ADVERT 255

static void warn(struct diag_list *d, const struct conf_pos *pos, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void warn(struct diag_list *d, const struct conf_pos *pos, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        diag_addv(d, DIAG_WARNING, DIAG_CONFIG, pos, fmt, ap);
        va_end(ap);
}

static void error(struct diag_list *d, enum diag_class cls, const struct conf_pos *pos, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void error(struct diag_list *d, enum diag_class cls, const struct conf_pos *pos, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        diag_addv(d, DIAG_ERROR, cls, pos, fmt, ap);
        va_end(ap);
}

/* ---- family and version ----------------------------------------------------- */

static int instance_family(const struct conf_vrrp_instance *vi)
{
        if (vi->unicast_src_ip.family)
                return vi->unicast_src_ip.family;
        if (vi->mcast_src_ip.family)
                return vi->mcast_src_ip.family;
        if (vi->virtual_ipaddress.first)
                return vi->virtual_ipaddress.first->addr.family;
        if (vi->unicast_peer.first)
                return vi->unicast_peer.first->addr.family;
        return AF_INET;
}

static void check_families(struct conf_vrrp_instance *vi, struct diag_list *d)
{
        const char *fam = vi->family == AF_INET ? "IPv4" : "IPv6";
        struct conf_ipaddress *a;
        struct conf_unicast_peer *peer;

        CONF_FOREACH(a, &vi->virtual_ipaddress)
                if (a->addr.family != vi->family)
                        error(d, DIAG_CONFIG, &a->pos,
                              "(%s) virtual_ipaddress mixes families: the instance is %s (use virtual_ipaddress_excluded for the other family)",
                              vi->name, fam);
        CONF_FOREACH(peer, &vi->unicast_peer)
                if (peer->addr.family != vi->family)
                        error(d, DIAG_CONFIG, &peer->pos, "(%s) unicast_peer is not %s like the instance", vi->name, fam);
        if (vi->mcast_src_ip.family && vi->unicast_src_ip.family && vi->mcast_src_ip.family != vi->unicast_src_ip.family)
                error(d, DIAG_CONFIG, &vi->pos, "(%s) mcast_src_ip and unicast_src_ip are different families", vi->name);
}

static void resolve_version(struct conf *c, struct conf_vrrp_instance *vi, struct diag_list *d)
{
        if (!vi->version_set)
                vi->version = c->global.vrrp_version;
        if (vi->family == AF_INET6 && vi->version == 2) {
                if (vi->version_set)
                        warn(d, &vi->version_pos, "(%s) IPv6 needs VRRP version 3; using version 3", vi->name);
                vi->version = 3;
        }
}

/* v2 carries whole seconds; v3 carries centiseconds up to 40.95 s. */
static void resolve_advert_int(struct conf_vrrp_instance *vi, struct diag_list *d)
{
        const struct conf_pos *pos = vi->advert_int_pos.file ? &vi->advert_int_pos : &vi->pos;

        if (vi->version == 2) {
                int64_t rounded = (vi->advert_int + SEC / 2) / SEC * SEC;
                if (rounded < SEC)
                        rounded = SEC;
                if (rounded != vi->advert_int)
                        warn(d, pos, "(%s) VRRPv2 advert_int must be whole seconds; using %lld", vi->name,
                             (long long)(rounded / SEC));
                vi->advert_int = rounded;
                return;
        }
        int64_t cs = (vi->advert_int + 5000) / 10000;
        if (cs < 1) {
                warn(d, pos, "(%s) VRRPv3 advert_int below 0.01 s; using 0.01", vi->name);
                cs = 1;
        } else if (cs > 4095) {
                warn(d, pos, "(%s) VRRPv3 advert_int above 40.95 s; using 40.95", vi->name);
                cs = 4095;
        } else if (cs * 10000 != vi->advert_int) {
                warn(d, pos, "(%s) VRRPv3 advert_int is carried in hundredths of a second; using %lld.%02lld",
                     vi->name, (long long)(cs / 100), (long long)(cs % 100));
        }
        vi->advert_int = cs * 10000;
}

/* ---- priority, state, preemption --------------------------------------------- */

static void resolve_priority_state(struct conf_vrrp_instance *vi, struct diag_list *d)
{
        if (!vi->priority_set)
                vi->priority = vi->state == STATE_MASTER ? 255 : 100;
        if (!vi->state_set)
                vi->state = vi->priority == 255 ? STATE_MASTER : STATE_BACKUP;
        if (vi->nopreempt && (vi->state == STATE_MASTER || vi->priority == 255)) {
                warn(d, vi->nopreempt_pos.file ? &vi->nopreempt_pos : &vi->pos,
                     "(%s) nopreempt does not work with %s; preemption stays on (use state BACKUP on every node)",
                     vi->name, vi->priority == 255 ? "priority 255" : "state MASTER");
                vi->nopreempt = false;
        }
        if (vi->preempt_delay && (vi->state == STATE_MASTER || vi->nopreempt)) {
                warn(d, vi->preempt_delay_pos.file ? &vi->preempt_delay_pos : &vi->pos,
                     "(%s) preempt_delay is ignored with %s", vi->name,
                     vi->nopreempt ? "nopreempt" : "state MASTER");
                vi->preempt_delay = 0;
        }
}

static void resolve_auth(struct conf_vrrp_instance *vi, struct diag_list *d)
{
        const struct conf_pos *pos = vi->auth_pos.file ? &vi->auth_pos : &vi->pos;

        if (vi->auth_type == AUTH_NONE && !vi->auth_pass)
                return;
        if (vi->auth_type == AUTH_NONE) {
                warn(d, pos, "(%s) auth_pass without auth_type; authentication is disabled", vi->name);
                vi->auth_pass = NULL;
                return;
        }
        if (!vi->auth_pass) {
                warn(d, pos, "(%s) auth_type without auth_pass; authentication is disabled", vi->name);
                vi->auth_type = AUTH_NONE;
                return;
        }
        if (vi->version == 3) {
                warn(d, pos, "(%s) VRRPv3 has no authentication; ignoring the authentication block", vi->name);
                vi->auth_type = AUTH_NONE;
                vi->auth_pass = NULL;
                return;
        }
        if (vi->auth_type == AUTH_AH && vi->family == AF_INET6) {
                warn(d, pos, "(%s) AH authentication is IPv4 only; authentication is disabled", vi->name);
                vi->auth_type = AUTH_NONE;
                vi->auth_pass = NULL;
                return;
        }
        if (vi->auth_type == AUTH_AH && vi->state == STATE_MASTER && vi->priority != 255) {
                warn(d, pos, "(%s) state MASTER with AH authentication starts as BACKUP (as keepalived)", vi->name);
                vi->state = STATE_BACKUP;
        }
}

/* ---- addresses ----------------------------------------------------------------- */

static void resolve_addresses(struct conf *c, struct conf_vrrp_instance *vi, struct diag_list *d)
{
        struct conf_ipaddress *a, *prev = NULL;
        unsigned n = 0;

        if (!vi->virtual_ipaddress.count && !vi->no_virtual_ipaddress) {
                if (vi->version == 3)
                        error(d, DIAG_FATAL, &vi->pos, "(%s) VRRPv3 needs at least one virtual_ipaddress", vi->name);
                else
                        warn(d, &vi->pos, "(%s) has no virtual_ipaddress", vi->name);
        }
        for (a = vi->virtual_ipaddress.first; a; prev = a, a = a->next) {
                if (++n <= MAX_VIPS_PER_ADVERT)
                        continue;
                warn(d, &a->pos, "(%s) more than %d virtual_ipaddress entries; the rest are handled as excluded",
                     vi->name, MAX_VIPS_PER_ADVERT);
                prev->next = NULL;
                vi->virtual_ipaddress.last = prev;
                vi->virtual_ipaddress.count = MAX_VIPS_PER_ADVERT;
                while (a) {
                        struct conf_ipaddress *next = a->next;
                        CONF_LIST_APPEND(&vi->virtual_ipaddress_excluded, a);
                        a = next;
                }
                break;
        }
        CONF_FOREACH(a, &vi->virtual_ipaddress)
                if (!a->dev)
                        a->dev = vi->interface ? vi->interface : c->global.default_interface;
        CONF_FOREACH(a, &vi->virtual_ipaddress_excluded)
                if (!a->dev)
                        a->dev = vi->interface ? vi->interface : c->global.default_interface;
}

static void resolve_unicast(struct conf_vrrp_instance *vi, struct diag_list *d)
{
        if (!vi->unicast_configured || vi->unicast_peer.count)
                return;
        if (vi->unicast_fault_no_peer)
                warn(d, &vi->pos, "(%s) unicast is configured without unicast_peer; the instance stays in FAULT",
                     vi->name);
        else
                warn(d, &vi->pos, "(%s) unicast_src_ip without unicast_peer: adverts go by multicast", vi->name);
}

/* Timing knobs that default to their global_defs value. */
static void inherit_globals(const struct conf_global *g, struct conf_vrrp_instance *vi)
{
        if (!vi->garp_master_delay_set)
                vi->garp_master_delay = g->vrrp_min_garp && !g->vrrp_garp_master_delay_set ? 0 : g->vrrp_garp_master_delay;
        if (!vi->garp_master_repeat_set)
                vi->garp_master_repeat = g->vrrp_min_garp && !g->vrrp_garp_master_repeat_set ? 1 : g->vrrp_garp_master_repeat;
        if (!vi->garp_master_refresh_set)
                vi->garp_master_refresh = g->vrrp_min_garp ? 0 : g->vrrp_garp_master_refresh;
        if (!vi->garp_master_refresh_repeat_set)
                vi->garp_master_refresh_repeat = g->vrrp_garp_master_refresh_repeat;
        if (!vi->garp_lower_prio_delay_set)
                vi->garp_lower_prio_delay = g->vrrp_garp_lower_prio_delay != TIMER_UNSET ? g->vrrp_garp_lower_prio_delay
                                                                                        : vi->garp_master_delay;
        if (!vi->garp_lower_prio_repeat_set)
                vi->garp_lower_prio_repeat = g->vrrp_garp_lower_prio_repeat >= 0 ? (unsigned)g->vrrp_garp_lower_prio_repeat
                                                                                 : vi->garp_master_repeat;
        if (!vi->down_timer_adverts_set)
                vi->down_timer_adverts = g->vrrp_down_timer_adverts;
        if (!vi->lower_prio_no_advert_set)
                vi->lower_prio_no_advert = g->vrrp_lower_prio_no_advert;
        if (!vi->higher_prio_send_advert_set)
                vi->higher_prio_send_advert = g->vrrp_higher_prio_send_advert;
        if (!vi->lower_prio_takeover_set)
                vi->lower_prio_takeover = g->vrrp_lower_prio_takeover;
        if (!vi->owner_ignore_adverts_set)
                vi->owner_ignore_adverts = g->vrrp_owner_ignore_adverts;
        if (!vi->skip_check_adv_addr_set)
                vi->skip_check_adv_addr = g->vrrp_skip_check_adv_addr;
        if (!vi->v3_checksum_as_v2_set)
                vi->v3_checksum_as_v2 = g->v3_checksum_as_v2;
        if (g->vrrp_check_unicast_src)
                vi->check_unicast_src = true;
        if (vi->smtp_alert < 0)
                vi->smtp_alert = g->smtp_alert > 0;
        if (vi->notify_priority_changes < 0)
                vi->notify_priority_changes = g->vrrp_notify_priority_changes;
        vi->strict_mode = vi->strict_mode_set >= 0 ? vi->strict_mode_set : g->vrrp_strict;
}

/* An address owner's priority never moves: weighted trackers are dropped. */
static void drop_weighted(struct conf_vrrp_instance *vi, conf_track_list *list, const char *what,
                          const char *why, struct diag_list *d)
{
        struct conf_track *t = list->first, *prev = NULL;

        while (t) {
                struct conf_track *next = t->next;
                if (t->weight_set && t->weight) {
                        warn(d, &t->pos, "(%s) weighted %s '%s' is removed: %s", vi->name, what, t->name, why);
                        if (prev)
                                prev->next = next;
                        else
                                list->first = next;
                        if (list->last == t)
                                list->last = prev;
                        list->count--;
                } else {
                        prev = t;
                }
                t = next;
        }
}

static void resolve_trackers(struct conf *c, struct conf_vrrp_instance *vi, struct diag_list *d)
{
        struct conf_track *t, *prev = NULL;

        if (vi->priority == 255) {
                drop_weighted(vi, &vi->track_interface, "track_interface", "an address owner's priority is fixed", d);
                drop_weighted(vi, &vi->track_script, "track_script", "an address owner's priority is fixed", d);
        }
        for (t = vi->track_interface.first; t; t = t->next) {
                if (vi->interface && !strcmp(t->name, vi->interface) && !vi->dont_track_primary) {
                        warn(d, &t->pos, "(%s) track_interface %s is the instance's own interface, which is always tracked; ignoring it",
                             vi->name, t->name);
                        if (prev)
                                prev->next = t->next;
                        else
                                vi->track_interface.first = t->next;
                        if (vi->track_interface.last == t)
                                vi->track_interface.last = prev;
                        vi->track_interface.count--;
                        continue;
                }
                prev = t;
        }
        (void)c;
}

void validate_instance_defaults(struct conf *c, struct conf_vrrp_instance *vi, struct diag_list *d)
{
        if (!vi->virtual_router_id && !vi->vrid_pos.file)
                error(d, DIAG_FATAL, &vi->pos, "(%s) virtual_router_id is required (1..255)", vi->name);
        if (!vi->interface && !vi->unicast_src_ip.family)
                error(d, DIAG_FATAL, &vi->pos, "(%s) interface is required (or unicast_src_ip with unicast_peer)",
                      vi->name);
        vi->family = instance_family(vi);
        check_families(vi, d);
        resolve_version(c, vi, d);
        resolve_priority_state(vi, d);
        inherit_globals(&c->global, vi);
        if (vi->strict_mode)
                validate_strict(c, vi, d);
        resolve_advert_int(vi, d);
        resolve_auth(vi, d);
        resolve_addresses(c, vi, d);
        resolve_unicast(vi, d);
        resolve_trackers(c, vi, d);
}

/* ---- cross-object checks --------------------------------------------------------- */

static void check_refs(struct conf *c, const char *owner, conf_track_list *list, const char *kind,
                       bool (*exists)(const struct conf *, const char *),
                       const char *const *names, size_t n, struct diag_list *d)
{
        struct conf_track *t;

        CONF_FOREACH(t, list) {
                if (exists(c, t->name) && t->defined_later)
                        warn(d, &t->pos, "(%s) %s '%s' is defined after this track_script: vigil tracks it, but "
                             "keepalived 2.2.7 would ignore it (track script not found); define it before the "
                             "instance", owner, kind, t->name);
                if (exists(c, t->name))
                        continue;
                const char *best = str_closest(t->name, names, n);
                if (best)
                        error(d, DIAG_CONFIG, &t->pos, "(%s) unknown %s '%s'; did you mean '%s'?", owner, kind, t->name, best);
                else
                        error(d, DIAG_CONFIG, &t->pos, "(%s) unknown %s '%s'", owner, kind, t->name);
        }
}

static bool script_exists(const struct conf *c, const char *n) { return conf_find_vrrp_script(c, n) != NULL; }
static bool file_exists(const struct conf *c, const char *n) { return conf_find_track_file(c, n) != NULL; }
static bool process_exists(const struct conf *c, const char *n) { return conf_find_track_process(c, n) != NULL; }

#define NAMES_OF(list, arr, n)                                          \
        do {                                                            \
                n = 0;                                                  \
                for (__typeof__((list)->first) it = (list)->first; it && n < 256; it = it->next) \
                        arr[n++] = it->name;                            \
        } while (0)

void validate_track_refs(struct conf *c, struct diag_list *d)
{
        const char *scripts[256], *files[256], *procs[256];
        size_t ns, nf, np;
        struct conf_vrrp_instance *vi;
        struct conf_sync_group *g;

        NAMES_OF(&c->vrrp_scripts, scripts, ns);
        NAMES_OF(&c->track_files, files, nf);
        NAMES_OF(&c->track_processes, procs, np);
        CONF_FOREACH(vi, &c->instances) {
                check_refs(c, vi->name, &vi->track_script, "vrrp_script", script_exists, scripts, ns, d);
                check_refs(c, vi->name, &vi->track_file, "track_file", file_exists, files, nf, d);
                check_refs(c, vi->name, &vi->track_process, "vrrp_track_process", process_exists, procs, np, d);
        }
        CONF_FOREACH(g, &c->sync_groups) {
                check_refs(c, g->name, &g->track_script, "vrrp_script", script_exists, scripts, ns, d);
                check_refs(c, g->name, &g->track_file, "track_file", file_exists, files, nf, d);
                check_refs(c, g->name, &g->track_process, "vrrp_track_process", process_exists, procs, np, d);
        }
}

void validate_sync_groups(struct conf *c, struct diag_list *d)
{
        const char *names[256];
        size_t n;
        struct conf_sync_group *g;
        struct conf_strlist_item *m;

        NAMES_OF(&c->instances, names, n);
        CONF_FOREACH(g, &c->sync_groups) {
                if (g->group.count == 0)
                        warn(d, &g->pos, "vrrp_sync_group %s has no members; it does nothing", g->name);
                else if (g->group.count == 1)
                        warn(d, &g->pos, "vrrp_sync_group %s has only one member; this probably isn't what you want",
                             g->name);
                CONF_FOREACH(m, &g->group) {
                        struct conf_vrrp_instance *vi = conf_find_instance(c, m->value);
                        if (!vi) {
                                const char *best = str_closest(m->value, names, n);
                                error(d, DIAG_CONFIG, &m->pos, "vrrp_sync_group %s: unknown vrrp_instance '%s'%s%s%s", g->name,
                                      m->value, best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
                                continue;
                        }
                        if (vi->sync_group && strcmp(vi->sync_group, g->name)) {
                                error(d, DIAG_CONFIG, &m->pos, "vrrp_instance %s is already in vrrp_sync_group %s; an instance can be in one group only",
                                      vi->name, vi->sync_group);
                                continue;
                        }
                        vi->sync_group = g->name;
                        if (!g->sync_group_tracking_weight) {
                                drop_weighted(vi, &vi->track_script, "track_script",
                                              "members of a sync group track without weights (set sync_group_tracking_weight to allow them)",
                                              d);
                                drop_weighted(vi, &vi->track_interface, "track_interface",
                                              "members of a sync group track without weights (set sync_group_tracking_weight to allow them)",
                                              d);
                        }
                }
        }
}

void validate_vrid_unique(struct conf *c, struct diag_list *d)
{
        struct conf_vrrp_instance *a, *b;

        CONF_FOREACH(a, &c->instances) {
                for (b = c->instances.first; b != a; b = b->next) {
                        if (!a->virtual_router_id || a->virtual_router_id != b->virtual_router_id ||
                            a->family != b->family)
                                continue;
                        if (a->interface && b->interface && strcmp(a->interface, b->interface))
                                continue;
                        error(d, DIAG_CONFIG, &a->pos, "(%s) virtual_router_id %u on %s (%s) is already used by %s",
                              a->name, a->virtual_router_id, a->interface ? a->interface : "(unicast)",
                              a->family == AF_INET ? "IPv4" : "IPv6", b->name);
                        break;
                }
        }
}

void validate_vrrp_scripts(struct conf *c, struct diag_list *d)
{
        struct conf_vrrp_script *s;

        CONF_FOREACH(s, &c->vrrp_scripts) {
                if (!s->has_script)
                        error(d, DIAG_CONFIG, &s->pos, "vrrp_script %s has no 'script' to run", s->name);
                if (s->timeout == TIMER_UNSET)
                        s->timeout = s->interval;
        }
}

static void resolve_global(struct conf *c, const struct conf_parse_opts *opts)
{
        struct conf_global *g = &c->global;

        if (!g->router_id && opts->hostname)
                g->router_id = arena_strdup(&c->arena, opts->hostname);
        if (!g->notification_email_from && opts->hostname)
                g->notification_email_from = arena_printf(&c->arena, "%s@%s", opts->username ? opts->username : "root",
                                                          opts->hostname);
}

void conf_validate(struct conf *c, const struct conf_parse_opts *opts, struct diag_list *d)
{
        struct conf_vrrp_instance *vi;

        resolve_global(c, opts);
        validate_vrrp_scripts(c, d);
        CONF_FOREACH(vi, &c->instances)
                validate_instance_defaults(c, vi, d);
        validate_track_refs(c, d);
        validate_sync_groups(c, d);
        validate_vrid_unique(c, d);
        validate_lvs(c, d);
        validate_lvs_syncd(c, d);
}
