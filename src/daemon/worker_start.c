/* The start of a worker process (daemon/worker_start.h). */
#include "daemon/worker_start.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/load.h"
#include "daemon/snapfd.h"
#include "daemon/supervisor.h"

struct conf *worker_start(const char *ident, const struct options *o, int *ret_rc)
{
        const char *sup = getenv(VIGIL_SUPERVISOR_PID_ENV);
        struct conf *c;

        *ret_rc = 0;
        log_open(ident, o->log_console, false);
        log_set_debug(o->log_detail);
        /* die with the supervisor; and if it is already gone, do not start */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        /* protocol deadlines are absolute timerfd expiries: do not let the
         * kernel's default 50 us slack add to every failover */
        prctl(PR_SET_TIMERSLACK, 1UL);
        if (sup && getppid() != (pid_t)atoi(sup)) {
                *ret_rc = 1;
                return NULL;
        }
        c = load_snapshot(VIGIL_SNAPSHOT_FD, ret_rc);
        close(VIGIL_SNAPSHOT_FD);
        /* the supervisor holds the lock on the worker's pid file and writes our pid in it */
        return c;
}
