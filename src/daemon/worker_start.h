/* What a worker does before its engine runs, the same in vigild's VRRP
 * worker and in vigil-checker: its log, dying with the supervisor, and the
 * configuration the supervisor validated (the snapshot on fd 4). */
#pragma once

#include "conf/model.h"
#include "daemon/options.h"

/* ident names the log (vigild_vrrp, vigild_checker). NULL, with *ret_rc
 * the exit code, when the supervisor is already gone or the snapshot does
 * not parse. */
struct conf *worker_start(const char *ident, const struct options *o, int *ret_rc);
