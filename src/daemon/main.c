/* vigild: command line. For now the configuration front end: config test
 * and --dump-config; the VRRP engine and the supervisor plug in here. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/diag.h"
#include "conf/dump.h"
#include "conf/fs_posix.h"
#include "conf/model.h"
#include "conf/syscheck.h"
#include "daemon/configtest.h"
#include "vigil-config.h"

#define EXIT_CONFIG_CANNOT_RUN 4

struct options {
        const char *config_file;
        const char *config_id;
        const char *test_output;
        bool config_test;
        bool dump_config;
        bool all_config;
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
                "  -v, --version             print the version and exit\n"
                "  -h, --help                this help\n\n"
                "config-test exit codes: 0 valid, 4 cannot run, 5 errors, 6 script security.\n");
}

static const char *default_config(void)
{
        if (access("/etc/vigil/vigil.conf", F_OK) == 0)
                return "/etc/vigil/vigil.conf";
        return "/etc/keepalived/keepalived.conf";
}

static int parse_args(int argc, char **argv, struct options *o)
{
        enum { OPT_DUMP = 1000 };
        static const struct option longopts[] = {
                { "use-file", required_argument, NULL, 'f' },
                { "config-test", optional_argument, NULL, 't' },
                { "dump-config", no_argument, NULL, OPT_DUMP },
                { "config-id", required_argument, NULL, 'i' },
                { "all-config", no_argument, NULL, 'e' },
                { "version", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { NULL, 0, NULL, 0 },
        };
        int c;

        while ((c = getopt_long(argc, argv, "f:t::i:evh", longopts, NULL)) != -1) {
                switch (c) {
                case 'f': o->config_file = optarg; break;
                case 't':
                        o->config_test = true;
                        o->test_output = optarg;
                        break;
                case OPT_DUMP: o->dump_config = true; break;
                case 'i': o->config_id = optarg; break;
                case 'e': o->all_config = true; break;
                case 'v':
                        printf("vigild %s\n", VIGIL_VERSION);
                        exit(0);
                case 'h':
                        usage(stdout);
                        exit(0);
                default:
                        usage(stderr);
                        return -1;
                }
        }
        if (optind < argc)
                fprintf(stderr, "vigild: unexpected argument(s) ignored: %s%s\n", argv[optind],
                        optind + 1 < argc ? " ..." : "");
        if (!o->config_file)
                o->config_file = default_config();
        return 0;
}

static const char *getenv_wrapper(const char *name)
{
        return getenv(name);
}

static struct conf *load(const struct options *o, struct diag_list *diags, char *host, size_t hostsize)
{
        struct passwd *pw = getpwuid(getuid());
        char id[256];
        struct conf_parse_opts po = {
                .fs = &conf_fs_posix,
                .getenv_fn = getenv_wrapper,
                .random_seed = (unsigned)time(NULL),
                .all_config = o->all_config,
                .username = pw ? pw->pw_name : "root",
        };

        if (gethostname(host, hostsize) < 0)
                snprintf(host, hostsize, "localhost");
        host[hostsize - 1] = '\0';
        snprintf(id, sizeof(id), "%.*s", (int)strcspn(host, "."), host);
        po.hostname = host;
        po.config_id = o->config_id ? o->config_id : id;
        return conf_parse(&po, o->config_file, diags);
}

static int config_test(const struct options *o)
{
        struct diag_list diags;
        char host[256];
        struct conf *c;
        FILE *out = stderr;
        int rc;

        diag_list_init(&diags);
        c = load(o, &diags, host, sizeof(host));
        if (c)
                conf_check_system(c, false, &diags);
        if (o->test_output) {
                out = fopen(o->test_output, "w");
                if (!out) {
                        perror(o->test_output);
                        out = stderr;
                }
        }
        diag_print_all(out, &diags);
        rc = c ? diag_exit_code(&diags) : EXIT_CONFIG_CANNOT_RUN;
        fprintf(out, "%s: %zu error%s, %zu warning%s%s\n", o->config_file, diag_count(&diags, DIAG_ERROR),
                diag_count(&diags, DIAG_ERROR) == 1 ? "" : "s", diag_count(&diags, DIAG_WARNING),
                diag_count(&diags, DIAG_WARNING) == 1 ? "" : "s", rc == 0 ? " - configuration is valid" : "");
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
        c = load(o, &diags, host, sizeof(host));
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

int main(int argc, char **argv)
{
        struct options o = {0};

        if (parse_args(argc, argv, &o) < 0)
                return 1;
        if (o.config_test)
                return config_test(&o);
        if (o.dump_config)
                return dump_config(&o);
        fprintf(stderr, "vigild %s: this build has the configuration front end only (-t, --dump-config);\n"
                        "the VRRP engine is not in it yet, so there is nothing to run.\n",
                VIGIL_VERSION);
        return 1;
}
