/* global static_ipaddress / static_routes / static_rules: installed at
 * start and on a reload that changed them, removed at stop. They go out
 * on the netlink batch channel like a transition's addresses (net/nl.h),
 * so a reload of a file with many of them never waits for the kernel's
 * ACKs on the VRRP loop; a request the kernel refuses is logged with what
 * it was for and counted in vigil_vrrp_netlink_failed_requests_total. */
#include <net/if.h>
#include <stdio.h>

#include "common/addr.h"
#include "net/nl.h"
#include "net/rtnl_msg.h"
#include "vrrp/engine_internal.h"

static int dev_index(const char *dev)
{
        return dev ? (int)if_nametoindex(dev) : 0;
}

static void static_addr_list(struct nl *nl, const struct conf *c, bool add)
{
        const struct conf_ipaddress *a;
        char s[INET6_ADDRSTRLEN], what[112], msg[RTNL_MSG_MAX];

        CONF_FOREACH(a, &c->static_ipaddress) {
                int idx = dev_index(a->dev);
                snprintf(what, sizeof(what), "static_ipaddress: cannot %s %s on %s", add ? "add" : "remove",
                         conf_ip_str(&a->addr, s, sizeof(s)), a->dev ? a->dev : "(no dev)");
                /* a missing interface is not an error here: the address is
                 * added when the interface appears (engine.c, link events) */
                if (idx > 0)
                        nl_batch_add(nl, rtnl_addr_msg(msg, add, idx, a), NL_REQ_ADDR, add, what);
        }
}

static void static_route_list(struct nl *nl, const struct conf *c, bool add)
{
        const struct conf_route *rt;
        char s[INET6_ADDRSTRLEN], what[112], msg[RTNL_MSG_MAX];

        CONF_FOREACH(rt, &c->static_routes) {
                snprintf(what, sizeof(what), "static_routes: cannot %s the route to %s", add ? "add" : "remove",
                         rt->dst.family ? conf_ip_str(&rt->dst, s, sizeof(s)) : "default");
                nl_batch_add(nl, rtnl_route_msg(msg, add, dev_index(rt->dev), rt), NL_REQ_ROUTE, add, what);
        }
}

static void static_rule_list(struct nl *nl, const struct conf *c, bool add)
{
        const struct conf_rule *ru;
        char what[112], msg[RTNL_MSG_MAX];

        snprintf(what, sizeof(what), "static_rules: cannot %s a rule", add ? "add" : "remove");
        CONF_FOREACH(ru, &c->static_rules)
                nl_batch_add(nl, rtnl_rule_msg(msg, add, ru), NL_REQ_RULE, add, what);
}

/* Addresses before the routes that use them, and the reverse on removal. */
void engine_static_addresses(struct engine *e, const struct conf *c, bool add)
{
        if (add) {
                static_addr_list(e->nl, c, true);
                static_route_list(e->nl, c, true);
                static_rule_list(e->nl, c, true);
        } else {
                static_rule_list(e->nl, c, false);
                static_route_list(e->nl, c, false);
                static_addr_list(e->nl, c, false);
        }
        nl_batch_send(e->nl);
}
