/* drain_on_remove (a vigil extension, doc/lvs/drain-on-remove.md): a real
 * server a reload removes from a virtual server that stays is not deleted
 * from IPVS at once. It is set to weight 0 (no new connection goes to
 * it; the established ones go on), shown as "leaving", and deleted when
 * the kernel says it has no connection left (ActiveConn + InActConn = 0)
 * or when its time is up, whichever comes first. Put back in the file
 * before that, it is a normal server again.
 *
 * Pure: the leaving servers, the desired table and the kernel's counters
 * in; the table they are kept in and the verdicts out. The engine's side
 * (the reload's hook, the timer, the status) is check/leaving_run.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/counters.h"
#include "check/table.h"

#define CHECK_LEAVE_NAME_MAX 128

struct check_leaving {
        char vs[CHECK_LEAVE_NAME_MAX];  /* its virtual server's name */
        char rs[CHECK_LEAVE_NAME_MAX];  /* its own, "[10.0.0.2]:tcp:80" */
        struct check_svc *svcs;         /* the services it was a destination of (owned) */
        size_t nsvcs;
        struct check_dest dest;         /* as the VS's model had it (port not yet placed) */
        int64_t since;                  /* wall clock, µs: the reload that removed it */
        int64_t deadline;               /* monotonic µs: deleted then at the latest */
        const void *held;               /* the engine's: the retired model it still points into */
        const void *old_rs;             /* the engine's: its state, carried if it comes back */
};

struct check_leaving_set {
        struct check_leaving *v;
        size_t n, cap;
};

/* Append l (its svcs array is copied). 0 or -ENOMEM. */
int check_leaving_add(struct check_leaving_set *s, const struct check_leaving *l);
/* Remove entry i (the last takes its place). */
void check_leaving_drop(struct check_leaving_set *s, size_t i);
void check_leaving_free(struct check_leaving_set *s);
/* The index of the entry for vs/rs, or -1. */
long check_leaving_find(const struct check_leaving_set *s, const char *vs, const char *rs);

/* What the kernel says of one leaving server's connections, summed over
 * its services. */
struct check_leave_conns {
        bool known;             /* the kernel's counters could be read (never with the dry run) */
        bool present;           /* the kernel has it in at least one of its services */
        uint64_t active, inactive;
};

enum check_leave_verdict {
        CHECK_LEAVE_STAY,       /* connections left (or none known) and time left */
        CHECK_LEAVE_DRAINED,    /* no connection left */
        CHECK_LEAVE_TIMEOUT,    /* its drain_on_remove time is up */
        CHECK_LEAVE_VANISHED,   /* the kernel no longer has it (someone deleted it) */
};

/* The decision for one leaving server at now (monotonic µs). Without the
 * kernel's counters (the dry run) only the time ends it. */
enum check_leave_verdict check_leave_decide(int64_t now, int64_t deadline, const struct check_leave_conns *c);
const char *check_leave_verdict_text(enum check_leave_verdict v);

/* l's connections from the kernel's counters (NULL: unknown). */
struct check_leave_conns check_leaving_conns(const struct check_leaving *l, const struct check_counters *kc);

/* The destination l is in service svc, its port placed as IPVS has it
 * (table.h: port 0 under a fwmark, the service's with DR/TUN or none). */
struct check_dest check_leaving_placed(const struct check_leaving *l, const struct check_svc *svc);

/* Add every leaving server to the desired table at weight 0, in each of
 * its services that the table still has, unless the table already wants
 * that destination there (it came back under another name: the table's
 * entry wins). A service the table no longer has takes its destinations
 * with it. 0 or -ENOMEM. */
int check_leaving_extend(const struct check_leaving_set *s, struct check_table *want);
