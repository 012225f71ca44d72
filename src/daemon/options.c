/* vigild's command line: keepalived's options, the ones it accepts but
 * does not act on (said so), and vigil's own. */
#include "daemon/options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "common/log.h"
#include "common/signals.h"
#include "daemon/version.h"

/* keepalived options that change nothing here: accepted, and said so. */
static const struct {
        int opt;
        const char *what;
} ignored_opts[] = {
        { 'x', "-x/--snmp: SNMP is not supported by vigil (use metrics_listen in global_defs for monitoring)" },
        { 'A', "-A/--snmp-agent-socket: SNMP is not supported by vigil" },
        { 'B', "-B/--no_bfd: vigil has no BFD process" },
        { 'a', "-a/--address-monitoring is not supported; ignored" },
        { 'g', "-g/--log-file is not supported (vigil logs to syslog, or stderr with -l); ignored" },
        { 'G', "-G/--no-syslog is not supported (use -l for the console only); ignored" },
        { 'V', "-V/--dont-release-vrrp is not supported: vigil always removes its addresses at exit" },
        { 'X', "-X/--release-vips is not supported; ignored" },
        { 'm', "-m/--core-dump is not supported; ignored (use systemd's LimitCORE)" },
        { 'M', "-M/--core-dump-pattern is not supported; ignored" },
        { 'u', "-u/--umask is not supported; ignored" },
        { 's', "-s/--namespace is not supported: start vigild inside the namespace (ip netns exec)" },
};

static void usage(FILE *f)
{
        fprintf(f,
                "Usage: vigild [OPTION...]\n"
                "A keepalived-compatible high-availability daemon.\n\n"
                "  -f, --use-file=FILE       configuration file (default /etc/vigil/vigil.conf,\n"
                "                            else /etc/keepalived/keepalived.conf)\n"
                "  -t, --config-test[=FILE]  check the configuration and exit; diagnostics go to\n"
                "                            stderr, or to FILE\n"
                "      --dump-config         print the resolved configuration as JSON and exit\n"
                "  -i, --config-id=ID        id for @ID conditional lines (default: short host name)\n"
                "  -e, --all-config          missing or unreadable included files are errors\n"
                "  -n, --dont-fork           stay in the foreground\n"
                "  -l, --log-console         log to the console (stderr) instead of syslog\n"
                "  -D, --log-detail          log every dropped packet and more detail\n"
                "  -P, --vrrp                run VRRP only\n"
                "  -C, --check               run the health checker (LVS) only\n"
                "  -p, --pid=FILE            main pid file (default /run/vigild.pid)\n"
                "  -r, --vrrp_pid=FILE       VRRP pid file (default /run/vigild_vrrp.pid)\n"
                "  -c, --checkers_pid=FILE   health checker pid file (default /run/vigild_checkers.pid)\n"
                "      --control-socket=PATH vigilctl's socket (default /run/vigil/vigil.sock)\n"
                "  -S, --log-facility=FAC    syslog facility: 0-7 (local0-7), local0-7, user or daemon\n"
                "  -d, --dump-conf           log the resolved configuration at start\n"
                "  -R, --dont-respawn        exit instead of restarting a dead VRRP worker\n"
                "      --all                 run every worker the configuration needs (the default)\n"
                "      --dry-run             log and record each IPVS change instead of making it\n"
                "      --signum=NAME         print the signal number for STOP, RELOAD, DATA, STATS,\n"
                "                            STATS_CLEAR or JSON, and exit\n"
                "  -v, --version             print the version, libraries and features, and exit\n"
                "  -h, --help                this help\n\n"
                "config-test exit codes: 0 valid, 4 file unreadable, 5 errors, 6 scripts run as root\n"
                "without enable_script_security; the last line says whether the daemon would start.\n");
}

static const char *default_config(void)
{
        if (access("/etc/vigil/vigil.conf", F_OK) == 0)
                return "/etc/vigil/vigil.conf";
        return "/etc/keepalived/keepalived.conf";
}

static int print_signum(const char *name)
{
        static const struct {
                const char *name;
                int sig;
        } sigs[] = { { "STOP", VIGIL_SIG_STOP }, { "RELOAD", VIGIL_SIG_RELOAD }, { "DATA", VIGIL_SIG_DATA },
                     { "STATS", VIGIL_SIG_STATS } };

        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
                if (!strcmp(name, sigs[i].name)) {
                        printf("%d\n", sigs[i].sig);
                        return 0;
                }
        if (!strcmp(name, "STATS_CLEAR")) {
                printf("%d\n", VIGIL_SIG_STATS_CLEAR);
                return 0;
        }
        if (!strcmp(name, "JSON")) {
                printf("%d\n", VIGIL_SIG_JSON);
                return 0;
        }
        fprintf(stderr, "vigild: --signum: unknown name '%s' (STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON)%s\n",
                name, !strcmp(name, "TDUMP") ? "; TDUMP is a keepalived debug build feature" : "");
        return 1;
}

