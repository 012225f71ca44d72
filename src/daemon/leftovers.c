#include "daemon/leftovers.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>

#include "net/nl.h"
#include "net/vmac.h"

struct leftover_addr {
        char dev[IF_NAMESIZE];
        struct conf_ip addr;
        uint8_t prefixlen;
};

struct leftovers {
        struct leftover_addr *addr;
        size_t naddr;
        char (*vmac)[IF_NAMESIZE];
        size_t nvmac;
};

static void add_addrs(struct leftovers *l, const conf_ipaddress_list *list)
{
        const struct conf_ipaddress *a;

        CONF_FOREACH(a, list) {
                struct leftover_addr *o = &l->addr[l->naddr++];
                snprintf(o->dev, sizeof(o->dev), "%s", a->dev ? a->dev : "");
                o->addr = a->addr;
                o->prefixlen = a->prefixlen;
        }
}

struct leftovers *leftovers_of(const struct conf *c)
{
        const struct conf_vrrp_instance *vi;
        size_t naddr = 0, nvmac = 0;
        struct leftovers *l = calloc(1, sizeof(*l));

        CONF_FOREACH(vi, &c->instances) {
                naddr += vi->virtual_ipaddress.count + vi->virtual_ipaddress_excluded.count;
                nvmac += vi->use_vmac;
        }
        if (!l || !(l->addr = calloc(naddr + 1, sizeof(*l->addr))) || !(l->vmac = calloc(nvmac + 1, sizeof(*l->vmac))))
                abort();
        CONF_FOREACH(vi, &c->instances) {
                add_addrs(l, &vi->virtual_ipaddress);
                add_addrs(l, &vi->virtual_ipaddress_excluded);
                if (vi->use_vmac)
                        conf_vmac_name(vi, l->vmac[l->nvmac++], IF_NAMESIZE);
        }
        return l;
}

void leftovers_remove(const struct leftovers *l)
{
        struct nl *nl;

        if (!l || nl_open(&nl) < 0)
                return;
        for (size_t i = 0; i < l->nvmac; i++)
                vmac_delete(nl, l->vmac[i]);
        for (size_t i = 0; i < l->naddr; i++) {
                const struct leftover_addr *o = &l->addr[i];
                struct conf_ipaddress a = { .addr = o->addr, .prefixlen = o->prefixlen };
                nl_addr(nl, false, (int)if_nametoindex(o->dev), &a);
        }
        nl_close(nl);
}

void leftovers_free(struct leftovers *l)
{
        if (!l)
                return;
        free(l->addr);
        free(l->vmac);
        free(l);
}
