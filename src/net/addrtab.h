/* The addresses on the system's interfaces, as the netlink monitor reports
 * them (a dump at start, then RTM_NEWADDR / RTM_DELADDR): "is this address
 * on that interface" in O(1), where getifaddrs() walked every address of
 * every interface. Pure: the engine feeds it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/addr.h"

struct addrtab_entry {
        int ifindex;            /* 0: free; -1: deleted (a tombstone) */
        struct conf_ip addr;
};

struct addrtab {
        struct addrtab_entry *slots;
        size_t cap, used, live;  /* used counts tombstones too */
};

void addrtab_init(struct addrtab *t);
void addrtab_free(struct addrtab *t);
void addrtab_clear(struct addrtab *t);
/* 0 or -ENOMEM; adding what is there is a no-op. */
int addrtab_add(struct addrtab *t, int ifindex, const struct conf_ip *addr);
void addrtab_del(struct addrtab *t, int ifindex, const struct conf_ip *addr);
bool addrtab_has(const struct addrtab *t, int ifindex, const struct conf_ip *addr);
/* Every address of a deleted interface goes. */
void addrtab_del_iface(struct addrtab *t, int ifindex);
