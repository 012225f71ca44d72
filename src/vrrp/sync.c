#include "vrrp/sync.h"

enum vrrp_state sync_group_state(const struct sync_member *m, unsigned n)
{
        unsigned masters = 0, stopped = 0;

        for (unsigned i = 0; i < n; i++) {
                if (m[i].state == VRRP_FAULT)
                        return VRRP_FAULT;
                masters += m[i].state == VRRP_MASTER;
                stopped += m[i].state == VRRP_INIT;
        }
        return stopped == n ? VRRP_INIT : masters == n ? VRRP_MASTER : VRRP_BACKUP;
}

bool sync_may_go_master(const struct sync_member *m, unsigned n)
{
        for (unsigned i = 0; i < n; i++)
                if (m[i].state != VRRP_MASTER && !(m[i].state == VRRP_BACKUP && m[i].wants_master))
                        return false;
        return n > 0;
}

bool sync_held_in_fault(const struct sync_member *m, unsigned n, unsigned i)
{
        for (unsigned j = 0; j < n; j++)
                if (j != i && m[j].own_fault)
                        return true;
        return false;
}
