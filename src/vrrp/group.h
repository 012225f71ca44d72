/* A vrrp_sync_group's members follow each other: MASTER together, BACKUP
 * together after a better master appears, FAULT together (reference §5.4). */
#pragma once

#include <stdint.h>

#include "vrrp/fsm.h"

struct vrrp_group;
struct vrrp_instance;

/* After member vi acted (a): pull the other members along and update the
 * group fault of each. */
void vrrp_group_follow(struct vrrp_group *g, struct vrrp_instance *vi, const struct vrrp_action *a, int64_t now);
/* The state the group as a whole is in now. */
enum vrrp_state vrrp_group_state(const struct vrrp_group *g);
