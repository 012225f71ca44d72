/* Checks of a configuration against this machine: interfaces that exist,
 * scripts that can run, script security. One rule for vigild -t, a start
 * and a reload (doc/config-test.md): a missing interface is an error unless
 * dynamic_interfaces is set; a script that cannot or must not run is
 * disabled, as keepalived disables it, and the rest runs. */
#pragma once

#include <limits.h>
#include <stdbool.h>

#include "conf/diag.h"
#include "conf/model.h"

void conf_check_system(const struct conf *c, struct diag_list *diags);

/* What keepalived's start does with one script. */
enum conf_script_verdict {
        CONF_SCRIPT_OK,
        CONF_SCRIPT_MISSING,         /* disabled: not found/accessible */
        CONF_SCRIPT_NOT_EXECUTABLE,  /* kept, but it cannot run */
        CONF_SCRIPT_NO_USER,         /* disabled: its user does not exist */
        CONF_SCRIPT_NO_DEFAULT_USER, /* disabled: script security, no keepalived_script, no script_user */
        CONF_SCRIPT_INSECURE,        /* disabled: script security, root, writable by others */
};

struct conf_script_info {
        const char *user;     /* the user it runs as ("root" for the daemon's own) */
        bool as_root;
        bool insecure;        /* as root and writable by others (checked with or without script security) */
        char why[PATH_MAX + 64];
};

/* user overrides the script's own (a vrrp_script's or MISC_CHECK's user). */
enum conf_script_verdict conf_script_check(const struct conf *c, const struct conf_script *sc, const char *user,
                                           struct conf_script_info *ret);
const char *conf_script_verdict_str(enum conf_script_verdict v);

/* A path is safe to run as root if root owns it and nobody else can write
 * it, nor any directory above it, except a directory with the sticky bit;
 * symlinks are resolved first. Otherwise why says which part is not. A
 * missing path counts as safe (it is reported as missing elsewhere). */
bool conf_path_is_secure(const char *path, char *why, size_t size);
