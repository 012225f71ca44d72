/* The generic half of the reload diff: field comparison by type, the
 * verdict of one object, and the matching of two named lists. The tables
 * of fields, one per kind, are in diff_kinds.c. */
#include "conf/diff.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/diff_internal.h"

#define AT(obj, off, type) ((type const *)(const void *)((const char *)(obj) + (off)))

bool conf_diff_str_eq(const char *a, const char *b)
{
        return a == b || (a && b && !strcmp(a, b));
}

bool conf_diff_script_eq(const struct conf_script *a, const struct conf_script *b)
{
        if (!conf_diff_str_eq(a->cmdline, b->cmdline) || a->argc != b->argc || !conf_diff_str_eq(a->user, b->user) ||
            !conf_diff_str_eq(a->group, b->group))
                return false;
        for (unsigned i = 0; i < a->argc; i++)
                if (!conf_diff_str_eq(a->argv[i], b->argv[i]))
                        return false;
        return true;
}

static bool addr_eq(const struct conf_ipaddress *a, const struct conf_ipaddress *b)
{
        return conf_ip_equal(&a->addr, &b->addr) && a->prefixlen == b->prefixlen && a->brd_kind == b->brd_kind &&
               (a->brd_kind != BRD_ADDR || conf_ip_equal(&a->brd, &b->brd)) && conf_diff_str_eq(a->dev, b->dev) &&
               a->dev_explicit == b->dev_explicit && a->scope == b->scope && conf_diff_str_eq(a->label, b->label) &&
               a->no_track == b->no_track;
}

static bool route_eq(const struct conf_route *a, const struct conf_route *b)
{
        if (a->has_src != b->has_src || (a->has_src && !conf_ip_equal(&a->src, &b->src)) ||
            a->dst_default != b->dst_default || !conf_ip_equal(&a->dst, &b->dst) || a->dst_len != b->dst_len ||
            a->nvia != b->nvia || !conf_diff_str_eq(a->dev, b->dev) || a->scope != b->scope || a->table != b->table ||
            a->has_metric != b->has_metric || (a->has_metric && a->metric != b->metric) || a->type != b->type ||
            a->protocol != b->protocol || a->no_track != b->no_track)
                return false;
        for (unsigned i = 0; i < a->nvia && i < 8; i++)
                if (!conf_ip_equal(&a->via[i], &b->via[i]))
                        return false;
        return true;
}

static bool rule_eq(const struct conf_rule *a, const struct conf_rule *b)
{
        return a->family == b->family && a->has_from == b->has_from && a->has_to == b->has_to &&
               (!a->has_from || (conf_ip_equal(&a->from, &b->from) && a->from_len == b->from_len)) &&
               (!a->has_to || (conf_ip_equal(&a->to, &b->to) && a->to_len == b->to_len)) && a->table == b->table &&
               a->has_preference == b->has_preference && (!a->has_preference || a->preference == b->preference) &&
               a->has_fwmark == b->has_fwmark && (!a->has_fwmark || (a->fwmark == b->fwmark && a->fwmask == b->fwmask)) &&
               conf_diff_str_eq(a->iif, b->iif) && conf_diff_str_eq(a->oif, b->oif) && a->tos == b->tos &&
               a->goto_target == b->goto_target && a->action == b->action &&
               a->has_suppress_prefixlen == b->has_suppress_prefixlen &&
               (!a->has_suppress_prefixlen || a->suppress_prefixlen == b->suppress_prefixlen) && a->no_track == b->no_track;
}

static bool track_eq(const struct conf_track *a, const struct conf_track *b)
{
        return !strcmp(a->name, b->name) && a->weight_set == b->weight_set && (!a->weight_set || a->weight == b->weight) &&
               a->reverse == b->reverse && a->defined_later == b->defined_later;
}

static bool peer_eq(const struct conf_unicast_peer *a, const struct conf_unicast_peer *b)
{
        return conf_ip_equal(&a->addr, &b->addr) && a->min_ttl == b->min_ttl && a->max_ttl == b->max_ttl;
}

static bool notify_eq(const struct conf_notify *a, const struct conf_notify *b)
{
        return conf_diff_script_eq(&a->master, &b->master) && conf_diff_script_eq(&a->backup, &b->backup) &&
               conf_diff_script_eq(&a->fault, &b->fault) && conf_diff_script_eq(&a->stop, &b->stop) &&
               conf_diff_script_eq(&a->deleted, &b->deleted) && conf_diff_script_eq(&a->generic, &b->generic) &&
               conf_diff_script_eq(&a->master_rx_lower_pri, &b->master_rx_lower_pri) &&
               a->notify_deleted == b->notify_deleted;
}

/* Two lists element by element, in order (an address list's order is the
 * order the addresses are installed and advertised in). */
#define LIST_EQ(T, la, lb, eq)                                                                 \
        do {                                                                                   \
                const T *x = (la)->first, *y = (lb)->first;                                    \
                if ((la)->count != (lb)->count)                                                \
                        return false;                                                          \
                for (; x && y; x = x->next, y = y->next)                                       \
                        if (!eq(x, y))                                                         \
                                return false;                                                  \
                return !x && !y;                                                               \
        } while (0)

