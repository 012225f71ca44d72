/* The typed configuration model: what a keepalived.conf says, with every
 * default resolved. Built by conf_parse(); everything lives in conf->arena. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/arena.h"
#include "conf/diag.h"

/* Singly linked lists with a tail, so appending stays O(1) for the large
 * generated configs that ~SEQ makes possible. */
#define CONF_LIST(type) struct { type *first; type *last; unsigned count; }
#define CONF_LIST_APPEND(list, item)                  \
        do {                                          \
                (item)->next = NULL;                  \
                if ((list)->last)                     \
                        (list)->last->next = (item);  \
                else                                  \
                        (list)->first = (item);       \
                (list)->last = (item);                \
                (list)->count++;                      \
        } while (0)
#define CONF_FOREACH(var, list) for (var = (list)->first; var; var = var->next)

#define TIMER_UNSET INT64_MIN   /* microseconds field not given */

struct conf_strlist_item {
        const char *value;
        struct conf_pos pos;
        struct conf_strlist_item *next;
};
typedef CONF_LIST(struct conf_strlist_item) conf_strlist;

/* A script-type keyword: "CMD args" [USER [GROUP]]. */
struct conf_script {
        const char *cmdline;    /* the command word as written (quotes removed) */
        char **argv;            /* split with escapes; NULL-terminated */
        unsigned argc;
        const char *user;       /* NULL: script_user */
        const char *group;
        struct conf_pos pos;
};

/* ---- addresses, routes, rules ------------------------------------------ */

enum brd_kind { BRD_NONE, BRD_ADDR, BRD_SET_HOST_BITS, BRD_CLEAR_HOST_BITS };

struct conf_ipaddress {
        struct conf_ip addr;
        uint8_t prefixlen;
        enum brd_kind brd_kind;
        struct conf_ip brd;
        const char *dev;        /* resolved: explicit, else instance interface / default_interface */
        bool dev_explicit;
        int scope;              /* RT_SCOPE_*, 0 = universe (global) */
        const char *label;
        bool no_track;
        struct conf_pos pos;
        struct conf_ipaddress *next;
};
typedef CONF_LIST(struct conf_ipaddress) conf_ipaddress_list;

struct conf_route {
        bool has_src;
        struct conf_ip src;
        struct conf_ip dst;     /* family 0 with dst_default for default/any/all */
        bool dst_default;
        uint8_t dst_len;
        struct conf_ip via[8];  /* via/gw, then "or" alternatives */
        unsigned nvia;
        const char *dev;
        int scope;              /* -1 unset */
        uint32_t table;         /* 0 unset (main) */
        uint32_t metric;
        bool has_metric;
        int type;               /* RTN_* (RTN_UNICAST default) */
        int protocol;           /* -1 unset */
        bool no_track;
        struct conf_pos pos;
        struct conf_route *next;
};
typedef CONF_LIST(struct conf_route) conf_route_list;

struct conf_rule {
        int family;
        bool has_from, has_to;
        struct conf_ip from, to;
        uint8_t from_len, to_len;
        uint32_t table;
        uint32_t preference;
        bool has_preference;
        uint32_t fwmark, fwmask;
        bool has_fwmark;
        const char *iif, *oif;
        uint8_t tos;
        uint32_t goto_target;
        int action;             /* FR_ACT_*: to_tbl, goto, nop, blackhole, ... */
        uint32_t suppress_prefixlen;
        bool has_suppress_prefixlen;
        bool no_track;
        struct conf_pos pos;
        struct conf_rule *next;
};
typedef CONF_LIST(struct conf_rule) conf_rule_list;

/* ---- global_defs ---------------------------------------------------------- */

/* lvs_flush_on_stop: nothing (each destination and service removed one
 * by one), everything (no argument), or only the services of the
 * configuration, leaving their destinations to the kernel (VS). */
enum conf_flush_onstop { CONF_FLUSH_ONSTOP_NONE, CONF_FLUSH_ONSTOP_ALL, CONF_FLUSH_ONSTOP_VS };

