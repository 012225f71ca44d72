/* vigil-checker: the LVS health checker. vigild's supervisor starts it as
 * its check worker, with vigild's argv, the channel on fd 3 and the
 * validated configuration on fd 4. It is an executable of its own so that
 * the supervisor and the VRRP worker do not map the probes' code (HTTP,
 * TLS, SMTP, DNS...): at 1,000 VRRP instances that code was a fifth of
 * each process's RSS outside the heap. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "check/engine.h"
#include "daemon/check_ipvs.h"
#include "daemon/load.h"
#include "daemon/options.h"
#include "daemon/supervisor.h"
#include "daemon/worker_start.h"

/* IPVS as the command line or lvs_dry_run says; a worker the supervisor
 * restarted (VIGIL_WORKER_RESTARTS > 0) adopts the table its predecessor
 * left and never flushes it. */
static int run_check_worker(const struct options *o, struct conf *c)
{
        static const struct check_conf_loader loader = { load_reload_conf, NULL };
        const char *restarts = getenv(VIGIL_WORKER_RESTARTS_ENV);
        struct check_run_opts co = { .dry_run = o->dry_run || c->global.lvs_dry_run,
                                     .restarted = restarts && atoi(restarts) > 0, .ipvs = check_ipvs_backend() };

        return check_engine_run(c, VIGIL_WORKER_FD, &loader, &co);
}

int main(int argc, char **argv)
{
        const char *kind = getenv(VIGIL_WORKER_ENV);
        struct options o = {0};
        struct conf *c;
        int rc = 0;

        /* as vigild's (daemon/main.c): a reload's scratch is not kept */
        mallopt(M_MMAP_THRESHOLD, 256 * 1024);
        if (!kind || strcmp(kind, "check")) {
                fprintf(stderr, "vigil-checker is vigild's health checker: vigild starts it (run vigild)\n");
                return 1;
        }
        /* exec'd through /proc/self/fd/N, the kernel named us N */
        prctl(PR_SET_NAME, "vigil-checker");
        if (options_parse(argc, argv, &o) < 0)
                return 1;
        c = worker_start("vigild_checker", &o, &rc);
        if (!c)
                return rc;
        return run_check_worker(&o, c);
}