static bool addrs_eq(const conf_ipaddress_list *a, const conf_ipaddress_list *b) { LIST_EQ(struct conf_ipaddress, a, b, addr_eq); }
static bool routes_eq(const conf_route_list *a, const conf_route_list *b) { LIST_EQ(struct conf_route, a, b, route_eq); }
static bool rules_eq(const conf_rule_list *a, const conf_rule_list *b) { LIST_EQ(struct conf_rule, a, b, rule_eq); }
static bool tracks_eq(const conf_track_list *a, const conf_track_list *b) { LIST_EQ(struct conf_track, a, b, track_eq); }

typedef CONF_LIST(struct conf_unicast_peer) peer_list;
static bool peers_eq(const peer_list *a, const peer_list *b) { LIST_EQ(struct conf_unicast_peer, a, b, peer_eq); }

bool conf_diff_statics_equal(const struct conf *a, const struct conf *b)
{
        return addrs_eq(&a->static_ipaddress, &b->static_ipaddress) && routes_eq(&a->static_routes, &b->static_routes) &&
               rules_eq(&a->static_rules, &b->static_rules);
}

static bool item_eq(const struct conf_strlist_item *a, const struct conf_strlist_item *b)
{
        return conf_diff_str_eq(a->value, b->value);
}
static bool strlist_eq(const conf_strlist *a, const conf_strlist *b) { LIST_EQ(struct conf_strlist_item, a, b, item_eq); }

static bool strv_eq(const char *const *a, const char *const *b, unsigned n)
{
        for (unsigned i = 0; i < n; i++)
                if (!conf_diff_str_eq(a[i], b[i]))
                        return false;
        return true;
}

/* Counted arrays: the count is compared too (it is a field of its own). */
static bool counted_eq(const struct conf_field *f, const void *a, const void *b)
{
        unsigned na = *AT(a, f->aux, unsigned), nb = *AT(b, f->aux, unsigned);

        if (na != nb)
                return false;
        if (f->type == CF_STRV)
                return strv_eq(*AT(a, f->offset, const char **), *AT(b, f->offset, const char **), na);
        return !na || !memcmp(*AT(a, f->offset, uint8_t *), *AT(b, f->offset, uint8_t *), na);
}

static bool notify_ptr_eq(const struct conf_notify *a, const struct conf_notify *b)
{
        static const struct conf_notify none;

        return notify_eq(a ? a : &none, b ? b : &none);
}

#define SCALAR(t) (*AT(a, f->offset, t) == *AT(b, f->offset, t))

static bool field_eq(const struct conf_field *f, const void *a, const void *b)
{
        switch (f->type) {
        case CF_BOOL: return SCALAR(bool);
        case CF_INT: return SCALAR(int);
        case CF_UINT: return SCALAR(unsigned);
        case CF_U8: return SCALAR(uint8_t);
        case CF_U16: return SCALAR(uint16_t);
        case CF_U32: return SCALAR(uint32_t);
        case CF_I64: return SCALAR(int64_t);
        case CF_LONG: return SCALAR(long);
        case CF_ENUM: return SCALAR(int);
        case CF_STR: return conf_diff_str_eq(*AT(a, f->offset, const char *), *AT(b, f->offset, const char *));
        case CF_IP: return conf_ip_equal(AT(a, f->offset, struct conf_ip), AT(b, f->offset, struct conf_ip));
        case CF_ADDRS: return addrs_eq(AT(a, f->offset, conf_ipaddress_list), AT(b, f->offset, conf_ipaddress_list));
        case CF_ROUTES: return routes_eq(AT(a, f->offset, conf_route_list), AT(b, f->offset, conf_route_list));
        case CF_RULES: return rules_eq(AT(a, f->offset, conf_rule_list), AT(b, f->offset, conf_rule_list));
        case CF_TRACKS: return tracks_eq(AT(a, f->offset, conf_track_list), AT(b, f->offset, conf_track_list));
        case CF_PEERS: return peers_eq(AT(a, f->offset, peer_list), AT(b, f->offset, peer_list));
        case CF_STRLIST: return strlist_eq(AT(a, f->offset, conf_strlist), AT(b, f->offset, conf_strlist));
        case CF_SCRIPT: return conf_diff_script_eq(AT(a, f->offset, struct conf_script), AT(b, f->offset, struct conf_script));
        case CF_NOTIFY_PTR:
                return notify_ptr_eq(*AT(a, f->offset, struct conf_notify *), *AT(b, f->offset, struct conf_notify *));
        case CF_NOTIFY: return notify_eq(AT(a, f->offset, struct conf_notify), AT(b, f->offset, struct conf_notify));
        case CF_STRV:
        case CF_BYTES: return counted_eq(f, a, b);
        case CF_CHECKERS: return conf_diff_checkers_eq(AT(a, f->offset, conf_checker_list), AT(b, f->offset, conf_checker_list));
        case CF_URLS: return conf_diff_urls_eq(AT(a, f->offset, conf_url_list), AT(b, f->offset, conf_url_list));
        case CF_NONE: return true;
        }
        return false;
}

