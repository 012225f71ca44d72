/* Fake script runner (replaces worker/script.c's script_cmd_run and
 * common/spawn.c's spawn_succeeded): a run is recorded with its arguments
 * and ends only when the test says so (fake_script_finish), so the order
 * the notify queue starts scripts in is observable without processes. */
#include <stdio.h>
#include <string.h>

#include "fake_script.h"

struct fake_run fake_runs[FAKE_MAX_RUNS];
unsigned fake_nruns, fake_nfinished;

int script_cmd_run(uv_loop_t *loop, const struct script_cmd *sc, const char *const *extra, int64_t timeout_ms,
                   spawn_done_fn done, void *ctx)
{
        struct fake_run *r;
        size_t off = 0;

        (void)loop, (void)timeout_ms;
        if (fake_nruns == FAKE_MAX_RUNS)
                return -1;
        r = &fake_runs[fake_nruns++];
        r->done = done;
        r->ctx = ctx;
        off += (size_t)snprintf(r->cmdline, sizeof(r->cmdline), "%s", sc->argv[0]);
        for (unsigned i = 0; extra && extra[i] && off < sizeof(r->cmdline); i++)
                off += (size_t)snprintf(r->cmdline + off, sizeof(r->cmdline) - off, " %s", extra[i]);
        return 0;
}

bool spawn_succeeded(const struct spawn_result *r)
{
        return r->started && !r->timed_out && r->term_signal == 0 && r->exit_status == 0;
}

void fake_script_finish(int exit_status, bool timed_out)
{
        struct spawn_result res = { .started = true, .exit_status = exit_status, .timed_out = timed_out };
        struct fake_run *r = &fake_runs[fake_nfinished++];

        r->done(r->ctx, &res);
}

void fake_script_reset(void)
{
        memset(fake_runs, 0, sizeof(fake_runs));
        fake_nruns = fake_nfinished = 0;
}
