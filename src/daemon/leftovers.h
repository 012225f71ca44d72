/* What a VRRP worker may leave on the host if it dies without cleaning up:
 * its virtual addresses and its VMAC interfaces. The supervisor keeps this
 * much of the configuration instead of the configuration itself, so that its
 * memory does not grow with the size of the file. */
#pragma once

#include "conf/model.h"

struct leftovers;

struct leftovers *leftovers_of(const struct conf *c);
/* Delete them all (netlink); what is already gone is not an error. */
void leftovers_remove(const struct leftovers *l);
void leftovers_free(struct leftovers *l);
