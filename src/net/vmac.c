#include "net/vmac.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

void vmac_address(int family, unsigned vrid, uint8_t ret_mac[6])
{
        const uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, family == AF_INET6 ? 0x02 : 0x01, (uint8_t)vrid };

        memcpy(ret_mac, mac, 6);
}

static int link_set_up(struct nl *nl, int ifindex)
{
        char buf[NL_BUF];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifinfomsg *ifi;

        nlh->nlmsg_type = RTM_NEWLINK;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_index = ifindex;
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        return nl_request(nl, nlh);
}

int vmac_create(struct nl *nl, const char *name, int base_ifindex, const uint8_t mac[6])
{
        char buf[NL_BUF];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct nlattr *info, *data;
        int r, idx;

        if (if_nametoindex(name))
                vmac_delete(nl, name);
        nlh->nlmsg_type = RTM_NEWLINK;
        nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
        mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)base_ifindex);
        mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
        info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
        data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
        mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, MACVLAN_MODE_PRIVATE);
        mnl_attr_nest_end(nlh, data);
        mnl_attr_nest_end(nlh, info);
        r = nl_request(nl, nlh);
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
        char buf[NL_BUF];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        int r;

        nlh->nlmsg_type = RTM_DELLINK;
        mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        r = nl_request(nl, nlh);
        return r == -ENODEV ? 0 : r;
}