struct conf_global {
        const char *router_id;
        conf_strlist notification_email;
        const char *notification_email_from;
        const char *smtp_server;
        uint16_t smtp_server_port;
        const char *smtp_helo_name;
        int64_t smtp_connect_timeout;   /* µs */
        int smtp_alert;                 /* -1 unset, 0, 1 */
        const char *script_user, *script_group;
        bool enable_script_security;
        bool set_supplementary_groups;  /* scripts get their user's other groups too */
        struct conf_ip vrrp_mcast_group4;
        struct conf_ip vrrp_mcast_group6;
        unsigned vrrp_version;
        bool vrrp_strict;
        bool vrrp_skip_check_adv_addr;
        bool vrrp_check_unicast_src;
        int64_t vrrp_garp_master_delay;  /* µs */
        bool vrrp_garp_master_delay_set;
        unsigned vrrp_garp_master_repeat;
        bool vrrp_garp_master_repeat_set;
        int64_t vrrp_garp_master_refresh;
        unsigned vrrp_garp_master_refresh_repeat;
        int64_t vrrp_garp_interval;
        int64_t vrrp_gna_interval;
        int64_t vrrp_garp_lower_prio_delay;   /* TIMER_UNSET: = master delay */
        int vrrp_garp_lower_prio_repeat;      /* -1: = master repeat */
        bool vrrp_min_garp;
        unsigned vrrp_down_timer_adverts;
        bool vrrp_lower_prio_no_advert;
        bool vrrp_higher_prio_send_advert;
        bool vrrp_lower_prio_takeover;        /* vigil's extension; default on */
        bool vrrp_owner_ignore_adverts;
        bool v3_checksum_as_v2;
        const char *default_interface;
        bool dynamic_interfaces;
        int64_t vrrp_startup_delay;
        bool log_unknown_vrids;
        const char *vmac_prefix;
        struct conf_script notify_fifo, vrrp_notify_fifo, lvs_notify_fifo; /* cmdline = FIFO path */
        struct conf_script notify_fifo_script, vrrp_notify_fifo_script, lvs_notify_fifo_script;
        bool vrrp_notify_priority_changes;
        bool lvs_flush;
        enum conf_flush_onstop lvs_flush_onstop;
        /* lvs_timeouts, seconds; 0 leaves the kernel's value as it is */
        uint32_t lvs_timeout_tcp, lvs_timeout_tcpfin, lvs_timeout_udp;
        bool lvs_timeouts_set;
        bool lvs_dry_run;               /* vigil extension: record IPVS changes, make none */
        /* lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N]
         * [group IP] (or an instance's deprecated lvs_sync_daemon_interface):
         * the kernel's connection-sync daemon, master while the instance is */
        struct conf_lvs_syncd {
                const char *ifname;     /* NULL: none */
                const char *instance;   /* the VRRP instance it follows */
                unsigned syncid;        /* with syncid_set; else the instance's VRID */
                bool syncid_set;
                unsigned maxlen, port, ttl; /* 0: the kernel's default (MTU, 8848, 1) */
                struct conf_ip group;   /* family 0: 224.0.0.81 */
                struct conf_pos pos;
        } lvs_syncd;
        /* vigil extensions: /proc/sys/net/ipv4/vs/expire_nodest_conn and
         * expire_quiescent_template, written when the check worker opens
         * IPVS (only those set) */
        bool lvs_expire_nodest_conn, lvs_expire_nodest_conn_set;
        bool lvs_expire_quiescent_template, lvs_expire_quiescent_template_set;
        int64_t lvs_drift_check;        /* vigil extension, us: re-read and repair the table; 0: off */
        int64_t lvs_drain_on_remove;    /* vigil extension, us: every VS's drain_on_remove default; 0: off */
        bool rs_init_notifies;          /* notify_up/down for each real server's first state */
        bool enable_traps;
        const char *metrics_listen;     /* vigil extension: Prometheus ADDR:PORT */
};

/* ---- VRRP ------------------------------------------------------------------ */

