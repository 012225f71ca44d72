/* What a reload does to each named object, from the two models alone.
 * Pure: no engine, no sockets, so `vigilctl reload --check` and the real
 * reload cannot disagree, and the LVS worker reuses it for virtual and
 * real servers.
 *
 * A kind of object is described once, by a table of its fields: each
 * field says how it is compared and what a change to it costs (nothing,
 * an update in place, or a restart). The object's verdict is the worst
 * of its fields'. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/model.h"

enum conf_diff_action {
        CONF_DIFF_KEEP,         /* identical where it matters: carries on untouched */
        CONF_DIFF_UPDATE,       /* only in-place fields changed */
        CONF_DIFF_RESTART,      /* a field that needs a stop and a start changed */
        CONF_DIFF_ADD,          /* only in the new model */
        CONF_DIFF_REMOVE,       /* only in the old one */
};

/* How a field is compared. */
enum conf_field_type {
        CF_BOOL, CF_INT, CF_UINT, CF_U8, CF_U16, CF_U32, CF_I64, CF_LONG, CF_ENUM, /* CF_ENUM: an int-sized enum */
        CF_STR,                 /* const char *, NULL equal to NULL only */
        CF_IP,                  /* struct conf_ip */
        CF_ADDRS,               /* conf_ipaddress_list */
        CF_ROUTES,              /* conf_route_list */
        CF_RULES,               /* conf_rule_list */
        CF_TRACKS,              /* conf_track_list */
        CF_PEERS,               /* unicast_peer list */
        CF_STRLIST,             /* conf_strlist */
        CF_SCRIPT,              /* struct conf_script */
        CF_NOTIFY_PTR,          /* struct conf_notify * (NULL: none) */
        CF_NOTIFY,              /* struct conf_notify */
        CF_STRV,                /* const char ** with its count in the next unsigned (track_process params) */
        CF_BYTES,               /* uint8_t * with its unsigned length at .aux's offset */
        CF_CHECKERS,            /* a checker list, checker by checker (diff_kinds.c's table) */
        CF_URLS,                /* HTTP_GET / SSL_GET url list */
        CF_NONE,                /* not compared (positions, list links, parse-time flags) */
};

/* What a change to the field costs: CONF_DIFF_UPDATE or CONF_DIFF_RESTART;
 * CONF_DIFF_KEEP for a field that is not compared (CF_NONE). */
struct conf_field {
        const char *name;
        size_t offset;
        enum conf_field_type type;
        enum conf_diff_action effect;
        size_t aux;             /* CF_STRV / CF_BYTES: offset of the count */
};

#define CONF_FIELD(st, member, type, effect) { #member, offsetof(st, member), type, effect, 0 }
#define CONF_FIELD_N(st, member, count, type, effect) { #member, offsetof(st, member), type, effect, offsetof(st, count) }

struct conf_diff_kind {
        const char *kind;                       /* "vrrp_instance" */
        const struct conf_field *fields;
        size_t nfields;
        /* the object's name; buf (at least 64 bytes) for kinds whose name is derived */
        const char *(*name)(const void *obj, char *buf, size_t size);
        size_t next_offset;                     /* of the list link */
        /* a rule over several fields (the address owner), or NULL: it may
         * only make the verdict worse */
        enum conf_diff_action (*extra)(const void *old_obj, const void *new_obj);
};

struct conf_diff_entry {
        const char *name;       /* points into its model (or into names for derived names) */
        enum conf_diff_action action;
        const void *old_obj, *new_obj;  /* NULL for ADD / REMOVE respectively */
};

/* The verdict for two objects of the same name: KEEP, UPDATE or RESTART.
 * If ret_field is not NULL it receives the first field with the worst
 * effect (NULL when KEEP), for logs and tests. */
enum conf_diff_action conf_diff_classify(const struct conf_diff_kind *k, const void *old_obj, const void *new_obj,
                                         const struct conf_field **ret_field);

struct conf_diff {
        struct conf_diff_entry *e;
        size_t n;
        char (*names)[64];      /* derived names, one per entry */
};

/* old_first, new_first: the heads of two lists of k's objects. The result
 * lists the new list's objects in its order (KEEP / UPDATE / RESTART /
 * ADD), then the removed ones in the old order. Matching is by name, so
 * a rename is a REMOVE and an ADD, and order changes are no change.
 * Returns 0 or -ENOMEM. */
int conf_diff_named(const struct conf_diff_kind *k, const void *old_first, const void *new_first,
                    struct conf_diff *ret);
void conf_diff_free(struct conf_diff *d);
const char *conf_diff_action_name(enum conf_diff_action a); /* "keep" ... "remove" */
/* static_ipaddress, static_routes and static_rules: the same, in order? */
bool conf_diff_statics_equal(const struct conf *a, const struct conf *b);

/* The kinds of keepalived.conf. The LVS ones (virtual_server with its
 * real servers, real_server within a virtual server) are not applied by
 * anything yet: the check worker will. */
extern const struct conf_diff_kind conf_diff_vrrp_instance;
extern const struct conf_diff_kind conf_diff_sync_group;
extern const struct conf_diff_kind conf_diff_vrrp_script;
extern const struct conf_diff_kind conf_diff_track_file;
extern const struct conf_diff_kind conf_diff_track_process;
extern const struct conf_diff_kind conf_diff_virtual_server;
extern const struct conf_diff_kind conf_diff_real_server;
