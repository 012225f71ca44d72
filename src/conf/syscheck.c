#include "conf/syscheck.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct syscheck {
        const struct conf *conf;
        bool startup;
        struct diag_list *diags;
        unsigned root_scripts;
        struct conf_pos first_root_script;
};

static void check_interface(struct syscheck *s, const char *ifname, const struct conf_pos *pos, const char *what)
{
        if (!ifname || s->conf->global.dynamic_interfaces || if_nametoindex(ifname))
                return;
        diag_add(s->diags, s->startup ? DIAG_ERROR : DIAG_WARNING, DIAG_SYSTEM, pos,
                 "%s interface '%s' does not exist on this machine", what, ifname);
}

static void check_interfaces(struct syscheck *s)
{
        struct conf_vrrp_instance *vi;
        struct conf_ipaddress *a;
        struct conf_track *t;

        CONF_FOREACH(vi, &s->conf->instances) {
                check_interface(s, vi->interface, &vi->pos, "vrrp_instance");
                CONF_FOREACH(a, &vi->virtual_ipaddress)
                        if (a->dev_explicit)
                                check_interface(s, a->dev, &a->pos, "virtual_ipaddress");
                CONF_FOREACH(t, &vi->track_interface)
                        check_interface(s, t->name, &t->pos, "track_interface");
        }
        CONF_FOREACH(a, &s->conf->static_ipaddress)
                check_interface(s, a->dev ? a->dev : s->conf->global.default_interface, &a->pos, "static_ipaddress");
}

bool conf_path_is_secure(const char *path, char *why, size_t size)
{
        char buf[PATH_MAX];
        struct stat st;

        if (!realpath(path, buf))
                return true; /* missing: reported separately */
        for (;;) {
                if (stat(buf, &st) < 0)
                        return true;
                if (st.st_uid != 0 || (st.st_mode & S_IWOTH) || ((st.st_mode & S_IWGRP) && st.st_gid != 0)) {
                        snprintf(why, size, "%s is writable by a non-root user", buf);
                        return false;
                }
                char *slash = strrchr(buf, '/');
                if (!slash || slash == buf)
                        break;
                *slash = '\0';
        }
        return true;
}

static bool find_in_path(const char *cmd)
{
        const char *path = getenv("PATH");
        char buf[PATH_MAX];

        if (!path)
                path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        while (*path) {
                size_t n = strcspn(path, ":");
                snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, cmd);
                if (access(buf, X_OK) == 0)
                        return true;
                path += n + (path[n] == ':');
        }
        return false;
}

static void check_script(struct syscheck *s, const struct conf_script *sc, const char *user, const char *what)
{
        const char *cmd;
        char why[PATH_MAX + 64];

        if (!sc->cmdline || !sc->argc)
                return;
        cmd = sc->argv[0];
        if (!user)
                user = sc->user ? sc->user : s->conf->global.script_user;
        if (user && !getpwnam(user)) {
                diag_add(s->diags, DIAG_WARNING, DIAG_SYSTEM, &sc->pos,
                         "%s: user '%s' does not exist; the script will not run (quote a command with arguments)", what,
                         user);
                return;
        }
        if (cmd[0] == '<')
                return;
        if (strchr(cmd, '/') ? access(cmd, X_OK) != 0 : !find_in_path(cmd)) {
                diag_add(s->diags, DIAG_WARNING, DIAG_SYSTEM, &sc->pos, "%s: '%s' %s; it will not run", what, cmd,
                         strchr(cmd, '/') && access(cmd, F_OK) == 0 ? "is not executable" : "does not exist");
                return;
        }
        if (user && strcmp(user, "root"))
                return;
        if (!s->root_scripts++)
                s->first_root_script = sc->pos;
        if (s->conf->global.enable_script_security && strchr(cmd, '/') && !conf_path_is_secure(cmd, why, sizeof(why)))
                diag_add(s->diags, DIAG_ERROR, DIAG_SECURITY, &sc->pos,
                         "%s: SECURITY VIOLATION - '%s' runs as root but %s; refusing to run it", what, cmd, why);
}

static void check_notify(struct syscheck *s, const struct conf_notify *n, const char *owner)
{
        char what[128];

        snprintf(what, sizeof(what), "%s notify", owner);
        check_script(s, &n->master, NULL, what);
        check_script(s, &n->backup, NULL, what);
        check_script(s, &n->fault, NULL, what);
        check_script(s, &n->stop, NULL, what);
        check_script(s, &n->generic, NULL, what);
        check_script(s, &n->deleted, NULL, what);
        check_script(s, &n->master_rx_lower_pri, NULL, what);
}

static void check_scripts(struct syscheck *s)
{
        struct conf_vrrp_script *vs;
        struct conf_vrrp_instance *vi;
        struct conf_sync_group *g;
        struct conf_virtual_server *v;
        struct conf_real_server *rs;
        struct conf_checker *ck;
        char what[128];

        CONF_FOREACH(vs, &s->conf->vrrp_scripts) {
                snprintf(what, sizeof(what), "vrrp_script %s", vs->name);
                check_script(s, &vs->script, vs->user, what);
        }
        CONF_FOREACH(vi, &s->conf->instances)
                check_notify(s, conf_instance_notify(vi), vi->name);
        CONF_FOREACH(g, &s->conf->sync_groups)
                check_notify(s, &g->notify, g->name);
        CONF_FOREACH(v, &s->conf->virtual_servers) {
                check_script(s, &v->quorum_up, NULL, "quorum_up");
                check_script(s, &v->quorum_down, NULL, "quorum_down");
                CONF_FOREACH(rs, &v->real_servers) {
                        check_script(s, &rs->notify_up, NULL, "notify_up");
                        check_script(s, &rs->notify_down, NULL, "notify_down");
                        CONF_FOREACH(ck, &rs->checkers)
                                if (ck->type == CHECK_MISC)
                                        check_script(s, &ck->misc_path, ck->user, "MISC_CHECK");
                }
        }
        if (s->root_scripts && !s->conf->global.enable_script_security)
                diag_add(s->diags, DIAG_WARNING, DIAG_SYSTEM, &s->first_root_script,
                         "%u script%s will run as root and enable_script_security is not set: scripts writable by "
                         "other users could take over this machine", s->root_scripts, s->root_scripts == 1 ? "" : "s");
}

void conf_check_system(const struct conf *c, bool startup, struct diag_list *diags)
{
        struct syscheck s = { .conf = c, .startup = startup, .diags = diags };

        check_interfaces(&s);
        check_scripts(&s);
}
