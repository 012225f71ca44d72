/* One health checker's up/down decision (keepalived-reference.md §6.1,
 * §6.6) and the real server's alive/dead count over its checkers (§6.2).
 * Pure: the probe's result, the retry policy and `now` (monotonic µs) in;
 * the checker's new status, its named result and when the next probe is
 * due out. No I/O, no clock, no randomness of its own.
 *
 * Retry, and where vigil differs from keepalived on purpose: `retry N`
 * means N more attempts, delay_before_retry apart, after a failure before
 * the checker is declared DOWN, so DOWN takes N+1 consecutive failures.
 * keepalived honours that only once the checker has been UP: before its
 * first result it presets the retry counter to N, so a real server that
 * fails its very first check is removed at once, whatever `retry` says
 * (users report it as "retry does not work", ka#1191, ka#1082). vigil
 * counts the first failures like any others: a real server that is in the
 * pool at start (no alpha) leaves it after N+1 consecutive failures, the
 * same as later on. With alpha (or retry 0, MISC_CHECK's default) the two
 * behave alike: alpha starts DOWN, where retries do not apply. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define CHECK_USEC_PER_SEC 1000000LL
/* The first probe of every checker runs this long after start, plus a
 * random part of warmup, so that checkers do not all fire together. */
#define CHECK_BOOTSTRAP_DELAY CHECK_USEC_PER_SEC

enum check_state {
        CHECK_UNKNOWN,          /* no result yet; counts as alive (start without alpha) */
        CHECK_UP,
        CHECK_DOWN,
};

/* What a probe came back with. Every failure is named so that logs,
 * status and counters say why; CHECK_ERROR is vigil's own trouble (bind
 * failure, no route from here, out of file descriptors, fork failed): it
 * says nothing about the server and never counts against it. */
enum check_result {
        CHECK_OK,               /* connected, and the protocol answered as expected */
        CHECK_CONNECT_REFUSED,  /* RST, or ICMP port/host unreachable */
        CHECK_CONNECT_TIMEOUT,  /* no connection within connect_timeout */
        CHECK_PROBE_TIMEOUT,    /* connected, but no complete answer in time */
        CHECK_PROBE_FAILED,     /* connected, and the answer was wrong or cut short */
        CHECK_TLS_FAILED,       /* TLS handshake or certificate verification failed */
        CHECK_HTTP_STATUS,      /* an HTTP status outside status_code (detail: the status) */
        CHECK_DIGEST_MISMATCH,  /* the body's digest is not the url's digest */
        CHECK_REGEX_MISMATCH,   /* regex did not match (or regex_no_match did) */
        CHECK_NO_REPLY,         /* a datagram probe (UDP, DNS, PING) got no answer in time */
        CHECK_PORT_UNREACHABLE, /* a datagram probe got ICMP port (or host) unreachable */
        CHECK_FILE_DOWN,        /* FILE_CHECK: the tracked file's value puts the server down */
        CHECK_SCRIPT_EXIT,      /* MISC_CHECK's script exited (exit_status says how) */
        CHECK_SCRIPT_TIMEOUT,   /* MISC_CHECK's script outlived misc_timeout */
        CHECK_ERROR,            /* vigil's side failed; not a server failure */
};
#define CHECK_RESULT_COUNT (CHECK_ERROR + 1)

/* The retry policy of one checker, as conf/validate_lvs.c resolves it
 * (checker <- real server <- virtual server <- per-type default). */
struct check_policy {
        uint32_t retry;                 /* extra attempts before DOWN */
        int64_t delay_before_retry;     /* µs between those attempts */
        int64_t delay_loop;             /* µs between ordinary probes */
        int64_t warmup;                 /* µs: the first probe's random spread */
        bool alpha;                     /* start DOWN: nothing is added before a success */
        bool misc_dynamic;              /* MISC_CHECK: exit 2..255 sets the weight */
};

struct check_status {
        enum check_state state;
        uint32_t failures;              /* consecutive failures short of DOWN (0..retry) */
};

/* What a layer said, for logs and status: "503", "certificate verify
 * failed (hostname mismatch)", "reply 550 ...". Empty when the result's
 * name says it all. */
#define CHECK_DETAIL_MAX 96

struct check_probe {
        enum check_result result;
        int exit_status;                /* CHECK_SCRIPT_EXIT: 0..255 */
        int64_t started;                /* µs: when the probe began */
        int64_t latency;                /* µs: from leaving the prober's queue to the ending; 0: never ran */
        char detail[CHECK_DETAIL_MAX];
};

enum check_change { CHECK_SAME, CHECK_WENT_UP, CHECK_WENT_DOWN };

/* MISC_CHECK's dynamic weight: exit 0 clears it, exit 2..255 with
 * misc_dynamic sets the weight to exit-2, going DOWN clears it. */
enum check_weight_op { CHECK_WEIGHT_KEEP, CHECK_WEIGHT_SET, CHECK_WEIGHT_CLEAR };

struct check_decision {
        struct check_status next;       /* store this as the checker's status */
        enum check_change change;       /* the checker's own transition */
        enum check_result result;       /* the probe's named result, as given */
        bool success;                   /* counted as a success */
        bool counted;                   /* false for CHECK_ERROR: neither way */
        uint32_t retry_index;           /* >0: failure i of retry, still not DOWN */
        bool after_retries;             /* went DOWN having used its retries */
        enum check_weight_op weight_op;
        int64_t weight;                 /* CHECK_WEIGHT_SET: the absolute weight */
        int64_t next_due;               /* µs: when to run the next probe */
};

/* The status a checker starts with (DOWN with alpha, else UNKNOWN) and
 * when its first probe is due: now + 1 s + warmup * random / UINT32_MAX,
 * so random is the caller's uniformly drawn 32-bit value. */
struct check_status check_start(const struct check_policy *pol, int64_t now, uint32_t random, int64_t *ret_due);

/* Feed one probe result finished at `now`. The next probe is due
 * check_next_due(probe->started, now, wait), wait being delay_before_retry
 * while retrying, else delay_loop. */
struct check_decision check_decide(const struct check_policy *pol, const struct check_status *cur,
                                   const struct check_probe *probe, int64_t now);

/* The cadence, the same for every checker type: a probe that ended
 * within `wait` of its start runs again `wait` after that start (a steady
 * period whatever the probe's duration, as keepalived keeps it); one that
 * took longer waits `wait` from its end (a slow or dead server is not
 * probed back to back). started: when the probe was due to start (the
 * caller's schedule, so that a late wake-up does not shift the next). */
int64_t check_next_due(int64_t started, int64_t now, int64_t wait);

/* A checker in this state holds its real server down. */
bool check_state_failed(enum check_state s);

/* A real server is alive iff none of its checkers is failed; one with no
 * checker is always alive. num_failed is the number of its failed
 * checkers: the caller starts it at the count of checkers that
 * check_start() put DOWN and feeds every checker change through here. The
 * result is the real server's own transition. */
enum check_change check_rs_apply(uint32_t *num_failed, enum check_change checker_change);

/* Names for logs and status ("connect refused") and for counters and
 * JSON keys ("connect_refused"). */
const char *check_result_name(enum check_result r);
const char *check_result_key(enum check_result r);
const char *check_state_name(enum check_state s);
