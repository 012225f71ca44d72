/* Checks of a configuration against this machine: interfaces that exist,
 * scripts that can run, script security. Under -t a missing interface is a
 * warning; at start-up it is an error. */
#pragma once

#include <stdbool.h>

#include "conf/diag.h"
#include "conf/model.h"

void conf_check_system(const struct conf *c, bool startup, struct diag_list *diags);
