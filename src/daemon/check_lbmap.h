/* The check worker's table (check/table.h) in lb/'s terms (lb/ipvs_model.h)
 * and back. check/ and lb/ are sibling layers that do not see each other;
 * the daemon, above both, joins them. Pure: field by field, no I/O. */
#pragma once

#include "check/table.h"
#include "lb/ipvs_model.h"

void check_lb_service_of(const struct check_svc *s, struct lb_service *ret);
void check_lb_dest_of(const struct check_dest *d, struct lb_dest *ret);
/* One change of a change set; the deletions carry the keys only. */
void check_lb_change_of(const struct check_op *op, struct lb_change *ret);

/* From a dump back to the table's structs: what the diff compares the
 * wanted table against, so a service the kernel holds as it was asked for
 * compares equal. */
void check_svc_of_lb(const struct lb_service *s, struct check_svc *ret);
void check_dest_of_lb(const struct lb_dest *d, struct check_dest *ret);
