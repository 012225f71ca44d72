/* The fake script runner's record (tests/fakes/script.c). */
#pragma once

#include <stdbool.h>

#include "worker/script.h"

#define FAKE_MAX_RUNS 16

struct fake_run {
        char cmdline[256];      /* argv[0] and the extra arguments, space-separated */
        spawn_done_fn done;
        void *ctx;
};

extern struct fake_run fake_runs[FAKE_MAX_RUNS];
extern unsigned fake_nruns, fake_nfinished;

/* End the oldest run still going. */
void fake_script_finish(int exit_status, bool timed_out);
void fake_script_reset(void);