struct conf_vrrp_script {
        const char *name;
        struct conf_script script;
        bool has_script;
        int64_t interval;       /* µs */
        int64_t timeout;        /* µs; TIMER_UNSET = interval */
        int weight;
        bool weight_reverse;
        unsigned rise, fall;
        bool init_fail;
        const char *user, *group;
        struct conf_pos pos;
        struct conf_vrrp_script *next;
};

struct conf_track_file {
        const char *name;
        const char *file;
        int weight;
        bool weight_reverse;
        bool init_file;
        long init_value;
        bool init_overwrite;
        struct conf_pos pos;
        struct conf_track_file *next;
};

#define CONF_QUORUM_UNLIMITED (~0u)

struct conf_track_process {
        const char *name;
        const char *process;
        const char **params;
        unsigned nparams;
        int param_match;        /* -1 not given, 0 exact (bare keyword), 1 initial, 2 partial */
        int weight;
        bool weight_reverse;
        unsigned quorum, quorum_max;    /* quorum_max CONF_QUORUM_UNLIMITED when not given */
        int64_t delay, fork_delay, terminate_delay;     /* delay sets the other two where it stands */
        bool full_command;
        struct conf_pos pos;
        struct conf_track_process *next;
};

/* An entry of track_script/track_interface/track_file/track_process. */
struct conf_track {
        const char *name;
        int weight;
        bool weight_set;
        int reverse;            /* -1 inherit, 0 noreverse, 1 reverse */
        bool defined_later;     /* track_script before its vrrp_script: keepalived ignores it */
        struct conf_pos pos;
        struct conf_track *next;
};
typedef CONF_LIST(struct conf_track) conf_track_list;

struct conf_notify {
        struct conf_script master, backup, fault, stop, deleted, generic, master_rx_lower_pri;
        bool notify_deleted;     /* flag form */
};

struct conf_sync_group {
        const char *name;
        conf_strlist group;
        struct conf_notify notify;
        int smtp_alert;
        conf_track_list track_interface, track_script, track_file, track_process;
        bool sync_group_tracking_weight;
        int notify_priority_changes;
        struct conf_pos pos;
        struct conf_sync_group *next;
};

enum conf_state { STATE_UNSET, STATE_BACKUP, STATE_MASTER };
enum conf_auth { AUTH_NONE, AUTH_PASS, AUTH_AH };

struct conf_unicast_peer {
        struct conf_ip addr;
        int min_ttl, max_ttl;   /* -1 unset */
        struct conf_pos pos;
        struct conf_unicast_peer *next;
};

