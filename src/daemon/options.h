/* vigild's command line (keepalived's). The supervisor starts each worker
 * with its own argv, so the VRRP worker (vigild again) and vigil-checker
 * parse it too, with this same code. */
#pragma once

#include <stdbool.h>

#include "daemon/load.h"

struct options {
        struct load_opts lo;            /* -f, -i, -e */
        const char *test_output;
        bool config_test;
        bool dump_config;
        bool dont_fork;
        bool log_console;
        bool log_detail;
        bool vrrp_only;
        bool check_only;
        const char *pid_file;
        const char *vrrp_pid_file;
        const char *checkers_pid_file;
        const char *control_path;
        bool dump_conf_to_log;
        bool dont_respawn;
        /* --dry-run: the check worker records its IPVS changes and makes
         * none (as lvs_dry_run in global_defs). The workers get it as the
         * supervisor's argv, which they are started with. */
        bool dry_run;
};

/* Parse argv into o (zeroed by the caller), with the defaults filled in;
 * -v, -h and --signum print and exit. -1 on a usage error, said on stderr. */
int options_parse(int argc, char **argv, struct options *o);
