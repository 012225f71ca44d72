/* Trackers and the effective priority (keepalived-reference.md §5.3).
 * Pure: the rise/fall counter of a script, the contribution of each tracker
 * to an instance's priority or FAULT, and the sum. No I/O, no time. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/model.h"

/* rise/fall: `result` counts in [0, rise+fall-1]; OK iff result >= rise. */
struct track_rf {
        unsigned rise, fall;
        unsigned result;
        bool ok;
        bool decided;           /* at least one transition happened */
};

void track_rf_init(struct track_rf *rf, unsigned rise, unsigned fall, bool init_fail);
/* Feed one run's outcome; true when the OK/KO status changed. */
bool track_rf_update(struct track_rf *rf, bool success);

/* How one tracker bears on an instance. */
struct track_effect {
        bool fault;             /* puts the instance in FAULT */
        int delta;              /* priority adjustment */
};

/* script, interface, process: a boolean "up" with weight and reverse, as
 * keepalived applies them. weight 0: down -> FAULT (reverse: up -> FAULT).
 * weight > 0 counts while up, weight < 0 while down; reverse turns the
 * adjustment's sign, not the condition: weight 10 reverse is -10 while up. */
struct track_effect track_effect_bool(bool up, int weight, bool reverse);
/* track_file: value x weight; weight 0: any non-zero value -> FAULT;
 * a product <= -254 -> FAULT; reverse negates. */
struct track_effect track_effect_file(long value, int weight, bool reverse);

/* base + sum of deltas, clamped to 1..254; an owner (255) stays 255. */
uint8_t track_effective_priority(unsigned base, long delta_sum);

/* How a script ended, in keepalived's words, for the log and for status
 * alike: "exited with status N", or "exited due to signal N" when
 * term_signal is non-zero. Returns buf. */
const char *track_script_ending(int exit_status, int term_signal, char *buf, size_t size);

/* ---- track_process (keepalived-reference.md §1.5) ----------------------------
 * Which processes a vrrp_track_process counts, its quorum, and when a change
 * of the count becomes a change of state. The caller reads /proc and keeps
 * the one timer. */

/* The kernel keeps this many characters of a process name (comm). */
#define TRACK_COMM_LEN 15

/* Whether matching needs /proc/PID/cmdline: full_command, parameters (or a
 * bare param_match, which asks for none), or a name longer than comm holds. */
bool track_proc_uses_cmdline(const struct conf_track_process *p);
/* Does the process with this comm (no newline) and cmdline (NUL-separated
 * argv, cmdlen 0 for a kernel thread or when unread) count for p?
 * - by name: comm equals the process; a name longer than TRACK_COMM_LEN
 *   matches a comm of its first TRACK_COMM_LEN characters whose argv[0]
 *   has the whole name as its last path component;
 * - full_command, parameters or param_match (keepalived then matches the
 *   command line): argv[0] equals the process exactly;
 * - parameters against argv[1..]: exact, the same arguments and no more;
 *   partial, the first n arguments, more may follow; initial, as partial
 *   but the n-th argument only has to start with the last parameter. */
bool track_proc_matches(const struct conf_track_process *p, const char *comm, const char *cmd, size_t cmdlen);
/* quorum <= count <= quorum_max. */
bool track_proc_quorum(const struct conf_track_process *p, unsigned count);

/* What a new count means for the state reported (keepalived's debounce: a
 * change caused by processes appearing waits out fork_delay, one caused by
 * processes going away terminate_delay; if the count comes back before the
 * delay runs out, nothing changed). */
enum track_proc_act {
        TRACK_PROC_NONE,        /* nothing to do (a pending delay runs on) */
        TRACK_PROC_REPORT,      /* report `up` now; stop any pending delay */
        TRACK_PROC_ARM,         /* start the delay (`delay` µs); report quorum(count) when it runs out */
        TRACK_PROC_CANCEL,      /* the state is back to what is reported: stop the delay */
};

struct track_proc_step {
        enum track_proc_act act;
        bool up;                /* REPORT: the state; ARM: the state waited for */
        bool fork;              /* ARM: fork_delay (processes appeared), else terminate_delay */
        int64_t delay;          /* ARM: µs */
};

/* known/up: the state reported so far (none yet at start: reported at once);
 * pending: a delay is running. */
struct track_proc_step track_proc_step(const struct conf_track_process *p, bool known, bool up, bool pending,
                                       unsigned old_count, unsigned new_count);