struct conf_vrrp_instance {
        const char *name;
        enum conf_state state;
        bool state_set;
        const char *interface;
        unsigned virtual_router_id;
        unsigned priority;
        bool priority_set;
        int64_t advert_int;     /* µs */
        unsigned version;
        bool version_set;
        int family;             /* AF_INET / AF_INET6, derived */
        bool nopreempt;
        int64_t preempt_delay;
        conf_ipaddress_list virtual_ipaddress;
        conf_ipaddress_list virtual_ipaddress_excluded;
        bool no_virtual_ipaddress;
        conf_route_list virtual_routes;
        conf_rule_list virtual_rules;
        bool promote_secondaries;
        int accept;             /* -1 unset, 0 no_accept, 1 accept */
        bool dont_track_primary;
        conf_track_list track_interface, track_script, track_file, track_process;
        struct conf_ip mcast_src_ip;
        struct conf_ip unicast_src_ip;
        CONF_LIST(struct conf_unicast_peer) unicast_peer;
        bool unicast_configured;
        int unicast_ttl;        /* -1 default */
        bool check_unicast_src;
        bool unicast_fault_no_peer;
        struct conf_ip mcast_dst_ip;
        bool track_src_ip;
        enum conf_auth auth_type;
        const char *auth_pass;  /* NULL: authentication disabled */
        /* NULL until a notify keyword: most instances have none, and the
         * seven scripts would be a third of each instance's memory */
        struct conf_notify *notify;
        int smtp_alert;
        int notify_priority_changes;
        int64_t garp_master_delay;
        unsigned garp_master_repeat;
        int64_t garp_master_refresh;
        unsigned garp_master_refresh_repeat;
        int64_t garp_lower_prio_delay;
        unsigned garp_lower_prio_repeat;
        unsigned down_timer_adverts;
        bool lower_prio_no_advert;
        bool higher_prio_send_advert;
        bool lower_prio_takeover;       /* vigil: Skew_Time after our master's lower advert */
        bool owner_ignore_adverts;
        bool strict_mode;
        int strict_mode_set;    /* -1 unset */
        bool skip_check_adv_addr;
        bool v3_checksum_as_v2;
        bool use_vmac;
        const char *vmac_name;
        bool vmac_xmit_base;
        unsigned debug;
        const char *lvs_sync_daemon_interface;
        const char *sync_group;  /* derived: the group this instance belongs to */
        /* explicit-setting flags for keywords whose default comes from global_defs */
        bool garp_master_delay_set, garp_master_repeat_set, garp_master_refresh_set,
                garp_master_refresh_repeat_set, garp_lower_prio_delay_set,
                garp_lower_prio_repeat_set, down_timer_adverts_set, lower_prio_no_advert_set,
                higher_prio_send_advert_set, lower_prio_takeover_set, owner_ignore_adverts_set, skip_check_adv_addr_set,
                v3_checksum_as_v2_set, nopreempt_set, preempt_delay_set;
        struct conf_pos pos;
        struct conf_pos state_pos, vrid_pos, priority_pos, nopreempt_pos, preempt_delay_pos, auth_pos,
                advert_int_pos, version_pos, accept_pos;
        struct conf_vrrp_instance *next;
};

/* ---- LVS ----------------------------------------------------------------- */

/* The tunnel options of a TUN forwarding method, with the kernel's values
 * (IP_VS_CONN_F_TUNNEL_TYPE_*, IP_VS_TUNNEL_ENCAP_FLAG_*; nocsum is 0). */
enum conf_tun_type { CONF_TUN_IPIP = 0, CONF_TUN_GUE = 1, CONF_TUN_GRE = 2 };
#define CONF_TUN_F_CSUM 0x1u
#define CONF_TUN_F_REMCSUM 0x2u
struct conf_tunnel {
        uint8_t type;           /* enum conf_tun_type */
        uint16_t port;          /* GUE only, host order */
        uint16_t flags;         /* CONF_TUN_F_* */
};

/* The kernel's scheduler flags (IP_VS_SVC_F_SCHED1..3): sh-fallback and
 * mh-fallback are flag-1, sh-port and mh-port flag-2. */
#define CONF_SCHED_F1 0x0008u
#define CONF_SCHED_F2 0x0010u
#define CONF_SCHED_F3 0x0020u

enum conf_checker_type {
        CHECK_TCP, CHECK_HTTP, CHECK_SSL, CHECK_SMTP, CHECK_MISC, CHECK_DNS, CHECK_UDP,
        CHECK_PING, CHECK_FILE,
};

struct conf_url {
        const char *path;
        const char *digest;     /* lowercase hex: 32 (MD5, keepalived's) or 64 (SHA-256, vigil's) */
        struct { uint16_t lo, hi; } status[16];
        unsigned nstatus;       /* 0: the default 200-299 */
        const char *virtualhost;
        /* regex: a PCRE2 pattern the body must match (regex_no_match: must
         * not), with PCRE2_* compile options (regex_options), where the
         * match may start in the body (regex_min_offset; regex_max_offset,
         * 0: anywhere) and the JIT stack's sizes (regex_stack, 0: PCRE2's). */
        const char *regex;
        bool regex_no_match;
        uint32_t regex_options;
        uint64_t regex_min_offset, regex_max_offset;
        uint32_t regex_stack_start, regex_stack_max;
        bool tls_compliant;
        struct conf_pos pos;
        struct conf_url *next;
};

