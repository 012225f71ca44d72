/* vigild: command line, config test, and the start of the supervisor or,
 * when the supervisor runs us again as its worker, of the VRRP engine. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/signals.h"
#include "conf/diag.h"
#include "conf/dump.h"
#include "conf/model.h"
#include "daemon/configtest.h"
#include "daemon/load.h"
#include "daemon/pidfile.h"
#include "daemon/snapfd.h"
#include "daemon/supervisor.h"
#include "daemon/version.h"
#include "vigil-config.h"
#include "check/engine.h"
#include "daemon/check_ipvs.h"
#include "vrrp/engine.h"


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

static int parse_args(int argc, char **argv, struct options *o)
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

/* What -t says after the counts: whether a start would run. */
static const char *verdict_text(const struct conf *c, const struct diag_list *d, int rc)
{
        if (rc == 0)
                return " - configuration is valid";
        if (c && !diag_blocks_start(d) && diag_has_class(d, DIAG_ERROR, DIAG_SCRIPT))
                return " - the daemon would start with the scripts named above disabled, as keepalived's does";
        if (c && !diag_blocks_start(d))
                return " - the daemon would start and run the scripts as root, as keepalived's does";
        return " - the daemon would not start";
}

static int config_test(const struct options *o)
{
        struct diag_list diags;
        struct conf *c;
        FILE *out = stderr;
        int rc;

        diag_list_init(&diags);
        c = load_checked(&o->lo, &diags, NULL);
        if (o->test_output) {
                out = fopen(o->test_output, "w");
                if (!out) {
                        perror(o->test_output);
                        out = stderr;
                }
        }
        diag_print_all(out, &diags);
        rc = c ? diag_exit_code(&diags) : EXIT_CONFIG_CANNOT_RUN;
        fprintf(out, "%s: %zu error%s, %zu warning%s%s\n", o->lo.config_file, diag_count(&diags, DIAG_ERROR),
                diag_count(&diags, DIAG_ERROR) == 1 ? "" : "s", diag_count(&diags, DIAG_WARNING),
                diag_count(&diags, DIAG_WARNING) == 1 ? "" : "s", verdict_text(c, &diags, rc));
        if (out != stderr)
                fclose(out);
        conf_free(c);
        diag_list_free(&diags);
        return rc;
}

static int dump_config(const struct options *o)
{
        struct diag_list diags;
        char host[256], *json;
        struct conf *c;

        diag_list_init(&diags);
        c = load_parse(&o->lo, &diags, host, sizeof(host), NULL);
        diag_print_all(stderr, &diags);
        if (!c) {
                diag_list_free(&diags);
                return EXIT_CONFIG_CANNOT_RUN;
        }
        json = conf_dump_json(c);
        if (json)
                printf("%s\n", json);
        free(json);
        conf_free(c);
        diag_list_free(&diags);
        return json ? 0 : 1;
}

/* Take the pid files' locks before anything of a running daemon could be
 * touched: 1 when another vigild holds one (said as keepalived says it),
 * else 0 (a file we cannot open or lock is a warning, as it always was). */
static int lock_pid_files(const char *const *paths, struct pidfile *const *pf, int n)
{
        for (int i = 0; i < n; i++) {
                int r = pidfile_lock(paths[i], pf[i]);
                if (r == -EWOULDBLOCK) {
                        log_info("daemon is already running (%s is locked by another vigild)", paths[i]);
                        while (i-- > 0)
                                pidfile_release(pf[i]);
                        return 1;
                }
                if (r < 0)
                        log_warn("cannot lock pid file %s: %s; a second vigild would not be detected", paths[i],
                                 strerror(-r));
        }
        return 0;
}

static void write_pid(const struct pidfile *pf)
{
        int r = pf->fd >= 0 ? pidfile_write(pf, getpid()) : 0;

        if (r < 0)
                log_warn("cannot write pid file %s: %s", pf->path, strerror(-r));
}

/* -d: the resolved configuration, one log line per JSON line. */
static void log_config(const struct conf *c)
{
        char *json = conf_dump_json(c);

        for (char *line = json ? strtok(json, "\n") : NULL; line; line = strtok(NULL, "\n"))
                log_info("%s", line);
        free(json);
}

/* The health checker: IPVS as the command line or lvs_dry_run says; a
 * worker the supervisor restarted (VIGIL_WORKER_RESTARTS > 0) adopts the
 * table its predecessor left and never flushes it. */
static int run_check_worker(const struct options *o, struct conf *c)
{
        static const struct check_conf_loader loader = { load_reload_conf, NULL };
        const char *restarts = getenv(VIGIL_WORKER_RESTARTS_ENV);
        struct check_run_opts co = { .dry_run = o->dry_run || c->global.lvs_dry_run,
                                     .restarted = restarts && atoi(restarts) > 0, .ipvs = check_ipvs_backend() };

        return check_engine_run(c, VIGIL_WORKER_FD, &loader, &co);
}

