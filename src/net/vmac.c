#include "net/vmac.h"
#include "net/rtnl_msg.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>

void vmac_address(int family, unsigned vrid, uint8_t ret_mac[6])
{
        const uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, family == AF_INET6 ? 0x02 : 0x01, (uint8_t)vrid };

        memcpy(ret_mac, mac, 6);
}

static int link_set_up(struct nl *nl, int ifindex)
{
        char buf[RTNL_MSG_MAX];

        return nl_request(nl, rtnl_link_up_msg(buf, ifindex));
}

int vmac_create(struct nl *nl, const char *name, int base_ifindex, const uint8_t mac[6])
{
        char buf[RTNL_MSG_MAX];
        int r, idx;

        if (if_nametoindex(name))
                vmac_delete(nl, name);
        r = nl_request(nl, rtnl_macvlan_msg(buf, name, base_ifindex, mac));
        if (r < 0)
                return r;
        idx = (int)if_nametoindex(name);
        if (!idx)
                return -ENODEV;
        r = link_set_up(nl, idx);
        return r < 0 ? r : idx;
}

int vmac_delete(struct nl *nl, const char *name)
{
        char buf[RTNL_MSG_MAX];
        int r = nl_request(nl, rtnl_link_del_msg(buf, name));

        return r == -ENODEV ? 0 : r;
}