struct conf_checker {
        enum conf_checker_type type;
        struct conf_ip connect_ip;
        uint16_t connect_port;
        struct conf_ip bindto;
        uint16_t bind_port;
        const char *bind_if;
        int64_t connect_timeout;   /* µs, TIMER_UNSET inherit */
        uint32_t fwmark;
        int64_t retry;             /* -1 inherit */
        int64_t delay_before_retry;
        int64_t delay_loop;
        int64_t warmup;
        int alpha;                 /* -1 inherit */
        bool log_all_failures;
        /* HTTP_GET / SSL_GET */
        CONF_LIST(struct conf_url) url;
        const char *virtualhost;
        const char *http_protocol;
        bool fast_recovery;
        bool enable_sni;
        const char *sni_name;
        bool tls_compliant;
        bool tls_verify;        /* vigil extension: verify the server's certificate against SSL ca */
        bool tls_session_reuse; /* vigil extension: resume TLS sessions between probes */
        bool decode_chunked;    /* vigil extension: digest a chunked body without its framing */
        /* SMTP_CHECK */
        const char *helo_name;
        CONF_LIST(struct conf_checker) hosts;  /* deprecated host { } blocks */
        /* MISC_CHECK */
        struct conf_script misc_path;
        bool has_misc_path;
        int64_t misc_timeout;
        bool misc_dynamic;
        const char *user, *group;
        /* DNS_CHECK */
        const char *dns_type;
        const char *dns_name;
        /* UDP_CHECK */
        uint8_t *payload;
        unsigned payload_len;
        bool require_reply;
        uint8_t *reply;
        uint8_t *reply_mask;       /* per reply byte, the bits an X nibble leaves out */
        unsigned reply_len;
        unsigned min_reply_length, max_reply_length;
        /* FILE_CHECK */
        const char *track_file;
        int file_weight;
        bool file_weight_set;
        bool file_reverse;
        struct conf_pos pos;
        struct conf_checker *next;
};

struct conf_real_server {
        struct conf_ip addr;
        uint16_t port;
        int64_t weight;
        bool weight_set;
        int inhibit_on_failure;    /* -1 inherit */
        struct conf_script notify_up, notify_down;
        int64_t retry, delay_before_retry, warmup, connect_timeout, delay_loop;
        int alpha;
        int smtp_alert;
        const char *virtualhost;
        const char *lvs_method;    /* NULL: the virtual server's lb_kind (validation fills it) */
        struct conf_tunnel tun;    /* with lvs_method TUN */
        uint32_t uthreshold, lthreshold;
        CONF_LIST(struct conf_checker) checkers;
        struct conf_pos pos;
        struct conf_real_server *next;
};

struct conf_vsg_entry {
        enum { VSG_ADDR, VSG_RANGE, VSG_FWMARK } kind;
        struct conf_ip addr;
        struct conf_ip range_end;  /* VSG_RANGE */
        uint16_t port;
        uint32_t fwmark;
        int fwmark_family;
        struct conf_pos pos;
        struct conf_vsg_entry *next;
};

struct conf_vsg {
        const char *name;
        CONF_LIST(struct conf_vsg_entry) entries;
        struct conf_pos pos;
        struct conf_vsg *next;
};

enum conf_vs_kind { VS_ADDR, VS_FWMARK, VS_GROUP };

struct conf_virtual_server {
        enum conf_vs_kind kind;
        struct conf_ip addr;
        uint16_t port;
        uint32_t fwmark;
        const char *group;
        const char *lb_algo;
        const char *lb_kind;       /* NAT, DR, TUN */
        const char *protocol;      /* TCP, UDP, SCTP */
        struct conf_tunnel lb_tun;      /* with lb_kind TUN */
        uint32_t sched_flags;           /* CONF_SCHED_F* */
        bool lb_algo_set, lb_kind_set, protocol_set;
        uint32_t persistence_timeout;
        const char *persistence_granularity;
        const char *persistence_engine;
        bool ops;
        int64_t delay_loop, connect_timeout, delay_before_retry, warmup;
        int64_t retry;
        bool inhibit_on_failure;
        bool alpha, omega;
        uint32_t quorum;
        uint32_t hysteresis;
        struct conf_script quorum_up, quorum_down;
        bool has_sorry_server;
        struct conf_ip sorry_server;
        uint16_t sorry_server_port;
        bool sorry_server_inhibit;
        const char *sorry_server_lvs_method;    /* NULL: lb_kind (validation fills it) */
        struct conf_tunnel sorry_tun;
        bool ha_suspend;
        const char *virtualhost;
        int smtp_alert;
        int64_t weight;
        const char *ip_family;
        int64_t drain_on_remove;        /* vigil extension, us: a removed RS drains first; TIMER_UNSET: global's */
        CONF_LIST(struct conf_real_server) real_servers;
        struct conf_pos pos;
        struct conf_virtual_server *next;
};

