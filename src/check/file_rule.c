/* FILE_CHECK's rule; see file_rule.h. */
#include "check/file_rule.h"

#include <stdlib.h>
#include <string.h>

long check_file_value(const char *buf, size_t len)
{
        char line[64];
        size_t n = 0;

        if (!buf)
                return 0;
        while (n < len && n < sizeof(line) - 1 && buf[n] != '\n' && buf[n] != '\0') {
                line[n] = buf[n];
                n++;
        }
        line[n] = '\0';
        return strtol(line, NULL, 0);
}

void check_file_weight_of(const struct conf_checker *ck, const struct conf_track_file *tf, int *ret_weight,
                          bool *ret_reverse)
{
        if (ck->file_weight_set || !tf) {
                *ret_weight = ck->file_weight_set ? ck->file_weight : 1;
                *ret_reverse = ck->file_reverse;
                return;
        }
        *ret_weight = tf->weight;
        *ret_reverse = tf->weight_reverse;
}

struct check_file_effect check_file_effect(long value, int weight, bool reverse)
{
        struct check_file_effect e = { false, 0 };
        int64_t v;

        if (weight == 0) {
                e.down = value != 0;
                return e;
        }
        if (__builtin_mul_overflow((int64_t)value, (int64_t)(reverse ? -(int64_t)weight : weight), &v))
                v = (((value < 0) != (weight < 0)) != reverse) ? INT64_MIN : INT64_MAX;
        if (v <= INT32_MIN)
                e.down = true;
        else
                e.delta = v;
        return e;
}

int64_t check_file_weight_apply(int64_t base, int64_t delta_sum)
{
        int64_t w;

        if (__builtin_add_overflow(base, delta_sum, &w))
                w = delta_sum < 0 ? 0 : INT32_MAX;
        return w < 0 ? 0 : w > INT32_MAX ? INT32_MAX : w;
}
