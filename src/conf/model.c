/* conf_parse(): read, parse and validate into a new configuration. */
#include "conf/model.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "conf/lexer.h"
#include "conf/parser.h"
#include "conf/validate.h"

#define SEC 1000000LL

void conf_global_defaults(struct conf_global *g)
{
        memset(g, 0, sizeof(*g));
        g->smtp_server_port = 25;
        g->smtp_connect_timeout = 30 * SEC;
        g->smtp_alert = -1;
        g->vrrp_mcast_group4.family = AF_INET;
        inet_pton(AF_INET, "224.0.0.18", &g->vrrp_mcast_group4.u.v4);
        g->vrrp_mcast_group6.family = AF_INET6;
        inet_pton(AF_INET6, "ff02::12", &g->vrrp_mcast_group6.u.v6);
        g->vrrp_version = 2;
        g->vrrp_garp_master_delay = 5 * SEC;
        g->vrrp_garp_master_repeat = 5;
        g->vrrp_garp_master_refresh_repeat = 1;
        g->vrrp_garp_lower_prio_delay = TIMER_UNSET;
        g->vrrp_garp_lower_prio_repeat = -1;
        g->vrrp_down_timer_adverts = 3;
        g->vrrp_lower_prio_takeover = true;
        g->default_interface = "eth0";
        g->vmac_prefix = "vrrp";
}

void conf_instance_defaults(struct conf_vrrp_instance *vi)
{
        memset(vi, 0, sizeof(*vi));
        vi->priority = 100;
        vi->advert_int = SEC;
        vi->accept = -1;
        vi->unicast_ttl = -1;
        vi->smtp_alert = -1;
        vi->notify_priority_changes = -1;
        vi->strict_mode_set = -1;
        vi->down_timer_adverts = 3;
}

#define FIND(type, list, key)                                   \
        do {                                                    \
                for (type *it = (list)->first; it; it = it->next) \
                        if (!strcmp(it->name, key))             \
                                return it;                      \
                return NULL;                                    \
        } while (0)

struct conf_vrrp_script *conf_find_vrrp_script(const struct conf *c, const char *name)
{
        FIND(struct conf_vrrp_script, &c->vrrp_scripts, name);
}

struct conf_track_file *conf_find_track_file(const struct conf *c, const char *name)
{
        FIND(struct conf_track_file, &c->track_files, name);
}

struct conf_track_process *conf_find_track_process(const struct conf *c, const char *name)
{
        FIND(struct conf_track_process, &c->track_processes, name);
}

struct conf_vrrp_instance *conf_find_instance(const struct conf *c, const char *name)
{
        FIND(struct conf_vrrp_instance, &c->instances, name);
}

struct conf_sync_group *conf_find_sync_group(const struct conf *c, const char *name)
{
        FIND(struct conf_sync_group, &c->sync_groups, name);
}

const struct conf_notify *conf_instance_notify(const struct conf_vrrp_instance *vi)
{
        static const struct conf_notify none;

        return vi->notify ? vi->notify : &none;
}

void conf_vmac_name(const struct conf_vrrp_instance *vi, char *buf, size_t size)
{
        if (vi->vmac_name)
                snprintf(buf, size, "%s", vi->vmac_name);
        else
                snprintf(buf, size, "vrrp%s.%u", vi->family == AF_INET6 ? "6" : "", vi->virtual_router_id);
}

struct conf *conf_parse(const struct conf_parse_opts *opts, const char *path, struct diag_list *diags)
{
        struct conf *c = calloc(1, sizeof(*c));
        struct conf_lines lines;
        struct conf_lex_opts lo = {
                .fs = opts->fs,
                .config_id = opts->config_id,
                .getenv_fn = opts->getenv_fn,
                .random_seed = opts->random_seed,
                .all_config = opts->all_config,
                .max_lines = opts->max_lines,
                .no_source_lines = opts->no_source_lines,
        };
        struct parser p = { .conf = c, .diags = diags, .lines = &lines };

        if (!c)
                return NULL;
        arena_init(&c->arena);
        conf_global_defaults(&c->global);
        if (conf_lex(&c->arena, &lo, path, &lines, diags) < 0) {
                conf_lines_free(&lines);
                conf_free(c);
                return NULL;
        }
        if (opts->lexed && !diag_blocks_start(diags))
                opts->lexed(opts->lexed_ctx);
        parser_run(&p);
        conf_validate(c, opts, diags);
        conf_lines_free(&lines);
        return c;
}

void conf_free(struct conf *c)
{
        if (!c)
                return;
        arena_free(&c->arena);
        free(c);
}

const char *conf_checker_name(enum conf_checker_type t)
{
        static const char *const names[] = { "TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "MISC_CHECK",
                                             "DNS_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK" };

        return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "checker";
}
