/* Sync group decisions (reference §5.4), pure: from the members' states to
 * what the group does. The glue (vrrp/group.c) applies them. */
#pragma once

#include <stdbool.h>

#include "vrrp/fsm.h"

struct sync_member {
        enum vrrp_state state;
        bool wants_master;              /* its down timer expired while BACKUP */
        bool own_fault;                 /* a fault of its own, not the group's */
};

/* MASTER only when every member is; FAULT when any is; INIT when all are
 * stopped; BACKUP otherwise. */
enum vrrp_state sync_group_state(const struct sync_member *m, unsigned n);
/* All members are MASTER or want to be: the group may go MASTER together. */
bool sync_may_go_master(const struct sync_member *m, unsigned n);
/* Member i is held in FAULT because another member has a fault of its own. */
bool sync_held_in_fault(const struct sync_member *m, unsigned n, unsigned i);
