#include "net/addrtab.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define TOMB (-1)

void addrtab_init(struct addrtab *t)
{
        memset(t, 0, sizeof(*t));
}

void addrtab_free(struct addrtab *t)
{
        free(t->slots);
        addrtab_init(t);
}

void addrtab_clear(struct addrtab *t)
{
        if (t->slots)
                memset(t->slots, 0, t->cap * sizeof(*t->slots));
        t->used = t->live = 0;
}

static size_t addr_len(const struct conf_ip *a)
{
        return a->family == AF_INET6 ? 16 : 4;
}

/* FNV-1a over the index, the family and the address bytes. */
static size_t hash(int ifindex, const struct conf_ip *a)
{
        const uint8_t *p = (const uint8_t *)&a->u;
        uint64_t h = 1469598103934665603ull;

        h = (h ^ (uint32_t)ifindex) * 1099511628211ull;
        h = (h ^ (uint32_t)a->family) * 1099511628211ull;
        for (size_t i = 0; i < addr_len(a); i++)
                h = (h ^ p[i]) * 1099511628211ull;
        return (size_t)h;
}

static bool same(const struct addrtab_entry *e, int ifindex, const struct conf_ip *a)
{
        return e->ifindex == ifindex && e->addr.family == a->family && !memcmp(&e->addr.u, &a->u, addr_len(a));
}

/* The entry's slot, or NULL (cap is a power of two; never full). */
static struct addrtab_entry *find(const struct addrtab *t, int ifindex, const struct conf_ip *a)
{
        if (!t->cap)
                return NULL;
        for (size_t i = hash(ifindex, a) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
                struct addrtab_entry *e = &t->slots[i];
                if (!e->ifindex)
                        return NULL;
                if (same(e, ifindex, a))
                        return e;
        }
}

static void place(struct addrtab *t, int ifindex, const struct conf_ip *a)
{
        size_t i = hash(ifindex, a) & (t->cap - 1);

        while (t->slots[i].ifindex > 0)
                i = (i + 1) & (t->cap - 1);
        if (!t->slots[i].ifindex)
                t->used++;
        t->slots[i].ifindex = ifindex;
        memset(&t->slots[i].addr, 0, sizeof(t->slots[i].addr));
        t->slots[i].addr.family = a->family;
        memcpy(&t->slots[i].addr.u, &a->u, addr_len(a));
        t->live++;
}

/* Rehash into a table where the live entries fill at most half; the table
 * grows when live entries and tombstones fill three quarters. (Linear
 * probing stays short at that load, and at 1,000 VIPs the table is 48 KB,
 * where a quarter's load took 96 KB.) */
static int grow(struct addrtab *t)
{
        struct addrtab_entry *old = t->slots;
        size_t ocap = t->cap, cap = 64;

        while (cap < 2 * (t->live + 1))
                cap *= 2;
        t->slots = calloc(cap, sizeof(*t->slots));
        if (!t->slots) {
                t->slots = old;
                return -ENOMEM;
        }
        t->cap = cap;
        t->used = t->live = 0;
        for (size_t i = 0; i < ocap; i++)
                if (old[i].ifindex > 0)
                        place(t, old[i].ifindex, &old[i].addr);
        free(old);
        return 0;
}

int addrtab_add(struct addrtab *t, int ifindex, const struct conf_ip *addr)
{
        if (ifindex <= 0 || find(t, ifindex, addr))
                return 0;
        if (4 * (t->used + 1) > 3 * t->cap && grow(t) < 0)
                return -ENOMEM;
        place(t, ifindex, addr);
        return 0;
}

void addrtab_del(struct addrtab *t, int ifindex, const struct conf_ip *addr)
{
        struct addrtab_entry *e = ifindex > 0 ? find(t, ifindex, addr) : NULL;

        if (!e)
                return;
        e->ifindex = TOMB;
        t->live--;
}

bool addrtab_has(const struct addrtab *t, int ifindex, const struct conf_ip *addr)
{
        return ifindex > 0 && find(t, ifindex, addr) != NULL;
}

void addrtab_del_iface(struct addrtab *t, int ifindex)
{
        for (size_t i = 0; i < t->cap; i++)
                if (t->slots[i].ifindex == ifindex && ifindex > 0) {
                        t->slots[i].ifindex = TOMB;
                        t->live--;
                }
}
