/* Placeholder until this probe type lands (issue 15): reports a checker
 * error, which never counts against the server. */
#include "check/probe_internal.h"

static void smtp_start(struct check_probe_run *r)
{
        probe_report_later(r, CHECK_ERROR);
}

static void smtp_stop(struct check_probe_run *r)
{
        (void)r;
}

const struct probe_ops probe_smtp_ops = { smtp_start, smtp_stop };
