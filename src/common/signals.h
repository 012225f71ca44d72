/* Every signal number vigil gives a meaning to, in one place: the
 * supervisor forwards the dump signals to the workers, the VRRP worker acts
 * on them and `vigild --signum` prints them, so they must agree. The real-time
 * ones are numbered as keepalived numbers them (reference §3.3), so scripts
 * written for keepalived (`kill -s $(keepalived --signum=JSON)`) still work. */
#pragma once

#include <signal.h>

#define VIGIL_SIG_STOP SIGTERM
#define VIGIL_SIG_RELOAD SIGHUP
#define VIGIL_SIG_DATA SIGUSR1          /* write the data dump file */
#define VIGIL_SIG_STATS SIGUSR2         /* write the stats dump file */
#define VIGIL_SIG_JSON (SIGRTMIN + 2)   /* write the JSON dump file */
#define VIGIL_SIG_STATS_CLEAR (SIGRTMAX - 1) /* write the stats, then zero them */

/* The dump signals, as the supervisor forwards them to the workers. */
#define VIGIL_DUMP_SIGNALS { VIGIL_SIG_DATA, VIGIL_SIG_STATS, VIGIL_SIG_JSON, VIGIL_SIG_STATS_CLEAR }
