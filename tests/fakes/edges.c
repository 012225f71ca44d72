/* Fakes of the other edges an instance reaches: rtnetlink requests
 * (net/nl.c's batch), sysctl, macvlan, the lazily loaded HMAC, the tracker probes
 * and the engine's interface table. Addresses are counted, nothing else
 * happens. */
#include <stddef.h>

#include "fakes.h"
#include "net/nl.h"
#include "net/sysctl.h"
#include "net/vmac.h"
#include "vrrp/ah.h"
#include "vrrp/demote.h"
#include "vrrp/engine_internal.h"
#include "vrrp/track_probes.h"

/* A transition's requests, built by the real (pure) net/rtnl_msg.c: the
 * addresses are counted, nothing is sent. */
int nl_batch_add(struct nl *nl, struct nlmsghdr *nlh, enum nl_req_kind kind, bool add, const char *what)
{
        (void)nl, (void)nlh, (void)what;
        if (kind == NL_REQ_ADDR && add)
                fake.addr_adds++;
        else if (kind == NL_REQ_ADDR)
                fake.addr_dels++;
        return 0;
}

int nl_batch_send(struct nl *nl)
{
        (void)nl;
        return 0;
}

int sysctl_swap(const char *path, const char *value, char *old, size_t oldsize)
{
        (void)path, (void)value;
        if (old && oldsize)
                old[0] = 0;
        return 0;
}

void vmac_address(int family, unsigned vrid, uint8_t ret_mac[6])
{
        const uint8_t mac[6] = { 0, 0, 0x5e, 0, family == AF_INET6 ? 2 : 1, (uint8_t)vrid };

        for (int i = 0; i < 6; i++)
                ret_mac[i] = mac[i];
}

int vmac_create(struct nl *nl, const char *name, int base_ifindex, const uint8_t mac[6])
{
        (void)nl, (void)name, (void)base_ifindex, (void)mac;
        return 0;
}

int vmac_delete(struct nl *nl, const char *name)
{
        (void)nl, (void)name;
        return 0;
}

vrrp_hmac_md5_fn vrrp_hmac_md5_lazy(void)
{
        return NULL;
}

void trackers_eval(const struct tracker_ref *refs, unsigned n, bool *ret_fault, long *ret_delta)
{
        (void)refs, (void)n;
        *ret_fault = false;
        *ret_delta = 0;
}

int trackers_ref(struct trackers *ts, enum tracker_kind kind, const struct conf_track *t, struct tracker_ref *ret)
{
        (void)ts, (void)kind, (void)t, (void)ret;
        return -1;
}

const char *tracker_kind_name(enum tracker_kind k)
{
        (void)k;
        return "fake";
}

bool engine_demoted_has(struct engine *e, const char *name)
{
        (void)e, (void)name;
        return false;
}

struct iface_slot *engine_iface_get(struct engine *e, const char *name)
{
        (void)e, (void)name;
        return NULL;
}

int engine_iface_open(struct engine *e, struct vrrp_instance *vi, struct iface_slot *slot)
{
        (void)e, (void)vi, (void)slot;
        return -1;
}
