/* Printing diagnostics as FILE:LINE:COL: severity: message, then the source
 * line and a caret under the column. */
#pragma once

#include <stdio.h>

#include "conf/diag.h"

void diag_print_one(FILE *f, const struct diag *d);
void diag_print_all(FILE *f, const struct diag_list *l);
