/* Checks of a configuration against this machine: interfaces that exist,
 * scripts that can run, script security. Under -t a missing interface is a
 * warning; at start-up it is an error. */
#pragma once

#include <stdbool.h>

#include "conf/diag.h"
#include "conf/model.h"

void conf_check_system(const struct conf *c, bool startup, struct diag_list *diags);

/* A path is safe to run as root if root owns it and nobody else can write
 * it, nor any directory above it; otherwise why says which part is not. A
 * missing path counts as safe (it is reported as missing elsewhere). */
bool conf_path_is_secure(const char *path, char *why, size_t size);
