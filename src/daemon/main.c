/* vigild: config test, and the start of the supervisor or, when the
 * supervisor runs us again as its worker, of the VRRP engine. */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
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
#include "daemon/options.h"
#include "daemon/pidfile.h"
#include "daemon/snapfd.h"
#include "daemon/supervisor.h"
#include "daemon/version.h"
#include "daemon/worker_start.h"
#include "vigil-config.h"
#include "vrrp/engine.h"

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

/* The VRRP worker: run by the supervisor with the channel on fd 3 and the
 * validated configuration on fd 4. The health checker is another
 * executable (vigil-checker), so this one carries none of its code. */
static int run_worker(const struct options *o)
{
        static const struct vrrp_conf_loader loader = { load_reload_conf, NULL };
        struct conf *c;
        int rc = 0;

        if (strcmp(getenv(VIGIL_WORKER_ENV), "vrrp")) {
                fprintf(stderr, "vigild: %s=%s: vigild runs only the VRRP worker; the health checker is vigil-checker\n",
                        VIGIL_WORKER_ENV, getenv(VIGIL_WORKER_ENV));
                return 1;
        }
        c = worker_start("vigild_vrrp", o, &rc);
        if (!c)
                return rc;
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
        if (options_parse(argc, argv, &o) < 0)
                return 1;
        if (o.config_test)
                return config_test(&o);
        if (o.dump_config)
                return dump_config(&o);
        if (getenv(VIGIL_WORKER_ENV))
                return run_worker(&o);
        return run(&o, argv);
}