static bool set_facility(const char *s)
{
        static const int locals[8] = { LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
                                       LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7 };

        if (s[0] >= '0' && s[0] <= '7' && !s[1])
                log_set_facility(locals[s[0] - '0']);
        else if (!strncmp(s, "local", 5) && s[5] >= '0' && s[5] <= '7' && !s[6])
                log_set_facility(locals[s[5] - '0']);
        else if (!strcmp(s, "user"))
                log_set_facility(LOG_USER);
        else if (!strcmp(s, "daemon"))
                log_set_facility(LOG_DAEMON);
        else {
                fprintf(stderr, "vigild: -S: unknown facility '%s' (0-7, local0-7, user, daemon)\n", s);
                return false;
        }
        return true;
}

enum { OPT_DUMP = 1000, OPT_CONTROL, OPT_SIGNUM, OPT_ALL, OPT_DRY_RUN };
static const struct option longopts[] = {
        { "use-file", required_argument, NULL, 'f' },
        { "config-test", optional_argument, NULL, 't' },
        { "dump-config", no_argument, NULL, OPT_DUMP },
        { "config-id", required_argument, NULL, 'i' },
        { "all-config", no_argument, NULL, 'e' },
        { "dont-fork", no_argument, NULL, 'n' },
        { "log-console", no_argument, NULL, 'l' },
        { "log-detail", no_argument, NULL, 'D' },
        { "vrrp", no_argument, NULL, 'P' },
        { "check", no_argument, NULL, 'C' },
        { "pid", required_argument, NULL, 'p' },
        { "vrrp_pid", required_argument, NULL, 'r' },
        { "checkers_pid", required_argument, NULL, 'c' },
        { "control-socket", required_argument, NULL, OPT_CONTROL },
        { "signum", required_argument, NULL, OPT_SIGNUM },
        { "log-facility", required_argument, NULL, 'S' },
        { "dump-conf", no_argument, NULL, 'd' },
        { "dont-respawn", no_argument, NULL, 'R' },
        { "snmp", no_argument, NULL, 'x' },
        { "snmp-agent-socket", required_argument, NULL, 'A' },
        { "no_bfd", no_argument, NULL, 'B' },
        { "all", no_argument, NULL, OPT_ALL },
        { "dry-run", no_argument, NULL, OPT_DRY_RUN },
        { "address-monitoring", no_argument, NULL, 'a' },
        { "log-file", optional_argument, NULL, 'g' },
        { "no-syslog", no_argument, NULL, 'G' },
        { "dont-release-vrrp", no_argument, NULL, 'V' },
        { "release-vips", no_argument, NULL, 'X' },
        { "core-dump", no_argument, NULL, 'm' },
        { "core-dump-pattern", optional_argument, NULL, 'M' },
        { "umask", required_argument, NULL, 'u' },
        { "namespace", required_argument, NULL, 's' },
        { "version", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};
/* A keepalived option we accept but do not act on: say so; true if c is one. */
static bool say_if_ignored(int c)
{
        for (size_t k = 0; k < sizeof(ignored_opts) / sizeof(ignored_opts[0]); k++)
                if (c == ignored_opts[k].opt) {
                        fprintf(stderr, "vigild: %s\n", ignored_opts[k].what);
                        return true;
                }
        return false;
}

/* One option; -1 on a usage error. */
static int apply_option(struct options *o, int c, char *arg)
{
        switch (c) {
        case OPT_ALL: break; /* every worker the config needs starts anyway */
        case OPT_SIGNUM: exit(print_signum(arg));
        case 'S': return set_facility(arg) ? 0 : -1;
        case 'd': o->dump_conf_to_log = true; break;
        case 'R': o->dont_respawn = true; break;
        case OPT_DRY_RUN: o->dry_run = true; break;
        case 'f': o->lo.config_file = arg; break;
        case 't':
                o->config_test = true;
                o->test_output = arg;
                break;
        case OPT_DUMP: o->dump_config = true; break;
        case OPT_CONTROL: o->control_path = arg; break;
        case 'i': o->lo.config_id = arg; break;
        case 'e': o->lo.all_config = true; break;
        case 'n': o->dont_fork = true; break;
        case 'l': o->log_console = true; break;
        case 'D': o->log_detail = true; break;
        case 'P': o->vrrp_only = true; break;
        case 'C': o->check_only = true; break;
        case 'p': o->pid_file = arg; break;
        case 'r': o->vrrp_pid_file = arg; break;
        case 'c': o->checkers_pid_file = arg; break;
        case 'v':
                vigil_print_version(stdout);
                exit(0);
        case 'h':
                usage(stdout);
                exit(0);
        default:
                usage(stderr);
                return -1;
        }
        return 0;
}

int options_parse(int argc, char **argv, struct options *o)
{
        int c;

        while ((c = getopt_long(argc, argv, "f:t::i:evhnlDPCp:r:c:S:dRxA:BagGVXmM::u:s:", longopts, NULL)) != -1)
                if (!say_if_ignored(c) && apply_option(o, c, optarg) < 0)
                        return -1;
        if (optind < argc)
                fprintf(stderr, "vigild: unexpected argument(s) ignored: %s%s\n", argv[optind],
                        optind + 1 < argc ? " ..." : "");
        if (!o->lo.config_file)
                o->lo.config_file = default_config();
        if (!o->control_path)
                o->control_path = "/run/vigil/vigil.sock";
        return 0;
}
