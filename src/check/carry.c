/* See carry.h. */
#include "check/carry.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/conf_map.h"
#include "common/addr.h"

struct slot {
        uint64_t hash;          /* 0: empty */
        size_t idx;
};

/* The hash tables are built at the first lookup by name: a reload of the
 * same file finds everything where it was (check_carry_take_at). */
struct check_carry_index {
        const struct check_carry_id *ids;
        size_t n;
        bool *taken;
        struct slot *rs, *vs;   /* open addressing, size a power of two */
        size_t mask;
        bool built, failed;
};

/* FNV-1a over both names: the hash spreads, equality decides. */
static uint64_t fnv(uint64_t h, const char *s)
{
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        return (h ^ 0xff) * 1099511628211ULL; /* the end of a name: "a"+"bc" is not "ab"+"c" */
}

static uint64_t hash_of(const char *vs, const char *rs)
{
        uint64_t h = fnv(14695981039346656037ULL, vs);

        h = rs ? fnv(h, rs) : h;
        return h ? h : 1;
}

static void put(struct slot *tab, size_t mask, uint64_t h, size_t idx)
{
        size_t i = h & mask;

        while (tab[i].hash)
                i = (i + 1) & mask;
        tab[i] = (struct slot){ h, idx };
}

struct check_carry_index *check_carry_index_new(const struct check_carry_id *ids, size_t n)
{
        struct check_carry_index *ix = calloc(1, sizeof(*ix));

        if (!ix || !(ix->taken = calloc(n ? n : 1, sizeof(*ix->taken)))) {
                check_carry_index_free(ix);
                return NULL;
        }
        ix->ids = ids;
        ix->n = n;
        return ix;
}

static bool build(struct check_carry_index *ix)
{
        const struct check_carry_id *ids = ix->ids;
        size_t size = 16, n = ix->n;

        if (ix->built || ix->failed)
                return ix->built;
        while (size < 2 * n)
                size *= 2;
        if (!(ix->rs = calloc(size, sizeof(*ix->rs))) || !(ix->vs = calloc(size, sizeof(*ix->vs)))) {
                ix->failed = true; /* what is not where it was restarts */
                return false;
        }
        ix->mask = size - 1;
        ix->built = true;
        for (size_t i = 0; i < n; i++) {
                put(ix->rs, ix->mask, hash_of(ids[i].vs, ids[i].rs), i);
                if (!i || strcmp(ids[i - 1].vs, ids[i].vs)) /* one entry per run of a VS's servers suffices */
                        put(ix->vs, ix->mask, hash_of(ids[i].vs, NULL), i);
        }
        return true;
}

void check_carry_index_free(struct check_carry_index *ix)
{
        if (!ix)
                return;
        free(ix->rs);
        free(ix->vs);
        free(ix->taken);
        free(ix);
}

bool check_carry_take_at(struct check_carry_index *ix, size_t at, const struct check_carry_id *id)
{
        if (at >= ix->n || ix->taken[at] || strcmp(ix->ids[at].rs, id->rs) || strcmp(ix->ids[at].vs, id->vs))
                return false;
        ix->taken[at] = true;
        return true;
}

ssize_t check_carry_take(struct check_carry_index *ix, const struct check_carry_id *id)
{
        uint64_t h = hash_of(id->vs, id->rs);

        if (!build(ix))
                return -1;
        for (size_t i = h & ix->mask; ix->rs[i].hash; i = (i + 1) & ix->mask) {
                const struct slot *s = &ix->rs[i];
                if (s->hash == h && check_carry_take_at(ix, s->idx, id))
                        return (ssize_t)s->idx;
        }
        return -1;
}

ssize_t check_carry_find_vs(struct check_carry_index *ix, const char *vs)
{
        uint64_t h = hash_of(vs, NULL);

        if (!build(ix))
                return -1;
        for (size_t i = h & ix->mask; ix->vs[i].hash; i = (i + 1) & ix->mask)
                if (ix->vs[i].hash == h && !strcmp(ix->ids[ix->vs[i].idx].vs, vs))
                        return (ssize_t)ix->vs[i].idx;
        return -1;
}

static bool str_same(const char *a, const char *b)
{
        return !strcmp(a ? a : "", b ? b : "");
}

/* What a MISC_CHECK or FILE_CHECK (no probe key) or any checker's
 * schedule reads. */
static bool same_own(const struct conf_checker *a, const struct conf_checker *b)
{
        struct check_policy pa = check_policy_of(a), pb = check_policy_of(b);

        return a->type == b->type && a->connect_port == b->connect_port &&
               conf_ip_equal(&a->connect_ip, &b->connect_ip) && a->fwmark == b->fwmark &&
               pa.retry == pb.retry && pa.delay_before_retry == pb.delay_before_retry &&
               pa.delay_loop == pb.delay_loop && pa.warmup == pb.warmup && pa.alpha == pb.alpha &&
               pa.misc_dynamic == pb.misc_dynamic && a->connect_timeout == b->connect_timeout &&
               a->misc_timeout == b->misc_timeout && str_same(a->misc_path.cmdline, b->misc_path.cmdline) &&
               str_same(a->track_file, b->track_file);
}

bool check_carry_same_checker(const struct check_probe_who *old, const struct check_probe_who *new_)
{
        bool shared;

        if (!same_own(old->ck, new_->ck))
                return false;
        /* each of these resolves a target: asked once, not twice */
        shared = check_probe_shareable(old);
        if (shared != check_probe_shareable(new_))
                return false;
        return !shared || check_probe_key_equal(old, new_);
}

size_t check_carry_checkers(const struct check_probe_who *old, size_t on, const struct check_probe_who *new_,
                            size_t nn, ssize_t *ret_map)
{
        uint64_t used = 0; /* a real server has few checkers: those past 64 restart */
        size_t carried = 0;

        for (size_t i = 0; i < nn; i++) {
                ret_map[i] = -1;
                for (size_t k = 0; k < on && k < 64 && ret_map[i] < 0; k++) {
                        if (used & (1ULL << k) || !check_carry_same_checker(&old[k], &new_[i]))
                                continue;
                        used |= 1ULL << k;
                        ret_map[i] = (ssize_t)k;
                        carried++;
                }
        }
        return carried;
}
