/* vigild -v. */
#pragma once

#include <stdio.h>

void vigil_print_version(FILE *f);
