/* See droplog.h. A linear scan: 64 entries, and only dropped adverts pay. */
#include "vrrp/droplog.h"

#include <string.h>
#include <sys/socket.h>

static size_t addr_len(int family)
{
        return family == AF_INET6 ? 16 : family == AF_INET ? 4 : 0;
}

static bool same(const struct droplog_entry *e, unsigned reason, int family, const void *addr)
{
        return e->reason == reason && e->family == family && !memcmp(e->addr, addr, addr_len(family));
}

static void fill(struct droplog_entry *e, unsigned reason, int family, const void *addr, int64_t now)
{
        memset(e, 0, sizeof(*e));
        e->reason = reason;
        e->family = family;
        memcpy(e->addr, addr, addr_len(family));
        e->reported_at = e->seen_at = now;
}

/* A repeat: summarise once a period has passed since the last line. */
static enum droplog_verdict repeat(struct droplog_entry *e, int64_t now, struct droplog_say *ret)
{
        e->pending++;
        e->seen_at = now;
        if (now - e->reported_at < DROPLOG_PERIOD_US)
                return DROPLOG_QUIET;
        ret->count = e->pending;
        ret->window_us = now - e->reported_at;
        e->pending = 0;
        e->reported_at = now;
        return DROPLOG_SUMMARY;
}

/* The slot of the pair idle longest, if it has been idle a whole period. */
static struct droplog_entry *reusable(struct droplog *d, int64_t now)
{
        struct droplog_entry *oldest = NULL;

        for (unsigned i = 0; i < d->n; i++)
                if (!oldest || d->e[i].seen_at < oldest->seen_at)
                        oldest = &d->e[i];
        return oldest && now - oldest->seen_at >= DROPLOG_PERIOD_US ? oldest : NULL;
}

void droplog_note(struct droplog *d, unsigned reason, int family, const void *addr, int64_t now,
                  struct droplog_say *ret)
{
        static const uint8_t none[16];
        struct droplog_entry *e;

        memset(ret, 0, sizeof(*ret));
        if (!addr_len(family))
                addr = none, family = 0;
        for (unsigned i = 0; i < d->n; i++)
                if (same(&d->e[i], reason, family, addr)) {
                        ret->verdict = repeat(&d->e[i], now, ret);
                        return;
                }
        e = d->n < DROPLOG_CAP ? &d->e[d->n++] : reusable(d, now);
        if (e) {
                fill(e, reason, family, addr, now);
                ret->verdict = DROPLOG_FIRST;
                return;
        }
        if (!d->other_used) {
                fill(&d->other, 0, 0, none, now);
                d->other_used = true;
                ret->verdict = DROPLOG_FIRST_UNTRACKED;
                return;
        }
        ret->verdict = repeat(&d->other, now, ret) == DROPLOG_SUMMARY ? DROPLOG_SUMMARY_UNTRACKED : DROPLOG_QUIET;
}
