/* What this build parses but does not act on yet, said at config-test time
 * and at start-up, so nothing is silently ignored. */
#pragma once

#include "conf/diag.h"
#include "conf/model.h"

void conf_report_engine_limits(const struct conf *c, struct diag_list *d);
