/* An FSM brought to BACKUP or MASTER the way the engine does it, for the
 * FSM suites (test_fsm.c, test_fsm_takeover.c). Include after cmocka.h. */
#pragma once

#include "vrrp/fsm.h"

#define T0 1000000000LL /* an arbitrary "now" */

/* Started at T0: BACKUP, its master-down timer armed. */
static inline struct vrrp_fsm fsm_in_backup(struct vrrp_fsm_params p)
{
        struct vrrp_fsm f;
        struct vrrp_actions a = { 0 };

        vrrp_fsm_init(&f, &p);
        vrrp_fsm_start(&f, T0, false, &a);
        return f;
}

/* ... and its timer expired with no peer: MASTER. */
static inline struct vrrp_fsm fsm_in_master(struct vrrp_fsm_params p)
{
        struct vrrp_fsm f = fsm_in_backup(p);
        struct vrrp_actions a = { 0 };

        vrrp_fsm_timer(&f, f.down_at, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        return f;
}
