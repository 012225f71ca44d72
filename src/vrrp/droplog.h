/* Rate limiting of the "advert dropped" warnings: the first drop of each
 * reason from each source is logged, repeats are summarised at most once a
 * period with a count. Pure: the caller passes the time and logs. There is
 * no timer: a summary goes out with the first repeat a period or more after
 * the pair's last line (a split brain repeats every advert interval); the
 * counters in status and metrics hold the exact totals either way.
 *
 * The table is bounded (DROPLOG_CAP pairs per table, one table per instance
 * and per interface), so a flood of spoofed sources cannot grow memory.
 * Past the cap a new pair takes the slot of the pair idle longest if that one
 * has been quiet for a whole period (it would be logged as new again); else
 * it is counted in one shared "other sources" bucket, which is announced once
 * (DROPLOG_FIRST_UNTRACKED) and then summarised like any pair. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define DROPLOG_CAP 64
#define DROPLOG_PERIOD_US (60 * 1000000LL)

struct droplog_entry {
        unsigned reason;
        int family;
        uint8_t addr[16];
        int64_t reported_at;            /* when a line was last logged for it */
        int64_t seen_at;                /* the last drop */
        uint64_t pending;               /* drops since reported_at, not logged yet */
};

struct droplog {
        unsigned n;
        struct droplog_entry e[DROPLOG_CAP];
        struct droplog_entry other;     /* every pair past the cap, together */
        bool other_used;
};

enum droplog_verdict {
        DROPLOG_QUIET,                  /* counted; nothing to log now */
        DROPLOG_FIRST,                  /* first of this (reason, source): log it in full */
        DROPLOG_SUMMARY,                /* log ".count more from SOURCE in the last window_us" */
        DROPLOG_FIRST_UNTRACKED,        /* table full: log this one and say the rest are pooled */
        DROPLOG_SUMMARY_UNTRACKED,      /* ".count more from other sources" */
};

struct droplog_say {
        enum droplog_verdict verdict;
        uint64_t count;                 /* SUMMARY*: drops since the previous line, this one included */
        int64_t window_us;              /* SUMMARY*: time since the previous line */
};

/* One drop: reason (the caller's enum), the sender (family AF_INET or
 * AF_INET6, addr 4 or 16 bytes; family 0 for an unknown sender), now in µs. */
void droplog_note(struct droplog *d, unsigned reason, int family, const void *addr, int64_t now,
                  struct droplog_say *ret);
