/* A sync group moving with its members (reference §5.4): the rules are
 * vrrp/sync.c's (pure, over a snapshot of the members); this applies them
 * to the instances. Announcing the group's state is vrrp/announce.c's. */
#include "vrrp/group.h"

#include "vrrp/announce.h"
#include "vrrp/sync.h"

#define MAX_MEMBERS 64

static unsigned snapshot(const struct vrrp_group *g, struct sync_member *m)
{
        unsigned n = g->n < MAX_MEMBERS ? g->n : MAX_MEMBERS;

        for (unsigned i = 0; i < n; i++) {
                const struct vrrp_instance *vi = g->members[i];
                m[i] = (struct sync_member){ .state = vi->fsm.state, .wants_master = vi->fsm.wants_master,
                                             .own_fault = (vi->faults & ~(unsigned)VRRP_FAULT_GROUP) != 0 };
        }
        return n;
}

static void group_faults(struct vrrp_group *g, int64_t now)
{
        struct sync_member m[MAX_MEMBERS];
        unsigned n = snapshot(g, m);

        for (unsigned i = 0; i < n; i++)
                vrrp_instance_set_fault(g->members[i], now, VRRP_FAULT_GROUP, sync_held_in_fault(m, n, i));
}

enum vrrp_state vrrp_group_state(const struct vrrp_group *g)
{
        struct sync_member m[MAX_MEMBERS];

        return sync_group_state(m, snapshot(g, m));
}

static void group_want_master(struct vrrp_group *g, int64_t now)
{
        struct sync_member m[MAX_MEMBERS];

        if (!sync_may_go_master(m, snapshot(g, m)))
                return;
        for (unsigned i = 0; i < g->n; i++) {
                struct vrrp_actions acts = { 0 };
                vrrp_fsm_sync_master(&g->members[i]->fsm, now, &acts);
                vrrp_instance_apply(g->members[i], now, &acts);
        }
}

static void group_backup(struct vrrp_group *g, const struct vrrp_instance *from, int64_t now)
{
        for (unsigned i = 0; i < g->n; i++) {
                struct vrrp_actions acts = { 0 };
                if (g->members[i] == from)
                        continue;
                vrrp_fsm_sync_backup(&g->members[i]->fsm, now, &acts);
                vrrp_instance_apply(g->members[i], now, &acts);
        }
}

void vrrp_group_follow(struct vrrp_group *g, struct vrrp_instance *vi, const struct vrrp_action *a, int64_t now)
{
        if (a->kind == ACT_WANT_MASTER)
                group_want_master(g, now);
        else if (a->kind == ACT_STATE && a->state == VRRP_BACKUP && a->reason == REASON_HIGHER_PRIORITY)
                group_backup(g, vi, now);
        group_faults(g, now);
}