enum conf_diff_action conf_diff_classify(const struct conf_diff_kind *k, const void *old_obj, const void *new_obj,
                                         const struct conf_field **ret_field)
{
        enum conf_diff_action worst = CONF_DIFF_KEEP;
        const struct conf_field *why = NULL;

        for (size_t i = 0; i < k->nfields; i++) {
                const struct conf_field *f = &k->fields[i];
                if (f->effect > worst && !field_eq(f, old_obj, new_obj)) {
                        worst = f->effect;
                        why = f;
                }
        }
        if (k->extra && worst < CONF_DIFF_RESTART) {
                enum conf_diff_action x = k->extra(old_obj, new_obj);
                if (x > worst)
                        worst = x, why = NULL;
        }
        if (ret_field)
                *ret_field = why;
        return worst;
}

/* ---- matching by name -------------------------------------------------------------------------- */

struct named {
        const char *name;
        const void *obj;
        size_t pos;             /* in the old list */
        bool matched;
};

static int by_name(const void *a, const void *b)
{
        return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static const void *next_of(const struct conf_diff_kind *k, const void *obj)
{
        return *AT(obj, k->next_offset, const void *);
}

static size_t list_len(const struct conf_diff_kind *k, const void *first)
{
        size_t n = 0;

        for (const void *o = first; o; o = next_of(k, o))
                n++;
        return n;
}

/* The old list sorted by name, so that 1,000 instances match in n log n. */
static struct named *index_old(const struct conf_diff_kind *k, const void *first, size_t n, char (*names)[64])
{
        struct named *idx = calloc(n ? n : 1, sizeof(*idx));
        size_t i = 0;

        if (!idx)
                return NULL;
        for (const void *o = first; o; o = next_of(k, o), i++)
                idx[i] = (struct named){ k->name(o, names[i], sizeof(names[i])), o, i, false };
        qsort(idx, n, sizeof(*idx), by_name);
        return idx;
}

static void add_removed(struct conf_diff *d, struct named *idx, size_t nold, char (*old_names)[64])
{
        bool *gone = calloc(nold ? nold : 1, sizeof(*gone));
        const void **objs = calloc(nold ? nold : 1, sizeof(*objs));

        for (size_t i = 0; gone && objs && i < nold; i++)
                if (!idx[i].matched) {
                        gone[idx[i].pos] = true;
                        objs[idx[i].pos] = idx[i].obj;
                }
        for (size_t i = 0; gone && objs && i < nold; i++)
                if (gone[i]) {
                        memcpy(d->names[d->n], old_names[i], sizeof(d->names[0]));
                        d->e[d->n++] = (struct conf_diff_entry){ NULL, CONF_DIFF_REMOVE, objs[i], NULL };
                }
        free(gone);
        free(objs);
}

int conf_diff_named(const struct conf_diff_kind *k, const void *old_first, const void *new_first,
                    struct conf_diff *ret)
{
        size_t nold = list_len(k, old_first), nnew = list_len(k, new_first), cap = nold + nnew ? nold + nnew : 1;
        struct conf_diff d = { calloc(cap, sizeof(*d.e)), 0, calloc(cap, sizeof(*d.names)) };
        char (*old_names)[64] = calloc(nold ? nold : 1, sizeof(*old_names));
        struct named *idx = d.e && d.names && old_names ? index_old(k, old_first, nold, old_names) : NULL;

        if (!idx) {
                free(old_names);
                conf_diff_free(&d);
                return -ENOMEM;
        }
        for (const void *o = new_first; o; o = next_of(k, o)) {
                struct named key = { k->name(o, d.names[d.n], sizeof(d.names[0])), NULL, 0, false };
                struct named *old = nold ? bsearch(&key, idx, nold, sizeof(*idx), by_name) : NULL;
                if (old && !old->matched) {
                        old->matched = true;
                        d.e[d.n] = (struct conf_diff_entry){ NULL, conf_diff_classify(k, old->obj, o, NULL), old->obj, o };
                } else {
                        d.e[d.n] = (struct conf_diff_entry){ NULL, CONF_DIFF_ADD, NULL, o };
                }
                d.n++;
        }
        add_removed(&d, idx, nold, old_names);
        /* names: the object's own string when it has one, else the buffer */
        for (size_t i = 0; i < d.n; i++) {
                const void *o = d.e[i].new_obj ? d.e[i].new_obj : d.e[i].old_obj;
                char scratch[64];
                const char *own = k->name(o, scratch, sizeof(scratch));
                d.e[i].name = own == scratch ? d.names[i] : own;
        }
        free(idx);
        free(old_names);
        *ret = d;
        return 0;
}

void conf_diff_free(struct conf_diff *d)
{
        free(d->e);
        free(d->names);
        d->e = NULL;
        d->names = NULL;
        d->n = 0;
}

const char *conf_diff_action_name(enum conf_diff_action a)
{
        static const char *const names[] = { "keep", "update", "restart", "add", "remove" };

        return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "?";
}
