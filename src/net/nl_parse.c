#include "net/nl_parse.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

struct monitor_ctx {
        nl_event_cb cb;
        void *ctx;
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
        const struct nlattr **tb = data;
        int type = mnl_attr_get_type(attr);

        if (type <= IFA_MAX)
                tb[type] = attr;
        return MNL_CB_OK;
}

static void addr_event(const struct nlmsghdr *nlh, struct monitor_ctx *m)
{
        const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *tb[IFA_MAX + 1] = { 0 };
        const struct nlattr *at;
        struct nl_event ev = { .kind = nlh->nlmsg_type == RTM_NEWADDR ? NL_ADDR_NEW : NL_ADDR_DEL };
        size_t alen = ifa->ifa_family == AF_INET6 ? 16 : 4;

        mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
        at = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
        if (!at || mnl_attr_get_payload_len(at) < alen)
                return;
        ev.ifindex = (int)ifa->ifa_index;
        ev.prefixlen = ifa->ifa_prefixlen;
        ev.addr.family = ifa->ifa_family;
        memcpy(&ev.addr.u, mnl_attr_get_payload(at), alen);
        m->cb(m->ctx, &ev);
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
        const struct nlattr **tb = data;
        int type = mnl_attr_get_type(attr);

        if (type <= IFLA_MAX)
                tb[type] = attr;
        return MNL_CB_OK;
}

static void link_event(const struct nlmsghdr *nlh, struct monitor_ctx *m)
{
        const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
        bool up = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
        struct nl_event ev = {
                .kind = nlh->nlmsg_type == RTM_DELLINK ? NL_LINK_DEL : up ? NL_LINK_UP : NL_LINK_DOWN,
                .ifindex = ifi->ifi_index,
        };

        mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, tb);
        /* bounded by the attribute: MNL_TYPE_STRING does not promise a NUL
         * (a name without one was read past its end, found by fuzz_nl) */
        if (tb[IFLA_IFNAME] && mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_STRING) == 0)
                snprintf(ev.ifname, sizeof(ev.ifname), "%.*s", (int)mnl_attr_get_payload_len(tb[IFLA_IFNAME]),
                         mnl_attr_get_str(tb[IFLA_IFNAME]));
        m->cb(m->ctx, &ev);
}

static void monitor_msg_cb(const struct nlmsghdr *nlh, struct monitor_ctx *m)
{
        size_t payload = mnl_nlmsg_get_payload_len(nlh);

        /* a message shorter than its fixed header would be read past its end */
        if (nlh->nlmsg_type == RTM_NEWADDR || nlh->nlmsg_type == RTM_DELADDR) {
                if (payload >= sizeof(struct ifaddrmsg))
                        addr_event(nlh, m);
        } else if (nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK) {
                if (payload >= sizeof(struct ifinfomsg))
                        link_event(nlh, m);
        }
}

/* The walk is ours, not mnl_cb_run's: libmnl compares nlmsg_len as an int,
 * so a length of 2^31 or more passes its check and the next message is
 * looked for gigabytes away (found by fuzz_nl). */
void nl_parse_events(const void *buf, size_t len, nl_event_cb cb, void *ctx)
{
        struct monitor_ctx m = { cb, ctx };
        const char *p = buf;

        while (len >= sizeof(struct nlmsghdr)) {
                const struct nlmsghdr *nlh = (const void *)p;
                size_t step = MNL_ALIGN(nlh->nlmsg_len);

                if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len)
                        return;
                if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)
                        return; /* where mnl_cb_run stops too */
                if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
                        monitor_msg_cb(nlh, &m);
                if (step >= len)
                        return;
                p += step;
                len -= step;
        }
}