struct conf_ssl {
        const char *password, *ca, *certificate, *key;
        bool present;
};

/* ---- the whole configuration ---------------------------------------------- */

struct conf {
        struct arena arena;
        struct conf_global global;
        CONF_LIST(struct conf_vrrp_script) vrrp_scripts;
        CONF_LIST(struct conf_track_file) track_files;
        CONF_LIST(struct conf_track_process) track_processes;
        CONF_LIST(struct conf_sync_group) sync_groups;
        CONF_LIST(struct conf_vrrp_instance) instances;
        conf_ipaddress_list static_ipaddress;
        conf_route_list static_routes;
        conf_rule_list static_rules;
        CONF_LIST(struct conf_vsg) vs_groups;
        CONF_LIST(struct conf_virtual_server) virtual_servers;
        struct conf_ssl ssl;
        bool have_vrrp;         /* a vrrp worker is needed */
        bool have_check;        /* a check worker is needed */
};

struct conf_parse_opts {
        const struct conf_fs *fs;
        const char *config_id;
        const char *(*getenv_fn)(const char *name);
        unsigned random_seed;
        bool all_config;
        const char *hostname;   /* default router_id and config id */
        const char *username;   /* default notification_email_from user */
        size_t max_lines;       /* limit on generated lines; 0 = the lexer's default */
        /* no copy of each source line for diagnostics' carets: a worker
         * parses what the supervisor validated and shows no caret, and at
         * 1,000 instances the copies are the whole file kept for good */
        bool no_source_lines;
        /* called once every file has been read, without an error so far:
         * what a recording fs has of them is complete (a reload hands it to
         * the workers to parse while the rest of the validation goes on) */
        void (*lexed)(void *ctx);
        void *lexed_ctx;
};

/* Parse path (and its includes) into a new configuration. Diagnostics are
 * appended to diags. Returns NULL only when nothing could be read; a
 * configuration with errors is still returned, for --dump-config and for
 * reporting, and must not be run if diag_exit_code() != 0. */
struct conf *conf_parse(const struct conf_parse_opts *opts, const char *path, struct diag_list *diags);
void conf_free(struct conf *c);

struct conf_vrrp_script *conf_find_vrrp_script(const struct conf *c, const char *name);
struct conf_track_file *conf_find_track_file(const struct conf *c, const char *name);
struct conf_track_process *conf_find_track_process(const struct conf *c, const char *name);
struct conf_vrrp_instance *conf_find_instance(const struct conf *c, const char *name);
/* vi's notify scripts; an empty set when it has none. */
const struct conf_notify *conf_instance_notify(const struct conf_vrrp_instance *vi);
/* The VMAC interface's name: vmac_name, else vrrp.VRID (vrrp6.VRID for IPv6). */
void conf_vmac_name(const struct conf_vrrp_instance *vi, char *buf, size_t size);
/* The keyword of a checker type: "TCP_CHECK", "HTTP_GET", ... */
const char *conf_checker_name(enum conf_checker_type t);
struct conf_sync_group *conf_find_sync_group(const struct conf *c, const char *name);

/* Defaults applied when an object is created. */
void conf_global_defaults(struct conf_global *g);
void conf_instance_defaults(struct conf_vrrp_instance *vi);
