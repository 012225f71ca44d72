/* Completion and cross-object validation of a parsed configuration: derived
 * defaults, small named validators, and the strict-mode rewrites. */
#pragma once

#include "conf/diag.h"
#include "conf/model.h"

void conf_validate(struct conf *c, const struct conf_parse_opts *opts, struct diag_list *diags);

/* Pieces, exposed for the unit tests. */
void validate_instance_defaults(struct conf *c, struct conf_vrrp_instance *vi, struct diag_list *d);
void validate_track_refs(struct conf *c, struct diag_list *d);
void validate_sync_groups(struct conf *c, struct diag_list *d);
void validate_vrid_unique(struct conf *c, struct diag_list *d);
void validate_vrrp_scripts(struct conf *c, struct diag_list *d);
void validate_strict(struct conf *c, struct conf_vrrp_instance *vi, struct diag_list *d);
void validate_lvs(struct conf *c, struct diag_list *d);
/* lvs_sync_daemon: its instance exists (else it is cleared, as keepalived
 * does), the sync id defaults to the instance's VRID. */
void validate_lvs_syncd(struct conf *c, struct diag_list *d);