/* A worker: run by the supervisor with the channel on fd 3 and the
 * validated configuration on fd 4; VIGIL_WORKER says which kind. */
static int run_worker(const struct options *o)
{
        static const struct vrrp_conf_loader loader = { load_reload_conf, NULL };
        const char *sup = getenv(VIGIL_SUPERVISOR_PID_ENV);
        bool check = !strcmp(getenv(VIGIL_WORKER_ENV), "check");
        struct conf *c;
        int rc = 0;

        log_open(check ? "vigild_checker" : "vigild_vrrp", o->log_console, false);
        log_set_debug(o->log_detail);
        /* die with the supervisor; and if it is already gone, do not start */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        /* protocol deadlines are absolute timerfd expiries: do not let the
         * kernel's default 50 us slack add to every failover */
        prctl(PR_SET_TIMERSLACK, 1UL);
        if (sup && getppid() != (pid_t)atoi(sup))
                return 1;
        c = load_snapshot(VIGIL_SNAPSHOT_FD, &rc);
        close(VIGIL_SNAPSHOT_FD);
        if (!c)
                return rc;
        /* the supervisor holds the lock on the worker's pid file and writes our pid in it */
        if (check)
                return run_check_worker(o, c);
        return vrrp_engine_run(c, VIGIL_WORKER_FD, &loader);
}

static int run(const struct options *o, char **argv)
{
        const char *pid_file = o->pid_file ? o->pid_file : "/run/vigild.pid";
        const char *vrrp_pid_file = o->vrrp_pid_file ? o->vrrp_pid_file : "/run/vigild_vrrp.pid";
        const char *check_pid_file = o->checkers_pid_file ? o->checkers_pid_file : "/run/vigild_checkers.pid";
        struct pidfile main_pf = { .fd = -1 }, vrrp_pf = { .fd = -1 }, check_pf = { .fd = -1 };
        const char *paths[3] = { pid_file, vrrp_pid_file, check_pid_file };
        struct pidfile *pfs[3] = { &main_pf, &vrrp_pf, &check_pf };
        struct supervisor_opts so = { .argv = argv, .config_file = o->lo.config_file, .pid_file = pid_file,
                                      .control_path = o->control_path, .validate = load_validate_for_reload,
                                      .validate_ctx = &o->lo, .dont_respawn = o->dont_respawn,
                                      .vrrp_only = o->vrrp_only, .check_only = o->check_only, .dry_run = o->dry_run,
                                      .vrrp_pid = &vrrp_pf, .check_pid = &check_pf };
        struct conf_snapshot *snap = NULL;
        struct conf *c;
        int rc = 0, fd;

        log_open("vigild", o->log_console, false);
        log_set_debug(o->log_detail);
        /* keepalived looks for a running daemon before it reads the file, and
         * exits 0 when it finds one: no warning of the file, whatever is in it */
        if (lock_pid_files(paths, pfs, 3))
                return 0;
        c = load_for_run(&o->lo, &rc, &snap);
        if (c) {
                fd = load_snapshot_fd(snap); /* frees snap */
                snap = NULL;
                if (fd < 0) {
                        conf_free(c);
                        c = NULL;
                        rc = 1;
                }
        }
        if (!c) {
                conf_snapshot_free(snap);
                pidfile_release(&check_pf);
                pidfile_release(&vrrp_pf);
                pidfile_release(&main_pf);
                return rc;
        }
        if (!o->dont_fork && daemon(0, 0) < 0) {
                log_err("cannot daemonise: %s", strerror(errno));
                conf_free(c);
                close(fd);
                pidfile_release(&check_pf);
                pidfile_release(&vrrp_pf);
                pidfile_release(&main_pf);
                return 1;
        }
        write_pid(&main_pf);
        log_info("Starting vigild %s", VIGIL_VERSION);
        if (o->dump_conf_to_log)
                log_config(c);
        rc = supervisor_run(&so, c, fd);
        /* only the files this process locked, hence created, are removed */
        pidfile_release(&check_pf);
        pidfile_release(&vrrp_pf);
        pidfile_release(&main_pf);
        log_info("Stopped vigild %s", VIGIL_VERSION);
        return rc;
}

int main(int argc, char **argv)
{
        struct options o = {0};

        /* A fixed threshold: glibc would otherwise raise it to the size of
         * the first large block freed (a parse's scratch lines), and the
         * next reload's scratch would then stay in the heap for good. */
        mallopt(M_MMAP_THRESHOLD, 256 * 1024);
        if (parse_args(argc, argv, &o) < 0)
                return 1;
        if (o.config_test)
                return config_test(&o);
        if (o.dump_config)
                return dump_config(&o);
        if (getenv(VIGIL_WORKER_ENV))
                return run_worker(&o);
        return run(&o, argv);
}
