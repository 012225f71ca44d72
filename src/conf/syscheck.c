#include "conf/syscheck.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/pathsec.h"
#include "conf/fs_posix.h"

/* One rule for -t, a start and a reload: the verdicts keepalived 2.2.7
 * gives (doc/config-test.md). Every fact about the machine comes through
 * the conf_sys_* edge, so the rules are unit-tested on an in-memory one. */
struct syscheck {
        const struct conf *conf;
        struct diag_list *diags;
        unsigned root_scripts, insecure_root_scripts;
        struct conf_pos first_root_script;
};

static void check_interface(struct syscheck *s, const char *ifname, const struct conf_pos *pos, const char *what)
{
        if (!ifname || conf_sys_interface_exists(ifname))
                return;
        if (s->conf->global.dynamic_interfaces)
                diag_add(s->diags, DIAG_WARNING, DIAG_SYSTEM, pos,
                         "%s interface '%s' does not exist on this machine; dynamic_interfaces: %s", what, ifname,
                         strcmp(what, "static_ipaddress") ? "it stays in FAULT until the interface appears"
                                                          : "the address is added when the interface appears");
        else
                diag_add(s->diags, DIAG_ERROR, DIAG_SYSTEM, pos,
                         "%s interface '%s' does not exist on this machine (Non-existent interface specified in "
                         "configuration; set dynamic_interfaces in global_defs to wait for it)", what, ifname);
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

/* The rule is common/pathsec.c's, shared with the check a worker makes
 * before every run; the facts come through the conf_sys_* edge. */
static int sys_stat(const char *path, struct path_info *ret)
{
        struct conf_file_info st;
        int r = conf_sys_stat(path, &st);

        if (r == 0)
                *ret = (struct path_info){ .uid = st.uid, .gid = st.gid, .mode = st.mode };
        return r;
}

bool conf_path_is_secure(const char *path, char *why, size_t size)
{
        char buf[PATH_MAX];

        if (conf_sys_realpath(path, buf, sizeof(buf)) < 0)
                return true; /* missing: reported separately */
        return path_tree_is_secure(buf, sys_stat, why, size);
}

/* A bare command through PATH, as execvp would find it. */
static bool find_in_path(const char *cmd, char *ret, size_t size)
{
        const char *path = getenv("PATH");

        if (!path)
                path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        while (*path) {
                size_t n = strcspn(path, ":");
                snprintf(ret, size, "%.*s/%s", (int)n, path, cmd);
                if (conf_sys_executable(ret))
                        return true;
                path += n + (path[n] == ':');
        }
        return false;
}

/* The user a script runs as, as keepalived picks it; NULL when there is
 * none it may use (the script is then disabled). */
static const char *script_user(const struct conf *c, const struct conf_script *sc, const char *user,
                               enum conf_script_verdict *ret)
{
        if (!user)
                user = sc->user ? sc->user : c->global.script_user;
        if (user) {
                *ret = conf_sys_user_exists(user) ? CONF_SCRIPT_OK : CONF_SCRIPT_NO_USER;
                return user;
        }
        if (conf_sys_user_exists("keepalived_script"))
                return "keepalived_script";
        /* with script security keepalived will not fall back to root */
        *ret = c->global.enable_script_security ? CONF_SCRIPT_NO_DEFAULT_USER : CONF_SCRIPT_OK;
        return "root";
}

enum conf_script_verdict conf_script_check(const struct conf *c, const struct conf_script *sc, const char *user,
                                           struct conf_script_info *ret)
{
        enum conf_script_verdict v = CONF_SCRIPT_OK;
        const char *cmd = sc->argv[0];
        char path[PATH_MAX];

        memset(ret, 0, sizeof(*ret));
        ret->user = script_user(c, sc, user, &v);
        ret->as_root = !strcmp(ret->user, "root");
        if (v != CONF_SCRIPT_OK || cmd[0] == '<')
                return v;
        if (!strchr(cmd, '/')) {
                if (!find_in_path(cmd, path, sizeof(path)))
                        return CONF_SCRIPT_MISSING;
        } else if (conf_sys_realpath(cmd, path, sizeof(path)) < 0) {
                return CONF_SCRIPT_MISSING;
        }
        if (ret->as_root && !conf_path_is_secure(path, ret->why, sizeof(ret->why)))
                ret->insecure = true;
        if (ret->insecure && c->global.enable_script_security)
                return CONF_SCRIPT_INSECURE;
        if (!conf_sys_executable(path))
                return CONF_SCRIPT_NOT_EXECUTABLE;
        return CONF_SCRIPT_OK;
}

const char *conf_script_verdict_str(enum conf_script_verdict v)
{
        switch (v) {
        case CONF_SCRIPT_OK: return "runs";
        case CONF_SCRIPT_MISSING: return "not found/accessible";
        case CONF_SCRIPT_NOT_EXECUTABLE: return "not executable";
        case CONF_SCRIPT_NO_USER: return "its user does not exist";
        case CONF_SCRIPT_NO_DEFAULT_USER:
                return "enable_script_security is set but there is no keepalived_script user and no script_user";
        case CONF_SCRIPT_INSECURE: return "insecure";
        }
        return "?";
}

/* tracked: a vrrp_script or MISC_CHECK, which keepalived's -t fails (5)
 * when it disables them; a notify script only fails it for want of a user. */
static void check_script(struct syscheck *s, const struct conf_script *sc, const char *user, const char *what,
                         bool tracked)
{
        struct conf_script_info info;
        enum conf_script_verdict v;

        if (!sc->cmdline || !sc->argc)
                return;
        v = conf_script_check(s->conf, sc, user, &info);
        if (v == CONF_SCRIPT_OK || v == CONF_SCRIPT_NOT_EXECUTABLE) {
                if (info.as_root && !s->root_scripts++)
                        s->first_root_script = sc->pos;
                s->insecure_root_scripts += info.insecure;
        }
        if (v == CONF_SCRIPT_OK)
                return;
        if (v == CONF_SCRIPT_NOT_EXECUTABLE)
                diag_add(s->diags, DIAG_WARNING, DIAG_SYSTEM, &sc->pos, "%s: '%s' is not executable; it will not run",
                         what, sc->argv[0]);
        else if (v == CONF_SCRIPT_INSECURE)
                diag_add(s->diags, tracked ? DIAG_ERROR : DIAG_WARNING, DIAG_SCRIPT, &sc->pos,
                         "%s: SECURITY VIOLATION - '%s' runs as root but %s; the script is disabled (insecure)", what,
                         sc->argv[0], info.why);
        else if (v == CONF_SCRIPT_NO_USER)
                diag_add(s->diags, tracked ? DIAG_ERROR : DIAG_WARNING, DIAG_SCRIPT, &sc->pos,
                         "%s: user '%s' does not exist; the script is disabled (quote a command with arguments)", what,
                         info.user);
        else
                diag_add(s->diags, tracked || v == CONF_SCRIPT_NO_DEFAULT_USER ? DIAG_ERROR : DIAG_WARNING,
                         DIAG_SCRIPT, &sc->pos, "%s: '%s': %s; the script is disabled", what, sc->argv[0],
                         conf_script_verdict_str(v));
}

static void check_notify(struct syscheck *s, const struct conf_notify *n, const char *owner)
{
        char what[128];

        snprintf(what, sizeof(what), "%s notify", owner);
        check_script(s, &n->master, NULL, what, false);
        check_script(s, &n->backup, NULL, what, false);
        check_script(s, &n->fault, NULL, what, false);
        check_script(s, &n->stop, NULL, what, false);
        check_script(s, &n->generic, NULL, what, false);
        check_script(s, &n->deleted, NULL, what, false);
        check_script(s, &n->master_rx_lower_pri, NULL, what, false);
}

static void check_lvs_scripts(struct syscheck *s)
{
        struct conf_virtual_server *v;
        struct conf_real_server *rs;
        struct conf_checker *ck;

        CONF_FOREACH(v, &s->conf->virtual_servers) {
                check_script(s, &v->quorum_up, NULL, "quorum_up", false);
                check_script(s, &v->quorum_down, NULL, "quorum_down", false);
                CONF_FOREACH(rs, &v->real_servers) {
                        check_script(s, &rs->notify_up, NULL, "notify_up", false);
                        check_script(s, &rs->notify_down, NULL, "notify_down", false);
                        CONF_FOREACH(ck, &rs->checkers)
                                if (ck->type == CHECK_MISC)
                                        check_script(s, &ck->misc_path, ck->user, "MISC_CHECK", true);
                }
        }
}

static void check_scripts(struct syscheck *s)
{
        struct conf_vrrp_script *vs;
        struct conf_vrrp_instance *vi;
        struct conf_sync_group *g;
        char what[128];

        CONF_FOREACH(vs, &s->conf->vrrp_scripts) {
                snprintf(what, sizeof(what), "vrrp_script %s", vs->name);
                check_script(s, &vs->script, vs->user, what, true);
        }
        CONF_FOREACH(vi, &s->conf->instances)
                check_notify(s, conf_instance_notify(vi), vi->name);
        CONF_FOREACH(g, &s->conf->sync_groups)
                check_notify(s, &g->notify, g->name);
        check_lvs_scripts(s);
        /* keepalived's -t exits 6 for this; its start runs the scripts as root */
        if (s->root_scripts && !s->conf->global.enable_script_security)
                diag_add(s->diags, DIAG_ERROR, DIAG_SECURITY, &s->first_root_script,
                         "SECURITY VIOLATION - scripts are being executed but script_security not enabled.%s "
                         "(%u script%s will run as root; they still run)",
                         s->insecure_root_scripts ? " There are insecure scripts." : "", s->root_scripts,
                         s->root_scripts == 1 ? "" : "s");
}

void conf_check_system(const struct conf *c, struct diag_list *diags)
{
        struct syscheck s = { .conf = c, .diags = diags };

        check_interfaces(&s);
        check_scripts(&s);
}
