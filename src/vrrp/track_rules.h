/* Trackers and the effective priority (keepalived-reference.md §5.3).
 * Pure: the rise/fall counter of a script, the contribution of each tracker
 * to an instance's priority or FAULT, and the sum. No I/O, no time. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* script, interface, process: a boolean "up" with weight and reverse.
 * weight 0: down -> FAULT. weight > 0: +w while up; weight < 0: +w (a
 * reduction) while down. reverse reads up as down (so weight 0 reverse
 * faults while up). */
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
