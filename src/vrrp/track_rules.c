#include "vrrp/track_rules.h"

#include <stdio.h>

void track_rf_init(struct track_rf *rf, unsigned rise, unsigned fall, bool init_fail)
{
        rf->rise = rise ? rise : 1;
        rf->fall = fall ? fall : 1;
        /* rise-1: the first run decides either way; init_fail: start at the bottom */
        rf->result = init_fail ? 0 : rf->rise - 1;
        rf->ok = false;
        rf->decided = init_fail;
}

bool track_rf_update(struct track_rf *rf, bool success)
{
        bool was_ok = rf->ok, was_decided = rf->decided;

        if (success) {
                if (rf->result + 1 < rf->rise) {
                        rf->result++;
                } else {
                        if (rf->result < rf->rise) /* the rise-th success in a row */
                                rf->ok = rf->decided = true;
                        rf->result = rf->rise + rf->fall - 1;
                }
        } else {
                if (rf->result > rf->rise) {
                        rf->result--;
                } else {
                        /* the fall-th failure in a row, or the very first result */
                        if (rf->result >= rf->rise || !rf->decided) {
                                rf->ok = false;
                                rf->decided = true;
                        }
                        rf->result = 0;
                }
        }
        return rf->ok != was_ok || rf->decided != was_decided;
}

/* reverse reads "up" as "down": weight 0 then faults while up. */
struct track_effect track_effect_bool(bool up, int weight, bool reverse)
{
        struct track_effect e = { false, 0 };

        if (reverse)
                up = !up;
        if (weight == 0)
                e.fault = !up;
        else if (weight > 0 && up)
                e.delta = weight;
        else if (weight < 0 && !up)
                e.delta = weight;
        return e;
}

struct track_effect track_effect_file(long value, int weight, bool reverse)
{
        struct track_effect e = { false, 0 };
        long v;

        if (weight == 0) {
                e.fault = value != 0;
                return e;
        }
        v = value * (long)weight * (reverse ? -1 : 1);
        if (v <= -254)
                e.fault = true;
        else
                e.delta = v > 253 ? 253 : (int)v;
        return e;
}

uint8_t track_effective_priority(unsigned base, long delta_sum)
{
        long p;

        if (base >= 255)
                return 255;
        p = (long)base + delta_sum;
        return (uint8_t)(p < 1 ? 1 : p > 254 ? 254 : p);
}

const char *track_script_ending(int exit_status, int term_signal, char *buf, size_t size)
{
        if (term_signal)
                snprintf(buf, size, "exited due to signal %d", term_signal);
        else
                snprintf(buf, size, "exited with status %d", exit_status);
        return buf;
}
